import Foundation
import Testing
@testable import Curriculum

struct WebVTTTests {
    func messages(_ text: String) -> [String] {
        WebVTT(parsing: text).problems.map { "\($0.line):\($0.column): \($0.severity.rawValue): \($0.message)" }
    }

    @Test("the specification's first example: cues with voice spans")
    func specExample() throws {
        let file = WebVTT(parsing: """
        WEBVTT

        00:11.000 --> 00:13.000
        <v Roger Bingham>We are in New York City

        00:13.000 --> 00:16.000
        <v Roger Bingham>We're actually at the Lucern Hotel, just down the street

        """)
        #expect(file.problems.isEmpty)
        #expect(file.cues.count == 2)
        #expect(file.cues[0] == WebVTT.Cue(identifier: nil, start: 11, end: 13, settings: "",
                                           text: "<v Roger Bingham>We are in New York City", line: 3))
        #expect(file.cues[1].start == 13)
        #expect(file.cues[1].line == 6)
    }

    @Test("a header, NOTE, STYLE and REGION blocks, identifiers, settings, hours and CRLF line ends")
    func specBlocks() throws {
        let text = """
        \u{FEFF}WEBVTT - This file has cues.
        Kind: captions

        NOTE
        This file was written by Jill. I hope
        you enjoy reading it.

        STYLE
        ::cue { color: yellow }

        REGION
        id:fred
        width:40%

        1
        00:01.000 --> 00:02.000 region:fred align:left
        <v Fred>Hi, my name is Fred
        and I speak two lines

        NOTE a comment between cues

        intro-2
        01:00:02.500 --> 01:00:04.000\tline:0 position:10%,line-left
        Second

        """
        let file = WebVTT(parsing: text.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(file.problems.isEmpty)
        #expect(file.cues.map(\.identifier) == ["1", "intro-2"])
        #expect(file.cues[0].text == "<v Fred>Hi, my name is Fred\nand I speak two lines")
        #expect(file.cues[0].settings == "region:fred align:left")
        #expect(file.cues[0].line == 16)
        #expect(file.cues[1].start == 3602.5)
        #expect(file.cues[1].end == 3604)
    }

    @Test("the signature line is required")
    func signature() {
        #expect(messages("WEBVTTX\n\n00:01.000 --> 00:02.000\nHi\n")
            == ["1:1: error: a WebVTT file starts with the line WEBVTT, not 'WEBVTTX'"])
        #expect(messages("1\n00:00:01,000 --> 00:00:02,000\nan SRT file\n")
            == ["1:1: error: a WebVTT file starts with the line WEBVTT, not '1'"])
        #expect(messages("") == ["1:1: error: a WebVTT file starts with the line WEBVTT"])
        #expect(WebVTT(parsing: "WEBVTT").problems.isEmpty)
    }

    @Test("bad timings are reported at their line and column")
    func timings() {
        let text = """
        WEBVTT

        00:01.000 --> 00:02.000
        fine

        00:01.5 --> 00:03.000
        short fraction

        00:04.000 -> 00:05.000
        wrong arrow

        00:06.000 --> 00:61.000
        sixty-one seconds

        00:09.000 --> 00:08.000
        backwards

        a cue without timing
        text

        00:10.000 --> 00:11.000 colour:red
        unknown setting

        00:12.000 --> 00:13.000
        text with --> an arrow
        """
        #expect(messages(text) == [
            "6:1: error: '00:01.5' is not a WebVTT time: write mm:ss.ttt or hh:mm:ss.ttt (for example 01:02.500)",
            "9:11: error: expected ' --> ' with a space on each side after the start time",
            "12:15: error: '00:61.000' is not a WebVTT time: write mm:ss.ttt or hh:mm:ss.ttt (for example 01:02.500)",
            "15:1: error: the cue must end after it starts (00:00:09.000 --> 00:00:08.000)",
            "19:1: error: expected a cue timing line such as '00:00:01.000 --> 00:00:04.000' here (or a blank line before this text, or NOTE before a comment)",
            "21:25: warning: 'colour:red' is not a WebVTT cue setting (vertical, line, position, size, align, region as name:value); players ignore it",
            "25:1: error: cue text must not contain '-->' (is a blank line missing before the next cue?)",
        ])
    }

    @Test("header text running into a cue, STYLE after cues, arrows in notes, repeated ids and out-of-order cues")
    func structure() {
        #expect(messages("WEBVTT\n00:01.000 --> 00:02.000\nHi\n")
            == ["2:1: error: put a blank line between the WEBVTT header and the first cue"])
        let text = """
        WEBVTT

        a
        00:05.000 --> 00:06.000
        one

        STYLE
        ::cue { color: red }

        NOTE 00:01.000 --> 00:02.000

        a
        00:01.000 --> 00:02.000
        two
        """
        #expect(messages(text) == [
            "7:1: error: a STYLE block must come before the first cue",
            "10:1: error: a NOTE block must not contain '-->' (is a blank line missing before a cue?)",
            "12:1: warning: the cue identifier 'a' is already used on line 3",
            "13:1: warning: this cue starts before the cue on line 4; cues should be in time order",
        ])
    }

    @Test("any text gives cues or problems, never a crash", arguments: [
        "WEBVTT\n\n-->\n-->\n", "WEBVTT\n\n\n\n", "WEBVTT\r\r00:00.000 --> 00:01.000\rA\r", "\u{FEFF}",
        "WEBVTT\n\nNOTE", "WEBVTT\n\n99999999999999999999:00:00.000 --> 00:01.000\nx", "WEBVTT\n\n 00:00.000 --> ",
        "WEBVTT\n\nid\n00:00.000 -->00:01.000\n", "WEBVTT\n\n00:00.000\t-->\t00:01.000\tsize:50%\nok",
    ])
    func hostile(text: String) {
        let file = WebVTT(parsing: text)
        #expect(file.cues.allSatisfy { $0.end > $0.start })
    }

    @Test("tabs around the arrow, CR line ends and settings after a tab are accepted")
    func whitespace() {
        #expect(WebVTT(parsing: "WEBVTT\r\r00:00.000 --> 00:01.000\rA\r").cues.count == 1)
        let tabbed = WebVTT(parsing: "WEBVTT\n\n00:00.000\t-->\t00:01.000\tsize:50%\nok")
        #expect(tabbed.problems.isEmpty)
        #expect(tabbed.cues.first?.settings == "size:50%")
    }

    @Test("times are written back as hh:mm:ss.ttt")
    func format() {
        #expect(WebVTT.format(0) == "00:00:00.000")
        #expect(WebVTT.format(3725.042) == "01:02:05.042")
    }
}
