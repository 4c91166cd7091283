import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random access to the bytes of a recording: the probe reads headers at offsets and never the whole file.
public protocol MediaByteSource {
    /// The length in bytes.
    var size: Int64 { get }
    /// Up to `count` bytes from `offset` (fewer at the end of the data, none past it).
    func read(at offset: Int64, count: Int) -> [UInt8]
}

/// Bytes already in memory (a header read into memory, small fixtures).
public struct MediaBytes: MediaByteSource {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var size: Int64 { Int64(bytes.count) }

    public func read(at offset: Int64, count: Int) -> [UInt8] {
        guard offset >= 0, offset < Int64(bytes.count), count > 0 else { return [] }
        let start = Int(offset)
        return Array(bytes[start..<Swift.min(bytes.count, start + count)])
    }
}

/// An open file read with `pread`, so each header costs one system call and nothing else is loaded.
public final class MediaFile: MediaByteSource {
    public let size: Int64
    private let descriptor: Int32

    /// Opens a regular file; nil when it cannot be opened or is not a regular file.
    public init?(path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.size = Int64(status.st_size)
    }

    deinit { close(descriptor) }

    public func read(at offset: Int64, count: Int) -> [UInt8] {
        guard offset >= 0, offset < size, count > 0 else { return [] }
        let wanted = Int(Swift.min(Int64(count), size - offset))
        var bytes = [UInt8](repeating: 0, count: wanted)
        var filled = 0
        while filled < wanted {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, wanted - filled, off_t(offset) + off_t(filled))
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            filled += got
        }
        if filled < wanted { bytes.removeSubrange(filled...) }
        return bytes
    }
}

/// What a recording's header says: its container, whether it holds video and audio, and its running time.
///
/// The container is recognised by the first bytes, never by the file name: MP4/M4A by the ISO base media `ftyp`
/// box (video or audio-only by the `hdlr` handlers of its tracks), WebM by the EBML header's DocType, MP3 by an
/// ID3v2 tag or an MPEG audio layer III frame. The duration comes from MP4's `mvhd` (or `mehd` when fragmented),
/// WebM's Segment Info Duration × TimecodeScale, or MP3's Xing/Info or VBRI frame count, else the constant bit rate.
/// Every size read from the file is checked against the file and the number of boxes and elements walked is
/// bounded, so a damaged or hostile file gives an error, never a crash or a hang.
public struct MediaProbe: Sendable, Hashable {
    public let container: MediaContainer
    public let hasVideo: Bool
    public let hasAudio: Bool
    /// Seconds.
    public let duration: Double

    public init(container: MediaContainer, hasVideo: Bool, hasAudio: Bool, duration: Double) {
        self.container = container
        self.hasVideo = hasVideo
        self.hasAudio = hasAudio
        self.duration = duration
    }

    /// Why a file could not be probed; `message` completes a sentence that starts with the file's name.
    public struct Failure: Error, Sendable, Hashable {
        public let message: String
    }

    /// The most header data the probe reads into memory at once (an MP4 `moov` box).
    static let maximumHeaderBytes = 64 * 1024 * 1024
    /// The most boxes or elements walked in one file.
    static let maximumSteps = 200_000

    /// Probes the file at `path`.
    public static func probe(path: String) -> Result<MediaProbe, Failure> {
        guard let file = MediaFile(path: path) else { return .failure(Failure(message: "cannot be read")) }
        return probe(file)
    }

