// Issue 15 items 6 and 15: IDX headers are data from the file (checked arithmetic, bounded inflation), and a
// data file that is a FIFO or a device says what it is.
import Foundation
import Testing
import Vocabulary
@testable import Datasets

@Suite struct HostileIDXTests {
    @Test func aHeaderWhoseSizeOverflowsIsAnErrorNotATrap() throws {
        let bytes = IDX.encodeImages([], count: 0, rows: 0, cols: 0).prefix(4)
            + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 16)
        let error = try #require(throws: DataError.self) { try IDX.parseImages(Array(bytes), file: "x") }
        #expect(error.message == "the IDX header announces 4294967295 images of 4294967295×4294967295 pixels, over the 2 GiB memory budget")
        // A product that fits 64 bits but not the budget is refused the same way, before anything is allocated.
        let big = try #require(throws: DataError.self) { try IDX.imageFileLength(count: 1 << 20, rows: 1 << 10, cols: 1 << 10, file: "x") }
        #expect(big.message.hasSuffix("over the 2 GiB memory budget"))
        #expect(try IDX.imageFileLength(count: 2, rows: 3, cols: 4, file: "x") == 16 + 24)
    }

    @Test func aGzipBombStopsAtTheLengthItsHeaderAllows() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        // A header for 2 images of 2×2 (20 bytes in all), then 64 MB of zeros: inflating it all would take 64 MB.
        try dir.write("bomb", IDX.encodeImages([1, 2, 3, 4, 5, 6, 7, 8], count: 2, rows: 2, cols: 2) + [UInt8](repeating: 0, count: 64 << 20), gzip: true)
        var reads = 0
        let error = try #require(throws: DataError.self) {
            _ = try GzipFile.read(dir.file("bomb.gz")) { prefix in
                reads += 1
                return try IDX.expectedLength(prefix, file: "bomb", images: true)
            }
        }
        #expect(error.message == "the file is longer than its header says: more than 24 bytes once decompressed, expected 24")
        #expect(reads == 1, "stopped after the first chunk, not after 64 MB")
    }

    @Test func aFIFOOrADeviceAsADataFileSaysWhatItIs() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        #expect(mkfifo(dir.file("train-images-idx3-ubyte"), 0o644) == 0)
        let fifo = try #require(throws: DataError.self) { try IDX.readImages(dir.file("train-images-idx3-ubyte")) }
        #expect(fifo.message == "not a regular file (a FIFO)")
        let device = try #require(throws: DataError.self) { try IDX.readImages("/dev/zero") }
        #expect(device.message == "not a regular file (a character device)")
    }
}
