#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H
/*
 * libcurl's curl_easy_setopt is variadic, which Swift cannot call: these functions pass one option of each type
 * through. The upload of a message is read by ccurl_read_upload from a ccurl_upload the caller keeps alive for the
 * whole transfer. Only Sources/TrainingServer/Mail/CurlSMTPTransport.swift uses this module.
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

#endif
