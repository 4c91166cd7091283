import Foundation

/// Small recordings built byte by byte (headers only, as the probe reads them), and real ones made by ffmpeg when
/// it is installed.
enum MediaFixtures {
    static func be(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (width - 1 - $0))) }
    }

    // MARK: ISO base media (MP4, M4A)

    static func box(_ type: String, _ content: [UInt8]) -> [UInt8] {
        be(UInt64(content.count + 8), 4) + Array(type.utf8) + content
    }

    static func mvhd(timescale: UInt64, duration: UInt64, version: UInt8 = 0) -> [UInt8] {
        let times = version == 1
            ? be(0, 8) + be(0, 8) + be(timescale, 4) + be(duration, 8)
            : be(0, 4) + be(0, 4) + be(timescale, 4) + be(duration, 4)
        return box("mvhd", [version, 0, 0, 0] + times + [UInt8](repeating: 0, count: 80))
    }

    static func track(_ handler: String) -> [UInt8] {
        box("trak", box("mdia", box("hdlr", be(0, 4) + be(0, 4) + Array(handler.utf8) + be(0, 12) + [0])))
    }

    /// An MP4 with the given brand and track handlers; `moovLast` puts the movie box after the media data.
    static func mp4(brand: String = "isom", handlers: [String] = ["vide", "soun"], timescale: UInt64 = 1000,
                    duration: UInt64 = 6000, version: UInt8 = 0, moovLast: Bool = false, mdat: Int = 64) -> [UInt8] {
        let ftyp = box("ftyp", Array(brand.utf8) + be(512, 4) + Array("isom".utf8) + Array(brand.utf8))
        let moov = box("moov", mvhd(timescale: timescale, duration: duration, version: version)
                       + handlers.flatMap(track))
        let data = box("mdat", [UInt8](repeating: 0xAB, count: mdat))
        return moovLast ? ftyp + data + moov : ftyp + moov + data
    }

    // MARK: WebM

    static func element(_ id: [UInt8], _ data: [UInt8]) -> [UInt8] {
        id + [0x01] + be(UInt64(data.count), 7) + data
    }

    static func webm(docType: String = "webm", trackTypes: [UInt8] = [1, 2], scale: UInt64 = 1_000_000,
                     duration: Double? = 6000, cluster: Int = 32) -> [UInt8] {
        let header = element([0x1A, 0x45, 0xDF, 0xA3], element([0x42, 0x86], [1]) + element([0x42, 0x82], Array(docType.utf8)))
        var info = element([0x2A, 0xD7, 0xB1], be(scale, 4))
        if let duration { info += element([0x44, 0x89], be(duration.bitPattern, 8)) }
        let tracks = trackTypes.map { element([0xAE], element([0xD7], [1]) + element([0x83], [$0])) }.flatMap { $0 }
        let segment = element([0x15, 0x49, 0xA9, 0x66], info) + element([0x16, 0x54, 0xAE, 0x6B], tracks)
            + element([0x1F, 0x43, 0xB6, 0x75], [UInt8](repeating: 0, count: cluster))
        return header + element([0x18, 0x53, 0x80, 0x67], segment)
    }

    // MARK: MP3

    /// MPEG-1 layer III, 128 kbit/s, 44.1 kHz, stereo: 417 bytes a frame, 1152 samples.
    static let frameHeader: [UInt8] = [0xFF, 0xFB, 0x90, 0x00]

    static func frame(_ payload: [UInt8] = []) -> [UInt8] {
        let body = frameHeader + payload
        return body + [UInt8](repeating: 0, count: 417 - body.count)
    }

    /// `frames` constant-bit-rate frames, optionally after an ID3v2 tag and with a Xing/Info header frame.
    static func mp3(frames: Int, id3: Int? = nil, xingFrames: UInt64? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        if let id3 {
            let size = (0..<4).map { UInt8((id3 >> (7 * (3 - $0))) & 0x7F) }
            bytes += Array("ID3".utf8) + [4, 0, 0] + size + [UInt8](repeating: 0, count: id3)
        }
        if let xingFrames {
            bytes += frame([UInt8](repeating: 0, count: 32) + Array("Xing".utf8) + be(1, 4) + be(xingFrames, 4))
        }
        for _ in 0..<frames { bytes += frame() }
        return bytes
    }

    // MARK: ffmpeg

    static let ffmpeg: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg", "/opt/homebrew/bin/ffmpeg"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs ffmpeg with `arguments` then `output`; throws with its error output when it fails.
    static func runFFmpeg(_ arguments: [String], output: URL) throws {
        guard let ffmpeg else { throw FixtureError(message: "ffmpeg is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpeg)
        process.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments + [output.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(message: String(decoding: message, as: UTF8.self))
        }
    }

    struct FixtureError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("media-tests-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
