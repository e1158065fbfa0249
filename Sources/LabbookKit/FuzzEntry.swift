// The entry point the fuzzer and its smoke test share: arbitrary bytes through chapter loading, validation and rendering.
import Blocks
import Datasets
import Engine
import Execute
import Foundation
import LabbookCore
import Render

public enum FuzzEntry {
    /// Treats `bytes` as a chapter file (and as a book.yml, a block's YAML and an IDX file), loads and validates every block, and renders the
    /// page with error boxes, as a build does before running anything. Must never crash or hang, whatever the bytes.
    /// Returns the number of diagnostics, so the work cannot be optimised away.
    @discardableResult
    public static func chapter(_ bytes: Data) -> Int {
        let (config, bookDiagnostics) = BookReader.readBookConfig(yaml: String(decoding: bytes, as: UTF8.self), file: "book.yml")
        let (text, problems) = ChapterText.decode(bytes, file: "chapters/fuzz.md")
        let loaded = BookLoader.loadChapter(source: text, file: "chapters/fuzz.md", slug: "fuzz", bookDefaults: config.defaults)
        var figures: [String] = []
        for b in loaded.blocks {
            let input = BlockInput(chapterSlug: "fuzz", location: b.location, id: b.id ?? "block-\(b.location.line)",
                                   spec: b.spec, diagnostics: b.diagnostics, run: nil, engineVersion: EngineInfo.version)
            figures.append(BlockRenderer.render(input).html)
        }
        let page = ChapterRenderer.render(loaded.chapter, slug: "fuzz", frontMatterTitle: loaded.meta.title, figures: figures,
                                          reservedIDs: Set(loaded.blocks.compactMap(\.id)), rawHTML: false)
        _ = page
        // The bytes as one block's YAML, flow syntax and all (not only what sits inside a fence), and as an IDX file.
        let (_, blockDiagnostics) = BlockReader.read(yaml: text, at: SourceLocation(file: "chapters/fuzz.md", line: 1),
                                                     bookDefaults: nil, chapterDefaults: nil, feasibility: EngineFeasibility())
        let idx = IDXProbe.parse([UInt8](bytes))
        return idx + blockDiagnostics.count + bookDiagnostics.count + problems.count + loaded.diagnostics.count + loaded.blocks.reduce(0) { $0 + $1.diagnostics.count }
    }
}
