/* The C façade on a host without the POSIX transport, as the Mac OS 9
 * browser uses it: this program brings its own transport (five callbacks
 * over its own non-blocking socket, the stand-in for Open Transport), its
 * own entropy (/dev/urandom read by a callback) and clock, and roots held in
 * memory (PEM and DER, no file handed to mactls). Against an
 * `openssl s_server -www` it starts on 127.0.0.1 it makes a full and then a
 * resumed fetch, and the server's own status page confirms the reuse
 * ("Reused, TLSv1.3"). Also: a failing entropy source fails the connection
 * before a byte is sent; a config without anchors fails at start before the
 * transport is touched; incomplete callbacks and bad ALPN names are refused.
 * Written in C89 (with POSIX) like the browser's code. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "c_peer.h"
#include "mactls/mactls.h"

static int failures = 0;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
      ++failures;                                                                \
    }                                                                            \
  } while (0)

/* ------------------------------------------------ the host's transport */

/* What the callbacks saw, to prove that mactls went through them. */
typedef struct host_counts {
  int connect_starts, connect_polls, sends, receives, closes, streams_open;
  size_t bytes_sent, bytes_received;
  char last_host[64];
  unsigned last_port;
} host_counts;

typedef struct host_stream {
  int fd;
} host_stream;

static void set_err(char* err, size_t cap, const char* what, int e) {
  /* mactls hands a buffer of at least 128 bytes, empty on entry. */
  (void)snprintf(err, cap, "%s: %s", what, strerror(e));
}

static mactls_io host_connect_start(void* user, const char* host, mactls_u16 port, void** stream,
                                    char* err, size_t err_cap) {
  host_counts* n = (host_counts*)user;
  struct sockaddr_in sa;
  host_stream* hs;
  int fl;
  ++n->connect_starts;
  (void)snprintf(n->last_host, sizeof n->last_host, "%s", host);
  n->last_port = port;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  /* This host only dials IPv4 literals (the test dials 127.0.0.1). */
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
    (void)snprintf(err, err_cap, "not an IPv4 literal: %s", host);
    return MACTLS_IO_ERROR;
  }
  hs = (host_stream*)malloc(sizeof *hs);
  if (!hs) {
    (void)snprintf(err, err_cap, "out of memory");
    return MACTLS_IO_ERROR;
  }
  *stream = hs;
  ++n->streams_open;
  hs->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (hs->fd < 0) {
    set_err(err, err_cap, "socket", errno);
    return MACTLS_IO_ERROR;
  }
  fl = fcntl(hs->fd, F_GETFL, 0);
  if (fl < 0 || fcntl(hs->fd, F_SETFL, fl | O_NONBLOCK) != 0) {
    set_err(err, err_cap, "fcntl", errno);
    return MACTLS_IO_ERROR;
  }
  if (connect(hs->fd, (struct sockaddr*)&sa, sizeof sa) == 0) return MACTLS_IO_OK;
  if (errno == EINPROGRESS || errno == EINTR) return MACTLS_IO_WOULD_BLOCK;
  set_err(err, err_cap, "connect", errno);
  return MACTLS_IO_ERROR;
}

