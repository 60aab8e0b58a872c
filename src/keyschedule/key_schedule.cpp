#include "keyschedule/key_schedule.h"

#include "keyschedule/hkdf_label.h"

namespace mactls {

namespace {

// Hash("") for Derive-Secret(., label, ""): the Messages argument is the
// empty string, so the context is its hash, not an empty context. Constants
// (FIPS 180-4 values of SHA-256("") and SHA-384("")); the RFC 8448 replay
// checks every "derived" secret built on them.
ByteView empty_hash(HashAlg hash) {
  static const uint8_t kSha256[32] = {
      0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
      0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
  static const uint8_t kSha384[48] = {
      0x38, 0xb0, 0x60, 0xa7, 0x51, 0xac, 0x96, 0x38, 0x4c, 0xd9, 0x32, 0x7e, 0xb1, 0xb1, 0xe3, 0x6a,
      0x21, 0xfd, 0xb7, 0x11, 0x14, 0xbe, 0x07, 0x43, 0x4c, 0x0c, 0xc7, 0xbf, 0x63, 0xf6, 0xe1, 0xda,
      0x27, 0x4e, 0xde, 0xbf, 0xe7, 0x6f, 0x65, 0xfb, 0xd5, 0x1a, 0xd2, 0xf1, 0x48, 0x98, 0xb9, 0x5b};
  return hash == HashAlg::sha256 ? ByteView(kSha256, 32) : ByteView(kSha384, 48);
}

// Derive-Secret(secret, label, context) through the stage's keyed secret,
// with the consumed-stage rule: a consumed stage derives nothing.
void derive(const Secret& secret, HmacKey& keyed, const char* lbl, ByteView context, Secret& out) {
  if (secret.empty() || !keyed.keyed()) {
    out.wipe();
    return;
  }
  size_t len = hash_len(keyed.alg());
  hkdf_expand_label(keyed, lbl, context, out.prepare(len), len);
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
  s.keyed_.set(hash, s.secret_.view());
  return s;
}

EarlySecret EarlySecret::with_psk(HashAlg hash, ByteView psk) {
  EarlySecret s(hash, true);
  hkdf_extract(hash, ByteView(), psk, s.secret_);
  s.keyed_.set(hash, s.secret_.view());
  return s;
}

void EarlySecret::binder_key(Secret& out) const {
  if (!has_psk_) {
    out.wipe();
    return;
  }
  derive(secret_, keyed_, label::kResBinder, empty_hash(hash_), out);
}

void EarlySecret::derived(Secret& out) const {
  derive(secret_, keyed_, label::kDerived, empty_hash(hash_), out);
}

HandshakeSecret EarlySecret::into_handshake(ByteView ecdhe_shared) && {
  HandshakeSecret next(hash_);
  if (!secret_.empty()) {
    Secret salt;
    derived(salt);
    hkdf_extract(hash_, salt.view(), ecdhe_shared, next.secret_);
    next.keyed_.set(hash_, next.secret_.view());
  }
  secret_.wipe();
  keyed_.wipe();
  return next;
}

// ---- Handshake Secret ---------------------------------------------------

void HandshakeSecret::client_traffic(ByteView transcript_hash, Secret& out) const {
  derive(secret_, keyed_, label::kClientHandshakeTraffic, transcript_hash, out);
}

void HandshakeSecret::server_traffic(ByteView transcript_hash, Secret& out) const {
  derive(secret_, keyed_, label::kServerHandshakeTraffic, transcript_hash, out);
}

void HandshakeSecret::derived(Secret& out) const {
  derive(secret_, keyed_, label::kDerived, empty_hash(hash_), out);
}

MasterSecret HandshakeSecret::into_master() && {
  MasterSecret next(hash_);
  if (!secret_.empty()) {
    Secret salt;
    derived(salt);
    const uint8_t zeros[kMaxHashLen] = {};
    hkdf_extract(hash_, salt.view(), ByteView(zeros, hash_len(hash_)), next.secret_);
    next.keyed_.set(hash_, next.secret_.view());
  }
  secret_.wipe();
  keyed_.wipe();
  return next;
}

// ---- Master Secret ------------------------------------------------------

void MasterSecret::client_application_traffic(ByteView transcript_hash, Secret& out) const {
  derive(secret_, keyed_, label::kClientApplicationTraffic, transcript_hash, out);
}

void MasterSecret::server_application_traffic(ByteView transcript_hash, Secret& out) const {
  derive(secret_, keyed_, label::kServerApplicationTraffic, transcript_hash, out);
}

void MasterSecret::exporter_master(ByteView transcript_hash, Secret& out) const {
  derive(secret_, keyed_, label::kExporterMaster, transcript_hash, out);
}

void MasterSecret::resumption_master(ByteView transcript_hash, Secret& out) const {
  derive(secret_, keyed_, label::kResumptionMaster, transcript_hash, out);
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
  HmacKey keyed(suite.hash, traffic_secret);
  hkdf_expand_label(keyed, label::kKey, ByteView(), out.key.prepare(suite.key_len), suite.key_len);
  hkdf_expand_label(keyed, label::kIv, ByteView(), out.iv, kAeadNonceLen);
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
