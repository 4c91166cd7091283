import enum Curriculum.SyntheticCatalogue
import Foundation
@testable import SQLiteStorage
import SQLiteTestSupport
import Synchronization
import Testing
@testable import TrainingServer

@Suite struct GzipTests {
    /// Decompresses with the system's `gzip -dc`, an implementation independent of the one that compressed.
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("data.gz")
        try Data(bytes).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", file.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "gzip -dc failed")
        return Array(data)
    }

    /// Reads one gzip member (RFC 1952) in process with zlib's inflate (`Inflate`), checking its header, that the
    /// DEFLATE data expands to the size the trailer records, and the trailer's CRC-32 against zlib's.
    static func inflateMember(_ member: [UInt8]) throws -> [UInt8] {
        try #require(member.count >= 18, "a member has a 10-byte header and an 8-byte trailer")
        #expect(Array(member.prefix(3)) == [0x1F, 0x8B, 8], "gzip magic number, DEFLATE method")
        let flags = member[3]
        try #require(flags & 0xE0 == 0, "reserved flag bits are zero")
        var offset = 10
        if flags & 0x04 != 0 { offset += 2 + Int(member[offset]) + Int(member[offset + 1]) << 8 }  // FEXTRA
        for flag: UInt8 in [0x08, 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
            offset = try #require(member[offset...].firstIndex(of: 0)) + 1
        }
        if flags & 0x02 != 0 { offset += 2 }  // FHCRC
        let trailer = Array(member.suffix(8))
        func word(_ start: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(trailer[start + $1]) << (8 * $1) } }
        let body = try #require(Inflate.raw(member[offset..<(member.count - 8)], size: Int(word(4))),
                                "the DEFLATE data expands to the size in the trailer")
        #expect(word(0) == Inflate.crc32(body), "the trailer's CRC-32 is the data's")
        return body
    }

    /// Reproducible bytes: text that compresses well, random bytes that do not, or a mix.
    enum Input: String, CaseIterable {
        case text, noise, mixed

        func bytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
            var state = seed
            func next() -> UInt8 {
                // SplitMix64.
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return UInt8(truncatingIfNeeded: z ^ (z >> 31))
            }
            let text = Array(String(repeating: "<li class=\"module\">检索与引用 \(seed)</li>\n", count: count / 40 + 1)
                .utf8.prefix(count))
            switch self {
            case .text: return text
            case .noise: return (0..<count).map { _ in next() }
            case .mixed: return Array(text.prefix(count / 2)) + (0..<(count - count / 2)).map { _ in next() }
            }
        }
    }

    /// Every level the server uses, on empty, 1-byte, page-sized and large inputs of every kind, decodes to the
    /// original through zlib, with the right CRC-32 and size.
    @Test(arguments: [Gzip.staticLevel, Gzip.dynamicLevel], [0, 1, 100, 9_407, 300_000])
    func everyLevelInUseGivesAMemberThatZlibDecodes(_ level: Int32, _ count: Int) throws {
        for input in Input.allCases {
            let original = input.bytes(count)
            let compressed = try #require(Gzip.compress(original, level: level))
            #expect(try Self.inflateMember(compressed) == original, "\(input) \(count) bytes at level \(level)")
        }
    }

    @Test(arguments: [0, 1, 100, 70_000])
    func compressedBytesDecompressToTheOriginalWithGzip(_ count: Int) throws {
        for original in [Input.mixed.bytes(count), Input.text.bytes(count)] {
            let compressed = try #require(Gzip.compress(original))
            #expect(compressed.starts(with: [0x1F, 0x8B]), "a gzip member starts with its magic number")
            #expect(try Self.gunzip(compressed) == original)
            #expect(try Self.gunzip(try #require(Gzip.compress(original, level: Gzip.dynamicLevel))) == original)
        }
    }

    @Test func repetitiveTextShrinks() throws {
        let original = Array(String(repeating: ".page { color: #1a1a1a; }\n", count: 200).utf8)
        let compressed = try #require(Gzip.compress(original))
        #expect(compressed.count * 10 < original.count)
    }

    @Test func aLevelOutsideLibdeflatesRangeGivesNothing() {
        #expect(Gzip.compress([1, 2, 3], level: 13) == nil)
        #expect(Gzip.compress([1, 2, 3], level: -1) == nil)
    }

    /// A dynamic body is compressed only when that makes it smaller: never for empty, 1-byte or random bodies.
    @Test func aDynamicBodyIsCompressedOnlyWhenItShrinks() throws {
        #expect(Gzip.compressDynamicBody([]) == nil)
        #expect(Gzip.compressDynamicBody([0x41]) == nil)
        #expect(Gzip.compressDynamicBody(Input.noise.bytes(4_096)) == nil)
        let page = Input.text.bytes(9_407)
        let compressed = try #require(Gzip.compressDynamicBody(page))
        #expect(compressed.count < page.count / 4)
        #expect(try Self.inflateMember(compressed) == page)
    }

    /// The thread's compressor keeps nothing from one answer to the next: a run of answers of different sizes and
    /// kinds through it gives the same bytes as a fresh compressor for each.
    @Test func aReusedCompressorGivesTheSameBytesAsAFreshOne() throws {
        for round in 0..<40 {
            let original = Input.allCases[round % 3].bytes(1_024 + round * 997, seed: UInt64(round))
            let fresh = Gzip.compress(original, level: Gzip.dynamicLevel)
            let reused = Gzip.compressDynamicBody(original)
            if let reused {
                #expect(reused == fresh, "round \(round)")
            } else {
                #expect(fresh.map { $0.count >= original.count } ?? false, "round \(round): only a member no smaller is refused")
            }
        }
    }

    /// Many threads at once, each through its own compressor: every answer decodes to its own input. Half the work
    /// runs on threads that end afterwards (their compressors are freed with them), half on the dispatch pool's.
    @Test func manyThreadsCompressingAtOnceEachGetTheirOwnInputBack() throws {
        let originals = (0..<96).map { Input.allCases[$0 % 2 == 0 ? 0 : 2].bytes(2_000 + $0 * 331, seed: UInt64($0)) }
        let results = Mutex<[Int: [UInt8]]>([:])
        let done = DispatchGroup()
        for thread in 0..<16 {
            done.enter()
            Thread {
                for index in stride(from: thread, to: 48, by: 16) {
                    for _ in 0..<3 {
                        let compressed = Gzip.compressDynamicBody(originals[index])
                        results.withLock { $0[index] = compressed }
                    }
                }
                done.leave()
            }.start()
        }
        DispatchQueue.concurrentPerform(iterations: 48) { offset in
            let compressed = Gzip.compressDynamicBody(originals[48 + offset])
            results.withLock { $0[48 + offset] = compressed }
        }
        done.wait()
        let compressed = results.withLock { $0 }
        #expect(compressed.count == originals.count)
        for (index, original) in originals.enumerated() {
            let member = try #require(compressed[index], "answer \(index) was compressed")
            #expect(try Self.inflateMember(member) == original, "answer \(index)")
        }
    }
}

