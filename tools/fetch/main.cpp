// mactls-fetch — fetch an https URL with mactls: HTTP/1.1 GET over the async
// Connection and the POSIX transport, driven by a poll() loop the way the
// browser's cooperative loop drives it. The body goes to stdout; diagnostics
// (-v) and errors go to stderr.
#include <poll.h>

#include <cctype>
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
#include "mactls/store_file.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "mactls/version.h"
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
    "  --sessions FILE     load the ticket store from FILE before the fetches and\n"
    "                      save it there after (created mode 0600, replaced\n"
    "                      atomically): a later run resumes. Unless sealed, FILE\n"
    "                      holds session keys in the clear: keep it private\n"
    "  --sessions-key FILE seal the sessions file with the 32-byte key in FILE\n"
    "                      (64 hex digits): ChaCha20-Poly1305, encrypted and\n"
    "                      authenticated\n"
    "  --partition SITE    privacy partition of the tickets (the top-level site);\n"
    "                      tickets from another partition are never offered\n"
    "  -v                  per fetch, to stderr: version, suite, group, signature\n"
    "                      scheme, certificate chain, resumption report, verification\n"
    "                      cache report (chain cache: hit|miss|off, issuer signatures\n"
    "                      cached: N, certificate signatures checked: N), phase times\n"
    "  -V, --version       print the version of mactls-fetch and of libmactls\n"
    "  -h, --help          this text\n"
    "\n"
    "With --repeat and -v, stderr ends with a table, one row per fetch:\n"
    "  # | handshake | resumed | ms\n"
    "  1 | full | no | 4.2\n"
    "  2 | resumed | yes | 1.3\n"
    "followed by the ticket store's counters and the resumption rate:\n"
    "  * store: entries E, bytes B; TLS 1.3: inserted .., taken .., ...\n"
    "  * resumption rate: R of N handshakes (P%)\n"
    "Columns are separated by \" | \"; the header line is exactly the one above.\n"
    "  #          fetch number, from 1\n"
    "  handshake  full, resumed, or fallback (a ticket was offered and declined:\n"
    "             full handshake on the same connection)\n"
    "  resumed    yes or no\n"
    "  ms         handshake time in milliseconds, one decimal: from the TCP\n"
    "             connection being up to the TLS handshake being done\n"
    "\n"
    "exit status (curl's numbers where curl has the same failure):\n"
    "   0  success\n"
    "   2  usage: unknown option, missing or bad value\n"
    "   3  malformed URL (only https://host[:port]/path is fetched)\n"
    "   6  the host name could not be resolved\n"
    "   7  the TCP connection could not be made\n"
    "   8  malformed or truncated HTTP response\n"
    "  22  HTTP status 400 or above (the body is still written)\n"
    "  23  the key log or sessions file cannot be written\n"
    "  28  timeout: connect, handshake, or no data for --timeout seconds\n"
    "  35  TLS handshake failed (an alert sent or received, protocol error)\n"
    "  37  the CA file or the sessions key cannot be read (the OS reason is\n"
    "      printed); a sessions file that cannot be loaded only warns\n"
    "  56  the connection failed after the handshake (alert, reset, send or\n"
    "      receive error)\n"
    "  60  the server's certificate was not accepted (untrusted, expired,\n"
    "      wrong host name, bad signature)\n"
    "  77  the CA file holds no usable certificate\n"
    "With --repeat, the first failure other than 22 ends the run and sets the\n"
    "status; 22 lets the remaining fetches run.\n";

// Exit statuses, modelled on curl's (see kUsage).
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 2,
  kExitBadUrl = 3,
  kExitResolve = 6,
  kExitConnect = 7,
  kExitBadHttp = 8,
  kExitHttpError = 22,
  kExitWriteError = 23,
  kExitTimeout = 28,
  kExitTls = 35,
  kExitCannotReadFile = 37,
  kExitConnectionLost = 56,
  kExitCertificate = 60,
  kExitCaCert = 77,
};

struct Options {
  std::string url;
  std::string cafile = "/etc/ssl/certs/ca-certificates.crt";
  std::string connect;
  int repeat = 1;
  std::string keylog;
  uint32_t timeout_ms = 15000;
  bool verbose = false;
  std::string sessions;
  std::string sessions_key;
  std::string partition;
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
  std::exit(kExitUsage);
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
    } else if (a == "-V" || a == "--version") {
      std::printf("mactls-fetch %s (libmactls %s)\n", MACTLS_VERSION_STRING, mactls::version());
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
    } else if (a == "--sessions") {
      o.sessions = value("--sessions");
    } else if (a == "--sessions-key") {
      o.sessions_key = value("--sessions-key");
    } else if (a == "--partition") {
      o.partition = value("--partition");
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
                 "* resumption: psk_modes sent %s, ticket offered %s, TLS 1.2 session offered %s, resumed %s%s, "
                 "declined %s, dropped after HRR %s, tickets received %u, stored %u\n",
                 i->psk_modes_sent ? "yes" : "no", i->ticket_offered ? "yes" : "no",
                 i->tls12_session_offered ? "yes" : "no", i->resumed ? "yes" : "no",
                 !i->resumed ? "" : i->version == mactls::kVersionTls12 ? " (TLS 1.2 session)" : " (TLS 1.3 ticket)",
                 i->declined ? "yes" : "no", i->psk_dropped_after_hrr ? "yes" : "no", unsigned(i->tickets_received),
                 unsigned(i->tickets_stored));
    if (i->ticket_returned)
      std::fprintf(stderr, "* the TLS 1.3 ticket was ignored by this TLS 1.2 server and went back to the store\n");
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

