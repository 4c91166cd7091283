#ifndef CMICROHTTPD_SHIM_H
#define CMICROHTTPD_SHIM_H
/*
 * Swift cannot call C variadic functions (MHD_start_daemon) or read C unions (MHD_ConnectionInfo,
 * MHD_DaemonInfo), and it cannot receive a va_list from MHD's logger. These small inline functions do that
 * part in C; the Swift side (Sources/TrainingServer/HTTP/) calls only them and plain MHD functions.
 */
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/** Daemon settings chosen by the Swift side; every limit is explicit. */
struct mhd_shim_config {
    unsigned int flags;
    uint16_t port;
    const char *bind_address;        /* IPv4 or IPv6 literal, or NULL for any */
    unsigned int thread_pool_size;
    unsigned int connection_timeout; /* seconds of inactivity */
    unsigned int connection_limit;
    unsigned int per_ip_limit;       /* 0 = unlimited */
    size_t memory_limit;             /* per-connection pool, bytes */
    int strict;                      /* MHD_OPTION_STRICT_FOR_CLIENT */
    const char *tls_key_pem;         /* NULL without TLS */
    const char *tls_cert_pem;
    const char *tls_priorities;
};

/** A plain message callback: MHD's printf-style logger is formatted here. */
typedef void (*mhd_shim_message_callback)(void *cls, const char *message);

struct mhd_shim_logger {
    mhd_shim_message_callback callback;
    void *cls;
};

static inline void mhd_shim_log_trampoline(void *cls, const char *format, va_list ap) {
    struct mhd_shim_logger *logger = (struct mhd_shim_logger *)cls;
    char buffer[1024];
    vsnprintf(buffer, sizeof buffer, format, ap);
    logger->callback(logger->cls, buffer);
}

typedef void *(*mhd_shim_uri_log_callback)(void *cls, const char *uri, struct MHD_Connection *connection);

static inline struct MHD_Daemon *mhd_shim_start(const struct mhd_shim_config *c,
                                                MHD_AccessHandlerCallback handler, void *handler_cls,
                                                MHD_RequestCompletedCallback completed, void *completed_cls,
                                                mhd_shim_uri_log_callback uri_log, void *uri_log_cls,
                                                struct mhd_shim_logger *logger) {
    struct MHD_OptionItem ops[20];
    int i = 0;
    struct sockaddr_in addr4;
    struct sockaddr_in6 addr6;
    /* The logger must be the first option so that errors in the others are reported. */
    ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_shim_log_trampoline, logger };
    ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, completed_cls };
    ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_log, uri_log_cls };
    ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)c->connection_timeout, NULL };
    ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, (intptr_t)c->connection_limit, NULL };
    ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)c->per_ip_limit, NULL };
    ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)c->memory_limit, NULL };
    ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_STRICT_FOR_CLIENT, (intptr_t)c->strict, NULL };
    if (c->thread_pool_size > 1)
        ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)c->thread_pool_size, NULL };
    if (c->bind_address != NULL) {
        memset(&addr4, 0, sizeof addr4);
        memset(&addr6, 0, sizeof addr6);
        if (inet_pton(AF_INET, c->bind_address, &addr4.sin_addr) == 1) {
            addr4.sin_family = AF_INET;
            addr4.sin_port = htons(c->port);
            ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &addr4 };
        } else if (inet_pton(AF_INET6, c->bind_address, &addr6.sin6_addr) == 1) {
            addr6.sin6_family = AF_INET6;
            addr6.sin6_port = htons(c->port);
            ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &addr6 };
        } else {
            return NULL;
        }
    }
    if (c->tls_key_pem != NULL && c->tls_cert_pem != NULL) {
        ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)c->tls_key_pem };
        ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)c->tls_cert_pem };
        ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)c->tls_priorities };
    }
    ops[i++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
    return MHD_start_daemon(c->flags, c->port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
}

/** The port the daemon listens on (useful after binding port 0). */
static inline uint16_t mhd_shim_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/** Connections currently open. */
static inline unsigned int mhd_shim_current_connections(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

/** Writes the client's address as text into buffer; returns 0 on success. */
static inline int mhd_shim_client_address(struct MHD_Connection *connection, char *buffer, socklen_t size) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return -1;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buffer, size) ? 0 : -1;
    }
    if (sa->sa_family == AF_INET6) {
        return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buffer, size) ? 0 : -1;
    }
    return -1;
}

/** Whether the connection was made over TLS. */
static inline int mhd_shim_is_tls(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_FLAGS);
    return info != NULL && (info->flags & MHD_USE_TLS) != 0;
}

/** The size of the request's header block as received (request line, header lines, empty line), or 0. */
static inline size_t mhd_shim_request_header_size(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    return info == NULL ? 0 : info->header_size;
}

/** Header iterator for mhd_shim_headers_are_ascii: clears *cls and stops at the first byte above 0x7F. */
static inline enum MHD_Result mhd_shim_ascii_check(void *cls, enum MHD_ValueKind kind, const char *key,
                                                   const char *value) {
    (void)kind;
    const char *texts[2] = { key, value };
    for (int i = 0; i < 2; i++) {
        for (const unsigned char *p = (const unsigned char *)texts[i]; p != NULL && *p != 0; p++) {
            if (*p >= 0x80) {
                *(int *)cls = 0;
                return MHD_NO;
            }
        }
    }
    return MHD_YES;
}

/** Whether every request header's name and value is plain ASCII (so valid UTF-8 without checking further). */
static inline int mhd_shim_headers_are_ascii(struct MHD_Connection *connection) {
    int ascii = 1;
    MHD_get_connection_values(connection, MHD_HEADER_KIND, mhd_shim_ascii_check, &ascii);
    return ascii;
}

/** MHD's end-of-stream marker for content readers (a macro Swift cannot import). */
static inline ssize_t mhd_shim_end_of_stream(void) { return MHD_CONTENT_READER_END_OF_STREAM; }
static inline ssize_t mhd_shim_end_with_error(void) { return MHD_CONTENT_READER_END_WITH_ERROR; }
static inline uint64_t mhd_shim_size_unknown(void) { return MHD_SIZE_UNKNOWN; }

#endif