    /// Probes `source`.
    public static func probe(_ source: some MediaByteSource) -> Result<MediaProbe, Failure> {
        let head = source.read(at: 0, count: 16)
        if head.isEmpty { return .failure(Failure(message: "is empty, not an MP4, WebM, MP3 or M4A file")) }
        if head.count >= 8, Array(head[4..<8]) == Array("ftyp".utf8) {
            return ISOMedia.probe(source)
        }
        if head.count >= 4, head[0...3] == [0x1A, 0x45, 0xDF, 0xA3] {
            return WebMProbe.probe(source)
        }
        if head.count >= 3, Array(head[0..<3]) == Array("ID3".utf8) {
            return MP3Probe.probe(source)
        }
        if head.count >= 4, MP3Probe.FrameHeader(head, at: 0) != nil {
            return MP3Probe.probe(source)
        }
        return .failure(Failure(message: "is not an MP4, WebM, MP3 or M4A file (its first bytes are "
                                + describe(Array(head.prefix(8))) + ")"))
    }

    /// `66 74 79 70 ("ftyp")`: hex, and the printable ASCII in quotes.
    static func describe(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
        let text = String(bytes.map { (0x20..<0x7F).contains($0) ? Character(Unicode.Scalar($0)) : "." })
        return hex + " \"" + text + "\""
    }
}

// MARK: - Big-endian helpers

extension Array where Element == UInt8 {
    func uint(_ offset: Int, _ width: Int) -> UInt64? {
        guard offset >= 0, width > 0, offset + width <= count else { return nil }
        var value: UInt64 = 0
        for index in offset..<(offset + width) { value = value << 8 | UInt64(self[index]) }
        return value
    }

    func fourCC(_ offset: Int) -> String? {
        guard offset >= 0, offset + 4 <= count else { return nil }
        return String(decoding: self[offset..<(offset + 4)], as: UTF8.self)
    }
}

// MARK: - MP4 / M4A

enum ISOMedia {
    struct Box {
        let type: String
        /// Offset of the box's content (after its header).
        let contentStart: Int64
        let contentSize: Int64
    }

    /// The box header at `offset` within `end`; nil when there is none or its size does not fit.
    static func box(in source: some MediaByteSource, at offset: Int64, end: Int64) -> Box?? {
        guard offset + 8 <= end else { return .some(nil) }
        let header = source.read(at: offset, count: 16)
        guard let size32 = header.uint(0, 4), let type = header.fourCC(4) else { return nil }
        var headerSize: Int64 = 8
        var size = Int64(size32)
        if size32 == 1 {
            guard let large = header.uint(8, 8), large <= UInt64(Int64.max) else { return nil }
            size = Int64(large)
            headerSize = 16
        } else if size32 == 0 {
            size = end - offset
        }
        guard size >= headerSize, size <= end - offset else { return nil }
        return .some(Box(type: type, contentStart: offset + headerSize, contentSize: size - headerSize))
    }

    static func probe(_ source: some MediaByteSource) -> Result<MediaProbe, MediaProbe.Failure> {
        func failure(_ message: String) -> Result<MediaProbe, MediaProbe.Failure> {
            .failure(MediaProbe.Failure(message: message))
        }
        var offset: Int64 = 0
        var brand = ""
        var moov: Box?
        var steps = 0
        while offset < source.size {
            steps += 1
            guard steps <= MediaProbe.maximumSteps else { return failure("has too many MP4 boxes to be a recording") }
            guard let found = box(in: source, at: offset, end: source.size) else {
                return failure("is a damaged MP4 file: the box at byte \(offset) does not fit in the file")
            }
            guard let current = found else { break }
            if current.type == "ftyp" {
                brand = source.read(at: current.contentStart, count: 4).fourCC(0) ?? ""
            } else if current.type == "moov" {
                moov = current
                break
            }
            offset = current.contentStart + current.contentSize
        }
        guard let moov else {
            return failure("is an MP4 file without a 'moov' box, so it has no running time or tracks "
                           + "(an unfinished recording?)")
        }
        guard moov.contentSize <= Int64(MediaProbe.maximumHeaderBytes) else {
            return failure("has an MP4 'moov' header larger than \(MediaProbe.maximumHeaderBytes / 1024 / 1024) MB")
        }
        let bytes = source.read(at: moov.contentStart, count: Int(moov.contentSize))
        guard Int64(bytes.count) == moov.contentSize else {
            return failure("is a damaged MP4 file: its 'moov' box is cut short")
        }
        var walker = Walker(bytes: bytes)
        guard walker.walk(0, bytes.count, depth: 0) else {
            return failure("is a damaged MP4 file: a box inside 'moov' does not fit")
        }
        var seconds: Double?
        if let timescale = walker.timescale, timescale > 0 {
            if let duration = walker.duration, duration > 0 {
                seconds = Double(duration) / Double(timescale)
            } else if let fragment = walker.fragmentDuration, fragment > 0 {
                seconds = Double(fragment) / Double(timescale)
            }
        }
        let hasVideo = walker.handlers.contains("vide")
        let hasAudio = walker.handlers.contains("soun")
        guard hasVideo || hasAudio else { return failure("is an MP4 file with neither a video nor an audio track") }
        guard let seconds, seconds.isFinite else {
            return failure("is an MP4 file whose header gives no running time (mvhd)")
        }
        let audioBrand = ["M4A ", "M4B ", "M4P "].contains(brand)
        let container: MediaContainer = audioBrand || !hasVideo ? .m4a : .mp4
        return .success(MediaProbe(container: container, hasVideo: hasVideo, hasAudio: hasAudio, duration: seconds))
    }

