// mactls async — the C façade (include/mactls/mactls.h) over Connection.
// Each handle is a small struct owning the C++ objects; every entry point
// checks its handles first. Nothing here throws (the library is built with
// -fno-exceptions) and handles are allocated with nothrow new. The host's
// entropy and clock callbacks become a RandomSource and a Clock owned by
// each connection; its transport callbacks a CallbackTransport.
#include <climits>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "async/c_handles.h"
#include "common/secret.h"
#include "mactls/clock.h"
#include "async/callback_transport.h"
#include "mactls/connection.h"
#include "mactls/mactls.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"

// mactls.h's C89 branch builds the fixed-width types from the base types;
// these hold on every target the library is built for, so a C89 caller and
// the library agree on every struct and argument.
static_assert(CHAR_BIT == 8, "mactls_u8 is unsigned char");
static_assert(sizeof(short) == 2, "mactls_u16 is unsigned short in C89 mode");
static_assert(sizeof(int) == 4, "mactls_u32 is unsigned int in C89 mode");
static_assert(sizeof(long long) == 8, "mactls_i64 is long long in C89 mode");
static_assert(sizeof(mactls_u32) == 4 && sizeof(mactls_u64) == 8, "fixed widths");

struct mactls_conn {
  // What Connection::New is given, kept so mactls_conn_set_dial can remake
  // the (still idle) connection with other options.
  mactls::ClientConfig client;
  mactls::ConnectionOptions options;
  std::string host;
  uint16_t port = 0;
  bool has_transport = false;
  mactls_transport transport{};
  void* transport_user = nullptr;
  mactls::capi::HostSources sources;  // entropy and clock adapters, when the config has callbacks
  std::unique_ptr<mactls::Connection> conn;
  mutable std::string error;  // last_error(), with the entropy callback's reason when it failed
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
static_assert(uint32_t(mactls::kEventTicketStored) == MACTLS_EVENT_TICKET_STORED, "event mirror");
static_assert(int(mactls::ErrorOrigin::none) == MACTLS_ORIGIN_NONE, "origin mirror");
static_assert(int(mactls::ErrorOrigin::local) == MACTLS_ORIGIN_LOCAL, "origin mirror");
static_assert(int(mactls::ErrorOrigin::peer) == MACTLS_ORIGIN_PEER, "origin mirror");
static_assert(int(mactls::ErrorOrigin::transport) == MACTLS_ORIGIN_TRANSPORT, "origin mirror");
static_assert(int(mactls::ErrorOrigin::timeout) == MACTLS_ORIGIN_TIMEOUT, "origin mirror");
static_assert(int(mactls::ErrorOrigin::usage) == MACTLS_ORIGIN_USAGE, "origin mirror");

mactls_state to_c(mactls::ConnState s) { return mactls_state(int(s)); }

}  // namespace

namespace mactls::capi {

bool make_client_config(const mactls_config& cfg, ClientConfig* cc, HostSources* sources) {
  // An empty trust store is left out, so Start() fails at once with the
  // usage error "no trust anchors configured", before any DNS or TCP.
  cc->trust = cfg.trust.size() ? &cfg.trust : nullptr;
  cc->tickets = cfg.tickets;
  cc->alpn = cfg.alpn;
  if (cfg.entropy) {
    sources->random.reset(new (std::nothrow) CallbackRandom(cfg.entropy, cfg.entropy_user));
    if (!sources->random) return false;
    cc->random = sources->random.get();
  }
  if (cfg.clock_mono || cfg.clock_unix) {
    sources->clock.reset(new (std::nothrow) CallbackClock(cfg.clock_mono, cfg.clock_unix, cfg.clock_user));
    if (!sources->clock) return false;
    cc->clock = sources->clock.get();
  }
  if (cfg.keylog) {
    const mactls_keylog_fn fn = cfg.keylog;
    void* user = cfg.keylog_user;
    cc->keylog = [fn, user](const char* label, const uint8_t* client_random, const uint8_t* secret,
                            size_t secret_len) { fn(user, label, client_random, secret, secret_len); };
  }
  return true;
}

void fill_engine_info(const ConnectionInfo& i, const Status& err, mactls_info* out) {
  mactls_info r;
  std::memset(&r, 0, sizeof r);
  r.state = MACTLS_STATE_IDLE;
  r.version = i.version;
  r.version_name = tls_version_name(i.version);
  r.cipher_suite = i.cipher_suite;
  r.cipher_suite_name = tls_cipher_suite_name(i.cipher_suite);
  r.group = i.group;
  r.group_name = tls_group_name(i.group);
  r.signature_scheme = i.signature_scheme;
  r.signature_scheme_name = tls_signature_scheme_name(i.signature_scheme);
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
  r.cert_signature_checks = mactls_u32(i.cert_signature_checks);
  r.cert_signatures_cached = mactls_u32(i.cert_signatures_cached);
  r.chain_cache_hit = i.chain_cache_hit ? 1 : 0;
  r.cert_not_after = i.cert_not_after_s;
  r.tls12_session_offered = i.tls12_session_offered ? 1 : 0;
  r.ticket_returned = i.ticket_returned ? 1 : 0;
  r.error_origin = mactls_error_origin(int(err.origin()));
  // Only protocol failures carry a real alert; transport, timeout and usage
  // failures report none.
  const bool has_alert = err.origin() == ErrorOrigin::local || err.origin() == ErrorOrigin::peer;
  r.alert = has_alert ? uint8_t(err.alert()) : 0;
  r.alert_name = has_alert ? alert_name(err.alert()) : "";
  r.error = "";
  *out = r;
}

std::string entropy_failure_text(const CallbackRandom& random, const std::string& host) {
  return "the entropy source failed (" + random.reason() +
         "); mactls does not fall back to another source, so the connection to " + host + " failed";
}

}  // namespace mactls::capi

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

