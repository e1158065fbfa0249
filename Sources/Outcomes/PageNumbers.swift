// The numbers of reports that train nothing: a `function:` report's sampled curves, and the training points a
// decision surface draws over the predictions. Execute computes them with the block's outcome; Render only draws.

/// One `function:` report's curves: every function sampled at the same x values, with its value and its
/// derivative there (the report shows one or both).
public struct FunctionPlot: Sendable, Codable, Hashable {
    /// The report's position in the block's `show:` list.
    public var report: Int
    /// SHA-256 over the engine version and the report's functions and range: everything these numbers depend on.
    public var key: String
    public var curves: [FunctionCurve]

    public init(report: Int, key: String, curves: [FunctionCurve]) {
        self.report = report
        self.key = key
        self.curves = curves
    }
}

/// One function of a plot, by its legend name ("leaky-relu(slope: 0.1)", "huber(delta: 1)").
public struct FunctionCurve: Sendable, Codable, Hashable {
    public var name: String
    public var xs: [Double]
    /// f(x) at each x: an activation, or a loss against the residual (infinite where the loss is).
    public var values: [Double]
    /// f′(x) at each x.
    public var derivatives: [Double]

    public init(name: String, xs: [Double], values: [Double], derivatives: [Double]) {
        self.name = name
        self.xs = xs
        self.values = values
        self.derivatives = derivatives
    }
}

/// A training example drawn over a decision surface: its two inputs and its class.
public struct PlanePoint: Sendable, Codable, Hashable {
    public var x: Double
    public var y: Double
    public var label: Int

    public init(x: Double, y: Double, label: Int) {
        self.x = x
        self.y = y
        self.label = label
    }
}
