// A file's size and modification time: how a cached value (decoded data, a digest) and `labbook watch` notice
// that a file changed, without reading it.
import Foundation

public enum FileFingerprint {
    /// "SIZE@SECONDS" (the modification time since 1970); nil when the file cannot be examined.
    public static func of(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? NSNumber,
              let date = attributes[.modificationDate] as? Date else { return nil }
        return "\(size.int64Value)@\(date.timeIntervalSince1970)"
    }
}
