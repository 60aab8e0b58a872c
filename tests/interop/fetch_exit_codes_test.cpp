// mactls-fetch's exit statuses, one per failure class (curl's numbers; see
// `mactls-fetch -h` and the README), against live openssl s_server peers on
// 127.0.0.1 with a PKI made at test time. Also --version.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "mactls/version.h"
#include "support/peer_server.h"
#include "support/pki.h"

namespace mactls::test {
namespace {

#ifdef MACTLS_FETCH_BIN

struct FetchRun {
  int status = -1;
  std::string output;  // stdout and stderr
};

FetchRun fetch(const std::string& args) {
  FetchRun r;
  r.status = run_command(std::string("'") + MACTLS_FETCH_BIN + "' " + args, &r.output);
  return r;
}

class FetchExitCodes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki();
    ASSERT_TRUE(pki_->make_chain("good", KeyKind::p256, KeyKind::p256, "localhost"));
    ASSERT_TRUE(pki_->make_chain("other", KeyKind::p256, KeyKind::p256, "localhost"));
    CertSpec self = cert_spec("self", KeyKind::p256, "", {"localhost"});
    ASSERT_TRUE(pki_->issue(self));
    CertSpec expired = cert_spec("expired", KeyKind::p256, "good-root", {"localhost"});
    expired.not_before_days = -30;
    expired.not_after_days = -1;
    ASSERT_TRUE(pki_->issue(expired));
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  static std::string root(const std::string& chain) { return pki_->cert_path(chain + "-root"); }
  static std::string url(uint16_t port) { return "https://localhost:" + std::to_string(port) + "/"; }

  // A server sending `cert_file` (leaf first) with `key_file`.
  static bool serve(PeerServer& s) { return s.start(); }
  static PeerOptions options(const std::string& cert_file, const std::string& key_file) {
    PeerOptions o;
    o.cert_file = cert_file;
    o.key_file = key_file;
    return o;
  }
  static Pki* pki_;
};
Pki* FetchExitCodes::pki_ = nullptr;

TEST_F(FetchExitCodes, VersionPrintsTheHeadersAndTheLibrarysVersion) {
  FetchRun r = fetch("--version");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, std::string("mactls-fetch ") + MACTLS_VERSION_STRING + " (libmactls " +
                          MACTLS_VERSION_STRING + ")\n");
}

TEST_F(FetchExitCodes, HelpListsTheExitCodes) {
  FetchRun r = fetch("-h");
  EXPECT_EQ(r.status, 0);
  for (const char* code : {"   6  ", "   7  ", "  28  ", "  35  ", "  60  ", "  22  ", "  37  "})
    EXPECT_NE(r.output.find(code), std::string::npos) << code;
}

TEST_F(FetchExitCodes, UsageAndUrlErrors) {
  EXPECT_EQ(fetch("--no-such-option https://localhost/").status, 2);
  EXPECT_EQ(fetch("").status, 2);
  EXPECT_EQ(fetch("http://localhost/").status, 3);
}

TEST_F(FetchExitCodes, UnreadableCaFileIs37WithTheOsReason) {
  FetchRun r = fetch("--cafile /nonexistent/mactls-ca.pem https://localhost/");
  EXPECT_EQ(r.status, 37) << r.output;
  EXPECT_NE(r.output.find("No such file or directory"), std::string::npos) << r.output;
}

TEST_F(FetchExitCodes, CaFileWithoutCertificatesIs77) {
  const std::string empty = pki_->dir() + "/empty.pem";
  std::ofstream(empty) << "no certificate here\n";
  FetchRun r = fetch("--cafile '" + empty + "' https://localhost/");
  EXPECT_EQ(r.status, 77) << r.output;
}

TEST_F(FetchExitCodes, KeyLogFileThatCannotBeOpenedIs23) {
  FetchRun r = fetch("--cafile '" + root("good") + "' --keylog /nonexistent/dir/keys https://localhost/");
  EXPECT_EQ(r.status, 23) << r.output;
}

TEST_F(FetchExitCodes, UnresolvableHostIs6) {
  // .invalid never resolves (RFC 6761 §6.4).
  FetchRun r = fetch("--cafile '" + root("good") + "' https://mactls-test.invalid/");
  EXPECT_EQ(r.status, 6) << r.output;
}

