#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
/*
 * libcurl's curl_easy_setopt is variadic, which Swift cannot call: these functions pass one option of each type
 * through. The upload of a message is read by ccurl_read_upload from a ccurl_upload the caller keeps alive for the
 * whole transfer; a response body is written by ccurl_write_download into a ccurl_download the caller keeps alive.
 * Only Sources/TrainingServer/Mail/CurlSMTPTransport.swift and Sources/TrainingServer/HTTP/CurlHTTPClient.swift use
 * this module.
 */
#include <stddef.h>
#include <string.h>
#include <curl/curl.h>

static inline CURLcode ccurl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_setopt_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/* The message being uploaded: `length` bytes at `data`, `offset` of them sent so far. */
struct ccurl_upload {
    const char *data;
    size_t length;
    size_t offset;
};

static size_t ccurl_read_upload(char *buffer, size_t size, size_t count, void *user) {
    struct ccurl_upload *upload = (struct ccurl_upload *)user;
    size_t room = size * count;
    size_t left = upload->length - upload->offset;
    size_t chunk = left < room ? left : room;
    if (chunk > 0) {
        memcpy(buffer, upload->data + upload->offset, chunk);
        upload->offset += chunk;
    }
    return chunk;
}

/* Makes `handle` upload `upload` (which must outlive curl_easy_perform) and keeps errors in `errors`, a buffer of
 * CURL_ERROR_SIZE bytes. */
static inline CURLcode ccurl_set_upload(CURL *handle, struct ccurl_upload *upload, char *errors) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_READFUNCTION, ccurl_read_upload);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_READDATA, (void *)upload);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t)upload->length);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errors);
    return code;
}

/* Makes `handle` forget the upload and the error buffer (before their memory goes away: curl_easy_cleanup may still
 * report into the error buffer while closing the connection). */
static inline void ccurl_clear_upload(CURL *handle) {
    curl_easy_setopt(handle, CURLOPT_READDATA, (void *)0);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, (char *)0);
}

/* The SMTP server's last response code (e.g. 535 for rejected credentials), 0 when there was none. */
static inline long ccurl_response_code(CURL *handle) {
    long code = 0;
    if (curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) return 0;
    return code;
}

/* A response body being received into `capacity` bytes at `data`; `length` of them filled. `overflow` is set when
 * the body was larger (the transfer then stops with CURLE_WRITE_ERROR). */
struct ccurl_download {
    char *data;
    size_t capacity;
    size_t length;
    int overflow;
};

static size_t ccurl_write_download(char *chunk, size_t size, size_t count, void *user) {
    struct ccurl_download *download = (struct ccurl_download *)user;
    size_t bytes = size * count;
    if (bytes > download->capacity - download->length) {
        download->overflow = 1;
        return 0;
    }
    memcpy(download->data + download->length, chunk, bytes);
    download->length += bytes;
    return bytes;
}

/* Makes `handle` write the response body into `download` (which must outlive curl_easy_perform) and keep errors in
 * `errors`, a buffer of CURL_ERROR_SIZE bytes. */
static inline CURLcode ccurl_set_download(CURL *handle, struct ccurl_download *download, char *errors) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, ccurl_write_download);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_WRITEDATA, (void *)download);
    if (code == CURLE_OK) code = curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, errors);
    return code;
}

/* Makes `handle` forget the download and the error buffer before their memory goes away. */
static inline void ccurl_clear_download(CURL *handle) {
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, (void *)0);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, (char *)0);
}

/* The response's Content-Type, or NULL; the text belongs to the handle (valid until the next transfer or cleanup). */
static inline const char *ccurl_content_type(CURL *handle) {
    char *type = 0;
    if (curl_easy_getinfo(handle, CURLINFO_CONTENT_TYPE, &type) != CURLE_OK) return 0;
    return type;
}

#endif
