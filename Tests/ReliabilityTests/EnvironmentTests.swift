// The environment cannot change the numbers: OpenBLAS's own threads are off whatever OPENBLAS_NUM_THREADS says.
//
// This runs the real binary in child processes because the BLAS thread count is process-wide: changing it
// inside the test process would race with the engine tests running beside it.
import Foundation
import Testing
@testable import LabbookKit

@Suite struct EnvironmentTests {
    /// GEMMs of 200×256×256, far above OpenBLAS's threading threshold, so a threaded sgemm would change bits.
    static let book = """
    # Wide

    ```experiment
    id: wide
    data: {source: gaussian, samples: 600, features: 256, labels: sign-of-sum}
    model: {hidden: [256, 256], activation: tanh}
    optimizer: {name: sgd, lr: 0.05, momentum: 0.9}
    train: {epochs: 2, batch: 200}
    show: [summary]
    ```

    """

    @Test func openBLASThreadsInTheEnvironmentDoNotChangeTheSite() throws {
        let book = try Fixtures.book("blas-env", ["chapters/01-wide.md": Self.book])
        defer { try? FileManager.default.removeItem(at: book) }
        var sites: [[String: Data]] = []
        for threads in ["1", "2"] {
            let out = book.appendingPathComponent("output-\(threads)")
            let logs = Fixtures.tempDir("blas-env-logs")
            defer { try? FileManager.default.removeItem(at: logs) }
            let p = try Binary.start(["build", book.path, "--output", out.path, "--no-cache", "--jobs", "1"], logs: logs,
                                     environment: ["OPENBLAS_NUM_THREADS": threads])
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(Fixtures.read(logs, "stderr"))")
            sites.append(Fixtures.snapshot(out).filter { !$0.key.hasPrefix("assets/") && $0.key != BuildLock.fileName })
        }
        #expect(sites[0]["data/01-wide/wide.json"] != nil)
        #expect(sites[0] == sites[1])
    }
}
