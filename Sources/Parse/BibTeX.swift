// A BibTeX file → entries with their fields in Unicode (LaTeX accents decoded), and file:line errors for bad ones.
import LabbookCore

public struct BibEntry: Sendable, Hashable {
    public var type: String
    public var key: String
    /// Field names lower-cased; values with braces removed and LaTeX accents turned into Unicode.
    public var fields: [String: String]
    public var location: SourceLocation

    /// Family names of the authors (or editors), in order: "von Neumann", "Glorot", "Bengio".
    public var familyNames: [String] {
        let names = fields["author"] ?? fields["editor"] ?? ""
        return BibTeX.splitNames(names).map(BibTeX.familyName)
    }

    public var year: String { fields["year"] ?? "n.d." }
}

public enum BibTeX {
    /// Parses `text` (the file at `file`, for diagnostics). Malformed entries are skipped with an error
    /// naming their line; the rest are returned. `@string` macros are expanded, `@comment` and `@preamble` ignored.
    public static func parse(_ text: String, file: String) -> (entries: [BibEntry], diagnostics: [Diagnostic]) {
        var p = Scanner(Array(text.unicodeScalars), file: file)
        var entries: [BibEntry] = []
        var diagnostics: [Diagnostic] = []
        var strings: [String: String] = ["jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
                                         "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
                                         "nov": "November", "dec": "December"]
        var seen: [String: Int] = [:]
        while p.skip(to: "@") {
            let start = p.location
            p.advance()
            let type = p.identifier().lowercased()
            p.skipSpace()
            guard let open = p.peek, open == "{" || open == "(" else {
                diagnostics.append(.error(at: start, "malformed BibTeX entry: expected '{' after '@\(type)'"))
                continue
            }
            let close: Unicode.Scalar = open == "{" ? "}" : ")"
            p.advance()
            if type == "comment" || type == "preamble" {
                if !p.skipBalanced(close: close) { diagnostics.append(.error(at: start, "@\(type) is never closed")) }
                continue
            }
            do {
                if type == "string" {
                    let (name, value) = try p.field(strings)
                    strings[name] = value
                    p.skipSpace()
                    if p.peek == close { p.advance() }
                    continue
                }
                p.skipSpace()
                let key = p.key()
                guard !key.isEmpty else { throw BibError(at: p.location, "the entry has no citation key") }
                p.skipSpace()
                var fields: [String: String] = [:]
                while true {
                    p.skipSpace()
                    if p.peek == close { p.advance(); break }
                    if p.peek == "@" {
                        throw BibError(at: start, "the entry '\(key)' is not closed before the next entry (an unbalanced brace in one of its fields?)")
                    }
                    guard p.peek == "," else {
                        throw BibError(at: p.location, p.atEnd ? "the entry '\(key)' is never closed (missing '\(close)')"
                                                               : "expected ',' or '\(close)' in entry '\(key)'")
                    }
                    p.advance()
                    p.skipSpace()
                    if p.peek == close { p.advance(); break }
                    let (name, value) = try p.field(strings)
                    fields[name] = value
                }
                if let line = seen[key.lowercased()] {
                    diagnostics.append(.error(at: start, "duplicate BibTeX key '\(key)' (first defined on line \(line))"))
                    continue
                }
                seen[key.lowercased()] = start.line
                // URLs and DOIs keep their characters (`~` and `--` mean themselves there).
                var decoded: [String: String] = [:]
                for (name, value) in fields { decoded[name] = name == "url" || name == "doi" ? value : unicode(value) }
                entries.append(BibEntry(type: type, key: key, fields: decoded, location: start))
            } catch let e as BibError {
                diagnostics.append(.error(at: e.location, "malformed BibTeX entry: \(e.message)",
                                          hint: "fields are written name = {value}, separated by commas"))
                p.skipToNextEntry()
            } catch {
                diagnostics.append(.error(at: start, "malformed BibTeX entry"))
            }
        }
        return (entries, diagnostics)
    }

    // MARK: - Names

    /// BibTeX's " and " separates names, but not inside braces (`{Barnes and Noble}` is one name).
    public static func splitNames(_ s: String) -> [String] {
        var names: [String] = []
        var depth = 0
        var current = ""
        let words = s.split(separator: " ", omittingEmptySubsequences: true)
        for w in words {
            depth += w.filter { $0 == "{" }.count - w.filter { $0 == "}" }.count
            if w == "and", depth == 0 {
                names.append(current.trimmingCharacters(in: " "))
                current = ""
            } else {
                current += (current.isEmpty ? "" : " ") + w
            }
        }
        if !current.isEmpty { names.append(current.trimmingCharacters(in: " ")) }
        return names.filter { !$0.isEmpty }
    }

