import CDeflate
import Foundation

/// gzip compression (RFC 1952) through libdeflate: static files compressed once at start-up at its best level, and
/// dynamic answers (pages, JSON) compressed per response at its fastest level for clients that accept gzip. Each
/// result is one standard gzip member (10-byte header, DEFLATE data, CRC-32 and size of the input), which any
/// gzip reader decodes. (zlib stays for reading zip members: Organisation/Inflate.swift.)
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
    /// no-store` included) stay as they are.
    static func compressDynamic(_ response: inout Response, acceptEncoding: String?) {
        guard response.prepared == nil, case .bytes(let bytes) = response.body, bytes.count >= dynamicMinimumSize,
              response.status != .notModified, !response.headers.contains("Content-Encoding"),
              !response.headers.contains("ETag"), let type = response.headers["Content-Type"],
              type.hasPrefix("text/") || type.hasPrefix("application/json") || type.hasPrefix("image/svg+xml")
        else { return }
        response.headers.add("Vary", "Accept-Encoding")
        guard var acceptEncoding, acceptEncoding.withUTF8(StaticAssets.acceptsGzip),
              let compressed = compressDynamicBody(bytes) else { return }
        response.headers.add("Content-Encoding", "gzip")
        response.body = .bytes(compressed)
    }
}
