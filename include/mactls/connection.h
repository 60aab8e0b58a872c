// mactls — the cooperative pump API the browser calls: a thin adapter that
// moves bytes between a non-blocking Transport and the I/O-free engine
// (mactls::Client), like BearSSL's br_sslio run_until loop but one
// non-blocking step at a time.
//
//   auto c = Connection::New(config, make_posix_transport(), "example.com", 443, {});
//   c->Start();                         // resolves the name, starts connecting
//   loop (the browser's event loop, or poll() on c->interest()):
//     State s = c->Pump();              // never blocks
//     uint32_t ev = c->events();        // what happened in that Pump
//     if (ev & kEventWritable) c->Write(request, n);   // buffered, bounded
//     if (ev & kEventReadable) while ((n = c->Read(buf, sizeof buf))) ...;
//     if (s == State::closed || s == State::failed) break;
//   c->Close();  ... Pump until closed ...;  c->Dispose();
//
// Method names mirror the browser's existing network object (New / Start /
// Pump / Write / Read / Close / Dispose); accessors are lower case like
// mactls::Client's. Nothing here throws or starts a thread.
#ifndef MACTLS_CONNECTION_H
#define MACTLS_CONNECTION_H

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mactls/client.h"
#include "mactls/clock.h"
#include "mactls/status.h"

namespace mactls {

// ------------------------------------------------------------- transport

/// Outcome of one non-blocking send() or recv().
enum class IoStatus : uint8_t {
  ok,           ///< `bytes` (> 0) were moved
  would_block,  ///< nothing moved now; try again later (not an error)
  eof,          ///< recv only: the peer closed its side in order (TCP FIN)
  error,        ///< the transport failed; see Transport::error()
};

struct IoResult {
  IoStatus status = IoStatus::ok;
  size_t bytes = 0;  ///< meaningful only when status == ok

