/* The C façade (include/mactls/mactls.h), used from C99 as the browser does:
 * null-handle safety, config errors in words, a refused connect reported
 * through pump, and - when the openssl CLI is present - a full handshake and
 * a resumed one against an `openssl s_server` this program starts on
 * 127.0.0.1 with a throwaway PKI made by the openssl CLI in a temp dir. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

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


/* Pumps until the state is final (or `want`), at most ~10 s; ORs the events. */
static mactls_state pump_until(mactls_conn* c, mactls_state want, uint32_t* seen) {
  int i;
  mactls_state s = mactls_conn_state(c);
  for (i = 0; i < 2000; ++i) {
    uint32_t ev = 0;
    s = mactls_conn_pump(c, &ev);
    if (seen) *seen |= ev;
    if (s == want || s == MACTLS_STATE_CLOSED || s == MACTLS_STATE_FAILED) break;
    c_sleep_ms(5);
  }
  return s;
}

static void test_null_handles(void) {
  uint32_t ev = 99;
  char buf[4];
  mactls_info info;
  mactls_interest in;
  CHECK(mactls_config_load_ca_file(NULL, "/x") == -1);
  CHECK(mactls_config_ca_count(NULL) == 0);
  CHECK(mactls_config_set_ticket_store(NULL, NULL) == -1);
  CHECK(mactls_config_set_timeouts(NULL, 1, 1) == -1);
  CHECK(strlen(mactls_config_last_error(NULL)) > 0);
  mactls_config_free(NULL);
  mactls_ticket_store_free(NULL);
  CHECK(mactls_ticket_store_count(NULL) == 0);
  CHECK(mactls_conn_new(NULL, "example.com", 443) == NULL);
  CHECK(mactls_conn_start(NULL) == MACTLS_STATE_FAILED);
  CHECK(mactls_conn_pump(NULL, &ev) == MACTLS_STATE_FAILED);
  CHECK(ev == 0);
  CHECK(mactls_conn_pump(NULL, NULL) == MACTLS_STATE_FAILED);
  CHECK(mactls_conn_write(NULL, "x", 1) == 0);
  CHECK(mactls_conn_read(NULL, buf, sizeof buf) == 0);
  mactls_conn_close(NULL);
  mactls_conn_dispose(NULL);
  CHECK(mactls_conn_state(NULL) == MACTLS_STATE_FAILED);
  CHECK(c_contains(mactls_conn_last_error(NULL), "null"));
  CHECK(mactls_conn_info(NULL, &info) == -1);
  CHECK(mactls_conn_interest(NULL, &in) == -1);
  CHECK(mactls_conn_peer_cert(NULL, 0) == NULL);
  CHECK(strcmp(mactls_state_name(MACTLS_STATE_OPEN), "open") == 0);
  CHECK(strcmp(mactls_state_name((mactls_state)42), "unknown") == 0);
}

