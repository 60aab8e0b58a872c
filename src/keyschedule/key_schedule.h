// mactls key schedule — RFC 8446 §7.1 as typed stages.
//
// Each stage of the schedule is its own type, and moving to the next stage
// consumes the previous one (the transitions are rvalue-qualified, so they
// read `std::move(early).into_handshake(shared)`), after which the old
// stage holds nothing: its secret is wiped, as §7.1 asks ("Once all the
// values which are to be derived from a given secret have been computed,
// that secret SHOULD be erased"). Secrets live in fixed, self-wiping
// `Secret` buffers; nothing here allocates.
//
//              0
//              |
//              v
//    PSK ->  HKDF-Extract = Early Secret          EarlySecret::with_psk / without_psk
//              |
//              +-----> Derive-Secret(., "ext binder" | "res binder", "")
//              |                     = binder_key             EarlySecret::binder_key
//              |
//              +-----> Derive-Secret(., "c e traffic", ClientHello)
//              |                     = client_early_traffic_secret    (no 0-RTT in mactls)
//              |
//              +-----> Derive-Secret(., "e exp master", ClientHello)
//              |                     = early_exporter_master_secret   (no 0-RTT in mactls)
//              v
//        Derive-Secret(., "derived", "")
//              |
//              v
//    (EC)DHE -> HKDF-Extract = Handshake Secret   std::move(early).into_handshake(ecdhe)
//              |
//              +-----> Derive-Secret(., "c hs traffic",
//              |                     ClientHello...ServerHello)
//              |                     = client_handshake_traffic_secret  client_traffic
//              |
//              +-----> Derive-Secret(., "s hs traffic",
//              |                     ClientHello...ServerHello)
//              |                     = server_handshake_traffic_secret  server_traffic
//              v
//        Derive-Secret(., "derived", "")
//              |
//              v
//    0 -> HKDF-Extract = Master Secret            std::move(handshake).into_master()
//              |
//              +-----> Derive-Secret(., "c ap traffic",
//              |                     ClientHello...server Finished)
//              |                     = client_application_traffic_secret_0
//              |
//              +-----> Derive-Secret(., "s ap traffic",
//              |                     ClientHello...server Finished)
//              |                     = server_application_traffic_secret_0
//              |
//              +-----> Derive-Secret(., "exp master",
//              |                     ClientHello...server Finished)
//              |                     = exporter_master_secret
//              |
//              +-----> Derive-Secret(., "res master",
//                                    ClientHello...client Finished)
//                                    = resumption_master_secret
//
// Off the main line: finished_key / finished_verify_data (§4.4.4),
// traffic_keys (§7.3), next_traffic_secret (§7.2, KeyUpdate),
// derive_resumption_psk (§4.6.1) and compute_binder (§4.2.11.2).
//
// Transcript hashes are passed in already computed (see transcript.h); each
// must be hash_len(hash) bytes. Derive-Secret(., label, "") means the hash
// of the empty string, not an empty context; the stages handle that.
//
// Using a consumed stage is a programming error; it cannot yield a usable
// key: every output of a consumed stage is an empty Secret (size() == 0),
// which traffic_keys and RecordProtector::set_keys refuse.
#ifndef MACTLS_KEYSCHEDULE_KEY_SCHEDULE_H
#define MACTLS_KEYSCHEDULE_KEY_SCHEDULE_H

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/secret.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "keyschedule/cipher_suite.h"
#include "mactls/status.h"

