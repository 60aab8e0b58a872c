// The handshake benchmark's shared pieces: scenarios (PKI made at run time),
// a client-CPU meter, the in-process OpenSSL server the clients talk to over
// memory buffers, and the client drivers (mactls and its peers).
//
// Only the benchmark links libssl, GnuTLS and wolfSSL; libmactls never does.
#ifndef MACTLS_BENCH_BENCH_H
#define MACTLS_BENCH_BENCH_H

#include <time.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/pki.h"

namespace mactls {
class VerifyCache;
}

namespace mactls::bench {

using Bytes = std::vector<uint8_t>;

/// A handshake message of the given type whose body is `body_len` filler
/// bytes: what the floors hash and the phase timings feed, sized like a
/// real flight's messages.
Bytes message_of(uint8_t type, size_t body_len);

/// Thread CPU time in nanoseconds: the client's own work, whatever the other
/// core does.
inline uint64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

/// Sums the CPU time of the spans spent inside one client library's calls.
struct CpuMeter {
  uint64_t total_ns = 0;
  uint32_t spans = 0;
  uint64_t started = 0;
  void begin() { started = thread_cpu_ns(); }
  void end() {
    total_ns += thread_cpu_ns() - started;
    ++spans;
  }
};

/// The cost of one empty begin()/end() pair, subtracted from every span.
double meter_overhead_ns();

enum class SigKind { ecdsa_p256, ecdsa_p384, rsa_pkcs1_sha256, rsa_pss_sha256 };

struct Scenario {
  char id = 'a';
  std::string title;         ///< "X25519 + ECDSA P-256 chain + AES-128-GCM"
  uint16_t group = 0x001d;
  uint16_t suite = 0x1301;
  uint16_t cv_scheme = 0;    ///< the CertificateVerify scheme the server must use
  test::KeyKind key = test::KeyKind::p256;
  std::string digest = "sha256";
  std::string host = "bench.mactls.test";
  /// TLS 1.2 only (server limited to 1.2 and `suite`; clients in 1.2 mode;
  /// resumption by the server's RFC 5077 ticket).
  bool tls12 = false;
  /// supported_groups every client offers (the first one gets the key share
  /// in TLS 1.3). TLS 1.2 adds P-256 after X25519: there the list also
  /// names the curves the client accepts for the server's ECDSA certificate
  /// (RFC 8422 §5.1.1), so a P-256 chain needs it; the server still
  /// negotiates `group` for the key exchange.
  std::vector<uint16_t> client_groups() const {
    if (tls12 && group != 0x0017) return {group, 0x0017};
    return {group};
  }
  // Made by make_pki():
  std::string chain_pem_path, key_path, root_pem, int_name, leaf_name, root_name;
  Bytes root_der, int_der, leaf_der;
};

/// The scenarios a–d of the issue, then g: TLS 1.2
/// (ECDHE-ECDSA-AES128-GCM-SHA256, X25519, the P-256 chain of a).
/// Scenarios e and f (verification caches) are built from a by make_host_f().
std::vector<Scenario> all_scenarios();
/// Issues root → intermediate → leaf for `s` in `pki`.
bool make_pki(test::Pki& pki, Scenario& s);
/// Scenario f's server: a second leaf, for another host, signed by the
/// intermediate of `a` (made the way make_pki makes a's), served with that
/// intermediate. Everything else as in `a`.
bool make_host_f(test::Pki& pki, const Scenario& a, Scenario* f);
/// The name no scenario certificate carries: every client must refuse it.
inline const char* wrong_host() { return "wrong.mactls.test"; }

/// The IANA names used in reports and by the peers.
const char* group_openssl_name(uint16_t group);
const char* suite_openssl_name(uint16_t suite);
/// The IANA registry name of a cipher suite ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").
const char* suite_iana_name(uint16_t suite);

/// An OpenSSL 3 server over memory buffers, restricted to the scenario's
/// version, suite and group. TLS 1.3: one ticket per connection. TLS 1.2:
/// RFC 5077 tickets only (no server-side session cache, so a resumption it
/// reports can only be by ticket).
class OpensslServer {
 public:
  OpensslServer();
  ~OpensslServer();
  bool init(const Scenario& s, std::string* err);
  /// Starts a fresh server-side connection.
  bool begin();
  /// Hands the client's bytes to the server; appends what it sends back.
  bool step(const Bytes& from_client, Bytes& to_client);
  bool handshake_done() const;
  bool reused() const;
  void end();
  std::string last_error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_;
};

/// One client library under test. Every call that runs client code is timed
/// into the meter; everything else (trust store loading, context set-up that
/// a browser does once) is not.
class BenchClient {
 public:
  virtual ~BenchClient() = default;
  virtual const char* name() const = 0;
  /// Once per scenario, untimed.
  virtual bool setup(const Scenario& s, std::string* err) = 0;
  /// The host name the next connection asks for (setup sets the scenario's):
  /// the wrong-host control points it elsewhere.
  virtual void set_host(const std::string& host) = 0;
  /// Drops every saved ticket: the next handshake is a full one.
  virtual void forget_tickets() = 0;
  virtual bool has_ticket() const = 0;
  /// Creates the connection and writes the ClientHello.
  virtual bool start(CpuMeter& m, Bytes& out) = 0;
  /// Consumes server bytes (handshake flight, tickets); appends replies.
  virtual bool feed(CpuMeter& m, const Bytes& in, Bytes& out) = 0;
  virtual bool handshake_done() const = 0;
  virtual bool resumed() const = 0;
  /// What the finished handshake negotiated, read before finish(); 0 where
  /// the library does not say (sig_scheme: only mactls reports it).
  struct Negotiated {
    uint16_t version = 0, suite = 0, group = 0, sig_scheme = 0;
  };
  virtual Negotiated negotiated() const = 0;
  /// Further client-specific checks of the finished handshake (mactls: the
  /// verification-cache hit a scenario expects). Empty = passed.
  virtual std::string extra_check() const { return {}; }
  /// Keeps the newest ticket for the next connection, frees the connection.
  virtual void finish(CpuMeter& m) = 0;
  virtual std::string last_error() const = 0;
};

/// mactls, optionally with a verification cache (not owned) and the hit each
/// full handshake must report: 'e' a chain-cache hit, 'f' exactly one
/// issuer signature from the cache and no chain hit, 0 nothing checked.
std::unique_ptr<BenchClient> make_mactls_client(VerifyCache* cache = nullptr, char expect_cache = 0);
std::unique_ptr<BenchClient> make_openssl_client();
std::unique_ptr<BenchClient> make_gnutls_client();
std::unique_ptr<BenchClient> make_wolfssl_client();

/// One handshake of `c` against `server`. Fills the client CPU time (net of
/// meter overhead) and checks the outcome: `want_resumed` must hold on both
/// sides; the version, suite and group the client reports must be the
/// scenario's (the group only where key exchange happened: not in a TLS 1.2
/// resumption), the CertificateVerify scheme too where the client reports
/// it (full handshakes); extra_check() must pass; and a ticket must be held
/// for the next connection.
struct HandshakeResult {
  bool ok = false;
  bool client_refused = false;  ///< the client itself failed the handshake
  double client_ns = 0;
  bool client_resumed = false, server_resumed = false;
  std::string error;
};
HandshakeResult run_handshake(BenchClient& c, OpensslServer& server, const Scenario& s, bool want_resumed);

/// The wrong-host control: `c` must refuse `server` (whose certificate
/// names s.host) when asked for wrong_host(). True if it refused; restores
/// the scenario's host either way.
bool refuses_wrong_host(BenchClient& c, OpensslServer& server, const Scenario& s, std::string* err);

}  // namespace mactls::bench

#endif
