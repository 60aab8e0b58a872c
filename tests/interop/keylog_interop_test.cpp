// Our NSS key log equals the one `openssl s_server -keylogfile` writes for
// the same connection: five secrets, byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "common/bytes.h"
#include "mactls/client.h"
#include "mactls/trust.h"
#include "support/peer_server.h"
#include "support/pki.h"
#include "support/tls_driver.h"

namespace mactls::test {
namespace {

std::set<std::string> keylog_lines(const std::string& text) {
  std::set<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') lines.insert(line);
  return lines;
}

TEST(KeyLog, MatchesOpensslServerKeyLog) {
  Pki pki;
  ASSERT_TRUE(pki.make_chain("kl", KeyKind::p256, KeyKind::p256, "localhost"));
  PeerOptions o;
  o.kind = PeerKind::openssl;
  o.cert_file = pki.chain_path("kl");
  o.key_file = pki.key_path("kl-leaf");
  o.www = true;
  o.keylog_file = pki.dir() + "/server.keylog";
  PeerServer server(o);
  ASSERT_TRUE(server.start()) << server.output();

  TrustStore trust;
  std::string root = pki.cert_pem("kl-root");
  ASSERT_TRUE(trust.add_pem(root.data(), root.size()).is_ok());
  std::string ours;
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.keylog = [&ours](const char* label, const uint8_t* cr, const uint8_t* secret, size_t n) {
    ours += std::string(label) + " " + to_hex(ByteView(cr, 32)) + " " + to_hex(ByteView(secret, n)) + "\n";
  };
  Exchange ex = run_exchange(cfg, "localhost", server.port(), "GET / HTTP/1.0\r\n\r\n", "</html>");
  ASSERT_TRUE(ex.status.is_ok()) << ex.status.what();
  server.stop();

  std::ifstream f(o.keylog_file);
  std::stringstream theirs;
  theirs << f.rdbuf();
  std::set<std::string> a = keylog_lines(ours), b = keylog_lines(theirs.str());
  EXPECT_EQ(a.size(), 5u) << ours;
  EXPECT_EQ(a, b) << "mactls:\n" << ours << "openssl:\n" << theirs.str();
}

}  // namespace
}  // namespace mactls::test
