// Secret hygiene, proven on the heap: this executable interposes free() (and
// so operator delete) and, while capturing, keeps a copy of every block's
// bytes at the moment it is handed back — after its destructors ran. After
// a full and a resumed connection, and the Client's destruction, the copies
// are searched for every secret of those connections, each recomputed here
// independently of the client: the ECDHE private key and shared secret, the
// early/binder/handshake/master/resumption secrets, the four traffic
// secrets and the exporter secret (from the key log), and each ticket's PSK
// (from the scripted server's own book). A secret found in freed memory was
// not wiped. (Stack frames are not covered: nettle's own scratch is not
// mactls' to wipe.)
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/kex.h"
#include "resumption/store_codec.h"
#include "hygiene/client_exchange.h"
#include "hygiene/heap_hooks.h"
#include "handshake/messages.h"
#include "keyschedule/cipher_suite.h"
#include "keyschedule/key_schedule.h"
#include "keyschedule/transcript.h"
#include "mactls/client.h"
#include "mactls/connection.h"
#include "mactls/testing.h"
#include "mactls/ticket_store.h"
#include "support/keyschedule_access.h"
#include "support/scripted_server.h"
#include "support/scripted_server_test.h"

namespace mactls::test {
namespace {

using heap::capturing;

struct Found {
  std::string what;
  size_t offset;
};

class SecretHygiene : public ScriptedServerTest {
 protected:
  // Known secrets, by name (registered outside capture).
  std::vector<std::pair<std::string, Bytes>> secrets_;
  std::map<std::string, Bytes> keylog_;
  Bytes random_;  // what the client's FixedRandom hands out

  void add(const std::string& name, ByteView v) {
    ASSERT_GE(v.size, 16u) << name;
    secrets_.push_back({name, v.to_bytes()});
  }
  // Big numbers live in gmp limbs least significant first: on a
  // little-endian host that is the byte-reversed value.
  void add_number(const std::string& name, ByteView v) {
    add(name, v);
    Bytes r(v.begin(), v.end());
    std::reverse(r.begin(), r.end());
    add(name + " (as limbs)", ByteView(r));
  }

  std::vector<Found> search() const {
    std::vector<Found> out;
    size_t used = 0;
    const uint8_t* arena = heap::captured(&used);
    for (const auto& s : secrets_) {
      const uint8_t* hay = arena;
      size_t left = used;
      while (left >= s.second.size()) {
        const void* hit = memmem(hay, left, s.second.data(), s.second.size());
        if (!hit) break;
        size_t off = size_t(static_cast<const uint8_t*>(hit) - arena);
        out.push_back({s.first, off});
        size_t skip = off + 1 - size_t(hay - arena);
        hay += skip;
        left -= skip;
      }
    }
    return out;
  }

  // One connection with capture on; records the messages the server sent
  // and the secrets the key log reveals. The Client is destroyed inside.
  struct Run {
    Status status;
    Bytes client_hello;
    std::vector<Bytes> server_messages;  // plaintext, header included
    bool resumed = false;
    std::vector<Bytes> psks_before;
  };

  // A fresh random stream for the client, kept in random_ so the secrets
  // drawn from it can be searched for.
  void fresh_random() {
    random_.assign(4096, 0);
    system_random().fill(random_.data(), random_.size());
  }

  // The script records every message the server sends into `run`, and the
  // key log every secret into keylog_ (a second one of a label as
  // "label#2"); both with capture paused, since the records are not the
  // client's.
  void record_messages_and_keylog(ServerScript& script, Run& run) {
    script.tamper_message = [&run](Bytes& m) {
      bool was = capturing;
      capturing = false;
      run.server_messages.push_back(m);
      capturing = was;
      return true;
    };
    cfg_.keylog = [this](const char* label, const uint8_t*, const uint8_t* secret, size_t len) {
      bool was = capturing;
      capturing = false;
      keylog_[std::string(label) + (keylog_.count(label) ? "#2" : "")] = Bytes(secret, secret + len);
      capturing = was;
    };
    run.server_messages.reserve(16);
  }

