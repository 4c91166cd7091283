import CDeflate
import CZlib
import Foundation

/// gzip compression (RFC 1952) through libdeflate: static files compressed once at start-up at its best level, and
/// dynamic answers (pages, JSON) compressed per response at its fastest level for clients that accept gzip. Each
/// result is one standard gzip member (10-byte header, DEFLATE data, CRC-32 and size of the input), which any
/// gzip reader decodes. (zlib stays for reading zip members, Organisation/Inflate.swift, and compresses the parts of
/// pages the server keeps, once per part: see `Deflated` and `compress(_:parts:)`.)
///
/// libdeflate rather than zlib: it compresses a whole buffer in one call, with no stream state to set up, and its
/// compressor (hash tables included) is allocated once and reused, where zlib allocates and initialises its window
/// and tables on every `deflateInit2`. On the signed-in pages (3-9 KB) that halves the cost of a compressed answer
/// at the same size (see `dynamicLevel`).
enum Gzip {
    /// The level of files compressed once (`StaticAssets`): libdeflate's best, whose near-optimal parser makes
    /// style.css 3,574 bytes (zlib's best: 3,710) in about 2 ms, once per start.
    static let staticLevel: Int32 = 12

    /// `bytes` as one gzip member at `staticLevel`, or nil if libdeflate cannot allocate a compressor.
    static func compress(_ bytes: [UInt8]) -> [UInt8]? { compress(bytes, level: staticLevel) }

    /// `bytes` as one gzip member at libdeflate `level` (0 stored, 1 fastest to 12 best), with a compressor
    /// allocated for this call; nil if the level is out of range or memory runs out.
    static func compress(_ bytes: [UInt8], level: Int32) -> [UInt8]? {
        guard let compressor = libdeflate_alloc_compressor(level) else { return nil }
        defer { libdeflate_free_compressor(compressor) }
        return compress(bytes, with: compressor, capacity: libdeflate_gzip_compress_bound(compressor, bytes.count))
    }

    /// Stands in for the input of an empty array, whose storage may have no address: libdeflate then reads no byte
    /// of it, but is never handed a null pointer.
    private static let placeholder: [UInt8] = [0]

