// The crypto seam against outside oracles: RFC 5869 Appendix A (read from
// the RFC text), OpenSSL 3 vectors from tools/openssl_vectors (TLS13-KDF,
// AEAD, X25519, ECDH), RFC 7748 §5.2/§6.1, and signatures made by the
// openssl CLI at test time.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/kex.h"
#include "crypto/signature.h"
#include "keyschedule/hkdf_label.h"
#include "support/pki.h"
#include "support/vector_file.h"
#include "support/vectors.h"

namespace mactls {
namespace {

using test::hex;

// ---------------------------------------------------------------- RFC 5869

struct HkdfCase {
  std::string name;
  std::map<std::string, std::string> v;
};

// Reads the SHA-256 cases of RFC 5869 Appendix A from the RFC text:
// "IKM  = 0x0b0b... (22 octets)"; long values continue on following lines
// until "(N octets)".
std::vector<HkdfCase> rfc5869_sha256_cases() {
  std::istringstream in(test::read_file(test::rfc_path("rfc5869.txt")));
  std::vector<HkdfCase> cases;
  std::string line, field;
  bool sha256 = false;
  auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  // Appends the leading hex digits of `s`; true once "octets" closes the value.
  auto take_hex = [&](const std::string& s, std::string& into) {
    size_t i = 0;
    while (i < s.size() && is_hex(s[i])) into += s[i++];
    return s.find("octets", i) != std::string::npos;
  };
  while (std::getline(in, line)) {
    size_t first = line.find_first_not_of(' ');
    std::string body = first == std::string::npos ? "" : line.substr(first);
    if (line.rfind("A.", 0) == 0 && line.find("Test Case") != std::string::npos) {
      cases.push_back({line.substr(0, line.find("  ")), {}});
      sha256 = false;
      field.clear();
      continue;
    }
    if (cases.empty()) continue;
    if (body.rfind("Hash = SHA-256", 0) == 0) {
      sha256 = true;
      continue;
    }
    if (!sha256) continue;
    size_t eq = body.find(" = ");
    std::string name = eq == std::string::npos ? "" : body.substr(0, body.find(' '));
    if (name == "L") {
      cases.back().v["L"] = body.substr(eq + 3, body.find_first_not_of("0123456789", eq + 3) - eq - 3);
    } else if (name == "IKM" || name == "salt" || name == "info" || name == "PRK" || name == "OKM") {
      std::string value = body.substr(eq + 3);
      if (value.rfind("0x", 0) == 0) value = value.substr(2);
      field = name;
      cases.back().v[field].clear();
      if (take_hex(value, cases.back().v[field])) field.clear();
    } else if (!field.empty() && !body.empty() && is_hex(body[0])) {
      if (take_hex(body, cases.back().v[field])) field.clear();
    }
  }
  std::vector<HkdfCase> out;
  for (auto& c : cases)
    if (c.v.count("OKM")) out.push_back(c);
  return out;
}

TEST(Hkdf, Rfc5869AppendixASha256Cases) {
  auto cases = rfc5869_sha256_cases();
  ASSERT_EQ(cases.size(), 3u) << "RFC 5869 A.1-A.3 are the SHA-256 cases";
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes ikm = hex(c.v.at("IKM")), salt = hex(c.v.at("salt")), info = hex(c.v.at("info"));
    size_t L = std::stoul(c.v.at("L"));
    Secret prk;
    hkdf_extract(HashAlg::sha256, salt, ikm, prk);
    EXPECT_EQ(to_hex(prk.view()), c.v.at("PRK"));
    Bytes okm(L);
    hkdf_expand(HashAlg::sha256, prk.view(), info, okm.data(), L);
    EXPECT_EQ(to_hex(okm), c.v.at("OKM"));
  }
}

// ---------------------------------------------------------------- openssl vectors

TEST(Hkdf, ExpandLabelMatchesOpensslTls13Kdf) {
  auto blocks = test::load_vector_blocks("openssl_hkdf_label.txt");
  ASSERT_EQ(blocks.size(), 24u);
  size_t sha384 = 0;
  for (const auto& b : blocks) {
    HashAlg h = b.str("hash") == "sha384" ? HashAlg::sha384 : HashAlg::sha256;
    sha384 += h == HashAlg::sha384;
    Bytes want = b.bytes("okm"), got(want.size());
    hkdf_expand_label(h, b.bytes("secret"), b.str("label").c_str(), b.bytes("context"), got.data(), got.size());
    EXPECT_EQ(to_hex(got), to_hex(want)) << b.str("hash") << " " << b.str("label");
  }
  EXPECT_EQ(sha384, 12u);
}

AeadAlg aead_of(const std::string& name) {
  if (name == "aes128_gcm") return AeadAlg::aes128_gcm;
  if (name == "aes256_gcm") return AeadAlg::aes256_gcm;
  return AeadAlg::chacha20_poly1305;
}

TEST(Aead, SealAndOpenMatchOpenssl) {
  auto blocks = test::load_vector_blocks("openssl_aead.txt");
  ASSERT_EQ(blocks.size(), 21u);
  for (const auto& b : blocks) {
    SCOPED_TRACE(b.str("aead") + " plaintext " + std::to_string(b.bytes("plaintext").size()));
    Aead a;
    Bytes key = b.bytes("key"), nonce = b.bytes("nonce"), aad = b.bytes("aad");
    Bytes pt = b.bytes("plaintext"), want = b.bytes("ciphertext");
    a.set_key(aead_of(b.str("aead")), key.data());
    Bytes ct(pt.size() + kAeadTagLen);
    a.seal(nonce.data(), aad, pt.data(), pt.size(), ct.data());
    EXPECT_EQ(to_hex(ct), to_hex(want));
    Bytes back(pt.size() + 1);
    ASSERT_TRUE(a.open(nonce.data(), aad, want.data(), want.size(), back.data()));
    EXPECT_EQ(to_hex(ByteView(back.data(), pt.size())), to_hex(pt));
    // In place.
    Bytes buf = pt;
    buf.resize(pt.size() + kAeadTagLen);
    a.seal(nonce.data(), aad, buf.data(), pt.size(), buf.data());
    EXPECT_EQ(to_hex(buf), to_hex(want));
    ASSERT_TRUE(a.open(nonce.data(), aad, buf.data(), buf.size(), buf.data()));
    EXPECT_EQ(to_hex(ByteView(buf.data(), pt.size())), to_hex(pt));
  }
}

TEST(Aead, AnyTamperingFailsAndWipesTheOutput) {
  auto blocks = test::load_vector_blocks("openssl_aead.txt");
  ASSERT_EQ(blocks.size(), 21u);
  for (const auto& b : blocks) {
    Bytes pt = b.bytes("plaintext");
    if (pt.size() != 64) continue;
    SCOPED_TRACE(b.str("aead"));
    Aead a;
    Bytes key = b.bytes("key"), nonce = b.bytes("nonce"), aad = b.bytes("aad"), ct = b.bytes("ciphertext");
    a.set_key(aead_of(b.str("aead")), key.data());
    auto fails = [&](Bytes n, Bytes ad, Bytes c) {
      Bytes out(c.size(), 0xaa);
      bool ok = a.open(n.data(), ad, c.data(), c.size(), out.data());
      bool wiped = true;
      for (size_t i = 0; i + kAeadTagLen < c.size(); ++i) wiped &= out[i] == 0;
      return !ok && wiped;
    };
    Bytes c1 = ct;
    c1[3] ^= 1;
    EXPECT_TRUE(fails(nonce, aad, c1)) << "ciphertext byte";
    Bytes c2 = ct;
    c2.back() ^= 0x80;
    EXPECT_TRUE(fails(nonce, aad, c2)) << "tag byte";
    Bytes ad = aad;
    ad[0] ^= 1;
    EXPECT_TRUE(fails(nonce, ad, ct)) << "aad byte";
    Bytes n = nonce;
    n[11] ^= 1;
    EXPECT_TRUE(fails(n, aad, ct)) << "nonce";
    uint8_t tiny[15] = {};
    EXPECT_FALSE(a.open(nonce.data(), aad, tiny, sizeof tiny, tiny)) << "shorter than a tag";
  }
}

TEST(KeyShare, X25519MatchesOpensslAndRfc7748) {
  auto blocks = test::load_vector_blocks("openssl_x25519.txt");
  ASSERT_EQ(blocks.size(), 6u);
  for (const auto& b : blocks) {
    KeyShare k;
    ASSERT_TRUE(k.set_private(NamedGroup::x25519, b.bytes("private")).is_ok());
    EXPECT_EQ(to_hex(k.public_key()), to_hex(b.bytes("public")));
    Secret s;
    ASSERT_TRUE(k.compute_shared(b.bytes("peer_public"), s).is_ok());
    EXPECT_EQ(to_hex(s.view()), to_hex(b.bytes("shared")));
  }
  // RFC 7748 §6.1: Alice and Bob.
  KeyShare alice, bob;
  ASSERT_TRUE(alice.set_private(NamedGroup::x25519, hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")).is_ok());
  ASSERT_TRUE(bob.set_private(NamedGroup::x25519, hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")).is_ok());
  EXPECT_EQ(to_hex(alice.public_key()), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(to_hex(bob.public_key()), "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  Secret s;
  ASSERT_TRUE(alice.compute_shared(bob.public_key(), s).is_ok());
  EXPECT_EQ(to_hex(s.view()), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  // RFC 7748 §5.2, first vector (scalar and u-coordinate as given).
  KeyShare v;
  ASSERT_TRUE(v.set_private(NamedGroup::x25519, hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4")).is_ok());
  ASSERT_TRUE(v.compute_shared(hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"), s).is_ok());
  EXPECT_EQ(to_hex(s.view()), "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
}

TEST(KeyShare, NistCurvesMatchOpenssl) {
  auto blocks = test::load_vector_blocks("openssl_ecdh.txt");
  ASSERT_EQ(blocks.size(), 10u);
  size_t n = 0;
  for (const auto& b : blocks) {
    NamedGroup g = b.str("group") == "secp256r1" ? NamedGroup::secp256r1 : NamedGroup::secp384r1;
    SCOPED_TRACE(b.str("group"));
    KeyShare k;
    ASSERT_TRUE(k.set_private(g, b.bytes("private")).is_ok());
    EXPECT_EQ(to_hex(k.public_key()), to_hex(b.bytes("public")));
    Secret s;
    ASSERT_TRUE(k.compute_shared(b.bytes("peer_public"), s).is_ok());
    EXPECT_EQ(to_hex(s.view()), to_hex(b.bytes("shared")));
    ++n;
  }
  EXPECT_EQ(n, 10u);
}

TEST(KeyShare, GeneratedSharesAgreeForEveryGroup) {
  for (NamedGroup g : {NamedGroup::x25519, NamedGroup::secp256r1, NamedGroup::secp384r1}) {
    KeyShare a, b;
    a.generate(g, system_random());
    b.generate(g, system_random());
    EXPECT_EQ(a.public_key().size, key_share_len(g));
    Secret sa, sb;
    ASSERT_TRUE(a.compute_shared(b.public_key(), sa).is_ok());
    ASSERT_TRUE(b.compute_shared(a.public_key(), sb).is_ok());
    EXPECT_EQ(sa.size(), shared_secret_len(g));
    EXPECT_EQ(to_hex(sa.view()), to_hex(sb.view()));
    a.wipe();
    EXPECT_FALSE(a.has_key());
    EXPECT_FALSE(a.compute_shared(b.public_key(), sa).is_ok());
  }
}

TEST(KeyShare, InvalidPeerSharesAreIllegalParameter) {
  auto rejects = [](NamedGroup g, const Bytes& peer) {
    KeyShare k;
    k.generate(g, system_random());
    Secret s;
    Status st = k.compute_shared(peer, s);
    return !st.is_ok() && st.alert() == Alert::illegal_parameter;
  };
  // X25519: wrong length, and small-order points giving an all-zero secret
  // (RFC 7748 §6.1; the list of such u-coordinates is well known).
  EXPECT_TRUE(rejects(NamedGroup::x25519, Bytes(31, 9)));
  EXPECT_TRUE(rejects(NamedGroup::x25519, Bytes(32, 0)));
  EXPECT_TRUE(rejects(NamedGroup::x25519, hex("0100000000000000000000000000000000000000000000000000000000000000")));
  EXPECT_TRUE(rejects(NamedGroup::x25519, hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")));
  // NIST curves.
  auto b = test::load_vector_blocks("openssl_ecdh.txt");
  ASSERT_EQ(b.size(), 10u);
  for (const auto& v : b) {
    NamedGroup g = v.str("group") == "secp256r1" ? NamedGroup::secp256r1 : NamedGroup::secp384r1;
    Bytes good = v.bytes("peer_public");
    Bytes shorter(good.begin(), good.end() - 1);
    EXPECT_TRUE(rejects(g, shorter)) << "wrong length";
    Bytes compressed(good.begin(), good.begin() + 1 + (good.size() - 1) / 2);
    compressed[0] = 0x02;
    EXPECT_TRUE(rejects(g, compressed)) << "compressed point";
    Bytes prefix = good;
    prefix[0] = 0x03;
    EXPECT_TRUE(rejects(g, prefix)) << "not 0x04";
    Bytes off = good;
    off.back() ^= 1;
    EXPECT_TRUE(rejects(g, off)) << "not on the curve";
    Bytes zero(good.size(), 0);
    zero[0] = 0x04;
    EXPECT_TRUE(rejects(g, zero)) << "(0,0)";
    Bytes big(good.size(), 0xff);
    big[0] = 0x04;
    EXPECT_TRUE(rejects(g, big)) << "coordinates >= p";
  }
}

// ---------------------------------------------------------------- signatures

struct SigCase {
  const char* name;
  std::string keygen;  // openssl genpkey arguments
  std::string sign;    // openssl signing command with KEY, MSG, SIG placeholders
  SignatureScheme scheme;
  SignatureScheme mismatched;
};

std::string subst(std::string s, const std::string& dir) {
  for (const char* k : {"KEY", "MSG", "SIG"}) {
    size_t p;
    std::string v = dir + "/" + (std::string(k) == "KEY" ? "key.pem" : std::string(k) == "MSG" ? "msg.bin" : "sig.bin");
    while ((p = s.find(k)) != std::string::npos) s.replace(p, 3, v);
  }
  return s;
}

TEST(Signature, VerifiesOpensslSignaturesAndRejectsTampering) {
  const std::string dgst = "openssl dgst -sign KEY -out SIG ";
  std::vector<SigCase> cases = {
      {"rsa_pkcs1_sha256", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048", dgst + "-sha256 MSG",
       SignatureScheme::rsa_pkcs1_sha256, SignatureScheme::ecdsa_secp256r1_sha256},
      {"rsa_pkcs1_sha384", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048", dgst + "-sha384 MSG",
       SignatureScheme::rsa_pkcs1_sha384, SignatureScheme::rsa_pss_pss_sha256},
      {"rsa_pkcs1_sha512", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048", dgst + "-sha512 MSG",
       SignatureScheme::rsa_pkcs1_sha512, SignatureScheme::ed25519},
      {"rsa_pss_rsae_sha256", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048",
       dgst + "-sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest MSG",
       SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_pss_sha256},
      {"rsa_pss_rsae_sha384", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048",
       dgst + "-sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest MSG",
       SignatureScheme::rsa_pss_rsae_sha384, SignatureScheme::ecdsa_secp384r1_sha384},
      {"rsa_pss_rsae_sha512", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048",
       dgst + "-sha512 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest MSG",
       SignatureScheme::rsa_pss_rsae_sha512, SignatureScheme::rsa_pss_pss_sha512},
      {"rsa_pss_pss_sha256", "-algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048",
       dgst + "-sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest MSG",
       SignatureScheme::rsa_pss_pss_sha256, SignatureScheme::rsa_pss_rsae_sha256},
      {"ecdsa_secp256r1_sha256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256", dgst + "-sha256 MSG",
       SignatureScheme::ecdsa_secp256r1_sha256, SignatureScheme::ecdsa_secp384r1_sha384},
      {"ecdsa_secp384r1_sha384", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384", dgst + "-sha384 MSG",
       SignatureScheme::ecdsa_secp384r1_sha384, SignatureScheme::ecdsa_secp256r1_sha256},
      {"ed25519", "-algorithm ED25519", "openssl pkeyutl -sign -rawin -inkey KEY -in MSG -out SIG",
       SignatureScheme::ed25519, SignatureScheme::rsa_pkcs1_sha256},
  };
  test::Pki scratch;  // only for its temporary directory
  const std::string dir = scratch.dir();
  Bytes msg = hex("54686973206973206d6163746c73");  // "This is mactls"
  {
    FILE* f = fopen((dir + "/msg.bin").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    fwrite(msg.data(), 1, msg.size(), f);
    fclose(f);
  }
  for (const SigCase& c : cases) {
    SCOPED_TRACE(c.name);
    std::string out;
    ASSERT_EQ(test::run_command("openssl genpkey " + c.keygen + " -out " + dir + "/key.pem", &out), 0) << out;
    ASSERT_EQ(test::run_command(subst(c.sign, dir), &out), 0) << out;
    ASSERT_EQ(test::run_command("openssl pkey -in " + dir + "/key.pem -pubout -outform DER -out " + dir + "/spki.der", &out), 0)
        << out;
    std::string spki_s = test::read_file(dir + "/spki.der"), sig_s = test::read_file(dir + "/sig.bin");
    Bytes spki(spki_s.begin(), spki_s.end()), sig(sig_s.begin(), sig_s.end());
    PublicKey k;
    ASSERT_TRUE(k.parse_spki(spki).is_ok());
    EXPECT_TRUE(k.verify(c.scheme, msg, sig).is_ok());
    Bytes bad_sig = sig;
    bad_sig[bad_sig.size() / 2] ^= 0x01;
    EXPECT_EQ(k.verify(c.scheme, msg, bad_sig).alert(), Alert::decrypt_error);
    Bytes bad_msg = msg;
    bad_msg[0] ^= 0x01;
    EXPECT_EQ(k.verify(c.scheme, bad_msg, sig).alert(), Alert::decrypt_error);
    EXPECT_EQ(k.verify(c.mismatched, msg, sig).alert(), Alert::illegal_parameter) << "scheme does not fit the key";
  }
}

TEST(Signature, RejectsSmallRsaKeysAndMalformedSpki) {
  test::Pki scratch;
  const std::string dir = scratch.dir();
  std::string out;
  ASSERT_EQ(test::run_command("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out " + dir +
                                  "/k.pem && openssl pkey -in " + dir + "/k.pem -pubout -outform DER -out " + dir + "/s.der",
                              &out),
            0)
      << out;
  std::string s = test::read_file(dir + "/s.der");
  Bytes spki(s.begin(), s.end());
  PublicKey k;
  EXPECT_EQ(k.parse_spki(spki).alert(), Alert::unsupported_certificate);
  Bytes cut(spki.begin(), spki.end() - 3);
  EXPECT_EQ(k.parse_spki(cut).alert(), Alert::bad_certificate);
  EXPECT_EQ(k.parse_spki(hex("3000")).alert(), Alert::bad_certificate);
}

TEST(Signature, ARejectedKeyIsNoKey) {
  // An EC SubjectPublicKeyInfo whose point is compressed (33 bytes, 0x02):
  // rejected, and the key must not claim a curve it has no point for.
  Bytes spki = hex("3039301306072a8648ce3d020106082a8648ce3d030107032200"
                   "02" "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
  PublicKey k;
  EXPECT_EQ(k.parse_spki(spki).alert(), Alert::bad_certificate);
  EXPECT_EQ(k.type(), KeyType::none);
  Bytes msg = hex("00"), sig = hex("3006020101020101");
  EXPECT_EQ(k.verify(SignatureScheme::ecdsa_secp256r1_sha256, msg, sig).alert(), Alert::illegal_parameter);
  EXPECT_EQ(k.verify_ecdsa_digest(0, msg, sig).alert(), Alert::illegal_parameter);
  PublicKey never_parsed;
  EXPECT_EQ(never_parsed.verify_ecdsa_digest(0, msg, sig).alert(), Alert::illegal_parameter);
  EXPECT_EQ(never_parsed.type(), KeyType::none);
}

}  // namespace
}  // namespace mactls
