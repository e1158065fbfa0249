// Golden files: each chart kind compared byte for byte; LABBOOK_RECORD=1 rewrites them.
import Foundation
import Testing
@testable import Charts

private let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

@Test(arguments: Fixtures.all.map(\.name))
func golden(_ name: String) throws {
    let html = try #require(Fixtures.all.first { $0.name == name }).html
    let url = goldenDirectory.appendingPathComponent("\(name).svg.html")
    if ProcessInfo.processInfo.environment["LABBOOK_RECORD"] == "1" {
        try FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
        try Data(html.utf8).write(to: url)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    if html != expected {
        // Print where it starts to differ, not two whole files; the new output goes to a temp file.
        let actual = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).svg.html")
        try? Data(html.utf8).write(to: actual)
        let (a, b) = (html.split(separator: "\n", omittingEmptySubsequences: false),
                      expected.split(separator: "\n", omittingEmptySubsequences: false))
        let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        Issue.record("""
            \(name) differs from Golden/\(name).svg.html at line \(line + 1):
              got      \(line < a.count ? String(a[line].prefix(160)) : "<end>")
              expected \(line < b.count ? String(b[line].prefix(160)) : "<end>")
            new output: \(actual.path); rerun with LABBOOK_RECORD=1 and review the diff.
            """)
    }
}

/// Every chart rendered in this process and in another one, which has its own hash seed: an order taken from a
/// Set or a Dictionary, or anything else that differs between runs, shows up as a difference. The other process
/// is this test bundle again, running only this test, told by LABBOOK_CHARTS_DUMP to write what it rendered.
@Test func renderingIsDeterministic() throws {
    let mine = Fixtures.all.map { "\($0.name)\n\($0.html)" }.joined(separator: "\u{0}")
    var environment = ProcessInfo.processInfo.environment
    if let path = environment["LABBOOK_CHARTS_DUMP"] {
        try Data(mine.utf8).write(to: URL(fileURLWithPath: path))
        return
    }
    let dump = FileManager.default.temporaryDirectory.appendingPathComponent("labbook-charts-\(getpid())-\(UInt32.random(in: 0 ... .max))")
    defer { try? FileManager.default.removeItem(at: dump) }
    environment["LABBOOK_CHARTS_DUMP"] = dump.path
    environment["SWIFT_DETERMINISTIC_HASHING"] = nil
    let p = Process()
    p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    p.arguments = ["--testing-library", "swift-testing", "--filter", "renderingIsDeterministic"]
    p.environment = environment
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    let theirs = try String(contentsOf: dump, encoding: .utf8)
    for (a, b) in zip(mine.components(separatedBy: "\u{0}"), theirs.components(separatedBy: "\u{0}")) where a != b {
        Issue.record("\(a.prefix { $0 != "\n" }) differs between two processes")
    }
    #expect(theirs == mine)
}

/// Every chart panel is an accessible, scalable SVG: role, a <title> first, a viewBox, no fixed size,
/// aria-labelledby naming an id that exists.
@Test(arguments: Fixtures.all.map(\.name))
func panelsAreAccessibleAndScalable(_ name: String) throws {
    let html = try #require(Fixtures.all.first { $0.name == name }).html
    let svgs = html.components(separatedBy: "<svg ").dropFirst()
    #expect(!svgs.isEmpty)
    for svg in svgs {
        let tag = String(svg.prefix { $0 != ">" })
        #expect(tag.contains("role=\"img\""))
        #expect(tag.contains("viewBox=\""))
        #expect(!tag.contains(" width="))
        #expect(!tag.contains(" height="))
        let afterTag = svg.drop { $0 != ">" }.dropFirst()
        #expect(afterTag.hasPrefix("\n<title id=\""))
        let labelledBy = try #require(tag.components(separatedBy: "aria-labelledby=\"").last?.prefix { $0 != "\"" })
        #expect(html.contains("id=\"\(labelledBy)\""))
    }
}

/// The suggested stylesheet styles every HTML-level class the fragments emit.
@Test func stylesheetCoversFragmentClasses() {
    for cls in ["chart", "chart-panel", "small-multiples", "chart-title", "chart-legend"] {
        #expect(Chart.stylesheet.contains(".\(cls) ") || Chart.stylesheet.contains(".\(cls) {"), "\(cls)")
        #expect(Fixtures.all.contains { $0.html.contains(cls) }, "\(cls) unused")
    }
}
