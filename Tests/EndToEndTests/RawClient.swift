// A blocking TCP client for the preview tests: sends exactly the bytes a hostile client would, reads what comes
// back, and says when the server closed — what URLSession hides.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class RawClient {
    let fd: Int32

    /// Connected to 127.0.0.1:port, with send and receive timeouts of `timeout` seconds.
    init(port: UInt16, timeout: Int = 10) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends all of `bytes` unless the server stops taking them; returns how many it took.
    @discardableResult func send(_ bytes: [UInt8]) -> Int {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        return sent
    }

    @discardableResult func send(_ text: String) -> Int { send(Array(text.utf8)) }

    /// Reads until the server closes (or resets) the connection, or the receive timeout; `closed` is false
    /// only for the timeout.
    func readToEnd(limit: Int = 1 << 20) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { out += buffer[0..<n]; continue }
            return (out, n == 0 || errno == ECONNRESET)
        }
        return (out, false)
    }

    /// The response's status line, read up to its first CRLF.
    func statusLine() -> String {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while recv(fd, &byte, 1, 0) == 1 {
            if byte == 10 { break }
            if byte != 13 { line.append(byte) }
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// The headers after the status line, names lower-cased.
    func headers() -> [String: String] {
        var out: [String: String] = [:]
        while true {
            let line = statusLine()
            if line.isEmpty { return out }
            if let colon = line.firstIndex(of: ":") {
                out[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
    }

    /// Receives and discards `count` bytes of body, calling `progress` every 64 MiB; returns how many came.
    func drain(_ count: Int, progress: () -> Void = {}) -> Int {
        var got = 0, nextCall = 64 << 20
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while got < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, min($0.count, count - got), 0) }
            if n <= 0 { break }
            got += n
            if got >= nextCall { progress(); nextCall += 64 << 20 }
        }
        return got
    }

    /// This process's resident memory in bytes, from /proc/self/statm.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
