/* fetch.c — fetch https://HOST:PORT/PATH with the mactls C interface and
 * print the response (headers and body) to stdout.
 *
 *   example_fetch_c HOST PORT CAFILE [PATH]
 *
 * The loop is event-driven: mactls_conn_interest() says which socket to
 * poll() for what, and how long until the next deadline; the program sleeps
 * in poll() until then and pumps once per wake-up. It uses the public
 * header only (mactls/mactls.h). Exit status: 0 when the response was read
 * to the end, 1 otherwise.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mactls/mactls.h>

/* Sleeps until the connection needs a pump: its socket is ready, or its
 * next deadline (connect, handshake, close) is due. Without any of these
 * (no socket yet), it waits at most 100 ms. */
static void wait_for(const mactls_conn* c) {
  mactls_interest in;
  struct pollfd p;
  int timeout = 100;
  if (mactls_conn_interest(c, &in) != 0) return;
  if (in.timeout_ms >= 0 && in.timeout_ms < 60000) timeout = (int)in.timeout_ms;
  else if (in.fd >= 0) timeout = 60000;
  if (in.fd < 0 || (!in.want_read && !in.want_write)) {
    (void)poll(NULL, 0, timeout < 100 ? timeout : 100);
    return;
  }
  p.fd = in.fd;
  p.events = (short)((in.want_read ? POLLIN : 0) | (in.want_write ? POLLOUT : 0));
  p.revents = 0;
  (void)poll(&p, 1, timeout);
}

int main(int argc, char** argv) {
  const char* host;
  const char* cafile;
  const char* path;
  unsigned long port;
  char request[1024];
  size_t request_len, sent = 0;
  mactls_config* cfg;
  mactls_conn* conn;
  mactls_state s;
  int ok;

  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: %s HOST PORT CAFILE [PATH]  (libmactls %s)\n", argv[0], mactls_version());
    return 1;
  }
  host = argv[1];
  port = strtoul(argv[2], NULL, 10);
  cafile = argv[3];
  path = argc == 5 ? argv[4] : "/";
  {
    int n = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
                     path, host);
    if (port == 0 || port > 65535 || n < 0 || (size_t)n >= sizeof request) {
      fprintf(stderr, "bad port, or host and path too long\n");
      return 1;
    }
    request_len = (size_t)n;
  }

  cfg = mactls_config_new();
  if (!cfg) return 1;
  if (mactls_config_load_ca_file(cfg, cafile) != 0) {
    fprintf(stderr, "%s: %s\n", cafile, mactls_config_last_error(cfg));
    mactls_config_free(cfg);
    return 1;
  }
  conn = mactls_conn_new(cfg, host, (uint16_t)port);
  if (!conn) {
    mactls_config_free(cfg);
    return 1;
  }
  s = mactls_conn_start(conn);
  while (s != MACTLS_STATE_CLOSED && s != MACTLS_STATE_FAILED) {
    uint32_t events = 0;
    wait_for(conn);
    s = mactls_conn_pump(conn, &events);
    if (events & MACTLS_EVENT_HANDSHAKE_DONE) {
      mactls_info info;
      if (mactls_conn_info(conn, &info) == 0 && info.version == MACTLS_TLS_1_2)
        fprintf(stderr, "note: the server speaks TLS 1.2 only\n");
    }
    if (s == MACTLS_STATE_OPEN && sent < request_len && (events & MACTLS_EVENT_WRITABLE))
      sent += mactls_conn_write(conn, request + sent, request_len - sent);
    if (events & MACTLS_EVENT_READABLE) {
      char buf[4096];
      size_t n;
      while ((n = mactls_conn_read(conn, buf, sizeof buf)) > 0) fwrite(buf, 1, n, stdout);
    }
  }
  { /* what arrived together with the close */
    char buf[4096];
    size_t n;
    while ((n = mactls_conn_read(conn, buf, sizeof buf)) > 0) fwrite(buf, 1, n, stdout);
  }
  ok = s == MACTLS_STATE_CLOSED;
  if (!ok) fprintf(stderr, "fetch failed: %s\n", mactls_conn_last_error(conn));
  mactls_conn_dispose(conn);
  mactls_config_free(cfg);
  return ok ? 0 : 1;
}
