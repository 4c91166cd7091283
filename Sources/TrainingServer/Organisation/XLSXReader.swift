import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the first sheet of an Office Open XML workbook (`.xlsx`, ECMA-376) into rows of text, the way a person
/// sees them in the spreadsheet: shared and inline strings as written, a number stored as text ("00123") as that
/// text, a numeric cell as its shortest decimal form ("123", not "123.0"; "1.5"), zero-padded number formats
/// ("00000") padded, and cells with a date number format as ISO dates ("2024-03-01"; with the time when the cell
/// has one). Each row keeps its sheet row number, for error messages; empty rows are left out.
public enum XLSXReader {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public struct Sheet: Sendable, Equatable {
        public var name: String
        /// Rows with at least one non-empty cell; `line` is the sheet row number, `fields` run from column A to
        /// the last non-empty cell.
        public var rows: [CSVReader.Record]
    }

    public static func looksLikeWorkbook(_ bytes: [UInt8]) -> Bool { ZipArchive.looksLikeZip(bytes) }

    public static func firstSheet(_ bytes: [UInt8]) throws(Failure) -> Sheet {
        do {
            let archive = try ZipArchive(bytes)
            guard let workbookXML = try archive.contents(of: "xl/workbook.xml") else {
                throw Failure(message: "the file is a zip archive but not an Excel workbook (it has no xl/workbook.xml)")
            }
            let workbook = try parseWorkbook(workbookXML)
            guard let sheet = workbook.sheets.first else { throw Failure(message: "the workbook has no sheets") }
            var path = "xl/worksheets/sheet1.xml"
            if let relations = try archive.contents(of: "xl/_rels/workbook.xml.rels"),
               let target = try parseRelationships(relations)[sheet.relationship] {
                path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            }
            guard let sheetXML = try archive.contents(of: path) else {
                throw Failure(message: "the workbook's first sheet (\(path)) is missing")
            }
            let strings = try archive.contents(of: "xl/sharedStrings.xml").map(parseSharedStrings) ?? []
            let styles = try archive.contents(of: "xl/styles.xml").map(parseStyles) ?? []
            let rows = try parseSheet(sheetXML, strings: strings, styles: styles, date1904: workbook.date1904)
            return Sheet(name: sheet.name, rows: rows)
        } catch let failure as ZipArchive.Failure {
            throw Failure(message: failure.message)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(message: "the workbook cannot be read: \(error)")
        }
    }

    // MARK: - Parts

    struct Workbook {
        var sheets: [(name: String, relationship: String)] = []
        var date1904 = false
    }

    static func parseWorkbook(_ xml: [UInt8]) throws(Failure) -> Workbook {
        var workbook = Workbook()
        try parse(xml, part: "xl/workbook.xml", start: { name, attributes in
            switch name {
            case "sheet":
                let relationship = attributes.first { $0.key == "id" || $0.key.hasSuffix(":id") }?.value ?? ""
                workbook.sheets.append((attributes["name"] ?? "", relationship))
            case "workbookPr":
                workbook.date1904 = ["1", "true"].contains(attributes["date1904"]?.lowercased() ?? "")
            default: break
            }
        })
        return workbook
    }

    static func parseRelationships(_ xml: [UInt8]) throws(Failure) -> [String: String] {
        var targets: [String: String] = [:]
        try parse(xml, part: "xl/_rels/workbook.xml.rels", start: { name, attributes in
            if name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
        })
        return targets
    }

    /// Each `<si>`: its `<t>` texts (rich-text runs joined), without phonetic guides (`<rPh>`).
    static func parseSharedStrings(_ xml: [UInt8]) throws(Failure) -> [String] {
        var strings: [String] = []
        var current = ""
        var phonetic = 0
        var inText = false
        try parse(xml, part: "xl/sharedStrings.xml", start: { name, _ in
            switch name {
            case "si": current = ""
            case "rPh": phonetic += 1
            case "t": inText = phonetic == 0
            default: break
            }
        }, end: { name in
            switch name {
            case "si": strings.append(current)
            case "rPh": phonetic -= 1
            case "t": inText = false
            default: break
            }
        }, text: { text in if inText { current += text } })
        return strings
    }

