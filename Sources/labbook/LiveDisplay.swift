// On a terminal, a status area under the per-block lines: each running variant's epoch, loss and ETA.
import Foundation
import LabbookKit
import Synchronization

/// `@unchecked`: the timer is created once in `init` and only cancelled in `stop()`; everything that
/// changes is behind the mutex.
final class LiveDisplay: @unchecked Sendable {
    let progress = BuildProgress()
    let shownLines = Mutex(0)
    let timer: DispatchSourceTimer

    init() {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "labbook.live"))
        timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            let lines = self.progress.lines()
            self.shownLines.withLock { n in
                n = LiveDisplay.redraw(lines, erasing: n, above: nil)
            }
        }
        timer.resume()
    }

    /// Prints a finished block's line above the status area.
    func print(_ line: String) {
        let lines = progress.lines()
        shownLines.withLock { n in
            n = LiveDisplay.redraw(lines, erasing: n, above: line)
        }
    }

    func stop() {
        timer.cancel()
        shownLines.withLock { n in
            n = LiveDisplay.redraw([], erasing: n, above: nil)
        }
    }

    /// Erases the previous status lines, prints `above` (if any), then the status lines; returns their count.
    static func redraw(_ lines: [String], erasing previous: Int, above: String?) -> Int {
        var out = ""
        for _ in 0..<previous { out += "\u{1B}[1A\u{1B}[2K" }
        if let above { out += above + "\n" }
        for l in lines { out += "  \u{1B}[2m" + l + "\u{1B}[0m\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
        return lines.count
    }
}
