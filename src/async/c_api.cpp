// mactls async — the C façade (include/mactls/mactls.h) over Connection.
// Each handle is a small struct owning the C++ objects; every entry point
// checks its handles first. Nothing here throws (the library is built with
// -fno-exceptions) and handles are allocated with nothrow new.
#include <new>
#include <string>

#include "mactls/connection.h"
#include "mactls/mactls.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"

struct mactls_config {
  mactls::TrustStore trust;
  mactls::TicketStore* tickets = nullptr;  // not owned
  uint32_t connect_timeout_ms = mactls::ConnectionOptions().connect_timeout_ms;
  uint32_t handshake_timeout_ms = mactls::ConnectionOptions().handshake_timeout_ms;
  std::string error;
};

struct mactls_ticket_store {
  mactls::MemoryTicketStore store;
};

struct mactls_conn {
  std::unique_ptr<mactls::Connection> conn;
};

namespace {

const char kNullConn[] = "null mactls_conn handle";
const char kNullConfig[] = "null mactls_config handle";

// The enums are mirrored value for value; these guard the mirror.
static_assert(int(mactls::ConnState::idle) == MACTLS_STATE_IDLE, "state mirror");
static_assert(int(mactls::ConnState::connecting) == MACTLS_STATE_CONNECTING, "state mirror");
static_assert(int(mactls::ConnState::handshaking) == MACTLS_STATE_HANDSHAKING, "state mirror");
static_assert(int(mactls::ConnState::open) == MACTLS_STATE_OPEN, "state mirror");
static_assert(int(mactls::ConnState::closing) == MACTLS_STATE_CLOSING, "state mirror");
static_assert(int(mactls::ConnState::closed) == MACTLS_STATE_CLOSED, "state mirror");
static_assert(int(mactls::ConnState::failed) == MACTLS_STATE_FAILED, "state mirror");
static_assert(uint32_t(mactls::kEventConnected) == MACTLS_EVENT_CONNECTED, "event mirror");
static_assert(uint32_t(mactls::kEventHandshakeDone) == MACTLS_EVENT_HANDSHAKE_DONE, "event mirror");
static_assert(uint32_t(mactls::kEventReadable) == MACTLS_EVENT_READABLE, "event mirror");
static_assert(uint32_t(mactls::kEventWritable) == MACTLS_EVENT_WRITABLE, "event mirror");
static_assert(uint32_t(mactls::kEventClosed) == MACTLS_EVENT_CLOSED, "event mirror");
static_assert(uint32_t(mactls::kEventFailed) == MACTLS_EVENT_FAILED, "event mirror");
static_assert(int(mactls::ErrorOrigin::none) == MACTLS_ORIGIN_NONE, "origin mirror");
static_assert(int(mactls::ErrorOrigin::local) == MACTLS_ORIGIN_LOCAL, "origin mirror");
static_assert(int(mactls::ErrorOrigin::peer) == MACTLS_ORIGIN_PEER, "origin mirror");
static_assert(int(mactls::ErrorOrigin::transport) == MACTLS_ORIGIN_TRANSPORT, "origin mirror");
static_assert(int(mactls::ErrorOrigin::timeout) == MACTLS_ORIGIN_TIMEOUT, "origin mirror");
static_assert(int(mactls::ErrorOrigin::usage) == MACTLS_ORIGIN_USAGE, "origin mirror");

mactls_state to_c(mactls::ConnState s) { return mactls_state(int(s)); }

}  // namespace

