/* The C façade (include/mactls/mactls.h), used from C99 as the browser does:
 * null-handle safety, config errors in words, a refused connect reported
 * through pump, and - when the openssl CLI is present - a full handshake and
 * a resumed one against an `openssl s_server` this program starts on
 * 127.0.0.1 with a throwaway PKI made by the openssl CLI in a temp dir. */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mactls/mactls.h"

extern char** environ;

static int failures = 0;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
      ++failures;                                                                \
    }                                                                            \
  } while (0)

static void sleep_ms(int ms) { (void)poll(NULL, 0, ms); }

static int contains(const char* hay, const char* needle) {
  return hay && needle && strstr(hay, needle) != NULL;
}

/* A port on 127.0.0.1 that nothing listens on (bound, then released). */
static uint16_t free_port(void) {
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  uint16_t port = 0;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && bind(fd, (struct sockaddr*)&sa, sizeof sa) == 0 &&
      getsockname(fd, (struct sockaddr*)&sa, &len) == 0)
    port = ntohs(sa.sin_port);
  if (fd >= 0) close(fd);
  return port;
}

/* Pumps until the state is final (or `want`), at most ~10 s; ORs the events. */
static mactls_state pump_until(mactls_conn* c, mactls_state want, uint32_t* seen) {
  int i;
  mactls_state s = mactls_conn_state(c);
  for (i = 0; i < 2000; ++i) {
    uint32_t ev = 0;
    s = mactls_conn_pump(c, &ev);
    if (seen) *seen |= ev;
    if (s == want || s == MACTLS_STATE_CLOSED || s == MACTLS_STATE_FAILED) break;
    sleep_ms(5);
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
  CHECK(contains(mactls_conn_last_error(NULL), "null"));
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
  CHECK(contains(mactls_config_last_error(cfg), "/nonexistent/mactls/ca.pem"));
  CHECK(contains(mactls_config_last_error(cfg), "cannot"));
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
  CHECK(contains(mactls_config_last_error(cfg), path));
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

static void test_refused_port(void) {
  mactls_config* cfg = mactls_config_new();
  uint16_t port = free_port();
  mactls_conn* c;
  uint32_t seen = 0;
  mactls_state s;
  mactls_info info;
  char want[64];
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
  CHECK(contains(mactls_conn_last_error(c), want));
  CHECK(contains(mactls_conn_last_error(c), "Connection refused"));
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

static int run(const char* cmd) {
  int rc = system(cmd);
  if (rc != 0) fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
  return rc == 0;
}

/* A P-256 root and a P-256 leaf for "localhost", made by the openssl CLI. */
static int make_pki(const char* dir) {
  char cmd[2048];
  char path[512];
  FILE* f;
  snprintf(path, sizeof path, "%s/leaf.ext", dir);
  f = fopen(path, "w");
  if (!f) return 0;
  fputs("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n", f);
  fclose(f);
  snprintf(cmd, sizeof cmd,
           "cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
           "-keyout ca.key -out ca.pem -days 2 -subj /CN=mactls-c-test-root "
           "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign "
           ">log.txt 2>&1 && "
           "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key "
           "-out leaf.csr -subj /CN=localhost >>log.txt 2>&1 && "
           "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
           "-extfile leaf.ext -out leaf.pem >>log.txt 2>&1",
           dir);
  return run(cmd);
}

static pid_t start_s_server(const char* dir, uint16_t port) {
  char accept_arg[32], cert[512], key[512], log[512];
  char* argv[16];
  posix_spawn_file_actions_t fa;
  pid_t pid = -1;
  int i = 0;
  snprintf(accept_arg, sizeof accept_arg, "127.0.0.1:%u", (unsigned)port);
  snprintf(cert, sizeof cert, "%s/leaf.pem", dir);
  snprintf(key, sizeof key, "%s/leaf.key", dir);
  snprintf(log, sizeof log, "%s/s_server.log", dir);
  argv[i++] = "openssl";
  argv[i++] = "s_server";
  argv[i++] = "-accept";
  argv[i++] = accept_arg;
  argv[i++] = "-cert";
  argv[i++] = cert;
  argv[i++] = "-key";
  argv[i++] = key;
  argv[i++] = "-tls1_3";
  argv[i++] = "-www";
  argv[i++] = NULL;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  if (posix_spawnp(&pid, "openssl", &fa, NULL, argv, environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

/* One HTTP exchange with s_server -www; returns 1 when the handshake and
 * the response worked, filling *info. `store` decides resumption. */
static int fetch_once(mactls_config* cfg, uint16_t port, mactls_info* info, char* err, size_t errlen) {
  static const char req[] = "GET / HTTP/1.0\r\n\r\n";
  char resp[8192];
  size_t got = 0, sent = 0;
  uint32_t seen = 0;
  int i;
  mactls_conn* c = mactls_conn_new(cfg, "localhost", port);
  if (!c) return 0;
  mactls_conn_start(c);
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
    if (!(ev & MACTLS_EVENT_READABLE)) sleep_ms(2);
  }
  resp[got] = 0;
  mactls_conn_info(c, info);
  snprintf(err, errlen, "%s", mactls_conn_last_error(c));
  mactls_conn_dispose(c);
  return (seen & MACTLS_EVENT_HANDSHAKE_DONE) && contains(resp, "HTTP/1.0 200 ok");
}

static void test_live_s_server(const char* dir) {
  char ca[512], err[512];
  mactls_config* cfg;
  mactls_ticket_store* tickets;
  mactls_info info;
  uint16_t port;
  pid_t pid;
  int ok = 0, i, status;
  if (system("openssl version >/dev/null 2>&1") != 0) {
    printf("SKIP live s_server part: no openssl CLI\n");
    return;
  }
  memset(&info, 0, sizeof info);
  err[0] = 0;
  CHECK(make_pki(dir));
  port = free_port();
  pid = start_s_server(dir, port);
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
    if (!ok && info.error_origin == MACTLS_ORIGIN_TRANSPORT && contains(err, "refused")) {
      sleep_ms(50);
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

  /* The second connection presents a ticket and resumes. */
  ok = fetch_once(cfg, port, &info, err, sizeof err);
  CHECK(ok);
  if (!ok) fprintf(stderr, "second fetch: %s\n", err);
  CHECK(info.ticket_offered);
  CHECK(info.resumed);
  CHECK(info.signature_scheme == 0);

  kill(pid, SIGTERM);
  waitpid(pid, &status, 0);
  mactls_config_free(cfg);
  mactls_ticket_store_free(tickets);
}

int main(void) {
  char dir[] = "/tmp/mactls-c-api-XXXXXX";
  char cmd[600];
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_null_handles();
  test_config(dir);
  test_refused_port();
  test_live_s_server(dir);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("c_api_test: all checks passed\n");
  return 0;
}
