// Path building (RFC 4158) and the constraints along the whole path (RFC
// 5280 §6, RFC 5937 for anchors), bounded keys, and the budgets that keep a
// hostile Certificate message cheap: one regression test per defect of
// issue 10 (items 2-5 and 7), with chains made at test time by openssl.
#include <gtest/gtest.h>

#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "crypto/signature.h"
#include "mactls/trust.h"
#include "support/der_builder.h"
#include "support/pki.h"
#include "support/vectors.h"
#include "x509/certificate.h"
#include "x509/verify.h"

namespace mactls {
namespace {

using test::cert_spec;
using test::CertSpec;
using test::KeyKind;
using test::Pki;
using test::cat;
using test::tlv;

// --- DER by hand, for keys openssl will not make (RSA e = 1, even e, ...).

// A positive INTEGER from a big-endian magnitude.
Bytes integer(Bytes m) {
  if (!m.empty() && (m[0] & 0x80)) m.insert(m.begin(), 0);
  return tlv(0x02, m);
}

// rsaEncryption SubjectPublicKeyInfo with modulus `n` and exponent `e`.
Bytes rsa_spki(const Bytes& n, const Bytes& e) {
  Bytes alg = tlv(0x30, cat({tlv(0x06, test::hex("2a864886f70d010101")), Bytes{0x05, 0x00}}));
  Bytes key = tlv(0x30, cat({integer(n), integer(e)}));
  Bytes bits = cat({Bytes{0x00}, key});
  return tlv(0x30, cat({alg, tlv(0x03, bits)}));
}

// An odd modulus of exactly `bits` bits (the value is not a real key: the
// bounds are checked before any arithmetic would notice).
Bytes modulus(unsigned bits) {
  Bytes n((bits + 7) / 8, 0x5a);
  n[0] = uint8_t(1u << ((bits - 1) % 8));
  n.back() |= 1;
  return n;
}

TEST(KeyBounds, RsaExponentIsOddAtLeast3AndAtMost2To32Plus1) {
  struct Case {
    const char* what;
    const char* e;
    bool ok;
  };
  const Case cases[] = {
      {"e = 1 (verification is the identity)", "01", false},
      {"e = 2 (even)", "02", false},
      {"e = 65536 (even)", "010000", false},
      {"e = 3", "03", true},
      {"e = 65537", "010001", true},
      {"e = 2^32 + 1", "0100000001", true},
      {"e = 2^32 + 3", "0100000003", false},
      {"e = 2^33 + 1", "0200000001", false},
      {"e as long as the modulus", nullptr, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Bytes e = c.e ? test::hex(c.e) : modulus(2048);
    PublicKey k;
    Status s = k.parse_spki(rsa_spki(modulus(2048), e));
    EXPECT_EQ(s.is_ok(), c.ok) << s.what();
    if (!c.ok) {
      EXPECT_EQ(s.alert(), Alert::bad_certificate);
      EXPECT_EQ(k.type(), KeyType::none) << "a refused key is no key";
    }
  }
  PublicKey k;
  EXPECT_EQ(k.parse_spki(rsa_spki(test::hex("00"), test::hex("010001"))).alert(), Alert::unsupported_certificate);
  Bytes even = modulus(2048);
  even.back() &= 0xfe;
  EXPECT_EQ(k.parse_spki(rsa_spki(even, test::hex("010001"))).alert(), Alert::bad_certificate) << "even modulus";
}

TEST(KeyBounds, RsaModulusBetween2048And8192BitsOr1024WhenAllowed) {
  PublicKey k;
  EXPECT_EQ(k.parse_spki(rsa_spki(modulus(1024), test::hex("010001"))).alert(), Alert::unsupported_certificate);
  EXPECT_EQ(k.parse_spki(rsa_spki(modulus(2047), test::hex("010001"))).alert(), Alert::unsupported_certificate);
  EXPECT_TRUE(k.parse_spki(rsa_spki(modulus(2048), test::hex("010001"))).is_ok());
  EXPECT_EQ(k.bits(), 2048u);
  EXPECT_TRUE(k.parse_spki(rsa_spki(modulus(8192), test::hex("010001"))).is_ok());
  EXPECT_EQ(k.parse_spki(rsa_spki(modulus(8193), test::hex("010001"))).alert(), Alert::unsupported_certificate);
  // The intranet setting lowers the floor to 1024 bits, never further.
  EXPECT_TRUE(k.parse_spki(rsa_spki(modulus(1024), test::hex("010001")), 1024).is_ok());
  EXPECT_EQ(k.parse_spki(rsa_spki(modulus(768), test::hex("010001")), 512).alert(), Alert::unsupported_certificate);
}

TEST(HostNames, WildcardOverASingleLabelNeverMatches) {
  for (const char* p : {"*.com", "*.com.", "*.test"}) {
    ByteView v(reinterpret_cast<const uint8_t*>(p), std::char_traits<char>::length(p));
    EXPECT_FALSE(dns_name_matches(v, "example.com")) << p;
    EXPECT_FALSE(dns_name_matches(v, "example.test")) << p;
  }
  const char* ok = "*.example.com";
  EXPECT_TRUE(dns_name_matches(ByteView(reinterpret_cast<const uint8_t*>(ok), 13), "www.example.com"));
}

class PathBuilder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki();
    CertSpec root = cert_spec("pb-root", KeyKind::p256, "", {}, true);
    root.not_before_days = -30;
    root.not_after_days = 3650;
    ASSERT_TRUE(pki_->issue(root));
    CertSpec in = cert_spec("pb-int", KeyKind::p256, "pb-root", {}, true);
    in.not_before_days = -20;
    ASSERT_TRUE(pki_->issue(in));
    ASSERT_TRUE(pki_->issue(cert_spec("pb-leaf", KeyKind::p256, "pb-int", {"pb.test"})));
    ASSERT_TRUE(pki_->issue(cert_spec("pb-other", KeyKind::p256, "", {}, true)));
  }
  static void TearDownTestSuite() { delete pki_; }