    /// `bytes` as one gzip member through `compressor`, in at most `capacity` bytes; nil if it does not fit.
    ///
    /// Safety: libdeflate reads exactly `bytes.count` bytes from the input's address, which is valid for the
    /// closure's duration, and writes at most `capacity` bytes, the output buffer's own capacity; it returns how many
    /// it wrote (0 when the result does not fit), and only that many are kept as initialised.
    private static func compress(_ bytes: [UInt8], with compressor: OpaquePointer, capacity: Int) -> [UInt8]? {
        guard capacity > 0 else { return nil }
        let source = bytes.isEmpty ? placeholder : bytes
        var written = 0
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            written = source.withUnsafeBytes { input in
                libdeflate_gzip_compress(compressor, input.baseAddress, bytes.count, buffer.baseAddress, capacity)
            }
            initialized = written
        }
        return written == 0 ? nil : output
    }

    /// How dynamic answers are compressed. Measured on the four signed-in pages (dashboard 4.6 KB, module page 9.4 KB,
    /// course page 4.4 KB, catalogue 3.2 KB), compressor reused, CPU time per call: level 1 takes 18-33 us and gives
    /// 1,671 / 4,475 / 1,679 / 1,838 bytes (zlib level 1 with its small 8 KB window, the earlier setting: 35-77 us
    /// for 1,703 / 4,475 / 1,680 / 1,807 bytes). Levels 2-4 switch to a hash-chain match finder and cost 1.5-2 times
    /// as much for 1-4 % fewer bytes, levels 5-6 2-2.2 times for 2-6 % fewer (module page: 4,200 bytes at 73 us).
    /// A few hundred bytes on a page is nothing next to the server's CPU: level 1 it is.
    static let dynamicLevel: Int32 = 1
    /// Smaller bodies are sent as they are: the gzip wrapper and a compression call cost more than they save.
    static let dynamicMinimumSize = 1024

    /// Each thread's compressor at `dynamicLevel` (200 KB, allocated on its first compressed answer), kept under a
    /// thread-specific key whose destructor frees it when the thread ends. libdeflate's compressor may not be used by
    /// two threads at once; one per thread needs no lock, and the server's fixed pool of threads keeps their number
    /// (and the memory) bounded.
    private static let compressorKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { compressor in libdeflate_free_compressor(OpaquePointer(compressor)) }
        precondition(status == 0, "no thread-specific key left for the gzip compressors")
        return key
    }()

    /// The calling thread's compressor, allocated on first use; nil if memory runs out.
    ///
    /// Safety: the pointer is stored under `compressorKey` only by this thread, read back only by this thread
    /// (`pthread_getspecific` answers per thread), and freed only by the key's destructor once the thread has ended,
    /// so no two threads ever use one compressor and none uses it after it is freed. It is used only for the length
    /// of one `compress(_:with:capacity:)` call, which does not re-enter this function.
    private static func threadCompressor() -> OpaquePointer? {
        if let stored = pthread_getspecific(compressorKey) { return OpaquePointer(stored) }
        guard let compressor = libdeflate_alloc_compressor(dynamicLevel) else { return nil }
        guard pthread_setspecific(compressorKey, UnsafeRawPointer(compressor)) == 0 else {
            libdeflate_free_compressor(compressor)
            return nil
        }
        return compressor
    }

    /// `bytes` as one gzip member at `dynamicLevel` through the calling thread's compressor, or nil when that is not
    /// smaller than `bytes` (libdeflate is given room for one byte less and stops when the output would not fit).
    static func compressDynamicBody(_ bytes: [UInt8]) -> [UInt8]? {
        guard let compressor = threadCompressor() else { return nil }
        return compress(bytes, with: compressor, capacity: bytes.count - 1)
    }

    /// Compresses a dynamic answer in place when the client accepts gzip (`acceptEncoding`): a byte body of at least
    /// `dynamicMinimumSize` bytes, of a textual type, not encoded already, without an ETag (a compressed form would
    /// need its own) and not a prepared answer. Every answer that qualifies by its own properties says
    /// `Vary: Accept-Encoding`, compressed or not, so a cache keeps the forms apart. Other headers (`Cache-Control:
    /// no-store` included) stay as they are. A body written mostly from kept parts (`Response.gzipParts`) is put
    /// together from their compressed data (see `compress(_:parts:)`) instead of being compressed.
    static func compressDynamic(_ response: inout Response, acceptEncoding: String?) {
        guard response.prepared == nil, case .bytes(let bytes) = response.body, bytes.count >= dynamicMinimumSize,
              response.status != .notModified, !response.headers.contains("Content-Encoding"),
              !response.headers.contains("ETag"), let type = response.headers["Content-Type"],
              type.hasPrefix("text/") || type.hasPrefix("application/json") || type.hasPrefix("image/svg+xml")
        else { return }
        response.headers.add("Vary", "Accept-Encoding")
        guard var acceptEncoding, acceptEncoding.withUTF8(StaticAssets.acceptsGzip) else { return }
        // A page written from kept parts reuses their compressed data; any other body is compressed whole.
        let fromParts = response.gzipParts.flatMap { parts in
            parts.worthIt ? compress(bytes, parts: parts).flatMap { $0.count < bytes.count ? $0 : nil } : nil
        }
        guard let compressed = fromParts ?? compressDynamicBody(bytes) else { return }
        response.headers.add("Content-Encoding", "gzip")
        response.body = .bytes(compressed)
    }
}

// MARK: - Answers from kept parts

