// A short run of the fuzz harness's entry point: the catalogue and deterministic mutations of it must not crash.
import Foundation
import Testing
@testable import LabbookKit

@Suite struct FuzzSmokeTests {
    /// SplitMix64: deterministic, so a failure here reproduces.
    struct Mix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static let seeds: [Data] = {
        let dir = Fixtures.catalogue.appendingPathComponent("chapters")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
        return names.compactMap { FileManager.default.contents(atPath: dir.appendingPathComponent($0).path) }
    }()

    /// Tokens that tend to reach interesting code: fences, YAML structure, math, markup.
    static let tokens: [String] = ["```experiment\n", "```\n", "---\n", "id: x\n", ": ", "[", "]", "{", "}", "- ", "\t", "\n",
                                   "&a ", "*a", "$", "$$", "<script>", "sweep:\n  seed: [1, 2]\n", "\u{0}", "\\", "'", "\""]

    @Test func everyCatalogueChapterGoesThroughTheEntryPoint() {
        #expect(Self.seeds.count >= 40)
        for seed in Self.seeds { FuzzEntry.chapter(seed) }
    }

    @Test func mutatedChaptersNeverCrash() {
        var rng = Mix(state: 7)
        for _ in 0..<3_000 {
            var bytes = [UInt8](Self.seeds[rng.below(Self.seeds.count)])
            for _ in 0...rng.below(8) {
                let at = rng.below(bytes.count + 1)
                switch rng.below(4) {
                case 0: if at < bytes.count { bytes[at] = UInt8(truncatingIfNeeded: rng.next()) }
                case 1: if at < bytes.count { bytes.removeSubrange(at..<min(bytes.count, at + rng.below(16) + 1)) }
                case 2: bytes.insert(contentsOf: Array(Self.tokens[rng.below(Self.tokens.count)].utf8), at: at)
                default:
                    let other = [UInt8](Self.seeds[rng.below(Self.seeds.count)])
                    let from = rng.below(other.count)
                    bytes.insert(contentsOf: other[from..<min(other.count, from + rng.below(64))], at: at)
                }
            }
            FuzzEntry.chapter(Data(bytes))
        }
    }
}
