// What a host without POSIX plugs in, seen from C++: a RandomSource that
// fails (the engine must fail before sending a byte, never loop, never fall
// back), the usage check that runs before any DNS or TCP, and the Transport
// made of a C host's callbacks (src/async/callback_transport): its results,
// its error texts and its close-exactly-once rule.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "async/callback_transport.h"
#include "handshake/client_access.h"
#include "mactls/client.h"
#include "mactls/connection.h"
#include "mactls/trust.h"
#include "support/async_fakes.h"

namespace mactls {
namespace {

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// A source that works for `good_bytes` bytes, then fails for good.
class FailingRandom final : public RandomSource {
 public:
  explicit FailingRandom(size_t good_bytes) : good_(good_bytes) {}
  void fill(uint8_t* out, size_t len) override {
    ++fills;
    if (!failed_ && len <= good_) {
      good_ -= len;
      std::memset(out, 0xa5, len);
      return;
    }
    failed_ = true;
    std::memset(out, 0, len);
  }
  bool failed() const override { return failed_; }
  int fills = 0;

 private:
  size_t good_;
  bool failed_ = false;
};

// --------------------------------------------------------- failing entropy

TEST(HostEntropy, AFailingSourceFailsStartAndNothingIsWritten) {
  TrustStore trust;
  FailingRandom rng(0);
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.random = &rng;
  Client c(cfg, "example.test", 443);
  std::vector<uint8_t> out;
  Status s = c.start(out);
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.origin(), ErrorOrigin::local);
  EXPECT_TRUE(contains(s.what(), "entropy")) << s.what();
  EXPECT_TRUE(out.empty()) << "no ClientHello and no alert from predictable bytes";
  EXPECT_EQ(c.state(), Client::State::failed);
  EXPECT_EQ(ClientAccess::secret_bytes_held(c), 0u);
}

// The P-256 and P-384 key shares are drawn by rejection sampling; zeros
// from a failed source are always rejected, so the loop must stop on failed().
TEST(HostEntropy, AFailingSourceCannotHangNistKeyGeneration) {
  TrustStore trust;
  for (uint16_t group : {uint16_t(0x0017), uint16_t(0x0018)}) {
    FailingRandom rng(64);  // client random and session id work, the key does not
    ClientConfig cfg;
    cfg.trust = &trust;
    cfg.random = &rng;
    cfg.groups = {group};
    cfg.key_share_groups = {group};
    Client c(cfg, "example.test", 443);
    std::vector<uint8_t> out;
    Status s = c.start(out);
    EXPECT_FALSE(s.is_ok()) << group;
    EXPECT_TRUE(out.empty()) << group;
    EXPECT_LT(rng.fills, 10) << group;
  }
}

// -------------------------------------------------------- usage up front

TEST(UsageUpFront, CheckConfigReportsWhatStartWouldRefuse) {
  TrustStore trust;
  ClientConfig cfg;
  EXPECT_EQ(Client(cfg, "example.test", 443).check_config().origin(), ErrorOrigin::usage);
  cfg.trust = &trust;
  EXPECT_TRUE(Client(cfg, "example.test", 443).check_config().is_ok());
  cfg.alpn = {""};  // RFC 7301 §3.1: ProtocolName<1..2^8-1>
  EXPECT_EQ(Client(cfg, "example.test", 443).check_config().origin(), ErrorOrigin::usage);
  cfg.alpn.clear();
  cfg.key_share_groups = {0x0018};  // not in groups
  cfg.groups = {0x001d};
  EXPECT_EQ(Client(cfg, "example.test", 443).check_config().origin(), ErrorOrigin::usage);
}

TEST(UsageUpFront, ConnectionWithoutAnchorsFailsAtStartWithoutOpeningTheTransport) {
  auto wire = std::make_shared<test::FakeWire>();
  ClientConfig cfg;  // no trust anchors
  auto conn = Connection::New(cfg, std::unique_ptr<Transport>(new test::FakeTransport(wire)),
                              "example.test", 443);
  Status s = conn->Start();
  EXPECT_EQ(s.origin(), ErrorOrigin::usage);
  EXPECT_EQ(conn->state(), ConnState::failed);
  EXPECT_TRUE(contains(conn->last_error(), "no trust anchors")) << conn->last_error();
  EXPECT_TRUE(contains(conn->last_error(), "example.test:443")) << conn->last_error();
  EXPECT_EQ(wire->opens, 0) << "no DNS, no TCP";
  EXPECT_EQ(conn->stats().connected_ms, 0u);
}

// ------------------------------------------------------ callback transport

// The host side: scripted answers, and a record of the calls.
struct Host {
  mactls_io connect_start = MACTLS_IO_WOULD_BLOCK;
  mactls_io connect_poll = MACTLS_IO_OK;
  mactls_io io = MACTLS_IO_OK;
  size_t moved = 0;
  const char* reason = "";  // written into err on every call
  int starts = 0, polls = 0, sends = 0, receives = 0, closes = 0;
  void* closed_stream = reinterpret_cast<void*>(1);
  std::string host;
  uint16_t port = 0;
  int stream_token = 7;
};

Host* host_of(void* user) { return static_cast<Host*>(user); }

mactls_io cb_connect_start(void* user, const char* host, mactls_u16 port, void** stream, char* err,
                           size_t cap) {
  Host* h = host_of(user);
  ++h->starts;
  h->host = host;
  h->port = port;
  *stream = &h->stream_token;
  std::snprintf(err, cap, "%s", h->reason);
  return h->connect_start;
}
mactls_io cb_connect_poll(void* user, void* stream, char* err, size_t cap) {
  Host* h = host_of(user);
  ++h->polls;
  EXPECT_EQ(stream, &h->stream_token);
  std::snprintf(err, cap, "%s", h->reason);
  return h->connect_poll;
}
mactls_io cb_send(void* user, void*, const unsigned char*, size_t, size_t* sent, char* err, size_t cap) {
  Host* h = host_of(user);
  ++h->sends;
  *sent = h->moved;
  std::snprintf(err, cap, "%s", h->reason);
  return h->io;
}
mactls_io cb_receive(void* user, void*, unsigned char*, size_t, size_t* received, char* err, size_t cap) {
  Host* h = host_of(user);
  ++h->receives;
  *received = h->moved;
  std::snprintf(err, cap, "%s", h->reason);
  return h->io;
}
void cb_close(void* user, void* stream) {
  Host* h = host_of(user);
  ++h->closes;
  h->closed_stream = stream;
}

mactls_transport ops() {
  mactls_transport t{};
  t.connect_start = cb_connect_start;
  t.connect_poll = cb_connect_poll;
  t.send = cb_send;
  t.receive = cb_receive;
  t.close = cb_close;
  return t;
}

TEST(CallbackTransport, RequiresEveryCallbackButNativeHandle) {
  mactls_transport t = ops();
  EXPECT_TRUE(callback_transport_complete(t));
  t.close = nullptr;
  EXPECT_FALSE(callback_transport_complete(t));
  Host h;
  auto tr = make_callback_transport(t, &h);
  EXPECT_EQ(tr->open("x", 1), ConnectStatus::failed);
  EXPECT_TRUE(contains(tr->error(), "incomplete"));
  EXPECT_EQ(h.starts, 0);
}

TEST(CallbackTransport, ConnectsThroughStartAndPollAndMovesBytes) {
  Host h;
  auto tr = make_callback_transport(ops(), &h);
  EXPECT_EQ(tr->native_handle(), -1);
  EXPECT_EQ(tr->open("10.0.0.1", 4433), ConnectStatus::in_progress);
  EXPECT_EQ(h.host, "10.0.0.1");
  EXPECT_EQ(h.port, 4433);
  EXPECT_EQ(tr->poll_connect(), ConnectStatus::connected);
  EXPECT_EQ(tr->poll_connect(), ConnectStatus::connected);
  EXPECT_EQ(h.polls, 1) << "connected stays connected without asking the host";
  uint8_t buf[8] = {};
  h.moved = 5;
  IoResult r = tr->send(buf, sizeof buf);
  EXPECT_EQ(r.status, IoStatus::ok);
  EXPECT_EQ(r.bytes, 5u);
  h.moved = 100;  // more than asked: clamped
  r = tr->recv(buf, sizeof buf);
  EXPECT_EQ(r.status, IoStatus::ok);
  EXPECT_EQ(r.bytes, sizeof buf);
  h.io = MACTLS_IO_WOULD_BLOCK;
  EXPECT_EQ(tr->send(buf, 1).status, IoStatus::would_block);
  h.io = MACTLS_IO_EOF;
  EXPECT_EQ(tr->recv(buf, 1).status, IoStatus::eof);
  EXPECT_EQ(tr->send(buf, 1).status, IoStatus::error) << "EOF is not a send result";
  EXPECT_TRUE(contains(tr->error(), "send"));
}

TEST(CallbackTransport, ErrorsCarryTheHostsWordsOrNameTheCallback) {
  Host h;
  h.connect_start = MACTLS_IO_ERROR;
  h.reason = "OTConnect: kOTNoAddressErr";
  auto tr = make_callback_transport(ops(), &h);
  EXPECT_EQ(tr->open("example.test", 443), ConnectStatus::failed);
  EXPECT_STREQ(tr->error(), "OTConnect: kOTNoAddressErr");

  Host h2;
  auto tr2 = make_callback_transport(ops(), &h2);
  EXPECT_EQ(tr2->open("example.test", 443), ConnectStatus::in_progress);
  h2.connect_poll = MACTLS_IO_ERROR;  // no reason given
  EXPECT_EQ(tr2->poll_connect(), ConnectStatus::failed);
  EXPECT_TRUE(contains(tr2->error(), "connect_poll")) << tr2->error();
}

TEST(CallbackTransport, CloseIsCalledExactlyOnceWithTheStream) {
  {
    Host h;
    {
      auto tr = make_callback_transport(ops(), &h);
      (void)tr->open("example.test", 443);
      tr->close();
      tr->close();
      uint8_t b = 0;
      EXPECT_EQ(tr->send(&b, 1).status, IoStatus::error);
      EXPECT_EQ(tr->poll_connect(), ConnectStatus::failed);
    }
    EXPECT_EQ(h.closes, 1);
    EXPECT_EQ(h.closed_stream, &h.stream_token);
    EXPECT_EQ(h.sends, 0);
  }
  {
    Host h;  // a failed connect_start is closed too, by the destructor
    h.connect_start = MACTLS_IO_ERROR;
    { auto tr = make_callback_transport(ops(), &h); (void)tr->open("example.test", 443); }
    EXPECT_EQ(h.closes, 1);
  }
  {
    Host h;  // never opened: never closed
    { auto tr = make_callback_transport(ops(), &h); tr->close(); }
    EXPECT_EQ(h.closes, 0);
  }
}

}  // namespace
}  // namespace mactls
