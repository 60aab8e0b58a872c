// X.509: strict DER, certificates parsed in place, chain validation with
// every failure's alert (RFC 5280, RFC 8446 §6.2), RFC 6125 host names, the
// trust store and pem2cpp. Certificates come from openssl at test time.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

#include "crypto/signature.h"
#include "mactls/trust.h"
#include "support/pki.h"
#include "support/vectors.h"
#include "x509/certificate.h"
#include "common/der.h"
#include "x509/verify.h"

namespace mactls {
namespace {

using test::cert_spec;
using test::hex;
using test::KeyKind;
using test::Pki;

TEST(Der, StrictEncodingOnly) {
  DerItem it;
  EXPECT_TRUE(der_single(hex("0403aabbcc"), der::kOctetString, it));
  EXPECT_FALSE(der_single(hex("048103aabbcc"), der::kOctetString, it)) << "long form for a short length";
  EXPECT_FALSE(der_single(hex("04820003aabbcc"), der::kOctetString, it)) << "leading zero length byte";
  EXPECT_FALSE(der_single(hex("3080040100" "0000"), der::kSequence, it)) << "indefinite length";
  EXPECT_FALSE(der_single(hex("0405aabb"), der::kOctetString, it)) << "length beyond the input";
  EXPECT_FALSE(der_single(hex("1f2201aa"), 0x1f, it)) << "high tag number form";
  EXPECT_FALSE(der_single(hex("0401aabb"), der::kOctetString, it)) << "trailing bytes";
  EXPECT_FALSE(der_single(hex("04"), der::kOctetString, it)) << "truncated";
  // Items are views: keep the encodings alive while they are read.
  ByteView m;
  const Bytes ff = hex("020200ff"), nonminimal = hex("0202007f"), negative = hex("020180");
  ASSERT_TRUE(der_single(ff, der::kInteger, it));
  EXPECT_TRUE(der_unsigned(it, m));
  EXPECT_EQ(to_hex(m), "ff");
  ASSERT_TRUE(der_single(nonminimal, der::kInteger, it));
  EXPECT_FALSE(der_unsigned(it, m)) << "non-minimal integer";
  ASSERT_TRUE(der_single(negative, der::kInteger, it));
  EXPECT_FALSE(der_unsigned(it, m)) << "negative integer";
}

class X509 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki();
    ASSERT_TRUE(pki_->make_chain("rsa", KeyKind::rsa2048, KeyKind::rsa2048, "rsa.test"));
    ASSERT_TRUE(pki_->make_chain("p256", KeyKind::p256, KeyKind::p256, "p256.test"));
    ASSERT_TRUE(pki_->make_chain("p384", KeyKind::p384, KeyKind::p384, "p384.test"));
    ASSERT_TRUE(pki_->make_chain("ed", KeyKind::p256, KeyKind::ed25519, "ed.test"));
    ASSERT_TRUE(pki_->issue(cert_spec("other-root", KeyKind::p256, "", {}, true)));
  }
  static void TearDownTestSuite() { delete pki_; }

  static Bytes der(const std::string& n) { return pki_->cert_der(n); }

  // Verifies certificates `names` (leaf first) against the root `anchor`.
  static Status verify(const std::vector<std::string>& names, const std::string& anchor, const std::string& host,
                       int64_t now = int64_t(time(nullptr)), size_t max_depth = 8, VerifiedChain* out = nullptr) {
    std::vector<Bytes> ders;
    for (const auto& n : names) ders.push_back(der(n));
    std::vector<ByteView> views(ders.begin(), ders.end());
    TrustStore trust;
    std::string pem = pki_->cert_pem(anchor);
    EXPECT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
    VerifyOptions o;
    o.host = host;
    o.now_unix = now;
    o.max_depth = max_depth;
    VerifiedChain vc;
    return verify_server_chain(views.data(), views.size(), trust, o, out ? out : &vc);
  }

