// `labbook clean`: remove exactly the files a build wrote, as listed in the output's manifest.
import ArgumentParser
import Foundation
import LabbookKit

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove the output and cache that labbook wrote, nothing else.")

    @OptionGroup var book: BookArgument

    @Option(name: .long, help: "The site directory to clean (default: BOOK/output).")
    var output: String?

    func run() throws {
        let bookURL = absoluteURL(book.book)
        let out = output.map(absoluteURL) ?? bookURL.appendingPathComponent("output")
        let removed = try Cleaner.clean(output: out)
        printLine("removed \(removed) files from \(out.path)")
    }
}
