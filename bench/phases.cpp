#include "phases.h"

#include <algorithm>
#include <functional>

#include "common/secret.h"
#include "crypto/kex.h"
#include "crypto/signature.h"
#include "keyschedule/cipher_suite.h"
#include "keyschedule/key_schedule.h"
#include "keyschedule/transcript.h"
#include "mactls/random.h"
#include "mactls/testing.h"
#include "record/record.h"
#include "x509/certificate.h"

namespace mactls::bench {
namespace {

/// Median thread CPU time of `fn` over `reps` runs; false if fn failed once.
bool median_ns(int reps, const std::function<bool()>& fn, double* out) {
  std::vector<double> v;
  double overhead = meter_overhead_ns();
  for (int i = 0; i < reps; ++i) {
    uint64_t t0 = thread_cpu_ns();
    bool ok = fn();
    uint64_t t1 = thread_cpu_ns();
    if (!ok) return false;
    v.push_back(double(t1 - t0) - overhead);
  }
  std::sort(v.begin(), v.end());
  *out = v[v.size() / 2];
  return true;
}

/// The key schedule of one handshake with its transcript hashing: every
/// secret and key mactls derives, in order, over messages of real sizes.
bool key_schedule(const CipherSuite& suite, const std::vector<Bytes>& msgs, bool resumed,
                  ByteView shared) {
  HashAlg h = suite.hash;
  uint8_t th[kMaxHashLen];
  Transcript t;
  Secret psk;
  EarlySecret early = EarlySecret::without_psk(h);
  if (resumed) {
    uint8_t p[kMaxHashLen] = {1};
    early = EarlySecret::with_psk(h, ByteView(p, hash_len(h)));
    Secret bk;
    early.binder_key(bk);
    if (!t.set_hash(h).is_ok()) return false;
    t.add(msgs[0]);
    size_t n = t.current_hash(th);
    uint8_t binder[kMaxHashLen];
    compute_binder(h, bk.view(), ByteView(th, n), binder);
  } else {
    t.add(msgs[0]);
    if (!t.set_hash(h).is_ok()) return false;
  }
  t.add(msgs[1]);  // ServerHello
  size_t n = t.current_hash(th);
  HandshakeSecret hs = std::move(early).into_handshake(shared);
  Secret cts, sts, cfk, sfk;
  hs.client_traffic(ByteView(th, n), cts);
  hs.server_traffic(ByteView(th, n), sts);
  TrafficKeys ck, sk;
  if (!traffic_keys(suite, cts.view(), ck).is_ok() || !traffic_keys(suite, sts.view(), sk).is_ok()) return false;
  finished_key(h, sts.view(), sfk);
  finished_key(h, cts.view(), cfk);
  for (size_t i = 2; i + 1 < msgs.size(); ++i) t.add(msgs[i]);  // EE, [Certificate, CV]
  n = t.current_hash(th);
  uint8_t vd[kMaxHashLen];
  finished_verify_data(h, sfk.view(), ByteView(th, n), vd);
  t.add(msgs.back());  // server Finished
  n = t.current_hash(th);
  MasterSecret ms = std::move(hs).into_master();
  Secret cap, sap, res, tpsk;
  ms.client_application_traffic(ByteView(th, n), cap);
  ms.server_application_traffic(ByteView(th, n), sap);
  TrafficKeys cak, sak;
  if (!traffic_keys(suite, cap.view(), cak).is_ok() || !traffic_keys(suite, sap.view(), sak).is_ok()) return false;
  finished_verify_data(h, cfk.view(), ByteView(th, n), vd);
  Bytes cfin = message_of(20, hash_len(h));
  t.add(cfin);
  n = t.current_hash(th);
  ms.resumption_master(ByteView(th, n), res);
  uint8_t nonce[8] = {0};
  derive_resumption_psk(h, res.view(), ByteView(nonce, sizeof nonce), tpsk);
  return true;
}

}  // namespace

bool measure_phases(const Scenario& s, const Floor& floor, PhaseReport* out, std::string* err) {
  const int reps = 201;
  const CipherSuite* suite = find_cipher_suite(s.suite);
  if (!suite) {
    *err = "unknown suite";
    return false;
  }
  FixedRandom rng;
  double ns;

  // ECDHE: our key pair and the shared secret with a valid peer share.
  KeyShare peer;
  peer.generate(NamedGroup(s.group), system_random());
  Bytes peer_pub(peer.public_key().begin(), peer.public_key().end());
  Secret shared;
  if (!median_ns(reps, [&] {
        KeyShare k;
        k.generate(NamedGroup(s.group), system_random());
        Secret sh;
        return k.compute_shared(peer_pub, sh).is_ok();
      }, &ns)) {
    *err = "ecdhe";
    return false;
  }
  out->entries.push_back({"ecdhe", ns});
  if (!peer.compute_shared(peer_pub, shared).is_ok()) return false;

  // Certificate parsing: the two certificates the server sends, and their keys.
  if (!median_ns(reps, [&] {
        ParsedCertificate leaf, in;
        PublicKey lk, ik;
        return parse_certificate(s.leaf_der, &leaf).is_ok() && parse_certificate(s.int_der, &in).is_ok() &&
               lk.parse_spki(leaf.spki).is_ok() && ik.parse_spki(in.spki).is_ok();
      }, &ns)) {
    *err = "certificate parsing";
    return false;
  }
  out->entries.push_back({"certificate_parsing", ns});

  // Chain signatures: leaf by intermediate, intermediate by the anchor.
  ParsedCertificate leaf, in, root;
  PublicKey leaf_key, int_key, root_key;
  if (!parse_certificate(s.leaf_der, &leaf).is_ok() || !parse_certificate(s.int_der, &in).is_ok() ||
      !parse_certificate(s.root_der, &root).is_ok() || !leaf_key.parse_spki(leaf.spki).is_ok() ||
      !int_key.parse_spki(in.spki).is_ok() || !root_key.parse_spki(root.spki).is_ok()) {
    *err = "parse";
    return false;
  }
  if (!median_ns(reps, [&] {
        return verify_certificate_signature(leaf, int_key).is_ok() &&
               verify_certificate_signature(in, root_key).is_ok();
      }, &ns)) {
    *err = "chain signatures";
    return false;
  }
  out->entries.push_back({"chain_signatures", ns});

  if (!median_ns(reps, [&] {
        return leaf_key.verify(SignatureScheme(s.cv_scheme), floor.cv_content(), floor.cv_signature()).is_ok();
      }, &ns)) {
    *err = "CertificateVerify";
    return false;
  }
  out->entries.push_back({"certificate_verify", ns});

  // Key schedule + transcript, over messages of a real flight's sizes.
  size_t hl = hash_len(suite->hash);
  size_t cv_len = s.key == test::KeyKind::rsa2048 ? 260 : s.key == test::KeyKind::rsa4096 ? 516 : 4 + 104;
  std::vector<Bytes> full = {message_of(1, 240), message_of(2, 86), message_of(8, 6),
                             message_of(11, s.leaf_der.size() + s.int_der.size() + 13), message_of(15, cv_len),
                             message_of(20, hl)};
  std::vector<Bytes> res = {message_of(1, 240 + 250), message_of(2, 126), message_of(8, 6), message_of(20, hl)};
  for (int resumed = 0; resumed < 2; ++resumed) {
    if (!median_ns(reps, [&] { return key_schedule(*suite, resumed ? res : full, resumed, shared.view()); },
                   &ns)) {
      *err = "key schedule";
      return false;
    }
    out->entries.push_back({resumed ? "key_schedule_resumed" : "key_schedule_full", ns});
  }

  // Record protection: the server's encrypted messages and ticket opened,
  // our Finished sealed.
  Secret secret;
  {
    uint8_t b[kMaxHashLen] = {7};
    secret = Secret(ByteView(b, hl));
  }
  for (int resumed = 0; resumed < 2; ++resumed) {
    const std::vector<Bytes>& msgs = resumed ? res : full;
    RecordProtector sealer;
    if (!sealer.set_keys(*suite, secret.view()).is_ok()) return false;
    std::vector<Bytes> records;
    for (size_t i = 2; i < msgs.size(); ++i) {
      Bytes r;
      if (!sealer.seal(ContentType::handshake, msgs[i], r).is_ok()) return false;
      records.push_back(r);
    }
    Bytes nst = message_of(4, 200), r;
    if (!sealer.seal(ContentType::handshake, nst, r).is_ok()) return false;
    records.push_back(r);
    Bytes fin = message_of(20, hl);
    if (!median_ns(reps, [&] {
          RecordProtector opener, writer;
          if (!opener.set_keys(*suite, secret.view()).is_ok() || !writer.set_keys(*suite, secret.view()).is_ok())
            return false;
          for (const Bytes& rec : records) {
            Bytes copy = rec;
            ContentType type;
            ByteView content;
            if (!opener.open(copy.data(), copy.data() + 5, copy.size() - 5, type, content).is_ok()) return false;
          }
          Bytes o;
          return writer.seal(ContentType::handshake, fin, o).is_ok();
        }, &ns)) {
      *err = "record protection";
      return false;
    }
    out->entries.push_back({resumed ? "record_protection_resumed" : "record_protection_full", ns});
  }
  return true;
}

}  // namespace mactls::bench
