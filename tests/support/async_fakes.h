// Test support for the async layer: a scripted in-memory Transport and a
// scripted Engine, so every state of Connection is reachable in-process.
#ifndef MACTLS_TESTS_SUPPORT_ASYNC_FAKES_H
#define MACTLS_TESTS_SUPPORT_ASYNC_FAKES_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "async/engine.h"
#include "common/bytes.h"
#include "mactls/connection.h"
#include "mactls/testing.h"

namespace mactls::test {

/// What a FakeTransport does and saw; shared with the test, which keeps
/// steering it after the transport has moved into a Connection.
struct FakeWire {
  // Connect.
  ConnectStatus open_result = ConnectStatus::in_progress;
  /// Answers of successive poll_connect() calls; the last one repeats.
  std::deque<ConnectStatus> poll_results{ConnectStatus::in_progress};
  std::string error_text;  ///< what error() says
  std::string opened_host;
  uint16_t opened_port = 0;

  // Sending.
  bool send_blocked = false;      ///< every send() would block
  bool send_fails = false;        ///< every send() fails
  size_t send_chunk = SIZE_MAX;   ///< at most this many bytes per send()
  bool block_every_other_send = false;
  Bytes sent;                     ///< everything accepted, in order

  // Receiving: bytes the "server" has sent, handed out by recv().
  Bytes inbound;
  size_t recv_chunk = SIZE_MAX;   ///< at most this many bytes per recv()
  bool eof_when_drained = false;  ///< recv() says eof once inbound is empty
  bool recv_fails = false;
  /// A faulty transport: send() and recv() report ok with 0 bytes.
  bool zero_byte_ok = false;

  // Calls.
  int opens = 0, polls = 0, sends = 0, recvs = 0, closes = 0;
  bool closed = false;
  size_t largest_recv_request = 0;
};

class FakeTransport final : public Transport {
 public:
  explicit FakeTransport(std::shared_ptr<FakeWire> w) : w_(std::move(w)) {}
  ConnectStatus open(const std::string& host, uint16_t port) override;
  ConnectStatus poll_connect() override;
  IoResult send(const uint8_t* data, size_t len) override;
  IoResult recv(uint8_t* buf, size_t cap) override;
  void close() override;
  const char* error() const override { return w_->error_text.c_str(); }
  int native_handle() const override { return 42; }

 private:
  std::shared_ptr<FakeWire> w_;
  bool last_send_blocked_ = true;
};

/// What a ScriptedEngine does and saw.
///
/// Its "server" speaks a toy record format, one byte of type, one byte of
/// length, the payload; records may arrive split across feeds:
///   'h' handshake finished (state open; answers "FIN")
///   'd' application data (payload)
///   't' a NewSessionTicket (info.tickets_received++)
///   's' a NewSessionTicket that is stored (tickets_received and
///       tickets_stored ++; info.version becomes payload "2" ? 0x0303 : 0x0304)
///   'c' close_notify (state peer_closed)
///   'x' fatal alert payload[0] from the server (state failed, peer origin)
///   'b' malformed: the engine fails with decode_error and queues "ALERT"
/// Output: start() writes kClientHello; write() appends 'W', the data and
/// kRecordOverhead - 1 bytes of '.' (exactly a real record's overhead);
/// close() appends "CLOSE".
struct EngineScript {
  Client::State state = Client::State::idle;
  Status err;
  ConnectionInfo info;
  size_t max_app = 64 * 1024;  ///< like Limits::max_buffered_app_data
  Status start_result;          ///< start() fails with this if not ok
  int starts = 0, feeds = 0, closes = 0;
  int withdraws = 0;            ///< withdraw() calls that gave up a built, unsent hello
  Bytes pending;                ///< a partial toy record
  Bytes app;                    ///< application data not yet read
  size_t wrote_plaintext = 0;
};

extern const char kClientHello[];

class ScriptedEngine final : public Engine {
 public:
  explicit ScriptedEngine(std::shared_ptr<EngineScript> s) : s_(std::move(s)) {}
  Status start(Bytes& out) override;
  void withdraw() override;
  Status feed(const uint8_t* in, size_t len, size_t* consumed, Bytes& out) override;
  Status write(const uint8_t* data, size_t len, Bytes& out) override;
  size_t read(uint8_t* buf, size_t cap) override;
  size_t readable() const override { return s_->app.size(); }
  Status close(Bytes& out) override;
  Client::State state() const override { return s_->state; }
  Status error() const override { return s_->err; }
  const ConnectionInfo& info() const override { return s_->info; }

 private:
  Status fail(Status st);
  std::shared_ptr<EngineScript> s_;
};

/// One toy record.
Bytes toy(char type, const std::string& payload = "");

/// A Connection over a FakeTransport and a ScriptedEngine with handles on both.
struct FakeRig {
  std::shared_ptr<FakeWire> wire = std::make_shared<FakeWire>();
  std::shared_ptr<EngineScript> engine = std::make_shared<EngineScript>();
  ManualClock clock;
  std::unique_ptr<Connection> conn;

  explicit FakeRig(ConnectionOptions opt = {}, const std::string& host = "server.test",
                   uint16_t port = 443);
  /// Start() with an immediate connect and pump until the ClientHello is out.
  void start_connected();
  /// ... then the toy handshake: state open.
  void open();
  /// Pump until the state stops changing or n steps passed; returns the state.
  ConnState pump_n(int n);
};

}  // namespace mactls::test

#endif
