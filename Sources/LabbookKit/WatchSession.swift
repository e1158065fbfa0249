// One rebuild at a time for `labbook watch`: a change during a build schedules exactly one more build.
import Foundation
import Synchronization

public final class WatchSession: Sendable {
    let options: BuildOptions
    let onBuild: @Sendable (BuildReport) -> Void
    /// (building, another build requested while building)
    let state = Mutex((false, false))

    public init(options: BuildOptions, onBuild: @escaping @Sendable (BuildReport) -> Void) {
        self.options = options
        self.onBuild = onBuild
    }

    public func buildNow() throws {
        onBuild(try Builder.build(options))
    }

    /// Rebuilds now, or after the running build if there is one. Errors are reported, never fatal.
    public func rebuild() {
        let start = state.withLock { s -> Bool in
            if s.0 { s.1 = true; return false }
            s.0 = true
            return true
        }
        guard start else { return }
        while true {
            do {
                onBuild(try Builder.build(options))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
            let again = state.withLock { s -> Bool in
                if s.1 { s.1 = false; return true }
                s.0 = false
                return false
            }
            if !again { break }
        }
    }
}
