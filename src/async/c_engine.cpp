// mactls async — the C façade's bytes-in/bytes-out engine (mactls_engine_*
// in include/mactls/mactls.h): mactls::Client behind a C handle, with one
// output buffer the host drains. No transport, no deadlines: the host's
// loop owns both.
#include <algorithm>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "async/c_handles.h"
#include "common/secret.h"

struct mactls_engine {
  mactls::ClientConfig client;
  mactls::capi::HostSources sources;  // must outlive `engine`, which points to them
  std::string host;
  std::unique_ptr<mactls::Client> engine;
  std::vector<uint8_t> out;  // bytes to send, from out_pos
  size_t out_pos = 0;
  std::string refused;         // why the latest call was refused (usage); "" if it was not
  mutable std::string failure;  // the engine's failure in words, made once
};

namespace {

const char kNullEngine[] = "null mactls_engine handle";

static_assert(int(mactls::Client::State::idle) == MACTLS_ENGINE_IDLE, "engine state mirror");
static_assert(int(mactls::Client::State::handshaking) == MACTLS_ENGINE_HANDSHAKING, "engine state mirror");
static_assert(int(mactls::Client::State::open) == MACTLS_ENGINE_OPEN, "engine state mirror");
static_assert(int(mactls::Client::State::peer_closed) == MACTLS_ENGINE_PEER_CLOSED, "engine state mirror");
static_assert(int(mactls::Client::State::closed) == MACTLS_ENGINE_CLOSED, "engine state mirror");
static_assert(int(mactls::Client::State::failed) == MACTLS_ENGINE_FAILED, "engine state mirror");

// Drops the sent prefix once it is all sent, or once it is most of the
// buffer, so the output stays about as long as what is unsent.
void compact(mactls_engine& e) {
  if (e.out_pos == e.out.size()) {
    mactls::secure_wipe(e.out.data(), e.out.size());
    e.out.clear();
    e.out_pos = 0;
  } else if (e.out_pos > 4096 && e.out_pos * 2 > e.out.size()) {
    e.out.erase(e.out.begin(), e.out.begin() + std::ptrdiff_t(e.out_pos));
    e.out_pos = 0;
  }
}

// A usage error refuses the call and leaves the engine as it was; any
// other error has failed the engine (Client's contract).
int result(mactls_engine& e, const mactls::Status& s, const char* what) {
  if (s.is_ok()) return 0;
  if (s.origin() == mactls::ErrorOrigin::usage && e.engine->state() != mactls::Client::State::failed)
    e.refused = std::string(what) + ": " + s.what();
  return -1;
}

mactls_state conn_state(mactls::Client::State s) {
  switch (s) {
    case mactls::Client::State::idle: return MACTLS_STATE_IDLE;
    case mactls::Client::State::handshaking: return MACTLS_STATE_HANDSHAKING;
    case mactls::Client::State::open:
    case mactls::Client::State::peer_closed: return MACTLS_STATE_OPEN;
    case mactls::Client::State::closed: return MACTLS_STATE_CLOSED;
    case mactls::Client::State::failed: return MACTLS_STATE_FAILED;
  }
  return MACTLS_STATE_FAILED;
}

}  // namespace

extern "C" {

mactls_engine* mactls_engine_new(const mactls_config* cfg, const char* host, uint16_t port) {
  if (!cfg || !host || !*host) return nullptr;
  mactls_engine* e = new (std::nothrow) mactls_engine();
  if (!e) return nullptr;
  if (!mactls::capi::make_client_config(*cfg, &e->client, &e->sources)) {
    delete e;
    return nullptr;
  }
  e->host = host;
  e->engine.reset(new (std::nothrow) mactls::Client(e->client, host, port));
  if (!e->engine) {
    delete e;
    return nullptr;
  }
  return e;
}

int mactls_engine_start(mactls_engine* e) {
  if (!e) return -1;
  e->refused.clear();
  // A usage error leaves nothing in the output (Client::start would queue
  // an alert for a server the host has not even reached).
  mactls::Status usage = e->engine->check_config();
  if (!usage.is_ok()) {
    e->refused = std::string("cannot start a TLS session with ") + e->host + ": " + usage.what();
    return -1;
  }
  return result(*e, e->engine->start(e->out), "cannot start");
}

const unsigned char* mactls_engine_output(mactls_engine* e, size_t* len) {
  if (!e || !len) return nullptr;
  *len = e->out.size() - e->out_pos;
  return *len ? e->out.data() + e->out_pos : nullptr;
}

void mactls_engine_output_done(mactls_engine* e, size_t n) {
  if (!e) return;
  e->out_pos += std::min(n, e->out.size() - e->out_pos);
  compact(*e);
}

int mactls_engine_feed(mactls_engine* e, const void* data, size_t len, size_t* consumed) {
  if (consumed) *consumed = 0;
  if (!e || (!data && len)) return -1;
  e->refused.clear();
  size_t used = 0;
  mactls::Status s = e->engine->feed(static_cast<const uint8_t*>(data), len, &used, e->out);
  if (consumed) *consumed = used;
  return result(*e, s, "cannot feed");
}

int mactls_engine_write(mactls_engine* e, const void* data, size_t len) {
  if (!e || (!data && len)) return -1;
  e->refused.clear();
  return result(*e, e->engine->write(static_cast<const uint8_t*>(data), len, e->out), "cannot write");
}

size_t mactls_engine_read(mactls_engine* e, void* buf, size_t cap) {
  if (!e || !buf) return 0;
  return e->engine->read(static_cast<uint8_t*>(buf), cap);
}

size_t mactls_engine_readable(const mactls_engine* e) { return e ? e->engine->readable() : 0; }

int mactls_engine_close(mactls_engine* e) {
  if (!e) return -1;
  e->refused.clear();
  return result(*e, e->engine->close(e->out), "cannot close");
}

mactls_engine_state mactls_engine_state_of(const mactls_engine* e) {
  return e ? mactls_engine_state(int(e->engine->state())) : MACTLS_ENGINE_FAILED;
}

const char* mactls_engine_last_error(const mactls_engine* e) {
  if (!e) return kNullEngine;
  if (e->engine->state() != mactls::Client::State::failed) return e->refused.c_str();
  if (e->failure.empty()) {
    // Made once: a failure is final, so pointers returned earlier stay valid.
    const mactls::Status s = e->engine->error();
    const mactls::capi::CallbackRandom* random = e->sources.random.get();
    if (random && random->failed())
      e->failure = mactls::capi::entropy_failure_text(*random, e->host);
    else
      e->failure = std::string("TLS session with ") + e->host + " failed: " + s.what();
  }
  return e->failure.c_str();
}

int mactls_engine_info(const mactls_engine* e, mactls_info* out) {
  if (!e || !out) return -1;
  mactls::capi::fill_engine_info(e->engine->info(), e->engine->error(), out);
  out->state = conn_state(e->engine->state());
  out->error = mactls_engine_last_error(e);
  return 0;
}

void mactls_engine_free(mactls_engine* e) {
  if (!e) return;
  e->engine.reset();  // wipes its keys
  mactls::secure_wipe(e->out.data(), e->out.size());
  delete e;
}

}  // extern "C"
