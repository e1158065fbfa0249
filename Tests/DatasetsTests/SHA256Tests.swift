// SHA-256 from libcrypto: FIPS 180-2 vectors, pieces equal the whole, a file read in pieces, a CSV table's digest.
// Every expected hex below was computed outside Labbook (`printf abc | sha256sum`, Python's hashlib).
import Foundation
import LabbookCore
import Testing
import Vocabulary
@testable import Datasets

@Suite struct SHA256Tests {
    @Test func fipsVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.bytes(Data("abc".utf8)).count == 32)
    }

    @Test func piecesHashLikeTheWhole() {
        let h = SHA256()
        h.update("a")
        h.update(Data())
        h.update("bc")
        #expect(h.finalizeHex() == SHA256.hex("abc"))
    }

    /// 2.5 MiB + 7 bytes of `i % 251`: three 1 MiB reads, the last one short.
    @Test func aFileIsHashedInPieces() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let bytes = (0..<(5 * (1 << 19) + 7)).map { UInt8($0 % 251) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("big.bin")))
        let expected = "ffe7fe4b5e2866a0433ec4ae27932c3f50ef8b8ff5b4aa4bc3808aaf8bd2dd70"
        #expect(try SHA256.hex(ofFileAt: dir.file("big.bin")) == expected)
        #expect(SHA256.hex(Data(bytes)) == expected)
        #expect(throws: (any Error).self) { try SHA256.hex(ofFileAt: dir.file("absent.bin")) }
    }

    /// The data part of a cache key, as the swift-crypto build computed it: sha256("labbook-datasets-1\ncsv path <sha256 of the file>\n").
    @Test func csvDigestIsUnchanged() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let table = "a,b,name,quality\n1,2,x,5\n3,4,\"y, quoted\",7\n5,6,z,5\n7,8,w,6\n9,10,v,7\n"
        try FileManager.default.createDirectory(atPath: dir.file("data"), withIntermediateDirectories: true)
        try table.write(toFile: dir.file("data/t.csv"), atomically: true, encoding: .utf8)
        var spec = DataSpec(source: .csv, path: "data/t.csv")
        spec.csv = CSVSettings(label: "quality")
        #expect(try SHA256.hex(ofFileAt: dir.file("data/t.csv")) == "fed36efd1205eb835fcc33e44ba006bf27257fa76b4ed223c3faa22e95410d20")
        #expect(try DataLoader.digest(spec, bookDirectory: dir.path, environment: [:])
                == "b8e42d027a0b6e46240c5bda98fa3141374c90d571c4b8659d7abf6c4f174a4e")
    }
}