  Run connect_capturing(uint16_t group) {
    Run run;
    ServerScript script;
    script.groups = {group};
    cfg_.groups = {group};
    cfg_.key_share_groups = {group};
    record_messages_and_keylog(script, run);
    auto server = std::make_unique<ScriptedServer>(*id_, script, &book_);
    capturing = true;
    auto client = std::make_unique<Client>(cfg_, kServerHost, 443);
    capturing = false;
    // Capture only while client code runs: the scripted server shares the
    // process, computes the same shared secret and is not under test.
    run.status = exchange(*client, *server, 0, [](bool on) { capturing = on; });
    run.resumed = client->info().resumed;
    capturing = true;
    client.reset();  // Dispose: every heap block of the connection is returned here
    capturing = false;
    run.client_hello = server->last_client_hello();
    return run;
  }

  // Recomputes the connection's secrets from its messages, the client's
  // random bytes and the key log, and registers them.
  void register_secrets(const Run& run, uint16_t group, const Bytes* psk, const std::string& tag) {
    // Our ECDHE private key: the window of the random stream whose public
    // key appears in the ClientHello.
    KeyShare mine;
    size_t priv_len = group == 0x001d ? 32 : group == 0x0017 ? 32 : 48;
    bool found = false;
    for (size_t off = 0; off + priv_len <= random_.size() && !found; ++off) {
      KeyShare k;
      if (!k.set_private(NamedGroup(group), ByteView(random_.data() + off, priv_len)).is_ok()) continue;
      ByteView pub = k.public_key();
      if (memmem(run.client_hello.data(), run.client_hello.size(), pub.data, pub.size)) {
        (void)mine.set_private(NamedGroup(group), ByteView(random_.data() + off, priv_len));
        add_number(tag + " ECDHE private key", ByteView(random_.data() + off, priv_len));
        found = true;
      }
    }
    ASSERT_TRUE(found) << "the client's key share comes from the random stream";

    ServerHello sh;
    ASSERT_GE(run.server_messages.size(), 3u);
    ASSERT_TRUE(parse_server_hello(ByteView(run.server_messages[0]).sub(4), 64, &sh).is_ok());
    const CipherSuite* suite = find_cipher_suite(sh.cipher_suite);
    ASSERT_NE(suite, nullptr);
    HashAlg h = suite->hash;
    Secret shared;
    ASSERT_TRUE(mine.compute_shared(sh.key_share, shared).is_ok());
    add_number(tag + " ECDHE shared secret", shared.view());

    EarlySecret early = psk ? EarlySecret::with_psk(h, ByteView(*psk)) : EarlySecret::without_psk(h);
    add(tag + " early secret", KeyScheduleTestAccess::secret(early));
    if (psk) {
      Secret bk;
      early.binder_key(bk);
      add(tag + " binder key", bk.view());
      add(tag + " PSK in use", ByteView(*psk));
    }
    HandshakeSecret hs = std::move(early).into_handshake(shared.view());
    add(tag + " handshake secret", KeyScheduleTestAccess::secret(hs));
    MasterSecret ms = std::move(hs).into_master();
    add(tag + " master secret", KeyScheduleTestAccess::secret(ms));

    // The transcript through the client Finished, for resumption_master.
    Transcript t;
    t.add(run.client_hello);
    ASSERT_TRUE(t.set_hash(h).is_ok());
    for (const Bytes& m : run.server_messages) {
      if (m[0] == uint8_t(HandshakeType::new_session_ticket)) break;
      t.add(m);
    }
    uint8_t th[kMaxHashLen];
    size_t n = t.current_hash(th);
    const Bytes& chts = keylog_.at("CLIENT_HANDSHAKE_TRAFFIC_SECRET" + std::string(tag == "resumed" ? "#2" : ""));
    Secret fk;
    finished_key(h, ByteView(chts), fk);
    uint8_t vd[kMaxHashLen];
    finished_verify_data(h, fk.view(), ByteView(th, n), vd);
    Bytes fin;
    append_handshake(fin, HandshakeType::finished, ByteView(vd, n));
    t.add(fin);
    n = t.current_hash(th);
    Secret res;
    ms.resumption_master(ByteView(th, n), res);
    add(tag + " resumption master secret", res.view());
  }