// The exit status for a failed connection: what failed (the Status origin
// and alert) and how far it got. The certificate alerts are the ones mactls
// raises itself when it rejects the server's chain (RFC 8446 §4.4.2.4);
// received from the server they are a handshake failure like any other.
int failure_exit_code(const Status& e, const std::string& text, bool connected, bool handshake_done) {
  switch (e.origin()) {
    case ErrorOrigin::timeout:
      return kExitTimeout;
    case ErrorOrigin::transport:
      // The POSIX transport words a failed getaddrinfo() "cannot resolve ...".
      if (!connected) return text.find("cannot resolve") != std::string::npos ? kExitResolve : kExitConnect;
      return handshake_done ? kExitConnectionLost : kExitTls;
    case ErrorOrigin::local:
      switch (e.alert()) {
        case Alert::bad_certificate:
        case Alert::unsupported_certificate:
        case Alert::certificate_revoked:
        case Alert::certificate_expired:
        case Alert::certificate_unknown:
        case Alert::unknown_ca:
          if (!handshake_done) return kExitCertificate;
          break;
        default:
          break;
      }
      return handshake_done ? kExitConnectionLost : kExitTls;
    default:
      return handshake_done ? kExitConnectionLost : kExitTls;
  }
}

// One GET: pumps the connection from a poll() loop until it is closed or failed.
FetchResult fetch_once(const ClientConfig& cfg, const Options& o, const Url& url, const ConnectionOptions& copt) {
  FetchResult r;
  std::unique_ptr<Connection> c = Connection::New(cfg, make_posix_transport(), url.host, url.port, copt);
  const std::string request = "GET " + url.target + " HTTP/1.1\r\nHost: " + url.authority +
                              "\r\nUser-Agent: mactls-fetch/" MACTLS_VERSION_STRING "\r\nAccept: */*\r\nConnection: close\r\n\r\n";
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
      r.exit_code = kExitTimeout;
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
      r.exit_code = failure_exit_code(c->error(), c->last_error(), t_conn != t0, r.handshake_done);
      r.error = c->last_error();
    } else if (http_failed) {
      r.exit_code = kExitBadHttp;
      r.error = "malformed HTTP response: " + http.error();
    } else if (!http.finish(&why)) {
      r.exit_code = kExitBadHttp;
      r.error = why;
    } else if (http.status() >= 400) {
      r.exit_code = kExitHttpError;
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

void print_kind(const char* name, const MemoryTicketStore::KindStats& k) {
  std::fprintf(stderr,
               "* store %s: entries %llu, bytes %llu, inserted %llu, rejected %llu, taken %llu, expired %llu, "
               "evicted %llu, cleared %llu, hits %llu, misses %llu\n",
               name, static_cast<unsigned long long>(k.entries), static_cast<unsigned long long>(k.bytes),
               static_cast<unsigned long long>(k.inserted), static_cast<unsigned long long>(k.rejected),
               static_cast<unsigned long long>(k.taken), static_cast<unsigned long long>(k.expired),
               static_cast<unsigned long long>(k.evicted), static_cast<unsigned long long>(k.cleared),
               static_cast<unsigned long long>(k.hits), static_cast<unsigned long long>(k.misses));
}

// The sealing key: 64 hex digits in a file (surrounding white space ignored).
bool read_seal_key(const std::string& path, uint8_t key[32], std::string* err) {
  std::vector<uint8_t> raw;
  std::string why;
  if (!read_file_bounded(path, 4096, &raw, nullptr, &why).is_ok()) {
    *err = why;
    return false;
  }
  std::string hex(raw.begin(), raw.end());
  secure_wipe(raw);
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.pop_back();
  size_t lead = 0;
  while (lead < hex.size() && std::isspace(static_cast<unsigned char>(hex[lead]))) lead++;
  hex.erase(0, lead);
  Bytes k;
  k.reserve(33);  // no reallocation leaves a copy of the key behind
  const bool ok = hex.size() == 64 && from_hex(hex, k) && k.size() == 32;
  if (ok) std::memcpy(key, k.data(), 32);
  secure_wipe(k);
  if (!hex.empty()) secure_wipe(&hex[0], hex.size());
  if (!ok) *err = path + ": want 64 hex digits (a 32-byte key)";
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_args(argc, argv);
  Url url;
  std::string err;
  if (!fetch::parse_url(o.url, &url, &err)) {
    std::fprintf(stderr, "mactls-fetch: %s\n", err.c_str());
    return kExitBadUrl;
  }

  ConnectionOptions copt;
  copt.connect_timeout_ms = o.timeout_ms;
  copt.handshake_timeout_ms = o.timeout_ms;
  copt.partition = o.partition;
  if (!o.connect.empty()) {
    uint16_t port = 0;
    if (!fetch::split_host_port(o.connect, &copt.dial_host, &port, true, &err)) die_usage("--connect: " + err);
    copt.dial_port = port;
  }

  // The CA file is read here rather than by TrustStore::add_pem_file so
  // that a failure can name the OS reason (errno).
  std::string pem;
  {
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(o.cafile.c_str(), "rb"), &std::fclose);
    if (!f) {
      std::fprintf(stderr, "mactls-fetch: cannot open CA file '%s': %s\n", o.cafile.c_str(), std::strerror(errno));
      return kExitCannotReadFile;
    }
    char buf[16384];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
      pem.append(buf, n);
      if (pem.size() > (64u << 20)) {
        std::fprintf(stderr, "mactls-fetch: CA file '%s' is larger than 64 MiB\n", o.cafile.c_str());
        return kExitCannotReadFile;
      }
    }
    if (std::ferror(f.get())) {
      std::fprintf(stderr, "mactls-fetch: cannot read CA file '%s': %s\n", o.cafile.c_str(), std::strerror(errno));
      return kExitCannotReadFile;
    }
  }
  TrustStore trust;
  Status s = trust.add_pem(pem.data(), pem.size());
  if (!s) {
    std::fprintf(stderr, "mactls-fetch: no usable CA certificate in '%s': %s\n", o.cafile.c_str(), s.what());
    return kExitCaCert;
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
      return kExitWriteError;
    }
  }

  MemoryTicketStore tickets;
  uint8_t seal_key[32] = {};
  StoreBlobOptions blob_opt;
  if (!o.sessions_key.empty()) {
    if (o.sessions.empty()) die_usage("--sessions-key needs --sessions");
    if (!read_seal_key(o.sessions_key, seal_key, &err)) {
      std::fprintf(stderr, "mactls-fetch: cannot use the sessions key: %s\n", err.c_str());
      return kExitCannotReadFile;
    }
    blob_opt.seal_key = seal_key;
  }
  if (!o.sessions.empty()) {
    StoreLoadReport rep;
    std::string why;
    const int64_t now = system_clock().unix_ms();
    Status ls = load_ticket_store_file(tickets, o.sessions, now, blob_opt, &rep, &why);
    if (!ls) {
      // A damaged or foreign file costs a full handshake, not the fetch; it
      // is replaced at the end.
      std::fprintf(stderr, "mactls-fetch: warning: sessions file '%s' not loaded: %s%s%s\n", o.sessions.c_str(),
                   ls.what(), why.empty() ? "" : ": ", why.c_str());
    } else if (o.verbose) {
      std::fprintf(stderr, "* sessions: %zu loaded from %s, %zu expired and dropped\n", rep.loaded,
                   o.sessions.c_str(), rep.dropped_expired);
    }
  }
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
      if (r.exit_code != kExitHttpError) break;  // an HTTP error status still allows the next fetch
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
  if (o.verbose && (o.repeat > 1 || !o.sessions.empty())) {
    const MemoryTicketStore::Stats st = tickets.stats();
    std::fprintf(stderr, "* store: entries %llu, bytes %llu\n", static_cast<unsigned long long>(st.entries),
                 static_cast<unsigned long long>(st.bytes));
    print_kind("TLS 1.3", st.tls13);
    print_kind("TLS 1.2", st.tls12);
    size_t done = 0, resumed = 0;
    for (const FetchResult& r : results) {
      done += r.handshake_done ? 1 : 0;
      resumed += r.resumed ? 1 : 0;
    }
    std::fprintf(stderr, "* resumption rate: %zu of %zu handshakes (%.0f%%)\n", resumed, done,
                 done ? 100.0 * double(resumed) / double(done) : 0.0);
  }
  if (!o.sessions.empty()) {
    std::string why;
    Status ss = save_ticket_store_file(tickets, o.sessions, system_clock().unix_ms(), blob_opt, &why);
    if (!ss) {
      std::fprintf(stderr, "mactls-fetch: cannot save sessions file '%s': %s%s%s\n", o.sessions.c_str(), ss.what(),
                   why.empty() ? "" : ": ", why.c_str());
      if (exit_code == 0) exit_code = kExitWriteError;
    } else if (o.verbose) {
      std::fprintf(stderr, "* sessions: %zu saved to %s%s\n", tickets.size(), o.sessions.c_str(),
                   blob_opt.seal_key ? " (sealed)" : "");
    }
  }
  secure_wipe(seal_key, sizeof seal_key);
  return exit_code;
}
