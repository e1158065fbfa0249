// `labbook watch`: build, then rebuild whenever the book's sources change; optionally serve output/ with live reload.
import ArgumentParser
import Foundation
import LabbookKit
import Preview

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rebuild on every change; with --serve, preview on 127.0.0.1 with live reload.")

    @OptionGroup var book: BookArgument
    @OptionGroup var outside: OutsideArgument

    @Option(name: .long, help: "Serve the site on 127.0.0.1:PORT and reload open pages after each rebuild.")
    var serve: UInt16?

    @Option(name: .long, help: "How many blocks run at once (default: the number of cores).")
    var jobs: Int?

    func run() async throws {
        let bookURL = absoluteURL(book.book)
        var options = BuildOptions(book: bookURL, jobs: jobs)
        options.allowOutside = outside.urls
        // The port first: a taken port is a usage error (exit 2) before anything is built.
        let server: PreviewServer?
        do {
            server = try serve.map { try PreviewServer(root: options.output, port: $0) }
        } catch let e as PreviewServer.PortUnavailable {
            printError("error: \(e.description)")
            throw ExitCode(2)
        }
        let session = WatchSession(options: options) { report in
            for d in report.diagnostics { printError(d.description) }
            printLine(report.summaryLine)
            server?.rebuilt()
        }
        try exitingOnUsageErrors { try session.buildNow() }
        let watcher = BookWatcher(book: bookURL)
        watcher.start { session.rebuild() }
        if let server {
            printLine("serving \(options.output.path) at http://127.0.0.1:\(server.port)/ — Ctrl-C to stop")
            do {
                try await server.run()
            } catch let e as PreviewServer.PortUnavailable {
                printError("error: \(e.description)")
                throw ExitCode(2)
            }
        } else {
            printLine("watching \(bookURL.path) — Ctrl-C to stop")
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
