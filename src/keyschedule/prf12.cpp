#include "keyschedule/prf12.h"

#include <cstring>

namespace mactls {

Status prf12(HashAlg alg, ByteView secret, const char* label, ByteView seed, uint8_t* out,
             size_t len) {
  const size_t label_len = std::strlen(label);
  if (label_len > kMaxPrf12LabelSeedLen || seed.size > kMaxPrf12LabelSeedLen - label_len)
    return Status::fail(Alert::internal_error, "TLS 1.2 PRF label and seed too long");
  const size_t hl = hash_len(alg);
  // buf = A(i) || label || seed: A(i) is rewritten in place each round, so
  // HMAC(A(i) + label + seed) is one mac() over the whole buffer and
  // A(i+1) = HMAC(A(i)) one over its first hl bytes.
  uint8_t buf[kMaxHashLen + kMaxPrf12LabelSeedLen];
  std::memcpy(buf + hl, label, label_len);
  if (seed.size) std::memcpy(buf + hl + label_len, seed.data, seed.size);
  const ByteView label_seed(buf + hl, label_len + seed.size);
  HmacKey key(alg, secret);
  key.mac(label_seed, buf);  // A(1) = HMAC(secret, A(0)), A(0) = label + seed
  uint8_t block[kMaxHashLen];
  size_t done = 0;
  while (done < len) {
    key.mac(ByteView(buf, hl + label_seed.size), block);
    const size_t n = len - done < hl ? len - done : hl;
    std::memcpy(out + done, block, n);
    done += n;
    if (done < len) key.mac(ByteView(buf, hl), buf);  // A(i+1)
  }
  secure_wipe(buf, hl);
  secure_wipe(block, sizeof block);
  return Status::ok();
}

Status master_secret12(HashAlg alg, ByteView pre_master_secret, ByteView client_random,
                       ByteView server_random, MasterSecret12& out) {
  if (client_random.size != kHelloRandomLen || server_random.size != kHelloRandomLen)
    return Status::fail(Alert::internal_error, "hello randoms must be 32 bytes");
  uint8_t seed[2 * kHelloRandomLen];
  std::memcpy(seed, client_random.data, kHelloRandomLen);
  std::memcpy(seed + kHelloRandomLen, server_random.data, kHelloRandomLen);
  return prf12(alg, pre_master_secret, "master secret", ByteView(seed, sizeof seed),
               out.prepare(kMasterSecret12Len), kMasterSecret12Len);
}

Status extended_master_secret12(HashAlg alg, ByteView pre_master_secret, ByteView session_hash,
                                MasterSecret12& out) {
  return prf12(alg, pre_master_secret, "extended master secret", session_hash,
               out.prepare(kMasterSecret12Len), kMasterSecret12Len);
}

Status key_block12(const CipherSuite& suite, ByteView master_secret, ByteView client_random,
                   ByteView server_random, KeyMaterial12& client_write,
                   KeyMaterial12& server_write) {
  if (client_random.size != kHelloRandomLen || server_random.size != kHelloRandomLen)
    return Status::fail(Alert::internal_error, "hello randoms must be 32 bytes");
  const size_t kl = suite.key_len, il = fixed_iv_len12(suite.aead);
  uint8_t seed[2 * kHelloRandomLen];
  std::memcpy(seed, server_random.data, kHelloRandomLen);
  std::memcpy(seed + kHelloRandomLen, client_random.data, kHelloRandomLen);
  uint8_t block[2 * 32 + 2 * 12];
  const size_t total = 2 * kl + 2 * il;
  MACTLS_TRY(prf12(suite.hash, master_secret, "key expansion", ByteView(seed, sizeof seed), block,
                   total));
  client_write.key.assign(block, kl);
  server_write.key.assign(block + kl, kl);
  client_write.fixed_iv.assign(block + 2 * kl, il);
  server_write.fixed_iv.assign(block + 2 * kl + il, il);
  secure_wipe(block, sizeof block);
  return Status::ok();
}

Status finished_verify_data12(HashAlg alg, ByteView master_secret, FinishedSide12 side,
                              ByteView handshake_hash, uint8_t out[kVerifyData12Len]) {
  const char* label = side == FinishedSide12::client ? "client finished" : "server finished";
  return prf12(alg, master_secret, label, handshake_hash, out, kVerifyData12Len);
}

}  // namespace mactls