/// Answers put together from kept parts' compressed data (`Gzip.compress(_:parts:)`, `PageWriter`, `KeptHTML`).
extension GzipTests {
    /// Checks that `answer`'s gzip form from its kept parts is one member that zlib and `gzip -dc` both decode to
    /// `plain`, and that `compressDynamic` gives a body that decodes to `plain` as well.
    static func expectGzipFromParts(_ answer: Response, equals plain: [UInt8],
                                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(answer.bodyBytes == plain, sourceLocation: sourceLocation)
        let parts = try #require(answer.gzipParts, "a page written from parts carries them", sourceLocation: sourceLocation)
        #expect(parts.keptCount > 0 && parts.freshCount + parts.keptCount == plain.count, sourceLocation: sourceLocation)
        let member = try #require(Gzip.compress(plain, parts: parts), sourceLocation: sourceLocation)
        #expect(try inflateMember(member) == plain, sourceLocation: sourceLocation)
        #expect(try gunzip(member) == plain, sourceLocation: sourceLocation)
        var compressed = answer
        Gzip.compressDynamic(&compressed, acceptEncoding: "gzip")
        if plain.count >= Gzip.dynamicMinimumSize, parts.worthIt {
            #expect(compressed.bodyBytes == member, sourceLocation: sourceLocation)
        }
        if plain.count >= Gzip.dynamicMinimumSize {
            #expect(compressed.headers["Content-Encoding"] == "gzip", sourceLocation: sourceLocation)
            #expect(try inflateMember(compressed.bodyBytes) == plain, sourceLocation: sourceLocation)
            #expect(compressed.gzipParts == nil, "a new body drops the parts", sourceLocation: sourceLocation)
        }
    }