    /// How a cell style shows numbers: as a date, zero-padded to a width, or plainly.
    enum NumberStyle: Equatable {
        case plain
        case date
        case zeroPadded(Int)
    }

    /// The number style of each cell format (`<cellXfs>`), by the index a cell's `s` attribute gives.
    static func parseStyles(_ xml: [UInt8]) throws(Failure) -> [NumberStyle] {
        var formats: [Int: String] = [:]
        var formatIDs: [Int] = []
        var inCellFormats = false
        try parse(xml, part: "xl/styles.xml", start: { name, attributes in
            switch name {
            case "numFmt":
                if let id = attributes["numFmtId"].flatMap({ Int($0) }) { formats[id] = attributes["formatCode"] ?? "" }
            case "cellXfs": inCellFormats = true
            case "xf" where inCellFormats: formatIDs.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
            default: break
            }
        }, end: { name in if name == "cellXfs" { inCellFormats = false } })
        return formatIDs.map { id in numberStyle(id: id, code: formats[id]) }
    }

    /// Built-in formats 14-22, 27-36, 45-47 and 50-58 are dates and times (27-36 and 50-58 in East Asian
    /// locales); a custom format is one when it has date or time letters outside quotes, escapes and brackets.
    static func numberStyle(id: Int, code: String?) -> NumberStyle {
        guard let code else {
            return [14...22, 27...36, 45...47, 50...58].contains { $0.contains(id) } ? .date : .plain
        }
        var letters = ""
        var quoted = false, bracketed = false, escaped = false
        for character in code {
            if escaped { escaped = false; continue }
            switch character {
            case "\"": quoted.toggle()
            case "\\" where !quoted: escaped = true
            case "[" where !quoted: bracketed = true
            case "]" where !quoted: bracketed = false
            default: if !quoted && !bracketed { letters.append(character) }
            }
        }
        let lower = letters.lowercased()
        if lower == "general" { return .plain }
        if lower.contains(where: { "ymdhs".contains($0) }) { return .date }
        if !code.isEmpty, code.allSatisfy({ $0 == "0" }) { return .zeroPadded(code.count) }
        return .plain
    }

    static func parseSheet(_ xml: [UInt8], strings: [String], styles: [NumberStyle], date1904: Bool) throws(Failure)
        -> [CSVReader.Record] {
        var rows: [CSVReader.Record] = []
        var rowNumber = 0
        var cells: [Int: String] = [:]
        var column = -1
        var type = "n", style = 0, reference = ""
        var value = "", inline = ""
        var inValue = false, inInlineText = false, phonetic = 0
        var failure: Failure? = nil
        try parse(xml, part: "the first sheet", start: { name, attributes in
            switch name {
            case "row":
                rowNumber = attributes["r"].flatMap { Int($0) } ?? rowNumber + 1
                cells = [:]
                column = -1
            case "c":
                reference = attributes["r"] ?? ""
                column = columnIndex(reference) ?? column + 1
                type = attributes["t"] ?? "n"
                style = attributes["s"].flatMap { Int($0) } ?? 0
                value = ""
                inline = ""
            case "v": inValue = true
            case "rPh": phonetic += 1
            case "t": inInlineText = phonetic == 0
            default: break
            }
        }, end: { name in
            switch name {
            case "v": inValue = false
            case "rPh": phonetic -= 1
            case "t": inInlineText = false
            case "c":
                let place = reference.isEmpty ? "row \(rowNumber)" : "cell \(reference)"
                switch type {
                case "s":
                    if value.isEmpty { return }
                    guard let index = Int(value.trimmingCharacters(in: .whitespaces)), strings.indices.contains(index) else {
                        if failure == nil {
                            failure = Failure(message: "\(place) refers to shared string \(value), which the workbook does not have")
                        }
                        return
                    }
                    cells[column] = strings[index]
                case "inlineStr": cells[column] = inline
                case "str", "e": cells[column] = value
                case "b": cells[column] = value == "1" ? "TRUE" : "FALSE"
                case "d": cells[column] = isoText(value)
                default:
                    cells[column] = numberText(value, style: styles.indices.contains(style) ? styles[style] : .plain, date1904: date1904)
                }
            case "row":
                let filled = cells.filter { !$0.value.isEmpty }
                guard let last = filled.keys.max() else { return }
                rows.append(CSVReader.Record(line: rowNumber, fields: (0...last).map { cells[$0] ?? "" }))
            default: break
            }
        }, text: { text in
            if inValue { value += text }
            if inInlineText { inline += text }
        })
        if let failure { throw failure }
        return rows
    }

