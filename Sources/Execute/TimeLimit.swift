// The wall-clock limit on one block's runs: its default, parsing `--time-limit` values, and how it reads in messages.
import Foundation

public enum TimeLimit {
    /// Generous: the shipped book's longest block takes a few minutes; a hung or runaway block stops after this.
    public static let `default`: Duration = .seconds(30 * 60)

    /// "90", "90s", "15m", "2h", "0.5" → a duration; nil for anything else (zero and negative included).
    public static func parse(_ text: String) -> Duration? {
        var s = text.trimmingCharacters(in: .whitespaces).lowercased()
        var unit = 1.0
        if let last = s.last, let u = ["s": 1.0, "m": 60.0, "h": 3600.0][String(last)] {
            unit = u
            s.removeLast()
        }
        guard let v = Double(s), v.isFinite, v > 0, v * unit <= 1e9 else { return nil }
        return .milliseconds(Int64((v * unit * 1000).rounded()))
    }

    /// "30 min", "45 s", "0.25 s", "2 h".
    public static func describe(_ d: Duration) -> String {
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600)) h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60)) min" }
        if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
        return "\(seconds) s"
    }
}
