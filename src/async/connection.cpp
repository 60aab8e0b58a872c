// mactls async — Connection: the non-blocking pump between a Transport and
// the engine. Each Pump() flushes pending output first, then receives and
// feeds input, then flushes what the engine answered, then checks deadlines
// (the order of BearSSL's br_sslio run_until: never sit on output while
// waiting for input).
#include <algorithm>
#include <cstring>

#include "async/engine.h"
#include "common/bytes.h"
#include "mactls/connection.h"

namespace mactls {

namespace {

std::string host_port(const std::string& host, uint16_t port) {
  // RFC 3986 §3.2.2: an IPv6 literal is bracketed before the port.
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

}  // namespace

Connection::Connection(std::unique_ptr<Engine> engine, std::unique_ptr<Transport> transport,
                       std::string host, uint16_t port, ConnectionOptions options, Clock* clock)
    : engine_(std::move(engine)),
      transport_(std::move(transport)),
      host_(std::move(host)),
      port_(port),
      opt_(std::move(options)),
      clock_(clock ? clock : &system_clock()) {
  // A zero-sized buffer could never hold a byte: keep each at least one record.
  if (opt_.inbound_buffer < 512) opt_.inbound_buffer = 512;
  if (opt_.max_pending_out < kRecordOverhead + 1) opt_.max_pending_out = kRecordOverhead + 1;
  if (opt_.max_recv_per_pump == 0) opt_.max_recv_per_pump = 1;
  if (opt_.gate) {
    // The store's key, security context included: connections with other
    // trust anchors or verification rules never wait for each other.
    TicketKey k = engine_ ? engine_->ticket_key() : TicketKey();
    if (k.server_name.empty()) k.server_name = host_, k.port = port_, k.partition = opt_.partition;
    gate_key_ = ResumptionGate::key(k);
  }
}

// ------------------------------------------------------- ResumptionGate

// name \0 port \0 partition \0 then the 32 context bytes, always last.
std::string ResumptionGate::prefix(const std::string& host, uint16_t port, const std::string& partition) {
  std::string k = host;
  k.push_back('\0');
  k += std::to_string(port);
  k.push_back('\0');
  k += partition;
  k.push_back('\0');
  return k;
}

std::string ResumptionGate::key(const TicketKey& tk) {
  std::string k = prefix(tk.server_name, tk.port, tk.partition);
  k.append(reinterpret_cast<const char*>(tk.context.data()), tk.context.size());
  return k;
}

bool ResumptionGate::leading(const std::string& host, uint16_t port, const std::string& partition) const {
  const std::string p = prefix(host, port, partition);
  std::lock_guard<std::mutex> g(mu_);
  for (auto it = leaders_.lower_bound(p); it != leaders_.end() && it->first.compare(0, p.size(), p) == 0; ++it)
    if (it->first.size() == p.size() + sizeof(TicketKey().context)) return true;
  return false;
}

bool ResumptionGate::leading(const TicketKey& key) const { return leading(ResumptionGate::key(key)); }

bool ResumptionGate::leading(const std::string& k) const {
  std::lock_guard<std::mutex> g(mu_);
  return leaders_.count(k) != 0;
}

bool ResumptionGate::try_lead(const std::string& k, const void* who) {
  std::lock_guard<std::mutex> g(mu_);
  return leaders_.emplace(k, who).second;
}

void ResumptionGate::release(const std::string& k, const void* who) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = leaders_.find(k);
  if (it != leaders_.end() && it->second == who) leaders_.erase(it);
}

Connection::~Connection() { Dispose(); }

const ConnectionInfo* Connection::info() const {
  if (!engine_ || state_ == ConnState::idle) return nullptr;
  return &engine_->info();
}

// ------------------------------------------------------------------ Start

Status Connection::Start() {
  if (state_ != ConnState::idle)
    return Status::make(ErrorOrigin::usage, Alert::internal_error, "Start() called more than once");
  stats_.start_ms = clock_->monotonic_ms();
  if (!engine_) {
    fail(Status::make(ErrorOrigin::usage, Alert::internal_error, "no TLS engine"),
         "the connection was made without a TLS engine");
    return error_;
  }
  if (!transport_) {
    fail(Status::make(ErrorOrigin::usage, Alert::internal_error, "no transport"),
         "the connection was made without a transport");
    return error_;
  }
  // A config the engine would refuse fails here, before any DNS or TCP.
  Status usage = engine_->check_config();
  if (!usage) {
    fail(usage, std::string("cannot start a connection to ") + host_port(host_, port_) + ": " +
                    usage.what());
    return error_;
  }
  in_.assign(opt_.inbound_buffer, 0);
  in_len_ = 0;
  state_ = ConnState::connecting;
  const std::string& h = opt_.dial_host.empty() ? host_ : opt_.dial_host;
  const uint16_t p = opt_.dial_port ? opt_.dial_port : port_;
  const ConnectStatus cs = transport_->open(h, p);
  if (cs == ConnectStatus::in_progress && opt_.hello_while_connecting && !will_wait_for_leader()) {
    // The SYN is on its way: make the key pair and the ClientHello while
    // the round trip runs (issue 14); the first Pump() after the connect
    // completes sends it. A failure here (entropy, a host name too long
    // for the hello) is reported by Start(), as it would have been by the
    // Pump that saw the connect.
    start_engine();
    if (state_ == ConnState::failed) return error_;
  }
  on_connect_status(cs);
  return error_;
}

// A connection that would hold its hello for a leader must not build it
// without the leader's ticket: it builds it when the wait ends.
bool Connection::will_wait_for_leader() const {
  return opt_.gate && opt_.wait_for_leader_ms && opt_.offer_resumption && opt_.gate->leading(gate_key_);
}

// A ClientHello made during the connect that never reached the transport:
// its ticket goes back to the store and its key pair is wiped.
void Connection::withdraw_unsent_hello() {
  if (!hello_built_ || !engine_ || stats_.wire_bytes_sent != 0) return;
  hello_built_ = false;
  engine_->withdraw();
}

void Connection::on_connect_status(ConnectStatus cs) {
  switch (cs) {
    case ConnectStatus::in_progress:
      return;
    case ConnectStatus::failed: {
      const std::string h = opt_.dial_host.empty() ? host_ : opt_.dial_host;
      const uint16_t p = opt_.dial_port ? opt_.dial_port : port_;
      fail(Status::make(ErrorOrigin::transport, Alert::internal_error, "could not connect"),
           "cannot connect to " + host_port(h, p) + ": " + transport_->error());
      return;
    }
    case ConnectStatus::connected: {
      stats_.connected_ms = clock_->monotonic_ms();
      pending_events_ |= kEventConnected;
      state_ = ConnState::handshaking;
      // A hello made during the connect goes out now (in this Pump). In a
      // rare race (another thread took the lead meanwhile) it already
      // holds whatever ticket there was: waiting would gain nothing.
      if (hello_built_) return;
      if (will_wait_for_leader()) {
        // Another connection to this host is in a full handshake: its
        // tickets are worth a short wait (issue: page-load bursts).
        waiting_ = true;
        wait_since_ms_ = stats_.connected_ms;
        stats_.waited_for_leader = true;
        return;
      }
      start_engine();
      return;
    }
  }
}

void Connection::start_engine() {
  // Made while connecting (hello_while_connecting) or once connected. A
  // hello that never leaves returns its ticket (withdraw_unsent_hello), so
  // a failed connect never uses one up; the ticket age it carries is at
  // most the connect time short (RFC 8446 §4.2.11.1 — servers check it
  // only for 0-RTT, which mactls does not send).
  Status s = engine_->start(out_);
  if (!s) {
    fail_engine();
    return;
  }
  hello_built_ = true;
  // A full handshake leads: others to the same key may wait for its tickets.
  if (opt_.gate && !engine_->info().ticket_offered && opt_.gate->try_lead(gate_key_, this)) {
    leading_ = true;
    stats_.led = true;
  }
}

// A held ClientHello goes once the leader has stored a ticket or ended, or
// the wait is over; never later (no deadlock: the wait is bounded).
void Connection::check_wait() {
  const uint64_t now = clock_->monotonic_ms();
  if (opt_.gate->leading(gate_key_) && now - wait_since_ms_ < opt_.wait_for_leader_ms) return;
  waiting_ = false;
  stats_.leader_wait_ms = now - wait_since_ms_;
  start_engine();
}

void Connection::release_lead() {
  if (!leading_) return;
  leading_ = false;
  opt_.gate->release(gate_key_, this);
}

// ------------------------------------------------------------------- Pump

ConnState Connection::Pump() {
  ++stats_.pump_calls;
  if (state_ == ConnState::connecting) {
    ++stats_.transport_connect_polls;
    on_connect_status(transport_->poll_connect());
  }
  if (state_ == ConnState::handshaking && waiting_) check_wait();
  if ((state_ == ConnState::handshaking && !waiting_) || state_ == ConnState::open) {
    flush();
    if (state_ == ConnState::handshaking || state_ == ConnState::open) receive();
    if (state_ == ConnState::handshaking || state_ == ConnState::open) flush();
    if (state_ == ConnState::handshaking || state_ == ConnState::open) sync_engine_state();
  }
  if (state_ == ConnState::closing) {
    flush();
    finish_closing();
  }
  check_deadlines();
  // The leader steps down once a ticket is in the store (or it ended, in
  // release_io).
  if (leading_ && engine_ && engine_->info().tickets_stored > 0) release_lead();

  uint32_t levels = 0;
  if (engine_ && (state_ == ConnState::open || state_ == ConnState::closing ||
                  state_ == ConnState::closed) &&
      engine_->readable() > 0)
    levels |= kEventReadable;
  if (writable()) levels |= kEventWritable;
  events_ = pending_events_ | levels;
  pending_events_ = 0;
  return state_;
}

bool Connection::writable() const {
  if (state_ != ConnState::open || !engine_) return false;
  const Client::State es = engine_->state();
  if (es != Client::State::open && es != Client::State::peer_closed) return false;
  return pending_out() + kRecordOverhead < opt_.max_pending_out;
}

void Connection::flush() {
  while (pending_out() > 0) {
    IoResult r = transport_->send(out_.data() + out_pos_, pending_out());
    ++stats_.transport_sends;
    // ok with 0 bytes breaks the Transport contract; treat it as would_block
    // so a faulty transport cannot spin Pump() forever.
    if (r.status == IoStatus::ok && r.bytes == 0) r = IoResult::blocked();
    if (r.status == IoStatus::ok) {
      const size_t n = std::min(r.bytes, pending_out());
      out_pos_ += n;
      stats_.wire_bytes_sent += n;
      continue;
    }
    if (r.status == IoStatus::would_block) {
      ++stats_.transport_would_blocks;
      break;
    }
    fail(Status::make(ErrorOrigin::transport, Alert::internal_error, "send failed"),
         "sending to " + host_port(host_, port_) + " failed: " + transport_->error());
    return;
  }
  // Keep the buffer at most max_pending_out (+ one record of handshake
  // output) long: drop what has been sent.
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  } else if (out_pos_ > 0) {
    out_.erase(out_.begin(), out_.begin() + std::ptrdiff_t(out_pos_));
    out_pos_ = 0;
  }
}