static void test_config(const char* dir) {
  char path[512];
  FILE* f;
  mactls_config* cfg = mactls_config_new();
  mactls_conn* c;
  CHECK(cfg != NULL);
  if (!cfg) return;
  CHECK(mactls_config_ca_count(cfg) == 0);
  CHECK(strcmp(mactls_config_last_error(cfg), "") == 0);

  /* A missing file: -1, and the message names the path. */
  CHECK(mactls_config_load_ca_file(cfg, "/nonexistent/mactls/ca.pem") == -1);
  CHECK(c_contains(mactls_config_last_error(cfg), "/nonexistent/mactls/ca.pem"));
  CHECK(c_contains(mactls_config_last_error(cfg), "cannot"));
  CHECK(mactls_config_load_ca_file(cfg, NULL) == -1);
  CHECK(mactls_config_load_ca_file(cfg, "") == -1);

  /* A file without any certificate. */
  snprintf(path, sizeof path, "%s/not-a-ca.pem", dir);
  f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) {
    fputs("this is not PEM\n", f);
    fclose(f);
  }
  CHECK(mactls_config_load_ca_file(cfg, path) == -1);
  CHECK(c_contains(mactls_config_last_error(cfg), path));
  CHECK(mactls_config_ca_count(cfg) == 0);

  CHECK(mactls_config_set_timeouts(cfg, 1000, 2000) == 0);
  CHECK(mactls_config_set_ticket_store(cfg, NULL) == 0);

  /* Connection arguments. */
  CHECK(mactls_conn_new(cfg, NULL, 443) == NULL);
  CHECK(mactls_conn_new(cfg, "", 443) == NULL);
  c = mactls_conn_new(cfg, "example.com", 443);
  CHECK(c != NULL);
  if (c) {
    mactls_info info;
    CHECK(mactls_conn_state(c) == MACTLS_STATE_IDLE);
    CHECK(mactls_conn_info(c, NULL) == -1);
    CHECK(mactls_conn_info(c, &info) == 0);
    CHECK(info.state == MACTLS_STATE_IDLE);
    CHECK(strcmp(info.cipher_suite_name, "none") == 0);
    CHECK(strcmp(info.error, "") == 0);
    CHECK(mactls_conn_write(c, "x", 1) == 0); /* not open */
    mactls_conn_close(c);
    CHECK(mactls_conn_state(c) == MACTLS_STATE_CLOSED);
    mactls_conn_dispose(c);
  }
  mactls_config_free(cfg);
}

/* A config without trust anchors fails at start with a usage error, before
 * any DNS or TCP: the refused port is never tried. */
static void test_no_anchors_fails_at_start(void) {
  mactls_config* cfg = mactls_config_new();
  uint16_t port = c_free_port();
  mactls_conn* c = mactls_conn_new(cfg, "127.0.0.1", port);
  mactls_info info;
  CHECK(c != NULL);
  if (!c) {
    mactls_config_free(cfg);
    return;
  }
  CHECK(mactls_conn_start(c) == MACTLS_STATE_FAILED);
  CHECK(mactls_conn_info(c, &info) == 0);
  CHECK(info.error_origin == MACTLS_ORIGIN_USAGE);
  CHECK(info.connected_ms == 0);
  CHECK(c_contains(mactls_conn_last_error(c), "no trust anchors"));
  CHECK(!c_contains(mactls_conn_last_error(c), "refused"));
  mactls_conn_dispose(c);
  mactls_config_free(cfg);
}

static void test_refused_port(const char* dir, int have_pki) {
  mactls_config* cfg;
  uint16_t port = c_free_port();
  mactls_conn* c;
  uint32_t seen = 0;
  mactls_state s;
  mactls_info info;
  char want[64], ca[512];
  if (!have_pki) {
    printf("SKIP refused-port part: no PKI (openssl CLI)\n");
    return;
  }
  cfg = mactls_config_new();
  snprintf(ca, sizeof ca, "%s/ca.pem", dir);
  CHECK(mactls_config_load_ca_file(cfg, ca) == 0);
  CHECK(port != 0);
  c = mactls_conn_new(cfg, "127.0.0.1", port);
  CHECK(c != NULL);
  if (!c) {
    mactls_config_free(cfg);
    return;
  }
  s = mactls_conn_start(c);
  CHECK(s == MACTLS_STATE_CONNECTING || s == MACTLS_STATE_FAILED);
  s = pump_until(c, MACTLS_STATE_FAILED, &seen);
  CHECK(s == MACTLS_STATE_FAILED);
  CHECK(seen & MACTLS_EVENT_FAILED);
  CHECK(!(seen & MACTLS_EVENT_CONNECTED));
  snprintf(want, sizeof want, "127.0.0.1:%u", (unsigned)port);
  CHECK(c_contains(mactls_conn_last_error(c), want));
  CHECK(c_contains(mactls_conn_last_error(c), "Connection refused"));
  CHECK(mactls_conn_info(c, &info) == 0);
  CHECK(info.error_origin == MACTLS_ORIGIN_TRANSPORT);
  CHECK(info.alert == 0);
  CHECK(strcmp(info.alert_name, "") == 0);
  CHECK(strcmp(info.error, mactls_conn_last_error(c)) == 0);
  /* Everything stays safe on a failed connection. */
  CHECK(mactls_conn_start(c) == MACTLS_STATE_FAILED);
  mactls_conn_close(c);
  CHECK(mactls_conn_pump(c, NULL) == MACTLS_STATE_FAILED);
  if (failures) fprintf(stderr, "last error: %s\n", mactls_conn_last_error(c));
  mactls_conn_dispose(c);
  mactls_config_free(cfg);
}