static mactls_io host_connect_poll(void* user, void* stream, char* err, size_t err_cap) {
  host_stream* hs = (host_stream*)stream;
  struct pollfd p;
  int soerr = 0, r;
  socklen_t len = sizeof soerr;
  ++((host_counts*)user)->connect_polls;
  p.fd = hs->fd;
  p.events = POLLOUT;
  p.revents = 0;
  r = poll(&p, 1, 0);
  if (r == 0 || (r < 0 && errno == EINTR)) return MACTLS_IO_WOULD_BLOCK;
  if (r < 0 || getsockopt(hs->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) {
    set_err(err, err_cap, "poll", errno);
    return MACTLS_IO_ERROR;
  }
  if (soerr == EINPROGRESS) return MACTLS_IO_WOULD_BLOCK;
  if (soerr != 0) {
    set_err(err, err_cap, "connect", soerr);
    return MACTLS_IO_ERROR;
  }
  return MACTLS_IO_OK;
}

static mactls_io host_send(void* user, void* stream, const unsigned char* data, size_t len,
                           size_t* sent, char* err, size_t err_cap) {
  host_counts* n = (host_counts*)user;
  ssize_t r;
  ++n->sends;
  r = send(((host_stream*)stream)->fd, data, len, MSG_NOSIGNAL);
  if (r > 0) {
    *sent = (size_t)r;
    n->bytes_sent += (size_t)r;
    return MACTLS_IO_OK;
  }
  if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return MACTLS_IO_WOULD_BLOCK;
  set_err(err, err_cap, "send", errno);
  return MACTLS_IO_ERROR;
}

static mactls_io host_receive(void* user, void* stream, unsigned char* buf, size_t cap,
                              size_t* received, char* err, size_t err_cap) {
  host_counts* n = (host_counts*)user;
  ssize_t r;
  ++n->receives;
  r = recv(((host_stream*)stream)->fd, buf, cap, 0);
  if (r > 0) {
    *received = (size_t)r;
    n->bytes_received += (size_t)r;
    return MACTLS_IO_OK;
  }
  if (r == 0) return MACTLS_IO_EOF;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return MACTLS_IO_WOULD_BLOCK;
  set_err(err, err_cap, "recv", errno);
  return MACTLS_IO_ERROR;
}

static void host_close(void* user, void* stream) {
  host_counts* n = (host_counts*)user;
  host_stream* hs = (host_stream*)stream;
  ++n->closes;
  if (!hs) return;
  if (hs->fd >= 0) close(hs->fd);
  free(hs);
  --n->streams_open;
}

static int host_native_handle(void* user, void* stream) {
  (void)user;
  return stream ? ((host_stream*)stream)->fd : -1;
}

static mactls_transport host_transport(void) {
  mactls_transport t;
  t.connect_start = host_connect_start;
  t.connect_poll = host_connect_poll;
  t.send = host_send;
  t.receive = host_receive;
  t.close = host_close;
  t.native_handle = host_native_handle;
  return t;
}

/* ---------------------------------------- the host's entropy and clock */

typedef struct host_entropy {
  int fail;        /* 1: the source is broken */
  int calls;
  size_t bytes;
} host_entropy;

static int host_random(void* user, unsigned char* out, size_t len, char* err, size_t err_cap) {
  host_entropy* e = (host_entropy*)user;
  FILE* f;
  size_t got;
  ++e->calls;
  if (e->fail) {
    (void)snprintf(err, err_cap, "entropy pool empty");
    return -1;
  }
  f = fopen("/dev/urandom", "rb");
  if (!f) {
    set_err(err, err_cap, "/dev/urandom", errno);
    return -1;
  }
  got = fread(out, 1, len, f);
  fclose(f);
  if (got != len) {
    (void)snprintf(err, err_cap, "short read from /dev/urandom");
    return -1;
  }
  e->bytes += len;
  return 0;
}

static int clock_calls = 0;

static mactls_u64 host_monotonic_ms(void* user) {
  struct timespec ts;
  (void)user;
  ++clock_calls;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (mactls_u64)ts.tv_sec * 1000u + (mactls_u64)(ts.tv_nsec / 1000000);
}

static mactls_i64 host_unix_ms(void* user) {
  struct timespec ts;
  (void)user;
  ++clock_calls;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (mactls_i64)ts.tv_sec * 1000 + (mactls_i64)(ts.tv_nsec / 1000000);
}

typedef struct keylog_seen {
  int lines, client_hs, client_app;
} keylog_seen;

static void host_keylog(void* user, const char* label, const unsigned char* client_random,
                        const unsigned char* secret, size_t secret_len) {
  keylog_seen* k = (keylog_seen*)user;
  (void)client_random;
  (void)secret;
  ++k->lines;
  if (strcmp(label, "CLIENT_HANDSHAKE_TRAFFIC_SECRET") == 0 && secret_len == 32) ++k->client_hs;
  if (strcmp(label, "CLIENT_TRAFFIC_SECRET_0") == 0 && secret_len == 32) ++k->client_app;
}

/* --------------------------------------------------------- the fetch */

/* Pumps `c` in a poll() loop on the transport's handle until it ends;
 * sends `req` once writable, collects the response into resp (NUL
 * terminated). Returns the events seen. */
static mactls_u32 run_conn(mactls_conn* c, const char* req, char* resp, size_t cap) {
  size_t sent = 0, got = 0, req_len = req ? strlen(req) : 0;
  mactls_u32 seen = 0;
  int i;
  for (i = 0; i < 4000; ++i) {
    mactls_u32 ev = 0;
    mactls_interest in;
    mactls_state s = mactls_conn_pump(c, &ev);
    seen |= ev;
    if ((ev & MACTLS_EVENT_WRITABLE) && sent < req_len) sent += mactls_conn_write(c, req + sent, req_len - sent);
    if (ev & MACTLS_EVENT_READABLE) {
      size_t n;
      while (got + 1 < cap && (n = mactls_conn_read(c, resp + got, cap - 1 - got)) > 0) got += n;
    }
    if (s == MACTLS_STATE_CLOSED || s == MACTLS_STATE_FAILED) break;
    if (mactls_conn_interest(c, &in) == 0 && in.fd >= 0) {
      struct pollfd p;
      int wait_ms = in.timeout_ms >= 0 && in.timeout_ms < 50 ? (int)in.timeout_ms : 50;
      p.fd = in.fd;
      p.events = (short)((in.want_read ? POLLIN : 0) | (in.want_write ? POLLOUT : 0));
      p.revents = 0;
      (void)poll(&p, 1, wait_ms);
    } else {
      c_sleep_ms(2);
    }
  }
  if (cap) resp[got < cap ? got : cap - 1] = 0;
  return seen;
}

typedef struct fetch_result {
  int ok;
  mactls_info info;
  char alpn[32];
  char page[8192];
  char err[512];
} fetch_result;

/* GET / from s_server -www through the host transport: dial 127.0.0.1 while
 * SNI and the certificate check use "localhost". */
static void fetch(mactls_config* cfg, unsigned short port, fetch_result* r) {
  mactls_conn* c = mactls_conn_new(cfg, "localhost", port);
  mactls_u32 seen;
  memset(r, 0, sizeof *r);
  if (!c) return;
  CHECK(mactls_conn_set_dial(c, "127.0.0.1", 0) == 0);
  mactls_conn_start(c);
  seen = run_conn(c, "GET / HTTP/1.0\r\n\r\n", r->page, sizeof r->page);
  mactls_conn_info(c, &r->info);
  (void)snprintf(r->alpn, sizeof r->alpn, "%s", r->info.alpn);
  (void)snprintf(r->err, sizeof r->err, "%s", mactls_conn_last_error(c));
  CHECK(mactls_conn_set_dial(c, "127.0.0.1", 0) == -1); /* only before start */
  mactls_conn_dispose(c);
  r->info.alpn = r->alpn;
  r->info.error = r->err;
  r->ok = (seen & MACTLS_EVENT_HANDSHAKE_DONE) && c_contains(r->page, "HTTP/1.0 200 ok");
}

/* A config with everything from the host: transport, entropy, clock, key
 * log, ALPN, roots from memory. */
static mactls_config* host_config(const char* dir, host_counts* counts, host_entropy* entropy,
                                  keylog_seen* keylog) {
  char path[512];
  unsigned char* pem;
  size_t pem_len = 0;
  const char* alpn[2];
  mactls_transport t = host_transport();
  mactls_config* cfg = mactls_config_new();
  CHECK(cfg != NULL);
  if (!cfg) return NULL;
  CHECK(mactls_config_set_transport(cfg, &t, counts) == 0);
  CHECK(mactls_config_set_entropy(cfg, host_random, entropy) == 0);
  CHECK(mactls_config_set_clock(cfg, host_monotonic_ms, host_unix_ms, NULL) == 0);
  CHECK(mactls_config_set_keylog(cfg, host_keylog, keylog) == 0);
  alpn[0] = "h2";
  alpn[1] = "http/1.1";
  CHECK(mactls_config_set_alpn(cfg, alpn, 2) == 0);
  (void)snprintf(path, sizeof path, "%s/ca.pem", dir);
  pem = c_read_file(path, &pem_len);
  CHECK(pem != NULL);
  if (pem) {
    CHECK(mactls_config_add_pem(cfg, (const char*)pem, pem_len) == 0);
    free(pem);
  }
  CHECK(mactls_config_ca_count(cfg) == 1);
  return cfg;
}

static void test_full_then_resumed(const char* dir) {
  static const char* const extra[] = {"-alpn", "http/1.1", NULL};
  host_counts counts;
  host_entropy entropy;
  keylog_seen keylog;
  mactls_config* cfg;
  mactls_ticket_store* tickets;
  fetch_result r;
  unsigned short port;
  pid_t pid;
  int i;
  memset(&counts, 0, sizeof counts);
  memset(&entropy, 0, sizeof entropy);
  memset(&keylog, 0, sizeof keylog);
  port = c_free_port();
  pid = c_start_s_server(dir, port, extra);
  CHECK(pid > 0);
  if (pid <= 0) return;
  cfg = host_config(dir, &counts, &entropy, &keylog);
  tickets = mactls_ticket_store_new_memory();
  CHECK(mactls_config_set_ticket_store(cfg, tickets) == 0);

  /* The server needs a moment to listen: retry while the connect is refused. */
  for (i = 0; i < 100; ++i) {
    fetch(cfg, port, &r);
    if (!r.ok && r.info.error_origin == MACTLS_ORIGIN_TRANSPORT && c_contains(r.err, "refused")) {
      c_sleep_ms(50);
      continue;
    }
    break;
  }
  CHECK(r.ok);
  if (!r.ok) fprintf(stderr, "full fetch: %s\n", r.err);
  /* Every byte went through this program's transport, to the dialled address. */
  CHECK(strcmp(counts.last_host, "127.0.0.1") == 0);
  CHECK(counts.last_port == port);
  CHECK(counts.connect_starts >= 1 && counts.sends > 0 && counts.receives > 0);
  CHECK(counts.bytes_sent == (size_t)r.info.wire_bytes_sent);
  CHECK(counts.bytes_received == (size_t)r.info.wire_bytes_received);
  CHECK(counts.closes == counts.connect_starts);
  CHECK(counts.streams_open == 0);
  /* ... and every random byte came from the entropy callback: 32 client
   * random + 32 session id + 32 X25519 key at least. */
  CHECK(entropy.calls >= 3 && entropy.bytes >= 96);
  CHECK(clock_calls > 0);
  CHECK(keylog.client_hs == 1 && keylog.client_app == 1 && keylog.lines >= 4);
  CHECK(r.info.version == 0x0304);
  CHECK(strcmp(r.info.version_name, "TLS 1.3") == 0);
  CHECK(strcmp(r.info.cipher_suite_name, "none") != 0 && strcmp(r.info.cipher_suite_name, "unknown") != 0);
  CHECK(strcmp(r.info.group_name, "x25519") == 0);
  CHECK(strcmp(r.alpn, "http/1.1") == 0);
  CHECK(!r.info.ticket_offered && !r.info.resumed && !r.info.declined);
  CHECK(r.info.tickets_received > 0 && r.info.tickets_stored > 0);
  CHECK(r.info.cert_signature_checks >= 1 && !r.info.chain_cache_hit);
  CHECK(r.info.cert_not_after > 0);
  CHECK(mactls_ticket_store_count(tickets) > 0);
  /* s_server -www reports the session it served: a new one. */
  CHECK(c_contains(r.page, "New, TLSv1.3"));

  /* The second fetch presents a ticket; the server confirms the reuse. */
  fetch(cfg, port, &r);
  CHECK(r.ok);
  if (!r.ok) fprintf(stderr, "resumed fetch: %s\n", r.err);
  CHECK(r.info.ticket_offered && r.info.resumed && !r.info.declined);
  CHECK(r.info.signature_scheme == 0);
  CHECK(strcmp(r.info.signature_scheme_name, "none") == 0);
  CHECK(c_contains(r.page, "Reused, TLSv1.3"));
  if (!c_contains(r.page, "Reused, TLSv1.3")) fprintf(stderr, "page:\n%s\n", r.page);
  CHECK(counts.closes == counts.connect_starts && counts.streams_open == 0);

  /* The browser's relaunch: the store saved to a sealed buffer, a new store
   * loaded from it, and the next fetch resumes from what was loaded. */
  {
    static const unsigned char key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                          17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
    unsigned char* blob = NULL;
    size_t blob_len = 0, loaded = 0, dropped = 0;
    mactls_ticket_store* reloaded = mactls_ticket_store_new_memory();
    mactls_store_stats st;
    CHECK(mactls_ticket_store_save(tickets, key, 0, &blob, &blob_len) == 0);
    CHECK(blob != NULL && blob_len > 0);
    CHECK(mactls_ticket_store_load(reloaded, blob, blob_len, NULL, 0, &loaded, &dropped) == -1);
    CHECK(strlen(mactls_ticket_store_last_error(reloaded)) > 0);
    CHECK(mactls_ticket_store_load(reloaded, blob, blob_len, key, 0, &loaded, &dropped) == 0);
    CHECK(loaded == mactls_ticket_store_count(tickets) && dropped == 0);
    mactls_free_secret_buffer(blob, blob_len);
    CHECK(mactls_config_set_ticket_store(cfg, reloaded) == 0);
    fetch(cfg, port, &r);
    CHECK(r.ok && r.info.resumed);
    CHECK(c_contains(r.page, "Reused, TLSv1.3"));
    CHECK(mactls_ticket_store_stats(reloaded, &st) == 0);
    CHECK(st.tls13.hits >= 1 && st.tls13.taken >= 1 && st.tls13.inserted >= loaded);
    /* "Forget this site" empties it. */
    mactls_ticket_store_clear_host(reloaded, "localhost", 0);
    CHECK(mactls_ticket_store_count(reloaded) == 0);
    CHECK(mactls_config_set_ticket_store(cfg, tickets) == 0);
    mactls_ticket_store_free(reloaded);
  }

  c_stop(pid);
  mactls_config_free(cfg);
  mactls_ticket_store_free(tickets);
}

/* A listener that never accepts: the kernel completes the TCP handshake,
 * and nothing is ever answered. *port receives its port. */
static int silent_listener(unsigned short* port) {
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr*)&sa, sizeof sa) != 0 || listen(fd, 4) != 0 ||
      getsockname(fd, (struct sockaddr*)&sa, &len) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  *port = ntohs(sa.sin_port);
  return fd;
}

