// `output/data/CHAPTER/ID.json`: a block's outcome as its figure was drawn from it; `labbook check` reads it back
// and draws the figure again, so the file must hold every number the page shows, bit for bit.
import Blocks
import Foundation
import LabbookCore
import Outcomes
import Vocabulary

/// One block's data file. `outcome` is the block's `BlockOutcome` encoded as it is (new outcome fields flow
/// through without a change here); its histogram samples are those the book draws or quotes (`SampleUse`).
public struct BlockData: Codable, Sendable {
    public var engine: String
    public var chapter: String
    public var id: String
    /// `chapters/01-intro.md:12`.
    public var location: String
    /// Each variant's training config (data, model, loss, optimizer, train, seed, defaults merged), in variant order.
    public var configs: [JSONValue]
    public var outcome: BlockOutcome
    /// What stopped the block (its error box), and with `expect: error` the failure it was meant to have.
    public var failure: Diagnostic?
    public var expectedFailure: Diagnostic?
    /// The numbers behind the charts (histogram bins), for readers; drawn again from `outcome`, never read.
    public var reports: [ReportData]

    /// The run as the renderer takes it: nothing more than the file holds.
    public var run: BlockRun {
        BlockRun(outcome: outcome, failure: failure, fromCache: true, expectedFailure: expectedFailure)
    }

    /// The file's bytes: sorted keys, so the same outcome always gives the same file; Doubles and Floats in
    /// their shortest round-trip form, non-finite ones as "NaN"/"Infinity"/"-Infinity", samples as base64 bits.
    public func encoded() -> Data? {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        enc.userInfo[.compactSamples] = true
        return try? enc.encode(self)
    }

    public static func decode(_ data: Data) throws -> BlockData {
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try dec.decode(BlockData.self, from: data)
    }
}

/// Which histogram samples a page uses: a kind of value, of some layers (nil: all), at a moment (nil: both).
/// Samples no report draws and no inline result quotes are left out of the data file (all of them would be
/// ~90 MB for the shipped book, against ~2 MB used).
public struct SampleUse: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case weights, activations, gradients }
    public var kind: Kind
    public var layers: [Int]?
    public var moment: Moment?

    public init(kind: Kind, layers: [Int]? = nil, moment: Moment? = nil) {
        self.kind = kind
        self.layers = layers
        self.moment = moment
    }

    /// What a block's own reports draw: a histogram reads its quantity for its layers at every moment (which
    /// moments and layers it shows also depends on which snapshots hold values).
    public static func of(_ spec: ExperimentSpec) -> [SampleUse] {
        spec.show.compactMap { report in
            guard case .histogram(let h) = report else { return nil }
            switch h.of {
            case .weights: return SampleUse(kind: .weights, layers: h.layers)
            case .activations: return SampleUse(kind: .activations, layers: h.layers)
            case .gradients, .log10AbsGradients: return SampleUse(kind: .gradients, layers: h.layers)
            }
        }
    }

    /// What an inline result quotes from the samples (`InlineResults.evaluate` reads them for these quantities).
    public static func of(_ ref: ResultReference) -> SampleUse? {
        let layer = ref.arguments.first.flatMap { Int($0) }
        switch ref.quantity {
        case "median-log10-gradient-init": return layer.map { SampleUse(kind: .gradients, layers: [$0], moment: .initial) }
        case "median-log10-gradient-trained": return layer.map { SampleUse(kind: .gradients, layers: [$0], moment: .trained) }
        case "fraction-zero-activations": return layer.map { SampleUse(kind: .activations, layers: [$0], moment: .trained) }
        default: return nil
        }
    }

    func covers(_ kind: Kind, layer: Int, moment: Moment) -> Bool {
        self.kind == kind && (layers?.contains(layer) ?? true) && (self.moment.map { $0 == moment } ?? true)
    }

    /// `outcome` with the samples no use covers emptied (snapshots and layers stay, so what a report finds is
    /// unchanged); applying it twice changes nothing.
    public static func keep(_ uses: [SampleUse], of outcome: BlockOutcome) -> BlockOutcome {
        var out = outcome
        for v in out.variants.indices {
            guard var t = out.variants[v].training else { continue }
            for s in t.snapshots.indices {
                let moment = t.snapshots[s].moment
                for l in t.snapshots[s].layers.indices {
                    let layer = t.snapshots[s].layers[l].layer
                    func used(_ k: Kind) -> Bool { uses.contains { $0.covers(k, layer: layer, moment: moment) } }
                    if !used(.weights) { t.snapshots[s].layers[l].weights = [] }
                    if !used(.activations) { t.snapshots[s].layers[l].activations = [] }
                    if !used(.gradients) { t.snapshots[s].layers[l].gradients = [] }
                }
            }
            out.variants[v].training = t
        }
        return out
    }
}

/// Any JSON value, to write a block's config as an object rather than a string of JSON.
public enum JSONValue: Codable, Sendable, Hashable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    /// The value of JSON text; `.string(text)` when it is not JSON.
    public static func parse(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