  static Pki* pki_;
};
Pki* X509::pki_ = nullptr;

TEST_F(X509, ParsesEveryKeyKindInPlace) {
  struct Want {
    const char* name;
    KeyType key;
    bool ca;
    int path_len;
  };
  for (const Want& w : {Want{"rsa-leaf", KeyType::rsa, false, -1}, Want{"p256-int", KeyType::ec_p256, true, 0},
                        Want{"p384-root", KeyType::ec_p384, true, -1}, Want{"ed-leaf", KeyType::ed25519, false, -1}}) {
    SCOPED_TRACE(w.name);
    Bytes d = der(w.name);
    ParsedCertificate c;
    ASSERT_TRUE(parse_certificate(d, &c).is_ok());
    EXPECT_EQ(c.der.data, d.data()) << "a view, not a copy";
    EXPECT_EQ(c.is_ca, w.ca);
    EXPECT_EQ(c.path_len, w.path_len);
    EXPECT_TRUE(c.has_basic_constraints);
    EXPECT_EQ(c.has_san, !w.ca);
    EXPECT_EQ(c.has_eku, !w.ca);
    EXPECT_EQ(name_common_name(c.subject), w.name);
    int64_t now = int64_t(time(nullptr));
    EXPECT_LT(c.not_before, now);
    EXPECT_GT(c.not_after, now);
    PublicKey k;
    ASSERT_TRUE(k.parse_spki(c.spki).is_ok());
    EXPECT_EQ(k.type(), w.key);
  }
}

TEST_F(X509, SignatureDigestsSha384AndSha512) {
  for (const char* dg : {"sha384", "sha512"}) {
    test::CertSpec s = cert_spec(std::string("dg-") + dg, KeyKind::p256, "rsa-int", {"dg.test"});
    s.digest = dg;
    ASSERT_TRUE(pki_->issue(s));
    EXPECT_TRUE(verify({s.name, "rsa-int"}, "rsa-root", "dg.test").is_ok()) << dg;
    test::CertSpec e = cert_spec(std::string("dge-") + dg, KeyKind::p256, "p384-int", {"dg.test"});
    e.digest = dg;
    ASSERT_TRUE(pki_->issue(e));
    EXPECT_TRUE(verify({e.name, "p384-int"}, "p384-root", "dg.test").is_ok()) << dg;
  }
}

TEST_F(X509, MalformedAndUnsupportedCertificates) {
  Bytes d = der("p256-leaf");
  ParsedCertificate c;
  Bytes trailing = d;
  trailing.push_back(0);
  EXPECT_EQ(parse_certificate(trailing, &c).alert(), Alert::bad_certificate);
  Bytes cut(d.begin(), d.end() - 1);
  EXPECT_EQ(parse_certificate(cut, &c).alert(), Alert::bad_certificate);
  test::CertSpec crit = cert_spec("crit-leaf", KeyKind::p256, "p256-int", {"p256.test"});
  crit.extra_extensions = {"1.2.3.4 = critical,ASN1:NULL"};
  ASSERT_TRUE(pki_->issue(crit));
  Bytes cd = der("crit-leaf");
  EXPECT_EQ(parse_certificate(cd, &c).alert(), Alert::unsupported_certificate);
  test::CertSpec noncrit = cert_spec("noncrit-leaf", KeyKind::p256, "p256-int", {"p256.test"});
  noncrit.extra_extensions = {"1.2.3.4 = ASN1:NULL"};
  ASSERT_TRUE(pki_->issue(noncrit));
  EXPECT_TRUE(verify({"noncrit-leaf", "p256-int"}, "p256-root", "p256.test").is_ok()) << "unknown non-critical is ignored";
}