  void register_keylog_and_book(const std::map<Bytes, Bytes>& issued_before) {
    for (const auto& k : keylog_) add("key log " + k.first, ByteView(k.second));
    for (const auto& t : issued_before) add("ticket PSK (first connection)", ByteView(t.second));
    for (const auto& t : book_.tickets) add("ticket PSK (server's book)", ByteView(t.second.psk));
  }
};

TEST_F(SecretHygiene, NoSecretOfAFullOrResumedConnectionSurvivesInFreedHeap) {
  for (uint16_t group : {uint16_t(0x001d), uint16_t(0x0017), uint16_t(0x0018)}) {
    SCOPED_TRACE(group == 0x001d ? "x25519" : group == 0x0017 ? "secp256r1" : "secp384r1");
    secrets_.clear();
    keylog_.clear();
    book_.tickets.clear();
    heap::clear_capture();
    fresh_random();
    FixedRandom rng(random_);
    cfg_.random = &rng;

    Run full = connect_capturing(group);
    ASSERT_TRUE(full.status.is_ok()) << full.status.what();
    ASSERT_FALSE(full.resumed);
    ASSERT_GE(store_.size(), 1u);
    // The server forgets a ticket once used: keep the full connection's.
    std::map<Bytes, Bytes> issued;
    for (const auto& t : book_.tickets) issued[t.first] = t.second.psk;

    Run resumed = connect_capturing(group);
    ASSERT_TRUE(resumed.status.is_ok()) << resumed.status.what();
    ASSERT_TRUE(resumed.resumed);
    size_t used = 0;
    heap::captured(&used);
    ASSERT_FALSE(heap::capture_overflowed()) << "capture arena too small";
    ASSERT_GT(used, 20000u) << "the capture saw the connections' blocks";

    register_secrets(full, group, nullptr, "full");
    // The resumed connection offered one of the first connection's tickets:
    // the one whose identity its ClientHello carries.
    const Bytes* psk_in_use = nullptr;
    for (const auto& t : issued)
      if (memmem(resumed.client_hello.data(), resumed.client_hello.size(), t.first.data(), t.first.size()))
        psk_in_use = &t.second;
    ASSERT_NE(psk_in_use, nullptr);
    register_secrets(resumed, group, psk_in_use, "resumed");
    register_keylog_and_book(issued);
    EXPECT_GE(secrets_.size(), 20u);

    std::vector<Found> hits = search();
    for (const Found& f : hits) ADD_FAILURE() << f.what << " found in freed heap at capture offset " << f.offset;
  }
}

// The async layer: a Connection over a transport that is the scripted
// server in memory, pumped to a full handshake with tickets, closed and
// Disposed. Capture runs during every Connection call except while the
// transport hands bytes to the server.
class ServerTransport final : public Transport {
 public:
  ServerTransport(ScriptedServer* s, Bytes* to_client) : s_(s), to_client_(to_client) {}
  ConnectStatus open(const std::string&, uint16_t) override { return ConnectStatus::connected; }
  ConnectStatus poll_connect() override { return ConnectStatus::connected; }
  IoResult send(const uint8_t* data, size_t len) override {
    bool was = capturing;
    capturing = false;
    (void)s_->receive(ByteView(data, len), *to_client_);
    capturing = was;
    return IoResult::moved(len);
  }
  IoResult recv(uint8_t* buf, size_t cap) override {
    if (to_client_->empty()) return closed_ ? IoResult::end() : IoResult::blocked();
    size_t n = std::min(cap, to_client_->size());
    memcpy(buf, to_client_->data(), n);
    to_client_->erase(to_client_->begin(), to_client_->begin() + std::ptrdiff_t(n));
    return IoResult::moved(n);
  }
  void close() override { closed_ = true; }
  const char* error() const override { return ""; }

