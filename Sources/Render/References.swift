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
        var html = "<section class=\"references\" aria-labelledby=\"\(Escape.html(id))\">\n"
        html += "<h2 id=\"\(Escape.html(id))\">\(Escape.html(strings.references))<a class=\"anchor\" href=\"#\(Escape.html(id))\" aria-label=\"Link to this section\">#</a></h2>\n<ol class=\"reference-list\">\n"
        for e in sorted { html += "<li id=\"ref-\(Escape.html(e.key))\">\(entry(e))</li>\n" }
        return html + "</ol>\n</section>\n"
    }

    /// `Glorot, X. and Bengio, Y. (2010). Title. Venue, 9, 249–256. https://doi.org/…`
    static func entry(_ e: BibEntry) -> String {
        let f = e.fields
        var parts: [String] = []
        let names = BibTeX.splitNames(f["author"] ?? f["editor"] ?? "").map(displayName)
        var head = names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "") : names.first ?? ""
        if head.isEmpty { head = e.key }
        parts.append("\(Escape.html(head)) (\(Escape.html(e.year))).")
        if let t = f["title"] { parts.append("\(Escape.html(t)).") }
        let venue = f["journal"] ?? f["booktitle"] ?? f["publisher"] ?? f["school"] ?? f["institution"] ?? f["howpublished"]
        if let v = venue {
            var s = "<i>\(Escape.html(v))</i>"
            if let vol = f["volume"] { s += ", \(Escape.html(vol))" }
            if let num = f["number"] { s += "(\(Escape.html(num)))" }
            if let pages = f["pages"] { s += ", \(Escape.html(pages))" }
            parts.append(s + ".")
        }
        if let doi = f["doi"] {
            let bare = doi.hasPrefix("https://doi.org/") ? String(doi.dropFirst("https://doi.org/".count)) : doi
            let url = "https://doi.org/" + bare
            parts.append("<a href=\"\(Escape.html(url))\">\(Escape.html(url))</a>")
        } else if let url = f["url"], url.hasPrefix("http://") || url.hasPrefix("https://") {
            parts.append("<a href=\"\(Escape.html(url))\">\(Escape.html(url))</a>")
        }
        return parts.joined(separator: " ")
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
