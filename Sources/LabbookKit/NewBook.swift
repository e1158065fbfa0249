// `labbook init`: a minimal book that builds (book.yml, one chapter with one small experiment, a .bib, an image
// folder), and Labbook's version for `labbook --version`.
import Engine
import Foundation
import LabbookCore

public enum LabbookVersion {
    public static let number = "0.3.0"
    /// `labbook 0.3.0 (engine 0.2.0)`: the engine version is what run caches and data files record.
    public static var description: String { "labbook \(number) (engine \(EngineInfo.version))" }
}

public enum NewBook {
    static let files: [(String, String)] = [
        ("book.yml", """
            title: My Lessons
            language: en
            defaults:
              seed: 1

            """),
        ("references.bib", """
            @inproceedings{glorot2010,
              title = {Understanding the difficulty of training deep feedforward neural networks},
              author = {Glorot, Xavier and Bengio, Yoshua},
              booktitle = {Proceedings of AISTATS},
              pages = {249--256},
              year = {2010}
            }

            """),
        ("chapters/01-xor.md", """
            # Learning XOR

            A single linear unit cannot separate $\\{(0,1),(1,0)\\}$ from $\\{(0,0),(1,1)\\}$; one hidden layer
            can [@glorot2010].

            ```experiment
            id: xor
            title: A 2-8-1 network learns XOR
            data: {source: xor}
            model: {hidden: [8], activation: tanh, output: sigmoid}
            loss: bce
            optimizer: {name: adam, lr: 0.05}
            train: {epochs: 200, batch: 4}
            show: [summary, {curve: {of: loss, per: epoch}}]
            ```

            @fig:xor shows the loss falling; the network reaches `{=xor.train-accuracy}` on the four points.

            """),
    ]

    /// Writes the starter book into `directory` (created if needed). Refuses, writing nothing, when any of
    /// its files already exists. Returns the paths written, relative to `directory`.
    public static func create(at directory: URL) throws -> [String] {
        let fm = FileManager.default
        for (path, _) in files where fm.fileExists(atPath: directory.appendingPathComponent(path).path) {
            throw UsageError("'\(directory.appendingPathComponent(path).path)' already exists; labbook init writes only into a new or empty book")
        }
        for (path, text) in files {
            let url = directory.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = try AtomicFile.write(Data(text.utf8), to: url)
        }
        return files.map(\.0)
    }
}
