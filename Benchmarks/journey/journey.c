/*
 * The learner-journey load generator: simulated learners take a practice quiz the way a browser without
 * JavaScript does, over keep-alive HTTP/1.1, one connection and one thread per learner.
 *
 *   journey --port P --accounts FILE --module PATH --quiz PATH [options]
 *
 * Every learner signs in first (GET /login, POST /login; at most --login-concurrency at a time, so Argon2's
 * memory does not pile up in the server), then, in the timed phase, loops over the journey:
 *
 *   dashboard      GET  /                                  200, signed in (a sign-out form)
 *   module         GET  --module                           200, links to --quiz
 *   start_page     GET  --quiz                             200, a start form
 *   start          POST --quiz/attempts (the form)         303 to /attempts/ID
 *   answer_page    GET  /attempts/ID                       200, the attempt form
 *   save           POST /attempts/ID/save, go=finish       303 to /attempts/ID/summary
 *   summary        GET  /attempts/ID/summary               200, a submit form
 *   submit         POST /attempts/ID/submit                303 to /attempts/ID/result
 *   result         GET  /attempts/ID/result                200, the score
 *
 * CSRF tokens, form keys, the attempt's address and the question fields are read from the pages; every question
 * gets a valid answer (the first choice, the first boxes, a number or a few words, distinct options in matching
 * lists). Anything else (a status that is not 2xx/3xx, a redirect or page the journey does not expect, a lost
 * connection) counts as an error of that request type, and the learner starts over at the dashboard.
 *
 * Modes:
 *   --mode journey   (default) --learners N learners for --duration T seconds; prints attempts/s, latency
 *                    percentiles per request type, errors, the server's CPU per attempt (utime+stime of
 *                    --server-pid from /proc over the timed phase) and this program's own CPU.
 *   --mode history   the accounts one after another, --repeat journeys each, without concurrency; measures
 *                    the server's CPU time (its process CPU clock, nanoseconds) and the latency of the dashboard,
 *                    /api/v1/progress, the start page, start and the result, each request on its own.
 *   --mode build     the first account does --repeat journeys one after another (no measurement).
 *
 * Output: `key value` lines on standard output (see print_journey / print_history), read by run.sh.
 * --accounts is a CSV file `employee_number,login,password` (as `import-staff --initial-passwords` writes it);
 * --skip-accounts K leaves out its first K accounts. --ready-file F is created when the timed phase starts (for a
 * profiler to attach then).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* --- request types ------------------------------------------------------------------------------------ */

enum kind { DASHBOARD, MODULE, START_PAGE, START, ANSWER_PAGE, SAVE, SUMMARY, SUBMIT, RESULT, PROGRESS, LOGIN, KINDS };
static const char *kind_names[KINDS] = {"dashboard", "module",  "start_page", "start",    "answer_page", "save",
                                        "summary",   "submit",  "result",     "progress", "login"};

/* --- settings ----------------------------------------------------------------------------------------- */

static const char *host = "127.0.0.1";
static int port;
static const char *accounts_path;
static const char *module_path;
static const char *quiz_path;
static const char *mode = "journey";
static int learner_count = 200;
static int skip_accounts;
static double duration = 30;
static int repeat_count = 1;
static int use_gzip = 1;
static int login_concurrency = 2;
static pid_t server_pid;
static const char *ready_file;
static int verbose;

static void die(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("journey: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --- growing buffers ---------------------------------------------------------------------------------- */

typedef struct {
  char *data;
  size_t length, capacity;
} buffer;

static void reserve(buffer *b, size_t extra) {
  if (b->length + extra + 1 <= b->capacity)
    return;
  size_t capacity = b->capacity ? b->capacity : 4096;
  while (capacity < b->length + extra + 1)
    capacity *= 2;
  b->data = realloc(b->data, capacity);
  if (b->data == NULL)
    die("out of memory");
  b->capacity = capacity;
}

static void append(buffer *b, const char *bytes, size_t length) {
  reserve(b, length);
  memcpy(b->data + b->length, bytes, length);
  b->length += length;
  b->data[b->length] = '\0';
}

static void append_text(buffer *b, const char *text) { append(b, text, strlen(text)); }

static void appendf(buffer *b, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char small[1024];
  int n = vsnprintf(small, sizeof small, format, args);
  va_end(args);
  if (n < 0)
    die("format error");
  if ((size_t)n < sizeof small) {
    append(b, small, (size_t)n);
    return;
  }
  reserve(b, (size_t)n);
  va_start(args, format);
  vsnprintf(b->data + b->length, (size_t)n + 1, format, args);
  va_end(args);
  b->length += (size_t)n;
}

/* application/x-www-form-urlencoded */
static void append_encoded(buffer *b, const char *text) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
      char c = (char)*p;
      append(b, &c, 1);
    } else if (*p == ' ') {
      append(b, "+", 1);
    } else {
      char escaped[3] = {'%', hex[*p >> 4], hex[*p & 15]};
      append(b, escaped, 3);
    }
  }
}

static void append_field(buffer *b, const char *name, const char *value) {
  if (b->length > 0)
    append(b, "&", 1);
  append_encoded(b, name);
  append(b, "=", 1);
  append_encoded(b, value);
}

/* --- latency samples ---------------------------------------------------------------------------------- */

typedef struct {
  double *values;
  size_t count, capacity;
} samples;