  static Bytes der(const std::string& n) { return pki_->cert_der(n); }

  // Verifies `names` (leaf first) against the anchors `anchors`.
  static Status verify(const std::vector<std::string>& names, const std::vector<std::string>& anchors,
                       const std::string& host, VerifiedChain* out = nullptr,
                       const std::function<void(VerifyOptions&)>& tweak = nullptr) {
    std::vector<Bytes> ders;
    for (const auto& n : names) ders.push_back(der(n));
    std::vector<ByteView> views(ders.begin(), ders.end());
    TrustStore trust;
    for (const auto& a : anchors) {
      std::string pem = pki_->cert_pem(a);
      EXPECT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok()) << a;
    }
    VerifyOptions o;
    o.host = host;
    o.now_unix = int64_t(time(nullptr));
    if (tweak) tweak(o);
    VerifiedChain vc;
    return verify_server_chain(views.data(), views.size(), trust, o, out ? out : &vc);
  }

  // A copy of pb-int (same name, same key) with changes.
  static CertSpec int_copy(const std::string& name) {
    CertSpec s = cert_spec(name, KeyKind::p256, "pb-root", {}, true);
    s.cn = "pb-int";
    s.key_name = "pb-int";
    return s;
  }

  static Pki* pki_;
};
Pki* PathBuilder::pki_ = nullptr;

TEST_F(PathBuilder, AnHonestChainCostsTwoSignatureChecks) {
  VerifiedChain vc;
  Status s = verify({"pb-leaf", "pb-int"}, {"pb-root"}, "pb.test", &vc);
  ASSERT_TRUE(s.is_ok()) << s.what();
  EXPECT_EQ(vc.signature_checks, 2u);
  EXPECT_EQ(vc.candidates_tried, 2u);
  EXPECT_EQ(vc.chain_summary.size(), 2u);
}

