// mactls-fetch — fetch an https URL with mactls: HTTP/1.1 GET over the async
// Connection and the POSIX transport, driven by a poll() loop the way the
// browser's cooperative loop drives it. The body goes to stdout; diagnostics
// (-v) and errors go to stderr.
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "fetch/http.h"
#include "mactls/connection.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "mactls/verify_cache.h"

namespace {

using namespace mactls;
using fetch::ResponseParser;
using fetch::Url;

const char kUsage[] =
    "usage: mactls-fetch [options] https://host[:port]/path\n"
    "\n"
    "Fetches the URL with an HTTP/1.1 GET (Connection: close) over TLS 1.3 and\n"
    "writes the response body to stdout (headers stripped; Content-Length,\n"
    "chunked, or read until the server closes). Redirects are not followed.\n"
    "\n"
    "options:\n"
    "  --cafile FILE       trust anchors, PEM (default /etc/ssl/certs/ca-certificates.crt)\n"
    "  --connect HOST:PORT connect there instead; SNI and the certificate check\n"
    "                      keep the URL's host ([v6addr]:port for IPv6)\n"
    "  --repeat N          N sequential fetches sharing one ticket store and one\n"
    "                      verification cache: from the second on, the connection\n"
    "                      resumes with a ticket (or, without one, takes the chain\n"
    "                      from the verification cache)\n"
    "  --no-verify-cache   verify every chain in full (no chain or issuer-signature cache)\n"
    "  --keylog FILE       append NSS key log lines (LABEL <client_random hex>\n"
    "                      <secret hex>) for Wireshark; SSLKEYLOGFILE works too\n"
    "  --timeout SECONDS   connect, handshake and response-idle deadline (default 15)\n"
    "  -v                  per fetch, to stderr: version, suite, group, signature\n"
    "                      scheme, certificate chain, resumption report, verification\n"
    "                      cache report (chain cache: hit|miss|off, issuer signatures\n"
    "                      cached: N, certificate signatures checked: N), phase times\n"
    "  -h, --help          this text\n"
    "\n"
    "With --repeat and -v, stderr ends with a table, one row per fetch:\n"
    "  # | handshake | resumed | ms\n"
    "  1 | full | no | 4.2\n"
    "  2 | resumed | yes | 1.3\n"
    "Columns are separated by \" | \"; the header line is exactly the one above.\n"
    "  #          fetch number, from 1\n"
    "  handshake  full, resumed, or fallback (a ticket was offered and declined:\n"
    "             full handshake on the same connection)\n"
    "  resumed    yes or no\n"
    "  ms         handshake time in milliseconds, one decimal: from the TCP\n"
    "             connection being up to the TLS handshake being done\n"
    "\n"
    "exit status: 0 success; 1 usage or bad URL; 2 CA or key log file problem;\n"
    "3 connection or TLS failure (DNS, connect, alert, timeout); 4 malformed or\n"
    "truncated HTTP response; 5 HTTP status 400 or above (the body is still written).\n";

struct Options {
  std::string url;
  std::string cafile = "/etc/ssl/certs/ca-certificates.crt";
  std::string connect;
  int repeat = 1;
  std::string keylog;
  uint32_t timeout_ms = 15000;
  bool verbose = false;
  bool verify_cache = true;
};

using Clock = std::chrono::steady_clock;
double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

/// What one fetch did, for the -v lines and the table.
struct FetchResult {
  int exit_code = 0;
  std::string error;
  bool handshake_done = false;
  bool resumed = false;
  bool fallback = false;
  bool got_byte = false;     ///< a response byte arrived
  bool we_closed = false;    ///< we sent close_notify first (response complete)
  double connect_ms = 0, handshake_ms = 0, first_byte_ms = 0, total_ms = 0;
};

void die_usage(const std::string& msg) {
  std::fprintf(stderr, "mactls-fetch: %s\n(try mactls-fetch --help)\n", msg.c_str());
  std::exit(1);
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= argc) die_usage(std::string(name) + " needs a value");
      return argv[++i];
    };
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (a == "--no-verify-cache") {
      o.verify_cache = false;
    } else if (a == "-v" || a == "--verbose") {
      o.verbose = true;
    } else if (a == "--cafile") {
      o.cafile = value("--cafile");
    } else if (a == "--connect") {
      o.connect = value("--connect");
    } else if (a == "--keylog") {
      o.keylog = value("--keylog");
    } else if (a == "--repeat") {
      const std::string v = value("--repeat");
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end || n < 1 || n > 10000) die_usage("--repeat wants a count from 1 to 10000, not '" + v + "'");
      o.repeat = int(n);
    } else if (a == "--timeout") {
      const std::string v = value("--timeout");
      char* end = nullptr;
      double s = std::strtod(v.c_str(), &end);
      if (v.empty() || *end || !(s > 0) || s > 3600) die_usage("--timeout wants seconds (0 < s <= 3600), not '" + v + "'");
      o.timeout_ms = uint32_t(s * 1000);
    } else if (!a.empty() && a[0] == '-') {
      die_usage("unknown option '" + a + "'");
    } else if (o.url.empty()) {
      o.url = a;
    } else {
      die_usage("more than one URL given");
    }
  }
  if (o.url.empty()) die_usage("no URL given");
  return o;
}

