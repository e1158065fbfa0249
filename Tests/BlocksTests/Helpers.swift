// Reading blocks as a chapter would hold them: the fence on line 10 of chapters/01-intro.md.
import Execute
import LabbookCore
@testable import Blocks

let chapterFile = "chapters/01-intro.md"
let fence = SourceLocation(file: chapterFile, line: 10)

/// Reads `yaml` as a block whose fence is on line 10, so YAML line n is chapter line 10 + n.
func read(_ yaml: String, book: String? = nil, chapter: String? = nil) -> (ExperimentSpec?, [Diagnostic]) {
    let bookDefaults = book.flatMap { BookReader.readBookConfig(yaml: $0, file: "book.yml").0.defaults }
    // Front matter starting on line 2 of the chapter (after the opening ---).
    let chapterDefaults = chapter.flatMap { BookReader.readFrontMatter(yaml: $0, at: SourceLocation(file: chapterFile, line: 2)).0.defaults }
    return BlockReader.read(yaml: yaml, at: fence, bookDefaults: bookDefaults, chapterDefaults: chapterDefaults,
                            feasibility: EngineFeasibility())
}

/// The diagnostics as the terminal prints them.
func messages(_ yaml: String, book: String? = nil, chapter: String? = nil) -> [String] {
    read(yaml, book: book, chapter: chapter).1.map(\.description)
}

/// A valid training block to which tests add or change lines.
let gaussianBlock = """
id: demo
data: {source: gaussian, samples: 100, features: 2}
model:
  hidden: [8, 8]

"""