namespace mactls {

/// Every HKDF label mactls uses, without the "tls13 " prefix that
/// hkdf_expand_label adds. This is the one table; no label string appears
/// anywhere else in src/.
namespace label {
// §7.1 Early Secret branch. "ext binder" is for external PSKs and the two
// 0-RTT labels for early data; mactls uses neither, but they are listed so
// that this table is the whole of §7.1 (and RFC 8448 §4 can be checked).
inline constexpr const char* kExtBinder = "ext binder";
inline constexpr const char* kResBinder = "res binder";
inline constexpr const char* kClientEarlyTraffic = "c e traffic";
inline constexpr const char* kEarlyExporterMaster = "e exp master";
// §7.1 salt of the next HKDF-Extract.
inline constexpr const char* kDerived = "derived";
// §7.1 Handshake Secret branch.
inline constexpr const char* kClientHandshakeTraffic = "c hs traffic";
inline constexpr const char* kServerHandshakeTraffic = "s hs traffic";
// §7.1 Master Secret branch.
inline constexpr const char* kClientApplicationTraffic = "c ap traffic";
inline constexpr const char* kServerApplicationTraffic = "s ap traffic";
inline constexpr const char* kExporterMaster = "exp master";
inline constexpr const char* kResumptionMaster = "res master";
// §4.4.4 finished_key; §7.3 write_key and write_iv.
inline constexpr const char* kFinished = "finished";
inline constexpr const char* kKey = "key";
inline constexpr const char* kIv = "iv";
// §7.2 application_traffic_secret_N+1 (KeyUpdate).
inline constexpr const char* kTrafficUpdate = "traffic upd";
// §4.6.1 the PSK of a ticket.
inline constexpr const char* kResumption = "resumption";
// §7.5 TLS-Exporter (not implemented yet).
inline constexpr const char* kExporter = "exporter";
}  // namespace label

class HandshakeSecret;
class MasterSecret;
/// Defined only under tests/: reads stage secrets for the RFC 8448 checks.
struct KeyScheduleTestAccess;

/// The Early Secret stage (RFC 8446 §7.1). Move-only; consumed by
/// into_handshake().
class EarlySecret {
 public:
  /// Early Secret = HKDF-Extract(0, 0): a full handshake, or the fallback
  /// when the server did not select the offered PSK (§7.1: "if no PSK is
  /// selected, it will then need to compute the Early Secret corresponding
  /// to the zero PSK", with the hash of the suite the server chose).
  static EarlySecret without_psk(HashAlg hash);
  /// Early Secret = HKDF-Extract(0, psk) for a resumption PSK (see
  /// derive_resumption_psk). `hash` is the hash of the ticket's suite; the
  /// psk bytes are copied.
  static EarlySecret with_psk(HashAlg hash, ByteView psk);

  EarlySecret(EarlySecret&&) noexcept = default;
  EarlySecret& operator=(EarlySecret&&) noexcept = default;
  EarlySecret(const EarlySecret&) = delete;
  EarlySecret& operator=(const EarlySecret&) = delete;

  HashAlg hash() const { return hash_; }
  /// True once into_handshake() has taken the secret (or after a move).
  bool consumed() const { return secret_.empty(); }

  /// binder_key = Derive-Secret(Early Secret, "res binder", "") (§7.1) for
  /// compute_binder. Empty `out` if this stage was built without a PSK or
  /// is consumed.
  void binder_key(Secret& out) const;

  /// Handshake Secret = HKDF-Extract(Derive-Secret(., "derived", ""),
  /// ecdhe_shared). Consumes this stage (its secret is wiped).
  /// `ecdhe_shared` is the (EC)DHE shared secret of §7.4, read only during
  /// the call.
  HandshakeSecret into_handshake(ByteView ecdhe_shared) &&;

 private:
  EarlySecret(HashAlg hash, bool has_psk) : hash_(hash), has_psk_(has_psk) {}
  /// Derive-Secret(., "derived", ""): the salt of the next Extract.
  void derived(Secret& out) const;
  HashAlg hash_;
  bool has_psk_;
  Secret secret_;
  mutable HmacKey keyed_;  // secret_ as an HMAC key, set up once for all its derivations
  friend struct KeyScheduleTestAccess;
};

/// The Handshake Secret stage (RFC 8446 §7.1). Move-only; consumed by
/// into_master().
class HandshakeSecret {
 public:
  HandshakeSecret(HandshakeSecret&&) noexcept = default;
  HandshakeSecret& operator=(HandshakeSecret&&) noexcept = default;
  HandshakeSecret(const HandshakeSecret&) = delete;
  HandshakeSecret& operator=(const HandshakeSecret&) = delete;

  HashAlg hash() const { return hash_; }
  bool consumed() const { return secret_.empty(); }

  /// client_handshake_traffic_secret = Derive-Secret(., "c hs traffic",
  /// ClientHello...ServerHello). `transcript_hash` is Transcript-Hash up to
  /// and including ServerHello (after a HelloRetryRequest: the
  /// message_hash-substituted transcript, §4.4.1).
  void client_traffic(ByteView transcript_hash, Secret& out) const;
  /// server_handshake_traffic_secret: as client_traffic with "s hs traffic".
  void server_traffic(ByteView transcript_hash, Secret& out) const;

  /// Master Secret = HKDF-Extract(Derive-Secret(., "derived", ""), 0).
  /// Consumes this stage (its secret is wiped).
  MasterSecret into_master() &&;

 private:
  friend class EarlySecret;
  friend struct KeyScheduleTestAccess;
  explicit HandshakeSecret(HashAlg hash) : hash_(hash) {}
  /// Derive-Secret(., "derived", ""): the salt of the next Extract.
  void derived(Secret& out) const;
  HashAlg hash_;
  Secret secret_;
  mutable HmacKey keyed_;  // secret_ as an HMAC key, set up once for all its derivations
};

/// The Master Secret stage (RFC 8446 §7.1): the last one. Move-only;
/// wiped on destruction. The engine keeps it until the client Finished has
/// been hashed (resumption_master needs that transcript), then drops it.
class MasterSecret {
 public:
  MasterSecret(MasterSecret&&) noexcept = default;
  MasterSecret& operator=(MasterSecret&&) noexcept = default;
  MasterSecret(const MasterSecret&) = delete;
  MasterSecret& operator=(const MasterSecret&) = delete;