    /// "Last, First" → "Last"; "First von Last" → "von Last"; "First Last" → "Last".
    public static func familyName(_ name: String) -> String {
        let n = name.replacingAll("{", "").replacingAll("}", "")
        if let comma = n.firstIndex(of: ",") { return String(n[..<comma]).trimmingCharacters(in: " ") }
        let parts = n.split(separator: " ").map(String.init)
        guard let last = parts.last else { return n }
        // Lower-case words before the last form the "von" part.
        var family = [last]
        for w in parts.dropLast().reversed() {
            guard let f = w.first, f.isLowercase else { break }
            family.insert(w, at: 0)
        }
        return family.count == parts.count ? last : family.joined(separator: " ")
    }

    // MARK: - LaTeX to Unicode

    static let accents: [Character: [Character: String]] = [
        "\"": ["a": "ä", "o": "ö", "u": "ü", "e": "ë", "i": "ï", "y": "ÿ", "A": "Ä", "O": "Ö", "U": "Ü", "E": "Ë", "I": "Ï"],
        "'": ["a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "y": "ý", "c": "ć", "n": "ń", "s": "ś", "z": "ź",
              "A": "Á", "E": "É", "I": "Í", "O": "Ó", "U": "Ú", "C": "Ć", "N": "Ń", "S": "Ś", "Z": "Ź"],
        "`": ["a": "à", "e": "è", "i": "ì", "o": "ò", "u": "ù", "A": "À", "E": "È", "I": "Ì", "O": "Ò", "U": "Ù"],
        "^": ["a": "â", "e": "ê", "i": "î", "o": "ô", "u": "û", "A": "Â", "E": "Ê", "I": "Î", "O": "Ô", "U": "Û"],
        "~": ["a": "ã", "o": "õ", "n": "ñ", "A": "Ã", "O": "Õ", "N": "Ñ"],
        "c": ["c": "ç", "C": "Ç", "s": "ş", "S": "Ş"],
        "v": ["c": "č", "s": "š", "z": "ž", "r": "ř", "e": "ě", "n": "ň", "C": "Č", "S": "Š", "Z": "Ž", "R": "Ř"],
        "u": ["a": "ă", "g": "ğ", "A": "Ă", "G": "Ğ"],
        "H": ["o": "ő", "u": "ű", "O": "Ő", "U": "Ű"],
        "k": ["a": "ą", "e": "ę", "A": "Ą", "E": "Ę"],
        "=": ["a": "ā", "e": "ē", "i": "ī", "o": "ō", "u": "ū"],
        ".": ["z": "ż", "Z": "Ż", "I": "İ"],
        "r": ["a": "å", "A": "Å", "u": "ů"],
    ]
    static let symbols: [String: String] = ["ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ",
                                            "oe": "œ", "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "&": "&", "%": "%",
                                            "_": "_", "#": "#", "$": "$", "textendash": "–", "textemdash": "—"]

    /// `{\"o}`, `\"{o}`, `\"o`, `\ss{}`, `--`, `~` and braces → plain Unicode text.
    public static func unicode(_ s: String) -> String {
        let c = Array(s)
        var out = ""
        var i = 0
        while i < c.count {
            let ch = c[i]
            if ch == "\\", i + 1 < c.count {
                let cmd = c[i + 1]
                if let table = accents[cmd], !(cmd.isLetter && i + 2 < c.count && c[i + 2].isLetter && table[c[i + 2]] == nil) {
                    // The accented letter follows, maybe in braces or after a space: \"o, \"{o}, \c c.
                    var j = i + 2
                    if cmd.isLetter, j < c.count, c[j] == " " { j += 1 }
                    var braced = false
                    if j < c.count, c[j] == "{" { braced = true; j += 1 }
                    if j < c.count, c[j] == "\\", j + 1 < c.count, c[j + 1] == "i" || c[j + 1] == "j" { j += 1 }   // \'{\i}
                    if j < c.count, let mapped = table[c[j]] {
                        out += mapped
                        j += 1
                        if braced, j < c.count, c[j] == "}" { j += 1 }
                        i = j
                        continue
                    }
                }
                // A named command: \ss, \o, \textendash; unknown ones are dropped, their argument kept.
                var j = i + 1
                var name = ""
                while j < c.count, c[j].isLetter { name.append(c[j]); j += 1 }
                if name.isEmpty { name = String(c[i + 1]); j = i + 2 }
                if let sym = symbols[name] { out += sym }
                if j + 1 < c.count, c[j] == "{", c[j + 1] == "}" { j += 2 }
                else if j < c.count, c[j] == " ", !name.isEmpty, name.first?.isLetter == true { j += 1 }
                i = j
                continue
            }
            if ch == "{" || ch == "}" { i += 1; continue }
            if ch == "~" { out += "\u{00A0}"; i += 1; continue }
            if ch == "-", i + 1 < c.count, c[i + 1] == "-" {
                if i + 2 < c.count, c[i + 2] == "-" { out += "—"; i += 3 } else { out += "–"; i += 2 }
                continue
            }
            if ch.isWhitespace {
                if !out.hasSuffix(" ") { out += " " }
                i += 1
                continue
            }
            out.append(ch)
            i += 1
        }
        return out.trimmingCharacters(in: " ")
    }
}