TEST_F(X509, GoodChainsOfEveryKind) {
  VerifiedChain vc;
  for (const char* p : {"rsa", "p256", "p384", "ed"}) {
    SCOPED_TRACE(p);
    std::string pre(p);
    Status s = verify({pre + "-leaf", pre + "-int"}, pre + "-root", pre + ".test", int64_t(time(nullptr)), 8, &vc);
    ASSERT_TRUE(s.is_ok()) << s.what();
    EXPECT_NE(vc.leaf_key.type(), KeyType::none);
    EXPECT_EQ(vc.chain_summary.size(), 2u);
    EXPECT_NE(vc.leaf_summary.find("CN=" + pre + "-leaf"), std::string::npos);
  }
}

TEST_F(X509, ChainBuildingToleratesOrderExtrasAndTheRootItself) {
  EXPECT_TRUE(verify({"p256-leaf", "p384-int", "p256-root", "p256-int"}, "p256-root", "p256.test").is_ok())
      << "shuffled, with an unrelated certificate and the root";
  ASSERT_TRUE(pki_->issue(cert_spec("direct-leaf", KeyKind::p256, "p256-root", {"direct.test"})));
  EXPECT_TRUE(verify({"direct-leaf"}, "p256-root", "direct.test").is_ok()) << "issued by the anchor itself";
}

struct Bad {
  const char* name;
  Alert alert;
};

TEST_F(X509, EveryFailureHasItsAlert) {
  const int64_t now = int64_t(time(nullptr));
  auto expect = [&](const char* what, Status s, Alert a) {
    EXPECT_FALSE(s.is_ok()) << what;
    EXPECT_EQ(std::string(alert_name(s.alert())), alert_name(a)) << what << ": " << s.what();
    EXPECT_GT(std::string(s.what()).size(), 10u) << what;
  };
  test::CertSpec expired = cert_spec("x-expired", KeyKind::p256, "p256-int", {"p256.test"});
  expired.not_before_days = -10;
  expired.not_after_days = -1;
  ASSERT_TRUE(pki_->issue(expired));
  expect("expired leaf", verify({"x-expired", "p256-int"}, "p256-root", "p256.test"), Alert::certificate_expired);
  test::CertSpec future = cert_spec("x-future", KeyKind::p256, "p256-int", {"p256.test"});
  future.not_before_days = 2;
  future.not_after_days = 30;
  ASSERT_TRUE(pki_->issue(future));
  expect("not yet valid", verify({"x-future", "p256-int"}, "p256-root", "p256.test"), Alert::certificate_expired);
  expect("expired intermediate (clock moved past it)",
         verify({"p256-leaf", "p256-int"}, "p256-root", "p256.test", now + 400 * 86400), Alert::certificate_expired);
  expect("wrong host", verify({"p256-leaf", "p256-int"}, "p256-root", "other.test"), Alert::bad_certificate);
  expect("untrusted root", verify({"p256-leaf", "p256-int"}, "other-root", "p256.test"), Alert::unknown_ca);
  expect("missing intermediate", verify({"p256-leaf"}, "p256-root", "p256.test"), Alert::unknown_ca);
  ASSERT_TRUE(pki_->issue(cert_spec("x-nonca", KeyKind::p256, "p256-root", {}, false)));
  ASSERT_TRUE(pki_->issue(cert_spec("x-under-nonca", KeyKind::p256, "x-nonca", {"p256.test"})));
  expect("intermediate without CA flag", verify({"x-under-nonca", "x-nonca"}, "p256-root", "p256.test"),
         Alert::bad_certificate);
  // p256-int has pathlen 0: another CA under it may not issue.
  ASSERT_TRUE(pki_->issue(cert_spec("x-int2", KeyKind::p256, "p256-int", {}, true)));
  ASSERT_TRUE(pki_->issue(cert_spec("x-under-int2", KeyKind::p256, "x-int2", {"p256.test"})));
  expect("pathLen exceeded", verify({"x-under-int2", "x-int2", "p256-int"}, "p256-root", "p256.test"),
         Alert::bad_certificate);
  test::CertSpec client = cert_spec("x-client", KeyKind::p256, "p256-int", {"p256.test"});
  client.server_auth_eku = false;
  ASSERT_TRUE(pki_->issue(client));
  expect("EKU clientAuth only", verify({"x-client", "p256-int"}, "p256-root", "p256.test"), Alert::bad_certificate);
  expect("depth limit", verify({"p256-leaf", "p256-int"}, "p256-root", "p256.test", now, 1), Alert::bad_certificate);

  // A flipped byte in the leaf's signature value.
  Bytes leaf = der("p256-leaf"), inter = der("p256-int");
  leaf[leaf.size() - 5] ^= 0x01;
  std::vector<ByteView> v = {ByteView(leaf), ByteView(inter)};
  TrustStore trust;
  std::string pem = pki_->cert_pem("p256-root");
  ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
  VerifyOptions o;
  o.host = "p256.test";
  o.now_unix = now;
  VerifiedChain vc;
  expect("tampered signature", verify_server_chain(v.data(), v.size(), trust, o, &vc), Alert::bad_certificate);
}

