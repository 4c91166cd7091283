#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H
/*
 * PostgreSQL's client library libpq (Debian's libpq-dev; pkg-config adds -I/usr/include/postgresql). Only
 * Sources/PostgresStorage uses this module. Notices the server sends (NOTICE, WARNING, and a FATAL that arrives while
 * a connection is idle) would be printed on stderr by libpq's default notice processor: PostgresConnection installs
 * its own with PQsetNoticeProcessor and hands them to the server's logger.
 */
#include <libpq-fe.h>

#endif
