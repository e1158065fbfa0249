// Locale-independent, deterministic number formatting for pages, tables, charts and JSON.
import Foundation

public enum NumberFormat {
    /// Fixed decimals, always with '.' and '-' (never a locale's separators); -0 prints as 0.
    public static func fixed(_ x: Double, _ decimals: Int) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "∞" : "−∞" }
        var s = String(format: "%.\(decimals)f", x)
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { s.removeFirst() }
        return s
    }

    /// Shortest representation that round-trips at the given significant digits, for SVG coordinates
    /// and axis labels: trailing zeros removed ("0.5", "10", "2.5e-05").
    public static func compact(_ x: Double, significant: Int = 6) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return "0" }
        var s = String(format: "%.\(significant)g", x)
        if s.contains("e") {
            let parts = s.split(separator: "e", maxSplits: 1).map(String.init)
            var mant = parts[0]
            if mant.contains(".") {
                while mant.hasSuffix("0") { mant.removeLast() }
                if mant.hasSuffix(".") { mant.removeLast() }
            }
            s = mant + "e" + parts[1]
        } else if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { return "0" }
        return s
    }

    /// A percentage with fixed decimals and the unit: "88.69 %".
    public static func percent(_ fraction: Double, _ decimals: Int = 2) -> String {
        fixed(fraction * 100, decimals) + " %"
    }

    /// Integers with thin grouping for tables: 535818 → "535,818".
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }
}
