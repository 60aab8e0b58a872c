// Page-load coordination in the async layer (ConnectionOptions::gate and
// wait_for_leader_ms): a connection that comes up while another one to the
// same host is in a full handshake holds its ClientHello until the leader
// has stored a ticket, then resumes; a failed or disposed leader releases it
// at once; the wait is bounded; partitions and the opt-in are respected.
// Connections run over in-memory pipes to scripted servers, pumped in turn
// by the test as one cooperative loop would; time is a manual clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "mactls/client.h"
#include "mactls/connection.h"
#include "mactls/ticket_store.h"
#include "support/scripted_server.h"
#include "support/scripted_server_test.h"

namespace mactls::test {
namespace {

const char* kHost = ScriptedServerTest::kServerHost;

struct Pipe {
  std::unique_ptr<ScriptedServer> server;
  Bytes to_client;
  size_t received = 0;  // bytes the server got from the client
  bool mute = false;  // the server never gets the client's bytes
  bool hold = true;   // the server's answers wait until the test lets them through
  bool gave_up = false;
};

class PipeTransport final : public Transport {
 public:
  explicit PipeTransport(Pipe* p) : p_(p) {}
  ConnectStatus open(const std::string&, uint16_t) override { return ConnectStatus::in_progress; }
  ConnectStatus poll_connect() override { return ConnectStatus::connected; }
  IoResult send(const uint8_t* data, size_t len) override {
    p_->received += len;
    if (!p_->mute && !p_->server->receive(ByteView(data, len), p_->to_client)) p_->gave_up = true;
    return IoResult::moved(len);
  }
  IoResult recv(uint8_t* buf, size_t cap) override {
    if (p_->hold) return IoResult::blocked();
    if (p_->to_client.empty()) return p_->gave_up ? IoResult::end() : IoResult::blocked();
    const size_t n = std::min(cap, p_->to_client.size());
    std::copy(p_->to_client.begin(), p_->to_client.begin() + long(n), buf);
    p_->to_client.erase(p_->to_client.begin(), p_->to_client.begin() + long(n));
    return IoResult::moved(n);
  }
  void close() override {}
  const char* error() const override { return ""; }