void Connection::receive() {
  if (!feed_pending()) return;
  size_t budget = opt_.max_recv_per_pump;
  while (budget > 0 && (state_ == ConnState::handshaking || state_ == ConnState::open)) {
    const size_t space = in_.size() - in_len_;
    if (space == 0) return;  // the engine holds max_buffered_app_data: Read() first
    const size_t want = std::min(space, budget);
    IoResult r = transport_->recv(in_.data() + in_len_, want);
    ++stats_.transport_recvs;
    if (r.status == IoStatus::ok && r.bytes == 0) r = IoResult::blocked();  // as in flush()
    switch (r.status) {
      case IoStatus::would_block:
        ++stats_.transport_would_blocks;
        return;
      case IoStatus::eof:
        on_eof();
        return;
      case IoStatus::error:
        fail(Status::make(ErrorOrigin::transport, Alert::internal_error, "receive failed"),
             "receiving from " + host_port(host_, port_) + " failed: " + transport_->error());
        return;
      case IoStatus::ok: {
        const size_t n = std::min(r.bytes, want);
        in_len_ += n;
        stats_.wire_bytes_received += n;
        budget -= std::min(budget, n);
        if (!feed_pending()) return;
        // After the peer's close_notify nothing more is read (RFC 8446 §6.1).
        if (engine_->state() != Client::State::handshaking && engine_->state() != Client::State::open)
          return;
        break;
      }
    }
  }
}