extension Gzip {
    /// A kept part of a page as DEFLATE data of its own, made once when the part is built: compressed by zlib at
    /// `keptLevel` and ended by a sync flush (which leaves the data at a byte boundary, with no final block), or as
    /// stored blocks when compressing does not make it smaller. DEFLATE blocks can follow one another at any byte
    /// boundary, and a part's matches reach only into the part itself, so its data decodes the same wherever the part
    /// stands in a page (see `compress(_:parts:)`).
    final class Deflated: Sendable {
        /// The DEFLATE blocks (none for an empty part).
        let data: [UInt8]
        /// How many bytes they expand to.
        let count: Int

        init(_ bytes: [UInt8]) {
            count = bytes.count
            var stored: [UInt8] = []
            stored.reserveCapacity(Gzip.storedSize(bytes.count))
            Gzip.appendStored(bytes[...], to: &stored)
            if bytes.count > 16, let compressed = Gzip.deflateSyncFlushed(bytes, level: Gzip.keptLevel),
               compressed.count < stored.count {
                data = compressed
            } else {
                data = stored
            }
        }
    }

    /// What a page's bytes were written from, in order: runs written for this answer (`fresh`, by their byte count)
    /// and kept parts with their DEFLATE data (`kept`).
    enum Piece: Sendable {
        case fresh(Int)
        case kept(Deflated)
    }

    /// A page's bytes as runs of fresh bytes and kept parts (see `PageWriter`), carried by its `Response` so that the
    /// gzip form reuses the kept parts' compressed data.
    struct Parts: Sendable {
        var pieces: [Piece] = []
        /// The bytes written for this answer, and those from kept parts.
        var freshCount = 0
        var keptCount = 0
        /// The kept parts' DEFLATE bytes.
        var keptDataCount = 0

        /// Adds `count` bytes written for this answer (joined to a run just before).
        mutating func fresh(_ count: Int) {
            guard count > 0 else { return }
            freshCount += count
            if case .fresh(let previous) = pieces.last {
                pieces[pieces.count - 1] = .fresh(previous + count)
            } else {
                pieces.append(.fresh(count))
            }
        }

        /// Adds a kept part.
        mutating func kept(_ part: Deflated) {
            guard part.count > 0 else { return }
            keptCount += part.count
            keptDataCount += part.data.count
            pieces.append(.kept(part))
        }

        /// The size of the gzip member from the pieces (header, kept data, fresh runs as stored blocks, final
        /// block, trailer).
        var memberSize: Int {
            var size = 10 + keptDataCount + 2 + 8
            for piece in pieces { if case .fresh(let count) = piece { size += storedSize(count) } }
            return size
        }

        /// Whether the gzip form is to be built from the pieces: when the member is at most `partsMaximumShare` of
        /// the page. Fresh bytes go out as stored blocks (uncompressed) and a kept part cannot refer back to the text
        /// before it, so a page of many small parts or written mostly for its answer is far smaller compressed whole
        /// (measured: the module page 5.9 KB from its parts, 63 % of the page, against 4.5 KB whole; the course page
        /// 3.9 KB, 90 %, against 1.7 KB; the catalogue 2.8 KB, 89 %, against 1.8 KB).
        var worthIt: Bool { keptCount > 0 && memberSize * 100 <= (keptCount + freshCount) * Gzip.partsMaximumShare }
    }

    /// The largest gzip member from kept parts, in per cent of the page, that is sent instead of compressing the page
    /// whole (see `Parts.worthIt`).
    static let partsMaximumShare = 70

    /// The level kept parts are compressed at, once per part: zlib's best.
    static let keptLevel: Int32 = 9

    /// The size of `count` bytes as stored blocks (5 bytes of header per 65,535 bytes).
    static func storedSize(_ count: Int) -> Int { count + 5 * max(1, (count + 65_534) / 65_535) }