 private:
  Pipe* p_;
};

class LeaderWait : public ScriptedServerTest {
 protected:
  std::unique_ptr<Connection> make(Pipe& p, ServerScript script = ServerScript(), uint32_t wait_ms = 5000,
                                   const std::string& partition = "", const ClientConfig* cfg = nullptr) {
    p.server = std::make_unique<ScriptedServer>(*id_, std::move(script), &book_);
    ConnectionOptions o;
    o.gate = &gate_;
    o.wait_for_leader_ms = wait_ms;
    o.partition = partition;
    auto c = Connection::New(cfg ? *cfg : cfg_, std::unique_ptr<Transport>(new PipeTransport(&p)), kHost, 443, o);
    EXPECT_TRUE(c->Start().is_ok());
    return c;
  }
  static void pump(Connection& c, int n) {
    for (int i = 0; i < n; ++i) c.Pump();
  }
  ResumptionGate gate_;
};

TEST_F(LeaderWait, AFollowerHoldsItsClientHelloUntilTheLeaderHasATicketThenResumes) {
  Pipe p1, p2;
  auto leader = make(p1);
  leader->Pump();  // connected, ClientHello out: a full handshake, so it leads
  ASSERT_EQ(leader->state(), ConnState::handshaking);
  EXPECT_TRUE(gate_.leading(kHost, 443, ""));
  EXPECT_TRUE(leader->stats().led);

  auto follower = make(p2);
  pump(*follower, 20);
  EXPECT_EQ(follower->state(), ConnState::handshaking);
  EXPECT_EQ(p2.received, 0u) << "no ClientHello while the leader runs";
  EXPECT_EQ(follower->interest().want_read, false);
  EXPECT_GE(follower->interest().timeout_ms, 0);

  p1.hold = false;
  for (int i = 0; i < 50 && gate_.leading(kHost, 443, ""); ++i) leader->Pump();
  ASSERT_EQ(leader->state(), ConnState::open) << leader->last_error();
  EXPECT_FALSE(gate_.leading(kHost, 443, "")) << "a stored ticket ends the lead";
  EXPECT_GE(store_.size(), 1u);

  clock_.advance_ms(7);
  p2.hold = false;
  for (int i = 0; i < 50 && follower->state() == ConnState::handshaking; ++i) follower->Pump();
  ASSERT_EQ(follower->state(), ConnState::open) << follower->last_error();
  EXPECT_TRUE(follower->info()->resumed);
  EXPECT_TRUE(p2.server->resumed());
  EXPECT_TRUE(follower->stats().waited_for_leader);
  EXPECT_EQ(follower->stats().leader_wait_ms, 7u);
  EXPECT_FALSE(follower->stats().led);
}

TEST_F(LeaderWait, AFailedLeaderReleasesTheFollowersAtOnce) {
  ServerScript bad;
  bad.tamper_message = [](Bytes& msg) {
    if (!msg.empty() && msg[0] == 20 /* finished */) msg.back() ^= 1;
    return true;
  };
  Pipe p1, p2;
  auto leader = make(p1, bad);
  leader->Pump();
  auto follower = make(p2);
  follower->Pump();
  ASSERT_EQ(p2.received, 0u);
  p1.hold = false;
  pump(*leader, 20);
  ASSERT_EQ(leader->state(), ConnState::failed);
  EXPECT_FALSE(gate_.leading(kHost, 443, ""));
  p2.hold = false;
  for (int i = 0; i < 50 && follower->state() == ConnState::handshaking; ++i) follower->Pump();
  ASSERT_EQ(follower->state(), ConnState::open) << follower->last_error();
  EXPECT_FALSE(follower->info()->ticket_offered);
  EXPECT_TRUE(follower->stats().waited_for_leader);
  EXPECT_EQ(follower->stats().leader_wait_ms, 0u);
  EXPECT_TRUE(follower->stats().led) << "it made the full handshake, so it led in turn";
}

TEST_F(LeaderWait, TheWaitIsBoundedWhenTheLeaderNeverAnswers) {
  Pipe p1, p2;
  p1.mute = true;
  auto leader = make(p1);
  leader->Pump();
  auto follower = make(p2, ServerScript(), 250);
  follower->Pump();
  clock_.advance_ms(249);
  pump(*follower, 5);
  EXPECT_EQ(p2.received, 0u);
  clock_.advance_ms(1);
  p2.hold = false;
  for (int i = 0; i < 50 && follower->state() == ConnState::handshaking; ++i) follower->Pump();
  ASSERT_EQ(follower->state(), ConnState::open) << follower->last_error();
  EXPECT_EQ(follower->stats().leader_wait_ms, 250u);
  EXPECT_FALSE(follower->info()->resumed);
  EXPECT_TRUE(gate_.leading(kHost, 443, "")) << "the silent leader still leads";
}

TEST_F(LeaderWait, ADisposedLeaderReleasesAndAClosedFollowerLeavesQuietly) {
  Pipe p1, p2, p3;
  auto leader = make(p1);
  leader->Pump();
  auto follower = make(p2);
  follower->Pump();
  follower->Close();
  follower->Pump();
  EXPECT_EQ(follower->state(), ConnState::closed);
  EXPECT_EQ(p2.received, 0u);
  leader->Dispose();
  EXPECT_FALSE(gate_.leading(kHost, 443, ""));
  auto next = make(p3);
  next->Pump();
  EXPECT_GT(p3.received, 0u) << "no leader: no wait";
  EXPECT_FALSE(next->stats().waited_for_leader);
}

TEST_F(LeaderWait, OnlyOptedInConnectionsOfTheSameKeyWait) {
  Pipe p1, p2, p3;
  auto leader = make(p1);
  leader->Pump();
  auto not_opted = make(p2, ServerScript(), 0);
  not_opted->Pump();
  EXPECT_GT(p2.received, 0u);
  EXPECT_FALSE(not_opted->stats().waited_for_leader);
  auto other_partition = make(p3, ServerScript(), 5000, "https://other.example");
  other_partition->Pump();
  EXPECT_GT(p3.received, 0u);
  EXPECT_FALSE(other_partition->stats().waited_for_leader);
  EXPECT_TRUE(gate_.leading(kHost, 443, "https://other.example")) << "it leads its own partition";
}

// The gate keys on the ticket store's whole key, security context
// included: a connection whose trust anchors or verification rules differ
// could not use the leader's tickets (they are filed under another key), so
// it must not wait for them — one gate may serve several configs.
TEST_F(LeaderWait, ConnectionsOfAnotherSecurityContextDoNotWait) {
  TrustStore wider;  // the same root and one more anchor: another trust store id
  ASSERT_TRUE(wider.add_pem(id_->root_pem.data(), id_->root_pem.size()).is_ok());
  const std::string other_root = pki_->cert_pem("scripted-int");
  ASSERT_TRUE(wider.add_pem(other_root.data(), other_root.size()).is_ok());
  ClientConfig other_trust = cfg_;
  other_trust.trust = &wider;
  ClientConfig other_rules = cfg_;
  other_rules.limits.min_rsa_bits = cfg_.limits.min_rsa_bits + 1024;
  ASSERT_FALSE(Client(cfg_, kHost, 443).ticket_key() == Client(other_trust, kHost, 443).ticket_key());
  ASSERT_FALSE(Client(cfg_, kHost, 443).ticket_key() == Client(other_rules, kHost, 443).ticket_key());

  Pipe p1, p2, p3, p4;
  auto leader = make(p1);
  leader->Pump();
  ASSERT_TRUE(leader->stats().led);
  EXPECT_TRUE(gate_.leading(Client(cfg_, kHost, 443).ticket_key()));
  EXPECT_FALSE(gate_.leading(Client(other_trust, kHost, 443).ticket_key()));

  auto trusting_more = make(p2, ServerScript(), 5000, "", &other_trust);
  trusting_more->Pump();
  EXPECT_GT(p2.received, 0u) << "another trust store: its ClientHello goes at once";
  EXPECT_FALSE(trusting_more->stats().waited_for_leader);
  EXPECT_TRUE(trusting_more->stats().led) << "it leads its own key";
  EXPECT_TRUE(gate_.leading(Client(other_trust, kHost, 443).ticket_key()));

  auto stricter = make(p3, ServerScript(), 5000, "", &other_rules);
  stricter->Pump();
  EXPECT_GT(p3.received, 0u) << "other verification limits: no wait either";
  EXPECT_FALSE(stricter->stats().waited_for_leader);

  auto same = make(p4);  // the control: the leader's own config still waits
  same->Pump();
  EXPECT_EQ(p4.received, 0u);
  EXPECT_TRUE(same->stats().waited_for_leader);
}

}  // namespace
}  // namespace mactls::test