static void test_failing_entropy(const char* dir) {
  host_counts counts;
  host_entropy entropy;
  keylog_seen keylog;
  mactls_config* cfg;
  mactls_conn* c;
  mactls_info info;
  char page[64];
  unsigned short port = 0;
  mactls_u32 seen;
  int lfd = silent_listener(&port);
  CHECK(lfd >= 0);
  if (lfd < 0) return;
  memset(&counts, 0, sizeof counts);
  memset(&entropy, 0, sizeof entropy);
  memset(&keylog, 0, sizeof keylog);
  entropy.fail = 1;
  cfg = host_config(dir, &counts, &entropy, &keylog);
  c = mactls_conn_new(cfg, "127.0.0.1", port);
  CHECK(c != NULL);
  if (c) {
    /* The ClientHello is made while the connect runs, so the failure is
     * found there and mactls_conn_start reports it; the connect is given
     * up and not one byte is sent: no ClientHello made of predictable
     * bytes, no fallback source. */
    CHECK(mactls_conn_start(c) == MACTLS_STATE_FAILED);
    seen = run_conn(c, NULL, page, sizeof page);
    CHECK(mactls_conn_state(c) == MACTLS_STATE_FAILED);
    CHECK(seen & MACTLS_EVENT_FAILED);
    CHECK(!(seen & MACTLS_EVENT_HANDSHAKE_DONE));
    CHECK(entropy.calls >= 1);
    CHECK(counts.bytes_sent == 0);
    CHECK(mactls_conn_info(c, &info) == 0);
    CHECK(info.wire_bytes_sent == 0);
    CHECK(info.error_origin == MACTLS_ORIGIN_LOCAL);
    CHECK(c_contains(mactls_conn_last_error(c), "entropy source failed"));
    CHECK(c_contains(mactls_conn_last_error(c), "entropy pool empty"));
    CHECK(strcmp(info.error, mactls_conn_last_error(c)) == 0);
    CHECK(keylog.lines == 0);
    mactls_conn_dispose(c);
  }
  CHECK(counts.closes == counts.connect_starts && counts.streams_open == 0);
  mactls_config_free(cfg);
  close(lfd);
}