// --------------------------------------------------- roots without files

int mactls_config_add_embedded(mactls_config* cfg, const mactls_embedded_anchor* list, size_t n) {
  if (!cfg) return -1;
  if (!list && n) {
    cfg->error = "no anchor list given";
    return -1;
  }
  for (size_t i = 0; i < n; ++i) {
    if (!list[i].der || !list[i].len) {
      cfg->error = "embedded anchor " + std::to_string(i) + " is empty";
      return -1;
    }
    const mactls::EmbeddedAnchor a = {list[i].der, list[i].len};
    mactls::Status s = cfg->trust.add_embedded(&a, 1);  // the bytes are not copied
    if (!s) {
      cfg->error = "embedded anchor " + std::to_string(i) + ": " + s.what();
      return -1;
    }
  }
  cfg->error.clear();
  return 0;
}

int mactls_config_add_pem(mactls_config* cfg, const char* pem, size_t len) {
  if (!cfg) return -1;
  if (!pem || !len) {
    cfg->error = "no PEM text given";
    return -1;
  }
  mactls::Status s = cfg->trust.add_pem(pem, len);
  if (!s) {
    cfg->error = std::string("cannot load PEM anchors from memory: ") + s.what();
    return -1;
  }
  cfg->error.clear();
  return 0;
}

int mactls_config_add_der(mactls_config* cfg, const unsigned char* der, size_t len) {
  if (!cfg) return -1;
  if (!der || !len) {
    cfg->error = "no DER certificate given";
    return -1;
  }
  mactls::Status s = cfg->trust.add_der(der, len);
  if (!s) {
    cfg->error = std::string("cannot load a DER anchor: ") + s.what();
    return -1;
  }
  cfg->error.clear();
  return 0;
}

// ------------------------------------------------- host callbacks, options

int mactls_config_set_transport(mactls_config* cfg, const mactls_transport* ops, void* user) {
  if (!cfg) return -1;
  if (!ops) {
    cfg->has_transport = false;
    cfg->transport = mactls_transport{};
    cfg->transport_user = nullptr;
    return 0;
  }
  if (!mactls::callback_transport_complete(*ops)) {
    cfg->error = "transport callbacks incomplete: connect_start, connect_poll, send, receive and close are required";
    return -1;
  }
  cfg->has_transport = true;
  cfg->transport = *ops;
  cfg->transport_user = user;
  cfg->error.clear();
  return 0;
}

int mactls_config_set_entropy(mactls_config* cfg, mactls_entropy_fn fn, void* user) {
  if (!cfg) return -1;
  cfg->entropy = fn;
  cfg->entropy_user = fn ? user : nullptr;
  return 0;
}

int mactls_config_set_clock(mactls_config* cfg, mactls_monotonic_ms_fn monotonic,
                            mactls_unix_ms_fn unix_ms, void* user) {
  if (!cfg) return -1;
  cfg->clock_mono = monotonic;
  cfg->clock_unix = unix_ms;
  cfg->clock_user = (monotonic || unix_ms) ? user : nullptr;
  return 0;
}

