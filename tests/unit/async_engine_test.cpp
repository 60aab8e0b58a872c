// The async layer over the real engine: Connection::New drives mactls::Client
// through an in-memory transport wired to the in-process scripted TLS 1.3
// server (tests/support/scripted_server.h). Full handshake, data both ways,
// tickets stored while the application only writes, resumption on the next
// connection, real alerts in last_error(), a byte-at-a-time transport, and
// the handshake deadline.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "mactls/connection.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "support/pki.h"
#include "support/scripted_server.h"
#include "support/scripted_server_test.h"

namespace mactls::test {
namespace {

const char* kHost = ScriptedServerTest::kServerHost;

/// A Transport whose far end is a ScriptedServer in the same process.
struct ServerPipe {
  ScriptedServer* server = nullptr;
  Bytes to_client;        // the server's output not yet received
  size_t chunk = SIZE_MAX;  // bytes per send()/recv()
  bool mute = false;      // the server never answers
  bool server_gave_up = false;
  bool closed = false;
};

class ServerPipeTransport final : public Transport {
 public:
  explicit ServerPipeTransport(std::shared_ptr<ServerPipe> p) : p_(std::move(p)) {}
  ConnectStatus open(const std::string&, uint16_t) override { return ConnectStatus::in_progress; }
  ConnectStatus poll_connect() override { return ConnectStatus::connected; }
  IoResult send(const uint8_t* data, size_t len) override {
    if (p_->closed) return IoResult::failed();
    const size_t n = std::min(len, p_->chunk);
    if (p_->mute) return IoResult::moved(n);
    if (!p_->server->receive(ByteView(data, n), p_->to_client)) p_->server_gave_up = true;
    return IoResult::moved(n);
  }
  IoResult recv(uint8_t* buf, size_t cap) override {
    if (p_->closed) return IoResult::failed();
    if (p_->to_client.empty()) return p_->server_gave_up ? IoResult::end() : IoResult::blocked();
    const size_t n = std::min({cap, p_->chunk, p_->to_client.size()});
    std::memcpy(buf, p_->to_client.data(), n);
    p_->to_client.erase(p_->to_client.begin(), p_->to_client.begin() + std::ptrdiff_t(n));
    return IoResult::moved(n);
  }
  void close() override { p_->closed = true; }
  const char* error() const override { return p_->closed ? "closed" : ""; }

 private:
  std::shared_ptr<ServerPipe> p_;
};

class AsyncEngine : public ScriptedServerTest {
 protected:
  // A connection to a fresh scripted server; `pipe_` and `server_` keep both ends.
  std::unique_ptr<Connection> make(ServerScript script = ServerScript(), ConnectionOptions opt = {}) {
    server_ = std::make_unique<ScriptedServer>(*id_, std::move(script), &book_);
    pipe_ = std::make_shared<ServerPipe>();
    pipe_->server = server_.get();
    return Connection::New(cfg_, std::unique_ptr<Transport>(new ServerPipeTransport(pipe_)), kHost, 443,
                           std::move(opt));
  }

  // Pumps until `want` or a final state, at most n times; returns every event seen.
  static uint32_t pump_until(Connection& c, ConnState want, int n = 1000) {
    uint32_t seen = 0;
    for (int i = 0; i < n; ++i) {
      ConnState s = c.Pump();
      seen |= c.events();
      if (s == want || s == ConnState::closed || s == ConnState::failed) break;
    }
    return seen;
  }

  std::unique_ptr<ScriptedServer> server_;
  std::shared_ptr<ServerPipe> pipe_;
};

TEST_F(AsyncEngine, FullHandshakeDataTicketsAndOrderlyClose) {
  auto c = make();
  ASSERT_TRUE(c->Start().is_ok()) << c->last_error();
  const uint32_t seen = pump_until(*c, ConnState::open);
  ASSERT_EQ(c->state(), ConnState::open) << c->last_error() << " / server: " << server_->error();
  EXPECT_TRUE(seen & kEventConnected);
  EXPECT_TRUE(seen & kEventHandshakeDone);

  const ConnectionInfo* info = c->info();
  ASSERT_NE(info, nullptr);
  EXPECT_STREQ(tls_version_name(info->version), "TLS 1.3");
  EXPECT_STREQ(tls_cipher_suite_name(info->cipher_suite), "TLS_AES_128_GCM_SHA256");
  EXPECT_STREQ(tls_group_name(info->group), "x25519");
  EXPECT_STREQ(tls_signature_scheme_name(info->signature_scheme), "ed25519");  // the scripted leaf
  EXPECT_EQ(info->peer_chain.size(), 2u);
  EXPECT_FALSE(info->resumed);

  // The application only writes; the server's NewSessionTickets (sent after
  // our Finished) are still parsed and stored because Pump keeps feeding.
  const std::string ping = "ping";
  EXPECT_EQ(c->Write(reinterpret_cast<const uint8_t*>(ping.data()), ping.size()), ping.size());
  for (int i = 0; i < 5; ++i) c->Pump();
  EXPECT_EQ(server_->received(), "ping");
  EXPECT_EQ(c->info()->tickets_stored, 2u);
  EXPECT_EQ(store_.size(), 2u);

  // The scripted server echoes.
  EXPECT_TRUE(c->events() & kEventReadable);
  uint8_t buf[16];
  ASSERT_EQ(c->Read(buf, sizeof buf), 4u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 4), "ping");

