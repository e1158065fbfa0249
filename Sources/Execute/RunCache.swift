// The run cache: trained results keyed by what changes the numbers, stored with a checksum, never trusted blindly.
//
// Key = SHA-256 over a version tag, the engine version, the variant's canonical training config (data, model,
// loss, optimizer, train, seed, diagnostics — defaults merged, key order irrelevant) and the data digest.
// Titles, `show`, `echo` and prose are not in the key, so editing them re-renders without retraining.
// An entry is `SHA-256(payload) ‖ payload` (a binary property list), written atomically; a damaged entry is
// reported and recomputed. The payload names the OpenBLAS kernel that computed it: kernels round the last bits
// differently, so an entry from another kernel is not used (it is recomputed, with a warning), never mixed in.
// Many processes on many hosts may share one directory (NFS): each entry is written to a temporary file
// beside it and renamed into place, which is atomic there too; no lock is taken.
import Engine
import Foundation
import LabbookCore
import Outcomes
import Vocabulary

public struct RunCache: Sendable {
    public let directory: URL
    /// The BLAS kernel of this process: recorded in what it stores, required of what it loads.
    public let kernel: String
    static let formatTag = "labbook-run-cache-1"

    public init(directory: URL, kernel: String = Workloads.blasKernelName) {
        self.directory = directory
        self.kernel = kernel
    }

    public static func key(canonicalConfig: String, dataDigest: String, engineVersion: String = EngineInfo.version) -> String {
        let text = "\(formatTag)\n\(engineVersion)\n\(dataDigest)\n\(canonicalConfig)"
        return SHA256.hex(text)
    }

    /// Where the entry for `key` lives (whether or not it is there).
    public func url(for key: String) -> URL {
        directory.appendingPathComponent(String(key.prefix(2))).appendingPathComponent("\(key).run")
    }

    public enum Lookup: Sendable {
        case hit(VariantOutcome)
        case miss
        /// The entry exists but its checksum or format is wrong; the message says why.
        case damaged(String)
    }

    /// What is on disk: the outcome without its histogram samples, and the samples as raw little-endian
    /// Float32 bytes (decoding a million floats one element at a time took seconds).
    struct Stored: Codable {
        struct Layer: Codable {
            var layer: Int
            var weights: Data
            var activations: Data
            var gradients: Data
        }
        struct Moment: Codable {
            var moment: Vocabulary.Moment
            var layers: [Layer]
        }
        var outcome: VariantOutcome
        var samples: [Moment]
        /// The OpenBLAS kernel that computed the outcome; nil in entries written before it was recorded.
        var kernel: String?

        init(_ o: VariantOutcome, kernel: String) {
            self.kernel = kernel
            var stripped = o
            samples = (o.training?.snapshots ?? []).map { snap in
                Moment(moment: snap.moment, layers: snap.layers.map {
                    Layer(layer: $0.layer, weights: LayerSample.bytes($0.weights), activations: LayerSample.bytes($0.activations),
                          gradients: LayerSample.bytes($0.gradients))
                })
            }
            stripped.training?.snapshots = []
            // Computed when the block is assembled, from the spec: entries keep the format they always had.
            stripped.trainingPoints = nil
            outcome = stripped
        }

        var restored: VariantOutcome {
            var o = outcome
            o.training?.snapshots = samples.map { m in
                Snapshot(moment: m.moment, layers: m.layers.map {
                    LayerSample(layer: $0.layer, weights: LayerSample.floats($0.weights), activations: LayerSample.floats($0.activations),
                                gradients: LayerSample.floats($0.gradients))
                })
            }
            return o
        }
    }

    public func load(_ key: String) -> Lookup {
        let u = url(for: key)
        guard let data = try? Data(contentsOf: u) else { return .miss }
        guard data.count > 32 else { return .damaged("cache entry \(u.lastPathComponent) is truncated") }
        // One copy of the payload (rebased at 0), for the checksum and the decoders.
        let sum = data.prefix(32), payload = Data(data.dropFirst(32))
        guard Data(SHA256.bytes(payload)) == sum else {
            return .damaged("cache entry \(u.lastPathComponent) is damaged (checksum mismatch)")
        }
        if let stored = try? PropertyListDecoder().decode(Stored.self, from: payload) {
            if let k = stored.kernel, k.lowercased() != kernel.lowercased() {
                return .damaged("cache entry \(u.lastPathComponent) was computed with the BLAS kernel \(k); this process uses \(kernel), whose last bits differ")
            }
            return .hit(stored.restored)
        }
        // An entry written before samples were stored as bytes: read it, and store it anew.
        do {
            let outcome = try PropertyListDecoder().decode(VariantOutcome.self, from: payload)
            try? store(outcome, key: key)
            return .hit(outcome)
        } catch {
            return .damaged("cache entry \(u.lastPathComponent) cannot be read: \(error)")
        }
    }

    public func store(_ outcome: VariantOutcome, key: String) throws {
        let enc = PropertyListEncoder()
        enc.outputFormat = .binary
        let payload = try enc.encode(Stored(outcome, kernel: kernel))
        var data = Data(SHA256.bytes(payload))
        data.append(payload)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let marker = directory.appendingPathComponent(".labbook-cache")
        if !FileManager.default.fileExists(atPath: marker.path) {
            try AtomicFile.write("Run cache written by labbook; `labbook clean` removes this directory.\n", to: marker)
        }
        try AtomicFile.write(data, to: url(for: key), skipIfUnchanged: false)
    }

    /// Whether a valid entry for `key` computed with this kernel is there (`load` without decoding samples
    /// is not cheaper: the checksum reads every byte anyway).
    public func holds(_ key: String) -> Bool {
        if case .hit = load(key) { return true }
        return false
    }
}