/* ------------------------------------------- live openssl s_server (optional) */

/* What the ticket-stored callback saw. */
struct ticket_calls {
  int count;
  mactls_u16 version;
  mactls_conn* expected;
  int other_conn; /* calls naming another connection */
};

static void on_ticket_stored(void* user, mactls_conn* conn, mactls_u16 version) {
  struct ticket_calls* t = (struct ticket_calls*)user;
  ++t->count;
  t->version = version;
  if (conn != t->expected) ++t->other_conn;
}

/* One HTTP exchange with s_server -www; returns 1 when the handshake and
 * the response worked, filling *info. The config's store decides
 * resumption unless `offer` is 0; with `calls`, the ticket-stored callback
 * is set and *events gets every event seen. */
static int fetch_with(mactls_config* cfg, uint16_t port, int offer, struct ticket_calls* calls,
                      uint32_t* events, mactls_info* info, char* err, size_t errlen) {
  static const char req[] = "GET / HTTP/1.0\r\n\r\n";
  char resp[8192];
  size_t got = 0, sent = 0;
  uint32_t seen = 0;
  int i;
  mactls_conn* c = mactls_conn_new(cfg, "localhost", port);
  if (!c) return 0;
  if (!offer) CHECK(mactls_conn_set_offer_resumption(c, 0) == 0);
  if (calls) {
    calls->expected = c;
    CHECK(mactls_conn_set_ticket_callback(c, on_ticket_stored, calls) == 0);
  }
  mactls_conn_start(c);
  CHECK(mactls_conn_set_ticket_callback(c, on_ticket_stored, calls) == -1); /* only before start */
  CHECK(mactls_conn_set_offer_resumption(c, 1) == -1);
  for (i = 0; i < 4000; ++i) {
    uint32_t ev = 0;
    mactls_state s = mactls_conn_pump(c, &ev);
    seen |= ev;
    if ((ev & MACTLS_EVENT_WRITABLE) && sent < sizeof req - 1)
      sent += mactls_conn_write(c, req + sent, sizeof req - 1 - sent);
    if (ev & MACTLS_EVENT_READABLE) {
      size_t n;
      while (got < sizeof resp - 1 && (n = mactls_conn_read(c, resp + got, sizeof resp - 1 - got)) > 0) got += n;
    }
    if (s == MACTLS_STATE_CLOSED || s == MACTLS_STATE_FAILED) break;
    if (!(ev & MACTLS_EVENT_READABLE)) c_sleep_ms(2);
  }
  resp[got] = 0;
  if (events) *events = seen;
  mactls_conn_info(c, info);
  snprintf(err, errlen, "%s", mactls_conn_last_error(c));
  mactls_conn_dispose(c);
  return (seen & MACTLS_EVENT_HANDSHAKE_DONE) && c_contains(resp, "HTTP/1.0 200 ok");
}

static int fetch_once(mactls_config* cfg, uint16_t port, mactls_info* info, char* err, size_t errlen) {
  return fetch_with(cfg, port, 1, NULL, NULL, info, err, errlen);
}