    // MARK: - Values

    /// "B12" -> 1 (columns from 0).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for byte in reference.utf8 {
            guard (65...90).contains(byte & 0xDF) else { break }  // A-Z or a-z
            index = index * 26 + Int(byte & 0xDF) - 64
            letters += 1
        }
        return letters == 0 || letters > 3 ? nil : index - 1
    }

    static func numberText(_ raw: String, style: NumberStyle, date1904: Bool) -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard let number = Double(text), number.isFinite else { return text }
        switch style {
        case .date:
            return dateText(serial: number, date1904: date1904) ?? plainNumber(number)
        case .zeroPadded(let width):
            let plain = plainNumber(number)
            guard number >= 0, number == number.rounded(), plain.count < width else { return plain }
            return String(repeating: "0", count: width - plain.count) + plain
        case .plain:
            return plainNumber(number)
        }
    }

    /// The shortest decimal that reads back as the same number: 123 -> "123", 1.1000000000000001 -> "1.1".
    static func plainNumber(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    /// A date serial number as an ISO date, with the time when it has one. 1900 system: serial 1 is 1900-01-01
    /// and serial 60 is Lotus 1-2-3's 1900-02-29 (shown as 1900-02-28); 1904 system: serial 0 is 1904-01-01.
    static func dateText(serial: Double, date1904: Bool) -> String? {
        guard serial >= 0, serial < 2_958_466 else { return nil }  // up to 9999-12-31
        var day = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(day)) * 86_400).rounded())
        if seconds >= 86_400 { day += 1; seconds -= 86_400 }
        // Days since 1970-01-01 (serial 25569 in the 1900 system).
        let unixDay = date1904 ? day + 1462 - 25_569 : (day >= 61 ? day - 25_569 : day - 25_568)
        let (year, month, dayOfMonth) = ExportRowWriter.civil(days: Int64(unixDay))
        let date = String(format: "%04d-%02d-%02d", year, month, dayOfMonth)
        guard seconds > 0 else { return date }
        return date + String(format: "T%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// A `t="d"` cell holds ISO 8601 text; midnight is dropped so a plain date reads as one.
    static func isoText(_ raw: String) -> String {
        var text = raw.trimmingCharacters(in: .whitespaces)
        for suffix in ["T00:00:00Z", "T00:00:00"] where text.hasSuffix(suffix) {
            text.removeLast(suffix.count)
            break
        }
        return text
    }

    // MARK: - XML

    /// Runs Foundation's XMLParser over `xml` with namespaces processed (so element names are local names).
    static func parse(_ xml: [UInt8], part: String, start: @escaping (String, [String: String]) -> Void,
                      end: @escaping (String) -> Void = { _ in }, text: @escaping (String) -> Void = { _ in })
        throws(Failure) {
        let parser = XMLParser(data: Data(xml))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        let delegate = Delegate(start: start, end: end, text: text)
        parser.delegate = delegate
        // FoundationXML on Linux reports a document that ends early (a tag never closed) only in `parserError`.
        let finished = parser.parse()
        if !finished || parser.parserError != nil {
            let code = (parser.parserError as? NSError)?.code ?? 0
            throw Failure(message: "\(part) is not well-formed XML (XML parser error \(code) at line \(parser.lineNumber))")
        }
    }

    final class Delegate: NSObject, XMLParserDelegate {
        let start: (String, [String: String]) -> Void
        let end: (String) -> Void
        let text: (String) -> Void

        init(start: @escaping (String, [String: String]) -> Void, end: @escaping (String) -> Void,
             text: @escaping (String) -> Void) {
            self.start = start
            self.end = end
            self.text = text
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String]) {
            start(elementName, attributes)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            end(elementName)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text(string) }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { text(String(decoding: CDATABlock, as: UTF8.self)) }
    }
}
