// Reading IDX files: plain and gzipped, the split, and every way a file can be broken.
import Foundation
import Testing
import Vocabulary
@testable import Datasets

@Suite struct IDXTests {
    @Test(arguments: [false, true]) func readsTinyDataset(gzip: Bool) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir, gzip: gzip)
        let splits = try DataLoader.load(idxSpec(dir), seed: 3, bookDirectory: "/", environment: [:])
        #expect(splits.train.count == 20 && splits.train.width == 6 && splits.train.classes == 10)
        #expect(splits.validation?.count == 6)
        #expect(splits.test?.count == 5)
        // Test examples are the first of the test file, in order; pixels are x/255.
        let test = try #require(splits.test)
        #expect(isClose(test.features[0], 200 / 255) && isClose(test.features[2], 1) && isClose(test.features[3], 0.2))
        #expect(test.labels == [0, 1, 2, 3, 4])
    }

    @Test func splitIsSeededAndDisjoint() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir)
        let spec = idxSpec(dir, train: 20, validation: 10)
        let a = try DataLoader.load(spec, seed: 1, bookDirectory: "/", environment: [:])
        let b = try DataLoader.load(spec, seed: 1, bookDirectory: "/", environment: [:])
        let c = try DataLoader.load(spec, seed: 2, bookDirectory: "/", environment: [:])
        func ids(_ set: [Float]) -> [Int] {
            stride(from: 0, to: set.count, by: 6).map { Int((set[$0] * 255).rounded()) }
        }
        let train = ids(a.train.features), validation = ids(a.validation?.features ?? [])
        #expect(Set(train).isDisjoint(with: validation))
        #expect(Set(train + validation) == Set(0..<30))
        #expect(train == ids(b.train.features))
        #expect(train != ids(c.train.features))
        // Labels travel with their images.
        for (row, id) in train.enumerated() { #expect(a.train.labels[row] == Int32(id % 10)) }
    }

    @Test func relativePathResolvesAgainstBookAndEnvironmentIsUsed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir)
        let parent = (dir.path as NSString).deletingLastPathComponent
        var spec = idxSpec(dir)
        spec.path = (dir.path as NSString).lastPathComponent
        #expect(try DataLoader.load(spec, seed: 0, bookDirectory: parent, environment: [:]).train.count == 20)
        spec.path = nil
        #expect(try DataLoader.load(spec, seed: 0, bookDirectory: "/", environment: ["LABBOOK_DATA": dir.path]).train.count == 20)
        let e = dataError { _ = try DataLoader.load(spec, seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(e?.description == "data source 'idx' has no default directory; set data.path to the directory holding the IDX files, or set $LABBOOK_DATA")
    }

    @Test func defaultsClampToSmallFiles() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir, train: 30, test: 8)
        let splits = try DataLoader.load(idxSpec(dir, train: nil, validation: nil, test: nil), seed: 0, bookDirectory: "/", environment: [:])
        #expect(splits.validation?.count == 5 && splits.train.count == 25 && splits.test?.count == 8)
    }

    @Test func badMagicNamesTheFile() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir)
        // A labels file where the images should be.
        try dir.write("train-images-idx3-ubyte", tinyImages(30).labels)
        let e = dataError { _ = try DataLoader.load(idxSpec(dir), seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(e?.file == dir.file("train-images-idx3-ubyte"))
        #expect(e?.message == "not an IDX image file: its magic number is 0x00000801, expected 0x00000803")
    }

    @Test func truncatedImagesAreRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir)
        try dir.write("t10k-images-idx3-ubyte", Array(tinyImages(8).images.dropLast(5)))
        let e = dataError { _ = try DataLoader.load(idxSpec(dir), seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(e?.file == dir.file("t10k-images-idx3-ubyte"))
        #expect(e?.message == "the file is truncated: 59 bytes, expected 64 for 8 images of 2×3")
        #expect(e?.fix == "download the file again or point data.path at a complete copy")
    }

    @Test func truncatedGzipIsRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir, gzip: true)
        let path = dir.file("train-labels-idx1-ubyte.gz")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 12).write(to: URL(fileURLWithPath: path))
        let e = dataError { _ = try DataLoader.load(idxSpec(dir), seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(e?.file == path)
        #expect(e?.message.hasPrefix("cannot decompress the file (zlib:") == true)
    }

    @Test func labelCountMustMatchImageCount() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir)
        try dir.write("train-labels-idx1-ubyte", IDX.encodeLabels([UInt8](repeating: 1, count: 29)))
        let e = dataError { _ = try DataLoader.load(idxSpec(dir), seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(e?.description == "\(dir.file("train-labels-idx1-ubyte")): holds 29 labels but 'train-images-idx3-ubyte' holds 30 images; use the labels file that belongs to the images file")
    }

    @Test func labelsMustBeDigits() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir)
        try dir.write("t10k-labels-idx1-ubyte", IDX.encodeLabels([0, 1, 2, 12, 4, 5, 6, 7]))
        let e = dataError { _ = try DataLoader.load(idxSpec(dir), seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(e?.message == "label 12 of example 3 is not a class 0–9")
    }

    @Test func missingFileSaysWhereItLooked() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let e = dataError { _ = try DataLoader.load(idxSpec(dir), seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(e?.message == "missing IDX file (looked for 'train-images-idx3-ubyte' and 'train-images-idx3-ubyte.gz' in \(dir.path))")
    }

    @Test func tooManyExamplesRequested() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir)
        let e = dataError { _ = try DataLoader.load(idxSpec(dir, train: 25, validation: 6), seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(e?.message == "holds 30 examples, fewer than train 25 + validation 6")
        let f = dataError { _ = try DataLoader.load(idxSpec(dir, test: 9), seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(f?.message == "holds 8 examples, fewer than test 9")
    }

    @Test func fashionMNISTMustBe28By28() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir)
        var spec = idxSpec(dir)
        spec.source = .fashionMNIST
        let e = dataError { _ = try DataLoader.load(spec, seed: 0, bookDirectory: "/", environment: [:]) }
        #expect(e?.message == "fashion-mnist images are 28×28 pixels, these are 2×3")
    }

    @Test func digestFollowsFileBytesAndNoticesReplacedFiles() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try writeTinyDataset(in: dir)
        let spec = idxSpec(dir)
        let d1 = try DataLoader.digest(spec, bookDirectory: "/", environment: [:])
        let again = try DataLoader.digest(spec, bookDirectory: "/", environment: [:])
        #expect(d1.count == 64 && d1 == again)
        try writeTinyDataset(in: dir, train: 31)
        let d2 = try DataLoader.digest(spec, bookDirectory: "/", environment: [:])
        #expect(d1 != d2)
        // The decoded-file cache also notices the new file.
        #expect(try DataLoader.load(idxSpec(dir, train: 25, validation: 6), seed: 0, bookDirectory: "/", environment: [:]).train.count == 25)
    }

    @Test func debianFashionMNIST() throws {
        let dir = DataLoader.systemFashionMNIST
        guard FileManager.default.fileExists(atPath: dir + "/train-labels-idx1-ubyte.gz") else { return }
        let spec = DataSpec(source: .fashionMNIST, train: 50000, validation: 10000, test: 10000)
        let splits = try DataLoader.load(spec, seed: 0, bookDirectory: "/", environment: [:])
        #expect(splits.train.count + (splits.validation?.count ?? 0) == 60000)
        #expect(splits.test?.count == 10000 && splits.train.width == 784 && splits.train.classes == 10)
        // The first test image is an ankle boot (class 9), as in the file's documentation.
        #expect(splits.test?.labels.first == 9)
        let labels = try IDX.parseLabels(try GzipFile.read(dir + "/train-labels-idx1-ubyte.gz"), file: "train")
        #expect(labels.count == 60000 && labels.first == 9)
    }
}
