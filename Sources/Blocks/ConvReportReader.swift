// The conv reports in `show`: `filters: {layer, when}` and `feature-maps: {layer, images}`, checked against the layers.
import LabbookCore
import Vocabulary

extension Checker {
    /// Most examples `feature-maps` draws (rows of tiles in one figure).
    static let maxFeatureMapImages = 8

    /// `filters`: layer (default: the first conv2d entry) must be a conv2d entry; `when` as for histograms.
    /// `feature-maps`: layer (default: the first conv2d entry, or the activation right after it) must give an image
    /// [channels, height, width]; images 1…8, default 4.
    func convReport(_ name: String, _ options: YAMLTree?, at: SourceLocation, _ ctx: ReportedRun) -> Report? {
        let keys = name == "filters" ? ["layer", "when"] : ["layer", "images"]
        let f = options.flatMap { map($0, name, keys: keys) } ?? [:]
        if options != nil, options?.entries == nil { return nil }
        guard let specs = ctx.layerSpecs else { return nil }       // the model has errors of its own
        let convs = specs.indices.filter { if case .conv2d = specs[$0] { true } else { false } }
        guard let firstConv = convs.first else {
            error(at, "report '\(name)' needs a conv2d layer, but the model has none",
                  hint: "add one to 'model.layers', e.g. '- conv2d: {channels: 6, kernel: 5, padding: 2}'")
            return nil
        }
        let images = imageShaped(specs, input: ctx.inputDims)
        var layer = firstConv
        if name == "feature-maps", firstConv + 1 < specs.count, case .activation = specs[firstConv + 1] { layer = firstConv + 1 }
        if let l = f["layer"] {
            guard let v = nonNegativeInt(l, "\(name).layer") else { return nil }
            guard v < specs.count else {
                error(l.location, "\(name) layer \(v) is out of range: 'model.layers' has \(specs.count) entries (0–\(specs.count - 1))")
                return nil
            }
            if name == "filters", !convs.contains(v) {
                error(l.location, "'filters.layer' \(v) is a \(specs[v].name) layer; filters are the kernels of a conv2d layer",
                      hint: "conv2d layers here: \(convs.map(String.init).joined(separator: ", "))")
                return nil
            }
            if name == "feature-maps", !images.contains(v) {
                error(l.location, "'feature-maps.layer' \(v) (\(specs[v].name)) does not give an image [channels, height, width]",
                      hint: "layers with image output here: \(images.map(String.init).joined(separator: ", "))")
                return nil
            }
            layer = v
        }
        if name == "filters" {
            guard let when = moment(f["when"], "filters.when", default: ctx.epochs == 0 ? .initial : .both, ctx) else { return nil }
            return .filters(layer: layer, when: when)
        }
        var count = 4
        if let i = f["images"] {
            guard let v = int(i, "feature-maps.images", min: 1, what: "an integer from 1 to \(Checker.maxFeatureMapImages)",
                              { $0 <= Checker.maxFeatureMapImages }) else { return nil }
            count = v
        }
        return .featureMaps(layer: layer, images: count)
    }

    /// The entries whose output is an image: from the first image layer on (or from the start when the input is one),
    /// until flatten, global-avg-pool or dense.
    func imageShaped(_ specs: [LayerSpec], input: [Int]?) -> [Int] {
        var image = input?.count == 3, out: [Int] = []
        for (k, s) in specs.enumerated() {
            switch s {
            case .conv2d, .maxPool2d, .avgPool2d: image = true
            case .flatten, .globalAvgPool, .dense: image = false
            default: break
            }
            if image { out.append(k) }
        }
        return out
    }
}