    /// Walks the boxes of `moov` in memory, collecting the movie header and the track handlers.
    struct Walker {
        let bytes: [UInt8]
        var timescale: UInt64?
        var duration: UInt64?
        var fragmentDuration: UInt64?
        var handlers: [String] = []
        var steps = 0

        static let containers: Set<String> = ["trak", "mdia", "mvex"]

        mutating func walk(_ start: Int, _ end: Int, depth: Int) -> Bool {
            var offset = start
            while offset + 8 <= end {
                steps += 1
                guard steps <= MediaProbe.maximumSteps, depth < 8 else { return false }
                guard let size32 = bytes.uint(offset, 4), let type = bytes.fourCC(offset + 4) else { return false }
                var header = 8
                var size = Int(size32)
                if size32 == 1 {
                    guard let large = bytes.uint(offset + 8, 8), large <= UInt64(end - offset) else { return false }
                    size = Int(large)
                    header = 16
                } else if size32 == 0 {
                    size = end - offset
                }
                guard size >= header, size <= end - offset else { return false }
                let content = offset + header
                let contentEnd = offset + size
                switch type {
                case "mvhd":
                    let version = bytes.uint(content, 1)
                    if version == 1 {
                        timescale = bytes.uint(content + 20, 4)
                        duration = bytes.uint(content + 24, 8)
                    } else {
                        timescale = bytes.uint(content + 12, 4)
                        duration = bytes.uint(content + 16, 4)
                    }
                    if duration == 0xFFFF_FFFF || duration == UInt64.max { duration = nil }
                case "mehd":
                    fragmentDuration = bytes.uint(content, 1) == 1 ? bytes.uint(content + 4, 8) : bytes.uint(content + 4, 4)
                case "hdlr":
                    if contentEnd - content >= 12, let handler = bytes.fourCC(content + 8) { handlers.append(handler) }
                case _ where Self.containers.contains(type):
                    guard walk(content, contentEnd, depth: depth + 1) else { return false }
                default:
                    break
                }
                offset = contentEnd
            }
            return true
        }
    }
}

// MARK: - WebM

enum WebMProbe {
    static let ebml: UInt64 = 0x1A45DFA3
    static let docType: UInt64 = 0x4282
    static let segment: UInt64 = 0x18538067
    static let info: UInt64 = 0x1549A966
    static let tracks: UInt64 = 0x1654AE6B
    static let trackEntry: UInt64 = 0xAE
    static let trackType: UInt64 = 0x83
    static let timecodeScale: UInt64 = 0x2AD7B1
    static let duration: UInt64 = 0x4489
    static let cluster: UInt64 = 0x1F43B675

