/*
 * The physical limit of our HTTP stack: a libmicrohttpd hello world in C with the
 * daemon settings training-server uses. run.sh measures it next to the Swift server.
 *
 *   hello [PORT [THREADS [FILE [HEAD BODY]]]]     defaults: 8090, 16, no files
 *
 * Answers GET / with a fixed HTML page and, given FILE, GET /asset with that file's bytes (read once at
 * start-up), so that a static file of training-server can be compared with a C answer of the same size.
 * Given HEAD (response headers as `curl -D` saves them) and BODY (the bytes that came with them), GET /same
 * answers with exactly those headers and bytes: training-server's own answer, sent by C. MHD adds Date and
 * Content-Length itself, so those are not taken from HEAD. Anything else gets 404. Runs until SIGTERM or SIGINT.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <microhttpd.h>

static const char page[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hello</title>"
    "</head><body><p>Hello, world.</p></body></html>\n";

static const char not_found[] = "Not found\n";

/* The contents of FILE, or NULL without one. */
static char *asset;
static size_t asset_length;

/* The answer of GET /same: BODY's bytes and HEAD's header fields, or NULL without them. The response is built
 * once at start-up and queued for every request, as training-server does with its prepared answers. */
#define MAX_SAME_HEADERS 64
static char *same_body;
static size_t same_length;
static char *same_names[MAX_SAME_HEADERS];
static char *same_values[MAX_SAME_HEADERS];
static int same_count;
static struct MHD_Response *same_response;

/* Any non-NULL value works: it only marks that the first call for a request has happened. */
static int first_call_seen;

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls) {
  (void)cls;
  (void)version;
  (void)upload_data;
  /* Queueing a response in the first call makes MHD 0.9.75 close the connection, losing keep-alive. */
  if (*con_cls == NULL) {
    *con_cls = &first_call_seen;
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    *upload_data_size = 0;
    return MHD_YES;
  }
  int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
  int is_page = get && strcmp(url, "/") == 0;
  int is_asset = get && asset != NULL && strcmp(url, "/asset") == 0;
  if (get && same_response != NULL && strcmp(url, "/same") == 0)
    return MHD_queue_response(connection, MHD_HTTP_OK, same_response);
  int found = is_page || is_asset;
  const char *body = is_page ? page : is_asset ? asset : not_found;
  size_t length = is_page ? sizeof page - 1 : is_asset ? asset_length : sizeof not_found - 1;
  /* The bodies live until exit, so MHD can send them without copying. */
  struct MHD_Response *response =
      MHD_create_response_from_buffer(length, (void *)body, MHD_RESPMEM_PERSISTENT);
  if (response == NULL)
    return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                          is_page    ? "text/html; charset=utf-8"
                          : is_asset ? "text/css; charset=utf-8"
                                     : "text/plain; charset=utf-8");
  enum MHD_Result queued =
      MHD_queue_response(connection, found ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND, response);
  MHD_destroy_response(response);
  return queued;
}

static long parse_number(const char *text, const char *what, long low, long high) {
  char *end = NULL;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < low || value > high) {
    fprintf(stderr, "hello: %s must be a number from %ld to %ld, got '%s'\n", what, low, high, text);
    exit(2);
  }
  return value;
}

/* Reads the whole of path into *bytes and *length; reports and returns 0 on failure. */
static int read_file(const char *path, char **bytes, size_t *length) {
  FILE *file = fopen(path, "rb");
  if (file == NULL || fseek(file, 0, SEEK_END) != 0) {
    fprintf(stderr, "hello: cannot read %s\n", path);
    if (file != NULL)
      fclose(file);
    return 0;
  }
  long size = ftell(file);
  if (size < 0 || fseek(file, 0, SEEK_SET) != 0 || (*bytes = malloc(size > 0 ? (size_t)size : 1)) == NULL ||
      fread(*bytes, 1, (size_t)size, file) != (size_t)size) {
    fprintf(stderr, "hello: cannot read %s\n", path);
    fclose(file);
    return 0;
  }
  fclose(file);
  *length = (size_t)size;
  return 1;
}

/* Reads HEAD's header fields into same_names and same_values, leaving out the status line and the fields MHD
 * writes itself; reports and returns 0 on failure. */
static int read_head(const char *path) {
  FILE *file = fopen(path, "r");
  if (file == NULL) {
    fprintf(stderr, "hello: cannot read %s\n", path);
    return 0;
  }
  char line[8192];
  while (fgets(line, sizeof line, file) != NULL) {
    line[strcspn(line, "\r\n")] = '\0';
    char *colon = strchr(line, ':');
    if (colon == NULL || strncmp(line, "HTTP/", 5) == 0)
      continue;
    *colon = '\0';
    const char *value = colon + 1;
    while (*value == ' ' || *value == '\t')
      value++;
    if (strcasecmp(line, "Date") == 0 || strcasecmp(line, "Content-Length") == 0 ||
        strcasecmp(line, "Connection") == 0 || strcasecmp(line, "Transfer-Encoding") == 0)
      continue;
    if (same_count == MAX_SAME_HEADERS) {
      fprintf(stderr, "hello: more than %d header fields in %s\n", MAX_SAME_HEADERS, path);
      fclose(file);
      return 0;
    }
    same_names[same_count] = strdup(line);
    same_values[same_count] = strdup(value);
    same_count++;
  }
  fclose(file);
  return 1;
}

int main(int argc, char **argv) {
  if (argc > 6 || argc == 5) {
    fprintf(stderr, "usage: hello [PORT [THREADS [FILE [HEAD BODY]]]]\n");
    return 2;
  }
  uint16_t port = argc > 1 ? (uint16_t)parse_number(argv[1], "PORT", 1, 65535) : 8090;
  unsigned threads = argc > 2 ? (unsigned)parse_number(argv[2], "THREADS", 1, 1024) : 16;
  if (argc > 3 && !read_file(argv[3], &asset, &asset_length))
    return 1;
  if (argc > 5) {
    if (!read_head(argv[4]) || !read_file(argv[5], &same_body, &same_length))
      return 1;
    same_response = MHD_create_response_from_buffer(same_length, (void *)same_body, MHD_RESPMEM_PERSISTENT);
    if (same_response == NULL)
      return 1;
    for (int i = 0; i < same_count; i++) {
      if (MHD_add_response_header(same_response, same_names[i], same_values[i]) != MHD_YES) {
        fprintf(stderr, "hello: MHD refused the header %s\n", same_names[i]);
        return 1;
      }
    }
  }

  /* Blocked before the daemon starts, so its threads inherit the mask and only sigwait sees them. */
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, NULL) != 0) {
    fprintf(stderr, "hello: cannot block signals\n");
    return 1;
  }

  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
  struct MHD_Daemon *daemon =
      threads > 1
          ? MHD_start_daemon(flags, port, NULL, NULL, answer, NULL,
                             MHD_OPTION_THREAD_POOL_SIZE, threads,
                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                             MHD_OPTION_CONNECTION_LIMIT, (unsigned)2000, MHD_OPTION_END)
          : MHD_start_daemon(flags, port, NULL, NULL, answer, NULL,
                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                             MHD_OPTION_CONNECTION_LIMIT, (unsigned)2000, MHD_OPTION_END);
  if (daemon == NULL) {
    fprintf(stderr, "hello: cannot listen on port %u\n", (unsigned)port);
    return 1;
  }
  printf("listening on %u\n", (unsigned)port);
  fflush(stdout);

  int received = 0;
  sigwait(&stop_signals, &received);
  MHD_stop_daemon(daemon);
  return 0;
}
