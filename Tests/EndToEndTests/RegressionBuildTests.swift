// End to end: a CSV regression fixture (y = u² − 2v + 3, noise 0.05) learnt to a stated test RMSE, cached byte for byte.
import Foundation
import Testing
import TestSupport
@testable import LabbookKit

@Suite(.serialized) struct RegressionBuildTests {
    /// The inline results of the page, in order (`<span class="result">…</span>`).
    static func results(_ html: String) -> [String] {
        html.components(separatedBy: "<span class=\"result\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    @Test func aKnownFunctionIsLearntFromACSVTable() throws {
        let out1 = Fixture.tempDir("regression-a"), out2 = Fixture.tempDir("regression-b"), cache = Fixture.tempDir("regression-cache")
        defer { for d in [out1, out2, cache] { try? FileManager.default.removeItem(at: d) } }
        let cold = try Builder.build(Fixture.options("regression", output: out1, cache: cache))
        #expect(cold.failed == 0 && cold.exitCode == 0, "\(cold.diagnostics.map(\.description))")
        let page = Fixture.read(out1, "01-bowl.html")
        let values = Self.results(page).compactMap(Double.init)
        try #require(values.count == 3, "\(Self.results(page))")
        let (rmse, mae, r2) = (values[0], values[1], values[2])
        // The noise (std 0.05) is the floor; the target itself spreads with std ≈ 2.5. Reached: RMSE 0.060, R² 0.999.
        #expect(rmse > 0.04 && rmse < 0.08, "test RMSE \(rmse)")
        #expect(mae < rmse, "MAE ≤ RMSE always; \(mae) vs \(rmse)")
        #expect(r2 > 0.995, "R² \(r2)")
        #expect(page.contains("Predicted against actual y") && page.contains("<th class=\"num\">RMSE</th>"))
        #expect(!page.contains("experiment-error"))
        // The block's data file carries the metrics the page shows.
        let json = try JSONSerialization.jsonObject(with: Data(Fixture.read(out1, "data/01-bowl/bowl.json").utf8)) as? [String: Any]
        let outcome = json?["outcome"] as? [String: Any]
        let variant = (outcome?["variants"] as? [[String: Any]])?.first?["training"] as? [String: Any]
        let test = (variant?["regression"] as? [String: Any])?["test"] as? [String: Any]
        let exported = try #require(test?["rmse"] as? Double)
        #expect(String(format: "%.4f", exported) == String(format: "%.4f", rmse), "\(exported) vs \(rmse)")
        // From the cache: the same site byte for byte.
        let warm = try Builder.build(Fixture.options("regression", output: out2, cache: cache))
        #expect(warm.failed == 0)
        let a = Fixture.snapshot(out1), b = Fixture.snapshot(out2)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (k, v) in a where b[k] != v { Issue.record("\(k) differs between the cold and the cached build") }
    }
}
