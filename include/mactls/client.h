// mactls — the TLS 1.3 client engine (RFC 8446). It owns no I/O: the caller
// hands it bytes received from the server and sends the bytes it produces,
// like picotls' ptls_handshake and BearSSL's SENDREC/RECVREC engine. Clock,
// randomness, trust anchors and the ticket store are injected through
// ClientConfig. Nothing here blocks, throws or starts a thread.
//
// Lifecycle:
//   Client c(config, "example.com", 443);
//   c.start(out);                 // out: ClientHello records to send
//   loop: c.feed(received, &used, out); send(out); out.clear();
//         c.read(buf, n) while c.readable();
//   c.write(data, out);           // once c.is_open()
//   c.close(out);                 // close_notify
#ifndef MACTLS_CLIENT_H
#define MACTLS_CLIENT_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mactls/clock.h"
#include "mactls/random.h"
#include "mactls/status.h"

namespace mactls {

class Client12;

class TrustStore;
class TicketStore;
struct TicketKey;
class VerifyCache;

/// Resource limits, each with a default sized for real servers and a hard
/// ceiling for hostile ones.
struct Limits {
  size_t max_handshake_message = 64 * 1024;  ///< largest handshake message accepted
  size_t max_chain_certificates = 10;        ///< certificates in the server's Certificate
  size_t max_chain_depth = 8;                ///< intermediates + anchor on the verified path
  size_t max_extensions = 64;                ///< extensions in one message
  size_t max_ticket_size = 4096;             ///< larger tickets are ignored, not stored
  size_t max_tickets_per_connection = 16;    ///< further NewSessionTickets are ignored
  size_t max_buffered_app_data = 64 * 1024;  ///< decrypted data held until read(): no record is taken beyond it (so at most one record, 16 KB, over)
  size_t max_empty_records = 32;             ///< consecutive zero-length records tolerated
  size_t max_key_updates = 64;               ///< KeyUpdates accepted without app data between
  /// Resumption reuses one authentication this long. The one setting: it
  /// is recorded in every ticket this config stores (Ticket::max_auth_age_s)
  /// and the store judges the ticket by it.
  uint32_t max_auth_age_s = 7 * 24 * 3600;
  // Certificate path building (README "Certificate validation"): a G3 pays
  // about 24 ms per P-256 signature check and a normal chain needs 2-3, so
  // no Certificate message, however crafted, costs more than a few normal
  // handshakes. Exhausting a budget fails the handshake with bad_certificate.
  size_t max_signature_checks = 8;           ///< certificate signatures verified per handshake
  size_t max_path_candidates = 64;           ///< issuer candidates the path search considers per handshake
  size_t max_name_constraint_checks = 4096;  ///< name-against-subtree comparisons per handshake
  unsigned min_rsa_bits = 2048;              ///< smallest RSA modulus accepted; may be lowered to 1024 for intranet devices
};

/// NSS key-log callback: label ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", ...),
/// client_random (32 bytes), secret. For debugging only.
using KeyLogFn = std::function<void(const char* label, const uint8_t* client_random,
                                    const uint8_t* secret, size_t secret_len)>;

/// Everything a connection needs that the host provides. Pointers are not
/// owned and must outlive every Client made from the config.
struct ClientConfig {
  const TrustStore* trust = nullptr;        ///< required: anchors for chain validation
  TicketStore* tickets = nullptr;           ///< resumption store; nullptr disables resumption
  /// Verified-chain and issuer-signature caches shared by connections
  /// (mactls/verify_cache.h); nullptr turns both off.
  VerifyCache* verify_cache = nullptr;
  RandomSource* random = nullptr;           ///< nullptr = system_random()
  Clock* clock = nullptr;                   ///< nullptr = system_clock()
  /// Offered cipher suites in preference order (TLS_AES_128_GCM_SHA256 =
  /// 0x1301, TLS_AES_256_GCM_SHA384 = 0x1302, TLS_CHACHA20_POLY1305_SHA256 = 0x1303).
  std::vector<uint16_t> cipher_suites = {0x1301, 0x1302, 0x1303};
  /// supported_groups in preference order (x25519 0x001d, secp256r1 0x0017, secp384r1 0x0018).
  std::vector<uint16_t> groups = {0x001d, 0x0017, 0x0018};
  /// Groups that get a key share in the first ClientHello (subset of groups).
  std::vector<uint16_t> key_share_groups = {0x001d};
  /// ALPN protocols to offer (empty = no ALPN extension).
  std::vector<std::string> alpn;
  Limits limits;
  KeyLogFn keylog;
  /// Protocol versions: TLS 1.2 (0x0303) and/or TLS 1.3 (0x0304). The
  /// default offers both in one ClientHello and lets the server choose;
  /// min_version = 0x0304 is the TLS 1.3-only client.
  uint16_t min_version = 0x0303;
  uint16_t max_version = 0x0304;
  /// TLS 1.2 cipher suites in preference order (ECDHE only, AEAD only):
  /// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xCCA9,
  /// ..._AES_128_GCM_SHA256 = 0xC02B, ..._AES_256_GCM_SHA384 = 0xC02C, and
  /// the ECDHE_RSA ones 0xCCA8, 0xC02F, 0xC030.
  std::vector<uint16_t> tls12_cipher_suites = {0xCCA9, 0xC02B, 0xC02C, 0xCCA8, 0xC02F, 0xC030};
  /// Refuse a TLS 1.2 server without extended_master_secret (RFC 7627) with
  /// handshake_failure. Off by default: such a handshake completes, but its
  /// session is never stored for resumption.
  bool require_extended_master_secret = false;
};

/// What a connection has learnt; filled as the handshake proceeds.
struct ConnectionInfo {
  uint16_t version = 0;             ///< 0x0304 or 0x0303 once negotiated
  uint16_t cipher_suite = 0;
  uint16_t group = 0;               ///< ECDHE group actually used
  uint16_t signature_scheme = 0;    ///< of CertificateVerify (0 when resumed)
  bool hello_retry = false;         ///< a HelloRetryRequest happened
  std::string alpn;                 ///< selected protocol, empty if none
  /// Leaf summary (from the chain, or inherited from the ticket). Set only
  /// once CertificateVerify has verified (§4.4.3): empty if it failed.
  std::string peer_identity;
  /// One line per certificate on the verified path (full handshakes), set
  /// with peer_identity.
  std::vector<std::string> peer_chain;
  // Resumption report.
  bool psk_modes_sent = false;      ///< psk_key_exchange_modes (psk_dhe_ke) was in the ClientHello
  bool ticket_offered = false;      ///< a ticket was offered in pre_shared_key
  bool resumed = false;             ///< the server accepted it (a 1.3 ticket or a 1.2 session)
  bool declined = false;            ///< offered but declined: full handshake on this connection
  bool psk_dropped_after_hrr = false;  ///< offered, then withdrawn after HRR (hash mismatch)
  bool tls12_session_offered = false;  ///< a TLS 1.2 session (session id or RFC 5077 ticket) was offered
  /// The TLS 1.3 ticket offered was ignored by a server that completed a
  /// TLS 1.2 handshake, and went back to the store unspent, because a TLS
  /// 1.2 session for the same key is there to travel with it (mixed pools;
  /// RESUMPTION_SCOPE.md).
  bool ticket_returned = false;
  uint32_t tickets_received = 0;    ///< NewSessionTickets parsed on this connection
  uint32_t tickets_stored = 0;      ///< of which stored
  int64_t auth_unix_s = 0;          ///< when the peer's certificate was last verified (set with peer_identity)
  /// Earliest notAfter (unix s) of the leaf and intermediates the peer was
  /// authenticated with (inherited from the ticket when resumed); tickets
  /// from this connection are not offered from that time on. 0 = unknown.
  int64_t cert_not_after_s = 0;
  // What verifying the server's chain cost (full handshakes; set on failure too).
  size_t cert_signature_checks = 0;  ///< certificate signatures verified (Limits::max_signature_checks)
  size_t cert_path_candidates = 0;   ///< issuer candidates considered (Limits::max_path_candidates)
  bool chain_cache_hit = false;      ///< the chain was found in ClientConfig::verify_cache: no chain signature checked
  size_t cert_signatures_cached = 0; ///< certificate signatures taken from the issuer-signature cache
  // Timing (monotonic clock, ms).
  uint64_t started_ms = 0;
  uint64_t handshake_done_ms = 0;
};

/// The client engine. Not copyable; one per connection.
class Client {
 public:
  enum class State : uint8_t {
    idle,         ///< constructed, start() not called
    handshaking,  ///< ClientHello sent, waiting for the server
    open,         ///< handshake done: read and write application data
    peer_closed,  ///< close_notify received (we may still write until close())
    closed,       ///< close() called and no more input expected
    failed,       ///< a fatal error happened; see error()
  };