void verbose_report(const Connection& c, const ResponseParser& http, const FetchResult& r, bool verify_cache) {
  if (c.state() == ConnState::failed) std::fprintf(stderr, "* failed: %s\n", c.last_error().c_str());
  const ConnectionInfo* i = c.info();
  const ConnectionStats& st = c.stats();
  if (i && r.handshake_done) {
    std::fprintf(stderr, "* %s, %s, group %s, signature %s%s\n", tls_version_name(i->version),
                 tls_cipher_suite_name(i->cipher_suite), tls_group_name(i->group),
                 tls_signature_scheme_name(i->signature_scheme), i->hello_retry ? ", after HelloRetryRequest" : "");
    if (!i->alpn.empty()) std::fprintf(stderr, "* ALPN %s\n", i->alpn.c_str());
    if (!i->peer_identity.empty()) std::fprintf(stderr, "* peer: %s\n", i->peer_identity.c_str());
    for (size_t k = 0; k < i->peer_chain.size(); ++k)
      std::fprintf(stderr, "* chain[%zu]: %s\n", k, i->peer_chain[k].c_str());
    std::fprintf(stderr, "* %s\n", i->resumed ? "resumed with a ticket" : i->declined ? "full handshake: the ticket was declined"
                                                  : "full handshake");
    std::fprintf(stderr,
                 "* resumption: psk_modes sent %s, ticket offered %s, resumed %s, declined %s, "
                 "dropped after HRR %s, tickets received %u, stored %u\n",
                 i->psk_modes_sent ? "yes" : "no", i->ticket_offered ? "yes" : "no", i->resumed ? "yes" : "no",
                 i->declined ? "yes" : "no", i->psk_dropped_after_hrr ? "yes" : "no", unsigned(i->tickets_received),
                 unsigned(i->tickets_stored));
    if (!i->resumed) {
      std::fprintf(stderr, "* chain cache: %s\n",
                   !verify_cache ? "off" : i->chain_cache_hit ? "hit" : "miss");
      std::fprintf(stderr, "* issuer signatures cached: %zu\n", i->cert_signatures_cached);
      std::fprintf(stderr, "* certificate signatures checked: %zu\n", i->cert_signature_checks);
    }
  }
  if (http.headers_done())
    std::fprintf(stderr, "* %s, body %llu bytes\n", http.status_line().c_str(),
                 static_cast<unsigned long long>(http.body_bytes()));
  std::string first = "none";
  if (r.got_byte) {
    char b[48];
    std::snprintf(b, sizeof b, "%.1f ms after the handshake", r.first_byte_ms);
    first = b;
  }
  std::fprintf(stderr, "* times: connect %.1f ms, handshake %.1f ms, first byte %s, total %.1f ms\n", r.connect_ms,
               r.handshake_ms, first.c_str(), r.total_ms);
  std::fprintf(stderr, "* wire: sent %llu B, received %llu B; pump calls %llu, transport sends %llu, recvs %llu\n",
               static_cast<unsigned long long>(st.wire_bytes_sent), static_cast<unsigned long long>(st.wire_bytes_received),
               static_cast<unsigned long long>(st.pump_calls), static_cast<unsigned long long>(st.transport_sends),
               static_cast<unsigned long long>(st.transport_recvs));
  if (c.state() == ConnState::closed && !r.we_closed)
    std::fprintf(stderr, "* the server closed %s close_notify\n", st.close_notify_received ? "with" : "without");
}

