// The process-wide file cache: one computation per file, even when many blocks ask at once.
import Foundation
import Testing
import Vocabulary
@testable import Datasets

/// A thread-safe counter for counting how often a cache computes.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}

@Suite struct FileCacheTests {
    @Test func concurrentCallersComputeOnce() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("f", [1, 2, 3])
        let cache = FileCache<Int>()
        let computed = Counter()
        let path = dir.file("f")
        let results = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (try? cache.value(for: path) {
                        computed.increment()
                        Thread.sleep(forTimeInterval: 0.02)
                        return 42
                    }) ?? -1
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == [Int](repeating: 42, count: 8))
        #expect(computed.value == 1)
    }

    @Test func failuresAreNotCached() throws {
        let cache = FileCache<Int>()
        #expect(throws: DataError.self) { try cache.value(for: "/nonexistent") { throw DataError("boom") } }
        #expect(try cache.value(for: "/nonexistent") { 7 } == 7)
    }
}