  /// server_name is used for SNI, certificate host name checks and the
  /// ticket-store key (with port). An IP literal is not sent as SNI. It is
  /// normalised once, here, for all three: one trailing dot is dropped
  /// (RFC 6066 §3 forbids it in SNI; `localhost.` is `localhost`) and ASCII
  /// letters are lowered (DNS names are case-insensitive).
  Client(const ClientConfig& config, std::string server_name, uint16_t port);
  /// The same, in a privacy partition: `partition` (the top-level site the
  /// request belongs to, as the browser names it; empty = the default
  /// partition) becomes part of the ticket-store key, so a ticket earned in
  /// one partition is never offered in another and visits cannot be linked
  /// across sites through resumption.
  Client(const ClientConfig& config, std::string server_name, uint16_t port, std::string partition);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Writes the ClientHello (taking a ticket from the store if one fits)
  /// into `out`. Call once. Fails (origin local, nothing written) when the
  /// RandomSource reports failed() after drawing the hello's randomness.
  Status start(std::vector<uint8_t>& out);

  /// The usage errors start() would report (no trust anchors, unknown or
  /// inconsistent suites/groups/key shares, bad ALPN names), without
  /// starting: lets an adapter refuse a bad config before any DNS or TCP.
  Status check_config() const;

  /// The key this connection's tickets are filed and looked up under: the
  /// normalised server name, the port, the partition and a digest of the
  /// security context (trust anchors, verification limits, ALPN offer), as
  /// of this call. start() computes the same from the config as it is then.
  TicketKey ticket_key() const;