  static IoResult moved(size_t n) { return IoResult{IoStatus::ok, n}; }
  static IoResult blocked() { return IoResult{IoStatus::would_block, 0}; }
  static IoResult end() { return IoResult{IoStatus::eof, 0}; }
  static IoResult failed() { return IoResult{IoStatus::error, 0}; }
};

/// Outcome of Transport::open() and Transport::poll_connect().
enum class ConnectStatus : uint8_t {
  connected,    ///< the byte stream is ready
  in_progress,  ///< still connecting; ask poll_connect() later
  failed,       ///< every address failed; see Transport::error()
};

/// A non-blocking byte stream. The POSIX build uses make_posix_transport();
/// the G3 port puts Open Transport behind the same interface. No method may
/// block, except name resolution inside open() where the platform offers
/// nothing better (documented by each implementation).
class Transport {
 public:
  virtual ~Transport() = default;
  /// Starts connecting to `host` (a name or an IP literal) on `port`.
  virtual ConnectStatus open(const std::string& host, uint16_t port) = 0;
  /// Advances a connect that open() left in_progress.
  virtual ConnectStatus poll_connect() = 0;
  /// Sends up to `len` bytes of `data`; a short count is normal.
  virtual IoResult send(const uint8_t* data, size_t len) = 0;
  /// Receives up to `cap` bytes into `buf`.
  virtual IoResult recv(uint8_t* buf, size_t cap) = 0;
  /// Releases the stream; idempotent. No call but error() follows.
  virtual void close() = 0;
  /// The last failure in words ("connect to 127.0.0.1:443: Connection
  /// refused"); "" when none. Valid until the next call on the transport.
  virtual const char* error() const = 0;
  /// An OS handle a host loop can poll (a socket fd), or -1 if none.
  virtual int native_handle() const { return -1; }
};

/// Non-blocking TCP over POSIX sockets. open() resolves the name with
/// getaddrinfo(AF_UNSPEC), which BLOCKS for the duration of the DNS lookup
/// (POSIX has no portable asynchronous resolver); Connection::Start() is
/// where that happens, never Pump(). The returned addresses are tried one
/// after another in the resolver's order: a refused or failed attempt moves
/// on to the next address. Sends use MSG_NOSIGNAL (no SIGPIPE).
std::unique_ptr<Transport> make_posix_transport();

// ------------------------------------------------------------ connection

/// What an application sees of a connection's life:
///   idle ─Start─► connecting ─TCP up─► handshaking ─Finished─► open
///   open ─Close / peer close_notify─► closing ─flushed─► closed
///   any active state ─error / timeout─► failed
enum class ConnState : uint8_t {
  idle,         ///< made, Start() not called
  connecting,   ///< TCP connect in progress
  handshaking,  ///< TCP up, TLS handshake running
  open,         ///< application data flows both ways
  closing,      ///< our close_notify is being flushed
  closed,       ///< finished in order; Read() still returns data received before
  failed,       ///< a fatal error; see last_error()
};

/// Events, a bitmask: see Connection::events().
enum ConnEvent : uint32_t {
  kEventConnected = 1u << 0,      ///< edge: the TCP connection came up
  kEventHandshakeDone = 1u << 1,  ///< edge: the TLS handshake finished (state open)
  kEventReadable = 1u << 2,       ///< level: Read() would return bytes now
  kEventWritable = 1u << 3,       ///< level: Write() would accept at least one byte now
  kEventClosed = 1u << 4,         ///< edge: the connection reached closed
  kEventFailed = 1u << 5,         ///< edge: the connection reached failed
  /// edge: this connection stored a TLS 1.3 ticket or a TLS 1.2 session in
  /// ClientConfig::tickets (see ConnectionOptions::on_ticket_stored)
  kEventTicketStored = 1u << 6,
};

/// Knobs of the adapter (the engine's own limits are in ClientConfig).
class ResumptionGate;

struct ConnectionOptions {
  /// From Start() until the TCP connection is up; 0 = no limit.
  uint32_t connect_timeout_ms = 15000;
  /// From the TCP connection until the handshake is done; 0 = no limit.
  uint32_t handshake_timeout_ms = 15000;
  /// Closing gives up flushing close_notify after this long and closes the
  /// transport anyway (still ending in closed, not failed).
  uint32_t close_timeout_ms = 3000;
  /// Cap on encrypted bytes waiting for the transport. Write() accepts only
  /// what fits, so memory stays bounded whatever the application writes.
  /// Handshake messages and alerts from the engine are never refused.
  size_t max_pending_out = 64 * 1024;
  /// Size of the receive buffer: bytes read from the transport that the
  /// engine has not consumed yet (it stops consuming while its own
  /// max_buffered_app_data is full, which stops further recv()s).
  size_t inbound_buffer = 16 * 1024 + 256;
  /// At most this many bytes are received per Pump(), so one busy
  /// connection cannot starve the rest of a cooperative loop.
  size_t max_recv_per_pump = 64 * 1024;
  /// When non-empty, the transport dials this host (and dial_port, if not 0)
  /// instead; SNI, the certificate host check and the ticket-store key keep
  /// using the name given to New().
  std::string dial_host;
  uint16_t dial_port = 0;
  /// Privacy partition of this connection's tickets: the top-level site the
  /// request belongs to (empty = the default partition). A ticket earned in
  /// one partition is never offered in another (see Client's constructor).
  std::string partition;
  /// Page-load coordination, opt-in: with a shared gate and a wait above 0,
  /// a connection that comes up while another one to the same ticket-store
  /// key (host, port, partition and security context) is in a full
  /// handshake holds its ClientHello until that one has stored a ticket or
  /// ended, or this many milliseconds have passed; then it starts (and
  /// resumes if a ticket is there). The handshake deadline runs meanwhile.
  /// A connection that makes a full handshake leads whenever `gate` is set.
  ResumptionGate* gate = nullptr;
  uint32_t wait_for_leader_ms = 0;  ///< longest hold of the ClientHello for a leader; 0 = never hold
  /// Make the ClientHello — above all its key pair, the costly part on a
  /// G3 — while the TCP connect is in progress, right after Start() has
  /// begun it, so the key generation hides behind the round trip and the
  /// hello leaves in the Pump() that sees the connect complete. One key
  /// pair per connection, never reused, wiped as always. A hello that never
  /// leaves (the connect fails, times out or is closed) gives its ticket
  /// back to the store unused (Client::withdraw). A connection that will
  /// wait for a leader (gate) makes its hello when the wait ends, with the
  /// leader's ticket. false: make it only once the connect has completed.
  bool hello_while_connecting = true;
  /// false: a full handshake that still keeps what it earns — no ticket or
  /// TLS 1.2 session is taken or offered, but those the server issues are
  /// stored (ClientConfig::offer_resumption, for this connection only).
  /// Such a connection never waits for a leader.
  bool offer_resumption = true;
  /// Called from Pump() once for each TLS 1.3 ticket or TLS 1.2 session
  /// this connection has stored in ClientConfig::tickets (the store already
  /// holds it); `version` is 0x0304 or 0x0303. The same edge is reported as
  /// kEventTicketStored. The callback must not Dispose() or destroy the
  /// connection; empty = no call.
  std::function<void(uint16_t version)> on_ticket_stored;
};

/// Who is in a full handshake to which ticket-store key (host, port,
/// partition and security context, as Client::ticket_key() gives it), for
/// ConnectionOptions::gate. May be shared by connections of several
/// ClientConfigs: a connection waits only for a leader whose tickets it
/// could use, never for one with other trust anchors, verification rules or
/// ALPN offer. The key is taken when the Connection is made. It must
/// outlive the connections that use it. Safe to share between threads,
/// though each Connection is driven by one.
class ResumptionGate {
 public:
  /// True while a connection to `host`:`port` in `partition`, under any
  /// security context, leads: it is in a full handshake and has not stored
  /// a ticket yet. `host` as Client normalises it (ASCII lowered, one
  /// trailing dot dropped), since the gate keys on the store's key.
  bool leading(const std::string& host, uint16_t port, const std::string& partition) const;
  /// The same for exactly one ticket-store key (Client::ticket_key()).
  bool leading(const TicketKey& key) const;