TEST_F(FetchExitCodes, RefusedConnectionIs7) {
  const uint16_t port = free_loopback_port();  // bound and released: nobody listens
  ASSERT_NE(port, 0);
  FetchRun r = fetch("--cafile '" + root("good") + "' " + url(port));
  EXPECT_EQ(r.status, 7) << r.output;
}

TEST_F(FetchExitCodes, SuccessIs0) {
  PeerServer s(options(pki_->chain_path("good"), pki_->key_path("good-leaf")));
  ASSERT_TRUE(serve(s)) << s.output();
  FetchRun r = fetch("--cafile '" + root("good") + "' " + url(s.port()));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("TLSv1.3"), std::string::npos);
}

TEST_F(FetchExitCodes, UntrustedChainIs60) {
  PeerServer s(options(pki_->chain_path("good"), pki_->key_path("good-leaf")));
  ASSERT_TRUE(serve(s)) << s.output();
  FetchRun r = fetch("--cafile '" + root("other") + "' " + url(s.port()));
  EXPECT_EQ(r.status, 60) << r.output;
  EXPECT_NE(r.output.find("does not lead to a trusted root"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("self-signed"), std::string::npos) << "an issued leaf is not self-signed: " << r.output;
}

TEST_F(FetchExitCodes, SelfSignedCertificateIs60) {
  PeerServer s(options(pki_->cert_path("self"), pki_->key_path("self")));
  ASSERT_TRUE(serve(s)) << s.output();
  FetchRun r = fetch("--cafile '" + root("good") + "' " + url(s.port()));
  EXPECT_EQ(r.status, 60) << r.output;
  // Named as such, not as a chain that leads nowhere.
  EXPECT_NE(r.output.find("self-signed certificate"), std::string::npos) << r.output;
}

TEST_F(FetchExitCodes, SelfSignedCertificateThatIsTheTrustAnchorIs0) {
  // The same leaf, configured as the anchor, is trusted as it stands.
  PeerServer s(options(pki_->cert_path("self"), pki_->key_path("self")));
  ASSERT_TRUE(serve(s)) << s.output();
  FetchRun r = fetch("--cafile '" + pki_->cert_path("self") + "' " + url(s.port()));
  EXPECT_EQ(r.status, 0) << r.output;
}

TEST_F(FetchExitCodes, ExpiredCertificateIs60) {
  const std::string chain = pki_->bundle_path("expired-chain.pem", {"expired"});
  PeerServer s(options(chain, pki_->key_path("expired")));
  ASSERT_TRUE(serve(s)) << s.output();
  FetchRun r = fetch("--cafile '" + root("good") + "' " + url(s.port()));
  EXPECT_EQ(r.status, 60) << r.output;
}

TEST_F(FetchExitCodes, WrongHostNameIs60) {
  PeerServer s(options(pki_->chain_path("good"), pki_->key_path("good-leaf")));
  ASSERT_TRUE(serve(s)) << s.output();
  // The certificate is for localhost; ask for another name, dial the server.
  FetchRun r = fetch("--cafile '" + root("good") + "' --connect 127.0.0.1:" + std::to_string(s.port()) +
                " https://not-localhost.example/");
  EXPECT_EQ(r.status, 60) << r.output;
}

TEST_F(FetchExitCodes, HandshakeFailureIs35) {
  // The server accepts only a suite mactls does not offer (CCM): it ends
  // the handshake with a handshake_failure alert.
  PeerOptions o = options(pki_->chain_path("good"), pki_->key_path("good-leaf"));
  o.ciphersuites = {"TLS_AES_128_CCM_SHA256"};
  PeerServer s(o);
  ASSERT_TRUE(serve(s)) << s.output();
  FetchRun r = fetch("--cafile '" + root("good") + "' " + url(s.port()));
  EXPECT_EQ(r.status, 35) << r.output;
}

#else

TEST(FetchExitCodes, NeedsMactlsFetch) { GTEST_SKIP() << "built without the tools (MACTLS_BUILD_TOOLS=OFF)"; }

#endif

}  // namespace
}  // namespace mactls::test