    /// A page of `pieces` (kept when true) through `PageWriter`.
    static func page(_ pieces: [(String, Bool)]) -> Response {
        var page = PageWriter()
        for (text, kept) in pieces {
            if kept { page.append(KeptHTML(HTML(trusted: text))) } else { page.append(text) }
        }
        return page.response
    }

    /// Empty, tiny, page-sized, incompressible and over-65,535-byte parts, kept and fresh, in every order: the member
    /// from the parts decodes to the same bytes as the plain answer.
    @Test func aMemberFromKeptPartsDecodesToThePlainBytes() throws {
        let noise = String(decoding: Input.noise.bytes(3_000).map { 0x20 + $0 % 90 }, as: UTF8.self)
        let text = String(decoding: Input.text.bytes(9_407), as: UTF8.self)
        let large = String(decoding: Input.text.bytes(150_000), as: UTF8.self)
        let cases: [[(String, Bool)]] = [
            [], [("", true)], [("", false)], [("a", true)], [("a", false)], [("<", true), (">", false)],
            [(text, true)], [(text, false)], [(text, true), ("token=\"abc\"", false), (text, true)],
            [("<p>", false), ("", true), (text, true), ("", false), ("x", false), (noise, true), (large, false)],
            [(large, true), (noise, false), (large, true)], [(noise, true), (noise, true)],
        ]
        for pieces in cases {
            let answer = Self.page(pieces)
            let plain = Array(pieces.map(\.0).joined().utf8)
            #expect(answer.bodyBytes == plain)
            let parts = try #require(answer.gzipParts)
            let member = try #require(Gzip.compress(plain, parts: parts))
            #expect(try Self.inflateMember(member) == plain, "\(pieces.map { ($0.0.utf8.count, $0.1) })")
            #expect(try Self.gunzip(member) == plain)
        }
    }

    /// A kept part is compressed once, and only when that makes it smaller: text shrinks, random bytes and a
    /// few bytes are kept as stored blocks (5 bytes of header per 65,535 bytes).
    @Test func aKeptPartIsStoredWhenCompressingDoesNotPay() {
        let text = Input.text.bytes(9_407)
        #expect(Gzip.Deflated(text).data.count * 4 < text.count)
        let noise = Input.noise.bytes(3_000)
        #expect(Gzip.Deflated(noise).data.count == noise.count + 5)
        #expect(Gzip.Deflated(Array("<li>".utf8)).data == [0, 4, 0, 0xFB, 0xFF] + Array("<li>".utf8))
        #expect(Gzip.Deflated([]).data.isEmpty)
        #expect(Gzip.Deflated(Input.noise.bytes(70_000)).data.count == 70_000 + 10)
    }

    /// Bytes written for the answer (a CSRF token, reflected input) go out as stored blocks, as they are, never
    /// compressed with the rest of the page; the kept parts' data is the same on every answer.
    @Test func freshBytesAreSentAsTheyAreAndKeptDataIsReused() throws {
        let kept = KeptHTML(HTML(trusted: String(decoding: Input.text.bytes(9_407), as: UTF8.self)))
        var members: [[UInt8]] = []
        for token in ["first-token-0123456789", "second-token-987654321"] {
            var page = PageWriter()
            page.append(kept)
            page.append("<input name=\"csrf_token\" value=\"\(token)\">")
            page.append(kept)
            var answer = page.response
            Gzip.compressDynamic(&answer, acceptEncoding: "gzip")
            #expect(answer.headers["Content-Encoding"] == "gzip")
            let member = answer.bodyBytes
            #expect(member.count < 9_407, "the kept part's data is used, not the page compressed whole")
            let token = Array(token.utf8)
            #expect(member.indices.contains { member[$0...].starts(with: token) }, "the token is sent as it is")
            members.append(member)
        }
        #expect(members[0].count == members[1].count)
        let data = kept.deflated.data
        #expect(members[0].indices.contains { members[0][$0...].starts(with: data) })
    }