bool Connection::feed_pending() {
  if (in_len_ == 0) return true;
  size_t used = 0;
  Status s = engine_->feed(in_.data(), in_len_, &used, out_);
  used = std::min(used, in_len_);
  if (used) {
    std::memmove(in_.data(), in_.data() + used, in_len_ - used);
    in_len_ -= used;
  }
  note_tickets();  // a ticket stored before a failure is in the store all the same
  if (!s) {
    fail_engine();
    return false;
  }
  if (stats_.first_byte_ms == 0 && engine_->readable() > 0) stats_.first_byte_ms = clock_->monotonic_ms();
  return true;
}

// Tickets are stored only while the engine is fed: each new one is an edge
// and a call of on_ticket_stored.
void Connection::note_tickets() {
  const ConnectionInfo& i = engine_->info();
  while (tickets_noted_ < i.tickets_stored) {
    ++tickets_noted_;
    pending_events_ |= kEventTicketStored;
    if (opt_.on_ticket_stored) opt_.on_ticket_stored(i.version ? i.version : uint16_t(0x0304));
  }
}

void Connection::on_eof() {
  const Client::State es = engine_->state();
  if (es == Client::State::peer_closed) stats_.close_notify_received = true;
  if (state_ == ConnState::handshaking && !stats_.close_notify_received) {
    fail(Status::make(ErrorOrigin::transport, Alert::internal_error,
                      "the server closed the connection during the handshake"),
         "the server " + host_port(host_, port_) +
             " closed the TCP connection during the TLS handshake");
    return;
  }
  // Open: an end without close_notify may be a truncation (RFC 8446 §6.1);
  // it still ends in closed, and stats().close_notify_received tells which.
  // close() wipes the engine's keys and keeps undelivered data readable.
  std::vector<uint8_t> discard;
  (void)engine_->close(discard);
  reach_closed();
}

