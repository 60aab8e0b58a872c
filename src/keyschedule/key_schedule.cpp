#include "keyschedule/key_schedule.h"

#include "keyschedule/hkdf_label.h"

namespace mactls {

namespace {

// Hash("") for Derive-Secret(., label, ""): the Messages argument is the
// empty string, so the context is its hash, not an empty context.
struct EmptyHash {
  uint8_t bytes[kMaxHashLen];
  size_t len;
  explicit EmptyHash(HashAlg hash) : len(hash_len(hash)) { hash_once(hash, ByteView(), bytes); }
  ByteView view() const { return ByteView(bytes, len); }
};

// Derive-Secret(secret, label, "") — used for "derived" and "res binder".
void derive_over_empty(HashAlg hash, const Secret& secret, const char* lbl, Secret& out) {
  if (secret.empty()) {
    out.wipe();
    return;
  }
  EmptyHash empty(hash);
  derive_secret(hash, secret.view(), lbl, empty.view(), out);
}

// Derive-Secret(secret, label, transcript_hash) with the consumed-stage rule.
void derive_over_transcript(HashAlg hash, const Secret& secret, const char* lbl,
                            ByteView transcript_hash, Secret& out) {
  if (secret.empty()) {
    out.wipe();
    return;
  }
  derive_secret(hash, secret.view(), lbl, transcript_hash, out);
}

}  // namespace

// ---- Early Secret -------------------------------------------------------

EarlySecret EarlySecret::without_psk(HashAlg hash) {
  // "If a given secret is not available, then the 0-value consisting of a
  // string of Hash.length bytes set to zeros is used" (§7.1): the IKM is
  // Hash.length zeros, which differs from an empty IKM.
  EarlySecret s(hash, false);
  const uint8_t zeros[kMaxHashLen] = {};
  hkdf_extract(hash, ByteView(), ByteView(zeros, hash_len(hash)), s.secret_);
  return s;
}

EarlySecret EarlySecret::with_psk(HashAlg hash, ByteView psk) {
  EarlySecret s(hash, true);
  hkdf_extract(hash, ByteView(), psk, s.secret_);
  return s;
}

void EarlySecret::binder_key(Secret& out) const {
  if (!has_psk_) {
    out.wipe();
    return;
  }
  derive_over_empty(hash_, secret_, label::kResBinder, out);
}

void EarlySecret::derived(Secret& out) const {
  derive_over_empty(hash_, secret_, label::kDerived, out);
}

HandshakeSecret EarlySecret::into_handshake(ByteView ecdhe_shared) && {
  HandshakeSecret next(hash_);
  if (!secret_.empty()) {
    Secret salt;
    derived(salt);
    hkdf_extract(hash_, salt.view(), ecdhe_shared, next.secret_);
  }
  secret_.wipe();
  return next;
}

// ---- Handshake Secret ---------------------------------------------------

void HandshakeSecret::client_traffic(ByteView transcript_hash, Secret& out) const {
  derive_over_transcript(hash_, secret_, label::kClientHandshakeTraffic, transcript_hash, out);
}

void HandshakeSecret::server_traffic(ByteView transcript_hash, Secret& out) const {
  derive_over_transcript(hash_, secret_, label::kServerHandshakeTraffic, transcript_hash, out);
}

void HandshakeSecret::derived(Secret& out) const {
  derive_over_empty(hash_, secret_, label::kDerived, out);
}

MasterSecret HandshakeSecret::into_master() && {
  MasterSecret next(hash_);
  if (!secret_.empty()) {
    Secret salt;
    derived(salt);
    const uint8_t zeros[kMaxHashLen] = {};
    hkdf_extract(hash_, salt.view(), ByteView(zeros, hash_len(hash_)), next.secret_);
  }
  secret_.wipe();
  return next;
}

// ---- Master Secret ------------------------------------------------------

void MasterSecret::client_application_traffic(ByteView transcript_hash, Secret& out) const {
  derive_over_transcript(hash_, secret_, label::kClientApplicationTraffic, transcript_hash, out);
}

void MasterSecret::server_application_traffic(ByteView transcript_hash, Secret& out) const {
  derive_over_transcript(hash_, secret_, label::kServerApplicationTraffic, transcript_hash, out);
}

void MasterSecret::exporter_master(ByteView transcript_hash, Secret& out) const {
  derive_over_transcript(hash_, secret_, label::kExporterMaster, transcript_hash, out);
}

void MasterSecret::resumption_master(ByteView transcript_hash, Secret& out) const {
  derive_over_transcript(hash_, secret_, label::kResumptionMaster, transcript_hash, out);
}

// ---- Off the main line --------------------------------------------------

void finished_key(HashAlg hash, ByteView base_secret, Secret& out) {
  if (base_secret.size != hash_len(hash)) {
    out.wipe();
    return;
  }
  hkdf_expand_label(hash, base_secret, label::kFinished, ByteView(), out);
}

void finished_verify_data(HashAlg hash, ByteView finished_key, ByteView transcript_hash,
                          uint8_t* out) {
  hmac(hash, finished_key, transcript_hash, out);
}

bool verify_finished(HashAlg hash, ByteView base_secret, ByteView transcript_hash,
                     ByteView received_verify_data) {
  const size_t n = hash_len(hash);
  if (received_verify_data.size != n) return false;
  Secret key;
  finished_key(hash, base_secret, key);
  if (key.empty()) return false;
  uint8_t expected[kMaxHashLen];
  finished_verify_data(hash, key.view(), transcript_hash, expected);
  bool good = ct_equal(expected, received_verify_data.data, n);
  secure_wipe(expected, sizeof expected);
  return good;
}

Status traffic_keys(const CipherSuite& suite, ByteView traffic_secret, TrafficKeys& out) {
  out.key.wipe();
  secure_wipe(out.iv, sizeof out.iv);
  if (traffic_secret.size != hash_len(suite.hash))
    return Status::fail(Alert::internal_error,
                        "traffic secret has the wrong length (consumed key-schedule stage?)");
  hkdf_expand_label(suite.hash, traffic_secret, label::kKey, ByteView(),
                    out.key.prepare(suite.key_len), suite.key_len);
  hkdf_expand_label(suite.hash, traffic_secret, label::kIv, ByteView(), out.iv, kAeadNonceLen);
  return Status::ok();
}

void next_traffic_secret(HashAlg hash, ByteView secret, Secret& out) {
  if (secret.size != hash_len(hash)) {
    out.wipe();
    return;
  }
  // Through a temporary so that `out` may be the Secret `secret` views.
  Secret next;
  hkdf_expand_label(hash, secret, label::kTrafficUpdate, ByteView(), next);
  out = next;
}

void derive_resumption_psk(HashAlg hash, ByteView resumption_master, ByteView ticket_nonce,
                           Secret& psk) {
  if (resumption_master.size != hash_len(hash)) {
    psk.wipe();
    return;
  }
  hkdf_expand_label(hash, resumption_master, label::kResumption, ticket_nonce, psk);
}

void compute_binder(HashAlg hash, ByteView binder_key,
                    ByteView truncated_clienthello_transcript_hash, uint8_t* out) {
  // §4.2.11.2: "The PskBinderEntry is computed in the same way as the
  // Finished message (Section 4.4.4) but with the BaseKey being the
  // binder_key".
  Secret key;
  finished_key(hash, binder_key, key);
  finished_verify_data(hash, key.view(), truncated_clienthello_transcript_hash, out);
}

}  // namespace mactls
