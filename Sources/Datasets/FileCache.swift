// A process-wide, thread-safe cache of values derived from files (decoded IDX data, digests).
import Foundation
import LabbookCore

/// Values computed from a file, keyed by its path and invalidated when its size or modification
/// time changes (so `labbook watch` sees a replaced file). Each path is computed at most once at a
/// time: a second caller waits for the first instead of decoding 60,000 images again.
final class FileCache<Value: Sendable>: @unchecked Sendable {
    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var stamp: String?
        var value: Value?
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    func value(for path: String, compute: () throws -> Value) throws -> Value {
        let entry = lock.withLock {
            if let e = entries[path] { return e }
            let e = Entry()
            entries[path] = e
            return e
        }
        let stamp = FileFingerprint.of(path)
        entry.lock.lock()
        defer { entry.lock.unlock() }
        // A file that cannot be examined (nil stamp) is never reused.
        if let v = entry.value, let stamp, entry.stamp == stamp { return v }
        let v = try compute()
        entry.value = v
        entry.stamp = stamp
        return v
    }
}

/// The caches shared by every experiment in the process.
enum SharedCaches {
    static let images = FileCache<IDXImages>()
    static let labels = FileCache<[UInt8]>()
    static let digests = FileCache<String>()
}
