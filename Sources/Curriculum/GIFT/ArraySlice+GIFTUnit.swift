/// Searching and splitting runs of GIFT units the way Moodle's importer searches its placeholder text.
extension ArraySlice where Element == GIFTUnit {
    /// Without leading and trailing unescaped whitespace.
    func trimmedRaw() -> ArraySlice<GIFTUnit> {
        var slice = self
        while let first = slice.first, first.isRawWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isRawWhitespace { slice = slice.dropLast() }
        return slice
    }

    /// Without leading and trailing whitespace of any kind.
    func trimmedAll() -> ArraySlice<GIFTUnit> {
        var slice = self
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return slice
    }

    /// The index of the first unescaped `character`, from `start` on.
    func firstControl(_ character: Unicode.Scalar, from start: Int? = nil) -> Int? {
        var index = Swift.max(start ?? startIndex, startIndex)
        while index < endIndex {
            if self[index].isControl(character) { return index }
            index += 1
        }
        return nil
    }

    /// The index where the unescaped sequence `sequence` starts, searching from `start`.
    func firstControlSequence(_ sequence: [Unicode.Scalar], from start: Int? = nil) -> Int? {
        guard !sequence.isEmpty, count >= sequence.count else { return nil }
        var index = Swift.max(start ?? startIndex, startIndex)
        while index + sequence.count <= endIndex {
            var matches = true
            for (offset, character) in sequence.enumerated() where !self[index + offset].isControl(character) {
                matches = false
                break
            }
            if matches { return index }
            index += 1
        }
        return nil
    }

    /// The index where the last unescaped `sequence` starts.
    func lastControlSequence(_ sequence: [Unicode.Scalar]) -> Int? {
        guard count >= sequence.count else { return nil }
        var index = endIndex - sequence.count
        while index >= startIndex {
            var matches = true
            for (offset, character) in sequence.enumerated() where !self[index + offset].isControl(character) {
                matches = false
                break
            }
            if matches { return index }
            index -= 1
        }
        return nil
    }

    /// Splits at unescaped `separator`s (dropped), like PHP's `explode`, up to `limit` parts.
    func split(at separator: Unicode.Scalar, limit: Int = Int.max) -> [ArraySlice<GIFTUnit>] {
        var parts: [ArraySlice<GIFTUnit>] = []
        var start = startIndex
        var index = startIndex
        while index < endIndex {
            if parts.count + 1 < limit, self[index].isControl(separator) {
                parts.append(self[start..<index])
                start = index + 1
            }
            index += 1
        }
        parts.append(self[start..<endIndex])
        return parts
    }

    var string: String {
        var result = String.UnicodeScalarView()
        for unit in self { result.append(unit.scalar) }
        return String(result)
    }

    /// Starts with the exact unescaped text `prefix`.
    func hasControlPrefix(_ prefix: String) -> Bool {
        let scalars = Array(prefix.unicodeScalars)
        guard count >= scalars.count else { return false }
        for (offset, scalar) in scalars.enumerated() where !self[startIndex + offset].isControl(scalar) {
            return false
        }
        return true
    }

    /// The index of the first `->`.
    func firstArrow() -> Int? {
        var index = startIndex
        while index + 1 < endIndex {
            if self[index].scalar == "-" && self[index + 1].scalar == ">" { return index }
            index += 1
        }
        return nil
    }
}