    /// A page of many small kept parts is compressed whole: its member from parts would be far larger.
    @Test func aPageOfSmallPartsIsCompressedWhole() throws {
        let pieces = (0..<40).map { ("<li class=\"task\"><a href=\"/courses/c/modules/m\($0)\">Module \($0)</a></li>\n", true) }
        let answer = Self.page(pieces)
        let parts = try #require(answer.gzipParts)
        #expect(!parts.worthIt && parts.memberSize * 100 > answer.bodyBytes.count * Gzip.partsMaximumShare)
        var compressed = answer
        Gzip.compressDynamic(&compressed, acceptEncoding: "gzip")
        #expect(compressed.bodyBytes == Gzip.compressDynamicBody(answer.bodyBytes))
        #expect(try Self.inflateMember(compressed.bodyBytes) == answer.bodyBytes)
    }

    /// A page written mostly for its answer, or whose parts no longer describe its body, is compressed whole.
    @Test func aPageMostlyFreshOrChangedIsCompressedWhole() throws {
        let text = String(decoding: Input.text.bytes(4_000), as: UTF8.self)
        let mostlyFresh = Self.page([("<p>kept</p>", true), (text, false)])
        #expect(mostlyFresh.gzipParts?.worthIt == false)
        var answer = mostlyFresh
        Gzip.compressDynamic(&answer, acceptEncoding: "gzip")
        #expect(try Self.inflateMember(answer.bodyBytes) == mostlyFresh.bodyBytes)
        #expect(answer.bodyBytes == Gzip.compressDynamicBody(mostlyFresh.bodyBytes))

        var changed = Self.page([(text, true)])
        changed.body = .bytes(Array((text + "!").utf8))
        #expect(changed.gzipParts == nil, "a new body drops the parts")
        let parts = try #require(Self.page([(text, true)]).gzipParts)
        #expect(Gzip.compress(Array((text + "!").utf8), parts: parts) == nil, "parts that do not add up are refused")
    }
}