void Connection::sync_engine_state() {
  const Client::State es = engine_->state();
  if (es == Client::State::failed) {
    fail_engine();
    return;
  }
  if (state_ == ConnState::handshaking &&
      (es == Client::State::open || es == Client::State::peer_closed)) {
    state_ = ConnState::open;
    stats_.handshake_done_ms = clock_->monotonic_ms();
    pending_events_ |= kEventHandshakeDone;
  }
  if (state_ == ConnState::open && es == Client::State::peer_closed) {
    // The server said close_notify: answer with ours and close (§6.1); the
    // data received before it stays readable.
    stats_.close_notify_received = true;
    (void)engine_->close(out_);
    state_ = ConnState::closing;
    closing_since_ms_ = clock_->monotonic_ms();
    flush();
    finish_closing();
  }
}

void Connection::finish_closing() {
  if (state_ == ConnState::closing && pending_out() == 0) reach_closed();
}

void Connection::check_deadlines() {
  const uint64_t now = clock_->monotonic_ms();
  if (state_ == ConnState::connecting && opt_.connect_timeout_ms &&
      now - stats_.start_ms >= opt_.connect_timeout_ms) {
    const std::string h = opt_.dial_host.empty() ? host_ : opt_.dial_host;
    const uint16_t p = opt_.dial_port ? opt_.dial_port : port_;
    fail(Status::make(ErrorOrigin::timeout, Alert::internal_error, "connect timed out"),
         "connecting to " + host_port(h, p) + " timed out after " +
             std::to_string(opt_.connect_timeout_ms) + " ms");
  } else if (state_ == ConnState::handshaking && opt_.handshake_timeout_ms &&
             now - stats_.connected_ms >= opt_.handshake_timeout_ms) {
    fail(Status::make(ErrorOrigin::timeout, Alert::internal_error, "TLS handshake timed out"),
         "the TLS handshake with " + host_port(host_, port_) + " timed out after " +
             std::to_string(opt_.handshake_timeout_ms) + " ms");
  } else if (state_ == ConnState::closing && opt_.close_timeout_ms &&
             now - closing_since_ms_ >= opt_.close_timeout_ms) {
    reach_closed();  // the peer stopped reading; close_notify is given up
  }
}