 private:
  ScriptedServer* s_;
  Bytes* to_client_;
  bool closed_ = false;
};

TEST_F(SecretHygiene, AfterDisposeNoSecretOfAnAsyncConnectionSurvivesInFreedHeap) {
  heap::clear_capture();
  fresh_random();
  FixedRandom rng(random_);
  cfg_.random = &rng;
  Run run;
  ServerScript script;
  record_messages_and_keylog(script, run);
  auto server = std::make_unique<ScriptedServer>(*id_, script, &book_);
  Bytes to_client;
  to_client.reserve(1 << 16);
  capturing = true;
  std::unique_ptr<Connection> c = Connection::New(
      cfg_, std::unique_ptr<Transport>(new ServerTransport(server.get(), &to_client)), kServerHost, 443);
  (void)c->Start();
  for (int i = 0; i < 50 && c->state() != ConnState::open && c->state() != ConnState::failed; ++i) c->Pump();
  ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
  for (int i = 0; i < 5; ++i) c->Pump();  // the tickets
  c->Close();
  for (int i = 0; i < 20 && c->state() != ConnState::closed; ++i) c->Pump();
  c->Dispose();
  c.reset();
  capturing = false;
  ASSERT_GE(store_.size(), 1u);
  run.client_hello = server->last_client_hello();
  register_secrets(run, 0x001d, nullptr, "full");
  register_keylog_and_book({});
  size_t used = 0;
  heap::captured(&used);
  ASSERT_GT(used, 20000u) << "the capture saw the connection's blocks";
  EXPECT_GE(secrets_.size(), 14u);
  std::vector<Found> hits = search();
  for (const Found& f : hits) ADD_FAILURE() << f.what << " found in freed heap at capture offset " << f.offset;
}

// Issue 14: the key pair is made while TCP connects. A connect that takes
// a few polls: the ClientHello (made during them) leaves once connected;
// after the handshake, Close and Dispose no secret survives — the key pair
// made early included.
class SlowConnectTransport final : public Transport {
 public:
  SlowConnectTransport(ScriptedServer* s, Bytes* to_client, int polls_before_connect)
      : inner_(s, to_client), polls_left_(polls_before_connect) {}
  ConnectStatus open(const std::string&, uint16_t) override { return ConnectStatus::in_progress; }
  ConnectStatus poll_connect() override {
    if (polls_left_ < 0) return ConnectStatus::in_progress;  // never connects
    return polls_left_-- > 0 ? ConnectStatus::in_progress : ConnectStatus::connected;
  }
  IoResult send(const uint8_t* data, size_t len) override { return inner_.send(data, len); }
  IoResult recv(uint8_t* buf, size_t cap) override { return inner_.recv(buf, cap); }
  void close() override { inner_.close(); }
  const char* error() const override { return "no route to the test host"; }