    struct Element {
        let id: UInt64
        let dataStart: Int64
        /// nil for an element of unknown size (live streams).
        let dataSize: Int64?
    }

    /// The element header at `offset`; nil when it is not a valid EBML header.
    static func element(_ source: some MediaByteSource, at offset: Int64) -> Element? {
        let header = source.read(at: offset, count: 12)
        guard let first = header.first, first != 0 else { return nil }
        let idLength = first.leadingZeroBitCount + 1
        guard idLength <= 4, let id = header.uint(0, idLength), idLength < header.count else { return nil }
        let sizeFirst = header[idLength]
        guard sizeFirst != 0 else { return nil }
        let sizeLength = sizeFirst.leadingZeroBitCount + 1
        guard let raw = header.uint(idLength, sizeLength) else { return nil }
        let valueBits = 7 * sizeLength
        let value = raw & ((UInt64(1) << UInt64(valueBits)) - 1)
        let unknown = value == (UInt64(1) << UInt64(valueBits)) - 1
        guard unknown || value <= UInt64(Int64.max / 2) else { return nil }
        return Element(id: id, dataStart: offset + Int64(idLength + sizeLength), dataSize: unknown ? nil : Int64(value))
    }

    static func probe(_ source: some MediaByteSource) -> Result<MediaProbe, MediaProbe.Failure> {
        func failure(_ message: String) -> Result<MediaProbe, MediaProbe.Failure> {
            .failure(MediaProbe.Failure(message: message))
        }
        guard let header = element(source, at: 0), header.id == ebml, let headerSize = header.dataSize,
              headerSize <= 4096, header.dataStart + headerSize <= source.size else {
            return failure("is a damaged WebM file: its EBML header does not fit")
        }
        let headerBytes = source.read(at: header.dataStart, count: Int(headerSize))
        var type: String?
        var offset = 0
        while offset < headerBytes.count {
            guard let child = element(MediaBytes(headerBytes), at: Int64(offset)), let size = child.dataSize,
                  child.dataStart + size <= Int64(headerBytes.count) else {
                return failure("is a damaged WebM file: its EBML header does not fit")
            }
            if child.id == docType {
                let raw = headerBytes[Int(child.dataStart)..<Int(child.dataStart + size)]
                type = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            offset = Int(child.dataStart + size)
        }
        guard type == "webm" else {
            if type == "matroska" {
                return failure("is a Matroska (.mkv) file, not WebM: convert it with ffmpeg to WebM or MP4")
            }
            return failure("is an EBML file of type '\(type ?? "none")', not WebM")
        }

        // The Segment follows the header; walk its top-level children for Info and Tracks.
        var position = header.dataStart + headerSize
        var segmentStart: Int64?
        var segmentEnd = source.size
        var steps = 0
        while position < source.size {
            steps += 1
            guard steps <= MediaProbe.maximumSteps else { return failure("has too many WebM elements to be a recording") }
            guard let found = element(source, at: position) else {
                return failure("is a damaged WebM file: the element at byte \(position) is not valid")
            }
            if found.id == segment {
                segmentStart = found.dataStart
                if let size = found.dataSize { segmentEnd = min(source.size, found.dataStart + size) }
                break
            }
            guard let size = found.dataSize else { break }
            position = found.dataStart + size
        }
        guard let segmentStart else { return failure("is a WebM file without a Segment") }

        var scale: UInt64 = 1_000_000
        var rawDuration: Double?
        var hasVideo = false
        var hasAudio = false
        var sawInfo = false
        var sawTracks = false
        position = segmentStart
        while position < segmentEnd, !(sawInfo && sawTracks) {
            steps += 1
            guard steps <= MediaProbe.maximumSteps else { return failure("has too many WebM elements to be a recording") }
            guard let child = element(source, at: position) else { break }
            guard let size = child.dataSize, child.dataStart + size <= segmentEnd else {
                // A Cluster of unknown size (a live recording): nothing after it can be skipped to.
                break
            }
            if child.id == info || child.id == tracks {
                guard size <= Int64(MediaProbe.maximumHeaderBytes) else {
                    return failure("has a WebM header element larger than \(MediaProbe.maximumHeaderBytes / 1024 / 1024) MB")
                }
                let bytes = source.read(at: child.dataStart, count: Int(size))
                if child.id == info {
                    sawInfo = true
                    guard read(info: bytes, scale: &scale, duration: &rawDuration) else {
                        return failure("is a damaged WebM file: its Info element does not fit")
                    }
                } else {
                    sawTracks = true
                    guard read(tracks: bytes, video: &hasVideo, audio: &hasAudio) else {
                        return failure("is a damaged WebM file: its Tracks element does not fit")
                    }
                }
            }
            position = child.dataStart + size
        }
        guard hasVideo || hasAudio else { return failure("is a WebM file with neither a video nor an audio track") }
        guard let rawDuration, rawDuration.isFinite, rawDuration > 0 else {
            return failure("is a WebM file whose header gives no running time (Segment Info Duration); "
                           + "rewrite it with ffmpeg -i in.webm -c copy out.webm")
        }
        let seconds = rawDuration * Double(scale) / 1_000_000_000
        return .success(MediaProbe(container: .webm, hasVideo: hasVideo, hasAudio: hasAudio, duration: seconds))
    }

    private static func children(_ bytes: [UInt8], _ visit: (Element, ArraySlice<UInt8>) -> Bool) -> Bool {
        var offset: Int64 = 0
        var steps = 0
        while offset < Int64(bytes.count) {
            steps += 1
            guard steps <= MediaProbe.maximumSteps, let child = element(MediaBytes(bytes), at: offset), let size = child.dataSize,
                  child.dataStart + size <= Int64(bytes.count) else { return false }
            guard visit(child, bytes[Int(child.dataStart)..<Int(child.dataStart + size)]) else { return false }
            offset = child.dataStart + size
        }
        return true
    }

    private static func read(info bytes: [UInt8], scale: inout UInt64, duration seconds: inout Double?) -> Bool {
        children(bytes) { child, data in
            let value = Array(data)
            if child.id == timecodeScale, let number = value.uint(0, value.count), number > 0 {
                scale = number
            } else if child.id == duration {
                if value.count == 4, let bits = value.uint(0, 4) {
                    seconds = Double(Float(bitPattern: UInt32(bits)))
                } else if value.count == 8, let bits = value.uint(0, 8) {
                    seconds = Double(bitPattern: bits)
                }
            }
            return true
        }
    }

    private static func read(tracks bytes: [UInt8], video: inout Bool, audio: inout Bool) -> Bool {
        children(bytes) { child, data in
            guard child.id == trackEntry else { return true }
            return children(Array(data)) { field, value in
                if field.id == trackType, let type = Array(value).uint(0, value.count) {
                    if type == 1 { video = true }
                    if type == 2 { audio = true }
                }
                return true
            }
        }
    }
}

// MARK: - MP3

enum MP3Probe {
    struct FrameHeader {
        let mpeg1: Bool
        let bitrate: Int
        let sampleRate: Int
        let padding: Int
        let mono: Bool