 private:
  friend class Connection;
  static std::string prefix(const std::string& host, uint16_t port, const std::string& partition);
  static std::string key(const TicketKey& key);
  bool leading(const std::string& key) const;
  bool try_lead(const std::string& key, const void* who);
  void release(const std::string& key, const void* who);
  mutable std::mutex mu_;
  std::map<std::string, const void*> leaders_;
};

/// Counters and phase times of one connection.
struct ConnectionStats {
  uint64_t wire_bytes_sent = 0;      ///< bytes the transport accepted
  uint64_t wire_bytes_received = 0;  ///< bytes the transport delivered
  uint64_t app_bytes_written = 0;    ///< plaintext accepted by Write()
  uint64_t app_bytes_read = 0;       ///< plaintext returned by Read()
  uint64_t pump_calls = 0;
  uint64_t transport_sends = 0;      ///< send() calls, would-block included
  uint64_t transport_recvs = 0;      ///< recv() calls, would-block included
  uint64_t transport_connect_polls = 0;  ///< poll_connect() calls
  uint64_t transport_would_blocks = 0;
  // Phase times on the injected Clock's monotonic_ms(); 0 = not reached.
  uint64_t start_ms = 0;
  uint64_t connected_ms = 0;
  uint64_t handshake_done_ms = 0;
  uint64_t first_byte_ms = 0;        ///< first application byte received
  uint64_t end_ms = 0;               ///< reached closed or failed
  bool close_notify_received = false;  ///< the peer ended in order (RFC 8446 §6.1)
  // Page-load coordination (ConnectionOptions::gate).
  bool waited_for_leader = false;  ///< the ClientHello was held for a leading connection
  uint64_t leader_wait_ms = 0;     ///< for how long (until the leader stored a ticket or ended, or the wait ran out)
  bool led = false;                ///< this connection led: others could wait for its tickets
};

class Engine;  // internal seam over Client (src/async/engine.h)

/// One TLS connection driven by the host's loop. Not copyable, not
/// thread-safe; every call is non-blocking except Start() (name resolution).
///
/// Tickets: the engine stores NewSessionTickets into ClientConfig::tickets
/// as it parses them during feed. Servers send them after the handshake, so
/// Pump() keeps receiving and feeding input in the open state even when the
/// application only writes and never reads; the application only has to
/// keep calling Pump(). (Received application data that is never Read()
/// fills ClientConfig::limits.max_buffered_app_data, after which the engine
/// stops consuming input and tickets behind that data wait too.)
class Connection {
 public:
  /// Makes a connection to `host`:`port` (name for SNI, certificate check
  /// and ticket key). `config` is copied by the engine; what its pointers
  /// point to (trust, tickets, verify_cache, random, clock) must outlive
  /// the connection (Lifetimes at ClientConfig, mactls/client.h).
  /// A null `transport` is reported as a failure by Start(). Never null.
  static std::unique_ptr<Connection> New(const ClientConfig& config,
                                         std::unique_ptr<Transport> transport,
                                         std::string host, uint16_t port,
                                         ConnectionOptions options = {});
  ~Connection();  ///< Dispose()
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// idle → connecting (or failed). Resolves the name (may block: see
  /// make_posix_transport) and starts the connect. A config the engine
  /// would refuse (Client::check_config(): no trust anchors, ...) fails
  /// first, with origin usage, before the transport is touched. While the
  /// connect runs it makes the ClientHello (ConnectionOptions::
  /// hello_while_connecting); a failure doing so (no entropy, a hello the
  /// config makes too long) is returned here. Calling it in any other state
  /// is a usage error that changes nothing. Returns the failure, if any.
  Status Start();

