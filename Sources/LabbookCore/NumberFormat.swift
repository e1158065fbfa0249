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

    /// A size in GiB for budget messages, one decimal without a trailing ".0": "2" for 2 GiB, "16.3".
    public static func gibibytes(_ bytes: Double) -> String {
        let text = fixed(bytes / Double(1 << 30), 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// A percentage with fixed decimals and the unit: "88.69 %".
    public static func percent(_ fraction: Double, _ decimals: Int = 2) -> String {
        fixed(fraction * 100, decimals) + " %"
    }

    /// Two significant digits for prose; powers of ten beyond ±3 written as `3.1 × 10⁻⁴`, with a real minus.
    public static func scientific(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "∞" : "−∞") }
        if x == 0 { return "0" }
        let e = Int(floor(log10(abs(x))))
        if (-3...3).contains(e) {
            let decimals = max(0, 1 - e)
            return minus(fixed(x, decimals))
        }
        let m = x / pow(10, Double(e))
        var mant = fixed(m, 1)
        var exp = e
        if mant == "10.0" || mant == "-10.0" { mant = m < 0 ? "-1.0" : "1.0"; exp += 1 }
        return minus(mant) + " × 10" + superscript(exp)
    }

    /// C's `%e` with `decimals` mantissa decimals, for tables of tiny differences: "3.00e-06". With
    /// `shortExponent` the exponent drops its "+" and leading zeros, for messages: "2.0e14", "1.5e-5".
    public static func exponential(_ x: Double, _ decimals: Int, shortExponent: Bool = false) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "inf" : "-inf") }
        let s = String(format: "%.\(decimals)e", x)
        guard shortExponent, let e = s.firstIndex(of: "e") else { return s }
        var exponent = s[s.index(after: e)...]
        let negative = exponent.first == "-"
        if exponent.first == "+" || negative { exponent = exponent.dropFirst() }
        while exponent.count > 1, exponent.first == "0" { exponent = exponent.dropFirst() }
        return s[..<e] + "e" + (negative ? "-" : "") + exponent
    }

    /// A leading hyphen as the typographic minus sign (U+2212), which is as wide as a digit and reads better;
    /// for `fixed`'s output, whose only hyphen is the sign, and `compact`'s, whose exponent keeps its hyphen.
    public static func minus(_ s: String) -> String {
        s.hasPrefix("-") ? "−" + s.dropFirst() : s
    }

    /// An integer in superscript digits, for exponents: -4 → "⁻⁴".
    public static func superscript(_ n: Int) -> String {
        String(String(n).map { superscriptDigits[$0] ?? $0 })
    }

    private static let superscriptDigits: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
    ]

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
