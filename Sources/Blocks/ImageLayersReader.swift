// Reading the image entries of `model.layers`: conv2d, max-pool2d, avg-pool2d, flatten, global-avg-pool.
import LabbookCore
import Vocabulary

extension Checker {
    static let imageLayerNames = ["conv2d", "max-pool2d", "avg-pool2d", "flatten", "global-avg-pool"]

    /// `conv2d: {channels: 6, kernel: 5, stride: 1, padding: 2, init: he}` (stride 1 and padding 0 by default);
    /// `max-pool2d: {kernel: 2, stride: 2, drop: false}` or `max-pool2d: 2` (stride = kernel by default), the same for
    /// avg-pool2d; `flatten` and `global-avg-pool` take no options. Sizes are checked against the input later.
    func imageLayer(_ name: String, _ options: YAMLTree?, at: SourceLocation, _ path: String) -> LayerSpec? {
        let p = "\(path).\(name)"
        switch name {
        case "flatten", "global-avg-pool":
            if let options {
                error(options.location, "'\(p)' takes no options, got \(Checker.describe(options))", hint: "write '- \(name)'")
                return nil
            }
            return name == "flatten" ? .flatten : .globalAvgPool
        case "conv2d":
            guard let options, let f = map(options, p, keys: ["channels", "kernel", "stride", "padding", "init"]) else {
                if options == nil {
                    error(at, "'\(p)' needs its output channels and kernel", hint: "e.g. 'conv2d: {channels: 6, kernel: 5, padding: 2}'")
                }
                return nil
            }
            var ok = true
            func required(_ key: String) -> Int? {
                guard let t = f[key] else {
                    error(options.location, "'\(p)' needs '\(key)'", hint: "e.g. {channels: 6, kernel: 5}")
                    ok = false
                    return nil
                }
                let v = positiveInt(t, "\(p).\(key)")
                if v == nil { ok = false }
                return v
            }
            let channels = required("channels"), kernel = required("kernel")
            var stride = 1, padding = 0
            if let t = f["stride"] { if let v = positiveInt(t, "\(p).stride") { stride = v } else { ok = false } }
            if let t = f["padding"] { if let v = nonNegativeInt(t, "\(p).padding") { padding = v } else { ok = false } }
            var scheme: InitScheme?
            if let i = f["init"] {
                let named = i.scalar != nil ? YAMLTree(.mapping([YAMLTree.Entry(key: "name", keyLocation: i.location, value: i)]), at: i.location) : i
                if let s = initScheme(named, "\(p).init") { scheme = s } else { ok = false }
            }
            guard ok, let channels, let kernel else { return nil }
            return .conv2d(channels: channels, kernel: kernel, stride: stride, padding: padding, initScheme: scheme)
        default:
            guard let options else {
                error(at, "'\(p)' needs its kernel", hint: "e.g. '\(name): {kernel: 2}' (stride defaults to the kernel)")
                return nil
            }
            var kernel: Int?, stride: Int?, drop = false, ok = true
            if options.scalar != nil {
                kernel = positiveInt(options, "\(p).kernel")
                ok = kernel != nil
            } else {
                guard let f = map(options, p, keys: ["kernel", "stride", "drop"]) else { return nil }
                if let t = f["kernel"] { kernel = positiveInt(t, "\(p).kernel"); ok = kernel != nil } else {
                    error(options.location, "'\(p)' needs 'kernel'", hint: "e.g. {kernel: 2}")
                    ok = false
                }
                if let t = f["stride"] { stride = positiveInt(t, "\(p).stride"); if stride == nil { ok = false } }
                if let t = f["drop"] { if let b = bool(t, "\(p).drop") { drop = b } else { ok = false } }
            }
            guard ok, let kernel else { return nil }
            return name == "max-pool2d" ? .maxPool2d(kernel: kernel, stride: stride ?? kernel, drop: drop)
                                        : .avgPool2d(kernel: kernel, stride: stride ?? kernel, drop: drop)
        }
    }
}

extension Checker {
    /// The per-example shape image layers see when `model.input` is not given: [1, 28, 28] for fashion-mnist and mnist;
    /// an `idx` source's size is only known from its files, so it must be written. Flat sources stay flat (and a conv
    /// layer on them is an error naming the layer and the shape).
    func imageInput(_ data: DataSpec, at: SourceLocation) -> [Int]? {
        switch data.source {
        case .fashionMNIST, .mnist: return [1, 28, 28]
        case .idx:
            error(at, "image layers need the images' shape, and an 'idx' source's is known only from its files",
                  hint: "write it, e.g. 'input: [1, 28, 28]' under 'model'")
            return nil
        default: return nil
        }
    }
}
