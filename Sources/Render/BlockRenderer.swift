// One experiment block → `<figure class="experiment" id="ID">` with its reports, and its JSON export.
import Blocks
import Charts
import Foundation
import LabbookCore
import Outcomes

public struct BlockInput: Sendable {
    public var chapterSlug: String
    public var location: SourceLocation
    public var id: String
    public var spec: ExperimentSpec?
    public var diagnostics: [Diagnostic]
    public var run: BlockRun?
    /// The engine version the JSON export names (the one that computed `run`, or would have).
    public var engineVersion: String
    /// "Figure 2.3" (localised), shown before the title; nil for none.
    public var number: String?
    /// "Figure 2.3: " — the number and the separator the page's language uses.
    public var numberSeparator = ": "
    /// The page's words for "Data" (the figure's download links).
    public var dataWord = "Data"

    public init(chapterSlug: String, location: SourceLocation, id: String, spec: ExperimentSpec?,
                diagnostics: [Diagnostic], run: BlockRun?, engineVersion: String) {
        self.chapterSlug = chapterSlug
        self.location = location
        self.id = id
        self.spec = spec
        self.diagnostics = diagnostics
        self.run = run
        self.engineVersion = engineVersion
    }
}

public struct BlockFigure: Sendable {
    public var html: String
    /// `output/data/CHAPTER/ID.json`; nil when the block never ran.
    public var json: Data?
    /// `output/data/CHAPTER/ID.csv`: every variant's per-epoch (or per-iteration) curves; nil without any.
    public var csv: Data?
    /// `output/data/CHAPTER/ID-table-N.csv`: each table the block's reports show, as CSV (N from 1).
    public var tables: [Data] = []
}

public enum BlockRenderer {
    public static func render(_ input: BlockInput) -> BlockFigure {
        let title = input.spec?.title ?? input.id
        var html = Markup()
        html.element("figcaption", breaks: .after) { w in
            if let number = input.number {
                w.element("span", [("class", "figure-number")], text: number + input.numberSeparator)
            }
            w.text(title)
            w.element("span", [("class", "block-id")]) { w in w.element("a", [("href", "#\(input.id)")], text: "#\(input.id)") }
        }

        var problems = input.diagnostics.filter { $0.severity == .error }
        if let failure = input.run?.failure { problems.append(failure) }
        if !problems.isEmpty { errorBox(&html, problems) }
        if let spec = input.spec, spec.expect == .error {
            let expected = spec.expectedErrors.isEmpty ? (input.run?.expectedFailure.map { [$0] } ?? []) : spec.expectedErrors
            if !expected.isEmpty { expectedErrorBox(&html, expected) }
        }

        var reportTables: [ReportTable] = []
        var data = BlockData(engine: input.engineVersion, chapter: input.chapterSlug, id: input.id,
                             location: "\(input.location.file):\(input.location.line)", configs: [],
                             outcome: input.run?.outcome ?? BlockOutcome(engineVersion: input.engineVersion, variants: []),
                             failure: input.run?.failure, expectedFailure: input.run?.expectedFailure, reports: [])
        if let spec = input.spec, let run = input.run {
            let ctx = ReportContext(spec: spec, outcome: run.outcome, idPrefix: input.id)
            // A diverged run: its loss curve up to the divergence, right under the error box.
            if run.failure != nil || spec.expect == .divergence {
                html.append(ctx.divergenceCurve(chartID: "\(input.id)-divergence", withSurvivors: spec.expect == .divergence))
            }
            for (i, report) in spec.show.enumerated() {
                let r = ctx.render(report, index: i)
                html.append(r.html)
                data.reports.append(contentsOf: r.data)
                reportTables.append(contentsOf: r.tables)
            }
            data.configs = spec.variants.map { JSONValue.parse($0.canonicalConfig) }
        }
        if let spec = input.spec, spec.echo {
            html.element("details", [("class", "echo")], breaks: .after) { w in
                w.element("summary", text: "Block source")
                w.element("pre") { w in w.element("code", [("class", "language-yaml")], text: spec.yaml) }
            }
        }
        let json: Data? = input.run == nil ? nil : data.encoded()
        let tables = json == nil ? [] : reportTables.map(\.csv)
        let csv = input.run.flatMap { CurveCSV.csv($0.outcome) }
        if json != nil {
            let base = "data/\(input.chapterSlug)/\(input.id)"
            func download(_ href: String, _ label: String, _ w: inout Markup) {
                var attrs: Attributes = [("href", href)]
                attrs.flag("download")
                w.element("a", attrs, text: label)
            }
            html.element("p", [("class", "figure-data")], breaks: .after) { w in
                w.text(input.dataWord + ": ")
                download("\(base).json", "JSON", &w)
                if csv != nil {
                    w.text(" · ")
                    download("\(base).csv", "CSV", &w)
                }
                for k in tables.indices {
                    w.text(" · ")
                    download("\(base)-table-\(k + 1).csv", "CSV (table \(k + 1))", &w)
                }
            }
        }
        let figureHTML = Markup.build { w in
            w.element("figure", [("class", "experiment"), ("id", input.id)], breaks: .inside) { w in w.append(html) }
        }
        return BlockFigure(html: figureHTML.string, json: json, csv: csv, tables: tables)
    }

    /// The contract's `<div class="experiment-error">` naming `chapter.md:LINE` and the cause.
    static func errorBox(_ w: inout Markup, _ problems: [Diagnostic]) {
        w.element("div", [("class", "experiment-error"), ("role", "alert")], breaks: .around) { w in
            if problems.count == 1, let p = problems.first {
                w.element("p", breaks: .after) { w in
                    w.element("strong", text: "This block did not run.")
                    w.text(" ")
                    located(&w, p)
                }
            } else {
                w.element("p", breaks: .after) { w in
                    w.element("strong", text: "This block did not run.")
                    w.text(" \(problems.count) problems:")
                }
                problemList(&w, problems)
            }
        }
    }

    /// `expect: error`: the failure is the lesson, shown as a note rather than an alert.
    static func expectedErrorBox(_ w: inout Markup, _ problems: [Diagnostic]) {
        w.element("div", [("class", "experiment-expected-error"), ("role", "note")], breaks: .around) { w in
            w.element("p", breaks: .after) { w in w.element("strong", text: "This block fails, as intended.") }
            problemList(&w, problems)
        }
    }

    /// `<span class="where">chapter.md:LINE:COL</span>: message`
    static func located(_ w: inout Markup, _ p: Diagnostic) {
        w.element("span", [("class", "where")], text: p.location.description)
        w.text(": " + p.text)
    }

    static func problemList(_ w: inout Markup, _ problems: [Diagnostic]) {
        w.element("ul", breaks: .around) { w in
            for p in problems { w.element("li", breaks: .after) { w in located(&w, p) } }
        }
    }
}

/// Numbers behind one chart panel, e.g. a histogram's edges and counts.
public struct ReportData: Codable, Sendable {
    public var report: String
    public var variant: String
    public var moment: String?
    public var layer: Int?
    public var edges: [Double]?
    public var counts: [Int]?
}