// One GET: pumps the connection from a poll() loop until it is closed or failed.
FetchResult fetch_once(const ClientConfig& cfg, const Options& o, const Url& url, const ConnectionOptions& copt) {
  FetchResult r;
  std::unique_ptr<Connection> c = Connection::New(cfg, make_posix_transport(), url.host, url.port, copt);
  const std::string request = "GET " + url.target + " HTTP/1.1\r\nHost: " + url.authority +
                              "\r\nUser-Agent: mactls-fetch/0.1\r\nAccept: */*\r\nConnection: close\r\n\r\n";
  ResponseParser http;
  std::string body;
  size_t sent = 0;
  bool closing = false, got_byte = false, http_failed = false;
  uint64_t last_wire = 0;

  const Clock::time_point t0 = Clock::now();
  Clock::time_point t_conn = t0, t_hs = t0, t_first = t0, t_activity = t0;
  (void)c->Start();  // a failure shows as the failed state below
  bool read_something = false;

  auto drain = [&]() {
    uint8_t buf[16384];
    size_t n;
    while ((n = c->Read(buf, sizeof buf)) > 0) {
      read_something = true;
      if (!got_byte) {
        got_byte = true;
        t_first = Clock::now();
      }
      if (http_failed) continue;
      if (!http.feed(reinterpret_cast<const char*>(buf), n, &body)) http_failed = true;
      if (!body.empty()) {
        std::fwrite(body.data(), 1, body.size(), stdout);
        body.clear();
      }
    }
  };

  for (;;) {
    ConnState s = c->state();
    if (s == ConnState::closed || s == ConnState::failed) break;
    const Connection::Interest in = c->interest();
    int wait = read_something ? 0 : 1000;
    if (in.timeout_ms >= 0 && in.timeout_ms < wait) wait = int(in.timeout_ms);
    read_something = false;
    if (in.handle >= 0 && (in.want_read || in.want_write)) {
      pollfd p;
      p.fd = in.handle;
      p.events = short((in.want_read ? POLLIN : 0) | (in.want_write ? POLLOUT : 0));
      p.revents = 0;
      (void)poll(&p, 1, wait);
    } else if (wait > 0) {
      (void)poll(nullptr, 0, wait < 10 ? wait : 10);
    }

    // Pump notices the connect first thing, then may send the ClientHello and
    // finish the whole handshake before it returns: the handshake is timed
    // from the start of the Pump that reports Connected.
    const Clock::time_point before_pump = Clock::now();
    s = c->Pump();
    const uint32_t ev = c->events();
    const Clock::time_point now = Clock::now();
    if (ev & kEventConnected) t_conn = before_pump;
    if (ev & kEventHandshakeDone) {
      t_hs = now;
      r.handshake_done = true;
    }
    if (s == ConnState::open && sent < request.size()) {
      sent += c->Write(reinterpret_cast<const uint8_t*>(request.data()) + sent, request.size() - sent);
      read_something = true;  // pump again at once so the request leaves
    }
    drain();
    if (http_failed && !closing) {
      c->Close();
      closing = true;
    }
    if (http.complete() && !closing) {
      c->Close();
      closing = true;
    }
    // A server that stops talking after the handshake: give up after the timeout.
    const uint64_t wire = c->stats().wire_bytes_received + c->stats().wire_bytes_sent;
    if (wire != last_wire) {
      last_wire = wire;
      t_activity = now;
    }
    if (s == ConnState::open && ms_between(t_activity, now) > o.timeout_ms) {
      r.exit_code = 3;
      r.error = "no data from the server for " + std::to_string(o.timeout_ms) + " ms after the handshake; giving up";
      break;
    }
  }
  const Clock::time_point t_end = Clock::now();
  drain();  // data that arrived with the close stays readable

  const ConnectionInfo* info = c->info();
  r.got_byte = got_byte;
  r.we_closed = closing;
  r.resumed = info && info->resumed;
  r.fallback = info && info->ticket_offered && !info->resumed;
  if (t_conn != t0) r.connect_ms = ms_between(t0, t_conn);
  if (r.handshake_done) r.handshake_ms = ms_between(t_conn, t_hs);
  if (got_byte && r.handshake_done) r.first_byte_ms = ms_between(t_hs, t_first);
  r.total_ms = ms_between(t0, t_end);

  if (r.exit_code == 0) {
    std::string why;
    if (c->state() == ConnState::failed && !http.complete()) {
      r.exit_code = 3;
      r.error = c->last_error();
    } else if (http_failed) {
      r.exit_code = 4;
      r.error = "malformed HTTP response: " + http.error();
    } else if (!http.finish(&why)) {
      r.exit_code = 4;
      r.error = why;
    } else if (http.status() >= 400) {
      r.exit_code = 5;
      r.error = "HTTP status: " + http.status_line();
    }
  }
  if (http.reads_to_close() && !closing && c->state() == ConnState::closed && !c->stats().close_notify_received)
    std::fprintf(stderr, "mactls-fetch: warning: the body ended with the TCP connection but without "
                         "close_notify; it may be truncated (RFC 8446 §6.1)\n");
  if (o.verbose) verbose_report(*c, http, r, o.verify_cache);
  c->Dispose();
  std::fflush(stdout);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_args(argc, argv);
  Url url;
  std::string err;
  if (!fetch::parse_url(o.url, &url, &err)) die_usage(err);

  ConnectionOptions copt;
  copt.connect_timeout_ms = o.timeout_ms;
  copt.handshake_timeout_ms = o.timeout_ms;
  if (!o.connect.empty()) {
    uint16_t port = 0;
    if (!fetch::split_host_port(o.connect, &copt.dial_host, &port, true, &err)) die_usage("--connect: " + err);
    copt.dial_port = port;
  }

  TrustStore trust;
  Status s = trust.add_pem_file(o.cafile.c_str());
  if (!s) {
    std::fprintf(stderr, "mactls-fetch: cannot load CA file '%s': %s\n", o.cafile.c_str(), s.what());
    return 2;
  }
  if (o.verbose)
    std::fprintf(stderr, "* %zu trust anchors from %s (%zu skipped)\n", trust.size(), o.cafile.c_str(), trust.skipped());

  std::string keylog_path = o.keylog;
  if (keylog_path.empty()) {
    const char* env = std::getenv("SSLKEYLOGFILE");
    if (env && *env) keylog_path = env;
  }
  std::unique_ptr<FILE, int (*)(FILE*)> keylog(nullptr, &std::fclose);
  if (!keylog_path.empty()) {
    keylog.reset(std::fopen(keylog_path.c_str(), "a"));
    if (!keylog) {
      std::fprintf(stderr, "mactls-fetch: cannot open key log file '%s': %s\n", keylog_path.c_str(),
                   std::strerror(errno));
      return 2;
    }
  }

  MemoryTicketStore tickets;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.tickets = &tickets;
  // One verification cache for every fetch of this run (--repeat), like
  // the ticket store; it outlives every connection made from cfg.
  VerifyCache verify_cache;
  if (o.verify_cache) cfg.verify_cache = &verify_cache;
  if (keylog) {
    FILE* f = keylog.get();
    cfg.keylog = [f](const char* label, const uint8_t* client_random, const uint8_t* secret, size_t len) {
      const std::string line = std::string(label) + " " + to_hex(ByteView(client_random, 32)) + " " +
                               to_hex(ByteView(secret, len)) + "\n";
      std::fputs(line.c_str(), f);
      std::fflush(f);
    };
  }

  std::vector<FetchResult> results;
  int exit_code = 0;
  for (int n = 1; n <= o.repeat; ++n) {
    if (o.verbose)
      std::fprintf(stderr, "* [%d/%d] %s%s%s\n", n, o.repeat, o.url.c_str(), o.connect.empty() ? "" : " via ",
                   o.connect.c_str());
    FetchResult r = fetch_once(cfg, o, url, copt);
    results.push_back(r);
    if (r.exit_code) {
      std::fprintf(stderr, "mactls-fetch: %s\n", r.error.c_str());
      exit_code = r.exit_code;
      if (r.exit_code != 5) break;  // an HTTP error status still allows the next fetch
    }
  }
  if (o.verbose && o.repeat > 1) {
    std::fprintf(stderr, "# | handshake | resumed | ms\n");
    for (size_t k = 0; k < results.size(); ++k) {
      const FetchResult& r = results[k];
      if (!r.handshake_done) continue;
      std::fprintf(stderr, "%zu | %s | %s | %.1f\n", k + 1, r.resumed ? "resumed" : r.fallback ? "fallback" : "full",
                   r.resumed ? "yes" : "no", r.handshake_ms);
    }
  }
  return exit_code;
}