static void add_sample(samples *s, double value) {
  if (s->count == s->capacity) {
    s->capacity = s->capacity ? s->capacity * 2 : 256;
    s->values = realloc(s->values, s->capacity * sizeof *s->values);
    if (s->values == NULL)
      die("out of memory");
  }
  s->values[s->count++] = value;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted values. */
static double percentile(const samples *s, double p) {
  if (s->count == 0)
    return 0;
  size_t rank = (size_t)(p / 100.0 * (double)s->count + 0.999999);
  if (rank < 1)
    rank = 1;
  if (rank > s->count)
    rank = s->count;
  return s->values[rank - 1];
}

/* --- one learner's connection ------------------------------------------------------------------------- */

#define MAX_COOKIES 8
typedef struct {
  char name[64];
  char value[256];
} cookie;

typedef struct {
  int id;
  char login[128];
  char password[128];
  int fd;
  buffer in;      /* bytes read and not yet used */
  buffer request; /* the request being sent */
  buffer body;    /* the current answer's body, decoded */
  buffer raw;     /* the body as sent, before gunzip */
  int status;
  char location[512];
  int close_after;
  size_t wire_bytes;
  cookie cookies[MAX_COOKIES];
  int cookie_count;
  char csrf[1024];
  /* results */
  samples latency[KINDS];
  long errors[KINDS];
  long requests[KINDS];
  long attempts;         /* completed journeys in the timed phase */
  long refused_starts;   /* a start page without a start form, or a start answered with something else */
  long reconnects;
  char first_error[512]; /* the first problem, for the report */
  double cpu_ns[KINDS];  /* history mode: server CPU per measured request, summed */
  samples cpu[KINDS];    /* history mode: server CPU per measured request */
} learner;

static void note_error(learner *l, enum kind kind, const char *format, ...) {
  l->errors[kind]++;
  if (l->first_error[0] == '\0') {
    va_list args;
    va_start(args, format);
    int n = snprintf(l->first_error, sizeof l->first_error, "%s (%s): ", kind_names[kind], l->login);
    vsnprintf(l->first_error + n, sizeof l->first_error - (size_t)n, format, args);
    va_end(args);
  }
  if (verbose) {
    va_list args;
    va_start(args, format);
    fprintf(stderr, "journey: %s %s: ", l->login, kind_names[kind]);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
  }
}

static int connect_learner(learner *l) {
  if (l->fd >= 0)
    return 0;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval timeout = {.tv_sec = 60};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &address.sin_addr) != 1)
    die("not an IPv4 address: %s", host);
  if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
    close(fd);
    return -1;
  }
  l->fd = fd;
  l->in.length = 0;
  return 0;
}

static void disconnect(learner *l) {
  if (l->fd >= 0)
    close(l->fd);
  l->fd = -1;
  l->in.length = 0;
}

/* Reads more bytes into l->in; returns the count, 0 at end of stream, -1 on error. */
static ssize_t read_more(learner *l) {
  reserve(&l->in, 65536);
  ssize_t n;
  do {
    n = read(l->fd, l->in.data + l->in.length, l->in.capacity - l->in.length - 1);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    l->in.length += (size_t)n;
    l->in.data[l->in.length] = '\0';
  }
  return n;
}

static void consume(learner *l, size_t count) {
  memmove(l->in.data, l->in.data + count, l->in.length - count);
  l->in.length -= count;
  if (l->in.data)
    l->in.data[l->in.length] = '\0';
}

static void set_cookie(learner *l, const char *header) {
  /* name=value; attributes... */
  const char *equals = strchr(header, '=');
  if (equals == NULL)
    return;
  size_t name_length = (size_t)(equals - header);
  const char *value = equals + 1;
  size_t value_length = strcspn(value, ";\r\n");
  if (name_length == 0 || name_length >= sizeof l->cookies[0].name || value_length >= sizeof l->cookies[0].value)
    return;
  int removing = value_length == 0 || strcasestr(header, "max-age=0") != NULL;
  for (int i = 0; i < l->cookie_count; i++) {
    if (strlen(l->cookies[i].name) == name_length && memcmp(l->cookies[i].name, header, name_length) == 0) {
      if (removing) {
        l->cookies[i] = l->cookies[--l->cookie_count];
      } else {
        memcpy(l->cookies[i].value, value, value_length);
        l->cookies[i].value[value_length] = '\0';
      }
      return;
    }
  }
  if (removing || l->cookie_count == MAX_COOKIES)
    return;
  cookie *c = &l->cookies[l->cookie_count++];
  memcpy(c->name, header, name_length);
  c->name[name_length] = '\0';
  memcpy(c->value, value, value_length);
  c->value[value_length] = '\0';
}

static int has_cookie(const learner *l, const char *name) {
  for (int i = 0; i < l->cookie_count; i++)
    if (strcmp(l->cookies[i].name, name) == 0)
      return 1;
  return 0;
}

static int gunzip(const buffer *in, buffer *out) {
  z_stream z = {0};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
    return -1;
  z.next_in = (unsigned char *)in->data;
  z.avail_in = (unsigned)in->length;
  out->length = 0;
  int result;
  do {
    reserve(out, 65536);
    z.next_out = (unsigned char *)out->data + out->length;
    z.avail_out = (unsigned)(out->capacity - out->length - 1);
    result = inflate(&z, Z_NO_FLUSH);
    out->length = out->capacity - 1 - z.avail_out;
  } while (result == Z_OK);
  inflateEnd(&z);
  out->data[out->length] = '\0';
  return result == Z_STREAM_END ? 0 : -1;
}