  /// One non-blocking step: advance the connect, flush pending output, then
  /// receive and feed input to the engine, check deadlines. Returns the state
  /// after the step. Safe in every state (a no-op once closed or failed).
  ConnState Pump();

  /// Events of the latest Pump(): the edges (Connected, HandshakeDone,
  /// Closed, Failed) that happened since the Pump before it, including those
  /// caused by Start()/Write()/Close() in between, each reported once; plus
  /// the levels (Readable, Writable) as they stood when that Pump returned.
  uint32_t events() const { return events_; }

  /// Encrypts up to `len` bytes for sending; returns how many were taken
  /// (0 unless open, fewer than `len` when the pending output is full — wait
  /// for kEventWritable). The bytes leave on the next Pump().
  size_t Write(const uint8_t* data, size_t len);
  /// Copies up to `cap` received bytes into `buf`; returns the count (0 when
  /// none are waiting). Works in open, closing and closed.
  size_t Read(uint8_t* buf, size_t cap);

  /// Starts an orderly close: close_notify is queued and flushed by Pump(),
  /// then the transport is closed (closing → closed). Before the handshake
  /// has started it just closes. Safe and idempotent in every state.
  void Close();
  /// Closes the transport at once (no close_notify), wipes every buffer and
  /// releases the engine (its secrets are wiped). Afterwards the object only
  /// answers state() (closed, or failed if it had failed), last_error() and
  /// stats(); every other call is a harmless no-op. Idempotent.
  void Dispose();

  ConnState state() const { return state_; }
  /// Engine findings (version, suite, group, signature scheme, peer chain,
  /// resumption report); null before Start() and after Dispose().
  const ConnectionInfo* info() const;
  const ConnectionStats& stats() const { return stats_; }
  /// The failure (ok while none): origin (local, peer, transport, timeout,
  /// usage), alert, and a static sentence.
  Status error() const { return error_; }
  /// The failure in words for a person: what happened, the alert's name and
  /// who sent it, the transport's message or the deadline; "" while none.
  const std::string& last_error() const { return error_text_; }

