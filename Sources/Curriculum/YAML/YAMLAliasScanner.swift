/// Finds YAML aliases (`*name`) by a light scan of the text, before the text is composed.
///
/// Course files never need anchors or aliases, and an alias used as a mapping key can make composition take
/// exponential time (each key is hashed with everything the alias expands to). Rejecting aliases up front keeps
/// loading linear. The scan follows quotes, comments, flow brackets and block scalars well enough that text
/// such as `"*"`, `# *note` or Markdown inside `|` blocks is not mistaken for an alias.
enum YAMLAliasScanner {
    /// The 1-based line and column of the first alias, or nil.
    static func firstAlias(in text: String) -> (line: Int, column: Int)? {
        var text = text
        guard text.withUTF8({ $0.contains(UInt8(ascii: "*")) }) else { return nil }
        var state = State()
        var lineNumber = 0
        for line in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if let column = state.scan(line: Array(line)) {
                return (lineNumber, column)
            }
        }
        return nil
    }

    private struct State {
        var inDoubleQuote = false
        var inSingleQuote = false
        var flowDepth = 0
        /// Lines indented more than this belong to a block scalar (`|` or `>`).
        var blockScalarParentIndent: Int?

        mutating func scan(line: [Unicode.Scalar]) -> Int? {
            let indent = line.prefix { $0 == " " }.count
            let blank = line.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
            if let parent = blockScalarParentIndent {
                if blank || indent > parent { return nil }
                blockScalarParentIndent = nil
            }
            var expectNode = true
            var index = 0
            while index < line.count {
                let c = line[index]
                let next: Unicode.Scalar? = index + 1 < line.count ? line[index + 1] : nil
                let nextIsBreak = next == nil || next == " " || next == "\t" || next == "\r"
                if inDoubleQuote {
                    if c == "\\" { index += 2; continue }
                    if c == "\"" { inDoubleQuote = false; expectNode = false }
                    index += 1
                    continue
                }
                if inSingleQuote {
                    if c == "'" {
                        if next == "'" { index += 2; continue }
                        inSingleQuote = false
                        expectNode = false
                    }
                    index += 1
                    continue
                }
                if c == " " || c == "\t" || c == "\r" { index += 1; continue }
                if c == "#" && (index == 0 || line[index - 1] == " " || line[index - 1] == "\t") { return nil }
                if expectNode {
                    switch c {
                    case "\"": inDoubleQuote = true
                    case "'": inSingleQuote = true
                    case "*":
                        if !nextIsBreak { return index + 1 }
                        expectNode = false
                    case "&", "!":
                        while index + 1 < line.count, line[index + 1] != " ", line[index + 1] != "\t" { index += 1 }
                    case "-", "?", ":":
                        if !nextIsBreak { expectNode = false }
                    case "[", "{":
                        flowDepth += 1
                    case "]", "}":
                        flowDepth = max(0, flowDepth - 1)
                        expectNode = false
                    case ",":
                        break
                    case "|", ">":
                        if flowDepth == 0 {
                            blockScalarParentIndent = indent
                            return nil
                        }
                        expectNode = false
                    default:
                        expectNode = false
                    }
                    index += 1
                    continue
                }
                switch c {
                case ":" where nextIsBreak || flowDepth > 0:
                    expectNode = true
                case "," where flowDepth > 0:
                    expectNode = true
                case "[" where flowDepth > 0, "{" where flowDepth > 0:
                    flowDepth += 1
                    expectNode = true
                case "]" where flowDepth > 0, "}" where flowDepth > 0:
                    flowDepth -= 1
                default:
                    break
                }
                index += 1
            }
            return nil
        }
    }
}
