// Test support: a scripted TLS 1.3 server that runs in-process, byte for
// byte, against mactls::Client. It speaks honest TLS 1.3 (full handshake
// with an Ed25519 leaf under a P-256 chain, HelloRetryRequest, PSK
// resumption with its own tickets, NewSessionTicket, KeyUpdate, echo of
// application data), and every message passes through hooks so a test can
// make it misbehave in exactly one way. Its record protection is written
// here over the AEAD seam, independently of src/record, so the two check
// each other.
#ifndef MACTLS_TESTS_SUPPORT_SCRIPTED_SERVER_H
#define MACTLS_TESTS_SUPPORT_SCRIPTED_SERVER_H

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/secret.h"
#include "keyschedule/cipher_suite.h"
#include "keyschedule/key_schedule.h"
#include "keyschedule/transcript.h"
#include "mactls/client.h"
#include "mactls/random.h"
#include "mactls/status.h"
#include "mactls/testing.h"

namespace mactls::test {

class Pki;

/// A server certificate chain and its Ed25519 signing key, made at test
/// time with the openssl CLI (Ed25519 leaf, P-256 intermediate and root).
struct ServerIdentity {
  std::vector<Bytes> chain_der;  ///< leaf first
  uint8_t ed25519_seed[32] = {};
  uint8_t ed25519_pub[32] = {};
  std::string root_pem;
  std::string host;
  /// Builds it in `pki` for `host`, the leaf valid until
  /// `leaf_not_after_days` from now; false (with a test failure) on error.
  bool make(Pki& pki, const std::string& prefix, const std::string& host, int leaf_not_after_days = 365);
};

/// Server-side ticket memory shared across connections (like a server's
/// ticket key): identity → (PSK, suite).
struct ServerTicketBook {
  struct Entry {
    Bytes psk;
    uint16_t suite;
  };
  std::map<Bytes, Entry> tickets;
  uint64_t counter = 0;
};

/// What the server does; every field has an honest default.
struct ServerScript {
  std::vector<uint16_t> suites = {0x1301, 0x1302, 0x1303};  ///< server preference order
  std::vector<uint16_t> groups = {0x001d, 0x0017, 0x0018};  ///< groups it accepts, preference order
  bool accept_psk = true;
  int num_tickets = 2;
  uint32_t ticket_lifetime = 7200;
  bool send_hrr_cookie = false;
  /// Answer the first ClientHello with a HelloRetryRequest that carries a
  /// cookie and no key_share, even when a usable share was sent (RFC 8446
  /// §4.1.4: a stateless server's cookie-only retry).
  bool hrr_cookie_only = false;
  /// The HRR cookie's contents (empty: a 4-byte default). Large HRRs go out
  /// in several records.
  Bytes hrr_cookie;
  /// The server's randomness (key share, ServerHello.random); nullptr =
  /// system_random(). A FixedRandom makes whole exchanges reproducible.
  RandomSource* random = nullptr;
  /// Called with each handshake message (header included) before it is
  /// sent; may rewrite it. Return false to drop the message.
  std::function<bool(Bytes& msg)> tamper_message;
  /// Called with each outgoing flight of records before it is sent.
  std::function<void(Bytes& records)> tamper_flight;
  /// After the handshake: called once to send extra post-handshake bytes
  /// (use ScriptedServer::protect_handshake / raw helpers).
  std::function<void(class ScriptedServer&, Bytes& out)> after_handshake;
};

/// What run_loopback() drives: a server that takes the client's bytes and
/// appends its answer.
class LoopbackServer {
 public:
  virtual ~LoopbackServer() = default;
  /// Consumes bytes from the client, appends bytes for it. Returns false
  /// when the server itself gave up; then the server's error() says why.
  virtual bool receive(ByteView from_client, Bytes& to_client) = 0;
};

class ScriptedServer : public LoopbackServer {
 public:
  ScriptedServer(const ServerIdentity& id, ServerScript script, ServerTicketBook* book);
  ~ScriptedServer() override;

  /// Consumes bytes from the client, appends bytes for it. Returns false
  /// when the server itself gave up (malformed client input, bad binder,
  /// bad Finished) — then error() says why.
  bool receive(ByteView from_client, Bytes& to_client) override;

  bool handshake_done() const { return done_; }
  bool resumed() const { return resumed_; }
  bool hello_retry_sent() const { return hrr_sent_; }
  bool binder_checked() const { return binder_checked_; }
  uint16_t suite() const { return suite_ ? suite_->code : 0; }
  const std::string& error() const { return error_; }
  /// Application data received from the client.
  const std::string& received() const { return app_in_; }
  /// Alerts received from the client (descriptions).
  const std::vector<uint8_t>& alerts() const { return alerts_; }
  size_t client_hellos() const { return client_hellos_; }
  /// The last ClientHello received (header included).
  const Bytes& last_client_hello() const { return last_ch_; }
  /// Whether the client answered a CertificateRequest with an empty Certificate.
  bool client_sent_empty_certificate() const { return client_sent_empty_certificate_; }
  /// Whether that ClientHello carried pre_shared_key.
  bool last_hello_had_psk() const { return last_ch_psk_; }
  /// The key_share extension data of every ClientHello received, in order.
  const std::vector<Bytes>& hello_key_shares() const { return hello_key_shares_; }
  /// The cookie echoed in the last ClientHello (empty if none).
  const Bytes& last_hello_cookie() const { return last_ch_cookie_; }

  /// Sends application data / a handshake message / a NewSessionTicket /
  /// a KeyUpdate under the current server write keys.
  void send_app(ByteView data, Bytes& out);
  void send_handshake(ByteView msg, Bytes& out);
  /// A NewSessionTicket with the given fields; remembered in the book.
  void send_ticket(Bytes& out, uint32_t lifetime, ByteView extensions = ByteView());
  void send_key_update(bool request, Bytes& out);
  /// Encrypts one record of `type` with the current server keys.
  void send_record(uint8_t type, ByteView payload, Bytes& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_;
  bool done_ = false, resumed_ = false, hrr_sent_ = false, binder_checked_ = false;
  const CipherSuite* suite_ = nullptr;
  std::string error_, app_in_;
  std::vector<uint8_t> alerts_;
  size_t client_hellos_ = 0;
  Bytes last_ch_;
  bool last_ch_psk_ = false;
  std::vector<Bytes> hello_key_shares_;
  Bytes last_ch_cookie_;
  bool client_sent_empty_certificate_ = false;
  friend struct ScriptedServerAccess;
};

/// Runs client and server against each other in memory until neither has
/// anything to say. Bytes can be delivered in chunks of `chunk` bytes
/// (1 = one byte per feed call). Returns the client's status.
struct LoopbackResult {
  Status client_status;
  bool server_ok = true;
  size_t rounds = 0;
};
LoopbackResult run_loopback(Client& client, LoopbackServer& server, size_t chunk = 0,
                            const std::string& client_sends = "");

}  // namespace mactls::test

#endif
