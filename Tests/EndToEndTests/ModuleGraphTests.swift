// Package.swift's graph follows the data flow (issue 14): the edges the redesign removed stay removed, in
// Package.swift (read with `swift package dump-package`) and in the sources' imports (SwiftPM lets a file import
// any module built before it, so an undeclared import would bring an edge back unseen).
import Foundation
import Testing
import TestSupport

@Suite struct ModuleGraphTests {
    struct Target {
        var dependencies: [String]
        var path: String
        var isTest: Bool
    }

    /// The package's targets as `swift package dump-package` describes them (a scratch path of its own, so the
    /// running `swift test` keeps its lock on .build).
    static func targets() throws -> [String: Target] {
        let scratch = TestFiles.temporaryDirectory("graph", "scratch")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["swift", "package", "--package-path", LabbookProcess.package.path, "--scratch-path", scratch.path, "dump-package"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "swift package dump-package failed")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let list = try #require(json["targets"] as? [[String: Any]])
        var result: [String: Target] = [:]
        for t in list {
            guard let name = t["name"] as? String, let type = t["type"] as? String else { continue }
            // Each dependency is {"byName" | "target" | "product": [name, …]}.
            let deps = (t["dependencies"] as? [[String: Any]] ?? []).compactMap { d in (d.values.first as? [Any])?.first as? String }
            let isTest = type == "test"
            let path = t["path"] as? String ?? (isTest ? "Tests/\(name)" : "Sources/\(name)")
            result[name] = Target(dependencies: deps, path: path, isTest: isTest)
        }
        return result
    }

    /// Every target `name` reaches through its declared dependencies (itself excluded).
    static func reach(_ name: String, in targets: [String: Target]) -> Set<String> {
        var seen: Set<String> = []
        var todo = targets[name]?.dependencies ?? []
        while let next = todo.popLast() {
            if seen.insert(next).inserted { todo += targets[next]?.dependencies ?? [] }
        }
        return seen
    }

    /// The modules the Swift files under `path` import (plain and @testable imports).
    static func imports(under path: String) -> [(file: String, module: String)] {
        let dir = LabbookProcess.package.appendingPathComponent(path)
        let regex = try? NSRegularExpression(pattern: #"^(?:@testable )?import (\w+)"#, options: [.anchorsMatchLines])
        var found: [(String, String)] = []
        for (rel, bytes) in TestFiles.snapshot(dir) where rel.hasSuffix(".swift") {
            let text = String(decoding: bytes, as: UTF8.self)
            let ns = text as NSString
            for m in regex?.matches(in: text, range: NSRange(location: 0, length: ns.length)) ?? [] {
                found.append(("\(path)/\(rel)", ns.substring(with: m.range(at: 1))))
            }
        }
        return found
    }

    @Test func removedEdgesStayRemoved() throws {
        let targets = try Self.targets()
        try #require(targets["Blocks"] != nil && targets["Render"] != nil && targets["labbook"] != nil)
        // Specs are data: Blocks reads YAML into Vocabulary and asks the engine through Feasibility.
        #expect(Self.reach("Blocks", in: targets).intersection(["Engine", "Datasets", "Execute"]) == [])
        // Pages show results, never train.
        #expect(Self.reach("Render", in: targets).intersection(["Execute", "Engine", "Datasets"]) == [])
        // The command line reaches the engine only through LabbookKit.
        #expect(Set(targets["labbook"]?.dependencies ?? []).subtracting(["LabbookKit", "Preview", "ArgumentParser"]) == [])
        // The value modules are plain values.
        #expect(Self.reach("Vocabulary", in: targets).subtracting(["LabbookCore", "CCrypto"]) == [])
        #expect(Self.reach("Outcomes", in: targets).subtracting(["LabbookCore", "CCrypto", "Vocabulary"]) == [])
    }

    @Test func sourcesImportOnlyTheirDeclaredDependencies() throws {
        let targets = try Self.targets()
        var undeclared: [String] = []
        for (name, target) in targets.sorted(by: { $0.key < $1.key }) where !target.isTest {
            for (file, module) in Self.imports(under: target.path) where targets[module] != nil && !target.dependencies.contains(module) {
                undeclared.append("\(file) imports \(module), which \(name) does not declare")
            }
        }
        #expect(undeclared == [])
        // The walk saw the sources (a wrong path would make the check vacuous).
        #expect(Self.imports(under: "Sources/labbook").contains { $0.module == "LabbookKit" })
    }
}
