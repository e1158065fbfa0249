// One SVG panel's frame: root element with its <title>, margins, grid, axes, tick and axis labels.
import LabbookCore

/// Size of a panel in viewBox units and its font sizes. A panel is drawn at CSS width 100 %, so text
/// shrinks with the page: 13-unit text in a 400-unit viewBox is still ~10 px at 320 px wide.
struct PanelStyle {
    var width: Double
    var height: Double
    var font: Double = 13
    var titleFont: Double = 14

    /// A chart that is alone on its row.
    static let single = PanelStyle(width: 400, height: 270)
    /// One of several small multiples; the page's grid puts 1–4 of them on a row.
    static let multiple = PanelStyle(width: 320, height: 240)
}

/// The plot rectangle of a panel and its two axes in user units.
struct PanelFrame {
    var left: Double, top: Double, right: Double, bottom: Double
    var x: Axis
    var y: Axis
    var clipID: String

    var centerX: Double { (left + right) / 2 }
    var centerY: Double { (top + bottom) / 2 }
}

enum Frame {
    /// `<svg ...>` and its `<title>` (first child, so screen readers announce it), with ids derived
    /// from `id`; no width or height, so CSS decides the size and the viewBox keeps the proportions.
    /// `description`, generated from the data, becomes a `<desc>` the svg's aria-describedby names.
    /// `body` draws the panel's content inside the `<svg>`, after the title and description.
    static func panel(id: String, width: Double, height: Double, title: String, style: PanelStyle,
                      description: String? = nil, _ body: (inout Markup) -> Void) -> Markup {
        var attrs: Attributes = [("xmlns", "http://www.w3.org/2000/svg"), ("viewBox", "0 0 \(num(width)) \(num(height))"),
                                 ("role", "img"), ("aria-labelledby", "\(id)-title")]
        if description != nil { attrs.append("aria-describedby", "\(id)-desc") }
        attrs = attrs + [("class", "chart-panel"), ("font-size", num(style.font)), ("font-family", "system-ui, sans-serif")]
        return Markup.build(breaks: .around) { w in
            w.element("svg", attrs) { w in
                w.element("title", [("id", "\(id)-title")], text: title)
                if let description { w.element("desc", [("id", "\(id)-desc")], text: description) }
                body(&w)
            }
        }
    }

    /// The plot rectangle (left, top, right, bottom) left over by the title, tick labels, axis labels and
    /// `reserveBottom` units kept free under the x-axis label (a heatmap's colour bar) and `reserveRight`
    /// units right of the plot (values written after bars).
    static func margins(style: PanelStyle, hasTitle: Bool, x xDomain: AxisDomain, y yDomain: AxisDomain,
                        xLabel: String, yLabel: String, reserveBottom: Double = 0,
                        reserveRight: Double = 0) -> (Double, Double, Double, Double) {
        let f = style.font
        let yLabelWidth = yDomain.labels.map { textWidth($0, fontSize: f) }.max() ?? 0
        let top = hasTitle ? style.titleFont + 14 : 10
        let left = (yLabel.isEmpty ? 4 : f + 8) + yLabelWidth + 8
        let lastXLabelHalf = (xDomain.labels.last.map { textWidth($0, fontSize: f) } ?? 0) / 2
        let right = style.width - max(12, lastXLabelHalf + 2, reserveRight)
        let bottom = style.height - reserveBottom - (f + 8) - (xLabel.isEmpty ? 4 : f + 10)
        return (left, top, right, bottom)
    }

    /// `style` with the height that makes the plot area as tall as it is wide, for charts whose two axes
    /// are both positions in one plane (a surface, a scatter with equal axes).
    static func square(_ style: PanelStyle, title: String, x xDomain: AxisDomain, y yDomain: AxisDomain,
                       xLabel: String, yLabel: String, reserveBottom: Double = 0) -> PanelStyle {
        let (l, t, r, b) = margins(style: style, hasTitle: !title.isEmpty, x: xDomain, y: yDomain,
                                   xLabel: xLabel, yLabel: yLabel, reserveBottom: reserveBottom)
        var squared = style
        squared.height += (r - l) - (b - t)
        return squared
    }

