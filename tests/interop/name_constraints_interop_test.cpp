// Live interop for name constraints (RFC 5280 §4.2.1.10): `openssl s_server`
// on 127.0.0.1 presents a leaf issued by a sub-CA constrained to
// allowed.test. A leaf for victim.test must end the handshake with
// bad_certificate; the leaf for allowed.test must be accepted.
#include <gtest/gtest.h>

#include <string>

#include "mactls/client.h"
#include "mactls/trust.h"
#include "support/peer_server.h"
#include "support/pki.h"
#include "support/tls_driver.h"

namespace mactls::test {
namespace {

TEST(NameConstraintsInterop, ConstrainedSubCaCannotVouchForAnotherHost) {
  Pki pki;
  CertSpec root = cert_spec("ncroot", KeyKind::p256, "", {}, true);
  root.not_before_days = -2;
  ASSERT_TRUE(pki.issue(root));
  CertSpec sub = cert_spec("ncsub", KeyKind::p256, "ncroot", {}, true);
  sub.not_before_days = -2;
  sub.extra_extensions = {"nameConstraints = critical, permitted;DNS:allowed.test"};
  ASSERT_TRUE(pki.issue(sub));
  ASSERT_TRUE(pki.issue(cert_spec("victim", KeyKind::p256, "ncsub", {"victim.test"})));
  ASSERT_TRUE(pki.issue(cert_spec("allowed", KeyKind::p256, "ncsub", {"allowed.test"})));

  TrustStore trust;
  const std::string pem = pki.cert_pem("ncroot");
  ASSERT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
  ClientConfig cfg;
  cfg.trust = &trust;

  struct Case {
    const char* leaf;
    const char* host;
    bool accepted;
  } cases[] = {{"victim", "victim.test", false}, {"allowed", "allowed.test", true}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.host);
    PeerOptions o;
    o.kind = PeerKind::openssl;
    o.cert_file = pki.bundle_path(std::string(c.leaf) + "-chain", {c.leaf, "ncsub"});
    o.key_file = pki.key_path(c.leaf);
    o.www = true;
    PeerServer server(o);
    ASSERT_TRUE(server.start()) << server.output();
    Exchange ex = run_exchange(cfg, c.host, server.port(), "GET / HTTP/1.0\r\n\r\n", "</html>");
    if (c.accepted) {
      ASSERT_TRUE(ex.status.is_ok()) << ex.status.what() << "\n" << server.output();
      EXPECT_NE(ex.response.find("HTTP/1."), std::string::npos) << ex.response;
    } else {
      EXPECT_FALSE(ex.status.is_ok());
      EXPECT_EQ(ex.status.origin(), ErrorOrigin::local);
      EXPECT_EQ(alert_name(ex.status.alert()), std::string(alert_name(Alert::bad_certificate))) << ex.status.what();
      EXPECT_NE(std::string(ex.status.what()).find("outside the permitted name constraints"), std::string::npos)
          << ex.status.what();
      EXPECT_EQ(ex.final_state, Client::State::failed);
    }
  }
}

}  // namespace
}  // namespace mactls::test
