#include "support/async_fakes.h"

#include <algorithm>
#include <cstring>

namespace mactls::test {

const char kClientHello[] = "CLIENTHELLO";

// ------------------------------------------------------------ FakeTransport

ConnectStatus FakeTransport::open(const std::string& host, uint16_t port) {
  ++w_->opens;
  w_->opened_host = host;
  w_->opened_port = port;
  return w_->open_result;
}

ConnectStatus FakeTransport::poll_connect() {
  ++w_->polls;
  ConnectStatus r = w_->poll_results.front();
  if (w_->poll_results.size() > 1) w_->poll_results.pop_front();
  return r;
}

IoResult FakeTransport::send(const uint8_t* data, size_t len) {
  ++w_->sends;
  if (w_->closed) return IoResult::failed();
  if (w_->send_fails) return IoResult::failed();
  if (w_->zero_byte_ok) return IoResult::moved(0);
  if (w_->send_blocked) return IoResult::blocked();
  if (w_->block_every_other_send) {
    last_send_blocked_ = !last_send_blocked_;
    if (last_send_blocked_) return IoResult::blocked();
  }
  size_t n = std::min(len, w_->send_chunk);
  w_->sent.insert(w_->sent.end(), data, data + n);
  return IoResult::moved(n);
}

IoResult FakeTransport::recv(uint8_t* buf, size_t cap) {
  ++w_->recvs;
  w_->largest_recv_request = std::max(w_->largest_recv_request, cap);
  if (w_->closed) return IoResult::failed();
  if (w_->recv_fails) return IoResult::failed();
  if (w_->zero_byte_ok) return IoResult::moved(0);
  if (w_->inbound.empty()) return w_->eof_when_drained ? IoResult::end() : IoResult::blocked();
  size_t n = std::min({cap, w_->recv_chunk, w_->inbound.size()});
  std::memcpy(buf, w_->inbound.data(), n);
  w_->inbound.erase(w_->inbound.begin(), w_->inbound.begin() + std::ptrdiff_t(n));
  return IoResult::moved(n);
}

void FakeTransport::close() {
  ++w_->closes;
  w_->closed = true;
}

// ----------------------------------------------------------- ScriptedEngine

Status ScriptedEngine::start(Bytes& out) {
  ++s_->starts;
  if (!s_->start_result) return fail(s_->start_result);
  out.insert(out.end(), kClientHello, kClientHello + std::strlen(kClientHello));
  s_->state = Client::State::handshaking;
  s_->info.started_ms = 1;
  return Status::ok();
}

void ScriptedEngine::withdraw() {
  if (s_->state != Client::State::handshaking) return;
  ++s_->withdraws;
  s_->state = Client::State::closed;
}

Status ScriptedEngine::fail(Status st) {
  s_->err = st;
  s_->state = Client::State::failed;
  return st;
}

Status ScriptedEngine::feed(const uint8_t* in, size_t len, size_t* consumed, Bytes& out) {
  ++s_->feeds;
  *consumed = 0;
  if (s_->state == Client::State::failed) return s_->err;
  if (s_->state == Client::State::closed || s_->state == Client::State::peer_closed) {
    *consumed = len;
    return Status::ok();
  }
  size_t pos = 0;
  while (pos < len) {
    // Complete the current toy record one byte at a time.
    Bytes& p = s_->pending;
    if (p.size() < 2 || p.size() < size_t(2 + p[1])) {
      // A data record that would overflow max_app is not taken (like the engine).
      if (p.size() == 2 && p[0] == 'd' && s_->app.size() + p[1] > s_->max_app) break;
      p.push_back(in[pos++]);
      if (p.size() < 2 || p.size() < size_t(2 + p[1])) continue;
    }
    const char type = char(p[0]);
    const std::string payload(p.begin() + 2, p.end());
    p.clear();
    switch (type) {
      case 'h':
        s_->state = Client::State::open;
        s_->info.version = 0x0304;
        s_->info.cipher_suite = 0x1301;
        s_->info.handshake_done_ms = 2;
        out.insert(out.end(), {'F', 'I', 'N'});
        break;
      case 'd':
        s_->app.insert(s_->app.end(), payload.begin(), payload.end());
        break;
      case 't':
        ++s_->info.tickets_received;
        break;
      case 's':
        ++s_->info.tickets_received;
        ++s_->info.tickets_stored;
        s_->info.version = payload == "2" ? 0x0303 : 0x0304;
        break;
      case 'c':
        s_->state = Client::State::peer_closed;
        *consumed = len;  // nothing after close_notify is processed
        return Status::ok();
      case 'x':
        *consumed = pos;
        return fail(Status::make(ErrorOrigin::peer, Alert(uint8_t(payload.empty() ? 0 : payload[0])),
                                 "server sent a fatal alert"));
      case 'b':
        *consumed = pos;
        out.insert(out.end(), {'A', 'L', 'E', 'R', 'T'});
        return fail(Status::fail(Alert::decode_error, "malformed toy record"));
      default:
        *consumed = pos;
        return fail(Status::fail(Alert::unexpected_message, "unknown toy record"));
    }
  }
  *consumed = pos;
  return Status::ok();
}

Status ScriptedEngine::write(const uint8_t* data, size_t len, Bytes& out) {
  if (s_->state != Client::State::open && s_->state != Client::State::peer_closed)
    return Status::make(ErrorOrigin::usage, Alert::internal_error, "write() when not open");
  // One toy record per 2^14 bytes, each exactly kRecordOverhead longer.
  for (size_t off = 0; off < len || (len == 0 && off == 0); off += kMaxPlaintext) {
    size_t n = std::min(kMaxPlaintext, len - off);
    out.push_back('W');
    out.insert(out.end(), data + off, data + off + n);
    out.insert(out.end(), kRecordOverhead - 1, '.');
    if (len == 0) break;
  }
  s_->wrote_plaintext += len;
  return Status::ok();
}

size_t ScriptedEngine::read(uint8_t* buf, size_t cap) {
  size_t n = std::min(cap, s_->app.size());
  std::memcpy(buf, s_->app.data(), n);
  s_->app.erase(s_->app.begin(), s_->app.begin() + std::ptrdiff_t(n));
  return n;
}

Status ScriptedEngine::close(Bytes& out) {
  ++s_->closes;
  if (s_->state == Client::State::failed || s_->state == Client::State::closed) return Status::ok();
  if (s_->state != Client::State::idle) out.insert(out.end(), {'C', 'L', 'O', 'S', 'E'});
  s_->state = Client::State::closed;
  return Status::ok();
}

Bytes toy(char type, const std::string& payload) {
  // Sized up front: GCC 12 at -O3 misreads insert() into a 2-byte vector
  // as an out-of-bounds copy (-Warray-bounds).
  Bytes b(2 + payload.size());
  b[0] = uint8_t(type);
  b[1] = uint8_t(payload.size());
  std::copy(payload.begin(), payload.end(), b.begin() + 2);
  return b;
}

// ------------------------------------------------------------------ FakeRig

FakeRig::FakeRig(ConnectionOptions opt, const std::string& host, uint16_t port) {
  conn = connection_with_engine(std::unique_ptr<Engine>(new ScriptedEngine(engine)),
                                std::unique_ptr<Transport>(new FakeTransport(wire)), host, port, std::move(opt),
                                &clock);
}

void FakeRig::start_connected() {
  wire->open_result = ConnectStatus::connected;
  Status s = conn->Start();
  (void)s;
  conn->Pump();
}

void FakeRig::open() {
  start_connected();
  Bytes h = toy('h');
  wire->inbound.insert(wire->inbound.end(), h.begin(), h.end());
  conn->Pump();
}

ConnState FakeRig::pump_n(int n) {
  ConnState s = conn->state();
  for (int i = 0; i < n; ++i) s = conn->Pump();
  return s;
}

}  // namespace mactls::test
