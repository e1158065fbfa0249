// Grids of small heat-map tiles: a conv layer's kernels (filters) or its activations for a few images (feature maps).
import LabbookCore

/// One small image: `values` row-major, `width` per row (height = count / width).
public struct Tile: Sendable, Hashable {
    public var label: String
    public var width: Int
    public var values: [Double]
    /// Its own colour range (an input image beside the feature maps); nil: the row's.
    public var range: ClosedRange<Double>?
    public init(label: String, width: Int, values: [Double], range: ClosedRange<Double>? = nil) {
        self.label = label
        self.width = width
        self.values = values
        self.range = range
    }
    var height: Int { width > 0 ? values.count / width : 0 }
}

/// A labelled row of tiles (one moment's filters, or one image's feature maps) sharing one colour scale.
public struct TileRow: Sendable, Hashable {
    public var label: String
    public var tiles: [Tile]
    public init(label: String, tiles: [Tile]) {
        self.label = label
        self.tiles = tiles
    }
}

/// Rows of tiles in one panel. Colours: the diverging scale with 0 at white; a row with negative values
/// runs blue (−m) … white … red (+m), m = the row's largest |value|; a row with none runs white (0) … red (max).
public struct TileGridSpec: Sendable, Hashable {
    public var id: String
    public var title: String
    public var rows: [TileRow]
    /// Tiles per line; a longer row wraps.
    public var columns: Int
    /// What a colour means, for the legend ("weight", "activation").
    public var valueLabel: String
    public init(id: String, title: String, rows: [TileRow], columns: Int = 8, valueLabel: String) {
        self.id = id
        self.title = title
        self.rows = rows
        self.columns = max(1, columns)
        self.valueLabel = valueLabel
    }
}

enum TileGridChart {
    // Odd, so that 0 falls exactly on the middle level: white.
    static let levels = 33

    static func render(_ spec: TileGridSpec) -> Markup {
        let problems = spec.rows.flatMap { row in row.tiles.compactMap { Unplottable.range("colour", $0.range).map { "\(row.label): \($0)" } } }
        if !problems.isEmpty { return Unplottable.placeholder(id: spec.id, title: spec.title, problems: problems) }
        let style = PanelStyle.single
        let margin = 8.0, gap = 6.0, labelFont = 11.0
        let widest = max(1, spec.rows.map { min($0.tiles.count, spec.columns) }.max() ?? 1)
        // Tiles as large as the width allows, at most 64 units (a 5×5 kernel at ~13 units a cell).
        let tile = min(64, (style.width - 2 * margin - Double(widest - 1) * gap) / Double(widest))
        let rowLabel = style.font + 8, tileLabel = labelFont + 4
        // The title is centred over the tiles and wrapped to their width: a long feature-maps title ran past both
        // edges of the panel (cut off at 400 px) and was centred on the panel rather than on the grid.
        let gridWidth = Double(widest) * tile + Double(widest - 1) * gap
        let titleLines = spec.title.isEmpty ? [] : wrap(spec.title, toWidth: max(gridWidth, 120), fontSize: style.titleFont)
        let lineHeight = style.titleFont * 1.25
        var y = margin + (titleLines.isEmpty ? 0 : style.titleFont + 10 + Double(titleLines.count - 1) * lineHeight)
        // The labels and outlines, drawn over the cells, which need the whole layout first.
        var body = Markup(breaks: .around)
        var paths = [String](repeating: "", count: levels + 1)
        for row in spec.rows {
            let scale = rowRange(row)
            body.element("text", [("x", num(margin)), ("y", num(y + style.font)), ("fill", "currentColor")],
                      text: row.label + " (" + rangeText(scale) + ")")
            y += rowLabel
            for (k, t) in row.tiles.enumerated() {
                let column = k % spec.columns
                if column == 0, k > 0 { y += tile + tileLabel + gap }
                let x = margin + Double(column) * (tile + gap)
                cells(t, range: t.range ?? scale, x: x, y: y, size: tile, into: &paths)
                body.empty("rect", [("x", num(x)), ("y", num(y)), ("width", num(tile)), ("height", num(tile)),
                                    ("fill", "none"), ("stroke", "currentColor"), ("stroke-width", "0.5")])
                body.element("text", [("x", num(x + tile / 2)), ("y", num(y + tile + labelFont + 1)), ("text-anchor", "middle"),
                                      ("font-size", num(labelFont)), ("fill", "currentColor")],
                          text: truncate(t.label, toWidth: tile + gap, fontSize: labelFont))
            }
            y += (row.tiles.isEmpty ? 0 : tile + tileLabel) + gap + 4
        }
        let height = max(y + margin, 60)
        let pid = "\(Fragment.chartID(spec.id))-p0"
        let panel = Frame.panel(id: pid, width: style.width, height: height, title: spec.title, style: style) { w in
            for (i, line) in titleLines.enumerated() {
                w.element("text", [("class", "panel-title"), ("x", num(margin + gridWidth / 2)), ("y", num(margin + style.titleFont + Double(i) * lineHeight)),
                                   ("text-anchor", "middle"), ("font-size", num(style.titleFont)), ("font-weight", "600"),
                                   ("fill", "currentColor")], text: line)
            }
            w.element("g", [("class", "cells"), ("shape-rendering", "crispEdges")]) { w in
                for (i, d) in paths.enumerated() where !d.isEmpty { w.empty("path", [("d", d), ("fill", color(level: i))]) }
            }
            w.append(body)
        }
        let legend = [LegendItem(label: "negative \(spec.valueLabel)", swatch: .box(Palette.divergingColor(0))),
                      LegendItem(label: "0", swatch: .box(Palette.divergingColor(0.5))),
                      LegendItem(label: "positive \(spec.valueLabel)", swatch: .box(Palette.divergingColor(1)))]
        return Fragment.wrap(id: spec.id, title: spec.title, panels: [panel], legend: legend)
    }

