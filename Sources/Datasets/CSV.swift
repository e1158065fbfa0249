// Reading a CSV table (RFC 4180: comma-separated, a header row, "quoted" fields with "" for a quote).
import Foundation

/// A parsed table: the header's column names and the rows' cells as text, with the file line each row starts on.
struct CSVTable: Sendable {
    var header: [String]
    var rows: [[String]]
    /// 1-based line of the file on which each row starts (the header is line 1 unless blank lines precede it).
    var lines: [Int]
}

/// Where in a CSV file something is wrong: `data/wine.csv:5:3` (line 5, third field).
struct CSVError: Error, Sendable {
    var line: Int
    var column: Int?
    var message: String
}

enum CSV {
    /// Tables larger than this are almost certainly not meant for a lesson's in-process training.
    static let maxBytes = 256 << 20

    /// Parses `text`. Blank lines are skipped; every row must have as many fields as the header;
    /// a field keeps its spaces except around a quoted value.
    static func parse(_ text: String) throws(CSVError) -> CSVTable {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var line = 1, recordLine = 1
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        func endField() {
            fields.append(field)
            field = ""
            wasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty) {
                records.append((recordLine, fields))
            }
            fields = []
        }
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case ",":
                    endField()
                case "\r" where i + 1 < chars.count && chars[i + 1] == "\n":
                    break
                case "\n", "\r":
                    endRecord()
                    line += 1
                    recordLine = line
                case "\"" where field.trimmingCharacters(in: .whitespaces).isEmpty:
                    field = ""
                    quoted = true
                    wasQuoted = true
                default:
                    if wasQuoted, c != " " {
                        throw CSVError(line: line, column: fields.count + 1, message: "text after a closing quote")
                    }
                    if !wasQuoted { field.unicodeScalars.append(c) }
                }
            }
            i += 1
        }
        if quoted { throw CSVError(line: recordLine, column: fields.count + 1, message: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }

        guard let head = records.first else { throw CSVError(line: 1, column: nil, message: "the file is empty; it needs a header row") }
        let header = head.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        if let blank = header.firstIndex(where: \.isEmpty) {
            throw CSVError(line: head.line, column: blank + 1, message: "the header names no column here")
        }
        for (k, name) in header.enumerated() where header[..<k].contains(name) {
            throw CSVError(line: head.line, column: k + 1, message: "column '\(name)' appears twice in the header")
        }
        var rows: [[String]] = [], lines: [Int] = []
        for r in records.dropFirst() {
            guard r.fields.count == header.count else {
                throw CSVError(line: r.line, column: nil, message: "the row has \(r.fields.count) fields, the header \(header.count)")
            }
            rows.append(r.fields)
            lines.append(r.line)
        }
        return CSVTable(header: header, rows: rows, lines: lines)
    }
}
