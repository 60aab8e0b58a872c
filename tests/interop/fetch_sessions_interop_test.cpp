// Resumption across processes: two `mactls-fetch --sessions FILE` runs in a
// row against one `openssl s_server`. The first makes a full handshake and
// saves the server's tickets to FILE (mode 0600); the second loads them and
// resumes, confirmed by the server's own status page ("Reused"). Sealed
// with --sessions-key, the same; with the wrong key the file is refused
// with a warning and the fetch still succeeds with a full handshake.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "support/peer_server.h"
#include "support/pki.h"

namespace mactls::test {
namespace {

#ifdef MACTLS_FETCH_BIN

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct FetchRun {
  int exit_code = -1;
  std::string body;  // the server's status page
  std::string log;   // -v output
};

class FetchSessions : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pki_.make_chain("s", KeyKind::p256, KeyKind::p256, "localhost"));
    PeerOptions o;
    o.kind = PeerKind::openssl;
    o.cert_file = pki_.chain_path("s");
    o.key_file = pki_.key_path("s-leaf");
    o.www = true;
    o.num_tickets = 2;
    server_.reset(new PeerServer(o));
    ASSERT_TRUE(server_->start()) << server_->output();
    sessions_ = pki_.dir() + "/sessions.bin";
  }

  FetchRun fetch(const std::string& extra) {
    FetchRun r;
    const std::string out = pki_.dir() + "/out.html", err = pki_.dir() + "/err.txt";
    const std::string cmd = std::string(MACTLS_FETCH_BIN) + " -v --timeout 30 --cafile " + pki_.cert_path("s-root") +
                            " --sessions " + sessions_ + " " + extra + " https://localhost:" +
                            std::to_string(server_->port()) + "/ >" + out + " 2>" + err;
    const int st = std::system(cmd.c_str());
    r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.body = slurp(out);
    r.log = slurp(err);
    return r;
  }

  Pki pki_;
  std::unique_ptr<PeerServer> server_;
  std::string sessions_;
};

TEST_F(FetchSessions, TheSecondProcessResumesConfirmedByTheServer) {
  FetchRun first = fetch("");
  ASSERT_EQ(first.exit_code, 0) << first.log;
  EXPECT_FALSE(server_says_resumed(PeerKind::openssl, first.body)) << first.body;
  EXPECT_NE(first.log.find("* full handshake"), std::string::npos) << first.log;
  struct stat st;
  ASSERT_EQ(stat(sessions_.c_str(), &st), 0) << "the sessions file was written";
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(first.log.find("* store: entries"), std::string::npos) << first.log;

  FetchRun second = fetch("");
  ASSERT_EQ(second.exit_code, 0) << second.log;
  EXPECT_NE(second.log.find("loaded from"), std::string::npos) << second.log;
  EXPECT_NE(second.log.find("* resumed with a ticket"), std::string::npos) << second.log;
  EXPECT_TRUE(server_says_resumed(PeerKind::openssl, second.body)) << second.body;
  EXPECT_NE(second.log.find("* resumption rate: 1 of 1 handshakes (100%)"), std::string::npos) << second.log;
}

TEST_F(FetchSessions, ASealedFileResumesOnlyWithItsKey) {
  const std::string key = pki_.dir() + "/seal.key", other = pki_.dir() + "/other.key";
  std::ofstream(key) << "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
  std::ofstream(other) << "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
  FetchRun first = fetch("--sessions-key " + key);
  ASSERT_EQ(first.exit_code, 0) << first.log;
  EXPECT_NE(first.log.find("(sealed)"), std::string::npos) << first.log;
  // The session's secret never appears in the file: nothing in it parses as
  // the server name either.
  const std::string file = slurp(sessions_);
  EXPECT_EQ(file.find("localhost"), std::string::npos);

  FetchRun wrong = fetch("--sessions-key " + other);
  ASSERT_EQ(wrong.exit_code, 0) << wrong.log;
  EXPECT_NE(wrong.log.find("not loaded: ticket store blob: wrong key or corrupted"), std::string::npos) << wrong.log;
  EXPECT_FALSE(server_says_resumed(PeerKind::openssl, wrong.body));

  // The wrong-key run replaced the file with its own (sealed with `other`).
  FetchRun again = fetch("--sessions-key " + other);
  ASSERT_EQ(again.exit_code, 0) << again.log;
  EXPECT_TRUE(server_says_resumed(PeerKind::openssl, again.body)) << again.log;
}

TEST_F(FetchSessions, AnotherPartitionDoesNotResume) {
  ASSERT_EQ(fetch("--partition https://a.example").exit_code, 0);
  FetchRun b = fetch("--partition https://b.example");
  ASSERT_EQ(b.exit_code, 0) << b.log;
  EXPECT_FALSE(server_says_resumed(PeerKind::openssl, b.body));
  EXPECT_NE(b.log.find("ticket offered no"), std::string::npos) << b.log;
  FetchRun a = fetch("--partition https://a.example");
  ASSERT_EQ(a.exit_code, 0) << a.log;
  EXPECT_TRUE(server_says_resumed(PeerKind::openssl, a.body)) << a.log;
}

#endif  // MACTLS_FETCH_BIN

}  // namespace
}  // namespace mactls::test
