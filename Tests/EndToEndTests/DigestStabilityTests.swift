// Run-cache keys and page digests are the same hex the swift-crypto build wrote (expected values from Python's hashlib).
import Execute
import Foundation
import Outcomes
import Testing
@testable import LabbookKit

@Suite struct DigestStabilityTests {
    /// sha256("labbook-run-cache-1\nengine-0.2.0\ndata-digest\n{\"seed\":1}"): a changed key would orphan every cache.
    @Test func runCacheKeyIsUnchanged() {
        #expect(RunCache.key(canonicalConfig: "{\"seed\":1}", dataDigest: "data-digest", engineVersion: "engine-0.2.0")
                == "2a1c65a4efea38d53ebcac9e1ce380cc1e067b0e6e10d6581504cc630627bce6")
    }

    /// sha256("labbook-page-2\n" + "8:book.yml" + "12:# Chapter é"): lengths are UTF-8 byte counts.
    @Test func pageDigestIsUnchanged() {
        #expect(BuildState.rendererVersion == "2")
        #expect(BuildState.pageDigest(["book.yml", "# Chapter é"])
                == "1d68aaeefebb4611571910e7632114c171c66617a0a3af828618eab351e58d24")
    }

    /// An entry is sha256(payload) ‖ payload: a flipped payload byte is caught, the stored entry loads.
    @Test func entryChecksumCatchesAFlippedByte() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-digest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = RunCache(directory: dir)
        let key = RunCache.key(canonicalConfig: "c", dataDigest: "d")
        try cache.store(VariantOutcome(label: "x"), key: key)
        guard case .hit = cache.load(key) else { Issue.record("a stored entry did not load"); return }
        var bytes = try Data(contentsOf: cache.url(for: key))
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: cache.url(for: key))
        guard case .damaged(let why) = cache.load(key) else { Issue.record("a flipped byte was not caught"); return }
        #expect(why.contains("checksum"))
    }
}
