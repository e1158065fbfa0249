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
        let id = Escape.html(input.id)
        var html = "<figure class=\"experiment\" id=\"\(id)\">\n"
        let title = input.spec?.title ?? input.id
        let number = input.number.map { "<span class=\"figure-number\">\(Escape.html($0))\(Escape.html(input.numberSeparator))</span>" } ?? ""
        html += "<figcaption>\(number)\(Escape.html(title))<span class=\"block-id\"><a href=\"#\(id)\">#\(id)</a></span></figcaption>\n"

        var problems = input.diagnostics.filter { $0.severity == .error }
        if let failure = input.run?.failure { problems.append(failure) }
        if !problems.isEmpty { html += errorBox(problems) }
        if let spec = input.spec, spec.expect == .error {
            let expected = spec.expectedErrors.isEmpty ? (input.run?.expectedFailure.map { [$0] } ?? []) : spec.expectedErrors
            if !expected.isEmpty { html += expectedErrorBox(expected) }
        }

        var export = BlockExport(engine: input.engineVersion, chapter: input.chapterSlug, id: input.id,
                                 location: "\(input.location.file):\(input.location.line)", variants: [], reports: [])
        if let spec = input.spec, let run = input.run {
            let ctx = ReportContext(spec: spec, outcome: run.outcome, idPrefix: input.id)
            // A diverged run: its loss curve up to the divergence, right under the error box.
            if run.failure != nil || spec.expect == .divergence {
                html += ctx.divergenceCurve(chartID: "\(input.id)-divergence", withSurvivors: spec.expect == .divergence)
            }
            for (i, report) in spec.show.enumerated() {
                let r = ctx.render(report, index: i)
                html += r.html
                export.reports.append(contentsOf: r.data)
            }
            export.variants = zip(spec.variants, run.outcome.variants).map { variant, outcome in
                VariantExport(label: outcome.label, config: variant.canonicalConfig, result: outcome.training.map(TrainingExport.init),
                              recurrent: outcome.recurrent)
            }
        }
        if let spec = input.spec, spec.echo {
            html += "<details class=\"echo\"><summary>Block source</summary><pre><code class=\"language-yaml\">\(Escape.html(spec.yaml))</code></pre></details>\n"
        }
        let json: Data? = input.run == nil ? nil : encodeJSON(export)
        let tables = json == nil ? [] : CurveCSV.tables(inHTML: html)
        let csv = input.run.flatMap { CurveCSV.csv($0.outcome) }
        if json != nil {
            let base = "data/\(Escape.html(input.chapterSlug))/\(id)"
            html += "<p class=\"figure-data\">\(Escape.html(input.dataWord)): <a href=\"\(base).json\" download>JSON</a>"
            if csv != nil { html += " · <a href=\"\(base).csv\" download>CSV</a>" }
            for k in tables.indices { html += " · <a href=\"\(base)-table-\(k + 1).csv\" download>CSV (table \(k + 1))</a>" }
            html += "</p>\n"
        }
        html += "</figure>"
        var figure = BlockFigure(html: html, json: json, csv: csv)
        figure.tables = json == nil ? [] : tables
        return figure
    }

    /// The contract's `<div class="experiment-error">` naming `chapter.md:LINE` and the cause.
    static func errorBox(_ problems: [Diagnostic]) -> String {
        var html = "<div class=\"experiment-error\" role=\"alert\">\n"
        if problems.count == 1, let p = problems.first {
            html += "<p><strong>This block did not run.</strong> <span class=\"where\">\(Escape.html(p.location.description))</span>: \(Escape.html(p.text))</p>\n"
        } else {
            html += "<p><strong>This block did not run.</strong> \(problems.count) problems:</p>\n<ul>\n"
            for p in problems {
                html += "<li><span class=\"where\">\(Escape.html(p.location.description))</span>: \(Escape.html(p.text))</li>\n"
            }
            html += "</ul>\n"
        }
        return html + "</div>\n"
    }

    /// `expect: error`: the failure is the lesson, shown as a note rather than an alert.
    static func expectedErrorBox(_ problems: [Diagnostic]) -> String {
        var html = "<div class=\"experiment-expected-error\" role=\"note\">\n<p><strong>This block fails, as intended.</strong></p>\n<ul>\n"
        for p in problems {
            html += "<li><span class=\"where\">\(Escape.html(p.location.description))</span>: \(Escape.html(p.text))</li>\n"
        }
        return html + "</ul>\n</div>\n"
    }

    static func encodeJSON<T: Encodable>(_ value: T) -> Data? {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try? enc.encode(value)
    }
}

// MARK: - JSON export

struct BlockExport: Encodable {
    var engine: String
    var chapter: String
    var id: String
    var location: String
    var variants: [VariantExport]
    var reports: [ReportData]
}

struct VariantExport: Encodable {
    var label: String
    var config: String
    var result: TrainingExport?
    var recurrent: RecurrentProbeResult?
}

/// A TrainingResult without the raw histogram samples (the reports' bins are exported instead).
struct TrainingExport: Encodable {
    var layerWidths: [Int]
    var parameters: Int
    var epochsRun: Int
    var bestEpoch: Int
    var final: FinalMetrics
    var epochs: [EpochRecord]
    var iterations: [IterationRecord]
    var deadNeurons: [DeadNeuronRecord]
    var gradientCheck: [GradientCheckRow]?
    var divergence: Divergence?

    init(_ r: TrainingResult) {
        layerWidths = r.layerWidths
        parameters = r.parameters
        epochsRun = r.epochsRun
        bestEpoch = r.bestEpoch
        final = r.final
        epochs = r.epochs
        iterations = r.iterations
        deadNeurons = r.deadNeurons
        gradientCheck = r.gradientCheck
        divergence = r.divergence
    }
}

/// Numbers behind one chart panel, e.g. a histogram's edges and counts.
struct ReportData: Encodable {
    var report: String
    var variant: String
    var moment: String?
    var layer: Int?
    var edges: [Double]?
    var counts: [Int]?
}