// Issue 10 item 5: the first candidate fails, a valid path exists.
TEST_F(PathBuilder, BacktracksOverAnExpiredCrossSignedCopy) {
  CertSpec old = int_copy("pb-int-expired");
  old.not_before_days = -60;
  old.not_after_days = -1;
  ASSERT_TRUE(pki_->issue(old));
  VerifiedChain vc;
  Status s = verify({"pb-leaf", "pb-int-expired", "pb-int"}, {"pb-root"}, "pb.test", &vc);
  EXPECT_TRUE(s.is_ok()) << s.what();
  EXPECT_EQ(vc.signature_checks, 2u) << "the expired copy is refused before any signature check";
  EXPECT_EQ(verify({"pb-leaf", "pb-int-expired"}, {"pb-root"}, "pb.test").alert(), Alert::certificate_expired);
}

TEST_F(PathBuilder, BacktracksOverANonCaCandidate) {
  CertSpec nonca = int_copy("pb-int-nonca");
  nonca.ca = false;
  ASSERT_TRUE(pki_->issue(nonca));
  Status s = verify({"pb-leaf", "pb-int-nonca", "pb-int"}, {"pb-root"}, "pb.test");
  EXPECT_TRUE(s.is_ok()) << s.what();
  EXPECT_EQ(verify({"pb-leaf", "pb-int-nonca"}, {"pb-root"}, "pb.test").alert(), Alert::bad_certificate);
}

TEST_F(PathBuilder, BacktracksOutOfAnUntrustedDeadEnd) {
  CertSpec cross = int_copy("pb-int-cross");
  cross.issuer = "pb-other";
  ASSERT_TRUE(pki_->issue(cross));
  VerifiedChain vc;
  Status s = verify({"pb-leaf", "pb-int-cross", "pb-other", "pb-int"}, {"pb-root"}, "pb.test", &vc);
  EXPECT_TRUE(s.is_ok()) << s.what();
  // leaf/pb-int key once (both copies share it), pb-int-cross/pb-other,
  // pb-int/pb-root.
  EXPECT_EQ(vc.signature_checks, 3u);
  EXPECT_EQ(verify({"pb-leaf", "pb-int-cross", "pb-other"}, {"pb-root"}, "pb.test").alert(), Alert::unknown_ca);
}

// A certificate the server sends but the path does not use is not judged:
// one that cannot be parsed (an unknown critical extension) is left out.
TEST_F(PathBuilder, AnUnusableUnrelatedCertificateDoesNotFailThePath) {
  CertSpec odd = cert_spec("pb-odd", KeyKind::p256, "pb-root", {}, true);
  odd.extra_extensions = {"1.2.3.4 = critical,ASN1:NULL"};
  ASSERT_TRUE(pki_->issue(odd));
  Status s = verify({"pb-leaf", "pb-odd", "pb-int"}, {"pb-root"}, "pb.test");
  EXPECT_TRUE(s.is_ok()) << s.what();
}

// Signature algorithm consistency: an issuer whose key cannot have made the
// signature is refused without arithmetic.
TEST_F(PathBuilder, AnIssuerKeyOfTheWrongTypeCostsNoSignatureCheck) {
  ASSERT_TRUE(pki_->issue(cert_spec("pb-rsa-int", KeyKind::rsa2048, "pb-root", {}, true)));
  CertSpec impostor = cert_spec("pb-rsa-int-ec", KeyKind::p256, "pb-root", {}, true);
  impostor.cn = "pb-rsa-int";
  ASSERT_TRUE(pki_->issue(impostor));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-rsa-leaf", KeyKind::p256, "pb-rsa-int", {"pb.test"})));
  VerifiedChain vc;
  Status s = verify({"pb-rsa-leaf", "pb-rsa-int-ec", "pb-rsa-int"}, {"pb-root"}, "pb.test", &vc);
  EXPECT_TRUE(s.is_ok()) << s.what();
  EXPECT_EQ(vc.signature_checks, 2u);
}

