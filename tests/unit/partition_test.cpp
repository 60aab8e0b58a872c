// Privacy partitions through the real engine and the async layer: the
// partition a connection is made in becomes part of the ticket key, so a
// ticket earned while visiting one site is never offered while visiting
// another (a recording store asserts every key asked for and filed under),
// and a ticket survives a save and load of the store under its partition.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "mactls/client.h"
#include "mactls/connection.h"
#include "mactls/ticket_store.h"
#include "support/recording_ticket_store.h"
#include "support/scripted_server.h"
#include "support/scripted_server_test.h"

namespace mactls::test {
namespace {

const char* kHost = ScriptedServerTest::kServerHost;

class Partitions : public ScriptedServerTest {
 protected:
  // One connection in `partition`; returns its report.
  ConnectionInfo connect(const std::string& partition) {
    ScriptedServer server(*id_, ServerScript(), &book_);
    Client client(cfg_, kHost, 443, partition);
    LoopbackResult r = run_loopback(client, server, 0, "ping");
    EXPECT_TRUE(r.client_status.is_ok()) << r.client_status.what() << " / server: " << server.error();
    EXPECT_EQ(server.resumed(), client.info().resumed);
    return client.info();
  }
};

TEST_F(Partitions, ATicketEarnedInOnePartitionIsNeverOfferedInAnother) {
  RecordingTicketStore rec;
  cfg_.tickets = &rec;
  EXPECT_FALSE(connect("https://news.example").resumed);
  ASSERT_GE(rec.inserted(), 1u);
  for (const TicketKey& k : rec.inserted_keys()) {
    EXPECT_EQ(k.partition, "https://news.example");
    EXPECT_EQ(k.server_name, kHost);
  }
  // Another site embedding the same host, and the default partition: no offer.
  ConnectionInfo other = connect("https://shop.example");
  EXPECT_FALSE(other.ticket_offered);
  EXPECT_FALSE(other.resumed);
  ConnectionInfo dflt = connect("");
  EXPECT_FALSE(dflt.ticket_offered);
  // Back on the first site: resumed with its own ticket.
  ConnectionInfo again = connect("https://news.example");
  EXPECT_TRUE(again.ticket_offered);
  EXPECT_TRUE(again.resumed);
  ASSERT_EQ(rec.take_keys().size(), 4u);
  EXPECT_EQ(rec.take_keys()[0].partition, "https://news.example");
  EXPECT_EQ(rec.take_keys()[1].partition, "https://shop.example");
  EXPECT_EQ(rec.take_keys()[2].partition, "");
  EXPECT_EQ(rec.take_keys()[3].partition, "https://news.example");
  // The TLS 1.2 lookup made beside each ticket lookup asks in the same
  // partition.
  ASSERT_EQ(rec.find_tls12_keys().size(), rec.take_keys().size());
  for (size_t i = 0; i < rec.take_keys().size(); ++i)
    EXPECT_EQ(rec.find_tls12_keys()[i], rec.take_keys()[i]) << i;
  EXPECT_EQ(rec.taken(), 1u);
  EXPECT_TRUE(rec.no_identity_taken_twice());
  // Apart from the partition, every key is the same.
  for (const TicketKey& k : rec.take_keys()) {
    EXPECT_EQ(k.server_name, rec.take_keys()[0].server_name);
    EXPECT_EQ(k.port, rec.take_keys()[0].port);
    EXPECT_EQ(k.context, rec.take_keys()[0].context);
  }
}

TEST_F(Partitions, TheDefaultConstructorUsesTheEmptyPartition) {
  RecordingTicketStore rec;
  cfg_.tickets = &rec;
  ScriptedServer server(*id_, ServerScript(), &book_);
  Client client(cfg_, kHost, 443);
  ASSERT_TRUE(run_loopback(client, server, 0, "ping").client_status.is_ok());
  ASSERT_EQ(rec.take_keys().size(), 1u);
  EXPECT_EQ(rec.take_keys()[0].partition, "");
  EXPECT_TRUE(connect("").resumed);
}

TEST_F(Partitions, EveryTicketRecordsTheEnginesAuthenticationBound) {
  RecordingTicketStore rec;
  cfg_.tickets = &rec;
  cfg_.limits.max_auth_age_s = 4321;
  connect("");
  ASSERT_GE(rec.inserted(), 1u);
  for (const Ticket& t : rec.inserted_tickets()) EXPECT_EQ(t.max_auth_age_s, 4321u);
}

TEST_F(Partitions, ClearingAPartitionEndsResumptionThereOnly) {
  connect("https://a.example");
  connect("https://b.example");
  store_.clear_partition("https://a.example");
  EXPECT_FALSE(connect("https://a.example").ticket_offered);
  EXPECT_TRUE(connect("https://b.example").resumed);
}

TEST_F(Partitions, ATicketResumesAfterASaveAndLoadInItsPartitionOnly) {
  connect("https://a.example");
  Bytes blob;
  ASSERT_TRUE(store_.save(&blob, clock_.unix_ms()).is_ok());
  MemoryTicketStore restored;
  ASSERT_TRUE(restored.load(blob.data(), blob.size(), clock_.unix_ms()).is_ok());
  cfg_.tickets = &restored;
  EXPECT_FALSE(connect("https://b.example").ticket_offered);
  EXPECT_TRUE(connect("https://a.example").resumed);
}

// The async layer: ConnectionOptions::partition reaches the ticket key.
class MemoryPipe final : public Transport {
 public:
  explicit MemoryPipe(ScriptedServer* s) : s_(s) {}
  ConnectStatus open(const std::string&, uint16_t) override { return ConnectStatus::in_progress; }
  ConnectStatus poll_connect() override { return ConnectStatus::connected; }
  IoResult send(const uint8_t* data, size_t len) override {
    if (!s_->receive(ByteView(data, len), to_client_)) gave_up_ = true;
    return IoResult::moved(len);
  }
  IoResult recv(uint8_t* buf, size_t cap) override {
    if (to_client_.empty()) return gave_up_ ? IoResult::end() : IoResult::blocked();
    const size_t n = std::min(cap, to_client_.size());
    std::copy(to_client_.begin(), to_client_.begin() + long(n), buf);
    to_client_.erase(to_client_.begin(), to_client_.begin() + long(n));
    return IoResult::moved(n);
  }
  void close() override {}
  const char* error() const override { return ""; }

