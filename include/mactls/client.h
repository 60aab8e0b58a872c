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
#include "mactls/tls_ids.h"

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
  /// Resumption reuses one authentication this long (seconds; RFC 8446
  /// §4.6.1: tickets are kept 7 days at most). The one source of truth:
  /// the engine records it in every ticket it stores
  /// (Ticket::max_auth_age_s); MemoryTicketStore judges a ticket by that
  /// recorded value when it hands one out, saves or loads, and the engine
  /// checks a ticket it takes against this setting again (so lowering it
  /// takes effect for tickets already stored).
  /// MemoryTicketStore::Limits::max_auth_age_s is not a second copy
  /// of it: it is an optional store-wide ceiling, 0 (none) by default,
  /// that can only shorten what this setting allows. The default equals
  /// Ticket::kDefaultMaxAuthAgeS, the bound of a ticket that records none.
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

/// Everything a connection needs that the host provides.
///
/// Lifetimes and ownership — the one place they are stated (the C façade's
/// rules in mactls/mactls.h follow from them):
///  - A Client (and a Connection, whose Client it is) copies the
///    ClientConfig itself when it is made: the config object may go away or
///    change afterwards without affecting it.
///  - The objects the config points to are NOT owned or copied: `trust`,
///    `tickets`, `verify_cache`, `random` and `clock` must each outlive
///    every Client and Connection made from a config pointing to them, and
///    the functions `keylog` captures must stay callable as long.
///  - TrustStore: fill it first, then share it read-only; it must not be
///    modified while a connection that uses it is alive (adding an anchor
///    changes TrustStore::id, so tickets and cached chains earned under
///    the old set are never used under the new one anyway).
///  - TicketStore (MemoryTicketStore) and VerifyCache: the host owns one
///    of each and shares it between connections and threads (both are
///    thread-safe); tickets and verified chains live in them, not in the
///    connections, so they outlive the connections that filled them and
///    die (wiped) with the store or cache.
///  - RandomSource and Clock are called from inside Client calls only, on
///    the caller's thread; a source shared by threads must be thread-safe.
struct ClientConfig {
  const TrustStore* trust = nullptr;        ///< required: anchors for chain validation
  TicketStore* tickets = nullptr;           ///< resumption store; nullptr disables resumption
  /// false: a full handshake that still keeps what it earns. The engine
  /// takes and offers no TLS 1.3 ticket and no TLS 1.2 session from
  /// `tickets`, but stores the tickets (and the 1.2 session) the server
  /// issues, as usual. For a per-connection choice copy the config (or use
  /// ConnectionOptions::offer_resumption).
  bool offer_resumption = true;
  /// Verified-chain and issuer-signature caches shared by connections
  /// (mactls/verify_cache.h); nullptr turns both off.
  VerifyCache* verify_cache = nullptr;
  RandomSource* random = nullptr;           ///< nullptr = system_random()
  Clock* clock = nullptr;                   ///< nullptr = system_clock()
  /// Offered TLS 1.3 cipher suites in preference order (named in
  /// mactls/tls_ids.h).
  std::vector<uint16_t> cipher_suites = {kTlsAes128GcmSha256, kTlsAes256GcmSha384, kTlsChacha20Poly1305Sha256};
  /// supported_groups in preference order (RFC 8446 §4.2.7; named in
  /// mactls/tls_ids.h). Also the curves a TLS 1.2 server may pick.
  std::vector<uint16_t> groups = {kGroupX25519, kGroupSecp256r1, kGroupSecp384r1};
  /// Groups that get a key share in the first ClientHello (RFC 8446
  /// §4.2.8). Empty (the default) = derived: the first entry of `groups`,
  /// so changing `groups` alone is enough. An explicit list must be a
  /// subset of `groups` with at most three entries, or start() (and
  /// check_config()) fails with a usage error. A server that wants another
  /// group asks for it with a HelloRetryRequest.
  std::vector<uint16_t> key_share_groups;
  /// ALPN protocols to offer (empty = no ALPN extension).
  std::vector<std::string> alpn;
  Limits limits;
  KeyLogFn keylog;
  /// Protocol versions: TLS 1.2 (kVersionTls12) and/or TLS 1.3 (kVersionTls13). The
  /// default offers both in one ClientHello and lets the server choose;
  /// min_version = kVersionTls13 is the TLS 1.3-only client.
  uint16_t min_version = kVersionTls12;
  uint16_t max_version = kVersionTls13;
  /// TLS 1.2 cipher suites in preference order (ECDHE only, AEAD only;
  /// named in mactls/tls_ids.h).
  std::vector<uint16_t> tls12_cipher_suites = {
      kTlsEcdheEcdsaWithChacha20Poly1305Sha256, kTlsEcdheEcdsaWithAes128GcmSha256,
      kTlsEcdheEcdsaWithAes256GcmSha384,        kTlsEcdheRsaWithChacha20Poly1305Sha256,
      kTlsEcdheRsaWithAes128GcmSha256,          kTlsEcdheRsaWithAes256GcmSha384};
  /// Refuse a TLS 1.2 server without extended_master_secret (RFC 7627) with
  /// handshake_failure. Off by default: such a handshake completes, but its
  /// session is never stored for resumption.
  bool require_extended_master_secret = false;
};

