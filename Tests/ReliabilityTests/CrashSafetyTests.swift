// The real binary killed with SIGKILL mid-build leaves every output page and cache entry valid; a second build waits.
import Execute
import Foundation
import LabbookCore
import Testing
@testable import LabbookKit

enum Binary {
    /// The `labbook` executable beside the test bundle (swift test builds every product first), else built now.
    static let url: URL? = {
        let fm = FileManager.default
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("labbook")
        let debug = Fixtures.package.appendingPathComponent(".build/debug/labbook")
        for candidate in [beside, debug] where fm.isExecutableFile(atPath: candidate.path) { return candidate }
        let build = Process()
        build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        build.arguments = ["swift", "build", "--package-path", Fixtures.package.path, "--product", "labbook"]
        guard (try? build.run()) != nil else { return nil }
        build.waitUntilExit()
        return fm.isExecutableFile(atPath: debug.path) ? debug : nil
    }()

    /// Starts `labbook ARGS` with stdout and stderr going to files in `logs`.
    static func start(_ arguments: [String], logs: URL, environment extra: [String: String] = [:]) throws -> Process {
        let p = Process()
        guard let url else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "labbook could not be found or built"]) }
        p.executableURL = url
        p.arguments = arguments
        var env = Fixtures.environment
        env["LABBOOK_KATEX"] = env["LABBOOK_KATEX"] ?? "/usr/share/javascript/katex"
        env.merge(extra) { _, new in new }
        p.environment = env
        try Data().write(to: logs.appendingPathComponent("stdout"))
        try Data().write(to: logs.appendingPathComponent("stderr"))
        p.standardOutput = try FileHandle(forWritingTo: logs.appendingPathComponent("stdout"))
        p.standardError = try FileHandle(forWritingTo: logs.appendingPathComponent("stderr"))
        try p.run()
        return p
    }
}

@Suite(.serialized) struct CrashSafetyTests {
    static let tiny = Fixtures.package.appendingPathComponent("Tests/EndToEndTests/Fixtures/tiny")

    /// Whether every file is whole: pages end their document, JSON parses, cache entries pass their checksum.
    static func problems(output: URL, cache: URL, old: [String: Data], new: [String: Data]) -> [String] {
        var out: [String] = []
        for (path, data) in Fixtures.snapshot(output) where path != BuildLock.fileName {
            if path.hasSuffix(".tmp") { continue }   // an unfinished temporary file is litter, never a page
            if data != old[path] && data != new[path] { out.append("\(path) is neither the old nor the new version") }
            if path.hasSuffix(".html"), !String(decoding: data, as: UTF8.self).hasSuffix("</html>") { out.append("\(path) is cut short") }
            if path.hasSuffix(".json"), (try? JSONSerialization.jsonObject(with: data)) == nil { out.append("\(path) does not parse") }
        }
        let runCache = RunCache(directory: cache)
        for (path, _) in Fixtures.snapshot(cache) where path.hasSuffix(".run") {
            let key = String((path as NSString).lastPathComponent.dropLast(4))
            // One lookup, and only its message in the report: describing a whole outcome by reflection is slow and huge.
            switch runCache.load(key) {
            case .hit: break
            case .miss: out.append("cache entry \(path) could not be read back")
            case .damaged(let why): out.append("cache entry \(path) is not valid: \(why)")
            }
        }
        return out
    }