/* Reads one response: status, Location, Set-Cookie, body (gunzipped if needed). Returns 0 or -1 (and a reason). */
static int read_response(learner *l, const char **reason) {
  char *end;
  while ((end = l->in.length ? strstr(l->in.data, "\r\n\r\n") : NULL) == NULL) {
    ssize_t n = read_more(l);
    if (n <= 0) {
      *reason = n == 0 ? "the server closed the connection" : "reading the answer failed";
      return -1;
    }
  }
  size_t head_length = (size_t)(end - l->in.data) + 4;
  l->wire_bytes = head_length;
  l->status = 0;
  l->location[0] = '\0';
  l->close_after = 0;
  long content_length = -1;
  int chunked = 0, gzipped = 0;
  if (sscanf(l->in.data, "HTTP/1.%*d %d", &l->status) != 1) {
    *reason = "no status line";
    return -1;
  }
  for (char *line = strstr(l->in.data, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
    char *colon = memchr(line, ':', (size_t)(strstr(line, "\r\n") - line));
    if (colon == NULL)
      continue;
    size_t name_length = (size_t)(colon - line);
    char *value = colon + 1;
    while (*value == ' ')
      value++;
    size_t value_length = (size_t)(strstr(value, "\r\n") - value);
#define IS(name) (name_length == sizeof name - 1 && strncasecmp(line, name, name_length) == 0)
    if (IS("Content-Length")) {
      content_length = strtol(value, NULL, 10);
    } else if (IS("Transfer-Encoding")) {
      chunked = strncasecmp(value, "chunked", 7) == 0;
    } else if (IS("Content-Encoding")) {
      gzipped = strncasecmp(value, "gzip", 4) == 0;
    } else if (IS("Connection")) {
      l->close_after = strncasecmp(value, "close", 5) == 0;
    } else if (IS("Location")) {
      size_t n = value_length < sizeof l->location - 1 ? value_length : sizeof l->location - 1;
      memcpy(l->location, value, n);
      l->location[n] = '\0';
    } else if (IS("Set-Cookie")) {
      char saved = value[value_length];
      value[value_length] = '\0';
      set_cookie(l, value);
      value[value_length] = saved;
    }
#undef IS
  }
  consume(l, head_length);
  l->raw.length = 0;
  if (chunked) {
    for (;;) {
      char *line_end;
      while ((line_end = l->in.length ? strstr(l->in.data, "\r\n") : NULL) == NULL)
        if (read_more(l) <= 0) {
          *reason = "the chunked answer ended early";
          return -1;
        }
      long size = strtol(l->in.data, NULL, 16);
      size_t prefix = (size_t)(line_end - l->in.data) + 2;
      while (l->in.length < prefix + (size_t)size + 2)
        if (read_more(l) <= 0) {
          *reason = "the chunked answer ended early";
          return -1;
        }
      append(&l->raw, l->in.data + prefix, (size_t)size);
      consume(l, prefix + (size_t)size + 2);
      l->wire_bytes += prefix + (size_t)size + 2;
      if (size == 0)
        break;
    }
  } else if (content_length >= 0) {
    while (l->in.length < (size_t)content_length)
      if (read_more(l) <= 0) {
        *reason = "the answer ended early";
        return -1;
      }
    append(&l->raw, l->in.data, (size_t)content_length);
    consume(l, (size_t)content_length);
    l->wire_bytes += (size_t)content_length;
  } else {
    *reason = "an answer without Content-Length or chunked encoding";
    return -1;
  }
  if (gzipped) {
    if (gunzip(&l->raw, &l->body) != 0) {
      *reason = "the gzip body does not decode";
      return -1;
    }
  } else {
    l->body.length = 0;
    append(&l->body, l->raw.data ? l->raw.data : "", l->raw.length);
  }
  return 0;
}

/* The server's CPU time so far: its process CPU clock (nanoseconds), or utime+stime from /proc in ticks
 * converted to nanoseconds when that clock is not available. */
static clockid_t server_clock;
static int server_clock_ok;

static double server_cpu_ns(void) {
  if (server_pid <= 0)
    return 0;
  struct timespec t;
  if (server_clock_ok && clock_gettime(server_clock, &t) == 0)
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
  char path[64], text[4096];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)server_pid);
  FILE *file = fopen(path, "r");
  if (file == NULL)
    return 0;
  size_t n = fread(text, 1, sizeof text - 1, file);
  fclose(file);
  text[n] = '\0';
  char *after = strrchr(text, ')');
  unsigned long utime = 0, stime = 0;
  if (after == NULL || sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
    return 0;
  return (double)(utime + stime) * 1e9 / (double)sysconf(_SC_CLK_TCK);
}

/* Sends the request and reads the answer; records latency (and, when measure_cpu, the server's CPU time).
 * Returns 0 on an answer (any status), -1 on a connection problem (already counted as an error). */
