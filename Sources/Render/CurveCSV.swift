// A block's curves as CSV for readers' own tools: one row per variant and epoch (and per logged iteration).
import Foundation
import LabbookCore
import Outcomes

enum CurveCSV {
    /// nil when no variant trained (a function plot, a recurrent probe).
    static func csv(_ outcome: BlockOutcome) -> Data? {
        var lines = ["variant,kind,step,train_loss,train_accuracy,validation_loss,validation_accuracy,mean_abs_gradient"]
        for v in outcome.variants {
            guard let t = v.training else { continue }
            let label = field(v.label)
            for e in t.epochs {
                lines.append([label, "epoch", "\(e.epoch)", number(e.trainLoss), number(e.trainAccuracy),
                              e.validationLoss.map(number) ?? "", e.validationAccuracy.map(number) ?? "", ""].joined(separator: ","))
            }
            for it in t.iterations {
                lines.append([label, "iteration", "\(it.iteration)", number(it.loss), "", "", "",
                              field(it.meanAbsGradient.map(number).joined(separator: " "))].joined(separator: ","))
            }
        }
        return lines.count > 1 ? Data((lines.joined(separator: "\n") + "\n").utf8) : nil
    }

    /// Shortest round-tripping decimal; "NaN"/"Infinity" as the JSON writes them.
    static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
        return "\(x)"
    }

    /// RFC 4180 quoting when needed.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
