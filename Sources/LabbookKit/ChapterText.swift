// Turning a chapter file's bytes into text: invalid UTF-8, NUL bytes and a BOM are reported with their line, never fatal.
import Foundation
import LabbookCore

enum ChapterText {
    /// The chapter's text and the problems found in its bytes. Invalid sequences become U+FFFD and NUL bytes
    /// too (as CommonMark says), so the rest of the chapter still builds; each kind of problem is reported once,
    /// at its first occurrence.
    static func decode(_ data: Data, file: String, what: String = "the chapter") -> (String, [Diagnostic]) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }   // a BOM is harmless; drop it
        var diagnostics: [Diagnostic] = []
        if let bad = firstInvalidUTF8(bytes) {
            let at = location(of: bad, in: bytes, file: file)
            diagnostics.append(.error(at: at, "\(what) is not valid UTF-8 (byte 0x\(String(format: "%02X", bytes[bad])))",
                                      hint: "save the file as UTF-8; the bad bytes are shown as \u{FFFD}"))
        }
        if let nul = bytes.firstIndex(of: 0) {
            diagnostics.append(.error(at: location(of: nul, in: bytes, file: file),
                                      "\(what) contains a NUL byte (is it a binary file?)",
                                      hint: "chapters/ should hold only Markdown text"))
        }
        var text = String(decoding: bytes, as: UTF8.self)
        // NUL and the other control characters (C0 but tab, LF, CR, FF; DEL; C1) are parse errors in an HTML5
        // page, which cmark would copy there: they are shown as U+FFFD, one character for one, so columns hold.
        if text.unicodeScalars.contains(where: isControl) {
            var scalars = String.UnicodeScalarView()
            for c in text.unicodeScalars { scalars.append(isControl(c) ? "\u{FFFD}" : c) }
            text = String(scalars)
        }
        return (text, diagnostics)
    }

    static func isControl(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09, 0x0A, 0x0C, 0x0D: false
        case 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }

    /// Offset of the first byte that does not start or continue a valid UTF-8 sequence (overlongs, surrogates
    /// and code points above U+10FFFF included), or nil.
    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        var i = 0
        while i < b.count {
            let c = b[i]
            let (length, low, high): (Int, UInt8, UInt8)   // second byte's allowed range
            switch c {
            case 0x00...0x7F: i += 1; continue
            case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
            case 0xED: (length, low, high) = (3, 0x80, 0x9F)
            case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
            case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
            case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
            default: return i
            }
            guard i + length <= b.count, (low...high).contains(b[i + 1]) else { return i }
            for k in 2..<length where !(0x80...0xBF).contains(b[i + k]) { return i }
            i += length
        }
        return nil
    }

    /// Line and column (in characters, counting each byte of a broken sequence as one) of a byte offset.
    static func location(of offset: Int, in bytes: [UInt8], file: String) -> SourceLocation {
        var line = 1, lineStart = 0
        for (i, b) in bytes[..<offset].enumerated() where b == 0x0A || (b == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
            line += 1
            lineStart = i + 1
        }
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
        return SourceLocation(file: file, line: line, column: column)
    }
}