  const ConnectionStats& st = c->stats();
  EXPECT_EQ(st.app_bytes_written, 4u);
  EXPECT_EQ(st.app_bytes_read, 4u);
  EXPECT_GT(st.wire_bytes_sent, 4u);
  EXPECT_GT(st.wire_bytes_received, 4u);

  c->Close();
  EXPECT_EQ(pump_until(*c, ConnState::closed) & kEventClosed, uint32_t(kEventClosed));
  EXPECT_EQ(c->state(), ConnState::closed);
  ASSERT_FALSE(server_->alerts().empty());
  EXPECT_EQ(server_->alerts().back(), uint8_t(Alert::close_notify));
  EXPECT_TRUE(pipe_->closed);
}

TEST_F(AsyncEngine, SecondConnectionResumesWithAStoredTicket) {
  {
    auto c = make();
    ASSERT_TRUE(c->Start().is_ok());
    pump_until(*c, ConnState::open);
    ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
    for (int i = 0; i < 3; ++i) c->Pump();  // collect the tickets
    c->Close();
    pump_until(*c, ConnState::closed);
  }
  ASSERT_EQ(store_.size(), 2u);
  auto c = make();
  ASSERT_TRUE(c->Start().is_ok());
  pump_until(*c, ConnState::open);
  ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
  EXPECT_TRUE(server_->resumed());
  EXPECT_TRUE(c->info()->ticket_offered);
  EXPECT_TRUE(c->info()->resumed);
  EXPECT_EQ(c->info()->signature_scheme, 0);  // no CertificateVerify when resumed
  EXPECT_STREQ(tls_signature_scheme_name(c->info()->signature_scheme), "none");
}

TEST_F(AsyncEngine, ByteAtATimeTransportStillCompletes) {
  auto c = make();
  pipe_->chunk = 1;
  ASSERT_TRUE(c->Start().is_ok());
  pump_until(*c, ConnState::open, 100000);
  EXPECT_EQ(c->state(), ConnState::open) << c->last_error();
}

TEST_F(AsyncEngine, TamperedServerFinishedFailsWithTheEngineAlertInWords) {
  ServerScript script;
  script.tamper_message = [](Bytes& msg) {
    if (!msg.empty() && msg[0] == 20 /* finished */) msg.back() ^= 1;
    return true;
  };
  auto c = make(script);
  ASSERT_TRUE(c->Start().is_ok());
  const uint32_t seen = pump_until(*c, ConnState::open);
  ASSERT_EQ(c->state(), ConnState::failed);
  EXPECT_TRUE(seen & kEventFailed);
  EXPECT_EQ(c->error().origin(), ErrorOrigin::local);
  EXPECT_EQ(c->error().alert(), Alert::decrypt_error);  // RFC 8446 §4.4.4
  EXPECT_NE(c->last_error().find("TLS handshake with server.test:443 failed: "), std::string::npos)
      << c->last_error();
  EXPECT_NE(c->last_error().find("(mactls sent alert decrypt_error)"), std::string::npos) << c->last_error();
  // The alert reached the server before the transport was closed.
  ASSERT_FALSE(server_->alerts().empty());
  EXPECT_EQ(server_->alerts().back(), uint8_t(Alert::decrypt_error));
  EXPECT_TRUE(pipe_->closed);
}

TEST_F(AsyncEngine, SilentServerHitsTheHandshakeDeadline) {
  ConnectionOptions opt;
  opt.handshake_timeout_ms = 8000;
  auto c = make(ServerScript(), opt);
  pipe_->mute = true;
  ASSERT_TRUE(c->Start().is_ok());
  for (int i = 0; i < 10; ++i) ASSERT_EQ(c->Pump(), ConnState::handshaking);
  clock_.advance_ms(8000);
  EXPECT_EQ(c->Pump(), ConnState::failed);
  EXPECT_EQ(c->error().origin(), ErrorOrigin::timeout);
  EXPECT_NE(c->last_error().find("timed out after 8000 ms"), std::string::npos) << c->last_error();
}

TEST_F(AsyncEngine, DisposeInTheMiddleOfTheHandshakeIsSafe) {
  auto c = make();
  ASSERT_TRUE(c->Start().is_ok());
  c->Pump();
  c->Dispose();
  EXPECT_EQ(c->state(), ConnState::closed);
  EXPECT_EQ(c->info(), nullptr);
  EXPECT_EQ(c->Pump(), ConnState::closed);
}

}  // namespace
}  // namespace mactls::test