  HashAlg hash() const { return hash_; }
  bool consumed() const { return secret_.empty(); }

  /// client_application_traffic_secret_0; `transcript_hash` covers
  /// ClientHello...server Finished.
  void client_application_traffic(ByteView transcript_hash, Secret& out) const;
  /// server_application_traffic_secret_0; ClientHello...server Finished.
  void server_application_traffic(ByteView transcript_hash, Secret& out) const;
  /// exporter_master_secret; ClientHello...server Finished.
  void exporter_master(ByteView transcript_hash, Secret& out) const;
  /// resumption_master_secret; ClientHello...client Finished. Keep it for
  /// derive_resumption_psk on every NewSessionTicket of the connection.
  void resumption_master(ByteView transcript_hash, Secret& out) const;

 private:
  friend class HandshakeSecret;
  friend struct KeyScheduleTestAccess;
  explicit MasterSecret(HashAlg hash) : hash_(hash) {}
  HashAlg hash_;
  Secret secret_;
  mutable HmacKey keyed_;  // secret_ as an HMAC key, set up once for all its derivations
};

/// finished_key = HKDF-Expand-Label(base_secret, "finished", "",
/// Hash.length) (RFC 8446 §4.4.4). base_secret is the sender's handshake
/// traffic secret (or a binder_key, §4.2.11.2). Empty `out` if base_secret
/// is not hash_len(hash) bytes.
void finished_key(HashAlg hash, ByteView base_secret, Secret& out);

/// verify_data = HMAC(finished_key, transcript_hash) (§4.4.4) into
/// out[hash_len(hash)]. transcript_hash covers ClientHello up to, not
/// including, the Finished being computed.
void finished_verify_data(HashAlg hash, ByteView finished_key, ByteView transcript_hash,
                          uint8_t* out);

/// Checks a received Finished: recomputes verify_data from the peer's
/// handshake traffic secret and compares in constant time. False (the
/// engine answers decrypt_error, §4.4.4) on mismatch or wrong length.
[[nodiscard]] bool verify_finished(HashAlg hash, ByteView base_secret, ByteView transcript_hash,
                                   ByteView received_verify_data);

/// Record keys for one direction (RFC 8446 §7.3). Wiped on destruction.
struct TrafficKeys {
  SecretBuf<32> key;              ///< key.size() == suite.key_len
  uint8_t iv[kAeadNonceLen] = {}; ///< write_iv
  TrafficKeys() = default;
  TrafficKeys(const TrafficKeys&) = delete;
  TrafficKeys& operator=(const TrafficKeys&) = delete;
  ~TrafficKeys() { secure_wipe(iv, sizeof iv); }
};

/// write_key = HKDF-Expand-Label(secret, "key", "", key_length) and
/// write_iv = HKDF-Expand-Label(secret, "iv", "", 12) (§7.3). Fails with
/// internal_error (and leaves `out` empty) if traffic_secret is not
/// hash_len(suite.hash) bytes, e.g. it came from a consumed stage.
[[nodiscard]] Status traffic_keys(const CipherSuite& suite, ByteView traffic_secret,
                                  TrafficKeys& out);

/// application_traffic_secret_N+1 = HKDF-Expand-Label(
/// application_traffic_secret_N, "traffic upd", "", Hash.length) (§7.2),
/// for KeyUpdate. `out` may be the Secret that `secret` views (in-place
/// update). Empty `out` if `secret` is not hash_len(hash) bytes.
void next_traffic_secret(HashAlg hash, ByteView secret, Secret& out);

/// The PSK of one ticket: HKDF-Expand-Label(resumption_master_secret,
/// "resumption", ticket_nonce, Hash.length) (§4.6.1). `hash` is the hash of
/// the connection's suite, which the ticket remembers.
void derive_resumption_psk(HashAlg hash, ByteView resumption_master, ByteView ticket_nonce,
                           Secret& psk);

/// A PSK binder (§4.2.11.2): HMAC(finished_key(binder_key),
/// Transcript-Hash(Truncate(ClientHello))) into out[hash_len(hash)].
/// `truncated_clienthello_transcript_hash` covers the transcript so far
/// plus the ClientHello up to, not including, the binders list (see
/// Transcript::hash_with_prefix).
void compute_binder(HashAlg hash, ByteView binder_key,
                    ByteView truncated_clienthello_transcript_hash, uint8_t* out);

}  // namespace mactls

#endif  // MACTLS_KEYSCHEDULE_KEY_SCHEDULE_H