int mactls_config_set_keylog(mactls_config* cfg, mactls_keylog_fn fn, void* user) {
  if (!cfg) return -1;
  cfg->keylog = fn;
  cfg->keylog_user = fn ? user : nullptr;
  return 0;
}

int mactls_config_set_alpn(mactls_config* cfg, const char* const* protocols, size_t n) {
  if (!cfg) return -1;
  if (!protocols && n) {
    cfg->error = "no ALPN protocol list given";
    return -1;
  }
  std::vector<std::string> list;
  for (size_t i = 0; i < n; ++i) {
    // RFC 7301 §3.1: ProtocolName<1..2^8-1>.
    const size_t len = protocols[i] ? std::strlen(protocols[i]) : 0;
    if (len == 0 || len > 255) {
      cfg->error = "ALPN protocol " + std::to_string(i) + " must be 1..255 bytes (RFC 7301 §3.1)";
      return -1;
    }
    list.push_back(protocols[i]);
  }
  cfg->alpn.swap(list);
  cfg->error.clear();
  return 0;
}

// ------------------------------------------------------------ ticket store

mactls_ticket_store* mactls_ticket_store_new_memory(void) {
  return new (std::nothrow) mactls_ticket_store();
}

void mactls_ticket_store_free(mactls_ticket_store* store) { delete store; }

size_t mactls_ticket_store_count(const mactls_ticket_store* store) {
  return store ? store->store.size() : 0;
}

const char* mactls_ticket_store_last_error(const mactls_ticket_store* store) {
  return store ? store->error.c_str() : "null mactls_ticket_store handle";
}

extern "C++" {  // helpers with C++ types inside the extern "C" block
namespace {
int64_t now_or_system(mactls_i64 now_unix_ms) {
  return now_unix_ms != 0 ? int64_t(now_unix_ms) : mactls::system_clock().unix_ms();
}
}  // namespace
}  // extern "C++"

int mactls_ticket_store_save(mactls_ticket_store* store, const unsigned char* seal_key, mactls_i64 now_unix_ms,
                             unsigned char** out, size_t* out_len) {
  if (!store || !out || !out_len) return -1;
  *out = nullptr;
  *out_len = 0;
  mactls::StoreBlobOptions opt;
  opt.seal_key = seal_key;
  std::vector<uint8_t> blob;
  mactls::Status s = store->store.save(&blob, now_or_system(now_unix_ms), opt);
  if (!s.is_ok()) {
    mactls::secure_wipe(blob.data(), blob.size());
    store->error = s.what();
    return -1;
  }
  unsigned char* buf = static_cast<unsigned char*>(std::malloc(blob.empty() ? 1 : blob.size()));
  if (!buf) {
    mactls::secure_wipe(blob.data(), blob.size());
    store->error = "out of memory";
    return -1;
  }
  if (!blob.empty()) std::memcpy(buf, blob.data(), blob.size());
  *out = buf;
  *out_len = blob.size();
  mactls::secure_wipe(blob.data(), blob.size());
  store->error.clear();
  return 0;
}

int mactls_ticket_store_load(mactls_ticket_store* store, const unsigned char* blob, size_t len,
                             const unsigned char* seal_key, mactls_i64 now_unix_ms, size_t* loaded,
                             size_t* dropped) {
  if (loaded) *loaded = 0;
  if (dropped) *dropped = 0;
  if (!store || (!blob && len)) return -1;
  mactls::StoreBlobOptions opt;
  opt.seal_key = seal_key;
  mactls::StoreLoadReport rep;
  mactls::Status s = store->store.load(blob, len, now_or_system(now_unix_ms), opt, &rep);
  if (!s.is_ok()) {
    store->error = s.what();
    return -1;
  }
  if (loaded) *loaded = rep.loaded;
  if (dropped) *dropped = rep.dropped_expired;
  store->error.clear();
  return 0;
}

void mactls_free_secret_buffer(unsigned char* buf, size_t len) {
  if (!buf) return;
  mactls::secure_wipe(buf, len);
  std::free(buf);
}

void mactls_ticket_store_clear(mactls_ticket_store* store) {
  if (store) store->store.clear();
}

void mactls_ticket_store_clear_partition(mactls_ticket_store* store, const char* partition) {
  if (store && partition) store->store.clear_partition(partition);
}

void mactls_ticket_store_clear_host(mactls_ticket_store* store, const char* host, mactls_u16 port) {
  if (!store || !host) return;
  if (port == 0)
    store->store.clear_host(host);
  else
    store->store.clear_host(host, port);
}

