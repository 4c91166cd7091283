/// Suggests the intended word for a typo ("titel" -> "title") by edit distance.
enum KeySuggestion {
    /// The closest candidate within a small edit distance, if there is exactly one best.
    static func closest(to word: String, among candidates: [String]) -> String? {
        guard word.unicodeScalars.count <= 40 else { return nil }
        let limit = word.count <= 3 ? 1 : 2
        var best: (String, Int)?
        var tie = false
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate)
            guard distance <= limit else { continue }
            if let current = best {
                if distance < current.1 { best = (candidate, distance); tie = false }
                else if distance == current.1 { tie = true }
            } else {
                best = (candidate, distance)
            }
        }
        return tie ? nil : best?.0
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            previous2 = previous
            previous = current
        }
        return previous[b.count]
    }
}