    @Test func aBuildKilledAtAnyMomentLeavesOldOrNewFilesOnly() throws {
        let work = Fixtures.tempDir("kill")
        defer { try? FileManager.default.removeItem(at: work) }
        let book = work.appendingPathComponent("book")
        try FileManager.default.copyItem(at: Self.tiny, to: book)
        let output = book.appendingPathComponent("output"), cache = book.appendingPathComponent(".labbook-cache")

        // The previous site, then an edit that changes pages, a block's results and its cache entry.
        var p = try Binary.start(["build", book.path, "--jobs", "2"], logs: work)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(Fixtures.read(work, "stderr"))")
        let state = StateDirectory.url(book: book, output: output)
        let oldOutput = Fixtures.snapshot(output), oldCache = Fixtures.snapshot(cache)
        let oldState = Fixtures.snapshot(state).filter { $0.key != BuildLock.fileName }
        let chapter = book.appendingPathComponent("chapters/01-xor.md")
        let text = try String(contentsOf: chapter, encoding: .utf8)
        try (text.replacingOccurrences(of: "id: xor\n", with: "id: xor\nseed: 3\n") + "\nAn edited paragraph.\n").write(to: chapter, atomically: true, encoding: .utf8)

        // The complete new version, built elsewhere (pages hold no absolute paths).
        let newOut = work.appendingPathComponent("new-output"), newCache = work.appendingPathComponent("new-cache")
        let start = ContinuousClock.now
        p = try Binary.start(["build", book.path, "--output", newOut.path, "--cache", newCache.path, "--jobs", "2"], logs: work)
        p.waitUntilExit()
        let full = ContinuousClock.now - start
        let newOutput = Fixtures.snapshot(newOut)
        #expect(newOutput != oldOutput)

        for fraction in [0.05, 0.2, 0.4, 0.6, 0.8, 0.9, 0.97] {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: cache)
            try? FileManager.default.removeItem(at: state)
            for (path, data) in oldState { try AtomicFile.write(data, to: state.appendingPathComponent(path)) }
            for (path, data) in oldOutput { try AtomicFile.write(data, to: output.appendingPathComponent(path)) }
            for (path, data) in oldCache { try AtomicFile.write(data, to: cache.appendingPathComponent(path)) }
            let victim = try Binary.start(["build", book.path, "--jobs", "2"], logs: work)
            Thread.sleep(forTimeInterval: max(0.01, Double(full.components.seconds) + Double(full.components.attoseconds) / 1e18) * fraction)
            kill(victim.processIdentifier, SIGKILL)
            victim.waitUntilExit()
            let found = Self.problems(output: output, cache: cache, old: oldOutput, new: newOutput)
            #expect(found.isEmpty, "killed at \(Int(fraction * 100)) % of a build: \(found)")
        }
        // And the next build repairs everything: the complete new site.
        p = try Binary.start(["build", book.path, "--jobs", "2"], logs: work)
        p.waitUntilExit()
        var after = Fixtures.snapshot(output)
        after = after.filter { !$0.key.hasSuffix(".tmp") && $0.key != BuildLock.fileName }
        var expected = newOutput
        expected[BuildLock.fileName] = nil
        #expect(after == expected)
    }

    /// The kill lands mid-write, and the test knows it: the build's write of the edited page stops after half its
    /// bytes (`LABBOOK_TEST_PAUSE_MID_WRITE`, a hook no real build sets), and the build is killed there. At that
    /// moment the half-written bytes are in a temporary file beside the page, and the page is the old one, whole;
    /// the next build removes the temporary file and writes the new page. (Written in place, the page is cut short.)
    @Test func aKillMidWriteLeavesTheOldPageWholeBesideATemporaryFile() throws {
        let work = Fixtures.tempDir("midwrite")
        defer { try? FileManager.default.removeItem(at: work) }
        let book = work.appendingPathComponent("book")
        try FileManager.default.copyItem(at: Self.tiny, to: book)
        let output = book.appendingPathComponent("output")
        var p = try Binary.start(["build", book.path, "--jobs", "2"], logs: work)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(Fixtures.read(work, "stderr"))")
        let page = output.appendingPathComponent("01-xor.html")
        let old = try Data(contentsOf: page)
        let chapter = book.appendingPathComponent("chapters/01-xor.md")
        try (try String(contentsOf: chapter, encoding: .utf8) + "\nAn edited paragraph.\n").write(to: chapter, atomically: true, encoding: .utf8)

        let victim = try Binary.start(["build", book.path, "--jobs", "2"], logs: work,
                                      environment: ["LABBOOK_TEST_PAUSE_MID_WRITE": "01-xor.html"])
        let deadline = Date().addingTimeInterval(120)
        while !Fixtures.read(work, "stderr").contains("paused mid-write"), victim.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        defer { if victim.isRunning { kill(victim.processIdentifier, SIGKILL) } }
        try #require(Fixtures.read(work, "stderr").contains("paused mid-write of 01-xor.html"), "\(Fixtures.read(work, "stderr"))")
        #expect(victim.isRunning)
        let temporaries = try FileManager.default.contentsOfDirectory(atPath: output.path).filter(AtomicFile.isTemporaryName)
        #expect(temporaries.count == 1, "\(temporaries)")
        let partial = try temporaries.first.map { try Data(contentsOf: output.appendingPathComponent($0)) } ?? Data()
        #expect(!partial.isEmpty && !String(decoding: partial, as: UTF8.self).hasSuffix("</html>\n"), "the new page, cut in half")
        #expect(try Data(contentsOf: page) == old, "the page a reader sees is still the old one, whole")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(try Data(contentsOf: page) == old)

        p = try Binary.start(["build", book.path, "--jobs", "2"], logs: work)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(Fixtures.read(work, "stderr"))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).filter(AtomicFile.isTemporaryName) == [])
        #expect(Fixtures.read(output, "01-xor.html").contains("An edited paragraph."))
    }

    @Test func aSecondBuildWaitsForTheFirstWithAMessage() throws {
        let work = Fixtures.tempDir("wait")
        defer { try? FileManager.default.removeItem(at: work) }
        let book = work.appendingPathComponent("book")
        try FileManager.default.copyItem(at: Self.tiny, to: book)
        let output = book.appendingPathComponent("output")
        var held: BuildLock? = try BuildLock.acquire(StateDirectory.url(book: book, output: output))   // as if a build were running in this process
        let second = try Binary.start(["build", book.path, "--no-cache"], logs: work)
        let deadline = Date().addingTimeInterval(30)
        while !Fixtures.read(work, "stderr").contains("waiting"), Date() < deadline, second.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        #expect(Fixtures.read(work, "stderr").contains("waiting for another labbook build of this book (pid \(getpid()))…"))
        #expect(second.isRunning, "it waits rather than writing")
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path))
        held = nil
        _ = held
        second.waitUntilExit()
        #expect(second.terminationStatus == 0, "\(Fixtures.read(work, "stderr"))")
        #expect(Fixtures.read(work, "stdout").hasSuffix("4 blocks: 3 run, 1 cached, 0 failed\n"))
    }
}
