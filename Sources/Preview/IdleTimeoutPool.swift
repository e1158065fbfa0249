// A socket pool around FlyingFox's own that closes a connection whose client sends nothing for a while.
//
// FlyingFox waits for a request's bytes as long as the client keeps the connection open, so a client that
// opens connections and sends nothing (or stops half-way through its headers) holds them forever. Every wait
// for a connection's bytes is raced against `timeout`; when the timer wins the wait throws, and FlyingFox
// closes that connection. The listening socket waits for new connections without a limit.
import FlyingSocks
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct IdleTimeoutPool: AsyncSocketPool {
    let base: any AsyncSocketPool
    let timeout: Duration

    func prepare() async throws { try await base.prepare() }

    func run() async throws { try await base.run() }

    func suspendSocket(_ socket: Socket, untilReadyFor events: Socket.Events) async throws {
        if IdleTimeoutPool.isListening(socket.file.rawValue) {
            try await base.suspendSocket(socket, untilReadyFor: events)
            return
        }
        let base = self.base, timeout = self.timeout
        let ready = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await base.suspendSocket(socket, untilReadyFor: events); return true }
            group.addTask { try await Task.sleep(for: timeout); return false }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !ready { throw SocketError.disconnected }
    }

    /// SO_ACCEPTCONN: whether `fd` is a listening socket.
    static func isListening(_ fd: Int32) -> Bool {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &length) == 0 && value != 0
    }
}
