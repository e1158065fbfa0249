// Watches a book's sources by polling their size and modification time; reports a change once edits settle.
import Foundation
import LabbookCore

public final class BookWatcher: @unchecked Sendable {
    public let book: URL
    let interval: TimeInterval
    let debounce: TimeInterval
    private var last: [String: String]
    private let queue = DispatchQueue(label: "labbook.watch")
    private var timer: DispatchSourceTimer?
    private var pendingSince: Date?

    /// `interval`: how often to look; `debounce`: how long sources must stay unchanged before `onChange` fires.
    public init(book: URL, interval: TimeInterval = 0.25, debounce: TimeInterval = 0.3) {
        self.book = book
        self.interval = interval
        self.debounce = debounce
        self.last = BookWatcher.fingerprint(book)
    }

    /// The files whose change triggers a rebuild: chapters, book.yml, templates and custom assets.
    static func fingerprint(_ book: URL) -> [String: String] {
        let fm = FileManager.default
        var out: [String: String] = [:]
        func add(_ rel: String) {
            if let stamp = FileFingerprint.of(book.appendingPathComponent(rel).path) { out[rel] = stamp }
        }
        add("book.yml")
        for dir in ["chapters", "templates", "assets"] {
            if let items = fm.enumerator(atPath: book.appendingPathComponent(dir).path) {
                for case let item as String in items { add("\(dir)/\(item)") }
            }
        }
        return out
    }

    /// Calls `onChange` (on a background queue) after each settled change, until `stop()`.
    public func start(_ onChange: @escaping @Sendable () -> Void) {
        let t = DispatchSource.makeTimerSource(queue: queue)
        t.schedule(deadline: .now() + interval, repeating: interval)
        t.setEventHandler { [weak self] in
            guard let self else { return }
            let now = BookWatcher.fingerprint(self.book)
            if now != self.last {
                self.last = now
                self.pendingSince = Date()
            } else if let since = self.pendingSince, Date().timeIntervalSince(since) >= self.debounce {
                self.pendingSince = nil
                onChange()
            }
        }
        timer = t
        t.resume()
    }

    public func stop() {
        timer?.cancel()
        timer = nil
    }
}