TEST(HostNames, Rfc6125Matching) {
  struct Case {
    const char* presented;
    const char* host;
    bool match;
  };
  const Case cases[] = {
      {"example.com", "example.com", true},        {"Example.COM", "example.com", true},
      {"example.com.", "example.com", true},       {"example.com", "example.com.", true},
      {"*.example.com", "a.example.com", true},    {"*.example.com", "A.Example.Com", true},
      {"*.example.com", "a.b.example.com", false}, {"*.example.com", "example.com", false},
      {"*.example.com", ".example.com", false},    {"f*.example.com", "foo.example.com", false},
      {"*", "example", false},                     {"*.com", "example.com", false},
      {"a.*.example.com", "a.b.example.com", false}, {"example.com", "example.org", false},
      {"", "example.com", false},                  {"exa mple.com", "exa mple.com", false},
  };
  for (const Case& c : cases) {
    ByteView p(reinterpret_cast<const uint8_t*>(c.presented), std::char_traits<char>::length(c.presented));
    EXPECT_EQ(dns_name_matches(p, c.host), c.match) << c.presented << " vs " << c.host;
  }
}

TEST_F(X509, IpAddressesMatchOnlyIpSans) {
  test::CertSpec ip = cert_spec("ip-leaf", KeyKind::p256, "p256-int", {"127.0.0.1"});
  ip.ip_sans = {"10.1.2.3", "::1"};
  ASSERT_TRUE(pki_->issue(ip));
  Bytes d = der("ip-leaf");
  ParsedCertificate c;
  ASSERT_TRUE(parse_certificate(d, &c).is_ok());
  EXPECT_TRUE(certificate_matches_host(c, "10.1.2.3"));
  EXPECT_TRUE(certificate_matches_host(c, "::1"));
  EXPECT_FALSE(certificate_matches_host(c, "127.0.0.1")) << "a DNS SAN never matches an IP literal";
  EXPECT_FALSE(certificate_matches_host(c, "10.1.2.4"));
}

TEST_F(X509, TrustStoreLoadsPemAndIdentifiesItsAnchors) {
  TrustStore a, b;
  std::string two = pki_->cert_pem("p256-root") + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" +
                    pki_->cert_pem("rsa-root");
  ASSERT_TRUE(a.add_pem(two.data(), two.size()).is_ok());
  EXPECT_EQ(a.size(), 2u);
  ASSERT_TRUE(b.add_pem(two.data(), two.size()).is_ok());
  uint8_t ida[32], idb[32];
  a.id(ida);
  b.id(idb);
  EXPECT_EQ(to_hex(ByteView(ida, 32)), to_hex(ByteView(idb, 32)));
  std::string more = pki_->cert_pem("p384-root");
  ASSERT_TRUE(b.add_pem(more.data(), more.size()).is_ok());
  b.id(idb);
  EXPECT_NE(to_hex(ByteView(ida, 32)), to_hex(ByteView(idb, 32)));
  const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x01};
  EXPECT_FALSE(a.add_der(junk, sizeof junk).is_ok());
  EXPECT_FALSE(a.add_pem("no pem here", 11).is_ok());
  EXPECT_FALSE(a.add_pem_file("/nonexistent/ca.pem").is_ok());
}

