import Foundation
import Testing
@testable import TrainingServer

@Suite("XLSX reader")
struct XLSXReaderTests {
    static let workbook = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
        <workbookPr DATE1904/><sheets><sheet name="人员" sheetId="1" r:id="rId7"/><sheet name="说明" sheetId="2" r:id="rId8"/></sheets></workbook>
        """
    static let relationships = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/staff.xml"/>\
        </Relationships>
        """
    static let strings = """
        <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">\
        <si><t>employee_number</t></si><si><t>name</t></si><si><t>00123</t></si>\
        <si><r><t>张</t></r><r><rPr><b/></rPr><t xml:space="preserve">三</t></r><rPh sb="0" eb="1"><t>ジャン</t></rPh></si></sst>
        """
    static let styles = """
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>\
        <numFmt numFmtId="165" formatCode="00000"/></numFmts>\
        <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
        <cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="2"/></cellXfs>\
        </styleSheet>
        """
    static let sheet = """
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>department</t></is></c></row>\
        <row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="s"><v>3</v></c><c r="C3" t="inlineStr"><is><r><t>省/</t></r><r><t>局</t></r></is></c></row>\
        <row r="4"><c r="A4"><v>123</v></c><c r="B4" s="1"><v>45352</v></c><c r="D4" s="2"><v>45352.5</v></c></row>\
        <row r="5"><c r="A5" s="3"><v>123</v></c><c s="4"><v>1.1000000000000001</v></c><c t="b"><v>1</v></c><c t="str"><f>A5</f><v>x</v></c></row>\
        <row r="6"><c r="A6" t="s"/><c r="B6"><v></v></c></row>\
        </sheetData></worksheet>
        """

    static func workbookBytes(workbook: String = workbook, sheet: String = sheet) -> [UInt8] {
        makeZip([("[Content_Types].xml", Array("<Types/>".utf8), true),
                 ("xl/workbook.xml", Array(workbook.replacingOccurrences(of: "DATE1904", with: "").utf8), true),
                 ("xl/_rels/workbook.xml.rels", Array(relationships.utf8), true),
                 ("xl/sharedStrings.xml", Array(strings.utf8), true),
                 ("xl/styles.xml", Array(styles.utf8), false),
                 ("xl/worksheets/staff.xml", Array(sheet.utf8), true)])
    }

    @Test func readsTheFirstSheetAsTheSpreadsheetShowsIt() throws {
        let sheet = try XLSXReader.firstSheet(Self.workbookBytes())
        #expect(sheet.name == "人员")
        #expect(sheet.rows.map(\.line) == [1, 3, 4, 5])
        #expect(sheet.rows.map(\.fields) == [
            ["employee_number", "name", "department"],
            ["00123", "张三", "省/局"],
            ["123", "2024-03-01", "", "2024-03-01T12:00:00"],
            ["00123", "1.1", "TRUE", "x"],
        ])
    }

    @Test func the1904DateSystem() throws {
        let workbook = Self.workbook.replacingOccurrences(of: "DATE1904", with: "date1904=\"1\"")
        let bytes = makeZip([("xl/workbook.xml", Array(workbook.utf8), false),
                             ("xl/_rels/workbook.xml.rels", Array(Self.relationships.utf8), false),
                             ("xl/styles.xml", Array(Self.styles.utf8), false),
                             ("xl/worksheets/staff.xml", Array("""
                                <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
                                <row r="2"><c r="B2" s="1"><v>43890</v></c></row></sheetData></worksheet>
                                """.utf8), false)])
        #expect(try XLSXReader.firstSheet(bytes).rows == [CSVReader.Record(line: 2, fields: ["", "2024-03-01"])])
    }

    @Test(arguments: [
        (1.0, "1900-01-01"), (59.0, "1900-02-28"), (61.0, "1900-03-01"), (25569.0, "1970-01-01"),
        (45352.0, "2024-03-01"), (45352.25, "2024-03-01T06:00:00"), (2_958_465.0, "9999-12-31"),
    ])
    func dateSerials(_ serial: Double, _ expected: String) {
        #expect(XLSXReader.dateText(serial: serial, date1904: false) == expected)
    }

    @Test(arguments: [
        (14, nil, XLSXReader.NumberStyle.date), (31, nil, .date), (57, nil, .date), (0, nil, .plain), (49, nil, .plain),
        (164, "yyyy-mm-dd", .date), (165, "[$-804]yyyy\"年\"m\"月\"", .date), (166, "0.00\"d\"", .plain),
        (167, "#,##0;[Red]-#,##0", .plain), (168, "000000", .zeroPadded(6)), (169, "General", .plain), (170, "@", .plain),
    ] as [(Int, String?, XLSXReader.NumberStyle)])
    func numberFormats(_ id: Int, _ code: String?, _ expected: XLSXReader.NumberStyle) {
        #expect(XLSXReader.numberStyle(id: id, code: code) == expected)
    }

    @Test(arguments: [("123", "123"), ("1.5", "1.5"), ("0.30000000000000004", "0.30000000000000004"),
                      ("1.1000000000000001", "1.1"), ("-7", "-7"), ("1E+20", "1e+20"), ("12x", "12x")])
    func numbersAsWritten(_ raw: String, _ expected: String) {
        #expect(XLSXReader.numberText(raw, style: .plain, date1904: false) == expected)
    }

    @Test func aMissingSharedStringIsAnError() {
        let sheet = Self.sheet.replacingOccurrences(of: "<c r=\"B1\" t=\"s\"><v>1</v>", with: "<c r=\"B1\" t=\"s\"><v>99</v>")
        #expect(throws: XLSXReader.Failure(message: "cell B1 refers to shared string 99, which the workbook does not have")) {
            try XLSXReader.firstSheet(Self.workbookBytes(sheet: sheet))
        }
    }

    @Test func malformedXMLIsAnError() {
        #expect(throws: XLSXReader.Failure.self) { try XLSXReader.firstSheet(Self.workbookBytes(sheet: "<worksheet><sheetData>")) }
    }

    @Test func aZipThatIsNotAWorkbookIsAnError() {
        #expect(throws: XLSXReader.Failure(message: "the file is a zip archive but not an Excel workbook (it has no xl/workbook.xml)")) {
            try XLSXReader.firstSheet(makeZip([("word/document.xml", Array("<w/>".utf8), true)]))
        }
    }

    @Test(arguments: [("A1", 0), ("b7", 1), ("Z3", 25), ("AA10", 26), ("XFD1", 16383)])
    func columnReferences(_ reference: String, _ index: Int) {
        #expect(XLSXReader.columnIndex(reference) == index)
    }
}