struct BibError: Error {
    var location: SourceLocation
    var message: String
    init(at location: SourceLocation, _ message: String) { self.location = location; self.message = message }
}

/// A cursor over the file's scalars that tracks the line.
private struct Scanner {
    var s: [Unicode.Scalar]
    var i = 0
    var line = 1
    var column = 1
    let file: String

    init(_ s: [Unicode.Scalar], file: String) { self.s = s; self.file = file }

    var atEnd: Bool { i >= s.count }
    var peek: Unicode.Scalar? { atEnd ? nil : s[i] }
    var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    mutating func advance() {
        guard !atEnd else { return }
        if s[i] == "\n" { line += 1; column = 1 } else { column += 1 }
        i += 1
    }

    mutating func skip(to c: Unicode.Scalar) -> Bool {
        while let p = peek, p != c { advance() }
        return !atEnd
    }

    mutating func skipSpace() {
        while let p = peek, p.properties.isWhitespace { advance() }
        // `%` starts a comment to the end of the line (outside values).
        if peek == "%" { while let p = peek, p != "\n" { advance() }; skipSpace() }
    }

    mutating func identifier() -> String {
        var out = ""
        while let p = peek, p.properties.isAlphabetic || ("0"..."9").contains(p) || p == "_" || p == "-" || p == ":" || p == "." {
            out.unicodeScalars.append(p)
            advance()
        }
        return out
    }

    mutating func key() -> String {
        var out = ""
        while let p = peek, p != ",", p != "}", p != ")", !p.properties.isWhitespace {
            out.unicodeScalars.append(p)
            advance()
        }
        return out
    }

    /// `name = value # value …`; a value is {braced}, "quoted", a number or a @string name.
    mutating func field(_ strings: [String: String]) throws -> (String, String) {
        skipSpace()
        let name = identifier().lowercased()
        guard !name.isEmpty else { throw BibError(at: location, "expected a field name") }
        skipSpace()
        guard peek == "=" else { throw BibError(at: location, "expected '=' after the field '\(name)'") }
        advance()
        var value = ""
        while true {
            skipSpace()
            let at = location
            switch peek {
            case "{":
                advance()
                var depth = 1
                while let p = peek {
                    if p == "{" { depth += 1 } else if p == "}" { depth -= 1; if depth == 0 { break } }
                    value.unicodeScalars.append(p)
                    advance()
                }
                guard peek == "}" else { throw BibError(at: at, "the value of '\(name)' is never closed (unbalanced braces)") }
                advance()
            case "\"":
                advance()
                var depth = 0
                while let p = peek, !(p == "\"" && depth == 0) {
                    if p == "{" { depth += 1 } else if p == "}" { depth -= 1 }
                    value.unicodeScalars.append(p)
                    advance()
                }
                guard peek == "\"" else { throw BibError(at: at, "the value of '\(name)' is never closed (missing '\"')") }
                advance()
            default:
                let word = identifier()
                guard !word.isEmpty else { throw BibError(at: at, "the field '\(name)' has no value") }
                if word.allSatisfy(\.isNumber) { value += word } else if let v = strings[word.lowercased()] { value += v } else {
                    throw BibError(at: at, "unknown @string '\(word)' in the field '\(name)'")
                }
            }
            skipSpace()
            if peek == "#" { advance(); continue }
            return (name, value)
        }
    }

    mutating func skipBalanced(close: Unicode.Scalar) -> Bool {
        var depth = 1
        while let p = peek {
            advance()
            if p == "{" || p == "(" { depth += 1 } else if p == "}" || p == ")" { depth -= 1; if depth == 0 { return true } }
        }
        return false
    }

    /// After an error: on to the next line that starts with '@'.
    mutating func skipToNextEntry() {
        while let p = peek {
            if p == "@", column == 1 { return }
            advance()
        }
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        var out = ""
        var rest = self[...]
        while let r = rest.firstRange(of: a) { out += rest[..<r.lowerBound]; out += b; rest = rest[r.upperBound...] }
        return out + rest
    }

    func trimmingCharacters(in set: Character) -> String {
        var s = self[...]
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