// Issue 10 item 3.
TEST_F(PathBuilder, ExtendedKeyUsageIsChainedThroughIssuers) {
  CertSpec email = cert_spec("pb-int-email", KeyKind::p256, "pb-root", {}, true);
  email.extra_extensions = {"extendedKeyUsage = emailProtection"};
  ASSERT_TRUE(pki_->issue(email));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-under-email", KeyKind::p256, "pb-int-email", {"pb.test"})));
  EXPECT_EQ(verify({"pb-under-email", "pb-int-email"}, {"pb-root"}, "pb.test").alert(), Alert::bad_certificate);
  CertSpec tls = cert_spec("pb-int-tls", KeyKind::p256, "pb-root", {}, true);
  tls.extra_extensions = {"extendedKeyUsage = serverAuth, emailProtection"};
  ASSERT_TRUE(pki_->issue(tls));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-under-tls", KeyKind::p256, "pb-int-tls", {"pb.test"})));
  EXPECT_TRUE(verify({"pb-under-tls", "pb-int-tls"}, {"pb-root"}, "pb.test").is_ok());
  // The anchor's EKU too (RFC 5937).
  CertSpec root = cert_spec("pb-root-email", KeyKind::p256, "", {}, true);
  root.extra_extensions = {"extendedKeyUsage = emailProtection"};
  ASSERT_TRUE(pki_->issue(root));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-under-root-email", KeyKind::p256, "pb-root-email", {"pb.test"})));
  EXPECT_EQ(verify({"pb-under-root-email"}, {"pb-root-email"}, "pb.test").alert(), Alert::bad_certificate);
}

// Issue 10 item 4: what the anchor certificate states applies below it.
TEST_F(PathBuilder, AnchorConstraintsApplyToThePathsBelowIt) {
  // A device's self-signed CA:FALSE certificate added as an anchor vouches
  // for the device, never for another host.
  ASSERT_TRUE(pki_->issue(cert_spec("pb-device", KeyKind::p256, "", {"device.test"})));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-victim", KeyKind::p256, "pb-device", {"victim.test"})));
  EXPECT_EQ(verify({"pb-victim", "pb-device"}, {"pb-device"}, "victim.test").alert(), Alert::bad_certificate);
  EXPECT_EQ(verify({"pb-victim"}, {"pb-device"}, "victim.test").alert(), Alert::bad_certificate);
  VerifiedChain vc;
  Status s = verify({"pb-device"}, {"pb-device"}, "device.test", &vc);
  EXPECT_TRUE(s.is_ok()) << "the anchor itself, exact DER: " << s.what();
  EXPECT_EQ(vc.signature_checks, 0u);

  CertSpec noks = cert_spec("pb-root-noks", KeyKind::p256, "", {}, true);
  noks.ca_key_usage = "critical, digitalSignature, cRLSign";
  ASSERT_TRUE(pki_->issue(noks));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-under-noks", KeyKind::p256, "pb-root-noks", {"pb.test"})));
  EXPECT_EQ(verify({"pb-under-noks"}, {"pb-root-noks"}, "pb.test").alert(), Alert::bad_certificate)
      << "anchor keyUsage without keyCertSign";

  CertSpec pl0 = cert_spec("pb-root-pl0", KeyKind::p256, "", {}, true);
  pl0.path_len = 0;
  ASSERT_TRUE(pki_->issue(pl0));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-pl0-int", KeyKind::p256, "pb-root-pl0", {}, true)));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-pl0-leaf", KeyKind::p256, "pb-pl0-int", {"pb.test"})));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-pl0-direct", KeyKind::p256, "pb-root-pl0", {"pb.test"})));
  EXPECT_EQ(verify({"pb-pl0-leaf", "pb-pl0-int"}, {"pb-root-pl0"}, "pb.test").alert(), Alert::bad_certificate)
      << "anchor pathLen 0";
  EXPECT_TRUE(verify({"pb-pl0-direct"}, {"pb-root-pl0"}, "pb.test").is_ok());

  // Not enforced on an anchor (rustls-webpki, Chrome): its validity period,
  // and basicConstraints on a v1-style root that has none.
  CertSpec expired = cert_spec("pb-root-expired", KeyKind::p256, "", {}, true);
  expired.not_before_days = -100;
  expired.not_after_days = -1;
  ASSERT_TRUE(pki_->issue(expired));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-under-expired", KeyKind::p256, "pb-root-expired", {"pb.test"})));
  s = verify({"pb-under-expired"}, {"pb-root-expired"}, "pb.test");
  EXPECT_TRUE(s.is_ok()) << s.what();
  CertSpec v1 = cert_spec("pb-root-nobc", KeyKind::p256, "", {}, true);
  v1.ca_basic_constraints = false;
  v1.ca_key_usage = "";
  ASSERT_TRUE(pki_->issue(v1));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-under-nobc", KeyKind::p256, "pb-root-nobc", {"pb.test"})));
  s = verify({"pb-under-nobc"}, {"pb-root-nobc"}, "pb.test");
  EXPECT_TRUE(s.is_ok()) << s.what();
}

