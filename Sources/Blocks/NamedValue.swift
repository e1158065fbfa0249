// Keys that take a name with optional parameters: activation, init, loss, optimizer.
import LabbookCore
import Vocabulary

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

    /// SGD (lr 0.01, momentum 0, no Nesterov) unless told otherwise; every default is PyTorch's.
    /// `weight-decay` is torch's: the coupled L2 term for sgd, adam, rmsprop and adagrad (returned apart, nil
    /// when absent so the shorthand's cache keys are unchanged), AdamW's own decoupled decay (default 0.01).
    func optimizer(_ t: YAMLTree?) -> (config: OptimizerConfig, weightDecay: Float?)? {
        guard let t else { return (.sgd(lr: 0.01, momentum: 0, nesterov: false), nil) }
        let params: (String) -> [String] = { name in
            switch name {
            case "adam": ["lr", "beta1", "beta2", "eps", "weight-decay"]
            case "adamw": ["lr", "beta1", "beta2", "eps", "weight-decay"]
            case "rmsprop": ["lr", "alpha", "eps", "momentum", "centered", "weight-decay"]
            case "adagrad": ["lr", "lr-decay", "eps", "weight-decay"]
            default: ["lr", "momentum", "nesterov", "weight-decay"]
            }
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
        let nonNegative: (YAMLTree, String) -> Double? = { t, path in self.number(t, path, what: "a number ≥ 0") { $0 >= 0 } }
        let decay: Float? = v.params["weight-decay"] == nil ? nil : value("weight-decay", 0, nonNegative)
        func flag(_ key: String) -> Bool {
            guard let p = v.params[key] else { return false }
            guard let b = bool(p, "optimizer.\(key)") else { ok = false; return false }
            return b
        }
        switch v.name {
        case "adam":
            let lr = value("lr", 0.001, positiveNumber), b1 = value("beta1", 0.9, unitInterval)
            let b2 = value("beta2", 0.999, unitInterval), eps = value("eps", 1e-8, positiveNumber)
            return ok ? (.adam(lr: lr, beta1: b1, beta2: b2, eps: eps), decay) : nil
        case "adamw":
            let lr = value("lr", 0.001, positiveNumber), b1 = value("beta1", 0.9, unitInterval)
            let b2 = value("beta2", 0.999, unitInterval), eps = value("eps", 1e-8, positiveNumber)
            return ok ? (.adamw(lr: lr, beta1: b1, beta2: b2, eps: eps, weightDecay: decay ?? 0.01), nil) : nil
        case "rmsprop":
            let lr = value("lr", 0.01, positiveNumber), alpha = value("alpha", 0.99, unitInterval)
            let eps = value("eps", 1e-8, positiveNumber), momentum = value("momentum", 0, unitInterval)
            let centered = flag("centered")
            return ok ? (.rmsprop(lr: lr, alpha: alpha, eps: eps, momentum: momentum, centered: centered), decay) : nil
        case "adagrad":
            let lr = value("lr", 0.01, positiveNumber), lrDecay = value("lr-decay", 0, nonNegative)
            let eps = value("eps", 1e-10, positiveNumber)
            return ok ? (.adagrad(lr: lr, lrDecay: lrDecay, eps: eps), decay) : nil
        default:
            break
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
        return ok ? (.sgd(lr: lr, momentum: momentum, nesterov: nesterov), decay) : nil
    }

    /// `schedule: {name: cosine, warmup: 2}` and the others of the contract (section 6.2); checked against
    /// the epoch count, with the offending key's location.
    func schedule(_ t: YAMLTree, epochs: Int?, lr: Float?) -> ScheduleConfig? {
        let params: (String) -> [String] = { name in
            let warm = ["warmup", "warmup-start"]
            switch name {
            case "step": return warm + ["every", "gamma"]
            case "multi-step": return warm + ["at", "gamma"]
            case "exponential": return warm + ["gamma"]
            case "cosine": return warm + ["min-lr"]
            case "plateau": return warm + ["patience", "factor", "threshold", "min-lr"]
            default: return warm
            }
        }
        guard let v = named(t, "schedule", kind: "schedule", names: ScheduleConfig.names, defaultName: nil, params: params) else { return nil }
        var ok = true
        func num(_ key: String, _ fallback: Double, what: String = "a positive number", _ accept: @escaping (Double) -> Bool = { $0 > 0 }) -> Float {
            guard let p = v.params[key] else { return Float(fallback) }
            guard let x = number(p, "schedule.\(key)", what: what, accept) else { ok = false; return Float(fallback) }
            return Float(x)
        }
        func count(_ key: String, _ fallback: Int, min: Int) -> Int {
            guard let p = v.params[key] else { return fallback }
            guard let x = int(p, "schedule.\(key)", min: min, what: min == 0 ? "a non-negative integer" : "a positive integer") else { ok = false; return fallback }
            return x
        }
        let kind: ScheduleConfig.Kind
        switch v.name {
        case "step": kind = .step(every: count("every", 10, min: 1), gamma: num("gamma", 0.1))
        case "multi-step":
            var at: [Int] = []
            if let a = v.params["at"] {
                if let items = list(a, "schedule.at", what: "a list of epochs") {
                    for (k, item) in items.enumerated() { if let x = positiveInt(item, "schedule.at[\(k)]") { at.append(x) } else { ok = false } }
                } else { ok = false }
            } else {
                error(v.nameLocation, "schedule 'multi-step' needs 'at', the epochs where the rate drops", hint: "e.g. {name: multi-step, at: [30, 60]}")
                ok = false
            }
            kind = .multiStep(at: at, gamma: num("gamma", 0.1))
        case "exponential": kind = .exponential(gamma: num("gamma", 0.95))
        case "cosine": kind = .cosine(minLR: num("min-lr", 0, what: "a number ≥ 0") { $0 >= 0 })
        case "plateau":
            kind = .plateau(patience: count("patience", 10, min: 0), factor: num("factor", 0.1, what: "a number in (0, 1)") { $0 > 0 && $0 < 1 },
                            threshold: num("threshold", 1e-4, what: "a number ≥ 0") { $0 >= 0 }, minLR: num("min-lr", 0, what: "a number ≥ 0") { $0 >= 0 })
        default: kind = .constant
        }
        let config = ScheduleConfig(kind, warmup: count("warmup", 0, min: 0),
                                    warmupStart: num("warmup-start", 1.0 / 3, what: "a fraction in (0, 1]") { $0 > 0 && $0 <= 1 })
        guard ok else { return nil }
        if let epochs, let lr, let problem = ScheduleCheck.problem(config, epochs: epochs, lr: lr) {
            let at = v.params[problem.key]?.location ?? v.nameLocation
            error(at, "schedule: \(problem.message)")
            return nil
        }
        return config
    }
}
