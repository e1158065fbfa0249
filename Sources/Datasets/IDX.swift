// The IDX file format (LeCun's MNIST files): big-endian header, then unsigned bytes; plain or gzipped.
import CZlib
import Foundation

/// Images of one IDX3 file: `count` images of `rows` × `cols` bytes, row-major, one after another.
struct IDXImages: Sendable {
    var count: Int
    var rows: Int
    var cols: Int
    var pixels: [UInt8]
    var width: Int { rows * cols }
}

enum IDX {
    static let imageMagic: UInt32 = 0x0000_0803
    static let labelMagic: UInt32 = 0x0000_0801

    /// Checks magic, dimensions and length: a file shorter or longer than its header says is refused,
    /// since a half-downloaded file would otherwise train on zeros.
    static func parseImages(_ bytes: [UInt8], file: String) throws -> IDXImages {
        let magic = try header(bytes, 0, file: file)
        guard magic == imageMagic else { throw wrongMagic(magic, expected: imageMagic, kind: "image", file: file) }
        guard bytes.count >= 16 else {
            throw DataError(file: file, "the IDX image header is cut short (\(bytes.count) bytes, expected 16)", fix: refetch)
        }
        let count = Int(try header(bytes, 4, file: file))
        let rows = Int(try header(bytes, 8, file: file))
        let cols = Int(try header(bytes, 12, file: file))
        guard rows > 0, cols > 0 else {
            throw DataError(file: file, "the IDX header gives images of \(rows)×\(cols) pixels", fix: refetch)
        }
        let expected = 16 + count * rows * cols
        guard bytes.count == expected else {
            throw DataError(file: file, lengthProblem(found: bytes.count, expected: expected, what: "\(count) images of \(rows)×\(cols)"),
                            fix: refetch)
        }
        return IDXImages(count: count, rows: rows, cols: cols, pixels: Array(bytes[16...]))
    }

    static func parseLabels(_ bytes: [UInt8], file: String) throws -> [UInt8] {
        let magic = try header(bytes, 0, file: file)
        guard magic == labelMagic else { throw wrongMagic(magic, expected: labelMagic, kind: "label", file: file) }
        let count = Int(try header(bytes, 4, file: file))
        let expected = 8 + count
        guard bytes.count == expected else {
            throw DataError(file: file, lengthProblem(found: bytes.count, expected: expected, what: "\(count) labels"), fix: refetch)
        }
        return Array(bytes[8...])
    }

    /// The bytes of an IDX3 image file, for tests and tools that write small data sets.
    static func encodeImages(_ pixels: [UInt8], count: Int, rows: Int, cols: Int) -> [UInt8] {
        bigEndian(imageMagic) + bigEndian(UInt32(count)) + bigEndian(UInt32(rows)) + bigEndian(UInt32(cols)) + pixels
    }

    static func encodeLabels(_ labels: [UInt8]) -> [UInt8] {
        bigEndian(labelMagic) + bigEndian(UInt32(labels.count)) + labels
    }

    private static let refetch = "download the file again or point data.path at a complete copy"

    private static func header(_ bytes: [UInt8], _ offset: Int, file: String) throws -> UInt32 {
        guard bytes.count >= offset + 4 else {
            throw DataError(file: file, "the file is too short to be an IDX file (\(bytes.count) bytes)", fix: refetch)
        }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func wrongMagic(_ magic: UInt32, expected: UInt32, kind: String, file: String) -> DataError {
        DataError(file: file, "not an IDX \(kind) file: its magic number is \(hex(magic)), expected \(hex(expected))",
                  fix: "check that data.path holds the train-/t10k- images and labels files under their usual names")
    }

    private static func lengthProblem(found: Int, expected: Int, what: String) -> String {
        let how = found < expected ? "truncated" : "longer than its header says"
        return "the file is \(how): \(found) bytes, expected \(expected) for \(what)"
    }

    private static func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
    }
}

/// Whole-file reads through zlib, which passes plain files through unchanged and inflates gzip ones.
enum GzipFile {
    static func read(_ path: String) throws -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DataError(file: path, "the file does not exist")
        }
        guard let gz = gzopen(path, "rb") else {
            throw DataError(file: path, "cannot open the file", fix: "check its permissions")
        }
        defer { gzclose(gz) }
        gzbuffer(gz, 1 << 17)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(gz, $0.baseAddress, UInt32($0.count)) }
            if n < 0 { throw gzipError(gz, path) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
        }
        // A gzip stream cut short reads as a short file with Z_BUF_ERROR set; refuse it.
        var code: Int32 = Z_OK
        _ = gzerror(gz, &code)
        if code != Z_OK { throw gzipError(gz, path) }
        return out
    }

    /// Writes `bytes` gzip-compressed (used by tests to build small data sets).
    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let gz = gzopen(path, "wb") else { throw DataError(file: path, "cannot create the file") }
        let written = bytes.withUnsafeBytes { gzwrite(gz, $0.baseAddress, UInt32($0.count)) }
        let closed = gzclose(gz)
        guard Int(written) == bytes.count || bytes.isEmpty, closed == Z_OK else {
            throw DataError(file: path, "could not write the compressed file")
        }
    }

    private static func gzipError(_ gz: gzFile, _ path: String) -> DataError {
        var code: Int32 = Z_OK
        let text = gzerror(gz, &code).map { String(cString: $0) } ?? "unknown error"
        return DataError(file: path, "cannot decompress the file (zlib: \(text))",
                         fix: "download the file again or point data.path at a complete copy")
    }
}