 private:
  ServerTransport inner_;
  int polls_left_;
};

TEST_F(SecretHygiene, AKeyPairMadeWhileConnectingIsWipedAfterUse) {
  heap::clear_capture();
  fresh_random();
  FixedRandom rng(random_);
  cfg_.random = &rng;
  Run run;
  ServerScript script;
  record_messages_and_keylog(script, run);
  auto server = std::make_unique<ScriptedServer>(*id_, script, &book_);
  Bytes to_client;
  to_client.reserve(1 << 16);
  capturing = true;
  std::unique_ptr<Connection> c = Connection::New(
      cfg_, std::unique_ptr<Transport>(new SlowConnectTransport(server.get(), &to_client, 3)), kServerHost, 443);
  (void)c->Start();
  ASSERT_EQ(c->state(), ConnState::connecting);
  ASSERT_NE(c->info(), nullptr);
  EXPECT_NE(c->info()->started_ms, 0u) << "the hello and its key pair exist before the connect completes";
  for (int i = 0; i < 50 && c->state() != ConnState::open && c->state() != ConnState::failed; ++i) c->Pump();
  ASSERT_EQ(c->state(), ConnState::open) << c->last_error();
  for (int i = 0; i < 5; ++i) c->Pump();  // the tickets
  c->Close();
  for (int i = 0; i < 20 && c->state() != ConnState::closed; ++i) c->Pump();
  c->Dispose();
  c.reset();
  capturing = false;
  run.client_hello = server->last_client_hello();
  register_secrets(run, 0x001d, nullptr, "full");
  register_keylog_and_book({});
  EXPECT_GE(secrets_.size(), 14u);
  for (const Found& f : search()) ADD_FAILURE() << f.what << " found in freed heap at capture offset " << f.offset;
}

// The connect never completes: the key pair made for it is wiped all the
// same when the connect times out and the connection is disposed.
TEST_F(SecretHygiene, AKeyPairMadeForAConnectThatNeverCompletesIsWiped) {
  heap::clear_capture();
  fresh_random();
  // The same random stream makes the same key pair: a plain Client, outside
  // capture, shows which window of the stream is the private key.
  {
    FixedRandom probe_rng(random_);
    ClientConfig probe_cfg = cfg_;
    probe_cfg.random = &probe_rng;
    probe_cfg.tickets = nullptr;
    Client probe(probe_cfg, kServerHost, 443);
    Bytes hello;
    ASSERT_TRUE(probe.start(hello).is_ok());
    bool found = false;
    for (size_t off = 0; off + 32 <= 256 && !found; ++off) {
      KeyShare k;
      if (!k.set_private(NamedGroup::x25519, ByteView(random_.data() + off, 32)).is_ok()) continue;
      ByteView pub = k.public_key();
      if (memmem(hello.data(), hello.size(), pub.data, pub.size)) {
        add_number("ECDHE private key made while connecting", ByteView(random_.data() + off, 32));
        found = true;
      }
    }
    ASSERT_TRUE(found);
  }
  FixedRandom rng(random_);
  cfg_.random = &rng;
  cfg_.tickets = nullptr;
  ConnectionOptions o;
  o.connect_timeout_ms = 500;
  auto server = std::make_unique<ScriptedServer>(*id_, ServerScript(), &book_);
  Bytes to_client;
  capturing = true;
  std::unique_ptr<Connection> c = Connection::New(
      cfg_, std::unique_ptr<Transport>(new SlowConnectTransport(server.get(), &to_client, -1)), kServerHost, 443, o);
  (void)c->Start();
  ASSERT_EQ(c->state(), ConnState::connecting);
  EXPECT_NE(c->info()->started_ms, 0u);
  c->Pump();
  clock_.advance_ms(500);
  EXPECT_EQ(c->Pump(), ConnState::failed);
  EXPECT_EQ(c->error().origin(), ErrorOrigin::timeout);
  c->Dispose();
  c.reset();
  capturing = false;
  size_t used = 0;
  heap::captured(&used);
  ASSERT_GT(used, 0u) << "the capture saw the connection's blocks";
  for (const Found& f : search()) ADD_FAILURE() << f.what << " found in freed heap at capture offset " << f.offset;
}

// The ticket store: each way of dropping entries (clear everything, one
// partition, one host, one host and port, forget a TLS 1.2 session, a
// newer session replacing the older, and destroying the store) wipes the
// secrets it drops; and saving to and loading from a blob, sealed or not,
// leaves no copy of a PSK or master secret in freed heap (the caller wipes
// the blob it was handed, as the header asks).
class StoreHygiene : public SecretHygiene {
 protected:
  // A ticket (or TLS 1.2 session) with a random 48-byte secret, registered.
  Ticket make(bool tls12, const std::string& what) {
    Ticket t;
    t.version = tls12 ? 0x0303 : 0x0304;
    t.identity = Bytes(16, 0x11);
    if (tls12) t.session_id = Bytes(32, 0x22);
    system_random().fill(t.psk, 48);
    t.psk_len = 48;
    t.cipher_suite = tls12 ? 0xc02f : 0x1302;
    t.lifetime_s = 3600;
    t.received_unix_ms = clock_.unix_ms();
    t.auth_unix_s = clock_.unix_ms() / 1000;
    add(what, ByteView(t.psk, 48));
    return t;
  }
  static TicketKey key(const std::string& host, uint16_t port, const std::string& partition) {
    TicketKey k;
    k.server_name = host;
    k.port = port;
    k.partition = partition;
    return k;
  }
  // `blob` with its entry count lowered by one and its digest or AEAD tag
  // made valid again (layout: src/resumption/store_codec.h).
  static Bytes recount(const Bytes& blob, const uint8_t* seal_key) {
    Bytes b(blob.begin(), blob.end());
    const uint32_t count = load_be32(b.data() + 44);
    if (!seal_key) {
      store_be32(b.data() + 44, count - 1);
      hash_once(HashAlg::sha256, ByteView(b.data(), b.size() - 32), b.data() + b.size() - 32);
      return b;
    }
    const size_t hl = kStoreSealedHeaderLen, body = b.size() - hl - kAeadTagLen;
    Bytes plain(body);
    Aead aead;
    aead.set_key(AeadAlg::chacha20_poly1305, seal_key);
    EXPECT_TRUE(aead.open(b.data() + kStoreHeaderLen, ByteView(b.data(), hl), b.data() + hl, body + kAeadTagLen,
                          plain.data()));
    store_be32(b.data() + 44, count - 1);
    aead.seal(b.data() + kStoreHeaderLen, ByteView(b.data(), hl), plain.data(), body, b.data() + hl);
    secure_wipe(plain);
    return b;
  }
  void expect_clean() {
    size_t used = 0;
    heap::captured(&used);
    ASSERT_FALSE(heap::capture_overflowed());
    for (const Found& f : search()) ADD_FAILURE() << f.what << " found in freed heap at capture offset " << f.offset;
  }
};

TEST_F(StoreHygiene, EveryClearWipesWhatItDrops) {
  heap::clear_capture();
  secrets_.clear();
  // Enough keys and tickets that the store's vectors and map nodes move.
  auto store = std::make_unique<MemoryTicketStore>();
  for (int i = 0; i < 6; ++i) {
    const std::string n = std::to_string(i);
    Ticket a = make(false, "ticket a.example " + n), b = make(true, "session a.example " + n),
           c = make(false, "ticket b.example:8443 " + n), d = make(false, "ticket b.example:443 " + n),
           e = make(true, "session c.example " + n), f = make(false, "ticket in the store's destructor " + n),
           g = make(true, "replaced session " + n);
    capturing = true;
    store->insert(key("a.example", 443, "https://site" + n), std::move(a));
    store->insert(key("a.example", 443, "https://site" + n), std::move(b));
    store->insert(key("b.example", 8443, ""), std::move(c));
    store->insert(key("b.example", 443, ""), std::move(d));
    store->insert(key("c.example", 443, "https://site" + n), std::move(g));
    store->insert(key("c.example", 443, "https://site" + n), std::move(e));  // replaces g
    store->insert(key("d.example", 443, ""), std::move(f));
    capturing = false;
  }
  capturing = true;
  store->clear_partition("https://site0");
  store->clear_host("a.example");
  store->clear_host("b.example", 8443);
  store->clear_host("b.example");
  for (int i = 0; i < 6; ++i) store->forget_tls12(key("c.example", 443, "https://site" + std::to_string(i)));
  store->clear();
  store->insert(key("d.example", 443, ""), make(false, "ticket in the store's destructor"));
  store.reset();
  capturing = false;
  EXPECT_GE(secrets_.size(), 40u);
  expect_clean();
}

TEST_F(StoreHygiene, SavingAndLoadingLeaveNoSecretBehind) {
  const uint8_t seal[32] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
  for (bool sealed : {false, true}) {
    SCOPED_TRACE(sealed ? "sealed" : "unsealed");
    heap::clear_capture();
    secrets_.clear();
    StoreBlobOptions opt;
    if (sealed) opt.seal_key = seal;
    auto store = std::make_unique<MemoryTicketStore>();
    for (int i = 0; i < 5; ++i) {
      Ticket a = make(false, "ticket " + std::to_string(i)), b = make(true, "session " + std::to_string(i));
      store->insert(key("h" + std::to_string(i) + ".example", 443, ""), std::move(a));
      store->insert(key("h" + std::to_string(i) + ".example", 443, ""), std::move(b));
    }
    capturing = true;
    {
      Bytes blob;
      ASSERT_TRUE(store->save(&blob, clock_.unix_ms(), opt).is_ok());
      ASSERT_TRUE(store->save(&blob, clock_.unix_ms(), opt).is_ok());  // replaces (and wipes) the first
      auto loaded = std::make_unique<MemoryTicketStore>();
      ASSERT_TRUE(loaded->load(blob.data(), blob.size(), clock_.unix_ms(), opt).is_ok());
      EXPECT_EQ(loaded->size(), 10u);
      // A load that fails after decoding every entry (the header claims one
      // entry fewer, under a valid digest or tag) must wipe them all.
      Bytes bad = recount(blob, sealed ? seal : nullptr);
      Status s = loaded->load(bad.data(), bad.size(), clock_.unix_ms(), opt);
      EXPECT_STREQ(s.what(), "ticket store blob: bytes after the last entry");
      secure_wipe(bad);
      loaded.reset();
      secure_wipe(blob);
    }
    store.reset();
    capturing = false;
    expect_clean();
  }
}

// The check itself must be able to fail: a secret put in a heap block and
// freed without wiping is found.
TEST_F(SecretHygiene, TheSearchFindsAnUnwipedSecret) {
  heap::clear_capture();
  secrets_.clear();
  Bytes secret(32);
  system_random().fill(secret.data(), secret.size());
  add("planted", ByteView(secret));
  // Through volatile pointers, or the compiler drops the dead block.
  void* (*volatile do_malloc)(size_t) = malloc;
  void (*volatile do_free)(void*) = free;
  uint8_t* block = static_cast<uint8_t*>(do_malloc(100));
  memcpy(block + 40, secret.data(), secret.size());
  capturing = true;
  do_free(block);
  capturing = false;
  std::vector<Found> hits = search();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].what, "planted");
}

}  // namespace
}  // namespace mactls::test
