#ifndef CDEFLATE_SHIM_H
#define CDEFLATE_SHIM_H
/*
 * libdeflate: whole-buffer DEFLATE compression with a gzip wrapper (RFC 1952), for the answers the server compresses
 * (Sources/TrainingServer/HTTP/Gzip.swift). Its compressor is allocated once per level and reused.
 */
#include <libdeflate.h>
#endif