TEST_F(X509, TruncatedPemBundleFailsWithoutAddingAnything) {
  // Found by fuzz_pem (fuzz/regressions/pem/): good blocks followed by an
  // unterminated one made add_pem fail after the good ones were added.
  TrustStore t;
  std::string pem = pki_->cert_pem("p256-root") + pki_->cert_pem("rsa-root");
  std::string truncated = pem + pki_->cert_pem("p384-root").substr(0, 100);
  uint8_t before[32], after[32];
  t.id(before);
  EXPECT_EQ(t.add_pem(truncated.data(), truncated.size()).alert(), Alert::bad_certificate);
  EXPECT_EQ(t.size(), 0u);
  t.id(after);
  EXPECT_EQ(to_hex(ByteView(before, 32)), to_hex(ByteView(after, 32))) << "the trust context is unchanged";
  ASSERT_TRUE(t.add_pem(pem.data(), pem.size()).is_ok());
  EXPECT_EQ(t.size(), 2u);
}

TEST(TrustStoreSystem, LoadsTheSystemBundleIncludingSha1SignedRoots) {
  const char* path = "/etc/ssl/certs/ca-certificates.crt";
  if (FILE* f = fopen(path, "r")) {
    fclose(f);
  } else {
    GTEST_SKIP() << path << " is not installed";
  }
  TrustStore t;
  ASSERT_TRUE(t.add_pem_file(path).is_ok());
  EXPECT_GT(t.size(), 100u);
}

