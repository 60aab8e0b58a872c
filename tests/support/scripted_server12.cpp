#include "support/scripted_server12.h"

#include <nettle/eddsa.h>

#include <cstring>

#include "crypto/kex.h"
#include "handshake/messages.h"
#include "keyschedule/cipher_suite.h"
#include "keyschedule/prf12.h"
#include "keyschedule/transcript.h"
#include "mactls/random.h"
#include "record/record.h"

namespace mactls::test {

struct ScriptedServer12::Impl {
  Impl(const ServerIdentity& i, ServerScript12 s) : id(i), script(std::move(s)) {
    reader.set_tls12(true);
  }
  const ServerIdentity& id;
  ServerScript12 script;
  enum class St { expect_ch, expect_cke, expect_ccs, expect_finished, connected, failed } st = St::expect_ch;
  RecordReader reader;
  RecordProtector writer;
  HandshakeReassembler reasm;
  Transcript transcript;
  const CipherSuite* suite = nullptr;
  uint8_t client_random[32] = {}, server_random[32] = {};
  bool client_ems = false, ems = false;
  KeyShare share;
  MasterSecret12 master;
  KeyMaterial12 ckeys, skeys;
  bool done = false, client_finished_ok = false;
  std::string error, app_in;
  std::vector<std::pair<uint8_t, uint8_t>> alerts;

