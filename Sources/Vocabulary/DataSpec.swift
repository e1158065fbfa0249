// What an experiment's `data:` section asks for, what the spec alone says about the data's shape, and the errors
// a data source reports.

/// Where examples come from. Raw values are the names an author writes.
public enum DataSource: String, Hashable, Sendable, Codable, CaseIterable {
    case gaussian
    case xor
    case fashionMNIST = "fashion-mnist"
    case mnist
    case idx
    case csv
    case moons, circles, spirals, blobs

    /// Sources read from IDX files (as opposed to generated in memory or read from a CSV table).
    public var readsFiles: Bool {
        switch self {
        case .gaussian, .xor, .csv, .moons, .circles, .spirals, .blobs: false
        case .fashionMNIST, .mnist, .idx: true
        }
    }

    /// The classic 2-D teaching sets (decision boundaries have something to show).
    public var isPlane: Bool {
        switch self {
        case .moons, .circles, .spirals, .blobs: true
        case .gaussian, .xor, .csv, .fashionMNIST, .mnist, .idx: false
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
    /// Directory of the IDX files, or the CSV file, relative to the book directory unless absolute.
    public var path: String?
    /// 2-D sets: standard deviation of the Gaussian noise (moons, circles: on each coordinate;
    /// spirals: on the angle, in radians). nil means the source's default (`defaultNoise`).
    public var noise: Double?
    /// circles: the inner circle's radius over the outer one's (nil: 0.5).
    public var factor: Double?
    /// spirals and blobs: how many arms or blobs, one class each (nil: 2 spirals, 3 blobs).
    public var classes: Int?
    /// blobs: the standard deviation of each blob (nil: 1, as sklearn's make_blobs).
    public var std: Double?
    /// csv: which columns, how to split.
    public var csv: CSVSettings?

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

    /// 1,000 gaussian examples, the 4 XOR corners once, 400 points of a 2-D set, 0 for file sources (the files decide).
    public static func defaultSamples(_ source: DataSource) -> Int {
        switch source {
        case .gaussian: 1000
        case .xor: 4
        case .moons, .circles, .spirals, .blobs: 400
        case .fashionMNIST, .mnist, .idx, .csv: 0
        }
    }

    /// The noise a 2-D set gets when `noise` is not given.
    public static func defaultNoise(_ source: DataSource) -> Double {
        switch source {
        case .moons: 0.1
        case .circles: 0.05
        case .spirals: 0.2
        default: 0
        }
    }
}

/// How a CSV table becomes examples: a header row names the columns; `label` is the class column,
/// `features` the numeric inputs (nil: every other column, in file order).
public struct CSVSettings: Hashable, Sendable, Codable {
    public var label: String
    public var features: [String]?
    /// Fractions of the rows (after a seeded shuffle) for training, validation and test; they sum to 1.
    public var train: Double
    public var validation: Double
    public var test: Double
    /// A separate test table with the same columns; then `test` is 0.
    public var testPath: String?

    public init(label: String, features: [String]? = nil, train: Double = 0.8, validation: Double = 0.2, test: Double = 0,
                testPath: String? = nil) {
        self.label = label
        self.features = features
        self.train = train
        self.validation = validation
        self.test = test
        self.testPath = testPath
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

/// What validation learns from a CSV table without training: the input width and the class names.
public struct CSVShape: Sendable, Hashable {
    public var features: [String]
    /// The label column's distinct values in class order (class 0 first).
    public var classes: [String]

    public init(features: [String], classes: [String]) {
        self.features = features
        self.classes = classes
    }
}

/// A problem with a CSV source, and which key of the block it concerns (so the diagnostic points there).
public struct CSVProblem: Error, Sendable {
    public enum Key: Sendable, Hashable { case path, testPath, label, feature(Int) }
    public var key: Key
    public var error: DataError
    /// Further unknown column names found in the same pass (a misspelt label and a misspelt feature).
    public var others: [CSVProblem] = []

    public init(key: Key, error: DataError, others: [CSVProblem] = []) {
        self.key = key
        self.error = error
        self.others = others
    }
}

extension DataSpec {
    /// The input width known without reading files: 784 for (Fashion-)MNIST, `features` for gaussian,
    /// 2 for XOR and the 2-D sets, the listed columns of a CSV table, nil for arbitrary IDX files and a
    /// CSV table whose feature columns are not listed.
    public var inputWidth: Int? {
        switch source {
        case .gaussian: features
        case .xor, .moons, .circles, .spirals, .blobs: 2
        case .fashionMNIST, .mnist: 784
        case .idx: nil
        case .csv: csv?.features?.count
        }
    }

    /// The number of classes: 2 for gaussian, XOR, moons and circles, `classes` for spirals (2) and
    /// blobs (3), 10 for the IDX sources (labels are digits 0–9); for CSV it is known only from the
    /// table (`CSVData.shape`), so 10 stands in.
    public var classCount: Int {
        switch source {
        case .gaussian, .xor, .moons, .circles: 2
        case .spirals: classes ?? 2
        case .blobs: classes ?? 3
        case .fashionMNIST, .mnist, .idx, .csv: 10
        }
    }
}

extension DataSource {
    /// Total examples in the files of a known source, for validating train/validation/test before running.
    public var knownSizes: (train: Int, test: Int)? {
        switch self {
        case .fashionMNIST, .mnist: (60000, 10000)
        case .gaussian, .xor, .idx, .csv, .moons, .circles, .spirals, .blobs: nil
        }
    }
}