        static let bitratesMPEG1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
        static let bitratesMPEG2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]

        /// An MPEG audio layer III frame header at `offset`, or nil.
        init?(_ bytes: [UInt8], at offset: Int) {
            guard offset >= 0, offset + 4 <= bytes.count else { return nil }
            let b1 = bytes[offset + 1]
            let b2 = bytes[offset + 2]
            guard bytes[offset] == 0xFF, b1 & 0xE0 == 0xE0 else { return nil }
            let version = (b1 >> 3) & 3
            let layer = (b1 >> 1) & 3
            let bitrateIndex = Int(b2 >> 4)
            let rateIndex = Int((b2 >> 2) & 3)
            guard version != 1, layer == 1, bitrateIndex != 15, rateIndex != 3 else { return nil }
            mpeg1 = version == 3
            bitrate = (mpeg1 ? Self.bitratesMPEG1 : Self.bitratesMPEG2)[bitrateIndex]
            let rates = [44100, 48000, 32000]
            sampleRate = rates[rateIndex] / (version == 3 ? 1 : version == 2 ? 2 : 4)
            padding = Int((b2 >> 1) & 1)
            mono = bytes[offset + 3] >> 6 == 3
        }

        var samplesPerFrame: Int { mpeg1 ? 1152 : 576 }

