// `labbook init [DIR]`: write a minimal book that builds.
import ArgumentParser
import Foundation
import LabbookKit

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a minimal book (book.yml, one chapter, references.bib) that builds.")

    @Argument(help: "Where to create the book. Default: the current directory.")
    var directory: String = "."

    func run() throws {
        let url = absoluteURL(directory)
        let written = try exitingOnUsageErrors { try NewBook.create(at: url) }
        for f in written { printLine("wrote \(url.appendingPathComponent(f).path)") }
        printLine("build it with: labbook build \(directory == "." ? "" : directory)".trimmingCharacters(in: .whitespaces))
    }
}
