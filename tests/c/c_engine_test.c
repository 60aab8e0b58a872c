/* The C façade's bytes-in/bytes-out engine (mactls_engine_*): the host
 * owns the stream and the loop, mactls only turns bytes into bytes. This
 * program moves them over its own blocking socket to an `openssl s_server
 * -www` it starts on 127.0.0.1, fetches a page with a full handshake and
 * then with a resumed one (the server's page says "Reused"), and checks
 * the usage errors that must not put anything on the wire. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
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

static int dial(unsigned short port) {
  struct sockaddr_in sa;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr*)&sa, sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Sends everything the engine has for the server. */
static int flush_output(mactls_engine* e, int fd) {
  size_t n = 0;
  const unsigned char* p = mactls_engine_output(e, &n);
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return 0;
    mactls_engine_output_done(e, (size_t)w);
    p = mactls_engine_output(e, &n);
  }
  return 1;
}

typedef struct result {
  int ok;
  mactls_info info;
  char page[8192];
  char err[512];
} result;

/* GET / over one engine and one socket, the host's own loop. */
static void fetch(mactls_config* cfg, unsigned short port, result* r) {
  static const char req[] = "GET / HTTP/1.0\r\n\r\n";
  unsigned char in[4096];
  size_t got = 0;
  int sent_request = 0, fd, rounds;
  mactls_engine* e = mactls_engine_new(cfg, "localhost", port);
  memset(r, 0, sizeof *r);
  CHECK(e != NULL);
  if (!e) return;
  fd = dial(port);
  for (rounds = 0; fd < 0 && rounds < 100; ++rounds) { /* s_server may not listen yet */
    c_sleep_ms(50);
    fd = dial(port);
  }
  CHECK(fd >= 0);
  CHECK(mactls_engine_start(e) == 0);
  for (rounds = 0; fd >= 0 && rounds < 10000; ++rounds) {
    ssize_t n;
    size_t off = 0;
    mactls_engine_state s;
    if (!flush_output(e, fd)) break;
    s = mactls_engine_state_of(e);
    if (s == MACTLS_ENGINE_OPEN && !sent_request) {
      CHECK(mactls_engine_write(e, req, sizeof req - 1) == 0);
      sent_request = 1;
      continue;
    }
    if (s == MACTLS_ENGINE_FAILED || s == MACTLS_ENGINE_PEER_CLOSED) break;
    n = recv(fd, in, sizeof in, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    while (off < (size_t)n) {
      size_t used = 0;
      size_t k;
      int rc = mactls_engine_feed(e, in + off, (size_t)n - off, &used);
      off += used;
      while ((k = mactls_engine_read(e, r->page + got, sizeof r->page - 1 - got)) > 0) got += k;
      if (rc != 0 || (used == 0 && got == sizeof r->page - 1)) break;
      if (rc == 0 && used == 0) break;
    }
    if (mactls_engine_state_of(e) == MACTLS_ENGINE_FAILED) break;
  }
  r->page[got] = 0;
  if (mactls_engine_state_of(e) != MACTLS_ENGINE_FAILED) {
    CHECK(mactls_engine_close(e) == 0);
    (void)flush_output(e, fd);
  } else {
    (void)flush_output(e, fd); /* the alert */
  }
  mactls_engine_info(e, &r->info);
  (void)snprintf(r->err, sizeof r->err, "%s", mactls_engine_last_error(e));
  r->info.error = r->err;
  r->info.alpn = "";
  r->info.peer_identity = "";
  r->ok = sent_request && c_contains(r->page, "HTTP/1.0 200 ok");
  if (fd >= 0) close(fd);
  mactls_engine_free(e);
}

static void test_usage_errors(void) {
  mactls_config* cfg = mactls_config_new();
  mactls_engine* e;
  size_t n = 99;
  CHECK(mactls_engine_new(NULL, "localhost", 443) == NULL);
  CHECK(mactls_engine_new(cfg, "", 443) == NULL);
  CHECK(mactls_engine_start(NULL) == -1);
  CHECK(mactls_engine_state_of(NULL) == MACTLS_ENGINE_FAILED);
  CHECK(c_contains(mactls_engine_last_error(NULL), "null"));
  mactls_engine_free(NULL);
  e = mactls_engine_new(cfg, "localhost", 443);
  CHECK(e != NULL);
  if (e) {
    CHECK(mactls_engine_state_of(e) == MACTLS_ENGINE_IDLE);
    CHECK(mactls_engine_write(e, "x", 1) == -1); /* not open: refused, not failed */
    CHECK(mactls_engine_state_of(e) == MACTLS_ENGINE_IDLE);
    /* No trust anchors: refused at start, nothing to send. */
    CHECK(mactls_engine_start(e) == -1);
    CHECK(c_contains(mactls_engine_last_error(e), "no trust anchors"));
    CHECK(mactls_engine_output(e, &n) == NULL && n == 0);
    mactls_engine_free(e);
  }
  mactls_config_free(cfg);
}

static void test_full_then_resumed(const char* dir) {
  char path[512];
  mactls_config* cfg = mactls_config_new();
  mactls_ticket_store* tickets = mactls_ticket_store_new_memory();
  result r;
  unsigned short port = c_free_port();
  pid_t pid = c_start_s_server(dir, port, NULL);
  CHECK(pid > 0);
  if (pid <= 0) return;
  (void)snprintf(path, sizeof path, "%s/ca.pem", dir);
  CHECK(mactls_config_load_ca_file(cfg, path) == 0);
  CHECK(mactls_config_set_ticket_store(cfg, tickets) == 0);

  fetch(cfg, port, &r);
  CHECK(r.ok);
  if (!r.ok) fprintf(stderr, "full fetch: %s\n", r.err);
  CHECK(r.info.version == 0x0304);
  CHECK(strcmp(r.info.group_name, "x25519") == 0);
  CHECK(!r.info.resumed);
  CHECK(r.info.tickets_stored > 0);
  CHECK(c_contains(r.page, "New, TLSv1.3"));

  fetch(cfg, port, &r);
  CHECK(r.ok);
  if (!r.ok) fprintf(stderr, "resumed fetch: %s\n", r.err);
  CHECK(r.info.ticket_offered && r.info.resumed);
  CHECK(c_contains(r.page, "Reused, TLSv1.3"));

  c_stop(pid);
  mactls_config_free(cfg);
  mactls_ticket_store_free(tickets);
}

int main(void) {
  char dir[] = "/tmp/mactls-c-engine-XXXXXX";
  char cmd[600];
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_usage_errors();
  if (!c_have_openssl()) {
    printf("SKIP: no openssl CLI for the PKI and s_server\n");
  } else if (!c_make_pki(dir)) {
    CHECK(0 && "PKI");
  } else {
    test_full_then_resumed(dir);
  }
  (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("c_engine_test: all checks passed\n");
  return 0;
}