// ---------------------------------------------------------------- failure

void Connection::fail_engine() {
  Status s = engine_->error();
  if (s.is_ok()) s = Status::make(ErrorOrigin::local, Alert::internal_error, "the TLS engine stopped");
  const bool during_handshake = state_ != ConnState::open && state_ != ConnState::closing;
  std::string text = std::string(during_handshake ? "TLS handshake with " : "TLS connection to ") +
                     host_port(host_, port_) + " failed: " + s.what();
  switch (s.origin()) {
    case ErrorOrigin::local:
      text += std::string(" (mactls sent alert ") + alert_name(s.alert()) + ")";
      break;
    case ErrorOrigin::peer:
      text += std::string(" (alert ") + alert_name(s.alert()) + " from the server)";
      break;
    default:
      break;
  }
  // The engine queued its alert for the peer: one best-effort, non-blocking
  // attempt to send it before the transport goes away.
  if (transport_ && pending_out() > 0 && state_ != ConnState::connecting) {
    IoResult r = transport_->send(out_.data() + out_pos_, pending_out());
    ++stats_.transport_sends;
    if (r.status == IoStatus::ok) stats_.wire_bytes_sent += std::min(r.bytes, pending_out());
  }
  fail(s, std::move(text));
}

void Connection::fail(Status s, std::string text) {
  if (state_ == ConnState::failed) return;  // the first failure is the one reported
  error_ = s;
  error_text_ = std::move(text);
  state_ = ConnState::failed;
  pending_events_ |= kEventFailed;
  stats_.end_ms = clock_->monotonic_ms();
  release_io();
  if (engine_) {
    // Wipes the engine's keys (a failed engine already did).
    std::vector<uint8_t> discard;
    (void)engine_->close(discard);
  }
}

void Connection::reach_closed() {
  state_ = ConnState::closed;
  pending_events_ |= kEventClosed;
  stats_.end_ms = clock_->monotonic_ms();
  release_io();
}

void Connection::release_io() {
  release_lead();  // a failed or closed leader releases its followers at once
  withdraw_unsent_hello();
  if (transport_) transport_->close();
  secure_wipe(out_);
  out_pos_ = 0;
  if (!in_.empty()) secure_wipe(in_.data(), in_.size());
  in_.clear();
  in_.shrink_to_fit();
  in_len_ = 0;
}

// ------------------------------------------------------- application side

size_t Connection::Write(const uint8_t* data, size_t len) {
  if (!writable() || !data || len == 0) return 0;
  size_t taken = 0;
  while (taken < len) {
    const size_t pend = pending_out();
    if (pend + kRecordOverhead >= opt_.max_pending_out) break;
    const size_t room = opt_.max_pending_out - pend - kRecordOverhead;
    const size_t n = std::min({len - taken, room, kMaxPlaintext});
    Status s = engine_->write(data + taken, n, out_);
    if (!s) {
      stats_.app_bytes_written += taken;
      fail_engine();
      return taken;
    }
    taken += n;
  }
  stats_.app_bytes_written += taken;
  return taken;
}

