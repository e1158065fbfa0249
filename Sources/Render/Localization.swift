// The words Labbook itself puts on a page ("Figure", "Contents", "Next"…) in en, ja, zh, de, fr and es.

public struct ChromeStrings: Sendable {
    public var contents, onThisPage, previous, next, search, searchPlaceholder, noResults, references: String
    public var figure, table, equation, chapter, copy, copied, data, menu: String
    /// "Chapter 2 of 5"
    public var chapterPosition: @Sendable (Int, Int) -> String
    /// Separator between a number and its caption: "Figure 2.1: Title" / "図 2.1 Title".
    public var captionSeparator: String
    /// "et al." in citations.
    public var etAl: String
    /// The word joining two authors in a citation ("&" / "と").
    public var and: String

    /// The strings for a BCP 47 tag: its primary language ("pt-BR" → "pt"), English when unknown.
    public static func forLanguage(_ tag: String) -> ChromeStrings {
        let primary = tag.split(separator: "-").first.map { $0.lowercased() } ?? "en"
        switch primary {
        case "ja":
            return ChromeStrings(contents: "目次", onThisPage: "このページの内容", previous: "前へ", next: "次へ", search: "検索",
                                 searchPlaceholder: "検索（/ キー）", noResults: "見つかりませんでした", references: "参考文献",
                                 figure: "図", table: "表", equation: "式", chapter: "章", copy: "コピー", copied: "コピーしました",
                                 data: "データ", menu: "メニュー", chapterPosition: { "第\($0)章（全\($1)章）" },
                                 captionSeparator: "　", etAl: "ほか", and: "・")
        case "zh":
            return ChromeStrings(contents: "目录", onThisPage: "本页内容", previous: "上一章", next: "下一章", search: "搜索",
                                 searchPlaceholder: "搜索（按 /）", noResults: "没有找到结果", references: "参考文献",
                                 figure: "图", table: "表", equation: "公式", chapter: "章", copy: "复制", copied: "已复制",
                                 data: "数据", menu: "菜单", chapterPosition: { "第 \($0) 章，共 \($1) 章" },
                                 captionSeparator: "　", etAl: "等", and: "和")
        case "de":
            return ChromeStrings(contents: "Inhalt", onThisPage: "Auf dieser Seite", previous: "Zurück", next: "Weiter", search: "Suche",
                                 searchPlaceholder: "Suchen (/)", noResults: "Keine Treffer", references: "Literatur",
                                 figure: "Abbildung", table: "Tabelle", equation: "Gleichung", chapter: "Kapitel", copy: "Kopieren",
                                 copied: "Kopiert", data: "Daten", menu: "Menü", chapterPosition: { "Kapitel \($0) von \($1)" },
                                 captionSeparator: ": ", etAl: "et al.", and: "&")
        case "fr":
            return ChromeStrings(contents: "Sommaire", onThisPage: "Sur cette page", previous: "Précédent", next: "Suivant", search: "Recherche",
                                 searchPlaceholder: "Rechercher (/)", noResults: "Aucun résultat", references: "Références",
                                 figure: "Figure", table: "Tableau", equation: "Équation", chapter: "Chapitre", copy: "Copier",
                                 copied: "Copié", data: "Données", menu: "Menu", chapterPosition: { "Chapitre \($0) sur \($1)" },
                                 captionSeparator: " : ", etAl: "et al.", and: "&")
        case "es":
            return ChromeStrings(contents: "Índice", onThisPage: "En esta página", previous: "Anterior", next: "Siguiente", search: "Buscar",
                                 searchPlaceholder: "Buscar (/)", noResults: "Sin resultados", references: "Referencias",
                                 figure: "Figura", table: "Tabla", equation: "Ecuación", chapter: "Capítulo", copy: "Copiar",
                                 copied: "Copiado", data: "Datos", menu: "Menú", chapterPosition: { "Capítulo \($0) de \($1)" },
                                 captionSeparator: ": ", etAl: "et al.", and: "y")
        default:
            return ChromeStrings(contents: "Contents", onThisPage: "On this page", previous: "Previous", next: "Next", search: "Search",
                                 searchPlaceholder: "Search (press /)", noResults: "No results", references: "References",
                                 figure: "Figure", table: "Table", equation: "Equation", chapter: "Chapter", copy: "Copy",
                                 copied: "Copied", data: "Data", menu: "Menu", chapterPosition: { "Chapter \($0) of \($1)" },
                                 captionSeparator: ": ", etAl: "et al.", and: "&")
        }
    }

    /// "Figure 2.3" / "図 2.3": the word and the number, with a no-break space between them in Latin scripts.
    public func numbered(_ word: String, _ number: String) -> String {
        word.unicodeScalars.allSatisfy { $0.value < 0x2E80 } ? "\(word)\u{00A0}\(number)" : "\(word) \(number)"
    }
}
