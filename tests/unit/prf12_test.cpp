// TLS 1.2 PRF, master secrets, key block and Finished (RFC 5246, RFC 7627),
// checked against OpenSSL's TLS1-PRF: tests/vectors/openssl_prf12.txt,
// written by tools/openssl_vectors/gen_vectors.c.
#include <gtest/gtest.h>

#include <string>

#include "keyschedule/cipher_suite.h"
#include "keyschedule/prf12.h"
#include "support/assert_status.h"
#include "support/vector_file.h"

namespace mactls {
namespace {

HashAlg hash_of(const test::VectorBlock& b) {
  return b.str("hash") == "sha384" ? HashAlg::sha384 : HashAlg::sha256;
}

const CipherSuite& suite_for_aead(const std::string& aead) {
  if (aead == "aes128_gcm") return *find_cipher_suite12(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
  if (aead == "aes256_gcm") return *find_cipher_suite12(TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384);
  return *find_cipher_suite12(TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256);
}

TEST(Prf12, EveryDerivationMatchesOpensslTls1Prf) {
  auto blocks = test::load_vector_blocks("openssl_prf12.txt");
  ASSERT_EQ(blocks.size(), 27u);
  size_t seen_prf = 0, seen_master = 0, seen_ems = 0, seen_kb = 0, seen_fin = 0;
  for (const auto& b : blocks) {
    const std::string kind = b.str("kind");
    const HashAlg h = hash_of(b);
    SCOPED_TRACE(kind + " " + b.str("hash"));
    if (kind == "prf") {
      ++seen_prf;
      Bytes want = b.bytes("out"), got(want.size());
      ASSERT_OK(prf12(h, b.bytes("secret"), b.str("label").c_str(), b.bytes("seed"), got.data(),
                      got.size()));
      EXPECT_EQ(to_hex(got), to_hex(want));
    } else if (kind == "master") {
      ++seen_master;
      MasterSecret12 ms;
      ASSERT_OK(master_secret12(h, b.bytes("pms"), b.bytes("client_random"),
                                b.bytes("server_random"), ms));
      EXPECT_EQ(to_hex(ms.view()), b.str("master"));
    } else if (kind == "ems") {
      ++seen_ems;
      MasterSecret12 ms;
      ASSERT_OK(extended_master_secret12(h, b.bytes("pms"), b.bytes("session_hash"), ms));
      EXPECT_EQ(to_hex(ms.view()), b.str("master"));
    } else if (kind == "key_block") {
      ++seen_kb;
      const CipherSuite& suite = suite_for_aead(b.str("aead"));
      ASSERT_EQ(suite.hash, h);
      KeyMaterial12 c, s;
      ASSERT_OK(key_block12(suite, b.bytes("master"), b.bytes("client_random"),
                            b.bytes("server_random"), c, s));
      // RFC 5246 §6.3: client key, server key, client iv, server iv.
      EXPECT_EQ(to_hex(c.key.view()) + to_hex(s.key.view()) + to_hex(c.fixed_iv.view()) +
                    to_hex(s.fixed_iv.view()),
                b.str("key_block"));
      EXPECT_EQ(c.key.size(), suite.key_len);
      EXPECT_EQ(c.fixed_iv.size(), fixed_iv_len12(suite.aead));
    } else if (kind == "finished") {
      ++seen_fin;
      uint8_t vd[kVerifyData12Len];
      ASSERT_OK(finished_verify_data12(
          h, b.bytes("master"),
          b.str("side") == "client" ? FinishedSide12::client : FinishedSide12::server,
          b.bytes("handshake_hash"), vd));
      EXPECT_EQ(to_hex(ByteView(vd, sizeof vd)), b.str("verify_data"));
    } else {
      ADD_FAILURE() << "unknown vector kind " << kind;
    }
  }
  EXPECT_EQ(seen_prf, 12u);
  EXPECT_EQ(seen_master, 4u);
  EXPECT_EQ(seen_ems, 4u);
  EXPECT_EQ(seen_kb, 3u);
  EXPECT_EQ(seen_fin, 4u);
}

TEST(Prf12, RefusesAnOversizeSeedAndLeavesTheOutputAlone) {
  uint8_t secret[48] = {1}, seed[kMaxPrf12LabelSeedLen] = {}, out[8] = {7, 7, 7, 7, 7, 7, 7, 7};
  Status s = prf12(HashAlg::sha256, ByteView(secret, sizeof secret), "x",
                   ByteView(seed, sizeof seed), out, sizeof out);
  EXPECT_EQ(s.alert(), Alert::internal_error);
  for (uint8_t v : out) EXPECT_EQ(v, 7);
  // One byte shorter fits exactly.
  ASSERT_OK(prf12(HashAlg::sha256, ByteView(secret, sizeof secret), "x",
                  ByteView(seed, sizeof seed - 1), out, sizeof out));
}

TEST(Prf12, MasterSecretNeedsTwoFullRandoms) {
  uint8_t pms[32] = {}, r[32] = {};
  MasterSecret12 ms;
  EXPECT_EQ(master_secret12(HashAlg::sha256, ByteView(pms, 32), ByteView(r, 31), ByteView(r, 32), ms)
                .alert(),
            Alert::internal_error);
}

TEST(CipherSuite12, TableMatchesTheCodePoints) {
  ASSERT_EQ(kCipherSuite12Count, 6u);
  for (const CipherSuite& s : kCipherSuites12) {
    SCOPED_TRACE(s.name);
    EXPECT_EQ(find_cipher_suite12(s.code), &s);
    EXPECT_EQ(find_cipher_suite(s.code), nullptr);  // never mistaken for a 1.3 suite
    EXPECT_EQ(suite12_uses_ecdsa(s), std::string(s.name).find("_ECDSA_") != std::string::npos);
    EXPECT_EQ(s.hash == HashAlg::sha384, std::string(s.name).find("SHA384") != std::string::npos);
  }
  EXPECT_EQ(find_cipher_suite12(TLS_AES_128_GCM_SHA256), nullptr);
}

}  // namespace
}  // namespace mactls
