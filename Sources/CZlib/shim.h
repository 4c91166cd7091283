#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
/*
 * zlib, for inflating the members of zip archives and their CRC-32 (Sources/TrainingServer/Organisation/Inflate.swift),
 * and for compressing the kept parts of pages once each (Sources/TrainingServer/HTTP/Gzip.swift). Answers are
 * otherwise compressed with libdeflate (Sources/CDeflate).
 */
#include <zlib.h>
#endif