static int exchange(learner *l, enum kind kind, const char *method, const char *path, const buffer *form,
                    int record, int measure_cpu) {
  buffer *r = &l->request;
  r->length = 0;
  appendf(r, "%s %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: journey-benchmark\r\n"
             "Accept: text/html,application/xhtml+xml\r\nAccept-Language: zh-CN,zh;q=0.9\r\n",
          method, path, host, port);
  if (use_gzip)
    append_text(r, "Accept-Encoding: gzip\r\n");
  if (l->cookie_count > 0) {
    append_text(r, "Cookie: ");
    for (int i = 0; i < l->cookie_count; i++)
      appendf(r, "%s%s=%s", i ? "; " : "", l->cookies[i].name, l->cookies[i].value);
    append_text(r, "\r\n");
  }
  if (form != NULL)
    appendf(r, "Origin: http://%s:%d\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n",
            host, port, form->length);
  append_text(r, "\r\n");
  if (form != NULL)
    append(r, form->data ? form->data : "", form->length);

  for (int attempt = 0; attempt < 2; attempt++) {
    int fresh = l->fd < 0;
    if (connect_learner(l) != 0) {
      note_error(l, kind, "cannot connect: %s", strerror(errno));
      return -1;
    }
    double cpu_before = measure_cpu ? server_cpu_ns() : 0;
    double started = now_seconds();
    size_t sent = 0;
    int failed = 0;
    while (sent < r->length) {
      ssize_t n = write(l->fd, r->data + sent, r->length - sent);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        failed = 1;
        break;
      }
      sent += (size_t)n;
    }
    const char *reason = "sending the request failed";
    if (!failed && read_response(l, &reason) == 0) {
      double elapsed = now_seconds() - started;
      if (measure_cpu) {
        double cpu = server_cpu_ns() - cpu_before;
        add_sample(&l->cpu[kind], cpu);
        l->cpu_ns[kind] += cpu;
      }
      if (record) {
        add_sample(&l->latency[kind], elapsed);
        l->requests[kind]++;
      }
      if (l->close_after)
        disconnect(l);
      return 0;
    }
    disconnect(l);
    /* A kept-alive connection the server closed while idle: send again once, on a new connection. */
    if (!fresh && !failed && attempt == 0 && strcmp(reason, "the server closed the connection") == 0) {
      l->reconnects++;
      continue;
    }
    note_error(l, kind, "%s", reason);
    if (record)
      l->requests[kind]++;
    return -1;
  }
  return -1;
}

/* --- reading pages ------------------------------------------------------------------------------------ */