    /// A `panel` of the style's size whose body starts with `draw`: `title` names the svg for screen readers,
    /// `frameTitle` is the one drawn above the plot; `body` gets the frame to draw the data in.
    static func framed(id: String, title: String, style: PanelStyle, description: String?, frameTitle: String?,
                       x xDomain: AxisDomain, y yDomain: AxisDomain, xLabel: String, yLabel: String,
                       reserveBottom: Double = 0, _ body: (inout Markup, PanelFrame) -> Void) -> Markup {
        panel(id: id, width: style.width, height: style.height, title: title, style: style, description: description) { w in
            let frame = draw(&w, id: id, style: style, title: frameTitle, x: xDomain, y: yDomain,
                             xLabel: xLabel, yLabel: yLabel, reserveBottom: reserveBottom)
            body(&w, frame)
        }
    }

    /// Draws the panel title, grid, axes, ticks and axis labels, and returns where the data goes.
    /// Data drawn afterwards sits on top of the grid; `clipID` names a clip rectangle slightly larger
    /// than the plot so that lines leaving a fixed range are cut while edge markers stay whole.
    static func draw(_ w: inout Markup, id: String, style: PanelStyle, title: String?,
                     x xDomain: AxisDomain, y yDomain: AxisDomain, xLabel: String, yLabel: String,
                     reserveBottom: Double = 0, reserveRight: Double = 0) -> PanelFrame {
        let f = style.font
        let hasTitle = !(title ?? "").isEmpty
        let (left, top, right, bottom) = margins(style: style, hasTitle: hasTitle, x: xDomain, y: yDomain,
                                                 xLabel: xLabel, yLabel: yLabel, reserveBottom: reserveBottom,
                                                 reserveRight: reserveRight)
        let frame = PanelFrame(left: left, top: top, right: right, bottom: bottom,
                               x: Axis(domain: xDomain, start: left, end: right),
                               y: Axis(domain: yDomain, start: bottom, end: top),
                               clipID: "\(id)-clip")
        w.element("defs") { w in
            w.element("clipPath", [("id", frame.clipID)]) { w in
                w.empty("rect", [("x", num(left - 4)), ("y", num(top - 4)), ("width", num(right - left + 8)), ("height", num(bottom - top + 8))])
            }
        }

        if hasTitle, let title {
            w.element("text", [("class", "panel-title"), ("x", num(style.width / 2)), ("y", num(style.titleFont + 4)),
                               ("text-anchor", "middle"), ("font-size", num(style.titleFont)), ("font-weight", "600"),
                               ("fill", "currentColor")],
                   text: truncate(title, toWidth: style.width - 8, fontSize: style.titleFont * 0.92))
        }
        grid(&w, frame)
        axes(&w, frame, style: style)
        if !xLabel.isEmpty {
            w.element("text", [("class", "axis-label"), ("x", num(frame.centerX)), ("y", num(style.height - reserveBottom - 6)),
                               ("text-anchor", "middle"), ("fill", "currentColor")],
                   text: truncate(xLabel, toWidth: style.width - 8, fontSize: f))
        }
        if !yLabel.isEmpty {
            let x = f + 2
            w.element("text", [("class", "axis-label"), ("x", num(x)), ("y", num(frame.centerY)), ("text-anchor", "middle"),
                               ("transform", "rotate(-90 \(num(x)) \(num(frame.centerY)))"), ("fill", "currentColor")],
                   text: truncate(yLabel, toWidth: bottom - top + 20, fontSize: f))
        }
        return frame
    }

