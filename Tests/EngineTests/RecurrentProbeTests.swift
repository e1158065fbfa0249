// The recurrent probe: gradients reaching early steps vanish for weight scale < 1 and explode for > 1.

import Testing
import Vocabulary
@testable import Engine

@Test func recurrentGradientsVanishAndExplode() {
    let r = RecurrentProbe.run(RecurrentProbeConfig(hidden: 16, steps: 30, weightScales: [0.5, 1.0, 1.5]), seed: 4)
    #expect(r.series.map(\.weightScale) == [0.5, 1.0, 1.5])
    let first = r.series.map { $0.gradientNorms[0] }, last = r.series.map { $0.gradientNorms[29] }
    #expect(last.allSatisfy { isClose($0, 4, relative: 1e-12) })          // ∂L/∂h_T = 1, norm √16
    #expect(first[0] < 1e-6 * last[0])                                      // 0.5^29 ≈ 2e-9
    #expect(isClose(first[1], last[1], relative: 1e-2))                      // orthogonal, near-linear: norm kept
    #expect(first[2] > 1e4 * last[2])                                       // 1.5^29 ≈ 1.3e5
    #expect(RecurrentProbe.run(RecurrentProbeConfig(hidden: 16, steps: 30), seed: 4) == r)
}