// Issue 10 item 7: key-rollover certificates do not count against pathLen
// (RFC 5280 §4.2.1.9, §6.1.4(l)).
TEST_F(PathBuilder, PathLenDoesNotCountSelfIssuedIntermediates) {
  CertSpec old_ca = cert_spec("pb-ka-old", KeyKind::p256, "pb-root", {}, true);
  old_ca.cn = "pb-ka";
  old_ca.path_len = 0;
  ASSERT_TRUE(pki_->issue(old_ca));
  CertSpec new_ca = cert_spec("pb-ka-new", KeyKind::p256, "pb-ka-old", {}, true);
  new_ca.cn = "pb-ka";
  ASSERT_TRUE(pki_->issue(new_ca));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-ka-leaf", KeyKind::p256, "pb-ka-new", {"pb.test"})));
  VerifiedChain vc;
  Status s = verify({"pb-ka-leaf", "pb-ka-new", "pb-ka-old"}, {"pb-root"}, "pb.test", &vc);
  EXPECT_TRUE(s.is_ok()) << s.what();
  EXPECT_EQ(vc.chain_summary.size(), 3u);
  // A CA with another name under the pathLen-0 one is refused.
  ASSERT_TRUE(pki_->issue(cert_spec("pb-ka-sub", KeyKind::p256, "pb-ka-old", {}, true)));
  ASSERT_TRUE(pki_->issue(cert_spec("pb-ka-sub-leaf", KeyKind::p256, "pb-ka-sub", {"pb.test"})));
  EXPECT_EQ(verify({"pb-ka-sub-leaf", "pb-ka-sub", "pb-ka-old"}, {"pb-root"}, "pb.test").alert(),
            Alert::bad_certificate);
}

// Issue 10 item 7: the leaf's own rules.
TEST_F(PathBuilder, ACaCertificateIsNotAServersOwn) {
  ASSERT_TRUE(pki_->issue(cert_spec("pb-ca-leaf", KeyKind::p256, "pb-int", {"pb.test"}, true)));
  EXPECT_EQ(verify({"pb-ca-leaf", "pb-int"}, {"pb-root"}, "pb.test").alert(), Alert::bad_certificate);
  CertSpec ku = cert_spec("pb-ku-leaf", KeyKind::p256, "pb-int", {"pb.test"});
  ku.key_usage = "critical, keyEncipherment";
  ASSERT_TRUE(pki_->issue(ku));
  EXPECT_EQ(verify({"pb-ku-leaf", "pb-int"}, {"pb-root"}, "pb.test").alert(), Alert::bad_certificate);
}

// Issue 10 item 7: leaf expiry and name mismatch only once a path reaches an anchor.
TEST_F(PathBuilder, AnUntrustedLeafIsUnknownCaWhateverElseIsWrong) {
  CertSpec expired = cert_spec("pb-expired-leaf", KeyKind::p256, "pb-int", {"pb.test"});
  expired.not_before_days = -10;
  expired.not_after_days = -1;
  ASSERT_TRUE(pki_->issue(expired));
  EXPECT_EQ(verify({"pb-expired-leaf", "pb-int"}, {"pb-other"}, "pb.test").alert(), Alert::unknown_ca);
  EXPECT_EQ(verify({"pb-leaf", "pb-int"}, {"pb-other"}, "wrong.test").alert(), Alert::unknown_ca);
  EXPECT_EQ(verify({"pb-expired-leaf", "pb-int"}, {"pb-root"}, "pb.test").alert(), Alert::certificate_expired);
  EXPECT_EQ(verify({"pb-leaf", "pb-int"}, {"pb-root"}, "wrong.test").alert(), Alert::bad_certificate);
}