/* Copies an HTML attribute value (decoding the entities the server writes) into out. */
static void decode_entities(const char *from, size_t length, char *out, size_t size) {
  size_t o = 0;
  for (size_t i = 0; i < length && o + 4 < size; i++) {
    if (from[i] == '&') {
      const char *rest = from + i;
      struct {
        const char *entity;
        const char *text;
      } table[] = {{"&amp;", "&"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&#39;", "'"}, {"&#x27;", "'"}};
      int matched = 0;
      for (size_t t = 0; t < sizeof table / sizeof table[0]; t++) {
        size_t n = strlen(table[t].entity);
        if (i + n <= length && strncmp(rest, table[t].entity, n) == 0) {
          out[o++] = table[t].text[0];
          i += n - 1;
          matched = 1;
          break;
        }
      }
      if (matched)
        continue;
    }
    out[o++] = from[i];
  }
  out[o] = '\0';
}

/* The value of attribute `name` inside the tag [tag, tag_end), or 0 when it has none. */
static int attribute(const char *tag, const char *tag_end, const char *name, char *out, size_t size) {
  size_t n = strlen(name);
  for (const char *p = tag; p + n + 2 < tag_end; p++) {
    if ((p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\t') && strncmp(p, name, n) == 0 && p[n] == '=') {
      const char *value = p + n + 1;
      char quote = *value;
      if (quote == '"' || quote == '\'') {
        const char *close = memchr(value + 1, quote, (size_t)(tag_end - value - 1));
        if (close == NULL)
          return 0;
        decode_entities(value + 1, (size_t)(close - value - 1), out, size);
      } else {
        size_t length = strcspn(value, " >\t\n");
        decode_entities(value, length, out, size);
      }
      return 1;
    }
  }
  if (out && size)
    out[0] = '\0';
  return 0;
}

/* The form whose action is `action` (exactly), as [start, end) of the page; NULL when there is none. */
static const char *find_form(const char *page, const char *action, const char **end) {
  char needle[600];
  snprintf(needle, sizeof needle, "action=\"%s\"", action);
  const char *at = strstr(page, needle);
  if (at == NULL)
    return NULL;
  const char *start = at;
  while (start > page && strncmp(start, "<form", 5) != 0)
    start--;
  const char *close = strstr(at, "</form>");
  if (close == NULL)
    return NULL;
  *end = close;
  return start;
}

#define MAX_NAMES 256
typedef struct {
  char names[MAX_NAMES][256];
  int count;
} name_set;

static int seen_name(name_set *set, const char *name) {
  for (int i = 0; i < set->count; i++)
    if (strcmp(set->names[i], name) == 0)
      return 1;
  if (set->count < MAX_NAMES)
    snprintf(set->names[set->count++], sizeof set->names[0], "%s", name);
  return 0;
}

/* Fills `form` with what a browser sends for the form [start, end): hidden fields, and when `answer`, a valid
 * answer for every question field. Returns the number of answered question fields. Remembers the CSRF token. */
static int fill_form(learner *l, const char *start, const char *end, buffer *form, int answer) {
  form->length = 0;
  name_set *choices = calloc(1, sizeof *choices);
  if (choices == NULL)
    die("out of memory");
  int answered = 0, select_index = 0;
  char name[256], type[64], value[1024], mode[64];
  for (const char *p = start; p < end && (p = strchr(p, '<')) != NULL && p < end; p++) {
    const char *tag_end = strchr(p, '>');
    if (tag_end == NULL || tag_end > end)
      break;
    if (strncmp(p, "<input", 6) == 0) {
      attribute(p, tag_end, "name", name, sizeof name);
      attribute(p, tag_end, "type", type, sizeof type);
      attribute(p, tag_end, "value", value, sizeof value);
      if (name[0] == '\0')
        continue;
      if (strcmp(type, "hidden") == 0) {
        append_field(form, name, value);
        if (strcmp(name, "csrf_token") == 0)
          snprintf(l->csrf, sizeof l->csrf, "%s", value);
      } else if (!answer) {
        continue;
      } else if (strcmp(type, "radio") == 0 || strcmp(type, "checkbox") == 0) {
        if (!seen_name(choices, name)) {
          append_field(form, name, value);
          answered++;
        }
      } else if (strcmp(type, "submit") != 0 && strcmp(type, "button") != 0) {
        attribute(p, tag_end, "inputmode", mode, sizeof mode);
        int numeric = strcmp(type, "number") == 0 || strcmp(mode, "decimal") == 0 || strcmp(mode, "numeric") == 0;
        append_field(form, name, numeric ? "20" : "政府信息公开条例");
        answered++;
      }
    } else if (answer && strncmp(p, "<textarea", 9) == 0) {
      attribute(p, tag_end, "name", name, sizeof name);
      if (name[0]) {
        append_field(form, name, "依法办事，便民高效。");
        answered++;
      }
    } else if (answer && strncmp(p, "<select", 7) == 0) {
      attribute(p, tag_end, "name", name, sizeof name);
      const char *select_end = strstr(tag_end, "</select>");
      if (name[0] == '\0' || select_end == NULL || select_end > end)
        continue;
      /* The options with a value; the i-th list takes the i-th of them, so matching lists differ. */
      int options = 0;
      for (const char *o = tag_end; (o = strstr(o, "<option")) != NULL && o < select_end; o++) {
        const char *o_end = strchr(o, '>');
        if (attribute(o, o_end, "value", value, sizeof value) && value[0])
          options++;
      }
      if (options > 0) {
        int wanted = select_index % options, index = 0;
        for (const char *o = tag_end; (o = strstr(o, "<option")) != NULL && o < select_end; o++) {
          const char *o_end = strchr(o, '>');
          if (attribute(o, o_end, "value", value, sizeof value) && value[0] && index++ == wanted) {
            append_field(form, name, value);
            answered++;
            break;
          }
        }
      }
      select_index++;
      p = select_end;
    }
  }
  free(choices);
  return answered;
}

/* --- the journey -------------------------------------------------------------------------------------- */

static atomic_int stopping;
static atomic_int timed; /* 1 while the timed phase runs */

/* Expects a redirect whose target starts with `prefix` (and, when given, ends with `suffix`). */
static int redirected(learner *l, enum kind kind, const char *prefix, const char *suffix) {
  if (l->status != 303 && l->status != 302) {
    if (l->status >= 200 && l->status < 400)
      note_error(l, kind, "status %d where a redirect was expected", l->status);
    else
      note_error(l, kind, "status %d", l->status);
    return 0;
  }
  size_t n = strlen(l->location), p = strlen(prefix), s = suffix ? strlen(suffix) : 0;
  if (strncmp(l->location, prefix, p) != 0 || n < p + s || (suffix && strcmp(l->location + n - s, suffix) != 0)) {
    note_error(l, kind, "redirected to %s", l->location);
    return 0;
  }
  return 1;
}

static int page_ok(learner *l, enum kind kind, const char *marker) {
  if (l->status != 200) {
    note_error(l, kind, "status %d%s%s", l->status, l->location[0] ? " to " : "", l->location);
    return 0;
  }
  if (marker && strstr(l->body.data ? l->body.data : "", marker) == NULL) {
    note_error(l, kind, "the page has no %s", marker);
    return 0;
  }
  return 1;
}

/* What history mode measures, per request type. */
static int measured_in_history(enum kind kind) {
  return kind == DASHBOARD || kind == PROGRESS || kind == START_PAGE || kind == START || kind == RESULT;
}

/* One journey. `record`: count latencies (timed phase); `measure`: history mode's CPU per request.
 * Returns 1 when the attempt was submitted and its result shown. */
static int journey(learner *l, int record, int measure) {
  buffer form = {0};
  char path[600], marker[700], attempt[512];
  int done = 0;
#define GO(kind, method, target, body)                                                                            \
  (exchange(l, kind, method, target, body, record, measure && measured_in_history(kind)) == 0)

  if (!GO(DASHBOARD, "GET", "/", NULL) || !page_ok(l, DASHBOARD, "action=\"/logout\""))
    goto out;
  if (measure) {
    if (!GO(PROGRESS, "GET", "/api/v1/progress", NULL) || !page_ok(l, PROGRESS, "\"courses\""))
      goto out;
  }
  snprintf(marker, sizeof marker, "href=\"%s\"", quiz_path);
  if (!GO(MODULE, "GET", module_path, NULL) || !page_ok(l, MODULE, marker))
    goto out;
  snprintf(path, sizeof path, "%s/attempts", quiz_path);
  snprintf(marker, sizeof marker, "action=\"%s\"", path);
  if (!GO(START_PAGE, "GET", quiz_path, NULL))
    goto out;
  if (!page_ok(l, START_PAGE, marker)) {
    l->refused_starts++; /* no start form: the quiz cannot be started now */
    goto out;
  }
  const char *form_end, *form_start = find_form(l->body.data, path, &form_end);
  fill_form(l, form_start, form_end, &form, 0);
  if (!GO(START, "POST", path, &form))
    goto out;
  if (!redirected(l, START, "/attempts/", NULL)) {
    l->refused_starts++;
    goto out;
  }
  snprintf(attempt, sizeof attempt, "%s", l->location);
  if (strchr(attempt + strlen("/attempts/"), '/') != NULL) {
    note_error(l, START, "redirected to %s", attempt);
    l->refused_starts++;
    goto out;
  }

  snprintf(path, sizeof path, "%s/save", attempt);
  snprintf(marker, sizeof marker, "action=\"%s\"", path);
  if (!GO(ANSWER_PAGE, "GET", attempt, NULL) || !page_ok(l, ANSWER_PAGE, marker))
    goto out;
  form_start = find_form(l->body.data, path, &form_end);
  if (fill_form(l, form_start, form_end, &form, 1) == 0) {
    note_error(l, ANSWER_PAGE, "no question fields in the attempt form");
    goto out;
  }
  if (strstr(l->body.data, "name=\"go\" value=\"finish\"") == NULL) {
    note_error(l, ANSWER_PAGE, "no finish button in the attempt form");
    goto out;
  }
  append_field(&form, "go", "finish");
  if (!GO(SAVE, "POST", path, &form) || !redirected(l, SAVE, attempt, "/summary"))
    goto out;

  snprintf(path, sizeof path, "%s/summary", attempt);
  char submit[600];
  snprintf(submit, sizeof submit, "%s/submit", attempt);
  snprintf(marker, sizeof marker, "action=\"%s\"", submit);
  if (!GO(SUMMARY, "GET", path, NULL) || !page_ok(l, SUMMARY, marker))
    goto out;
  form_start = find_form(l->body.data, submit, &form_end);
  fill_form(l, form_start, form_end, &form, 0);
  if (!GO(SUBMIT, "POST", submit, &form) || !redirected(l, SUBMIT, attempt, "/result"))
    goto out;

  snprintf(path, sizeof path, "%s/result", attempt);
  if (!GO(RESULT, "GET", path, NULL) || !page_ok(l, RESULT, "class=\"score\""))
    goto out;
  done = 1;
out:
#undef GO
  free(form.data);
  return done;
}

/* --- signing in --------------------------------------------------------------------------------------- */

static pthread_mutex_t login_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t login_changed = PTHREAD_COND_INITIALIZER;
static int logins_running;

static int sign_in(learner *l) {
  pthread_mutex_lock(&login_lock);
  while (logins_running >= login_concurrency)
    pthread_cond_wait(&login_changed, &login_lock);
  logins_running++;
  pthread_mutex_unlock(&login_lock);

  int ok = 0;
  buffer form = {0};
  if (exchange(l, LOGIN, "GET", "/login", NULL, 1, 0) == 0 && page_ok(l, LOGIN, "action=\"/login\"")) {
    const char *end, *start = find_form(l->body.data, "/login", &end);
    fill_form(l, start, end, &form, 0);
    append_field(&form, "login", l->login);
    append_field(&form, "password", l->password);
    if (exchange(l, LOGIN, "POST", "/login", &form, 1, 0) == 0 && redirected(l, LOGIN, "/", NULL)) {
      if (has_cookie(l, "csa_session") || has_cookie(l, "__Host-csa_session"))
        ok = 1;
      else
        note_error(l, LOGIN, "signed in without a session cookie");
    }
  }
  free(form.data);

  pthread_mutex_lock(&login_lock);
  logins_running--;
  pthread_cond_signal(&login_changed);
  pthread_mutex_unlock(&login_lock);
  return ok;
}

/* --- threads ------------------------------------------------------------------------------------------ */

static pthread_barrier_t signed_in;
static atomic_int failed_logins;

static void *run_learner(void *argument) {
  learner *l = argument;
  if (!sign_in(l))
    atomic_fetch_add(&failed_logins, 1);
  pthread_barrier_wait(&signed_in); /* everyone signed in before the clock starts */
  pthread_barrier_wait(&signed_in); /* the main thread has read the starting figures */
  if (atomic_load(&failed_logins) > 0)
    return NULL;
  while (!atomic_load(&stopping)) {
    int in_window = atomic_load(&timed);
    int done = journey(l, in_window, 0);
    /* An attempt counts when it was completed inside the timed phase. */
    if (done && in_window && atomic_load(&timed))
      l->attempts++;
  }
  return NULL;
}

/* --- accounts ----------------------------------------------------------------------------------------- */

static learner *learners;

static int load_accounts(int wanted) {
  FILE *file = fopen(accounts_path, "r");
  if (file == NULL)
    die("cannot read %s", accounts_path);
  char line[1024];
  int row = 0, count = 0;
  learners = calloc((size_t)wanted, sizeof *learners);
  if (learners == NULL)
    die("out of memory");
  while (count < wanted && fgets(line, sizeof line, file) != NULL) {
    line[strcspn(line, "\r\n")] = '\0';
    if (row++ == 0 && strncmp(line, "employee_number,", 16) == 0)
      continue;
    char *first = strchr(line, ','), *second = first ? strchr(first + 1, ',') : NULL;
    if (second == NULL)
      die("%s:%d: expected employee_number,login,password", accounts_path, row);
    if (skip_accounts > 0) {
      skip_accounts--;
      continue;
    }
    learner *l = &learners[count];
    l->id = count;
    l->fd = -1;
    *second = '\0';
    snprintf(l->login, sizeof l->login, "%s", first + 1);
    snprintf(l->password, sizeof l->password, "%s", second + 1);
    count++;
  }
  fclose(file);
  return count;
}

/* --- reports ------------------------------------------------------------------------------------------ */

static double cpu_seconds_self(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (double)usage.ru_utime.tv_sec + (double)usage.ru_utime.tv_usec / 1e6 + (double)usage.ru_stime.tv_sec +
         (double)usage.ru_stime.tv_usec / 1e6;
}

static void print_first_error(int count) {
  for (int i = 0; i < count; i++)
    if (learners[i].first_error[0]) {
      printf("first_error %s\n", learners[i].first_error);
      return;
    }
}

static int run_journey_mode(void) {
  int count = load_accounts(learner_count);
  if (count < learner_count)
    die("%s has %d accounts, %d wanted", accounts_path, count, learner_count);
  pthread_barrier_init(&signed_in, NULL, (unsigned)count + 1);
  pthread_t *threads = calloc((size_t)count, sizeof *threads);
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, 256 * 1024);
  double login_started = now_seconds();
  for (int i = 0; i < count; i++)
    if (pthread_create(&threads[i], &attributes, run_learner, &learners[i]) != 0)
      die("cannot start thread %d", i);
  pthread_barrier_wait(&signed_in);
  double login_seconds = now_seconds() - login_started;
  if (atomic_load(&failed_logins) > 0) {
    pthread_barrier_wait(&signed_in);
    for (int i = 0; i < count; i++)
      pthread_join(threads[i], NULL);
    printf("signed_in %d\nlogin_failures %d\n", count - atomic_load(&failed_logins), atomic_load(&failed_logins));
    print_first_error(count);
    fprintf(stderr, "journey: %d of %d learners could not sign in\n", atomic_load(&failed_logins), count);
    return 1;
  }
  fprintf(stderr, "journey: %d learners signed in in %.1f s; journey for %.0f s\n", count, login_seconds, duration);
  if (ready_file != NULL) {
    FILE *ready = fopen(ready_file, "w");
    if (ready == NULL)
      die("cannot write %s", ready_file);
    fclose(ready);
  }
  double self_before = cpu_seconds_self();
  double server_before = server_cpu_ns();
  double started = now_seconds();
  atomic_store(&timed, 1);
  pthread_barrier_wait(&signed_in);
  struct timespec pause = {.tv_sec = (time_t)duration, .tv_nsec = (long)((duration - (double)(time_t)duration) * 1e9)};
  while (nanosleep(&pause, &pause) != 0 && errno == EINTR)
    ;
  atomic_store(&timed, 0);
  double elapsed = now_seconds() - started;
  double server_after = server_cpu_ns();
  double self_after = cpu_seconds_self();
  atomic_store(&stopping, 1);
  for (int i = 0; i < count; i++)
    pthread_join(threads[i], NULL);

  long attempts = 0, errors = 0, requests = 0, refused = 0, reconnects = 0;
  samples all[KINDS] = {0};
  long kind_errors[KINDS] = {0}, kind_requests[KINDS] = {0};
  for (int i = 0; i < count; i++) {
    learner *l = &learners[i];
    attempts += l->attempts;
    refused += l->refused_starts;
    reconnects += l->reconnects;
    for (int k = 0; k < KINDS; k++) {
      if (k == LOGIN)
        continue;
      for (size_t j = 0; j < l->latency[k].count; j++)
        add_sample(&all[k], l->latency[k].values[j]);
      kind_errors[k] += l->errors[k];
      kind_requests[k] += l->requests[k];
      errors += l->errors[k];
      requests += l->requests[k];
    }
  }
  double server_cpu = (server_after - server_before) / 1e9;
  printf("learners %d\nlogin_seconds %.3f\nseconds %.3f\nattempts %ld\nattempts_per_second %.1f\n", count,
         login_seconds, elapsed, attempts, (double)attempts / elapsed);
  printf("requests %ld\nrequests_per_second %.1f\nerrors %ld\nrefused_starts %ld\nreconnects %ld\n", requests,
         (double)requests / elapsed, errors, refused, reconnects);
  printf("server_cpu_seconds %.3f\nserver_cpu_ms_per_attempt %.3f\nattempts_per_cpu_second %.1f\n", server_cpu,
         attempts ? server_cpu * 1e3 / (double)attempts : 0, server_cpu > 0 ? (double)attempts / server_cpu : 0);
  printf("server_cpu_share %.3f\n", server_cpu / elapsed);
  printf("generator_cpu_seconds %.3f\ngenerator_cpu_share %.3f\n", self_after - self_before,
         (self_after - self_before) / elapsed);
  double worst_p99 = 0;
  for (int k = 0; k < KINDS; k++) {
    if (k == LOGIN || k == PROGRESS)
      continue;
    qsort(all[k].values, all[k].count, sizeof(double), compare_doubles);
    double p99 = percentile(&all[k], 99);
    if (p99 > worst_p99)
      worst_p99 = p99;
    printf("type %s requests %ld errors %ld p50_ms %.2f p95_ms %.2f p99_ms %.2f max_ms %.2f\n", kind_names[k],
           kind_requests[k], kind_errors[k], percentile(&all[k], 50) * 1e3, percentile(&all[k], 95) * 1e3, p99 * 1e3,
           all[k].count ? all[k].values[all[k].count - 1] * 1e3 : 0);
  }
  printf("worst_p99_ms %.2f\n", worst_p99 * 1e3);
  print_first_error(count);
  return 0;
}

static double median_of(samples *s) {
  qsort(s->values, s->count, sizeof(double), compare_doubles);
  return percentile(s, 50);
}

static int run_history_mode(int measure) {
  int count = load_accounts(learner_count);
  if (count == 0)
    die("no accounts in %s", accounts_path);
  long completed = 0, errors = 0;
  double started = now_seconds();
  for (int i = 0; i < count; i++) {
    learner *l = &learners[i];
    if (!sign_in(l)) {
      print_first_error(count);
      die("%s could not sign in", l->login);
    }
    for (int r = 0; r < repeat_count; r++) {
      completed += journey(l, measure, measure);
      if (!measure && verbose && (r + 1) % 100 == 0)
        fprintf(stderr, "journey: %d journeys done\n", r + 1);
    }
    for (int k = 0; k < KINDS; k++)
      errors += l->errors[k];
    disconnect(l);
  }
  printf("journeys %ld\nerrors %ld\nseconds %.3f\n", completed, errors, now_seconds() - started);
  if (measure) {
    samples cpu[KINDS] = {0}, latency[KINDS] = {0};
    for (int i = 0; i < count; i++)
      for (int k = 0; k < KINDS; k++) {
        for (size_t j = 0; j < learners[i].cpu[k].count; j++)
          add_sample(&cpu[k], learners[i].cpu[k].values[j]);
        for (size_t j = 0; j < learners[i].latency[k].count; j++)
          add_sample(&latency[k], learners[i].latency[k].values[j]);
      }
    for (int k = 0; k < KINDS; k++) {
      if (!measured_in_history((enum kind)k))
        continue;
      printf("type %s samples %zu cpu_us_median %.1f latency_ms_median %.2f\n", kind_names[k], cpu[k].count,
             median_of(&cpu[k]) / 1e3, median_of(&latency[k]) * 1e3);
    }
  }
  print_first_error(count);
  return errors > 0 || completed < (long)count * repeat_count;
}

static void usage(void) {
  fprintf(stderr, "usage: journey --port P --accounts FILE --module PATH --quiz PATH [--host A] [--mode "
                  "journey|history|build] [--learners N] [--skip-accounts K] [--duration S] [--repeat R] "
                  "[--server-pid PID] [--gzip 0|1] [--login-concurrency C] [--ready-file F] [--verbose]\n");
  exit(2);
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  for (int i = 1; i < argc; i++) {
    const char *option = argv[i];
    if (strcmp(option, "--verbose") == 0) {
      verbose = 1;
      continue;
    }
    if (i + 1 >= argc)
      usage();
    const char *value = argv[++i];
    if (strcmp(option, "--host") == 0)
      host = value;
    else if (strcmp(option, "--port") == 0)
      port = atoi(value);
    else if (strcmp(option, "--accounts") == 0)
      accounts_path = value;
    else if (strcmp(option, "--module") == 0)
      module_path = value;
    else if (strcmp(option, "--quiz") == 0)
      quiz_path = value;
    else if (strcmp(option, "--mode") == 0)
      mode = value;
    else if (strcmp(option, "--learners") == 0)
      learner_count = atoi(value);
    else if (strcmp(option, "--skip-accounts") == 0)
      skip_accounts = atoi(value);
    else if (strcmp(option, "--duration") == 0)
      duration = atof(value);
    else if (strcmp(option, "--repeat") == 0)
      repeat_count = atoi(value);
    else if (strcmp(option, "--server-pid") == 0)
      server_pid = (pid_t)atoi(value);
    else if (strcmp(option, "--gzip") == 0)
      use_gzip = atoi(value);
    else if (strcmp(option, "--ready-file") == 0)
      ready_file = value;
    else if (strcmp(option, "--login-concurrency") == 0)
      login_concurrency = atoi(value);
    else
      usage();
  }
  if (port <= 0 || accounts_path == NULL || module_path == NULL || quiz_path == NULL || learner_count < 1 ||
      duration <= 0 || repeat_count < 1 || login_concurrency < 1)
    usage();
  if (server_pid > 0 && clock_getcpuclockid(server_pid, &server_clock) == 0) {
    struct timespec t;
    server_clock_ok = clock_gettime(server_clock, &t) == 0;
  }
  if (strcmp(mode, "journey") == 0)
    return run_journey_mode();
  if (strcmp(mode, "history") == 0)
    return run_history_mode(1);
  if (strcmp(mode, "build") == 0) {
    learner_count = 1;
    return run_history_mode(0);
  }
  usage();
  return 2;
}
