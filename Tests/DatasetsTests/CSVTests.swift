// CSV tables: parsing, class order, splits, a separate test file, the cache digest, bad cells and paths outside the book.
import Foundation
import Synchronization
import Testing
import Vocabulary
@testable import Datasets

@Suite struct CSVTests {
    let table = """
    a,b,name,quality
    1,2,x,5
    3,4,"y, quoted",7
    5,6,z,5
    7,8,w,6
    9,10,v,7

    """

    func book(_ files: [String: String]) throws -> TempDir {
        let dir = try TempDir()
        for (name, text) in files {
            let path = dir.file(name)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return dir
    }

    func spec(_ settings: CSVSettings, path: String = "data/t.csv") -> DataSpec {
        var s = DataSpec(source: .csv, path: path)
        s.csv = settings
        return s
    }

    @Test func parsesQuotesBlankLinesAndCRLF() throws {
        let t = try CSV.parse("x,\"a \"\"b\"\"\"\r\n\r\n1,\"2\"\r\n3,4")
        #expect(t.header == ["x", "a \"b\""])
        #expect(t.rows == [["1", "2"], ["3", "4"]])
        #expect(t.lines == [3, 4])
        #expect(throws: CSVError.self) { try CSV.parse("a,b\n1,\"2\n") }
        #expect(throws: CSVError.self) { try CSV.parse("a,a\n1,2\n") }
    }

    /// Only a regular file is read or hashed: a FIFO would block both. Named as written, with the fix.
    @Test func aFIFOOrADirectoryIsNotATable() throws {
        let dir = try book(["data/t.csv": table])
        defer { dir.remove() }
        #expect(mkfifo(dir.file("data/pipe.csv"), 0o644) == 0)
        try FileManager.default.createDirectory(atPath: dir.file("data/dir.csv"), withIntermediateDirectories: true)
        for (name, what) in [("pipe", "a FIFO"), ("dir", "a directory")] {
            let s = spec(CSVSettings(label: "quality"), path: "data/\(name).csv"), root = dir.path
            // On a thread: were the FIFO opened, the read would block until a writer came, so after 20 s the test
            // opens the write end itself (the reader then sees end-of-file) and fails instead of hanging.
            let done = DispatchSemaphore(value: 0)
            let thrown = Mutex<DataError?>(nil)
            Thread.detachNewThread {
                do { _ = try DataLoader.digest(s, bookDirectory: root, environment: [:]) } catch let e as DataError {
                    thrown.withLock { $0 = e }
                } catch {}
                done.signal()
            }
            let blocked = done.wait(timeout: .now() + 20) == .timedOut
            if blocked {
                let fd = open(dir.file("data/pipe.csv"), O_WRONLY | O_NONBLOCK)
                if fd >= 0 { close(fd) }
                _ = done.wait(timeout: .now() + 20)
            }
            #expect(!blocked, "the digest blocked on \(what)")
            #expect(thrown.withLock { $0 } == DataError(file: "data/\(name).csv", "not a regular file (\(what))", fix: "data.path must name a CSV file"))
        }
    }

    @Test func classesInNumericOrderAndSplitsBySeed() throws {
        let dir = try book(["data/t.csv": table])
        defer { dir.remove() }
        let s = spec(CSVSettings(label: "quality", features: ["a", "b"], train: 0.6, validation: 0.2, test: 0.2))
        let shape = try CSVData.shape(s, bookDirectory: dir.path, environment: [:])
        #expect(shape.features == ["a", "b"] && shape.classes == ["5", "6", "7"])
        let a = try DataLoader.load(s, seed: 1, bookDirectory: dir.path, environment: [:])
        #expect(a.train.count == 3 && a.validation?.count == 1 && a.test?.count == 1 && a.train.width == 2 && a.train.classes == 3)
        // Every row lands in exactly one split, its label its class index (a = 2·row − 1, quality 5→0, 6→1, 7→2).
        let rows = [a.train, a.validation, a.test].compactMap { $0 }.flatMap { d in (0..<d.count).map { (d.features[2 * $0], d.labels[$0]) } }
        #expect(rows.sorted { $0.0 < $1.0 }.map(\.1) == [0, 2, 0, 1, 2])
        let b = try DataLoader.load(s, seed: 1, bookDirectory: dir.path, environment: [:])
        #expect(a.train.features == b.train.features)
    }

    @Test func textLabelsSortAndOtherColumnsAreFeaturesByDefault() throws {
        let dir = try book(["data/t.csv": "h,kind,w\n1,cat,2\n3,dog,4\n5,cat,6\n"])
        defer { dir.remove() }
        let s = spec(CSVSettings(label: "kind"))
        let shape = try CSVData.shape(s, bookDirectory: dir.path, environment: [:])
        #expect(shape.features == ["h", "w"] && shape.classes == ["cat", "dog"])
    }

    @Test func separateTestFile() throws {
        let dir = try book(["data/t.csv": table, "data/test.csv": "a,b,name,quality\n0,0,q,6\n1,1,r,5\n"])
        defer { dir.remove() }
        let s = spec(CSVSettings(label: "quality", features: ["a", "b"], train: 0.8, validation: 0.2, test: 0, testPath: "data/test.csv"))
        let d = try DataLoader.load(s, seed: 0, bookDirectory: dir.path, environment: [:])
        #expect(d.train.count == 4 && d.validation?.count == 1 && d.test?.count == 2)
        #expect(d.test?.labels == [1, 0])
    }

    @Test func digestFollowsTheBytes() throws {
        let dir = try book(["data/t.csv": table])
        defer { dir.remove() }
        let s = spec(CSVSettings(label: "quality"))
        let before = try DataLoader.digest(s, bookDirectory: dir.path, environment: [:])
        try (table + "11,12,u,6\n").write(toFile: dir.file("data/t.csv"), atomically: true, encoding: .utf8)
        let after = try DataLoader.digest(s, bookDirectory: dir.path, environment: [:])
        #expect(before != after)
    }

    func problem(_ s: DataSpec, _ dir: TempDir) -> CSVProblem? {
        do { _ = try CSVData.shape(s, bookDirectory: dir.path, environment: [:]); return nil } catch { return error }
    }

    @Test func badCellsNameFileLineAndColumn() throws {
        let dir = try book(["data/t.csv": "a,b,y\n1,2,0\n3,,1\n", "data/u.csv": "a,b,y\n1,2,0\n3,4x,1\n"])
        defer { dir.remove() }
        let missing = problem(spec(CSVSettings(label: "y")), dir)
        #expect(missing?.key == .path)
        #expect(missing?.error.description == "data/t.csv:3:2: missing value in column 'b'; every feature cell must hold a number")
        let text = problem(spec(CSVSettings(label: "y"), path: "data/u.csv"), dir)
        #expect(text?.error.description.hasPrefix("data/u.csv:3:2: '4x' in column 'b' is not a number") == true)
    }

    @Test func unknownColumnsSuggestTheNearestName() throws {
        let dir = try book(["data/t.csv": table])
        defer { dir.remove() }
        let label = problem(spec(CSVSettings(label: "qualty")), dir)
        #expect(label?.key == .label && label?.error.description == "data/t.csv: no column 'qualty' in the header; did you mean 'quality'?")
        let feature = problem(spec(CSVSettings(label: "quality", features: ["a", "bb"])), dir)
        #expect(feature?.key == .feature(1))
        // A text column chosen as a feature is refused at its first cell.
        let named = problem(spec(CSVSettings(label: "quality", features: ["name"])), dir)
        #expect(named?.error.description.hasPrefix("data/t.csv:2:3: 'x' in column 'name' is not a number") == true)
    }

    @Test func pathsOutsideTheBookAreRefusedByRealPath() throws {
        let outside = try book(["secret.csv": table])
        let dir = try book(["data/t.csv": table])
        defer { dir.remove(); outside.remove() }
        try FileManager.default.createSymbolicLink(atPath: dir.file("data/link.csv"), withDestinationPath: outside.file("secret.csv"))
        for path in ["../\((outside.path as NSString).lastPathComponent)/secret.csv", "data/link.csv", outside.file("secret.csv")] {
            let p = problem(spec(CSVSettings(label: "quality", features: ["a"]), path: path), dir)
            #expect(p?.error.message == "the file lies outside the book's directory", "\(path)")
        }
        // $LABBOOK_DATA is a documented place for data.
        let ok = try CSVData.shape(spec(CSVSettings(label: "quality", features: ["a"]), path: outside.file("secret.csv")), bookDirectory: dir.path,
                                   environment: ["LABBOOK_DATA": outside.path])
        #expect(ok.classes.count == 3)
        // A link inside the book to a file inside the book is fine.
        try FileManager.default.createSymbolicLink(atPath: dir.file("inner.csv"), withDestinationPath: dir.file("data/t.csv"))
        #expect(problem(spec(CSVSettings(label: "quality", features: ["a"]), path: "inner.csv"), dir) == nil)
        #expect(problem(spec(CSVSettings(label: "quality", features: ["a"]), path: "data/none.csv"), dir)?.error.message == "no such file")
    }

    @Test func aSingleClassOrTooManyIsRefused() throws {
        let many = "x,y\n" + (0..<150).map { "\($0),\($0)" }.joined(separator: "\n")
        let dir = try book(["data/one.csv": "x,y\n1,0\n2,0\n", "data/many.csv": many])
        defer { dir.remove() }
        #expect(problem(spec(CSVSettings(label: "y"), path: "data/one.csv"), dir)?.error.message.contains("single value") == true)
        #expect(problem(spec(CSVSettings(label: "y"), path: "data/many.csv"), dir)?.error.fix?.contains("regression") == true)
    }
}
