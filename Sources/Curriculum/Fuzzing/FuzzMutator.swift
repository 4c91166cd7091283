import Assessment

/// Byte-level mutations for fuzzing: flips, insertions, deletions, truncation, splices and syntax tokens.
struct FuzzMutator {
    /// Tokens that matter to YAML, Markdown and GIFT, so mutations reach deep parser states quickly.
    static let tokens: [[UInt8]] = [
        "::", "####", "->", "..", "$CATEGORY:", "---", "- ", ": ", "{", "}", "~", "=", "#", "%50%", "%-100%",
        "[html]", "[markdown]", "[plain]", "[moodle]", "// [id:x] [tag:y]", "\\", "\\n", "\\{", "![a](", "](media/",
        "javascript:", "data:text/html,", "<script>", "</p>", "&amp;", "*a", "&a ", "!!str ", "| ", "> ", "\"", "'",
        "\t", "\r\n", "\n\n", "[", "]", "|---|", "~~", "<http://x>", "\u{FEFF}", "情景案例", "一", ".inf", "null",
        "yes", "0x1F", "1e99", "-", "{zh: a, en: b}", "? ", "<<: ", "%", "T", "FALSE",
    ].map { Array($0.utf8) }

    static let interestingBytes: [UInt8] = [
        0x00, 0x09, 0x0A, 0x0D, 0x20, 0x22, 0x23, 0x25, 0x26, 0x27, 0x2A, 0x2D, 0x2E, 0x3A, 0x3D, 0x3E, 0x5B,
        0x5C, 0x5D, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE4, 0xED, 0xF0, 0xF4, 0xFE, 0xFF,
    ]

    /// `input` changed by one to four random mutations; `other` supplies splices.
    static func mutate(_ input: [UInt8], other: [UInt8], random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0...random.below(4) {
            switch random.below(9) {
            case 0 where !bytes.isEmpty:
                let index = random.below(bytes.count)
                bytes[index] ^= UInt8(1 << random.below(8))
            case 1 where !bytes.isEmpty:
                bytes[random.below(bytes.count)] = interestingBytes[random.below(interestingBytes.count)]
            case 2:
                let count = 1 + random.below(8)
                let insert = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                bytes.insert(contentsOf: insert, at: random.below(bytes.count + 1))
            case 3:
                bytes.insert(contentsOf: tokens[random.below(tokens.count)], at: random.below(bytes.count + 1))
            case 4 where !bytes.isEmpty:
                let start = random.below(bytes.count)
                let end = min(bytes.count, start + 1 + random.below(64))
                bytes.removeSubrange(start..<end)
            case 5 where !bytes.isEmpty:
                bytes.removeSubrange(random.below(bytes.count)..<bytes.count)
            case 6 where !other.isEmpty:
                let start = random.below(other.count)
                let end = min(other.count, start + 1 + random.below(256))
                bytes.insert(contentsOf: other[start..<end], at: random.below(bytes.count + 1))
            case 7 where !bytes.isEmpty:
                let start = random.below(bytes.count)
                let end = min(bytes.count, start + 1 + random.below(128))
                bytes.insert(contentsOf: bytes[start..<end], at: random.below(bytes.count + 1))
            default:
                if !bytes.isEmpty {
                    let a = random.below(bytes.count), b = random.below(bytes.count)
                    bytes.swapAt(a, b)
                }
            }
        }
        return bytes
    }
}

extension SeededGenerator {
    /// A number in `0..<bound` (0 when `bound` is not positive), by remainder: the fuzzer's draw since its first
    /// run, kept so that a seed printed by any run reproduces that run.
    mutating func below(_ bound: Int) -> Int {
        bound > 0 ? Int(next() % UInt64(bound)) : 0
    }
}