// Issue 13: a self-signed leaf that is not an anchor is named as such (the
// alert stays unknown_ca); an issued leaf that leads nowhere is not.
TEST_F(PathBuilder, ASelfSignedLeafThatIsNoAnchorIsNamedSelfSigned) {
  ASSERT_TRUE(pki_->issue(cert_spec("pb-self", KeyKind::p256, "", {"pb.test"})));
  Status s = verify({"pb-self"}, {"pb-root"}, "pb.test");
  EXPECT_EQ(s.alert(), Alert::unknown_ca);
  EXPECT_NE(std::string(s.what()).find("self-signed certificate"), std::string::npos) << s.what();
  // Sent with unrelated certificates behind it: still self-signed.
  s = verify({"pb-self", "pb-int"}, {"pb-root"}, "pb.test");
  EXPECT_NE(std::string(s.what()).find("self-signed certificate"), std::string::npos) << s.what();
  // Configured as the anchor it is trusted as it stands.
  EXPECT_TRUE(verify({"pb-self"}, {"pb-self"}, "pb.test").is_ok());
  s = verify({"pb-leaf", "pb-int"}, {"pb-other"}, "pb.test");
  EXPECT_EQ(s.alert(), Alert::unknown_ca);
  EXPECT_EQ(std::string(s.what()).find("self-signed"), std::string::npos) << s.what();
}

// Issue 10 item 7: RFC 5280 §4.1.2.2 serial numbers, for what a server sends.
TEST_F(PathBuilder, SerialNumbersMustBePositiveAndAtMost20Octets) {
  struct Case {
    const char* serial;
    bool ok;
  };
  const Case cases[] = {
      {"0", false},
      {"-5", false},
      {"0x0102030405060708090a0b0c0d0e0f101112131415", false},  // 21 octets
      {"0xff02030405060708090a0b0c0d0e0f1011121314", true},     // 20 octets (21 encoded, sign octet)
      {"7", true},
  };
  const std::string dir = pki_->dir();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.serial);
    std::string out;
    ASSERT_EQ(test::run_command("openssl req -x509 -new -key '" + pki_->key_path("pb-leaf") +
                                    "' -subj /CN=serial -days 2 -outform DER -set_serial " + c.serial + " -out '" + dir +
                                    "/serial.der'",
                                &out),
              0)
        << out;
    std::string d = test::read_file(dir + "/serial.der");
    Bytes b(d.begin(), d.end());
    ParsedCertificate pc;
    Status s = parse_certificate(b, &pc);
    EXPECT_EQ(s.is_ok(), c.ok) << s.what();
    if (!c.ok) {
      EXPECT_EQ(s.alert(), Alert::bad_certificate);
    }
    EXPECT_TRUE(parse_certificate(b, &pc, CertRole::anchor).is_ok()) << "configured anchors are exempt";
  }
}

// Issue 10 item 7: an RSASSA-PSS key bound to SHA-512 verifies SHA-512 only,
// for CertificateVerify and certificate signatures alike (both go through
// PublicKey::verify).
TEST_F(PathBuilder, RsaPssKeyParametersRestrictTheHash) {
  const std::string dir = pki_->dir();
  std::string out;
  ASSERT_EQ(test::run_command("cd '" + dir +
                                  "' && openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 "
                                  "-pkeyopt rsa_pss_keygen_md:sha512 -pkeyopt rsa_pss_keygen_mgf1_md:sha512 "
                                  "-pkeyopt rsa_pss_keygen_saltlen:64 -out pss512.key && "
                                  "openssl pkey -in pss512.key -pubout -outform DER -out pss512.spki && "
                                  "printf 'signed by a PSS key' > msg && "
                                  "openssl dgst -sha512 -sign pss512.key -sigopt rsa_padding_mode:pss "
                                  "-sigopt rsa_pss_saltlen:64 -out msg.sig msg",
                              &out),
            0)
      << out;
  std::string spki = test::read_file(dir + "/pss512.spki"), sig = test::read_file(dir + "/msg.sig");
  PublicKey k;
  ASSERT_TRUE(k.parse_spki(ByteView(reinterpret_cast<const uint8_t*>(spki.data()), spki.size())).is_ok());
  EXPECT_EQ(k.type(), KeyType::rsa_pss);
  const std::string msg = "signed by a PSS key";
  ByteView m(reinterpret_cast<const uint8_t*>(msg.data()), msg.size());
  ByteView sv(reinterpret_cast<const uint8_t*>(sig.data()), sig.size());
  EXPECT_TRUE(k.verify(SignatureScheme::rsa_pss_pss_sha512, m, sv).is_ok());
  EXPECT_EQ(k.verify(SignatureScheme::rsa_pss_pss_sha256, m, sv).alert(), Alert::illegal_parameter);
  EXPECT_EQ(k.verify(SignatureScheme::rsa_pss_pss_sha384, m, sv).alert(), Alert::illegal_parameter);
}

