// The IDX file format (LeCun's MNIST files): big-endian header, then unsigned bytes; plain or gzipped.
import CZlib
import Engine
import Foundation
import Vocabulary
#if canImport(Glibc)
import Glibc
#endif

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
        let expected = try imageFileLength(count: count, rows: rows, cols: cols, file: file)
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
        let expected = try labelFileLength(count: count, file: file)
        guard bytes.count == expected else {
            throw DataError(file: file, lengthProblem(found: bytes.count, expected: expected, what: "\(count) labels"), fix: refetch)
        }
        return Array(bytes[8...])
    }

    /// 16 + count·rows·cols, in checked arithmetic (each factor is below 2³², their product need not fit), and
    /// within the memory budget: the header is data from the file, and 0xFFFFFFFF³ overflowed before.
    static func imageFileLength(count: Int, rows: Int, cols: Int, file: String) throws -> Int {
        let (pixels, o1) = rows.multipliedReportingOverflow(by: cols)
        let (all, o2) = pixels.multipliedReportingOverflow(by: count)
        let (total, o3) = all.addingReportingOverflow(16)
        guard !o1, !o2, !o3, total <= Budget.defaultMemoryBudget else {
            throw DataError(file: file, "the IDX header announces \(count) images of \(rows)×\(cols) pixels, over the \(Budget.defaultMemoryBudget >> 30) GiB memory budget",
                            fix: refetch)
        }
        return total
    }

    static func labelFileLength(count: Int, file: String) throws -> Int {
        guard count <= Budget.defaultMemoryBudget else {
            throw DataError(file: file, "the IDX header announces \(count) labels, over the \(Budget.defaultMemoryBudget >> 30) GiB memory budget", fix: refetch)
        }
        return 8 + count
    }

    /// The length a file must have, from its first bytes (nil until there are enough of them); throws when
    /// the header is wrong or over the budget. Bounds how much `GzipFile.read` may inflate.
    static func expectedLength(_ prefix: [UInt8], file: String, images: Bool) throws -> Int? {
        guard prefix.count >= (images ? 16 : 8) else { return nil }
        let magic = try header(prefix, 0, file: file)
        let want = images ? imageMagic : labelMagic
        guard magic == want else { throw wrongMagic(magic, expected: want, kind: images ? "image" : "label", file: file) }
        let count = Int(try header(prefix, 4, file: file))
        if !images { return try labelFileLength(count: count, file: file) }
        let rows = Int(try header(prefix, 8, file: file)), cols = Int(try header(prefix, 12, file: file))
        guard rows > 0, cols > 0 else { throw DataError(file: file, "the IDX header gives images of \(rows)×\(cols) pixels", fix: refetch) }
        return try imageFileLength(count: count, rows: rows, cols: cols, file: file)
    }

    /// Reads and checks an IDX image or label file, inflating no more than its header allows.
    static func readImages(_ path: String) throws -> IDXImages {
        try parseImages(try GzipFile.read(path) { try expectedLength($0, file: path, images: true) }, file: path)
    }

    static func readLabels(_ path: String) throws -> [UInt8] {
        try parseLabels(try GzipFile.read(path) { try expectedLength($0, file: path, images: false) }, file: path)
    }

    /// The bytes of an IDX3 image file, for tests and tools that write small data sets.
    static func encodeImages(_ pixels: [UInt8], count: Int, rows: Int, cols: Int) -> [UInt8] {
        bigEndian(imageMagic) + bigEndian(UInt32(count)) + bigEndian(UInt32(rows)) + bigEndian(UInt32(cols)) + pixels
    }

    static func encodeLabels(_ labels: [UInt8]) -> [UInt8] {
        bigEndian(labelMagic) + bigEndian(UInt32(labels.count)) + labels
    }

    static let refetch = "download the file again or point data.path at a complete copy"

    static func header(_ bytes: [UInt8], _ offset: Int, file: String) throws -> UInt32 {
        guard bytes.count >= offset + 4 else {
            throw DataError(file: file, "the file is too short to be an IDX file (\(bytes.count) bytes)", fix: refetch)
        }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func wrongMagic(_ magic: UInt32, expected: UInt32, kind: String, file: String) -> DataError {
        DataError(file: file, "not an IDX \(kind) file: its magic number is \(hex(magic)), expected \(hex(expected))",
                  fix: "check that data.path holds the train-/t10k- images and labels files under their usual names")
    }

    static func lengthProblem(found: Int, expected: Int, what: String) -> String {
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
    /// The whole file, inflated. `bound`, given the bytes read so far, returns how long the file may be once
    /// it knows (from an IDX header); reading stops as soon as that is exceeded, so a 10 MB gzip file of 10 GiB
    /// of zeros costs a few MB, not 10 GiB.
    static func read(_ path: String, bound: ([UInt8]) throws -> Int? = { _ in nil }) throws -> [UInt8] {
        try DataFile.requireRegularFile(path)
        guard let gz = gzopen(path, "rb") else {
            throw DataError(file: path, "cannot open the file", fix: "check its permissions")
        }
        defer { gzclose(gz) }
        gzbuffer(gz, 1 << 17)
        var out: [UInt8] = []
        var limit: Int?
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(gz, $0.baseAddress, UInt32($0.count)) }
            if n < 0 { throw gzipError(gz, path) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
            if limit == nil { limit = try bound(out) }
            if let limit, out.count > limit {
                throw DataError(file: path, "the file is longer than its header says: more than \(limit) bytes once decompressed, expected \(limit)",
                                fix: IDX.refetch)
            }
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

/// Data files are read only when they are regular files: a FIFO would block the build, /dev/zero would never end.
public enum DataFile {
    public static func requireRegularFile(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { throw DataError(file: path, "the file does not exist") }
        let what: String
        switch st.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: what = "a directory"
        case S_IFIFO: what = "a FIFO"
        case S_IFCHR: what = "a character device"
        case S_IFBLK: what = "a block device"
        case S_IFSOCK: what = "a socket"
        default: what = "not a file"
        }
        throw DataError(file: path, "not a regular file (\(what))", fix: "point data.path at the data files themselves")
    }
}

/// IDX parsing for the fuzz harness: arbitrary bytes as an image file and as a label file, header bound included.
public enum IDXProbe {
    /// The number of checks that refused the bytes (0, 1 or 2 per call), so the work cannot be optimised away.
    @discardableResult
    public static func parse(_ bytes: [UInt8]) -> Int {
        var refused = 0
        for images in [true, false] {
            do {
                _ = try IDX.expectedLength(Array(bytes.prefix(16)), file: "fuzz", images: images)
                if images { _ = try IDX.parseImages(bytes, file: "fuzz") } else { _ = try IDX.parseLabels(bytes, file: "fuzz") }
            } catch {
                refused += 1
            }
        }
        return refused
    }
}