  bool fail(const std::string& why) {
    error = why;
    st = St::failed;
    return false;
  }
  void emit(Bytes msg, Bytes& out) {
    if (script.tamper_message) script.tamper_message(msg);
    transcript.add(ByteView(msg));
    if (writer.has_keys())
      (void)writer.write(ContentType::handshake, ByteView(msg), out);
    else
      (void)write_plaintext(ContentType::handshake, ByteView(msg), out);
  }
  bool on_client_hello(const HandshakeMessage& hm, Bytes& out);
  bool on_cke(const HandshakeMessage& hm);
  bool on_finished(const HandshakeMessage& hm, Bytes& out);
};

bool ScriptedServer12::Impl::on_client_hello(const HandshakeMessage& hm, Bytes& out) {
  Reader r(hm.body);
  uint16_t v;
  ByteView random, sid, suites, comp, exts;
  if (!r.u16(v) || !r.bytes(32, random) || !r.vec8(sid) || !r.vec16(suites) || !r.vec8(comp) || !r.vec16(exts))
    return fail("malformed ClientHello");
  std::memcpy(client_random, random.data, 32);
  const Bytes client_sid = sid.to_bytes();
  Reader e(exts);
  while (!e.empty()) {
    uint16_t t;
    ByteView d;
    if (!e.u16(t) || !e.vec16(d)) return fail("malformed ClientHello extensions");
    if (t == ext::extended_master_secret) client_ems = true;
  }
  ems = client_ems && script.extended_master_secret;
  suite = find_cipher_suite12(script.suite);
  const CipherSuite* hash_suite = suite ? suite : find_cipher_suite12(0xC02B);  // for a bogus suite code
  transcript.add(hm.bytes);
  (void)transcript.set_hash(hash_suite->hash);

  system_random().fill(server_random, 32);
  if (script.sentinel) {
    static const uint8_t s[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
    std::memcpy(server_random + 24, s, 8);
  }
  Bytes sh;
  {
    Bytes b;
    Writer w(b);
    w.u16(0x0303);
    w.bytes(server_random, 32);
    uint8_t sid_out[32];
    system_random().fill(sid_out, 32);
    if (script.echo_session_id)
      w.vec8(ByteView(client_sid));
    else
      w.vec8(ByteView(sid_out, 32));
    w.u16(script.suite);
    w.u8(0);
    size_t x = w.open_block(2);
    if (script.renegotiation != ServerScript12::Renegotiation::absent) {
      w.u16(ext::renegotiation_info);
      if (script.renegotiation == ServerScript12::Renegotiation::empty) {
        w.u16(1);
        w.u8(0);
      } else {
        w.u16(3);
        w.u8(2);
        w.u8(0xab);
        w.u8(0xcd);
      }
    }
    if (ems) {
      w.u16(ext::extended_master_secret);
      w.u16(0);
    }
    w.u16(ext::ec_point_formats);
    w.u16(2);
    w.u8(1);
    w.u8(0);
    w.close_block(x, 2);
    append_handshake(sh, HandshakeType::server_hello, ByteView(b));
  }
  emit(sh, out);
  {
    Bytes b;
    Writer w(b);
    size_t l = w.open_block(3);
    for (const Bytes& c : id.chain_der) w.vec24(ByteView(c));
    w.close_block(l, 3);
    Bytes cert;
    append_handshake(cert, HandshakeType::certificate, ByteView(b));
    emit(cert, out);
  }
  {
    const NamedGroup g = is_supported_group(script.group) ? NamedGroup(script.group) : NamedGroup::x25519;
    share.generate(g, system_random());
    Bytes params;
    Writer pw(params);
    pw.u8(3);
    pw.u16(script.group);
    pw.vec8(share.public_key());
    Bytes content(client_random, client_random + 32);
    content.insert(content.end(), server_random, server_random + 32);
    content.insert(content.end(), params.begin(), params.end());
    uint8_t sig[64];
    ed25519_sha512_sign(id.ed25519_pub, id.ed25519_seed, content.size(), content.data(), sig);
    if (script.bad_ske_signature) sig[5] ^= 0x10;
    Bytes b = params;
    Writer w(b);
    w.u16(script.scheme);
    w.vec16(ByteView(sig, 64));
    Bytes ske;
    append_handshake(ske, HandshakeType::server_key_exchange, ByteView(b));
    emit(ske, out);
  }
  Bytes shd;
  append_handshake(shd, HandshakeType::server_hello_done, ByteView());
  emit(shd, out);
  st = St::expect_cke;
  return true;
}

bool ScriptedServer12::Impl::on_cke(const HandshakeMessage& hm) {
  if (!suite) return fail("no suite");
  Reader r(hm.body);
  ByteView pub;
  if (!r.vec8(pub, 1) || !r.empty()) return fail("malformed ClientKeyExchange");
  transcript.add(hm.bytes);
  Secret pms;
  if (!share.compute_shared(pub, pms).is_ok()) return fail("bad client point");
  uint8_t th[kMaxHashLen];
  size_t hl = transcript.current_hash(th);
  Status s = ems ? extended_master_secret12(suite->hash, pms.view(), ByteView(th, hl), master)
                 : master_secret12(suite->hash, pms.view(), ByteView(client_random, 32),
                                   ByteView(server_random, 32), master);
  if (!s.is_ok()) return fail(s.what());
  if (!key_block12(*suite, master.view(), ByteView(client_random, 32), ByteView(server_random, 32), ckeys, skeys)
           .is_ok())
    return fail("key block");
  reader.set_allow_change_cipher_spec(true);
  st = St::expect_ccs;
  return true;
}

bool ScriptedServer12::Impl::on_finished(const HandshakeMessage& hm, Bytes& out) {
  uint8_t th[kMaxHashLen], want[kVerifyData12Len];
  size_t hl = transcript.current_hash(th);
  if (!finished_verify_data12(suite->hash, master.view(), FinishedSide12::client, ByteView(th, hl), want).is_ok())
    return fail("prf");
  client_finished_ok = hm.body.size == kVerifyData12Len && std::memcmp(want, hm.body.data, kVerifyData12Len) == 0;
  if (!client_finished_ok) return fail("client Finished does not verify");
  transcript.add(hm.bytes);
  static const uint8_t kCcs = 1;
  (void)write_plaintext(ContentType::change_cipher_spec, ByteView(&kCcs, 1), out);
  if (!writer.set_keys12(*suite, skeys.key.view(), skeys.fixed_iv.view()).is_ok()) return fail("server keys");
  hl = transcript.current_hash(th);
  uint8_t vd[kVerifyData12Len];
  (void)finished_verify_data12(suite->hash, master.view(), FinishedSide12::server, ByteView(th, hl), vd);
  if (script.bad_finished) vd[0] ^= 1;
  Bytes fin;
  append_handshake(fin, HandshakeType::finished, ByteView(vd, sizeof vd));
  emit(fin, out);
  if (script.hello_request) {
    Bytes hr;
    append_handshake(hr, HandshakeType::hello_request, ByteView());
    (void)writer.write(ContentType::handshake, ByteView(hr), out);  // never hashed
  }
  done = true;
  st = St::connected;
  return true;
}

ScriptedServer12::ScriptedServer12(const ServerIdentity& id, ServerScript12 script)
    : m_(new Impl(id, std::move(script))) {}
ScriptedServer12::~ScriptedServer12() = default;

bool ScriptedServer12::receive(ByteView in, Bytes& out) {
  Impl& m = *m_;
  if (m.st == Impl::St::failed) return false;
  while (!in.empty()) {
    Record rec;
    Status s = m.reader.read(in, rec);
    if (!s.is_ok()) return m.fail(std::string("record: ") + s.what());
    if (!rec.present) break;
    switch (rec.type) {
      case ContentType::alert:
        m.alerts.push_back({rec.payload[0], rec.payload[1]});
        break;
      case ContentType::change_cipher_spec:
        if (m.st != Impl::St::expect_ccs) return m.fail("unexpected CCS");
        if (!m.reader.set_keys12(*m.suite, m.ckeys.key.view(), m.ckeys.fixed_iv.view()).is_ok())
          return m.fail("client keys");
        m.reader.set_allow_change_cipher_spec(false);
        m.st = Impl::St::expect_finished;
        break;
      case ContentType::application_data: {
        if (m.st != Impl::St::connected) return m.fail("early application data");
        m.app_in.append(rec.payload.begin(), rec.payload.end());
        static const char kPong[] = "pong";
        (void)m.writer.write(ContentType::application_data,
                             ByteView(reinterpret_cast<const uint8_t*>(kPong), 4), out);
        break;
      }
      case ContentType::handshake: {
        if (!m.reasm.add(rec.payload).is_ok()) return m.fail("reassembly");
        HandshakeMessage hm;
        while (m.reasm.next(hm)) {
          bool ok = false;
          if (m.st == Impl::St::expect_ch && hm.type == uint8_t(HandshakeType::client_hello))
            ok = m.on_client_hello(hm, out);
          else if (m.st == Impl::St::expect_cke && hm.type == uint8_t(HandshakeType::client_key_exchange))
            ok = m.on_cke(hm);
          else if (m.st == Impl::St::expect_finished && hm.type == uint8_t(HandshakeType::finished))
            ok = m.on_finished(hm, out);
          else
            return m.fail("unexpected handshake message " + std::to_string(hm.type));
          if (!ok) return false;
        }
        break;
      }
      default:
        return m.fail("unexpected record");
    }
  }
  return true;
}

bool ScriptedServer12::handshake_done() const { return m_->done; }
bool ScriptedServer12::client_finished_ok() const { return m_->client_finished_ok; }
bool ScriptedServer12::client_offered_ems() const { return m_->client_ems; }
const std::string& ScriptedServer12::error() const { return m_->error; }
const std::string& ScriptedServer12::received() const { return m_->app_in; }
const std::vector<std::pair<uint8_t, uint8_t>>& ScriptedServer12::alerts() const { return m_->alerts; }

}  // namespace mactls::test