    /// Light grid lines at every tick; the line at zero (inside the domain) is darker, which is where
    /// function plots and signed data need the eye to go.
    static func grid(_ w: inout Markup, _ p: PanelFrame) {
        w.element("g", [("class", "grid"), ("stroke", "currentColor"), ("stroke-opacity", "0.13"), ("stroke-width", "1")]) { w in
            for t in p.x.domain.ticks {
                guard let x = p.x.position(t) else { continue }
                w.empty("line", [("x1", num(x)), ("y1", num(p.top)), ("x2", num(x)), ("y2", num(p.bottom))])
            }
            for t in p.y.domain.ticks {
                guard let y = p.y.position(t) else { continue }
                w.empty("line", [("x1", num(p.left)), ("y1", num(y)), ("x2", num(p.right)), ("y2", num(y))])
            }
        }
        if p.x.domain.scale == .linear, p.x.domain.lo < 0, p.x.domain.hi > 0, let x = p.x.position(0) {
            w.empty("line", [("class", "zero"), ("x1", num(x)), ("y1", num(p.top)), ("x2", num(x)), ("y2", num(p.bottom)),
                             ("stroke", "currentColor"), ("stroke-opacity", "0.45")])
        }
        if p.y.domain.scale == .linear, p.y.domain.lo < 0, p.y.domain.hi > 0, let y = p.y.position(0) {
            w.empty("line", [("class", "zero"), ("x1", num(p.left)), ("y1", num(y)), ("x2", num(p.right)), ("y2", num(y)),
                             ("stroke", "currentColor"), ("stroke-opacity", "0.45")])
        }
    }

    /// Left and bottom axis lines with outward tick marks and labels; labels are thinned (every 2nd,
    /// 3rd, …) when they would collide, but grid lines stay at every tick.
    static func axes(_ w: inout Markup, _ p: PanelFrame, style: PanelStyle) {
        let f = style.font
        w.element("g", [("class", "axis"), ("stroke", "currentColor"), ("stroke-width", "1")]) { w in
            w.empty("line", [("x1", num(p.left)), ("y1", num(p.bottom)), ("x2", num(p.right)), ("y2", num(p.bottom))])
            w.empty("line", [("x1", num(p.left)), ("y1", num(p.top)), ("x2", num(p.left)), ("y2", num(p.bottom))])
            var marks = ""
            for t in p.x.domain.ticks { if let x = p.x.position(t) { marks += "M\(num(x)) \(num(p.bottom))v4" } }
            for t in p.y.domain.ticks { if let y = p.y.position(t) { marks += "M\(num(p.left)) \(num(y))h-4" } }
            if !marks.isEmpty { w.empty("path", [("d", marks)]) }
        }

        let xd = p.x.domain, yd = p.y.domain
        let xWidest = xd.labels.map { textWidth($0, fontSize: f) }.max() ?? 0
        let xEvery = labelStride(count: xd.ticks.count, span: p.right - p.left, need: xWidest + 8)
        let yEvery = labelStride(count: yd.ticks.count, span: p.bottom - p.top, need: f * 1.3)
        w.element("g", [("class", "tick-label"), ("fill", "currentColor")]) { w in
            for (i, t) in xd.ticks.enumerated() where i % xEvery == 0 {
                guard let x = p.x.position(t) else { continue }
                w.element("text", [("x", num(x)), ("y", num(p.bottom + 6 + f)), ("text-anchor", "middle")], text: xd.labels[i])
            }
            for (i, t) in yd.ticks.enumerated() where i % yEvery == 0 {
                guard let y = p.y.position(t) else { continue }
                w.element("text", [("x", num(p.left - 7)), ("y", num(y)), ("dy", "0.35em"), ("text-anchor", "end")], text: yd.labels[i])
            }
        }
    }

    /// Label every `n`-th tick so that labels `need` units apart fit in `span`.
    static func labelStride(count: Int, span: Double, need: Double) -> Int {
        guard count > 1, span > 0 else { return 1 }
        let gap = span / Double(count - 1)
        return max(1, Int((need / gap).rounded(.up)))
    }

    /// "no data" in the middle of an empty plot, so an empty panel is not mistaken for a rendering bug.
    static func noData(_ w: inout Markup, _ p: PanelFrame) {
        w.element("text", [("class", "no-data"), ("x", num(p.centerX)), ("y", num(p.centerY)), ("dy", "0.35em"),
                           ("text-anchor", "middle"), ("fill", "currentColor"), ("fill-opacity", "0.7")], text: "no data")
    }
}
