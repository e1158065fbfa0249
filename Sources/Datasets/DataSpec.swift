// What an experiment's `data:` section asks for, and the error a data source reports.

/// Where examples come from. Raw values are the names an author writes.
public enum DataSource: String, Hashable, Sendable, Codable, CaseIterable {
    case gaussian
    case xor
    case fashionMNIST = "fashion-mnist"
    case mnist
    case idx

    /// Sources read from IDX files (as opposed to generated in memory).
    public var readsFiles: Bool {
        switch self {
        case .gaussian, .xor: false
        case .fashionMNIST, .mnist, .idx: true
        }
    }
}

/// How gaussian examples are labelled.
public enum GaussianLabels: String, Hashable, Sendable, Codable, CaseIterable {
    /// A fair coin per example: nothing to learn, so only memorisation lowers the training loss.
    case randomBinary = "random-binary"
    /// 1 when the features sum to more than 0: a linearly separable task.
    case signOfSum = "sign-of-sum"
}

/// Feature scaling applied after pixels are mapped to [0, 1].
public enum Normalization: Hashable, Sendable, Codable {
    /// No scaling beyond pixels/255.
    case none
    /// Each feature standardised with the training split's mean and standard deviation.
    case perFeature
    /// (x − mean) / std for every feature, e.g. Fashion-MNIST's mean 0.2861 and std 0.3530.
    case fixed(mean: Double, std: Double)
}

/// A validated description of an experiment's data.
public struct DataSpec: Hashable, Sendable, Codable {
    public var source: DataSource
    /// gaussian: number of examples generated; xor: a multiple of 4 (the corners repeated). Unused for files.
    public var samples: Int
    /// gaussian: input width. Unused otherwise.
    public var features: Int
    /// gaussian: how examples are labelled.
    public var labels: GaussianLabels
    /// IDX sources: training examples taken from the training file; nil means the default (50,000,
    /// or what the file holds beside the validation examples when it is smaller).
    public var train: Int?
    /// Examples held out for validation: carved from the training file (IDX) or from `samples`
    /// (gaussian). nil: 10,000 for IDX sources (at most a sixth of a smaller file), none for generators.
    public var validation: Int?
    /// IDX sources: the first `test` examples of the test file; nil means 10,000 (or all it holds).
    public var test: Int?
    public var normalize: Normalization
    /// Directory of the IDX files, relative to the book directory unless absolute.
    public var path: String?

    public init(source: DataSource, samples: Int? = nil, features: Int = 2, labels: GaussianLabels = .randomBinary,
                train: Int? = nil, validation: Int? = nil, test: Int? = nil,
                normalize: Normalization = .none, path: String? = nil) {
        self.source = source
        self.samples = samples ?? DataSpec.defaultSamples(source)
        self.features = features
        self.labels = labels
        self.train = train
        self.validation = validation
        self.test = test
        self.normalize = normalize
        self.path = path
    }

    /// 1,000 gaussian examples, the 4 XOR corners once, 0 for file sources (the files decide).
    public static func defaultSamples(_ source: DataSource) -> Int {
        switch source {
        case .gaussian: 1000
        case .xor: 4
        case .fashionMNIST, .mnist, .idx: 0
        }
    }
}

/// A problem with an experiment's data, found while loading it. The description names the file
/// (when there is one), says what is wrong and how to fix it.
public struct DataError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String?
    public var message: String
    public var fix: String?

    public init(file: String? = nil, _ message: String, fix: String? = nil) {
        self.file = file
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var s = file.map { "\($0): \(message)" } ?? message
        if let fix { s += "; \(fix)" }
        return s
    }
}
