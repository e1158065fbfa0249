// Small IDX data sets written to a temporary directory, plain or gzipped, valid or broken on purpose.
import Foundation
import Vocabulary
@testable import Datasets

struct TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "labbook-datasets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func write(_ name: String, _ bytes: [UInt8], gzip: Bool = false) throws {
        if gzip {
            try GzipFile.write(bytes, to: file(name + ".gz"))
        } else {
            try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// `count` images of 2×3 pixels whose first pixel is the example's index (so splits can be traced)
/// and label index % 10.
func tinyImages(_ count: Int, offset: Int = 0) -> (images: [UInt8], labels: [UInt8]) {
    var pixels: [UInt8] = []
    for i in 0..<count { pixels += [UInt8(i + offset), 0, 255, 51, 102, UInt8((i * 7) % 256)] }
    return (IDX.encodeImages(pixels, count: count, rows: 2, cols: 3), IDX.encodeLabels((0..<count).map { UInt8($0 % 10) }))
}

/// Writes the four files of a tiny IDX data set: `train` training and `test` test examples.
func writeTinyDataset(in dir: TempDir, train: Int = 30, test: Int = 8, gzip: Bool = false) throws {
    let tr = tinyImages(train), te = tinyImages(test, offset: 200)
    try dir.write("train-images-idx3-ubyte", tr.images, gzip: gzip)
    try dir.write("train-labels-idx1-ubyte", tr.labels, gzip: gzip)
    try dir.write("t10k-images-idx3-ubyte", te.images, gzip: gzip)
    try dir.write("t10k-labels-idx1-ubyte", te.labels, gzip: gzip)
}

func idxSpec(_ dir: TempDir, train: Int? = 20, validation: Int? = 6, test: Int? = 5,
             normalize: Normalization = .none) -> DataSpec {
    DataSpec(source: .idx, train: train, validation: validation, test: test, normalize: normalize, path: dir.path)
}

func isClose(_ a: Float, _ b: Float, absolute: Float = 1e-5) -> Bool { abs(a - b) <= absolute }

/// Runs `body` and returns the DataError it throws, or nil.
func dataError(_ body: () throws -> Void) -> DataError? {
    do { try body() } catch let e as DataError { return e } catch { return nil }
    return nil
}