        /// Bytes in this frame; nil for free-format frames (bit rate 0).
        var length: Int? {
            guard bitrate > 0 else { return nil }
            return (mpeg1 ? 144 : 72) * bitrate * 1000 / sampleRate + padding
        }

        /// Where a Xing/Info header sits after the frame header (after the side information).
        var xingOffset: Int { 4 + (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17)) }
    }

    static func probe(_ source: some MediaByteSource) -> Result<MediaProbe, MediaProbe.Failure> {
        func failure(_ message: String) -> Result<MediaProbe, MediaProbe.Failure> {
            .failure(MediaProbe.Failure(message: message))
        }
        var start: Int64 = 0
        let head = source.read(at: 0, count: 10)
        if head.count >= 10, Array(head[0..<3]) == Array("ID3".utf8) {
            // ID3v2: a 10-byte header, the tag size in four 7-bit bytes, and a 10-byte footer when flagged.
            guard head[6...9].allSatisfy({ $0 < 0x80 }) else { return failure("is a damaged MP3 file: its ID3 tag size is not valid") }
            let size = head[6...9].reduce(Int64(0)) { $0 << 7 | Int64($1) }
            start = 10 + size + (head[5] & 0x10 != 0 ? 10 : 0)
        }
        // Padding after a tag is allowed; the first frame must follow within a few kilobytes.
        let window = source.read(at: start, count: 4096 + 4)
        var first: (offset: Int, header: FrameHeader)?
        for index in 0..<max(0, window.count - 3) {
            guard window[index] == 0xFF, let header = FrameHeader(window, at: index) else { continue }
            // A second frame right after the first confirms the sync (when the first frame's length is known).
            if let length = header.length {
                let next = source.read(at: start + Int64(index + length), count: 4)
                if next.count == 4, FrameHeader(next, at: 0) == nil { continue }
            }
            first = (index, header)
            break
        }
        guard let first else {
            return failure("is not an MP4, WebM, MP3 or M4A file (it starts like an MP3 but no MPEG audio layer III "
                           + "frame follows)")
        }
        let frameStart = start + Int64(first.offset)
        let header = first.header
        let frame = source.read(at: frameStart, count: 4 + 32 + 26)
        var frames: UInt64?
        let xing = header.xingOffset
        if let tag = frame.fourCC(xing), tag == "Xing" || tag == "Info", let flags = frame.uint(xing + 4, 4), flags & 1 != 0 {
            frames = frame.uint(xing + 8, 4)
        } else if frame.fourCC(36) == "VBRI" {
            frames = frame.uint(36 + 14, 4)
        }
        var seconds: Double
        if let frames, frames > 0 {
            seconds = Double(frames) * Double(header.samplesPerFrame) / Double(header.sampleRate)
        } else {
            guard header.bitrate > 0 else {
                return failure("is a free-format MP3 without a Xing or VBRI header, so its running time is unknown")
            }
            var end = source.size
            if end - frameStart >= 128, source.read(at: end - 128, count: 3) == Array("TAG".utf8) { end -= 128 }
            seconds = Double(end - frameStart) * 8 / Double(header.bitrate * 1000)
        }
        guard seconds.isFinite, seconds > 0 else { return failure("is an MP3 file with no audio frames") }
        return .success(MediaProbe(container: .mp3, hasVideo: false, hasAudio: true, duration: seconds))
    }
}