static void test_live_s_server(const char* dir, int have_pki) {
  char ca[512], err[512];
  mactls_config* cfg;
  mactls_ticket_store* tickets;
  mactls_info info;
  uint16_t port;
  pid_t pid;
  int ok = 0, i;
  if (!have_pki) {
    printf("SKIP live s_server part: no PKI (openssl CLI)\n");
    return;
  }
  memset(&info, 0, sizeof info);
  err[0] = 0;
  port = c_free_port();
  pid = c_start_s_server(dir, port, NULL);
  CHECK(pid > 0);
  if (pid <= 0) return;

  cfg = mactls_config_new();
  tickets = mactls_ticket_store_new_memory();
  snprintf(ca, sizeof ca, "%s/ca.pem", dir);
  CHECK(mactls_config_load_ca_file(cfg, ca) == 0);
  CHECK(mactls_config_ca_count(cfg) == 1);
  CHECK(mactls_config_set_ticket_store(cfg, tickets) == 0);

  /* The server needs a moment to listen: retry while the connect is refused. */
  for (i = 0; i < 100 && !ok; ++i) {
    ok = fetch_once(cfg, port, &info, err, sizeof err);
    if (!ok && info.error_origin == MACTLS_ORIGIN_TRANSPORT && c_contains(err, "refused")) {
      c_sleep_ms(50);
      continue;
    }
    break;
  }
  CHECK(ok);
  if (!ok) fprintf(stderr, "first fetch: %s\n", err);
  CHECK(info.version == 0x0304);
  CHECK(strcmp(info.version_name, "TLS 1.3") == 0);
  CHECK(strcmp(info.cipher_suite_name, "unknown") != 0 && strcmp(info.cipher_suite_name, "none") != 0);
  CHECK(strcmp(info.group_name, "x25519") == 0);
  CHECK(strcmp(info.signature_scheme_name, "ecdsa_secp256r1_sha256") == 0);
  CHECK(info.peer_chain_len == 1);
  CHECK(!info.resumed);
  CHECK(info.tickets_stored > 0);
  CHECK(mactls_ticket_store_count(tickets) > 0);
  CHECK(info.handshake_done_ms >= info.connected_ms && info.connected_ms >= info.start_ms);

  /* A full handshake on purpose (offer_resumption 0) with a ticket in the
   * store: nothing is offered, and what the server issues is stored, each
   * one announced by the callback and the TICKET_STORED event. */
  {
    struct ticket_calls calls;
    uint32_t events = 0;
    size_t before = mactls_ticket_store_count(tickets);
    memset(&calls, 0, sizeof calls);
    ok = fetch_with(cfg, port, 0, &calls, &events, &info, err, sizeof err);
    CHECK(ok);
    if (!ok) fprintf(stderr, "full fetch that keeps its tickets: %s\n", err);
    CHECK(!info.ticket_offered);
    CHECK(!info.resumed);
    CHECK(info.signature_scheme != 0); /* the server's certificate was verified */
    CHECK(info.tickets_stored > 0);
    CHECK(calls.count == (int)info.tickets_stored);
    CHECK(calls.version == 0x0304);
    CHECK(calls.other_conn == 0);
    CHECK((events & MACTLS_EVENT_TICKET_STORED) != 0);
    CHECK(mactls_ticket_store_count(tickets) == before + info.tickets_stored);
  }

  /* The next connection presents a ticket and resumes. */
  ok = fetch_once(cfg, port, &info, err, sizeof err);
  CHECK(ok);
  if (!ok) fprintf(stderr, "second fetch: %s\n", err);
  CHECK(info.ticket_offered);
  CHECK(info.resumed);
  CHECK(info.signature_scheme == 0);

  c_stop(pid);
  mactls_config_free(cfg);
  mactls_ticket_store_free(tickets);
}

int main(void) {
  char dir[] = "/tmp/mactls-c-api-XXXXXX";
  char cmd[600];
  int have_pki;
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  have_pki = c_have_openssl();
  if (have_pki) {
    have_pki = c_make_pki(dir);
    CHECK(have_pki);
  }
  test_null_handles();
  test_config(dir);
  test_no_anchors_fails_at_start();
  test_refused_port(dir, have_pki);
  test_live_s_server(dir, have_pki);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("c_api_test: all checks passed\n");
  return 0;
}