 private:
  ScriptedServer* s_;
  Bytes to_client_;
  bool gave_up_ = false;
};

TEST_F(Partitions, ConnectionOptionsCarryThePartitionToTheTicketKey) {
  RecordingTicketStore rec;
  cfg_.tickets = &rec;
  for (const char* part : {"https://a.example", "https://b.example", "https://a.example"}) {
    ScriptedServer server(*id_, ServerScript(), &book_);
    ConnectionOptions opt;
    opt.partition = part;
    auto c = Connection::New(cfg_, std::unique_ptr<Transport>(new MemoryPipe(&server)), kHost, 443, opt);
    ASSERT_TRUE(c->Start().is_ok());
    for (int i = 0; i < 200 && c->state() != ConnState::open && c->state() != ConnState::failed; ++i) c->Pump();
    ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
    for (int i = 0; i < 3; ++i) c->Pump();  // collect the tickets
  }
  ASSERT_EQ(rec.take_keys().size(), 3u);
  EXPECT_EQ(rec.take_keys()[0].partition, "https://a.example");
  EXPECT_EQ(rec.take_keys()[1].partition, "https://b.example");
  EXPECT_EQ(rec.take_keys()[2].partition, "https://a.example");
  EXPECT_EQ(rec.taken(), 1u) << "only the third connection finds a ticket";
  for (const TicketKey& k : rec.inserted_keys()) EXPECT_NE(k.partition, "");
}

}  // namespace
}  // namespace mactls::test
