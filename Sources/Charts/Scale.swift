// Axis scales: which values an axis can show, its domain and ticks, and the map from data to user units.
import Foundation
import LabbookCore

/// How values are laid out along an axis. On `log10`, zero, negative and non-finite values are skipped.
public enum Scale: Sendable, Hashable {
    case linear, log10

    /// Whether `v` can be placed on an axis of this scale.
    func accepts(_ v: Double) -> Bool {
        v.isFinite && (self == .linear || v > 0)
    }
}

/// The smallest and largest value an axis of `scale` can show, or nil when there is none.
func extent<S: Sequence>(_ values: S, scale: Scale) -> (lo: Double, hi: Double)? where S.Element == Double {
    var lo = Double.infinity, hi = -Double.infinity
    for v in values where scale.accepts(v) {
        lo = min(lo, v)
        hi = max(hi, v)
    }
    return lo <= hi ? (lo, hi) : nil
}

/// Combines two optional extents.
func union(_ a: (lo: Double, hi: Double)?, _ b: (lo: Double, hi: Double)?) -> (lo: Double, hi: Double)? {
    guard let a else { return b }
    guard let b else { return a }
    return (min(a.lo, b.lo), max(a.hi, b.hi))
}

/// An axis in data units: its domain, tick values and their labels; no pixels yet.
struct AxisDomain {
    var scale: Scale
    var lo: Double
    var hi: Double
    var ticks: [Double]
    var labels: [String]

    /// The domain for data spanning `extent` (nil: no data): nice ticks that cover it, or exactly
    /// `fixed` when the author asked for a range (then only ticks inside it are kept).
    /// `integers`: the data are whole numbers (layers, epochs), so no tick falls between two of them.
    init(scale: Scale, extent: (lo: Double, hi: Double)?, target: Int, fixed: ClosedRange<Double>? = nil, integers: Bool = false) {
        self.scale = scale
        let fixedOK = fixed.flatMap { f -> ClosedRange<Double>? in
            guard f.lowerBound.isFinite, f.upperBound.isFinite, f.lowerBound < f.upperBound,
                  scale == .linear || f.lowerBound > 0 else { return nil }
            return f
        }
        let span = fixedOK.map { ($0.lowerBound, $0.upperBound) } ?? extent ?? (scale == .linear ? (0, 1) : (1, 10))
        switch scale {
        case .linear:
            var t = fixedOK == nil ? Self.leastWastefulTicks(span.0, span.1, target: target)
                                   : Ticks.nice(span.0, span.1, target: target)
            if t.count < 2 { t = [span.0, span.1] }
            if integers, t.count > 1, t[1] - t[0] < 1, fixedOK == nil {
                t = Array(stride(from: span.0.rounded(.down), through: span.1.rounded(.up), by: 1))
                if t.count < 2 { t = [span.0.rounded(.down), span.0.rounded(.down) + 1] }
            }
            let step = t.count > 1 ? t[1] - t[0] : 1
            if let f = fixedOK {
                let eps = step * 1e-6
                t = t.filter { $0 >= f.lowerBound - eps && $0 <= f.upperBound + eps }
                (lo, hi) = (f.lowerBound, f.upperBound)
            } else {
                (lo, hi) = (t[0], t[t.count - 1])
            }
            ticks = t
            labels = t.map { Ticks.label($0, step: step) }
        case .log10:
            var t = Ticks.log(span.0, span.1)
            if t.count < 2 { t = [1, 10] }
            // Exploding/vanishing gradients can span 30 decades: keep every k-th decade, ≤ 11 ticks.
            // The top is raised to the next kept decade so the data stays inside the axis.
            let stride = (t.count - 1 + 9) / 10
            if stride > 1 {
                let k0 = Int(Foundation.log10(t[0]).rounded())
                let n = (t.count - 1 + stride - 1) / stride
                t = (0...n).map { Ticks.powerOfTen(k0 + $0 * stride) }
            }
            if let f = fixedOK {
                (lo, hi) = (f.lowerBound, f.upperBound)
            } else {
                (lo, hi) = (t[0], t[t.count - 1])
            }
            // Two decades or fewer: add 2× and 5× ticks and spell numbers out (0.2, 0.5, 1, 2, 5, 10).
            let fewDecades = t.count <= 3
            if fewDecades {
                t = t.flatMap { [$0, $0 * 2, $0 * 5] }
            }
            let (dlo, dhi) = (lo, hi)
            t = t.filter { $0 >= dlo * (1 - 1e-9) && $0 <= dhi * (1 + 1e-9) }
            ticks = t
            labels = t.map { fewDecades ? NumberFormat.minus(NumberFormat.compact($0, significant: 3)) : Ticks.decadeLabel($0) }
        }
    }

    /// Covering ticks for a target near `target` that wastes the least axis beyond the data: −5…5
    /// gets −5, 0, 5 rather than −6 … 6 in steps of 2. The score adds 4 % per interval away from
    /// `target`, so a tidier range only wins when it saves real space.
    static func leastWastefulTicks(_ lo: Double, _ hi: Double, target: Int) -> [Double] {
        var best = Ticks.nice(lo, hi, target: target)
        func score(_ t: [Double]) -> Double {
            guard t.count >= 3, let first = t.first, let last = t.last, last > first else { return .infinity }
            let waste = (max(0, min(lo, hi) - first) + max(0, last - max(lo, hi))) / (last - first)
            return waste + 0.04 * Double(abs(t.count - 1 - target))
        }
        var bestScore = score(best)
        for candidate in [target - 1, target + 1, target - 2, target + 2] where candidate >= 2 {
            let t = Ticks.nice(lo, hi, target: candidate)
            let s = score(t)
            if s < bestScore - 1e-9 { (best, bestScore) = (t, s) }
        }
        return best
    }
}

/// An axis placed in user units: `start` is where `lo` goes, `end` where `hi` goes (y runs upwards,
/// so for a vertical axis start > end).
struct Axis {
    var domain: AxisDomain
    var start: Double
    var end: Double

    /// The coordinate of `v`, or nil when the scale cannot show it (non-finite, or ≤ 0 on a log axis).
    func position(_ v: Double) -> Double? {
        guard domain.scale.accepts(v) else { return nil }
        let t: Double
        switch domain.scale {
        case .linear:
            t = domain.hi == domain.lo ? 0.5 : (v - domain.lo) / (domain.hi - domain.lo)
        case .log10:
            let (a, b) = (Foundation.log10(domain.lo), Foundation.log10(domain.hi))
            t = a == b ? 0.5 : (Foundation.log10(v) - a) / (b - a)
        }
        // A position that overflowed is no more drawable than a NaN value; never let it reach the SVG as 0.
        let p = start + t * (end - start)
        return p.isFinite ? p : nil
    }

    /// Like `position` but pinned to the axis ends, for bars and areas that start at a baseline.
    func clampedPosition(_ v: Double) -> Double? {
        guard let p = position(v) else { return nil }
        return min(max(p, min(start, end)), max(start, end))
    }
}