int mactls_ticket_store_stats(const mactls_ticket_store* store, mactls_store_stats* out) {
  if (!store || !out) return -1;
  const mactls::MemoryTicketStore::Stats st = store->store.stats();
  auto copy = [](const mactls::MemoryTicketStore::KindStats& k, mactls_store_kind_stats* o) {
    o->entries = k.entries;
    o->bytes = k.bytes;
    o->inserted = k.inserted;
    o->rejected = k.rejected;
    o->taken = k.taken;
    o->expired = k.expired;
    o->evicted = k.evicted;
    o->cleared = k.cleared;
    o->hits = k.hits;
    o->misses = k.misses;
  };
  copy(st.tls13, &out->tls13);
  copy(st.tls12, &out->tls12);
  return 0;
}

// -------------------------------------------------------------- connection

extern "C++" {  // helpers with C++ types inside the extern "C" block
namespace {

std::unique_ptr<mactls::Transport> make_transport(const mactls_conn& c) {
  if (c.has_transport) return mactls::make_callback_transport(c.transport, c.transport_user);
  return mactls::make_posix_transport();
}

// Makes (or remakes, while idle) the Connection from what the handle keeps.
void make_connection(mactls_conn& c) {
  c.conn = mactls::Connection::New(c.client, make_transport(c), c.host, c.port, c.options);
}

}  // namespace
}  // extern "C++"

mactls_conn* mactls_conn_new(const mactls_config* cfg, const char* host, uint16_t port) {
  if (!cfg || !host || !*host) return nullptr;
  mactls_conn* c = new (std::nothrow) mactls_conn();
  if (!c) return nullptr;
  if (!mactls::capi::make_client_config(*cfg, &c->client, &c->sources)) {
    delete c;
    return nullptr;
  }
  c->options.connect_timeout_ms = cfg->connect_timeout_ms;
  c->options.handshake_timeout_ms = cfg->handshake_timeout_ms;
  c->host = host;
  c->port = port;
  c->has_transport = cfg->has_transport;
  c->transport = cfg->transport;
  c->transport_user = cfg->transport_user;
  make_connection(*c);
  return c;
}

int mactls_conn_set_dial(mactls_conn* conn, const char* dial_host, uint16_t dial_port) {
  if (!conn || !dial_host || !*dial_host) return -1;
  if (conn->conn->state() != mactls::ConnState::idle) return -1;
  conn->options.dial_host = dial_host;
  conn->options.dial_port = dial_port;
  make_connection(*conn);  // nothing has been called on the idle one
  return 0;
}

int mactls_conn_set_partition(mactls_conn* conn, const char* partition) {
  if (!conn || !partition) return -1;
  if (conn->conn->state() != mactls::ConnState::idle) return -1;
  conn->options.partition = partition;
  make_connection(*conn);  // nothing has been called on the idle one
  return 0;
}

int mactls_conn_set_ticket_callback(mactls_conn* conn, mactls_ticket_stored_fn fn, void* user) {
  if (!conn) return -1;
  if (conn->conn->state() != mactls::ConnState::idle) return -1;
  if (fn) {
    conn->options.on_ticket_stored = [fn, user, conn](uint16_t version) { fn(user, conn, version); };
  } else {
    conn->options.on_ticket_stored = nullptr;
  }
  make_connection(*conn);  // nothing has been called on the idle one
  return 0;
}

int mactls_conn_set_offer_resumption(mactls_conn* conn, int offer) {
  if (!conn) return -1;
  if (conn->conn->state() != mactls::ConnState::idle) return -1;
  conn->options.offer_resumption = offer != 0;
  make_connection(*conn);  // nothing has been called on the idle one
  return 0;
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
  if (!conn) return kNullConn;
  const mactls::capi::CallbackRandom* random = conn->sources.random.get();
  if (random && random->failed() && conn->conn->state() == mactls::ConnState::failed) {
    // The host's reason instead of the engine's generic sentence (which
    // also claims an alert the engine did not send). Made once (the
    // failure is final), so pointers returned earlier stay valid.
    if (conn->error.empty()) conn->error = mactls::capi::entropy_failure_text(*random, conn->host);
    return conn->error.c_str();
  }
  return conn->conn->last_error().c_str();
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
  mactls::capi::fill_engine_info(i, err, &r);
  r.state = to_c(c.state());
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
  r.error = mactls_conn_last_error(conn);
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