static void test_no_anchors_never_touches_the_transport(void) {
  host_counts counts;
  mactls_transport t = host_transport();
  mactls_config* cfg = mactls_config_new();
  mactls_conn* c;
  mactls_info info;
  memset(&counts, 0, sizeof counts);
  CHECK(mactls_config_set_transport(cfg, &t, &counts) == 0);
  c = mactls_conn_new(cfg, "localhost", 443);
  CHECK(c != NULL);
  if (c) {
    CHECK(mactls_conn_start(c) == MACTLS_STATE_FAILED);
    CHECK(mactls_conn_info(c, &info) == 0);
    CHECK(info.error_origin == MACTLS_ORIGIN_USAGE);
    CHECK(c_contains(mactls_conn_last_error(c), "no trust anchors"));
    mactls_conn_dispose(c);
  }
  CHECK(counts.connect_starts == 0 && counts.closes == 0);
  mactls_config_free(cfg);
}

static void test_config_refusals(const char* dir) {
  mactls_transport t = host_transport();
  mactls_config* cfg = mactls_config_new();
  const char* bad_alpn[2];
  const char* good_alpn[1];
  unsigned char* der;
  size_t der_len = 0;
  char path[512];
  static const unsigned char kGarbage[4] = {0x30, 0x02, 0x05, 0x00};
  mactls_embedded_anchor embedded[2];
  /* Every callback but native_handle is required. */
  t.receive = NULL;
  CHECK(mactls_config_set_transport(cfg, &t, NULL) == -1);
  CHECK(c_contains(mactls_config_last_error(cfg), "receive"));
  CHECK(mactls_config_set_transport(cfg, NULL, NULL) == 0);
  CHECK(mactls_config_set_transport(NULL, NULL, NULL) == -1);
  /* RFC 7301 §3.1: names are 1..255 bytes. */
  bad_alpn[0] = "h2";
  bad_alpn[1] = "";
  CHECK(mactls_config_set_alpn(cfg, bad_alpn, 2) == -1);
  CHECK(c_contains(mactls_config_last_error(cfg), "ALPN"));
  good_alpn[0] = "http/1.1";
  CHECK(mactls_config_set_alpn(cfg, good_alpn, 1) == 0);
  CHECK(mactls_config_set_alpn(cfg, NULL, 0) == 0);
  CHECK(mactls_config_set_entropy(NULL, host_random, NULL) == -1);
  CHECK(mactls_config_set_clock(NULL, NULL, NULL, NULL) == -1);
  CHECK(mactls_config_set_keylog(NULL, NULL, NULL) == -1);
  /* Roots from memory: garbage is refused in words, DER and embedded load. */
  CHECK(mactls_config_add_der(cfg, kGarbage, sizeof kGarbage) == -1);
  CHECK(c_contains(mactls_config_last_error(cfg), "DER"));
  CHECK(mactls_config_add_pem(cfg, "no PEM here", 11) == -1);
  CHECK(mactls_config_ca_count(cfg) == 0);
  (void)snprintf(path, sizeof path, "%s/ca.der", dir);
  der = c_read_file(path, &der_len);
  CHECK(der != NULL);
  if (der) {
    CHECK(mactls_config_add_der(cfg, der, der_len) == 0);
    CHECK(mactls_config_ca_count(cfg) == 1);
    embedded[0].der = der;
    embedded[0].len = der_len;
    embedded[1].der = kGarbage;
    embedded[1].len = sizeof kGarbage;
    CHECK(mactls_config_add_embedded(cfg, embedded, 1) == 0);
    CHECK(mactls_config_ca_count(cfg) == 2);
    CHECK(mactls_config_add_embedded(cfg, embedded, 2) == -1);
    CHECK(c_contains(mactls_config_last_error(cfg), "embedded anchor 1"));
  }
  /* The embedded anchors are not copied: free the bytes after the config. */
  mactls_config_free(cfg);
  free(der);
}

int main(void) {
  char dir[] = "/tmp/mactls-c-transport-XXXXXX";
  char cmd[600];
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_no_anchors_never_touches_the_transport();
  if (!c_have_openssl()) {
    printf("SKIP: no openssl CLI for the PKI and s_server\n");
  } else if (!c_make_pki(dir)) {
    CHECK(0 && "PKI");
  } else {
    test_config_refusals(dir);
    test_failing_entropy(dir);
    test_full_then_resumed(dir);
  }
  (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("c_transport_test: all checks passed\n");
  return 0;
}
