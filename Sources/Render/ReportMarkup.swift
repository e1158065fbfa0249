// The markup shared by reports: a report's box, its notes, and the tables of numbers, all through LabbookCore.Markup.
import Foundation
import LabbookCore

/// One cell of a report table: right-aligned (`class="num"`) for numbers, plain for names.
struct TableCell {
    var text: String
    var numeric: Bool
    static func num(_ text: String) -> TableCell { TableCell(text: text, numeric: true) }
    static func name(_ text: String) -> TableCell { TableCell(text: text, numeric: false) }
}

/// A report's table in its scrolling wrapper:
/// `<div class="table-wrap"><table>` / `<thead>` head row `</thead>` / `<tbody>` a line per row `</tbody>` / `</table></div>`.
/// The page shows `markup`; the figure's "CSV (table k)" download is `csv`, from the same cells.
struct ReportTable {
    var head: [TableCell]
    var rows: [[TableCell]]

    var markup: Markup { Markup.build { write(&$0) } }

    /// The head row and every row, cells as the page shows them (RFC 4180 quoting where needed).
    var csv: Data {
        let lines = ([head] + rows).map { $0.map { CurveCSV.field($0.text) }.joined(separator: ",") }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    func write(_ w: inout Markup) {
        w.element("div", [("class", "table-wrap")], breaks: .after) { w in
            w.element("table", breaks: .inside) { w in
                w.element("thead", breaks: .after) { w in Self.row(&w, head, cell: "th") }
                w.element("tbody", breaks: .around) { w in
                    for r in rows { Self.row(&w, r, cell: "td") }
                }
            }
        }
    }

    static func row(_ w: inout Markup, _ cells: [TableCell], cell: String) {
        w.element("tr", breaks: .after) { w in
            for c in cells { w.element(cell, c.numeric ? [("class", "num")] : [], text: c.text) }
        }
    }
}

extension ReportContext {
    /// `<div class="report">` with an `<h4>` heading.
    func section(_ title: String, _ body: Markup) -> Markup {
        Markup.build { w in
            w.element("div", [("class", "report")], breaks: .around) { w in
                w.element("h4", text: title, breaks: .after)
                w.append(body)
            }
        }
    }

    /// A chart already shows its title; no heading above it.
    func chartSection(_ body: Markup) -> Markup {
        Markup.build { w in
            w.element("div", [("class", "report")], breaks: .around) { w in w.append(body) }
        }
    }

    /// Charts side by side, two a line from about 900 px, so that variants can be compared.
    func sideBySide(_ charts: Markup) -> Markup {
        Markup.build { w in
            w.element("div", [("class", "report variants"),
                              ("style", "display:grid;gap:0 1.5rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,400px),1fr))")],
                      breaks: .around) { w in w.append(charts) }
        }
    }

    func note(_ text: String) -> Markup {
        Markup.build { w in w.element("p", [("class", "report-note")], text: text, breaks: .after) }
    }
}

extension Markup {
    static func + (lhs: Markup, rhs: Markup) -> Markup {
        var m = lhs
        m.append(rhs)
        return m
    }

    static func += (lhs: inout Markup, rhs: Markup) {
        lhs.append(rhs)
    }
}