/// What a connection has learnt; filled as the handshake proceeds.
struct ConnectionInfo {
  uint16_t version = 0;             ///< kVersionTls13 or kVersionTls12 once negotiated
  uint16_t cipher_suite = 0;        ///< kTlsAes128GcmSha256, ... (mactls/tls_ids.h)
  uint16_t group = 0;               ///< ECDHE group actually used (kGroupX25519, ...)
  /// of CertificateVerify, TLS 1.2: of ServerKeyExchange (kSigEcdsaSecp256r1Sha256, ...; 0 when resumed)
  uint16_t signature_scheme = 0;
  bool hello_retry = false;         ///< a HelloRetryRequest happened
  std::string alpn;                 ///< selected protocol, empty if none
  /// Leaf summary (from the chain, or inherited from the ticket). Set only
  /// once CertificateVerify (TLS 1.2: the ServerKeyExchange signature) has
  /// verified (§4.4.3): empty if it failed.
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
  /// ticket-store key (with port). The engine opens no connection itself,
  /// so `port` serves only that key (tickets from port 8443 are never
  /// offered to port 443); 0 means 443, the HTTPS port, for a host that
  /// does not track ports. An IP literal is not sent as SNI. It is
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
  /// into `out`. Call once. Fails with nothing written: with origin usage
  /// for a config check_config() refuses, with origin local when the
  /// RandomSource reports failed() after drawing the hello's randomness.
  Status start(std::vector<uint8_t>& out);

  /// Gives up a ClientHello that start() made but the caller never sent
  /// (its connect failed, timed out or was abandoned): a ticket taken for
  /// it goes back into ClientConfig::tickets — it was never on the wire,
  /// so it is still unused (RFC 8446 §C.4 forbids only a second offer) —
  /// and every secret (the key pair above all) is wiped as by close();
  /// the state becomes closed. Only before any input was fed; otherwise,
  /// and in any state but handshaking, it changes nothing.
  void withdraw();

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
  /// decrypted application data fills max_buffered_app_data (read() first,
  /// then feed the rest again). `consumed` may be null when the caller does
  /// not need the count. That is safe when readable() is 0 before each
  /// feed() (everything was read) and `len` is at most
  /// Limits::max_buffered_app_data, since then every byte is taken;
  /// otherwise bytes not taken are lost from the caller's view.
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


 private:
  struct Impl;
  friend class Client12;      // the TLS 1.2 machine works on the same Impl
  friend struct ClientAccess;  // internal inspection (src/handshake/client_access.h)
  std::unique_ptr<Impl> impl_;
};

/// "idle", "handshaking", ...
const char* client_state_name(Client::State s);

}  // namespace mactls

#endif  // MACTLS_CLIENT_H