extern "C" {

// ------------------------------------------------------------------ config

mactls_config* mactls_config_new(void) { return new (std::nothrow) mactls_config(); }

void mactls_config_free(mactls_config* cfg) { delete cfg; }

int mactls_config_load_ca_file(mactls_config* cfg, const char* path) {
  if (!cfg) return -1;
  if (!path || !*path) {
    cfg->error = "no CA file path given";
    return -1;
  }
  mactls::Status s = cfg->trust.add_pem_file(path);
  if (!s) {
    cfg->error = std::string("cannot load CA file '") + path + "': " + s.what();
    return -1;
  }
  cfg->error.clear();
  return 0;
}

size_t mactls_config_ca_count(const mactls_config* cfg) { return cfg ? cfg->trust.size() : 0; }

int mactls_config_set_ticket_store(mactls_config* cfg, mactls_ticket_store* store) {
  if (!cfg) return -1;
  cfg->tickets = store ? &store->store : nullptr;
  return 0;
}

int mactls_config_set_timeouts(mactls_config* cfg, uint32_t connect_ms, uint32_t handshake_ms) {
  if (!cfg) return -1;
  cfg->connect_timeout_ms = connect_ms;
  cfg->handshake_timeout_ms = handshake_ms;
  return 0;
}

const char* mactls_config_last_error(const mactls_config* cfg) {
  return cfg ? cfg->error.c_str() : kNullConfig;
}

// ------------------------------------------------------------ ticket store

mactls_ticket_store* mactls_ticket_store_new_memory(void) {
  return new (std::nothrow) mactls_ticket_store();
}

void mactls_ticket_store_free(mactls_ticket_store* store) { delete store; }

size_t mactls_ticket_store_count(const mactls_ticket_store* store) {
  return store ? store->store.size() : 0;
}

// -------------------------------------------------------------- connection

mactls_conn* mactls_conn_new(const mactls_config* cfg, const char* host, uint16_t port) {
  if (!cfg || !host || !*host) return nullptr;
  mactls::ClientConfig cc;
  // An empty trust store is left out, so the engine says "no trust anchors
  // configured" instead of failing the chain with unknown_ca.
  cc.trust = cfg->trust.size() ? &cfg->trust : nullptr;
  cc.tickets = cfg->tickets;
  mactls::ConnectionOptions opt;
  opt.connect_timeout_ms = cfg->connect_timeout_ms;
  opt.handshake_timeout_ms = cfg->handshake_timeout_ms;
  mactls_conn* c = new (std::nothrow) mactls_conn();
  if (!c) return nullptr;
  c->conn = mactls::Connection::New(cc, mactls::make_posix_transport(), host, port, opt);
  return c;
}

mactls_state mactls_conn_start(mactls_conn* conn) {
  if (!conn) return MACTLS_STATE_FAILED;
  (void)conn->conn->Start();  // the outcome is the state and last_error
  return to_c(conn->conn->state());
}

mactls_state mactls_conn_pump(mactls_conn* conn, uint32_t* events) {
  if (events) *events = 0;
  if (!conn) return MACTLS_STATE_FAILED;
  mactls::ConnState s = conn->conn->Pump();
  if (events) *events = conn->conn->events();
  return to_c(s);
}

size_t mactls_conn_write(mactls_conn* conn, const void* data, size_t len) {
  if (!conn || !data) return 0;
  return conn->conn->Write(static_cast<const uint8_t*>(data), len);
}

size_t mactls_conn_read(mactls_conn* conn, void* buf, size_t cap) {
  if (!conn || !buf) return 0;
  return conn->conn->Read(static_cast<uint8_t*>(buf), cap);
}

void mactls_conn_close(mactls_conn* conn) {
  if (conn) conn->conn->Close();
}

void mactls_conn_dispose(mactls_conn* conn) {
  if (!conn) return;
  conn->conn->Dispose();
  delete conn;
}

mactls_state mactls_conn_state(const mactls_conn* conn) {
  return conn ? to_c(conn->conn->state()) : MACTLS_STATE_FAILED;
}

const char* mactls_conn_last_error(const mactls_conn* conn) {
  return conn ? conn->conn->last_error().c_str() : kNullConn;
}

int mactls_conn_interest(const mactls_conn* conn, mactls_interest* out) {
  if (!conn || !out) return -1;
  mactls::Connection::Interest i = conn->conn->interest();
  out->fd = i.handle;
  out->want_read = i.want_read ? 1 : 0;
  out->want_write = i.want_write ? 1 : 0;
  out->timeout_ms = i.timeout_ms;
  return 0;
}

int mactls_conn_info(const mactls_conn* conn, mactls_info* out) {
  if (!conn || !out) return -1;
  const mactls::Connection& c = *conn->conn;
  static const mactls::ConnectionInfo kNone;
  const mactls::ConnectionInfo& i = c.info() ? *c.info() : kNone;
  const mactls::ConnectionStats& st = c.stats();
  const mactls::Status err = c.error();
  mactls_info r;
  r.state = to_c(c.state());
  r.version = i.version;
  r.version_name = mactls::tls_version_name(i.version);
  r.cipher_suite = i.cipher_suite;
  r.cipher_suite_name = mactls::tls_cipher_suite_name(i.cipher_suite);
  r.group = i.group;
  r.group_name = mactls::tls_group_name(i.group);
  r.signature_scheme = i.signature_scheme;
  r.signature_scheme_name = mactls::tls_signature_scheme_name(i.signature_scheme);
  r.hello_retry = i.hello_retry ? 1 : 0;
  r.alpn = i.alpn.c_str();
  r.peer_identity = i.peer_identity.c_str();
  r.peer_chain_len = i.peer_chain.size();
  r.ticket_offered = i.ticket_offered ? 1 : 0;
  r.resumed = i.resumed ? 1 : 0;
  r.declined = i.declined ? 1 : 0;
  r.psk_dropped_after_hrr = i.psk_dropped_after_hrr ? 1 : 0;
  r.tickets_received = i.tickets_received;
  r.tickets_stored = i.tickets_stored;
  r.wire_bytes_sent = st.wire_bytes_sent;
  r.wire_bytes_received = st.wire_bytes_received;
  r.app_bytes_written = st.app_bytes_written;
  r.app_bytes_read = st.app_bytes_read;
  r.pump_calls = st.pump_calls;
  r.transport_sends = st.transport_sends;
  r.transport_recvs = st.transport_recvs;
  r.start_ms = st.start_ms;
  r.connected_ms = st.connected_ms;
  r.handshake_done_ms = st.handshake_done_ms;
  r.first_byte_ms = st.first_byte_ms;
  r.end_ms = st.end_ms;
  r.close_notify_received = st.close_notify_received ? 1 : 0;
  r.error_origin = mactls_error_origin(int(err.origin()));
  // Only protocol failures carry a real alert; transport, timeout and usage
  // failures report none.
  const bool has_alert =
      err.origin() == mactls::ErrorOrigin::local || err.origin() == mactls::ErrorOrigin::peer;
  r.alert = has_alert ? uint8_t(err.alert()) : 0;
  r.alert_name = has_alert ? mactls::alert_name(err.alert()) : "";
  r.error = c.last_error().c_str();
  *out = r;
  return 0;
}

const char* mactls_conn_peer_cert(const mactls_conn* conn, size_t i) {
  if (!conn || !conn->conn->info()) return nullptr;
  const std::vector<std::string>& chain = conn->conn->info()->peer_chain;
  return i < chain.size() ? chain[i].c_str() : nullptr;
}

const char* mactls_state_name(mactls_state s) {
  if (int(s) < MACTLS_STATE_IDLE || int(s) > MACTLS_STATE_FAILED) return "unknown";
  return mactls::conn_state_name(mactls::ConnState(int(s)));
}

}  // extern "C"