  /// What a poll()-style host loop should wait for.
  struct Interest {
    int handle = -1;          ///< Transport::native_handle()
    bool want_read = false;   ///< input is wanted
    bool want_write = false;  ///< connecting, or output is pending
    /// Milliseconds until the next deadline (connect, handshake, close);
    /// -1 = none. Pump() at that time to let the deadline fire.
    int64_t timeout_ms = -1;
  };
  Interest interest() const;

 private:
  Connection(std::unique_ptr<Engine> engine, std::unique_ptr<Transport> transport,
             std::string host, uint16_t port, ConnectionOptions options, Clock* clock);
  // Internal (src/async/engine.h): a Connection over any Engine.
  friend std::unique_ptr<Connection> connection_with_engine(std::unique_ptr<Engine> engine,
                                                            std::unique_ptr<Transport> transport,
                                                            std::string host, uint16_t port,
                                                            ConnectionOptions options, Clock* clock);

  void on_connect_status(ConnectStatus cs);
  void start_engine();
  bool will_wait_for_leader() const;
  void withdraw_unsent_hello();
  void note_tickets();
  void check_wait();
  void release_lead();
  void flush();
  void receive();
  bool feed_pending();
  void on_eof();
  void sync_engine_state();
  void finish_closing();
  void check_deadlines();
  void fail_engine();
  void fail(Status s, std::string text);
  void reach_closed();
  void release_io();
  bool writable() const;
  size_t pending_out() const { return out_.size() - out_pos_; }

  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Transport> transport_;
  std::string host_;
  uint16_t port_;
  ConnectionOptions opt_;
  Clock* clock_;

  ConnState state_ = ConnState::idle;
  uint32_t pending_events_ = 0;
  uint32_t events_ = 0;
  Status error_;
  std::string error_text_;
  ConnectionStats stats_;
  uint64_t closing_since_ms_ = 0;

  std::vector<uint8_t> out_;  // engine output not yet sent, from out_pos_
  size_t out_pos_ = 0;
  std::vector<uint8_t> in_;   // receive buffer (opt_.inbound_buffer bytes once started)
  size_t in_len_ = 0;         // bytes of in_ received, not yet consumed by the engine

  std::string gate_key_;      // host, port, partition (when opt_.gate is set)
  bool waiting_ = false;      // ClientHello held for a leader
  bool leading_ = false;      // in opt_.gate as the leader of gate_key_
  uint64_t wait_since_ms_ = 0;
  bool hello_built_ = false;  // engine_->start() made the ClientHello
  uint32_t tickets_noted_ = 0;  // engine tickets_stored already reported
};

// ---------------------------------------------------------- display names

/// "idle", "connecting", "handshaking", "open", "closing", "closed", "failed".
const char* conn_state_name(ConnState s);
/// "none", "local", "peer", "transport", "timeout", "usage".
const char* error_origin_name(ErrorOrigin o);
/// "TLS 1.3" for 0x0304, "TLS 1.2" for 0x0303, "none" for 0, else "unknown".
const char* tls_version_name(uint16_t version);
/// "TLS_AES_128_GCM_SHA256", ... (RFC 8446 §B.4) for the suites mactls
/// implements, "none" for 0, else "unknown".
const char* tls_cipher_suite_name(uint16_t suite);
/// "x25519", "secp256r1", "secp384r1", "none" for 0, else "unknown".
const char* tls_group_name(uint16_t group);
/// "ecdsa_secp256r1_sha256", ... (RFC 8446 §4.2.3), "none" for 0, else "unknown".
const char* tls_signature_scheme_name(uint16_t scheme);

}  // namespace mactls

#endif  // MACTLS_CONNECTION_H
