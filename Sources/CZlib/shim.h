#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
/*
 * zlib's deflateInit2 is a macro Swift cannot call. czlib_gzip does the whole compression in C, so the Swift
 * side (Sources/TrainingServer/HTTP/Gzip.swift) passes two buffers and sees no z_stream.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

/* Room enough for czlib_gzip's output from `length` input bytes: compressBound's figure for a zlib stream (its
 * stored-block worst case) plus the gzip wrapper's 18 bytes. Should it ever be short, czlib_gzip reports failure
 * (0) rather than writing past the buffer. */
static inline size_t czlib_gzip_bound(size_t length) {
    return (size_t)compressBound((uLong)length) + 18;
}

/*
 * Compresses `length` bytes at `input` into a gzip member (RFC 1952) at `output`, which holds `capacity` bytes,
 * at zlib level `level` (1 fastest to 9 best), with a window of 2^`window_bits` bytes (9-15) and `memory_level`
 * (1-9: the size of zlib's hash table); smaller windows and tables cost less to set up for each call. Returns the
 * number of bytes written, or 0 when zlib fails or the output does not fit (capacity below czlib_gzip_bound).
 */
static inline size_t czlib_gzip_level(const uint8_t *input, size_t length, uint8_t *output, size_t capacity,
                                      int level, int window_bits, int memory_level) {
    /* zlib counts in uInt: larger buffers would be cut short. */
    if (length > UINT_MAX || capacity > UINT_MAX) return 0;
    z_stream stream = {0};
    /* + 16: a gzip header and trailer instead of zlib's. */
    if (deflateInit2(&stream, level, Z_DEFLATED, window_bits + 16, memory_level, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    stream.next_out = output;
    stream.avail_out = (uInt)capacity;
    int status = deflate(&stream, Z_FINISH);
    size_t written = capacity - stream.avail_out;
    deflateEnd(&stream);
    return status == Z_STREAM_END ? written : 0;
}

/* czlib_gzip_level at the best compression level, for files compressed once. */
static inline size_t czlib_gzip(const uint8_t *input, size_t length, uint8_t *output, size_t capacity) {
    return czlib_gzip_level(input, length, output, capacity, Z_BEST_COMPRESSION, 15, 9);
}

#endif
