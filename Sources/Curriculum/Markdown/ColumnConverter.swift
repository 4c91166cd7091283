/// Turns cmark's byte columns into character columns, which is what editors and YAML report.
struct ColumnConverter {
    private let bytes: [UInt8]
    private var lineStarts: [Int] = []

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    mutating func column(line: Int, byteColumn: Int) -> Int {
        if lineStarts.isEmpty {
            lineStarts = [0]
            for (offset, byte) in bytes.enumerated() where byte == 0x0A { lineStarts.append(offset + 1) }
        }
        guard line >= 1, line <= lineStarts.count, byteColumn > 1 else { return max(1, byteColumn) }
        let start = lineStarts[line - 1]
        let end = min(bytes.count, start + byteColumn - 1)
        guard start < end else { return byteColumn }
        return bytes[start..<end].reduce(0) { count, byte in count + (byte & 0xC0 == 0x80 ? 0 : 1) } + 1
    }
}
