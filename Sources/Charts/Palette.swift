// Colour-blind-safe series colours (Okabe–Ito), dash patterns, and the diverging scale for heatmaps.
import Foundation

public enum Palette {
    /// Okabe–Ito order. Yellow (#F0E442) is darkened to #B39B00 so thin lines show on white, and the
    /// palette's black is `currentColor` so it turns light on a dark page. Every entry keeps at least
    /// ~2.7:1 contrast on white and ~3.5:1 on near-black.
    public static let colors: [String] = [
        "#0072B2",      // blue
        "#E69F00",      // orange
        "#009E73",      // bluish green
        "#CC79A7",      // reddish purple
        "#56B4E9",      // sky blue
        "#D55E00",      // vermillion
        "#B39B00",      // yellow, darkened
        "#999999",      // grey
        "currentColor", // black on light pages, white on dark ones
    ]

    /// Dash patterns cycling with period 3 (solid, dashed, dotted) so that neighbours in the palette
    /// that some readers confuse (blue/sky, orange/vermillion/yellow) also differ in line style.
    static let dashes: [String] = ["", "7 3", "2 2.5"]

    /// CSS border styles matching `dashes`, for legend swatches.
    static let borderStyles: [String] = ["solid", "dashed", "dotted"]

    public static func color(_ i: Int) -> String { colors[((i % colors.count) + colors.count) % colors.count] }

    /// Fill colours for up to 10 classes: the eight Okabe–Ito colours (no `currentColor`: a region needs a real
    /// colour), then Paul Tol's indigo and wine; beyond 10 they repeat (points then differ by shape).
    static let classColors: [String] = Array(colors.prefix(8)) + ["#332288", "#882255"]
    public static func classColor(_ i: Int) -> String { classColors[((i % classColors.count) + classColors.count) % classColors.count] }
    static func dash(_ i: Int) -> String { dashes[((i % dashes.count) + dashes.count) % dashes.count] }
    static func borderStyle(_ i: Int) -> String { borderStyles[((i % borderStyles.count) + borderStyles.count) % borderStyles.count] }

    /// ColorBrewer RdBu (colour-blind safe), running blue → near-white → red as the value grows.
    static let diverging: [(Double, Double, Double)] = [
        (0x21, 0x66, 0xac), (0x43, 0x93, 0xc3), (0x92, 0xc5, 0xde), (0xd1, 0xe5, 0xf0), (0xf7, 0xf7, 0xf7),
        (0xfd, 0xdb, 0xc7), (0xf4, 0xa5, 0x82), (0xd6, 0x60, 0x4d), (0xb2, 0x18, 0x2b),
    ]

    /// The diverging colour for `t` in 0…1 (clamped), interpolated between the RdBu stops; non-finite
    /// values get a neutral grey so missing cells are visible but not mistaken for data.
    public static func divergingColor(_ t: Double) -> String {
        guard t.isFinite else { return "#808080" }
        let u = min(max(t, 0), 1) * Double(diverging.count - 1)
        let i = min(Int(u), diverging.count - 2)
        let f = u - Double(i)
        let (a, b) = (diverging[i], diverging[i + 1])
        func mix(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return hex(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    static func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
        let digits = Array("0123456789ABCDEF")
        var s = "#"
        for v in [r, g, b] {
            let c = min(max(v, 0), 255)
            s.append(digits[c / 16])
            s.append(digits[c % 16])
        }
        return s
    }
}
