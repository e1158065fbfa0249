// Author–year citation text and the References section that ends a citing chapter.
import LabbookCore
import Parse

enum References {
    /// "Glorot & Bengio", "He et al.", "LeCun": the family names as a citation shows them.
    static func authors(_ e: BibEntry, _ strings: ChromeStrings) -> String {
        let names = e.familyNames
        switch names.count {
        case 0: return e.fields["title"].map { String($0.prefix(40)) } ?? e.key
        case 1: return names[0]
        case 2: return "\(names[0]) \(strings.and) \(names[1])"
        default: return "\(names[0]) \(strings.etAl)"
        }
    }

    /// Sorted by first author, year and title, as author–year lists are.
    static func section(_ entries: [BibEntry], id: String, strings: ChromeStrings) -> String {
        let sorted = entries.sorted {
            ($0.familyNames.first ?? $0.key, $0.year, $0.fields["title"] ?? "", $0.key)
                < ($1.familyNames.first ?? $1.key, $1.year, $1.fields["title"] ?? "", $1.key)
        }
        return Markup.build { w in
            w.element("section", [("class", "references"), ("aria-labelledby", id)], breaks: .around) { w in
                w.element("h2", [("id", id)], breaks: .after) { w in
                    w.text(strings.references)
                    w.element("a", [("class", "anchor"), ("href", "#\(id)"), ("aria-label", "Link to this section")], text: "#")
                }
                w.element("ol", [("class", "reference-list")], breaks: .around) { w in
                    for e in sorted { w.element("li", [("id", "ref-\(e.key)")], breaks: .after) { w in entry(&w, e) } }
                }
            }
        }.string
    }

    /// `Glorot, X. and Bengio, Y. (2010). Title. Venue, 9, 249–256. https://doi.org/…`
    static func entry(_ w: inout Markup, _ e: BibEntry) {
        let f = e.fields
        let names = BibTeX.splitNames(f["author"] ?? f["editor"] ?? "").map(displayName)
        var head = names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "") : names.first ?? ""
        if head.isEmpty { head = e.key }
        w.text("\(head) (\(e.year)).")
        if let t = f["title"] { w.text(" \(t).") }
        let venue = f["journal"] ?? f["booktitle"] ?? f["publisher"] ?? f["school"] ?? f["institution"] ?? f["howpublished"]
        if let v = venue {
            w.text(" ")
            w.element("i", text: v)
            if let vol = f["volume"] { w.text(", \(vol)") }
            if let num = f["number"] { w.text("(\(num))") }
            if let pages = f["pages"] { w.text(", \(pages)") }
            w.text(".")
        }
        var link: String?
        if let doi = f["doi"] {
            let bare = doi.hasPrefix("https://doi.org/") ? String(doi.dropFirst("https://doi.org/".count)) : doi
            link = "https://doi.org/" + bare
        } else if let url = f["url"], url.hasPrefix("http://") || url.hasPrefix("https://") {
            link = url
        }
        if let link {
            w.text(" ")
            w.element("a", [("href", link)], text: link)
        }
    }

    /// "Glorot, Xavier" and "Xavier Glorot" both show as "Glorot, X.".
    static func displayName(_ name: String) -> String {
        let family = BibTeX.familyName(name)
        var given: [Substring]
        if let comma = name.firstIndex(of: ",") {
            given = name[name.index(after: comma)...].split(separator: " ")
        } else {
            given = name.split(separator: " ")
            given.removeLast(min(given.count, family.split(separator: " ").count))
        }
        let initials = given.compactMap { w -> String? in
            guard let c = w.first(where: { $0.isLetter }) else { return nil }
            return w.contains("-") ? w.split(separator: "-").compactMap { $0.first(where: \.isLetter).map { "\($0)." } }.joined(separator: "-") : "\(c)."
        }
        return initials.isEmpty ? family : "\(family), \(initials.joined(separator: " "))"
    }
}
