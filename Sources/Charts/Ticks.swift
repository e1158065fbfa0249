// Nice tick values (1, 2, 5 × 10^k) for linear axes, decade ticks for log axes, and their labels.
import Foundation
import LabbookCore

public enum Ticks {
    /// Evenly spaced ticks with a step of 1, 2 or 5 × 10^k giving about `target` intervals.
    /// The ticks *cover* the range: the first is ≤ `lo` and the last ≥ `hi`, so a chart can use
    /// `first...last` as its axis domain and have a labelled tick at both ends.
    /// `lo == hi` is widened (0 → −1…1, else ±10 %); non-finite bounds give `[]`; `lo > hi` is swapped.
    /// Tick values are computed as integer × 10^k, so 0.6 is the literal 0.6, never 0.6000000000000001.
    public static func nice(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
        guard lo.isFinite, hi.isFinite else { return [] }
        var (a, b) = lo <= hi ? (lo, hi) : (hi, lo)
        if a == b {
            let d = a == 0 ? 1 : abs(a) * 0.1
            (a, b) = (a - d, b + d)
        }
        guard (b - a).isFinite else { return [a, b] }
        let (m, k) = step(span: b - a, target: max(1, target))
        let stepValue = value(1, m, k)
        // Beyond ~1e12 steps from zero the integer arithmetic below would lose exactness (or overflow).
        guard max(abs(a), abs(b)) / stepValue < 1e12 else { return [a, b] }
        let first = Int64((a / stepValue + 1e-9).rounded(.down))
        let last = Int64((b / stepValue - 1e-9).rounded(.up))
        return (first...last).map { value($0, m, k) }
    }

    /// Decade ticks 10^k from the decade at or below `lo` to the decade at or above `hi`
    /// (1e-7…3 → 10⁻⁷ … 10¹, nine ticks). Non-positive or non-finite bounds give `[]`.
    /// A range inside one exact decade gets two ticks so the axis has a span.
    public static func log(_ lo: Double, _ hi: Double) -> [Double] {
        guard lo > 0, hi > 0, lo.isFinite, hi.isFinite else { return [] }
        let (a, b) = lo <= hi ? (lo, hi) : (hi, lo)
        let kLo = Int((log10(a) + 1e-9).rounded(.down))
        var kHi = Int((log10(b) - 1e-9).rounded(.up))
        if kHi <= kLo { kHi = kLo + 1 }
        return (kLo...kHi).map(powerOfTen)
    }

    /// The step as (m, k) meaning m × 10^k with m ∈ {1, 2, 5}: the raw step span/target is rounded
    /// to the nearest of those in log space (thresholds √2, √10, √50, as d3 does).
    static func step(span: Double, target: Int) -> (Int64, Int) {
        let raw = span / Double(target)
        var k = Int(log10(raw).rounded(.down))
        let err = raw / powerOfTen(k)
        var m: Int64 = err >= 50.squareRoot() ? 10 : err >= 10.squareRoot() ? 5 : err >= 2.squareRoot() ? 2 : 1
        if m == 10 { m = 1; k += 1 }
        return (m, k)
    }

    /// i × m × 10^k, dividing by an exact power of ten for negative k so the result is the nearest
    /// double to the decimal number.
    static func value(_ i: Int64, _ m: Int64, _ k: Int) -> Double {
        k >= 0 ? Double(i * m) * powerOfTen(k) : Double(i * m) / powerOfTen(-k)
    }

    /// 10^k parsed from its decimal spelling, hence exactly the double that the literal 1e-7 gives.
    static func powerOfTen(_ k: Int) -> Double {
        Double("1e\(k)") ?? pow(10, Double(k))
    }

    // MARK: Labels

    /// A tick label for a linear axis with the given step: as many decimals as the step needs,
    /// a real minus sign, and `m×10ⁿ` for very large or very small numbers.
    static func label(_ v: Double, step: Double) -> String {
        if v == 0 || !v.isFinite { return v == 0 ? "0" : NumberFormat.compact(v) }
        let stepExp = Int((log10(abs(step)) + 1e-9).rounded(.down))
        let decimals = max(0, -stepExp)
        if abs(v) < 1e6 && decimals <= 5 {
            return NumberFormat.minus(NumberFormat.fixed(v, decimals))
        }
        let e = Int((log10(abs(v)) + 1e-9).rounded(.down))
        let mantissa = v / powerOfTen(e)
        let mantissaText = NumberFormat.fixed(mantissa, max(0, e - stepExp))
        return NumberFormat.minus(mantissaText) + "×10" + NumberFormat.superscript(e)
    }

    /// "10⁻⁶" for a decade tick.
    static func decadeLabel(_ v: Double) -> String {
        "10" + NumberFormat.superscript(Int((log10(v)).rounded()))
    }

}
