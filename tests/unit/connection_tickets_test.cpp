// The async Connection over the real engine and the scripted servers:
// - the ClientHello and its key pair are made while TCP connects (issue 14):
//   a fresh key share per connection, a hello that never left gives its
//   ticket back, a follower of the leader wait builds its hello only when
//   the wait ends, with the leader's ticket;
// - a stored ticket or TLS 1.2 session is announced (issue 13);
// - offer_resumption = false makes a full handshake that still stores what
//   the server issues (issue 13), for TLS 1.3 tickets and TLS 1.2 sessions.
// Connections run over in-memory pipes whose connect completes when the
// test says so; time is a manual clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "mactls/connection.h"
#include "mactls/ticket_store.h"
#include "support/recording_ticket_store.h"
#include "support/scripted_server.h"
#include "support/scripted_server12.h"
#include "support/scripted_server_test.h"

namespace mactls::test {
namespace {

const char* kHost = ScriptedServerTest::kServerHost;

struct Pipe {
  std::unique_ptr<LoopbackServer> server;
  bool connected = false;  // poll_connect() answers in_progress until set
  Bytes to_client;
  size_t received = 0;  // bytes the server got from the client
  bool gave_up = false;
};

class PipeTransport final : public Transport {
 public:
  explicit PipeTransport(Pipe* p) : p_(p) {}
  ConnectStatus open(const std::string&, uint16_t) override { return ConnectStatus::in_progress; }
  ConnectStatus poll_connect() override {
    return p_->connected ? ConnectStatus::connected : ConnectStatus::in_progress;
  }
  IoResult send(const uint8_t* data, size_t len) override {
    p_->received += len;
    if (!p_->server->receive(ByteView(data, len), p_->to_client)) p_->gave_up = true;
    return IoResult::moved(len);
  }
  IoResult recv(uint8_t* buf, size_t cap) override {
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

class ConnectionTickets : public ScriptedServerTest {
 protected:
  void SetUp() override {
    ScriptedServerTest::SetUp();
    cfg_.tickets = &rec_;
  }
  ScriptedServer* tls13(Pipe& p) {
    auto* s = new ScriptedServer(*id_, ServerScript(), &book_);
    p.server.reset(s);
    return s;
  }
  std::unique_ptr<Connection> make(Pipe& p, ConnectionOptions o = {}) {
    return Connection::New(cfg_, std::unique_ptr<Transport>(new PipeTransport(&p)), kHost, 443, std::move(o));
  }
  // Connects and pumps until open (or 50 steps).
  static void run(Pipe& p, Connection& c) {
    p.connected = true;
    for (int i = 0; i < 50 && c.state() != ConnState::open && c.state() != ConnState::failed; ++i) c.Pump();
    c.Pump();  // the tickets after the handshake
  }
  // A full handshake that leaves tickets in the store.
  void earn_tickets() {
    Pipe p;
    tls13(p);
    auto c = make(p);
    ASSERT_TRUE(c->Start().is_ok());
    run(p, *c);
    ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
    ASSERT_GT(c->info()->tickets_stored, 0u);
  }
  RecordingTicketStore rec_;
};

TEST_F(ConnectionTickets, TheHelloIsBuiltDuringTheConnectAndSentWhenItCompletes) {
  Pipe p;
  ScriptedServer* server = tls13(p);
  auto c = make(p);
  ASSERT_TRUE(c->Start().is_ok());
  for (int i = 0; i < 5; ++i) ASSERT_EQ(c->Pump(), ConnState::connecting);
  ASSERT_NE(c->info(), nullptr);
  EXPECT_NE(c->info()->started_ms, 0u) << "the engine has made its ClientHello";
  EXPECT_TRUE(c->info()->psk_modes_sent);
  EXPECT_EQ(p.received, 0u) << "but nothing is sent before the connect completes";
  p.connected = true;
  EXPECT_NE(c->Pump(), ConnState::connecting);  // the in-memory server answers at once
  EXPECT_NE(c->events() & kEventConnected, 0u);
  EXPECT_GT(p.received, 0u) << "sent in the Pump that saw the connect";
  EXPECT_EQ(server->client_hellos(), 1u);
  run(p, *c);
  EXPECT_EQ(c->state(), ConnState::open) << c->last_error();
}

TEST_F(ConnectionTickets, EveryConnectionHasItsOwnKeyShare) {
  std::vector<Bytes> shares;
  for (int i = 0; i < 4; ++i) {
    Pipe p;
    ScriptedServer* server = tls13(p);
    ConnectionOptions o;
    o.offer_resumption = false;  // full handshakes all
    auto c = make(p, o);
    ASSERT_TRUE(c->Start().is_ok());
    run(p, *c);
    ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
    ASSERT_EQ(server->hello_key_shares().size(), 1u);
    shares.push_back(server->hello_key_shares()[0]);
  }
  for (size_t i = 0; i < shares.size(); ++i) {
    EXPECT_GT(shares[i].size(), 32u);
    for (size_t j = i + 1; j < shares.size(); ++j) EXPECT_NE(shares[i], shares[j]) << i << " and " << j;
  }
}

TEST_F(ConnectionTickets, AHelloThatNeverLeftGivesItsTicketBackUnused) {
  earn_tickets();
  const size_t stored = rec_.size();
  ASSERT_GT(stored, 0u);
  {
    Pipe p;
    tls13(p);
    ConnectionOptions o;
    o.connect_timeout_ms = 1000;
    auto c = make(p, o);
    ASSERT_TRUE(c->Start().is_ok());
    EXPECT_TRUE(c->info()->ticket_offered) << "the hello made during the connect holds a ticket";
    EXPECT_EQ(rec_.taken(), 1u);
    EXPECT_EQ(rec_.size(), stored - 1);
    clock_.advance_ms(1000);
    EXPECT_EQ(c->Pump(), ConnState::failed);
    EXPECT_EQ(c->error().origin(), ErrorOrigin::timeout);
    EXPECT_EQ(p.received, 0u);
    EXPECT_EQ(rec_.size(), stored) << "the unsent ticket is back";
    EXPECT_EQ(rec_.inserted_tickets().back().identity, rec_.taken_identities().back())
        << "the very ticket that was taken";
  }
  // It was never on the wire: the next connection offers it and resumes.
  Pipe p;
  ScriptedServer* server = tls13(p);
  auto c = make(p);
  ASSERT_TRUE(c->Start().is_ok());
  run(p, *c);
  ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
  EXPECT_TRUE(c->info()->resumed);
  EXPECT_TRUE(server->resumed());
}

TEST_F(ConnectionTickets, AFollowerBuildsItsHelloWhenTheWaitEndsAndOffersTheLeadersTicket) {
  ResumptionGate gate;
  ConnectionOptions o;
  o.gate = &gate;
  o.wait_for_leader_ms = 5000;
  Pipe p1, p2;
  ScriptedServer* s1 = tls13(p1);
  ScriptedServer* s2 = tls13(p2);
  auto leader = make(p1, o);
  ASSERT_TRUE(leader->Start().is_ok());
  EXPECT_NE(leader->info()->started_ms, 0u) << "a full handshake's hello, made while connecting";
  EXPECT_TRUE(gate.leading(kHost, 443, "")) << "so it leads from Start on";

  auto follower = make(p2, o);
  ASSERT_TRUE(follower->Start().is_ok());
  EXPECT_EQ(follower->info()->started_ms, 0u) << "no hello without the leader's ticket";
  EXPECT_EQ(rec_.take_calls(), 1u) << "only the leader looked for a ticket";
  p2.connected = true;
  for (int i = 0; i < 5; ++i) follower->Pump();
  EXPECT_EQ(follower->state(), ConnState::handshaking);
  EXPECT_EQ(follower->info()->started_ms, 0u);
  EXPECT_EQ(p2.received, 0u);

  run(p1, *leader);
  ASSERT_EQ(leader->state(), ConnState::open) << leader->last_error();
  EXPECT_FALSE(s1->resumed());
  EXPECT_FALSE(gate.leading(kHost, 443, ""));

  for (int i = 0; i < 50 && follower->state() == ConnState::handshaking; ++i) follower->Pump();
  ASSERT_EQ(follower->state(), ConnState::open) << follower->last_error();
  EXPECT_TRUE(follower->stats().waited_for_leader);
  EXPECT_TRUE(follower->info()->ticket_offered);
  EXPECT_TRUE(follower->info()->resumed);
  EXPECT_TRUE(s2->resumed());
}

TEST_F(ConnectionTickets, EachStoredTicketIsAnnouncedOnce) {
  std::vector<uint16_t> calls;
  uint32_t events = 0;
  ConnectionOptions o;
  o.on_ticket_stored = [&calls](uint16_t v) { calls.push_back(v); };
  Pipe p;
  tls13(p);
  auto c = make(p, o);
  ASSERT_TRUE(c->Start().is_ok());
  p.connected = true;
  for (int i = 0; i < 50; ++i) {
    c->Pump();
    events |= c->events();
  }
  ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
  ASSERT_GT(c->info()->tickets_stored, 0u);
  EXPECT_EQ(calls.size(), size_t(c->info()->tickets_stored));
  EXPECT_EQ(calls.size(), rec_.inserted());
  for (uint16_t v : calls) EXPECT_EQ(v, 0x0304);
  EXPECT_NE(events & kEventTicketStored, 0u);
}

TEST_F(ConnectionTickets, AFullHandshakeOnPurposeStillKeepsItsTickets) {
  earn_tickets();
  const size_t takes = rec_.take_calls(), finds = rec_.find_tls12_keys().size();
  const size_t inserted = rec_.inserted(), stored = rec_.size();
  std::vector<uint16_t> calls;
  ConnectionOptions o;
  o.offer_resumption = false;
  o.on_ticket_stored = [&calls](uint16_t v) { calls.push_back(v); };
  Pipe p;
  ScriptedServer* server = tls13(p);
  auto c = make(p, o);
  ASSERT_TRUE(c->Start().is_ok());
  run(p, *c);
  ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
  EXPECT_EQ(rec_.take_calls(), takes) << "no ticket taken";
  EXPECT_EQ(rec_.find_tls12_keys().size(), finds) << "no TLS 1.2 session looked up";
  EXPECT_FALSE(server->last_hello_had_psk());
  EXPECT_FALSE(c->info()->ticket_offered);
  EXPECT_FALSE(c->info()->resumed);
  EXPECT_NE(c->info()->signature_scheme, 0) << "the server was authenticated afresh";
  ASSERT_GT(c->info()->tickets_stored, 0u);
  EXPECT_EQ(rec_.inserted(), inserted + c->info()->tickets_stored) << "what it earned is kept";
  EXPECT_EQ(rec_.size(), stored + c->info()->tickets_stored);
  EXPECT_EQ(calls.size(), size_t(c->info()->tickets_stored));

  // The tickets it kept resume the next connection.
  Pipe p2;
  ScriptedServer* s2 = tls13(p2);
  auto next = make(p2);
  ASSERT_TRUE(next->Start().is_ok());
  run(p2, *next);
  ASSERT_EQ(next->state(), ConnState::open) << next->last_error();
  EXPECT_TRUE(s2->resumed());
}

TEST_F(ConnectionTickets, TheSameForTls12Sessions) {
  std::vector<uint16_t> calls;
  ConnectionOptions o;
  o.on_ticket_stored = [&calls](uint16_t v) { calls.push_back(v); };
  {  // a TLS 1.2 full handshake stores its session, announced as 0x0303
    Pipe p;
    p.server.reset(new ScriptedServer12(*id_, ServerScript12()));
    auto c = make(p, o);
    ASSERT_TRUE(c->Start().is_ok());
    run(p, *c);
    ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
    EXPECT_EQ(c->info()->version, 0x0303);
    ASSERT_EQ(c->info()->tickets_stored, 1u);
    EXPECT_EQ(calls, std::vector<uint16_t>{0x0303});
  }
  const size_t finds = rec_.find_tls12_keys().size();
  const size_t inserted = rec_.inserted();
  {  // offer_resumption = false: the session is not offered; the new one is kept
    Pipe p;
    p.server.reset(new ScriptedServer12(*id_, ServerScript12()));
    o.offer_resumption = false;
    auto c = make(p, o);
    ASSERT_TRUE(c->Start().is_ok());
    run(p, *c);
    ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
    EXPECT_FALSE(c->info()->tls12_session_offered);
    EXPECT_EQ(rec_.find_tls12_keys().size(), finds);
    EXPECT_EQ(rec_.inserted(), inserted + 1);
    EXPECT_EQ(calls.size(), 2u);
  }
  {  // the default offers it
    Pipe p;
    p.server.reset(new ScriptedServer12(*id_, ServerScript12()));
    auto c = make(p);
    ASSERT_TRUE(c->Start().is_ok());
    run(p, *c);
    EXPECT_TRUE(c->info()->tls12_session_offered);
    EXPECT_GT(rec_.find_tls12_keys().size(), finds);
  }
}

}  // namespace
}  // namespace mactls::test