  /// Consumes bytes received from the server. Records that complete are
  /// processed; partial ones are kept. Bytes to send (handshake messages,
  /// alerts, KeyUpdate answers) are appended to `out`. Returns the fatal
  /// error, if any (an alert for the peer is then already in `out`).
  /// `*consumed` tells how much of `in` was taken: less than `len` only when
  /// decrypted application data fills max_buffered_app_data (read() first).
  Status feed(const uint8_t* in, size_t len, size_t* consumed, std::vector<uint8_t>& out);

  /// Encrypts application data into records appended to `out`. Only when
  /// is_open() or peer_closed.
  Status write(const uint8_t* data, size_t len, std::vector<uint8_t>& out);

  /// Copies up to `cap` bytes of received application data; returns the count.
  size_t read(uint8_t* buf, size_t cap);
  /// Bytes of application data waiting for read().
  size_t readable() const;

  /// Sends close_notify (appended to `out`) and stops accepting writes.
  Status close(std::vector<uint8_t>& out);

  State state() const;
  bool is_open() const { return state() == State::open; }
  bool handshake_done() const;
  /// The fatal error (ok while none happened).
  Status error() const;
  const ConnectionInfo& info() const;

  /// Test hook: the number of bytes of key material currently held (traffic
  /// secrets, private keys, PSKs); 0 after close()/failure wipes them.
  size_t secret_bytes_held() const;

 private:
  struct Impl;
  friend class Client12;  // the TLS 1.2 machine works on the same Impl
  std::unique_ptr<Impl> impl_;
};

/// "idle", "handshaking", ...
const char* client_state_name(Client::State s);

}  // namespace mactls

#endif  // MACTLS_CLIENT_H
