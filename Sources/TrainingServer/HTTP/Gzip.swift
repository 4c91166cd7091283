import CZlib

/// gzip compression (RFC 1952) through zlib: static files compressed once at start-up at the best level, and dynamic
/// answers (pages, JSON) compressed per response at a fast level for clients that accept gzip. (zlib's other caller
/// is Organisation/Inflate.swift, which reads zip members.)
enum Gzip {
    /// `bytes` as one gzip member at zlib's best level, or nil if zlib fails.
    static func compress(_ bytes: [UInt8]) -> [UInt8]? { compress(bytes, level: 9, windowBits: 15, memoryLevel: 9) }

    /// `bytes` as one gzip member at `level` (1 fastest, 9 best) with a window of 2^`windowBits` bytes and zlib's
    /// `memoryLevel`, or nil if zlib fails.
    ///
    /// Safety: the output buffer holds `czlib_gzip_bound` bytes, the most zlib can write for this input, and
    /// `czlib_gzip_level` writes no more than the capacity it is given; only the part it reports as written is kept.
    static func compress(_ bytes: [UInt8], level: Int32, windowBits: Int32, memoryLevel: Int32) -> [UInt8]? {
        let capacity = czlib_gzip_bound(bytes.count)
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            let written = bytes.withUnsafeBufferPointer { input in
                czlib_gzip_level(input.baseAddress, input.count, buffer.baseAddress, capacity, level, windowBits,
                                 memoryLevel)
            }
            failed = written == 0
            initialized = written
        }
        return failed ? nil : output
    }

    /// How dynamic answers are compressed. Measured on the signed-in pages (4-9 KB): most of a call's cost is zlib
    /// setting up its window and hash table, so an 8 KB window and memory level 6 halve it (course page 58 -> 33 us,
    /// module page 109 -> 75 us) for 0.3 % more bytes; levels 1-3 cost the same within noise, level 6 about twice as
    /// much for 4-6 % fewer bytes. Level 1 it is.
    static let dynamicLevel: Int32 = 1
    static let dynamicWindowBits: Int32 = 13
    static let dynamicMemoryLevel: Int32 = 6
    /// Smaller bodies are sent as they are: the gzip wrapper and a compression call cost more than they save.
    static let dynamicMinimumSize = 1024

    /// Compresses a dynamic answer in place when the client accepts gzip (`acceptEncoding`): a byte body of at least
    /// `dynamicMinimumSize` bytes, of a textual type, not encoded already, without an ETag (a compressed form would
    /// need its own) and not a prepared answer. Every answer that qualifies by its own properties says
    /// `Vary: Accept-Encoding`, compressed or not, so a cache keeps the forms apart. Other headers (`Cache-Control:
    /// no-store` included) stay as they are.
    static func compressDynamic(_ response: inout Response, acceptEncoding: String?) {
        guard response.prepared == nil, case .bytes(let bytes) = response.body, bytes.count >= dynamicMinimumSize,
              response.status != .notModified, !response.headers.contains("Content-Encoding"),
              !response.headers.contains("ETag"), let type = response.headers["Content-Type"],
              type.hasPrefix("text/") || type.hasPrefix("application/json") || type.hasPrefix("image/svg+xml")
        else { return }
        response.headers.add("Vary", "Accept-Encoding")
        guard var acceptEncoding, acceptEncoding.withUTF8(StaticAssets.acceptsGzip),
              let compressed = compress(bytes, level: dynamicLevel, windowBits: dynamicWindowBits,
                                             memoryLevel: dynamicMemoryLevel), compressed.count < bytes.count else { return }
        response.headers.add("Content-Encoding", "gzip")
        response.body = .bytes(compressed)
    }
}
