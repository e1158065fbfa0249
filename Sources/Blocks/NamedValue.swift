// Keys that take a name with optional parameters: activation, init, loss, optimizer.
import Engine
import LabbookCore

/// A name and its parameters, read from `{name: leaky-relu, slope: 0.1}` (bare names were turned
/// into `{name: …}` maps before merging, see `YAMLTree.normalizingNames`).
struct NamedValue {
    var name: String
    var nameLocation: SourceLocation
    var params: [String: YAMLTree]
}

extension Checker {
    /// Reads a named value. `names` are offered as suggestions, `aliases` are accepted too;
    /// `params(name)` lists the parameters each name takes. `defaultName` applies to a map
    /// without `name` (e.g. `optimizer: {lr: 0.1}` is SGD).
    func named(_ t: YAMLTree, _ path: String, kind: String, names: [String], aliases: [String] = [],
               defaultName: String?, params: (String) -> [String]) -> NamedValue? {
        guard let entries = t.entries else {
            error(t.location, "'\(path)' must be a name or a map with 'name' and parameters, got \(Checker.describe(t))")
            return nil
        }
        let nameTree = entries.first { $0.key == "name" }?.value
        let name: String
        let nameLocation: SourceLocation
        if let nameTree {
            guard let s = nameTree.scalar else {
                error(nameTree.location, "'\(path).name' must be a name (one of: \(names.joined(separator: ", "))), got \(Checker.describe(nameTree))")
                return nil
            }
            guard names.contains(s) || aliases.contains(s) else {
                error(nameTree.location, "unknown \(kind) '\(s)'", hint: suggestion(for: s, in: names))
                return nil
            }
            name = s
            nameLocation = nameTree.location
        } else if let defaultName {
            name = defaultName
            nameLocation = t.location
        } else {
            error(t.location, "'\(path)' needs a 'name'", hint: "expected one of: " + names.joined(separator: ", "))
            return nil
        }
        let allowed = params(name)
        var out: [String: YAMLTree] = [:]
        for e in entries where e.key != "name" {
            if allowed.contains(e.key) {
                out[e.key] = e.value
            } else if allowed.isEmpty {
                error(e.keyLocation, "unknown key '\(e.key)' in '\(path)'", hint: "\(kind) '\(name)' takes no parameters")
            } else {
                error(e.keyLocation, "unknown key '\(e.key)' in '\(path)'", hint: suggestion(for: e.key, in: allowed))
            }
        }
        return NamedValue(name: name, nameLocation: nameLocation, params: out)
    }

    func activation(_ t: YAMLTree?, _ path: String, default fallback: Activation) -> Activation? {
        guard let t else { return fallback }
        let params: (String) -> [String] = { name in
            switch name {
            case "leaky-relu", "prelu": ["slope"]
            case "elu": ["alpha"]
            default: []
            }
        }
        guard let v = named(t, path, kind: "activation", names: Activation.names, aliases: ["silu", "linear"],
                            defaultName: fallback.name, params: params),
              var a = Activation(name: v.name) else { return nil }
        switch a {
        case .leakyRelu:
            if let s = v.params["slope"] {
                guard let x = number(s, "\(path).slope", what: "a number", { _ in true }) else { return nil }
                a = .leakyRelu(slope: Float(x))
            }
        case .prelu:
            if let s = v.params["slope"] {
                guard let x = number(s, "\(path).slope", what: "a number", { _ in true }) else { return nil }
                a = .prelu(initialSlope: Float(x))
            }
        case .elu:
            if let s = v.params["alpha"] {
                guard let x = positiveNumber(s, "\(path).alpha") else { return nil }
                a = .elu(alpha: Float(x))
            }
        default:
            break
        }
        return a
    }

    func initScheme(_ t: YAMLTree?, _ path: String) -> InitScheme? {
        guard let t else { return .torchDefault }
        let params: (String) -> [String] = { name in
            switch name {
            case "normal": ["std"]
            case "uniform": ["limit"]
            default: []
            }
        }
        guard let v = named(t, path, kind: "init", names: InitScheme.names, aliases: ["glorot", "kaiming"],
                            defaultName: "torch-default", params: params),
              var scheme = InitScheme(name: v.name) else { return nil }
        if case .normal = scheme, let s = v.params["std"] {
            guard let x = positiveNumber(s, "\(path).std") else { return nil }
            scheme = .normal(std: Float(x))
        }
        if case .uniform = scheme, let s = v.params["limit"] {
            guard let x = positiveNumber(s, "\(path).limit") else { return nil }
            scheme = .uniform(limit: Float(x))
        }
        return scheme
    }

    /// A loss with its parameters; `fallback` is the name used when the map has none.
    func loss(_ t: YAMLTree, _ path: String, defaultName: String?) -> (LossKind, SourceLocation)? {
        let params: (String) -> [String] = { name in
            switch name {
            case "huber": ["delta"]
            case "clipped-mse": ["threshold"]
            default: []
            }
        }
        guard let v = named(t, path, kind: "loss", names: LossKind.names, defaultName: defaultName, params: params),
              var loss = LossKind(name: v.name) else { return nil }
        if case .huber = loss, let d = v.params["delta"] {
            guard let x = positiveNumber(d, "\(path).delta") else { return nil }
            loss = .huber(delta: Float(x))
        }
        if case .clippedMSE = loss, let d = v.params["threshold"] {
            guard let x = positiveNumber(d, "\(path).threshold") else { return nil }
            loss = .clippedMSE(threshold: Float(x))
        }
        return (loss, v.nameLocation)
    }

    /// SGD (lr 0.01, momentum 0, no Nesterov) unless told otherwise; Adam defaults are PyTorch's.
    func optimizer(_ t: YAMLTree?) -> OptimizerConfig? {
        guard let t else { return .sgd(lr: 0.01, momentum: 0, nesterov: false) }
        let params: (String) -> [String] = { name in
            name == "adam" ? ["lr", "beta1", "beta2", "eps"] : ["lr", "momentum", "nesterov"]
        }
        guard let v = named(t, "optimizer", kind: "optimizer", names: OptimizerConfig.names, defaultName: "sgd", params: params) else {
            return nil
        }
        var ok = true
        func value(_ key: String, _ fallback: Double, _ read: (YAMLTree, String) -> Double?) -> Float {
            guard let p = v.params[key] else { return Float(fallback) }
            guard let x = read(p, "optimizer.\(key)") else { ok = false; return Float(fallback) }
            return Float(x)
        }
        if v.name == "adam" {
            let lr = value("lr", 0.001, positiveNumber), b1 = value("beta1", 0.9, unitInterval)
            let b2 = value("beta2", 0.999, unitInterval), eps = value("eps", 1e-8, positiveNumber)
            return ok ? .adam(lr: lr, beta1: b1, beta2: b2, eps: eps) : nil
        }
        let lr = value("lr", 0.01, positiveNumber), momentum = value("momentum", 0, unitInterval)
        var nesterov = false
        if let n = v.params["nesterov"] {
            if let b = bool(n, "optimizer.nesterov") {
                nesterov = b
                if b, momentum == 0, ok {
                    error(n.location, "'optimizer.nesterov' needs a momentum above 0", hint: "set 'momentum: 0.9', say")
                    ok = false
                }
            } else {
                ok = false
            }
        }
        return ok ? .sgd(lr: lr, momentum: momentum, nesterov: nesterov) : nil
    }
}
