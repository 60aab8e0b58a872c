#include "support/scripted_server.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <nettle/eddsa.h>

#include <cstdio>
#include <cstring>

#include "crypto/aead.h"
#include "crypto/kex.h"
#include "handshake/messages.h"
#include "support/pki.h"

namespace mactls::test {

namespace {

Bytes run_capture(const std::string& cmd) {
  Bytes out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  uint8_t buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
  pclose(f);
  return out;
}

// One direction of record protection (RFC 8446 §5.2, §5.3).
struct Direction {
  Aead aead;
  uint8_t iv[12] = {};
  uint64_t seq = 0;
  bool keyed = false;
  void set(const CipherSuite& cs, ByteView secret) {
    TrafficKeys k;
    EXPECT_TRUE(traffic_keys(cs, secret, k).is_ok());
    aead.set_key(cs.aead, k.key.data());
    std::memcpy(iv, k.iv, 12);
    seq = 0;
    keyed = true;
  }
  void nonce(uint8_t out[12]) const {
    std::memcpy(out, iv, 12);
    for (int i = 0; i < 8; ++i) out[11 - i] ^= uint8_t(seq >> (8 * i));
  }
};

}  // namespace

bool ServerIdentity::make(Pki& pki, const std::string& prefix, const std::string& h, int leaf_not_after_days) {
  host = h;
  if (!pki.make_chain(prefix, KeyKind::p256, KeyKind::ed25519, host)) return false;
  if (leaf_not_after_days != 365) {
    // The same leaf key, certified for a different time.
    CertSpec leaf = cert_spec(prefix + "-leaf", KeyKind::ed25519, prefix + "-int", {host});
    leaf.not_after_days = leaf_not_after_days;
    if (!pki.issue(leaf)) return false;
  }
  chain_der = {pki.cert_der(prefix + "-leaf"), pki.cert_der(prefix + "-int")};
  root_pem = pki.cert_pem(prefix + "-root");
  // PKCS#8 for Ed25519 ends with the 32-byte seed (RFC 8410 §7).
  Bytes der = run_capture("openssl pkey -in '" + pki.key_path(prefix + "-leaf") + "' -outform DER 2>/dev/null");
  if (der.size() < 32) {
    ADD_FAILURE() << "cannot read the Ed25519 key";
    return false;
  }
  std::memcpy(ed25519_seed, der.data() + der.size() - 32, 32);
  ed25519_sha512_public_key(ed25519_pub, ed25519_seed);
  return true;
}

struct ScriptedServer::Impl {
  enum class St { expect_ch1, expect_ch2, expect_finished, connected, failed } st = St::expect_ch1;
  const ServerIdentity& id;
  ServerScript script;
  ServerTicketBook* book;
  Bytes inbuf, hsbuf;
  Transcript transcript;
  std::optional<EarlySecret> early;
  std::optional<HandshakeSecret> hs;
  std::optional<MasterSecret> master;
  Secret c_hs, s_hs, c_ap, s_ap, res_master;
  Direction rd, wr;
  KeyShare share;
  uint16_t group = 0;
  Bytes session_id;
  Impl(const ServerIdentity& i, ServerScript s, ServerTicketBook* b) : id(i), script(std::move(s)), book(b) {}
};

ScriptedServer::ScriptedServer(const ServerIdentity& id, ServerScript script, ServerTicketBook* book)
    : m_(new Impl(id, std::move(script), book)) {}
ScriptedServer::~ScriptedServer() = default;

void ScriptedServer::send_record(uint8_t type, ByteView payload, Bytes& out) {
  Impl& m = *m_;
  if (!m.wr.keyed) {
    Writer w(out);
    w.u8(type);
    w.u16(0x0303);
    w.vec16(payload);
    return;
  }
  Bytes inner(payload.begin(), payload.end());
  inner.push_back(type);
  uint8_t hdr[5] = {23, 3, 3, 0, 0};
  store_be16(hdr + 3, uint16_t(inner.size() + 16));
  uint8_t nonce[12];
  m.wr.nonce(nonce);
  size_t at = out.size();
  out.insert(out.end(), hdr, hdr + 5);
  out.resize(at + 5 + inner.size() + 16);
  m.wr.aead.seal(nonce, ByteView(hdr, 5), inner.data(), inner.size(), out.data() + at + 5);
  m.wr.seq++;
}

// RFC 8446 §5.1: a handshake message longer than a record's 2^14 bytes is
// fragmented over several records.
void ScriptedServer::send_handshake(ByteView msg, Bytes& out) {
  size_t at = 0;
  do {
    size_t n = std::min<size_t>(msg.size - at, 16384);
    send_record(22, ByteView(msg.data + at, n), out);
    at += n;
  } while (at < msg.size);
}

void ScriptedServer::send_app(ByteView data, Bytes& out) { send_record(23, data, out); }

void ScriptedServer::send_ticket(Bytes& out, uint32_t lifetime, ByteView extensions) {
  Impl& m = *m_;
  uint64_t n = ++m.book->counter;
  uint8_t nonce[8];
  store_be64(nonce, n);
  std::string ident = "mactls-test-ticket-" + std::to_string(n);
  Bytes identity(ident.begin(), ident.end());
  Secret psk;
  derive_resumption_psk(suite_->hash, m.res_master.view(), ByteView(nonce, 8), psk);
  m.book->tickets[identity] = {psk.view().to_bytes(), suite_->code};
  Bytes body;
  Writer w(body);
  w.u32(lifetime);
  w.u32(0x01020304u * uint32_t(n));  // age_add
  w.vec8(ByteView(nonce, 8));
  w.vec16(ByteView(identity));
  w.vec16(extensions);
  Bytes msg;
  append_handshake(msg, HandshakeType::new_session_ticket, ByteView(body));
  send_handshake(ByteView(msg), out);
}

void ScriptedServer::send_key_update(bool request, Bytes& out) {
  Impl& m = *m_;
  uint8_t b = request ? 1 : 0;
  Bytes msg;
  append_handshake(msg, HandshakeType::key_update, ByteView(&b, 1));
  send_handshake(ByteView(msg), out);
  Secret next;
  next_traffic_secret(suite_->hash, m.s_ap.view(), next);
  m.s_ap = std::move(next);
  m.wr.set(*suite_, m.s_ap.view());
}

namespace {

struct ParsedCH {
  Bytes session_id;
  std::vector<uint16_t> suites, groups;
  std::vector<std::pair<uint16_t, Bytes>> shares;
  bool has_psk = false;
  Bytes psk_identity;
  Bytes binder;
  size_t binders_at = 0;  // offset in the whole message
  Bytes cookie;
  bool psk_dhe_ke = false;
  Bytes key_share_ext;
};

bool parse_ch(const Bytes& msg, ParsedCH* ch) {
  Reader r(ByteView(msg).sub(4));
  uint16_t v;
  ByteView random, sid, suites, comp, exts;
  if (!r.u16(v) || !r.bytes(32, random) || !r.vec8(sid) || !r.vec16(suites) || !r.vec8(comp) || !r.vec16(exts) ||
      !r.empty())
    return false;
  ch->session_id = sid.to_bytes();
  for (size_t i = 0; i + 1 < suites.size; i += 2) ch->suites.push_back(load_be16(suites.data + i));
  Reader e(exts);
  while (!e.empty()) {
    uint16_t t;
    ByteView d;
    if (!e.u16(t) || !e.vec16(d)) return false;
    Reader x(d);
    if (t == ext::supported_groups) {
      ByteView l;
      if (!x.vec16(l)) return false;
      for (size_t i = 0; i + 1 < l.size; i += 2) ch->groups.push_back(load_be16(l.data + i));
    } else if (t == ext::key_share) {
      ch->key_share_ext = d.to_bytes();
      ByteView l;
      if (!x.vec16(l)) return false;
      Reader y(l);
      while (!y.empty()) {
        uint16_t g;
        ByteView k;
        if (!y.u16(g) || !y.vec16(k)) return false;
        ch->shares.push_back({g, k.to_bytes()});
      }
    } else if (t == ext::cookie) {
      ByteView c;
      if (!x.vec16(c)) return false;
      ch->cookie = c.to_bytes();
    } else if (t == ext::psk_key_exchange_modes) {
      ByteView l;
      if (!x.vec8(l)) return false;
      for (uint8_t b : l) ch->psk_dhe_ke |= b == 1;
    } else if (t == ext::pre_shared_key) {
      if (!e.empty()) return false;  // must be last
      ByteView ids, id, binders, binder;
      uint32_t age;
      if (!x.vec16(ids)) return false;
      Reader y(ids);
      if (!y.vec16(id) || !y.u32(age)) return false;
      ch->binders_at = size_t(d.data - msg.data()) + 2 + ids.size;
      if (!x.vec16(binders)) return false;
      Reader z(binders);
      if (!z.vec8(binder)) return false;
      ch->has_psk = true;
      ch->psk_identity = id.to_bytes();
      ch->binder = binder.to_bytes();
    }
  }
  return true;
}

}  // namespace

bool ScriptedServer::receive(ByteView from_client, Bytes& out) {
  Impl& m = *m_;
  if (m.st == Impl::St::failed) return false;
  m.inbuf.insert(m.inbuf.end(), from_client.begin(), from_client.end());
  Bytes flight;
  auto fail = [&](const std::string& why) {
    error_ = why;
    m.st = Impl::St::failed;
    return false;
  };
  auto emit = [&](Bytes msg) {
    if (m.script.tamper_message && !m.script.tamper_message(msg)) return;
    m.transcript.add(ByteView(msg));
    send_handshake(ByteView(msg), flight);
  };
  auto flush = [&]() {
    if (m.script.tamper_flight) m.script.tamper_flight(flight);
    out.insert(out.end(), flight.begin(), flight.end());
    flight.clear();
  };

  while (m.inbuf.size() >= 5) {
    size_t len = load_be16(m.inbuf.data() + 3);
    if (m.inbuf.size() < 5 + len) break;
    uint8_t type = m.inbuf[0];
    Bytes rec(m.inbuf.begin() + 5, m.inbuf.begin() + 5 + long(len));
    Bytes hdr(m.inbuf.begin(), m.inbuf.begin() + 5);
    m.inbuf.erase(m.inbuf.begin(), m.inbuf.begin() + 5 + long(len));
    if (type == 20) continue;  // ChangeCipherSpec
    if (type == 23 && m.rd.keyed) {
      uint8_t nonce[12];
      m.rd.nonce(nonce);
      Bytes plain(rec.size() >= 16 ? rec.size() - 16 : 0);
      if (!m.rd.aead.open(nonce, ByteView(hdr), rec.data(), rec.size(), plain.data()))
        return fail("client record does not decrypt");
      m.rd.seq++;
      while (!plain.empty() && plain.back() == 0) plain.pop_back();
      if (plain.empty()) return fail("client record has no content type");
      type = plain.back();
      plain.pop_back();
      rec.swap(plain);
    }
    if (type == 21) {
      if (rec.size() == 2) alerts_.push_back(rec[1]);
      continue;
    }
    if (type == 23) {
      if (m.st != Impl::St::connected) return fail("application data before the handshake");
      app_in_.append(rec.begin(), rec.end());
      send_app(ByteView(rec), flight);  // echo
      continue;
    }
    if (type != 22) return fail("unexpected record type from client");
    m.hsbuf.insert(m.hsbuf.end(), rec.begin(), rec.end());
    while (m.hsbuf.size() >= 4) {
      size_t mlen = load_be24(m.hsbuf.data() + 1);
      if (m.hsbuf.size() < 4 + mlen) break;
      Bytes msg(m.hsbuf.begin(), m.hsbuf.begin() + 4 + long(mlen));
      m.hsbuf.erase(m.hsbuf.begin(), m.hsbuf.begin() + 4 + long(mlen));
      uint8_t ht = msg[0];

      if (m.st == Impl::St::expect_ch1 || m.st == Impl::St::expect_ch2) {
        if (ht != 1) return fail("expected ClientHello");
        client_hellos_++;
        last_ch_ = msg;
        ParsedCH ch;
        if (!parse_ch(msg, &ch)) return fail("malformed ClientHello");
        last_ch_psk_ = ch.has_psk;
        hello_key_shares_.push_back(ch.key_share_ext);
        last_ch_cookie_ = ch.cookie;
        m.session_id = ch.session_id;
        if (!suite_) {
          for (uint16_t s : m.script.suites)
            for (uint16_t c : ch.suites)
              if (s == c && !suite_) suite_ = find_cipher_suite(s);
          if (!suite_) return fail("no common cipher suite");
        }
        const Bytes* client_share = nullptr;
        for (uint16_t g : m.script.groups) {
          for (auto& ks : ch.shares)
            if (ks.first == g && !client_share) {
              client_share = &ks.second;
              m.group = g;
            }
          if (client_share) break;
        }
        const bool cookie_only = m.script.hrr_cookie_only && m.st == Impl::St::expect_ch1;
        if (!client_share || cookie_only) {
          if (m.st == Impl::St::expect_ch2) return fail("second ClientHello still lacks a usable share");
          uint16_t pick = 0;
          for (uint16_t g : m.script.groups)
            for (uint16_t c : ch.groups)
              if (g == c && !pick) pick = g;
          if (!pick && !cookie_only) return fail("no common group");
          // HelloRetryRequest (§4.1.4).
          (void)m.transcript.set_hash(suite_->hash);
          m.transcript.add(ByteView(msg));
          (void)m.transcript.restart_with_message_hash();
          Bytes body;
          Writer w(body);
          w.u16(0x0303);
          w.bytes(kHelloRetryRandom, 32);
          w.vec8(ByteView(ch.session_id));
          w.u16(suite_->code);
          w.u8(0);
          size_t e = w.open_block(2);
          w.u16(ext::supported_versions);
          w.u16(2);
          w.u16(0x0304);
          if (!cookie_only) {
            w.u16(ext::key_share);
            w.u16(2);
            w.u16(pick);
          }
          if (m.script.send_hrr_cookie || cookie_only) {
            Bytes cookie = m.script.hrr_cookie;
            if (cookie.empty()) cookie = {0xc0, 0x0c, 0x1e, 0x55};
            w.u16(ext::cookie);
            size_t c = w.open_block(2);
            w.vec16(ByteView(cookie));
            w.close_block(c, 2);
          }
          w.close_block(e, 2);
          Bytes hrr;
          append_handshake(hrr, HandshakeType::server_hello, ByteView(body));
          emit(hrr);
          hrr_sent_ = true;
          m.st = Impl::St::expect_ch2;
          flush();
          continue;
        }
        // PSK: accept the first identity if we know it and the hash fits.
        bool accept = false;
        Bytes psk;
        if (ch.has_psk && m.script.accept_psk && ch.psk_dhe_ke) {
          auto it = m.book->tickets.find(ch.psk_identity);
          if (it != m.book->tickets.end() && find_cipher_suite(it->second.suite)->hash == suite_->hash) {
            psk = it->second.psk;
            accept = true;
          }
        }
        if (m.st == Impl::St::expect_ch1) (void)m.transcript.set_hash(suite_->hash);
        if (accept) {
          // Check the binder independently of the client's computation.
          EarlySecret es = EarlySecret::with_psk(suite_->hash, ByteView(psk));
          Secret bk;
          es.binder_key(bk);
          uint8_t th[48], want[48];
          if (!m.transcript.hash_with_prefix(suite_->hash, ByteView(msg.data(), ch.binders_at), th).is_ok())
            return fail("binder transcript");
          compute_binder(suite_->hash, bk.view(), ByteView(th, hash_len(suite_->hash)), want);
          if (ch.binder.size() != hash_len(suite_->hash) || !ct_equal(want, ch.binder.data(), ch.binder.size())) {
            uint8_t alert[2] = {2, 51};
            send_record(21, ByteView(alert, 2), out);
            return fail("binder does not verify");
          }
          binder_checked_ = true;
          m.book->tickets.erase(ch.psk_identity);  // single use on the server too
          m.early.emplace(std::move(es));
          resumed_ = true;
        } else {
          m.early.emplace(EarlySecret::without_psk(suite_->hash));
        }
        m.transcript.add(ByteView(msg));
        m.share.generate(NamedGroup(m.group), m.script.random ? *m.script.random : system_random());
        Secret shared;
        if (!m.share.compute_shared(ByteView(*client_share), shared).is_ok()) return fail("bad client key share");
        Bytes body;
        Writer w(body);
        w.u16(0x0303);
        uint8_t random[32];
        (m.script.random ? *m.script.random : system_random()).fill(random, 32);
        w.bytes(random, 32);
        w.vec8(ByteView(ch.session_id));
        w.u16(suite_->code);
        w.u8(0);
        size_t e = w.open_block(2);
        w.u16(ext::supported_versions);
        w.u16(2);
        w.u16(0x0304);
        w.u16(ext::key_share);
        size_t k = w.open_block(2);
        w.u16(m.group);
        w.vec16(m.share.public_key());
        w.close_block(k, 2);
        if (accept) {
          w.u16(ext::pre_shared_key);
          w.u16(2);
          w.u16(0);
        }
        w.close_block(e, 2);
        Bytes sh;
        append_handshake(sh, HandshakeType::server_hello, ByteView(body));
        emit(sh);
        m.hs.emplace(std::move(*m.early).into_handshake(shared.view()));
        m.early.reset();
        uint8_t th[48];
        ByteView thv(th, m.transcript.current_hash(th));
        m.hs->client_traffic(thv, m.c_hs);
        m.hs->server_traffic(thv, m.s_hs);
        m.wr.set(*suite_, m.s_hs.view());
        m.rd.set(*suite_, m.c_hs.view());

        Bytes ee;
        const uint8_t ee_body[2] = {0, 0};
        append_handshake(ee, HandshakeType::encrypted_extensions, ByteView(ee_body, 2));
        emit(ee);
        if (!accept) {
          Bytes cb;
          Writer cw(cb);
          cw.u8(0);
          size_t list = cw.open_block(3);
          for (const Bytes& c : m.id.chain_der) {
            cw.vec24(ByteView(c));
            cw.u16(0);
          }
          cw.close_block(list, 3);
          Bytes cert;
          append_handshake(cert, HandshakeType::certificate, ByteView(cb));
          emit(cert);
          uint8_t content[200], sig[64];
          ByteView cvth(th, m.transcript.current_hash(th));
          size_t n = certificate_verify_content(cvth, content);
          ed25519_sha512_sign(m.id.ed25519_pub, m.id.ed25519_seed, n, content, sig);
          Bytes cvb;
          Writer vw(cvb);
          vw.u16(0x0807);
          vw.vec16(ByteView(sig, 64));
          Bytes cv;
          append_handshake(cv, HandshakeType::certificate_verify, ByteView(cvb));
          emit(cv);
        }
        Secret fk;
        finished_key(suite_->hash, m.s_hs.view(), fk);
        uint8_t vd[48];
        ByteView fth(th, m.transcript.current_hash(th));
        finished_verify_data(suite_->hash, fk.view(), fth, vd);
        Bytes fin;
        append_handshake(fin, HandshakeType::finished, ByteView(vd, hash_len(suite_->hash)));
        emit(fin);
        m.master.emplace(std::move(*m.hs).into_master());
        m.hs.reset();
        ByteView ath(th, m.transcript.current_hash(th));
        m.master->client_application_traffic(ath, m.c_ap);
        m.master->server_application_traffic(ath, m.s_ap);
        m.wr.set(*suite_, m.s_ap.view());
        m.st = Impl::St::expect_finished;
        flush();
        continue;
      }

      if (m.st == Impl::St::expect_finished) {
        if (ht == 11) {
          // The client's answer to a CertificateRequest: must be empty.
          if (msg.size() != 8 || load_be32(msg.data() + 4) != 0) return fail("client sent a non-empty Certificate");
          client_sent_empty_certificate_ = true;
          m.transcript.add(ByteView(msg));
          continue;
        }
        if (ht != 20) return fail("expected client Finished");
        uint8_t th[48];
        ByteView thv(th, m.transcript.current_hash(th));
        if (!verify_finished(suite_->hash, m.c_hs.view(), thv, ByteView(msg).sub(4)))
          return fail("client Finished does not verify");
        m.transcript.add(ByteView(msg));
        ByteView rth(th, m.transcript.current_hash(th));
        m.master->resumption_master(rth, m.res_master);
        m.rd.set(*suite_, m.c_ap.view());
        m.st = Impl::St::connected;
        done_ = true;
        for (int i = 0; i < m.script.num_tickets; ++i) send_ticket(flight, m.script.ticket_lifetime);
        if (m.script.after_handshake) m.script.after_handshake(*this, flight);
        flush();
        continue;
      }

      // Connected: KeyUpdate from the client.
      if (ht == 24) {
        Secret next;
        next_traffic_secret(suite_->hash, m.c_ap.view(), next);
        m.c_ap = std::move(next);
        m.rd.set(*suite_, m.c_ap.view());
        continue;
      }
      return fail("unexpected handshake message after the handshake");
    }
  }
  flush();
  return true;
}

LoopbackResult run_loopback(Client& client, LoopbackServer& server, size_t chunk, const std::string& client_sends) {
  LoopbackResult r;
  Bytes c2s, s2c;
  r.client_status = client.start(c2s);
  bool sent = client_sends.empty();
  while (r.rounds++ < 10000) {
    bool progress = false;
    if (!c2s.empty()) {
      Bytes in;
      in.swap(c2s);
      r.server_ok = server.receive(ByteView(in), s2c) && r.server_ok;
      progress = true;
    }
    if (!s2c.empty() && client.state() != Client::State::failed) {
      Bytes in;
      in.swap(s2c);
      size_t step = chunk ? chunk : in.size();
      for (size_t off = 0; off < in.size();) {
        size_t n = std::min(step, in.size() - off), used = 0;
        Status s = client.feed(in.data() + off, n, &used, c2s);
        if (!s.is_ok()) {
          r.client_status = s;
          break;
        }
        off += used;
        uint8_t sink[4096];
        while (client.readable()) (void)client.read(sink, sizeof sink);
      }
      progress = true;
    }
    if (!sent && client.is_open()) {
      r.client_status = client.write(reinterpret_cast<const uint8_t*>(client_sends.data()), client_sends.size(), c2s);
      sent = true;
      progress = true;
    }
    if (!progress || client.state() == Client::State::failed) break;
  }
  if (client.state() == Client::State::failed) r.client_status = client.error();
  // Deliver the client's last words (an alert) to the server.
  if (!c2s.empty()) (void)server.receive(ByteView(c2s), s2c);
  return r;
}

}  // namespace mactls::test

// ---------------------------------------------------------------- fixture

#include "support/scripted_server_test.h"

namespace mactls::test {

Pki* ScriptedServerTest::pki_ = nullptr;
ServerIdentity* ScriptedServerTest::id_ = nullptr;

void ScriptedServerTest::SetUpTestSuite() {
  pki_ = new Pki();
  id_ = new ServerIdentity();
  ASSERT_TRUE(id_->make(*pki_, "scripted", kServerHost));
}

void ScriptedServerTest::TearDownTestSuite() {
  delete id_;
  delete pki_;
  id_ = nullptr;
  pki_ = nullptr;
}

void ScriptedServerTest::SetUp() {
  ASSERT_NE(id_, nullptr);
  ASSERT_TRUE(trust_.add_pem(id_->root_pem.data(), id_->root_pem.size()).is_ok());
  cfg_.trust = &trust_;
  cfg_.tickets = &store_;
  cfg_.clock = &clock_;
  clock_.set_unix_seconds(int64_t(time(nullptr)));
}

}  // namespace mactls::test