    /// Symmetric ±m when the row has a negative value, else 0…max; a row of zeros gets 0…1.
    static func rowRange(_ row: TileRow) -> ClosedRange<Double> {
        var lo = 0.0, hi = 0.0
        for t in row.tiles where t.range == nil {
            for v in t.values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        }
        if lo < 0 { let m = max(-lo, hi); return -m...m }
        return 0...(hi > 0 ? hi : 1)
    }

    static func rangeText(_ r: ClosedRange<Double>) -> String {
        r.lowerBound < 0 ? "±" + label(r.upperBound) : "0 to " + label(r.upperBound)
    }

    static func label(_ v: Double) -> String {
        let digits = v >= 10 ? 1 : v >= 1 ? 2 : 3
        return NumberFormat.fixed(v, digits)
    }

    /// A tile's cells as row runs of equal colour level, appended to one path per level (a 28×28 map costs a few
    /// hundred runs, not 784 elements). Levels: the diverging scale quantised to `levels` steps; 0 is white.
    static func cells(_ t: Tile, range: ClosedRange<Double>, x: Double, y: Double, size: Double, into paths: inout [String]) {
        let rows = t.height, cols = t.width
        guard rows > 0, cols > 0 else { return }
        let symmetric = range.lowerBound < 0
        let m = max(abs(range.lowerBound), abs(range.upperBound))
        func level(_ v: Double) -> Int {
            guard v.isFinite else { return levels }
            var u = m > 0 ? v / m : 0                       // −1…1 or 0…1
            u = min(max(u, symmetric ? -1 : 0), 1)
            let unit = symmetric ? (u + 1) / 2 : 0.5 + u / 2  // 0 at white (0.5) either way
            return Int((unit * Double(levels - 1)).rounded())
        }
        let cw = size / Double(cols), ch = size / Double(rows)
        for r in 0..<rows {
            let top = y + Double(r) * ch, bottom = y + Double(r + 1) * ch
            var c = 0
            while c < cols {
                let lv = level(t.values[r * cols + c])
                var end = c + 1
                while end < cols, level(t.values[r * cols + end]) == lv { end += 1 }
                paths[lv] += "M\(num(x + Double(c) * cw)) \(num(top))H\(num(x + Double(end) * cw))V\(num(bottom))H\(num(x + Double(c) * cw))Z"
                c = end
            }
        }
    }

    static func color(level: Int) -> String {
        level >= levels ? Palette.divergingColor(.nan) : Palette.divergingColor(Double(level) / Double(levels - 1))
    }
}
