// The shipped book: every block valid, every inline result resolvable, and the committed output/ current.
// CI does not retrain the book; this is `labbook check` on the repository's own chapters.
import Foundation
import Testing
@testable import LabbookKit

@Suite struct ShippedBookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func committedOutputIsUpToDate() throws {
        let report = try Checker.check(book: Self.root)
        #expect(report.diagnostics.map(\.description) == [])
        #expect(report.stale == [], "run `swift run -c release labbook build` and commit output/")
        #expect(report.blockCount == 19)
    }

    @Test func everyPageIsThereAndHasNoUnresolvedResult() throws {
        let out = Self.root.appendingPathComponent("output")
        for page in ["index", "01-vanishing-gradients", "02-activation-functions", "03-sigmoid-vs-relu",
                     "04-backprop-is-leaky", "05-mlp-from-scratch"] {
            let html = try String(contentsOf: out.appendingPathComponent("\(page).html"), encoding: .utf8)
            #expect(!html.contains("result-error"), "\(page)")
            #expect(!html.contains("experiment-error"), "\(page)")
            #expect(!html.contains("{{TODO"), "\(page)")
        }
    }
}