#if defined(MACTLS_PEM2CPP)
TEST_F(X509, Pem2cppOutputCompilesLinksAndLoads) {
  const std::string dir = pki_->dir();
  std::string bundle = pki_->bundle_path("bundle", {"p256-root", "rsa-root", "ed-leaf"});
  std::string out;
  ASSERT_EQ(test::run_command(std::string(MACTLS_PEM2CPP) + " " + bundle + " " + dir + "/roots.cpp kTestRoots", &out), 0)
      << out;
  std::string main_src =
      "#include <mactls/trust.h>\n#include <cstdio>\n"
      "extern const mactls::EmbeddedAnchor kTestRoots[];\nextern const size_t kTestRoots_count;\n"
      "int main() { mactls::TrustStore t; if (!t.add_embedded(kTestRoots, kTestRoots_count).is_ok()) return 1;\n"
      "  std::printf(\"%zu\\n\", t.size()); return t.size() == 3 ? 0 : 2; }\n";
  FILE* f = fopen((dir + "/main.cpp").c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs(main_src.c_str(), f);
  fclose(f);
  std::string cmd = "c++ -std=c++17 " MACTLS_EXTRA_CXXFLAGS " -I" MACTLS_INCLUDE_DIR " -I" MACTLS_GENERATED_INCLUDE_DIR " " + dir + "/roots.cpp " + dir +
                    "/main.cpp " MACTLS_LIB_FILE " $(pkg-config --libs --static nettle hogweed gmp) -o " + dir + "/embedded";
  ASSERT_EQ(test::run_command(cmd, &out), 0) << out;
  ASSERT_EQ(test::run_command(dir + "/embedded", &out), 0) << out;
  EXPECT_EQ(out, "3\n");
  // The same DER bytes as the certificates in the bundle.
  Bytes want = der("rsa-root");
  std::string src = test::read_file(dir + "/roots.cpp");
  char first[16];
  snprintf(first, sizeof first, "0x%02x, 0x%02x,", want[0], want[1]);
  EXPECT_NE(src.find(first), std::string::npos);
  EXPECT_NE(src.find("CN=rsa-root"), std::string::npos);
  // Array names are SYMBOL_cert_N, not SYMBOL doubled behind a "k".
  EXPECT_NE(src.find("kTestRoots_cert_0"), std::string::npos);
  EXPECT_EQ(src.find("kkTestRoots"), std::string::npos);
  // The matching header is written beside the source and declares the symbols.
  std::string hdr = test::read_file(dir + "/roots.h");
  EXPECT_NE(hdr.find("extern const mactls::EmbeddedAnchor kTestRoots[];"), std::string::npos) << hdr;
  EXPECT_NE(hdr.find("extern const size_t kTestRoots_count;"), std::string::npos) << hdr;
}

// pem2cpp --c: a C89 source and header for mactls_config_add_embedded, used
// from a C89 program (the Mac OS 9 browser's toolchain) through mactls.h.
TEST_F(X509, Pem2cppCOutputCompilesAsC89AndLoadsThroughTheCFacade) {
  const std::string dir = pki_->dir();
  std::string bundle = pki_->bundle_path("cbundle", {"p256-root", "rsa-root"});
  std::string out;
  ASSERT_EQ(test::run_command(std::string(MACTLS_PEM2CPP) + " --c " + bundle + " " + dir + "/croots.c kCRoots", &out), 0)
      << out;
  std::string hdr = test::read_file(dir + "/croots.h");
  EXPECT_NE(hdr.find("extern const mactls_embedded_anchor kCRoots[];"), std::string::npos) << hdr;
  EXPECT_NE(hdr.find("extern \"C\""), std::string::npos) << hdr;
  std::string src = test::read_file(dir + "/croots.c");
  EXPECT_NE(src.find("static const unsigned char kCRoots_cert_1["), std::string::npos);
  EXPECT_EQ(src.find("//"), std::string::npos) << "no C99 comments in C89 output";
  const std::string main_src =
      "#include <stdio.h>\n#include <mactls/mactls.h>\n#include \"croots.h\"\n"
      "int main(void) {\n"
      "  mactls_config* cfg = mactls_config_new();\n"
      "  int rc;\n"
      "  if (!cfg) return 1;\n"
      "  rc = mactls_config_add_embedded(cfg, kCRoots, kCRoots_count);\n"
      "  if (rc != 0) { printf(\"%s\\n\", mactls_config_last_error(cfg)); return 2; }\n"
      "  printf(\"%u\\n\", (unsigned)mactls_config_ca_count(cfg));\n"
      "  rc = mactls_config_ca_count(cfg) == 2 ? 0 : 3;\n"
      "  mactls_config_free(cfg);\n"
      "  return rc;\n}\n";
  FILE* f = fopen((dir + "/cmain.c").c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs(main_src.c_str(), f);
  fclose(f);
  const std::string cflags = "-std=c89 -pedantic-errors -Wall -Wextra -Werror " MACTLS_EXTRA_CXXFLAGS " -I" MACTLS_INCLUDE_DIR " -I" MACTLS_GENERATED_INCLUDE_DIR;
  ASSERT_EQ(test::run_command("cc " + cflags + " -c " + dir + "/croots.c -o " + dir + "/croots.o", &out), 0) << out;
  ASSERT_EQ(test::run_command("cc " + cflags + " -I" + dir + " -c " + dir + "/cmain.c -o " + dir + "/cmain.o", &out), 0)
      << out;
  // Linked by the C++ driver: libmactls needs libstdc++.
  std::string link = "c++ " MACTLS_EXTRA_CXXFLAGS " " + dir + "/croots.o " + dir +
                     "/cmain.o " MACTLS_LIB_FILE " $(pkg-config --libs --static nettle hogweed gmp) -o " + dir + "/cembedded";
  ASSERT_EQ(test::run_command(link, &out), 0) << out;
  ASSERT_EQ(test::run_command(dir + "/cembedded", &out), 0) << out;
  EXPECT_EQ(out, "2\n");
}
#endif

}  // namespace
}  // namespace mactls
