import Foundation
import Testing
@testable import TrainingServer

/// Uploaded SVG is written out again from an allow-list: drawing survives, nothing that runs, links or reaches
/// outside the file does; what cannot be made safe is refused with a reason.
@Suite struct SVGSanitizerTests {
    private func clean(_ svg: String) throws -> String {
        String(decoding: try SVGSanitizer.sanitize(Array(svg.utf8)), as: UTF8.self)
    }

    private func failure(_ svg: String) -> SVGSanitizer.Failure? {
        do {
            _ = try SVGSanitizer.sanitize(Array(svg.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func drawingSurvivesAndTheNamespaceIsWrittenOnce() throws {
        let output = try clean("""
            <?xml version="1.0"?><!-- a comment --><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\
            <g transform="translate(1 1)"><rect width="5" height="5" fill="#a4262c"/></g><text x="1" y="9">印 &amp; 章</text></svg>
            """)
        #expect(output == """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g transform="translate(1 1)">\
            <rect fill="#a4262c" height="5" width="5"></rect></g><text x="1" y="9">印 &amp; 章</text></svg>
            """)
    }

    @Test func scriptsHandlersLinksAndOutsideReferencesAreRemoved() throws {
        let output = try clean("""
            <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">
            <script>alert(2)</script><style>*{fill:red}</style>
            <a href="https://example.com"><circle r="1"/></a>
            <image href="data:image/png;base64,AA"/>
            <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
            <animate attributeName="href" to="javascript:alert(3)"/>
            <use xlink:href="https://example.com/s.svg#a"/><use href="#local"/>
            <path id="local" d="M0 0" onclick="x()" fill="url(https://example.com/#g)" stroke="url(#grad)"
              style="fill: #000; stroke-width: 2; behavior: url(x.htc); background: url(javascript:x)"/>
            <rect width="1" height="1" fill="JaVaScRiPt:alert(1)"/>
            </svg>
            """)
        let lower = output.lowercased()
        for forbidden in ["script", "onload", "onclick", "alert", "example.com", "data:", "<style", "<a", "<image",
                          "foreignobject", "animate", "behavior", "background"] {
            #expect(!lower.contains(forbidden), "\(forbidden) survived: \(output)")
        }
        #expect(output.contains("<use href=\"#local\"></use>"))
        #expect(output.contains("stroke=\"url(#grad)\""))
        #expect(output.contains("fill=\"#000\"") && output.contains("stroke-width=\"2\""))
    }

    @Test func declarationsAreRefusedBeforeParsing() {
        #expect(failure("""
            <?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol">]><svg xmlns="http://www.w3.org/2000/svg">\
            <text>&lol;</text></svg>
            """) == .declarations)
        #expect(failure("<!doctype svg><svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>") == .declarations)
    }

    @Test func whatIsNotAnSVGDrawingIsRefused() {
        #expect(failure("<svg xmlns=\"http://www.w3.org/2000/svg\"><rect>") == .notWellFormed)
        #expect(failure("<html><body/></html>") == .notSVG)
        #expect(failure("<svg><rect width=\"1\" height=\"1\"/></svg>") == .notSVG)
        #expect(failure("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x()</script></svg>") == .empty)
        let deep = String(repeating: "<g>", count: 80) + "<rect/>" + String(repeating: "</g>", count: 80)
        #expect(failure("<svg xmlns=\"http://www.w3.org/2000/svg\">\(deep)</svg>") == .tooDeep)
    }

    @Test func onlyTextThatStartsWithATagLooksLikeXML() {
        #expect(SVGSanitizer.looksLikeXML(Array("\u{FEFF}  \n<svg/>".utf8)))
        #expect(!SVGSanitizer.looksLikeXML(Array("GIF89a".utf8)))
    }
}
