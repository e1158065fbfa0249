// Evenly spaced sample positions: the x values of a function plot (Execute) and of sampled chart series (Charts).

public enum Sampling {
    /// `count` (at least 2) evenly spaced x in `range`, both ends included exactly: a + (b − a)·i/(n − 1), the last b.
    public static func evenly(_ range: ClosedRange<Double>, count: Int) -> [Double] {
        let n = max(2, count)
        let (a, b) = (range.lowerBound, range.upperBound)
        return (0..<n).map { i in i == n - 1 ? b : a + (b - a) * Double(i) / Double(n - 1) }
    }
}