size_t Connection::Read(uint8_t* buf, size_t cap) {
  if (!buf || cap == 0 || !engine_) return 0;
  if (state_ != ConnState::open && state_ != ConnState::closing && state_ != ConnState::closed) return 0;
  const size_t n = engine_->read(buf, cap);
  stats_.app_bytes_read += n;
  return n;
}

void Connection::Close() {
  switch (state_) {
    case ConnState::idle:
    case ConnState::connecting:
      reach_closed();
      return;
    case ConnState::handshaking:
    case ConnState::open: {
      if (waiting_) {  // no ClientHello went out: nothing to close in TLS
        waiting_ = false;
        reach_closed();
        return;
      }
      Status s = engine_->close(out_);
      if (!s) {
        fail_engine();
        return;
      }
      state_ = ConnState::closing;
      closing_since_ms_ = clock_->monotonic_ms();
      return;
    }
    case ConnState::closing:
    case ConnState::closed:
    case ConnState::failed:
      return;
  }
}

void Connection::Dispose() {
  if (state_ != ConnState::closed && state_ != ConnState::failed) {
    state_ = ConnState::closed;
    stats_.end_ms = clock_->monotonic_ms();
  }
  release_io();
  transport_.reset();
  engine_.reset();  // Client's destructor wipes every secret it holds
  pending_events_ = 0;
  events_ = 0;
}

Connection::Interest Connection::interest() const {
  Interest i;
  i.handle = transport_ ? transport_->native_handle() : -1;
  const uint64_t now = clock_->monotonic_ms();
  auto remaining = [now](uint64_t since, uint32_t limit) -> int64_t {
    if (!limit) return -1;
    const uint64_t end = since + limit;
    return end > now ? int64_t(end - now) : 0;
  };
  switch (state_) {
    case ConnState::connecting:
      i.want_write = true;
      i.timeout_ms = remaining(stats_.start_ms, opt_.connect_timeout_ms);
      break;
    case ConnState::handshaking:
    case ConnState::open:
      if (waiting_) {
        // Nothing to read or write: wake up to look at the leader again
        // (it is another connection, not a handle this one can wait on).
        const int64_t left = remaining(wait_since_ms_, opt_.wait_for_leader_ms);
        i.timeout_ms = left < 10 ? left : 10;
        break;
      }
      i.want_read = in_len_ < in_.size();
      i.want_write = pending_out() > 0;
      if (state_ == ConnState::handshaking)
        i.timeout_ms = remaining(stats_.connected_ms, opt_.handshake_timeout_ms);
      break;
    case ConnState::closing:
      i.want_write = pending_out() > 0;
      i.timeout_ms = remaining(closing_since_ms_, opt_.close_timeout_ms);
      break;
    default:
      break;
  }
  return i;
}

// ---------------------------------------------------------- display names

const char* conn_state_name(ConnState s) {
  switch (s) {
    case ConnState::idle: return "idle";
    case ConnState::connecting: return "connecting";
    case ConnState::handshaking: return "handshaking";
    case ConnState::open: return "open";
    case ConnState::closing: return "closing";
    case ConnState::closed: return "closed";
    case ConnState::failed: return "failed";
  }
  return "unknown";
}

const char* error_origin_name(ErrorOrigin o) {
  switch (o) {
    case ErrorOrigin::none: return "none";
    case ErrorOrigin::local: return "local";
    case ErrorOrigin::peer: return "peer";
    case ErrorOrigin::transport: return "transport";
    case ErrorOrigin::timeout: return "timeout";
    case ErrorOrigin::usage: return "usage";
  }
  return "unknown";
}

const char* tls_version_name(uint16_t version) {
  switch (version) {
    case 0: return "none";
    case 0x0304: return "TLS 1.3";
    case 0x0303: return "TLS 1.2";
    case 0x0302: return "TLS 1.1";
    case 0x0301: return "TLS 1.0";
  }
  return "unknown";
}

}  // namespace mactls
