// Suggestions for misspelled names: Damerau–Levenshtein distance over candidate lists.

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
public func editDistance(_ a: String, _ b: String) -> Int {
    let s = Array(a.lowercased()), t = Array(b.lowercased())
    if s.isEmpty { return t.count }
    if t.isEmpty { return s.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: t.count + 1), count: s.count + 1)
    for i in 0...s.count { d[i][0] = i }
    for j in 0...t.count { d[0][j] = j }
    for i in 1...s.count {
        for j in 1...t.count {
            let cost = s[i - 1] == t[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[s.count][t.count]
}

/// The closest candidate within a distance that scales with the word's length, or nil.
/// Ties go to the earlier candidate, so the answer is deterministic.
public func closestMatch(to word: String, in candidates: [String]) -> String? {
    let limit = max(1, min(3, word.count / 3 + 1))
    var best: (String, Int)?
    for c in candidates {
        let d = editDistance(word, c)
        if d <= limit, d < (best?.1 ?? Int.max) { best = (c, d) }
    }
    return best?.0
}

/// "did you mean 'sigmoid'?" when a close candidate exists, else "expected one of: a, b, c".
public func suggestion(for word: String, in candidates: [String]) -> String {
    if let m = closestMatch(to: word, in: candidates) { return "did you mean '\(m)'?" }
    return "expected one of: " + candidates.joined(separator: ", ")
}