/// Dynamic answers compressed per response (`Gzip.compressDynamic`), through the whole application.
@Suite struct DynamicCompressionTests {
    /// A page with its per-response CSRF masks replaced by one placeholder, so two answers can be compared.
    static func unmasked(_ page: String) -> String {
        page.replacing(#/(name="csrf_token" value=|data-csrf=)"[^"]*"/#) { match in "\(match.1)\"TOKEN\"" }
    }

    private func signedIn() throws -> Browser {
        let app = try TestApplication()
        try app.createUser(login: "wang", password: "correct horse battery")
        let browser = Browser(app)
        #expect(try browser.signIn(login: "wang", password: "correct horse battery").status == .seeOther)
        return browser
    }

    @Test func aSignedInPageIsSentCompressedToAClientThatAcceptsGzip() throws {
        let browser = try signedIn()
        let plain = try browser.get("/profile")
        let compressed = try browser.get("/profile", headers: [("Accept-Encoding", "gzip, deflate, br")])
        #expect(plain.status == .ok && compressed.status == .ok)
        #expect(plain.headers["Content-Encoding"] == nil)
        #expect(compressed.headers["Content-Encoding"] == "gzip")
        #expect(plain.bodyBytes.count >= Gzip.dynamicMinimumSize)
        #expect(compressed.bodyBytes.count * 2 < plain.bodyBytes.count)
        for response in [plain, compressed] {
            #expect(response.headers.values("Vary").contains("Accept-Encoding"))
            #expect(response.headers["Cache-Control"] == "no-store", "a private page stays no-store")
        }
        let decoded = String(decoding: try GzipTests.gunzip(compressed.bodyBytes), as: UTF8.self)
        #expect(Self.unmasked(decoded) == Self.unmasked(plain.bodyText))
        #expect(decoded.contains("<html"))
    }

    /// The module page, the course page and the catalogue, whose gzip forms are put together from kept parts, decode
    /// to the plain page (CSRF masks aside), through the whole application.
    @Test(arguments: ["/courses", "/courses/course-001", "/courses/course-001/modules/topic-01"])
    func aPageFromKeptPartsIsSentCompressedAndDecodesToThePlainPage(_ path: String) throws {
        let app = try TestApplication()
        let courses = app.temporary.directory.appendingPathComponent("Courses", isDirectory: true)
        try SyntheticCatalogue.write(to: courses, courses: 2, modules: 2)
        #expect(app.application.catalogue.reload(now: app.clock.now, trigger: .signal, by: nil).taken)
        try app.createUser(login: "wang", password: "correct horse battery")
        let browser = Browser(app)
        #expect(try browser.signIn(login: "wang", password: "correct horse battery").status == .seeOther)
        for _ in 0..<2 {
            let plain = try browser.get(path)
            let compressed = try browser.get(path, headers: [("Accept-Encoding", "gzip")])
            #expect(plain.status == .ok && compressed.status == .ok)
            #expect(compressed.headers["Content-Encoding"] == "gzip")
            let decoded = String(decoding: try GzipTests.gunzip(compressed.bodyBytes), as: UTF8.self)
            #expect(Self.unmasked(decoded) == Self.unmasked(plain.bodyText))
        }
    }

    @Test func theCSRFTokenDiffersOnEveryPageAndEveryFormOfItIsAccepted() throws {
        let browser = try signedIn()
        let first = try #require(Browser.hiddenField("csrf_token", in: try browser.get("/profile").bodyText))
        let second = try #require(Browser.hiddenField("csrf_token", in: try browser.get("/profile").bodyText))
        #expect(first != second, "masked afresh on every page, so compression reveals nothing about it")
        #expect(Tokens.unmasked(first) == Tokens.unmasked(second))
        // Both forms sign the person out (the first one after the second page was sent).
        #expect(try browser.post("/logout", form: [("csrf_token", first)]).status == .seeOther)
        #expect(try browser.get("/profile").status == .seeOther, "signed out")
    }

    @Test func aForgedTokenIsStillRefused() throws {
        let browser = try signedIn()
        let forged = Tokens.masked(Tokens.random())
        #expect(try browser.post("/logout", form: [("csrf_token", forged)]).status == .forbidden)
    }

    @Test(arguments: ["gzip;q=0", "identity", "br", "deflate"])
    func aClientThatDoesNotAcceptGzipGetsThePlainPage(_ acceptEncoding: String) throws {
        let browser = try signedIn()
        let response = try browser.get("/profile", headers: [("Accept-Encoding", acceptEncoding)])
        #expect(response.headers["Content-Encoding"] == nil)
        #expect(response.bodyText.contains("<html"))
        #expect(response.headers.values("Vary").contains("Accept-Encoding"))
    }

    @Test func smallStreamedEncodedOrTaggedAnswersAreLeftAlone() {
        var small = Response.html("<p>short</p>")
        Gzip.compressDynamic(&small, acceptEncoding: "gzip")
        #expect(small.bodyText == "<p>short</p>")
        #expect(small.headers["Vary"] == nil && small.headers["Content-Encoding"] == nil)

        let long = String(repeating: "<p>训练</p>", count: 400)
        var tagged = Response.html(long)
        tagged.headers.add("ETag", "\"v1\"")
        Gzip.compressDynamic(&tagged, acceptEncoding: "gzip")
        #expect(tagged.bodyText == long)

        var binary = Response(headers: HTTPHeaders([("Content-Type", "application/pdf")]), body: .bytes(Array(long.utf8)))
        Gzip.compressDynamic(&binary, acceptEncoding: "gzip")
        #expect(binary.headers["Content-Encoding"] == nil)

        var page = Response.html(long)
        Gzip.compressDynamic(&page, acceptEncoding: "gzip")
        #expect(page.headers["Content-Encoding"] == "gzip")
    }
}