    /// Appends `bytes` as stored DEFLATE blocks, not final (none for no bytes): a header byte (at a byte boundary,
    /// BFINAL 0 and BTYPE 00 with the padding bits), the length and its complement, then the bytes as they are.
    static func appendStored(_ bytes: ArraySlice<UInt8>, to output: inout [UInt8]) {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = min(bytes.endIndex, start + 65_535)
            let length = UInt16(end - start)
            output.append(0)
            output.append(UInt8(truncatingIfNeeded: length))
            output.append(UInt8(truncatingIfNeeded: length >> 8))
            output.append(UInt8(truncatingIfNeeded: ~length))
            output.append(UInt8(truncatingIfNeeded: ~length >> 8))
            output.append(contentsOf: bytes[start..<end])
            start = end
        }
    }

    /// The gzip header (RFC 1952): magic, DEFLATE, no flags, no time, no extra flags, unknown system.
    private static let header: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]

    /// `body` as one gzip member from `parts` (which must describe `body`: the fresh runs and the kept parts' bytes in
    /// order): the kept parts' DEFLATE data as it is, each fresh run as stored blocks, an empty final block, and the
    /// CRC-32 and size of the whole body. No byte of the body is compressed here; nil when `parts` does not add up to
    /// `body`. A fresh run (the CSRF token, the return address, a title) is never compressed together with other
    /// text, so its length on the wire tells nothing about what it has in common with the rest of the page (BREACH).
    static func compress(_ body: [UInt8], parts: Parts) -> [UInt8]? {
        guard parts.freshCount + parts.keptCount == body.count else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(header.count + parts.keptDataCount + parts.freshCount + 5 * parts.pieces.count + 10)
        output.append(contentsOf: header)
        var offset = 0
        for piece in parts.pieces {
            switch piece {
            case .fresh(let count):
                appendStored(body[offset..<(offset + count)], to: &output)
                offset += count
            case .kept(let part):
                output.append(contentsOf: part.data)
                offset += part.count
            }
        }
        // BFINAL 1, BTYPE 01 (fixed codes), the end-of-block code (seven zero bits), padded: 03 00.
        output.append(0x03)
        output.append(0x00)
        let crc = crc32(body)
        let size = UInt32(truncatingIfNeeded: body.count)
        for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8(truncatingIfNeeded: crc >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8(truncatingIfNeeded: size >> UInt32(shift))) }
        return output
    }

    /// The CRC-32 of `bytes` (libdeflate's, the gzip trailer's).
    ///
    /// Safety: libdeflate reads exactly `bytes.count` bytes from the array's address, valid for the closure's duration.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { UInt32(libdeflate_crc32(0, $0.baseAddress, $0.count)) }
    }

    /// `bytes` as raw DEFLATE data (no wrapper) from zlib at `level`, ended by a sync flush: the data stops at a byte
    /// boundary after an empty stored block and has no final block, so more blocks may follow. Nil if zlib fails.
    ///
    /// Safety: the `z_stream` is allocated here and freed after `deflateEnd`, so its address (which zlib keeps in its
    /// state) never changes while zlib holds it. zlib reads `avail_in` bytes from `next_in`, a copy of the input that
    /// lives for the whole call, and writes at most `avail_out` bytes to `next_out`, the output buffer's own capacity;
    /// only the bytes it reports written are kept as initialised.
    static func deflateSyncFlushed(_ bytes: [UInt8], level: Int32) -> [UInt8]? {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        guard deflateInit2_(stream, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, zlibVersion(),
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(stream) }
        // A sync flush adds at most an empty stored block (5 bytes) and the bits before it to the bound.
        let capacity = Int(deflateBound(stream, uLong(bytes.count))) + 16
        var input = bytes
        var result: Int32 = Z_STREAM_ERROR
        var written = 0
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            input.withUnsafeMutableBufferPointer { source in
                stream.pointee.next_in = source.baseAddress
                stream.pointee.avail_in = uInt(source.count)
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(capacity)
                result = deflate(stream, Z_SYNC_FLUSH)
                written = capacity - Int(stream.pointee.avail_out)
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
            }
            initialized = written
        }
        guard result == Z_OK, stream.pointee.avail_in == 0, stream.pointee.avail_out > 0 else { return nil }
        return output
    }
}
