// SHA-256 (FIPS 180-4) from the system's libcrypto: the one hasher and hex form behind cache keys, data and file digests.
internal import CCrypto
import Foundation

/// An incremental SHA-256: `update` with pieces, then `finalize` once. The digest is the same as hashing the
/// pieces joined, so a file can be hashed a piece at a time without holding it whole.
public final class SHA256 {
    private let context: OpaquePointer
    private var finished = false

    public init() {
        // EVP_sha256 is built into libcrypto (no provider to load): this fails only when memory is exhausted.
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            preconditionFailure("libcrypto could not start a SHA-256 digest")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ data: Data) {
        precondition(!finished, "SHA256.update after finalize")
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return }
            _ = EVP_DigestUpdate(context, base, raw.count)
        }
    }

    public func update(_ text: String) { update(Data(text.utf8)) }

    /// The 32 digest bytes; the hasher cannot be used afterwards.
    public func finalize() -> [UInt8] {
        precondition(!finished, "SHA256.finalize called twice")
        finished = true
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        precondition(length == 32, "libcrypto returned a \(length)-byte SHA-256")
        return out
    }

    public func finalizeHex() -> String { SHA256.hex(finalize()) }

    /// The digest bytes of `data`.
    public static func bytes(_ data: Data) -> [UInt8] {
        let h = SHA256()
        h.update(data)
        return h.finalize()
    }

    /// Lower-case hex of the digest of `data` (what `sha256sum` prints).
    public static func hex(_ data: Data) -> String { hex(bytes(data)) }

    /// Lower-case hex of the digest of the text's UTF-8 bytes.
    public static func hex(_ text: String) -> String { hex(Data(text.utf8)) }

    /// Lower-case hex of the digest of a file's bytes, read 1 MiB at a time (a 100 MB dataset is never
    /// held whole). Throws when the file cannot be opened or read.
    public static func hex(ofFileAt path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let h = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { h.update(chunk) }
        return h.finalizeHex()
    }

    /// Two lower-case hex digits per byte.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
