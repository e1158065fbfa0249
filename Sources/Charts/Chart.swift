// Public entry points: each chart kind rendered to an HTML fragment (SVG panels plus an HTML legend).
import LabbookCore

/// Renders charts to HTML fragments for inline use in a page. Every fragment is a
/// `<div class="chart" id="chart-ID">`; small multiples put their panels, one `<svg>` each, in a
/// `<div class="small-multiples">` so the page's CSS grid can wrap them at any width.
/// The output depends only on the spec: the same spec gives the same bytes.
public enum Chart {
    /// Line chart, one or more panels (small multiples) with one line per series and a shared legend.
    public static func line(_ spec: LineChartSpec) -> Markup { LineChart.render(spec) }
    /// Histograms in a grid of rows (e.g. init / trained) × columns (e.g. layers), one panel each.
    public static func histogram(_ spec: HistogramSpec) -> Markup { HistogramChart.render(spec) }
    /// A value on a regular 2-D grid in a diverging colour scale, with points on top and a colour bar.
    public static func heatmap(_ spec: HeatmapSpec) -> Markup { HeatmapChart.render(spec) }
    /// Decision regions of more than two classes: argmax class in its colour, paler where less certain.
    public static func classRegions(_ spec: ClassRegionSpec) -> Markup { ClassRegionChart.render(spec) }
    /// Dots with optional lines on top (predicted against actual with y = x, or a fitted curve).
    public static func scatter(_ spec: ScatterSpec) -> Markup { ScatterChart.render(spec) }
    /// Rows of small heat-map tiles (a conv layer's filters, or feature maps), 0 at white.
    public static func tiles(_ spec: TileGridSpec) -> Markup { TileGridChart.render(spec) }

    /// CSS for the classes the fragments use, for the site's stylesheet. Text, axes and grid use
    /// `currentColor`, so a dark theme only has to set `color` on the page.
    public static let stylesheet = """
        .chart { margin: 1em 0; }
        .chart svg.chart-panel { display: block; width: 100%; height: auto; overflow: visible; }
        .chart > svg.chart-panel { max-width: 36rem; }
        .chart .small-multiples { display: grid; gap: 0.5rem 1rem;
          grid-template-columns: repeat(auto-fit, minmax(min(100%, 260px), 1fr)); }
        .chart .small-multiples.fixed { grid-template-columns: repeat(var(--cols), minmax(0, 1fr)); margin-bottom: 0.5rem; }
        @media (max-width: 760px) { .chart .small-multiples.fixed { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
        @media (max-width: 480px) { .chart .small-multiples.fixed { grid-template-columns: minmax(0, 1fr); } }
        .chart-title { font-weight: 600; margin: 0 0 0.25em; }
        .chart-legend { list-style: none; padding: 0; margin: 0.4em 0; display: flex; flex-wrap: wrap;
          gap: 0.2em 1.2em; font-size: 0.9em; }
        .chart-legend li { white-space: nowrap; }

        """
}

/// One entry of a chart's legend and how its swatch looks.
struct LegendItem {
    enum Swatch {
        /// A line in palette colour `i` with its dash pattern.
        case line(Int)
        /// A filled square.
        case box(String)
        /// A heatmap marker: a circle or a square, filled, with the markers' outline.
        case marker(square: Bool, fill: String)
        /// A class's point marker: shape 0 circle, 1 square, 2 triangle, 3 diamond, in the class's colour.
        case classMarker(shape: Int, fill: String)
    }
    var label: String
    var swatch: Swatch
}

enum Fragment {
    /// The id of the chart's wrapper; panel ids extend it ("chart-ID-p0").
    static func chartID(_ id: String) -> String { "chart-" + XML.idSafe(id) }

    /// A chart: a single panel (title drawn in the SVG) followed by the legend, or a heading, the
    /// legend and a group of panels. The legend comes before many panels so that on a phone, where
    /// they stack, it is read first rather than eight screens down.
    /// `columns`: lay the panels out as rows of exactly this many (a histogram's moments × layers grid),
    /// so a row never wraps into the next on a wide page; narrow pages drop to two and then one column.
    static func wrap(id: String, title: String, panels: [Markup], legend: [LegendItem], columns: Int? = nil) -> Markup {
        let cid = chartID(id)
        return Markup.build(breaks: .around) { w in
            w.element("div", [("class", "chart"), ("id", cid)]) { w in
                if panels.count == 1 {
                    w.append(panels[0])
                    legendList(&w, legend)
                    return
                }
                w.element("p", [("class", "chart-title"), ("id", "\(cid)-heading")], text: title)
                legendList(&w, legend)
                if let columns, columns > 1, panels.count > columns {
                    w.element("div", [("role", "group"), ("aria-labelledby", "\(cid)-heading")]) { w in
                        for start in stride(from: 0, to: panels.count, by: columns) {
                            w.element("div", [("class", "small-multiples fixed"), ("style", "--cols:\(columns)")]) { w in
                                w.append(contentsOf: panels[start..<min(panels.count, start + columns)])
                            }
                        }
                    }
                } else {
                    w.element("div", [("class", "small-multiples"), ("role", "group"), ("aria-labelledby", "\(cid)-heading")]) { w in
                        w.append(contentsOf: panels)
                    }
                }
            }
        }
    }

    /// An HTML list with a coloured swatch per entry; it wraps like text, so it stays readable at
    /// 320 px. Swatch geometry is inline so the legend works even before the page stylesheet has it.
    static func legendList(_ w: inout Markup, _ items: [LegendItem]) {
        guard !items.isEmpty else { return }
        w.element("ul", [("class", "chart-legend")]) { w in
            for item in items {
                let base = "display:inline-block;vertical-align:middle;margin-right:0.4em;"
                let style: String
                switch item.swatch {
                case .line(let i):
                    style = base + "width:1.8em;border-top:3px \(Palette.borderStyle(i)) \(Palette.color(i))"
                case .box(let color):
                    style = base + "width:0.9em;height:0.9em;background:\(color)"
                case .marker(let square, let fill):
                    style = base + "width:0.7em;height:0.7em;background:\(fill);border:2px solid #fff;outline:1px solid #000"
                        + (square ? "" : ";border-radius:50%")
                case .classMarker(let shape, let fill):
                    let outline = "width:0.8em;height:0.8em;background:\(fill);"
                    switch shape % 4 {
                    case 0: style = base + outline + "border-radius:50%;outline:1px solid #000"
                    case 1: style = base + "width:0.7em;height:0.7em;background:\(fill);outline:1px solid #000"
                    case 2: style = base + outline + "clip-path:polygon(50% 0,100% 100%,0 100%)"
                    default: style = base + outline + "clip-path:polygon(50% 0,100% 50%,50% 100%,0 50%)"
                    }
                }
                w.element("li", breaks: .after) { w in
                    w.element("span", [("class", "swatch"), ("aria-hidden", "true"), ("style", style)], text: "", breaks: Markup.Breaks.none)
                    w.text(item.label)
                }
            }
        }
    }
}