// Issue 10 item 2: the worst set of issuer candidates. Every certificate is
// named "pb-mesh"; those with key A are signed by key B and the other way
// round, so each one is a valid issuer of half the others and the search
// tree grows with the cube of their number. No path reaches an anchor.
class PathBudget : public PathBuilder {
 protected:
  static void SetUpTestSuite() {
    PathBuilder::SetUpTestSuite();
    for (const char* seed : {"pb-mesh-a", "pb-mesh-b"}) {
      CertSpec s = cert_spec(seed, KeyKind::p256, "", {}, true);
      s.cn = "pb-mesh";
      ASSERT_TRUE(pki_->issue(s));
    }
    ASSERT_TRUE(pki_->issue(cert_spec("pb-mesh-leaf", KeyKind::p256, "pb-mesh-a", {"pb.test"})));
    mesh_.push_back("pb-mesh-leaf");
    for (int i = 0; i < 9; ++i) {
      for (int ab = 0; ab < 2; ++ab) {
        std::string name = std::string("pb-mesh-") + (ab ? "b" : "a") + std::to_string(i);
        CertSpec s = cert_spec(name, KeyKind::p256, ab ? "pb-mesh-a" : "pb-mesh-b", {}, true);
        s.cn = "pb-mesh";
        s.key_name = ab ? "pb-mesh-b" : "pb-mesh-a";
        ASSERT_TRUE(pki_->issue(s));
        mesh_.push_back(name);
      }
    }
  }
  static std::vector<std::string> mesh_;
};
std::vector<std::string> PathBudget::mesh_;

TEST_F(PathBudget, TheCandidateBudgetStopsTheSearch) {
  VerifiedChain vc;
  Status s = verify(mesh_, {"pb-root"}, "pb.test", &vc);
  EXPECT_EQ(s.alert(), Alert::bad_certificate) << s.what();
  EXPECT_EQ(vc.candidates_tried, 64u);
  EXPECT_LE(vc.signature_checks, 8u);
}

TEST_F(PathBudget, TheSignatureBudgetStopsTheSearch) {
  VerifiedChain vc;
  Status s = verify(mesh_, {"pb-root"}, "pb.test", &vc, [](VerifyOptions& o) { o.max_path_candidates = 1u << 30; });
  EXPECT_EQ(s.alert(), Alert::bad_certificate) << s.what();
  EXPECT_EQ(vc.signature_checks, 8u);
  // With budgets that never run out, the search still ends (no loops) and
  // each (certificate, issuer key) signature is checked at most once.
  s = verify(mesh_, {"pb-root"}, "pb.test", &vc, [](VerifyOptions& o) {
    o.max_path_candidates = 1u << 30;
    o.max_signature_checks = 1u << 30;
  });
  EXPECT_EQ(s.alert(), Alert::bad_certificate) << s.what();
  EXPECT_LE(vc.signature_checks, 2 * mesh_.size());
}

TEST_F(PathBudget, AValidPathBesideTheMeshIsFoundWithinBudget) {
  // The anchors-first order finds a trusted issuer before the mesh: here
  // pb-mesh-a itself is trusted.
  VerifiedChain vc;
  Status s = verify(mesh_, {"pb-mesh-a"}, "pb.test", &vc);
  EXPECT_TRUE(s.is_ok()) << s.what();
  EXPECT_EQ(vc.signature_checks, 1u);
}

}  // namespace
}  // namespace mactls
