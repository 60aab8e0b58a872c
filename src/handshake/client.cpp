// mactls handshake — the TLS 1.3 client state machine (RFC 8446 §2, §4).
#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "handshake/client_impl.h"
#include "handshake/client_access.h"

#include "crypto/bignum_memory.h"
#include "keyschedule/prf12.h"
#include "resumption/new_session_ticket.h"
#include "x509/verify.h"
#include "mactls/trust.h"

namespace mactls {

// Limits::max_auth_age_s is the one setting; a ticket that records none is
// judged by the same default.
static_assert(Limits().max_auth_age_s == Ticket::kDefaultMaxAuthAgeS, "one default authentication bound");

namespace {

bool contains(const std::vector<uint16_t>& v, uint16_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool is_ip_literal(const std::string& host) {
  uint8_t buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// The one place the caller's host name is normalised; SNI, the certificate
// host-name check and the ticket key all use the result. RFC 6066 §3: "The
// hostname is represented ... without a trailing dot", and servers refuse it
// (Go answers unrecognized_name), so one trailing dot (`localhost.`, the
// fully qualified spelling) is dropped. DNS names are case-insensitive
// (RFC 4343), so ASCII letters are lowered: `Example.COM` and `example.com`
// share their tickets.
std::string normalise_host_name(std::string host) {
  if (host.size() > 1 && host.back() == '.') host.pop_back();
  for (char& c : host)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return host;
}

// The one sentence for a failed RandomSource (RandomSource::failed()).
const char kEntropyFailed[] = "the entropy source failed: no random bytes for the handshake";

// §4.1.3: the last eight bytes of a downgraded server's random.
bool has_downgrade_sentinel(ByteView random) {
  static const uint8_t kDowngrade[7] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44};
  return std::memcmp(random.data + 24, kDowngrade, 7) == 0 &&
         (random.data[31] == 0x00 || random.data[31] == 0x01);
}

}  // namespace

// signature_algorithms we offer (§4.2.3). In TLS 1.3 rsa_pkcs1_* only ever
// verify certificate signatures and a CertificateVerify using them is
// refused; a TLS 1.2 ServerKeyExchange may use them (RFC 5246 §7.4.1.4.1).
const std::vector<uint16_t> kSignatureSchemes = {
    0x0403, 0x0503, 0x0807, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401, 0x0501, 0x0601,
};

Client::Impl::Impl(const ClientConfig& c, std::string name, uint16_t p, std::string part)
    : cfg(c),
      rng(c.random ? c.random : &system_random()),
      clock(c.clock ? c.clock : &system_clock()),
      server_name(normalise_host_name(std::move(name))),
      port(p ? p : 443),  // 0: the HTTPS port (client.h); the port only keys tickets
      partition(std::move(part)),
      reader(c.limits.max_empty_records),
      reassembler(c.limits.max_handshake_message) {
  sni = !server_name.empty() && !is_ip_literal(server_name);
  // ClientConfig::key_share_groups left empty: one share, for the most
  // preferred group (an explicit list is checked by check_config()).
  if (cfg.key_share_groups.empty() && !cfg.groups.empty()) cfg.key_share_groups.push_back(cfg.groups.front());
}

Client::Impl::~Impl() { wipe_all(); }

void Client::Impl::wipe_all() {
  for (auto& s : shares) s.wipe();
  early.reset();
  hs.reset();
  master.reset();
  client_hs_secret.wipe();
  server_hs_secret.wipe();
  client_app_secret.wipe();
  server_app_secret.wipe();
  resumption_master.wipe();
  if (tls12) tls12->wipe();
  ticket = Ticket();
  session12 = Ticket();
  pending_verify.reset();  // a failed handshake leaves nothing in the verify cache
  reader.clear_keys();
  writer.clear();
  if (!app_in.empty()) secure_wipe(app_in);
  app_in_pos = 0;
}

size_t Client::Impl::secret_bytes() const {
  size_t n = 0;
  for (const auto& s : shares) n += s.has_key() ? key_share_len(s.group()) : 0;
  n += client_hs_secret.size() + server_hs_secret.size() + client_app_secret.size() +
       server_app_secret.size() + resumption_master.size();
  n += early ? 1 : 0;
  n += hs ? 1 : 0;
  n += master ? 1 : 0;
  n += ticket.psk_len;
  n += session12.psk_len;
  n += reader.has_keys() ? 1 : 0;
  n += writer.has_keys() ? 1 : 0;
  n += tls12 ? tls12->secret_bytes() : 0;
  return n;
}

void Client::Impl::keylog(const char* label, const Secret& s) const {
  if (cfg.keylog) cfg.keylog(label, client_random, s.data(), s.size());
}

// A local failure: record it, send the alert (encrypted once we have keys),
// and wipe every secret. Peer alerts and transport errors come here too,
// without an alert of our own.
Status Client::Impl::fail(Status s, Bytes& out) {
  if (state == State::failed) return err;
  if (s.origin() == ErrorOrigin::local || s.origin() == ErrorOrigin::usage) {
    uint8_t alert[2];
    encode_alert(s.alert(), alert);
    if (writer.has_keys())
      (void)writer.write(ContentType::alert, ByteView(alert, 2), out);
    else
      (void)write_plaintext(ContentType::alert, ByteView(alert, 2), out);
  }
  err = s;
  state = State::failed;
  expect = Expect::none;
  wipe_all();
  return s;
}

// ---------------------------------------------------------------- start

void Client::Impl::compute_ticket_key() { ticket_key = make_ticket_key(); }

TicketKey Client::Impl::make_ticket_key() const {
  // The security context a ticket was earned under: the trust anchors, the
  // verification rules and the ALPN offer. A change in any of them means a
  // new key, so a ticket is never offered where its authentication would not
  // have been accepted (RESUMPTION_SCOPE.md, "security context").
  HashCtx h(HashAlg::sha256);
  static const char kTag[] = "mactls ticket context v1";
  h.update(reinterpret_cast<const uint8_t*>(kTag), sizeof kTag);
  uint8_t anchors[32] = {};
  if (cfg.trust) cfg.trust->id(anchors);
  h.update(anchors, 32);
  uint8_t lim[12];
  store_be32(lim, uint32_t(cfg.limits.max_chain_depth));
  store_be32(lim + 4, cfg.limits.max_auth_age_s);
  store_be32(lim + 8, cfg.limits.min_rsa_bits);  // a weaker key floor must not reuse a stricter one's tickets
  h.update(lim, 12);
  for (const std::string& a : cfg.alpn) {
    uint8_t n = uint8_t(a.size());
    h.update(&n, 1);
    h.update(reinterpret_cast<const uint8_t*>(a.data()), a.size());
  }
  TicketKey k;
  k.server_name = server_name;
  k.port = port;
  k.partition = partition;
  h.peek(k.context.data());
  return k;
}

void Client::Impl::take_ticket() {
  if (!cfg.tickets || !offer_tls13()) return;
  int64_t now = clock->unix_ms();
  Ticket t;
  while (cfg.tickets->take(ticket_key, now, &t)) {
    const CipherSuite* cs = find_cipher_suite(t.cipher_suite);
    bool hash_offered = false;
    for (uint16_t s : cfg.cipher_suites) {
      const CipherSuite* o = find_cipher_suite(s);
      if (cs && o && o->hash == cs->hash) hash_offered = true;
    }
    if (!hash_offered) continue;  // §4.2.11: only offer a PSK usable with an offered suite
    if (t.expired(now, cfg.limits.max_auth_age_s)) continue;
    ticket = std::move(t);
    have_ticket = true;
    return;
  }
}

// A TLS 1.2 session for this key, offered beside any 1.3 ticket so that
// whichever version the server picks, it can resume. Only sessions with
// extended_master_secret are ever stored; the suite must still be offered.
void Client::Impl::find_session12() {
  if (!cfg.tickets || !offer_tls12()) return;
  const int64_t now = clock->unix_ms();
  Ticket t;
  if (!cfg.tickets->find_tls12(ticket_key, now, &t)) return;
  if (t.version != kTls12 || !t.extended_master_secret || t.psk_len != kMasterSecret12Len) return;
  if (t.expired(now, cfg.limits.max_auth_age_s)) return;
  if (!contains(cfg.tls12_cipher_suites, t.cipher_suite)) return;
  if (t.identity.empty() && (t.session_id.empty() || t.session_id.size() > 32)) return;
  session12 = std::move(t);
  have_session12 = true;
  info.tls12_session_offered = true;
}

Status Client::Impl::check_config() const {
  if (!cfg.trust) return Status::make(ErrorOrigin::usage, Alert::internal_error, "no trust anchors configured");
  if (cfg.cipher_suites.empty())
    return Status::make(ErrorOrigin::usage, Alert::internal_error, "no TLS 1.3 cipher suites configured");
  if (cfg.groups.empty()) return Status::make(ErrorOrigin::usage, Alert::internal_error, "no groups configured");
  if (cfg.key_share_groups.size() > shares.size())
    return Status::make(ErrorOrigin::usage, Alert::internal_error,
                        "key_share_groups lists more than 3 groups (leave it empty to derive it from groups)");
  for (uint16_t s : cfg.cipher_suites)
    if (!find_cipher_suite(s)) return Status::make(ErrorOrigin::usage, Alert::internal_error, "unknown cipher suite configured");
  if (cfg.min_version < kTls12 || cfg.max_version > kTls13 || cfg.min_version > cfg.max_version)
    return Status::make(ErrorOrigin::usage, Alert::internal_error, "versions must be TLS 1.2 (0x0303) .. TLS 1.3 (0x0304)");
  if (offer_tls12()) {
    if (cfg.tls12_cipher_suites.empty())
      return Status::make(ErrorOrigin::usage, Alert::internal_error, "TLS 1.2 enabled without TLS 1.2 cipher suites");
    for (uint16_t s : cfg.tls12_cipher_suites)
      if (!find_cipher_suite12(s)) return Status::make(ErrorOrigin::usage, Alert::internal_error, "unknown TLS 1.2 cipher suite configured");
  }
  for (uint16_t g : cfg.groups)
    if (!is_supported_group(g)) return Status::make(ErrorOrigin::usage, Alert::internal_error, "unknown group configured");
  for (size_t i = 0; i < cfg.key_share_groups.size(); ++i) {
    const uint16_t g = cfg.key_share_groups[i];
    if (!contains(cfg.groups, g))
      return Status::make(ErrorOrigin::usage, Alert::internal_error,
                          "a key_share_groups entry is not in groups (leave key_share_groups empty to derive it)");
    // RFC 8446 §4.2.8: no two KeyShareEntry values for one group.
    for (size_t j = 0; j < i; ++j)
      if (cfg.key_share_groups[j] == g)
        return Status::make(ErrorOrigin::usage, Alert::internal_error, "key_share_groups names a group twice");
  }
  for (const std::string& a : cfg.alpn)
    if (a.empty() || a.size() > 255) return Status::make(ErrorOrigin::usage, Alert::internal_error, "ALPN protocol name must be 1..255 bytes");
  return Status::ok();
}

Status Client::Impl::start(Bytes& out) {
  if (state != State::idle) return Status::make(ErrorOrigin::usage, Alert::internal_error, "start() called twice");
  Status usage = check_config();
  if (!usage.is_ok()) {
    // Nothing has been sent, so there is no one to send an alert to: the
    // caller gets the usage error and `out` stays as it was.
    err = usage;
    state = State::failed;
    expect = Expect::none;
    wipe_all();
    return err;
  }

  info.started_ms = clock->monotonic_ms();
  rng->fill(client_random, 32);
  rng->fill(session_id, 32);
  n_shares = 0;
  if (offer_tls13())  // a TLS 1.2-only client makes its ECDHE key after ServerKeyExchange
    for (uint16_t g : cfg.key_share_groups) shares[n_shares++].generate(NamedGroup(g), *rng);
  if (rng->failed()) {
    // Nothing has been sent: no alert, just the failure (never a
    // ClientHello made of predictable bytes).
    err = Status::make(ErrorOrigin::local, Alert::internal_error, kEntropyFailed);
    state = State::failed;
    expect = Expect::none;
    wipe_all();
    return err;
  }
  compute_ticket_key();
  if (cfg.offer_resumption) {  // false: a full handshake; what it earns is still stored
    take_ticket();
    find_session12();
  }
  if (have_session12 && session12.identity.empty()) {
    // Resumption by session id (RFC 5246 §7.4.1.2): the id goes in the
    // ClientHello. With an RFC 5077 ticket our own random id stays, and the
    // server echoes it to accept (RFC 5077 §3.4).
    session_id_len = session12.session_id.size();
    std::memcpy(session_id, session12.session_id.data(), session_id_len);
  }
  state = State::handshaking;
  reader.set_allow_change_cipher_spec(true);  // §5: after our first ClientHello
  Status s = send_client_hello(out);
  if (!s.is_ok()) return fail(s, out);
  expect = Expect::server_hello;
  return Status::ok();
}

// The first ClientHello was made but never sent (the async layer builds it
// while TCP connects): its ticket was not offered to anyone, so it returns
// to the store for a later connection; the TLS 1.2 session was only looked
// at (find_tls12), so it is still there. Then everything is wiped.
void Client::Impl::withdraw() {
  if (state != State::handshaking || expect != Expect::server_hello || hrr_seen) return;
  if (have_ticket && cfg.tickets) cfg.tickets->insert(ticket_key, std::move(ticket));
  have_ticket = false;
  info.ticket_offered = false;
  info.tls12_session_offered = false;
  state = State::closed;
  expect = Expect::none;
  wipe_all();
}

// Builds and sends ClientHello (1 or 2). With a ticket, pre_shared_key
// goes last and its binder is computed over the PartialClientHello, which
// after a HelloRetryRequest is preceded by message_hash(CH1) || HRR in the
// transcript (§4.2.11.2).
Status Client::Impl::send_client_hello(Bytes& out) {
  ClientHelloParams p;
  p.random = client_random;
  p.session_id = session_id;
  p.session_id_len = session_id_len;
  p.cipher_suites = &cfg.cipher_suites;
  p.groups = &cfg.groups;
  for (size_t i = 0; i < n_shares; ++i)
    p.key_shares.emplace_back(uint16_t(shares[i].group()), shares[i].public_key());
  p.signature_schemes = &kSignatureSchemes;
  if (sni) p.server_name = ByteView(reinterpret_cast<const uint8_t*>(server_name.data()), server_name.size());
  p.alpn = &cfg.alpn;
  p.cookie = ByteView(cookie);
  p.offer_tls13 = offer_tls13();
  p.offer_tls12 = offer_tls12();
  p.tls12_cipher_suites = &cfg.tls12_cipher_suites;
  if (have_session12) p.tls12_ticket = ByteView(session12.identity);
  PskOffer psk;
  const CipherSuite* tcs = have_ticket ? find_cipher_suite(ticket.cipher_suite) : nullptr;
  if (tcs) {
    psk.identity = ByteView(ticket.identity);
    psk.obfuscated_age = ticket.obfuscated_age(clock->unix_ms());
    psk.binder_len = hash_len(tcs->hash);
    p.psk = &psk;
  }
  psk_in_hello = p.psk != nullptr;
  info.psk_modes_sent = p.offer_tls13;

  Bytes msg;
  size_t binders_at = 0, binder_at = 0;
  Status built = build_client_hello(p, msg, &binders_at, &binder_at);
  if (!built.is_ok()) {
    // The first ClientHello is made of the caller's configuration: too long
    // a host name or ALPN list is a usage error. The second one differs by
    // what the server's HelloRetryRequest asked for — in practice its
    // cookie, which may be 2^16-1 bytes and then cannot be echoed inside a
    // 16-bit extensions block. That is the server's doing: its HRR is
    // syntactically valid (not decode_error) but inconsistent with the
    // ClientHello it demands (§6.2 illegal_parameter: "inconsistent with
    // other fields"); internal_error would blame the client in the server's
    // logs. Nothing malformed is sent either way.
    if (!hrr_seen) return Status::make(ErrorOrigin::usage, Alert::internal_error, built.what());
    if (!cookie.empty())
      return Status::fail(Alert::illegal_parameter,
                          "HelloRetryRequest cookie is too long to echo: the second ClientHello's extensions would exceed 2^16-1 bytes");
    return Status::fail(Alert::illegal_parameter, built.what());
  }
  if (p.psk) {
    early.emplace(EarlySecret::with_psk(tcs->hash, ByteView(ticket.psk, ticket.psk_len)));
    Secret binder_key;
    early->binder_key(binder_key);
    // The binder covers the PartialClientHello; after a HelloRetryRequest it
    // is preceded by message_hash(ClientHello1) || HelloRetryRequest, which
    // the transcript (already running with the HRR suite's hash, equal to
    // the ticket's) holds.
    uint8_t th[kMaxHashLen];
    MACTLS_TRY(transcript.hash_with_prefix(tcs->hash, ByteView(msg.data(), binders_at), th));
    compute_binder(tcs->hash, binder_key.view(), ByteView(th, hash_len(tcs->hash)), msg.data() + binder_at);
    info.ticket_offered = true;
  }
  transcript.add(ByteView(msg));
  if (hrr_seen && !ccs_sent) {
    // Middlebox compatibility (§D.4): a dummy ChangeCipherSpec before the
    // second flight.
    static const uint8_t kCcs = 1;
    MACTLS_TRY(write_plaintext(ContentType::change_cipher_spec, ByteView(&kCcs, 1), out));
    ccs_sent = true;
  }
  // The first ClientHello record says 0x0301 for old middleboxes (§5.1).
  return write_plaintext(ContentType::handshake, ByteView(msg), out,
                         hrr_seen ? kLegacyRecordVersion : kInitialClientHelloRecordVersion);
}

// ---------------------------------------------------------------- input

Status Client::Impl::feed(const uint8_t* in, size_t len, size_t* consumed, Bytes& out) {
  *consumed = 0;
  if (state == State::failed) return err;
  if (state == State::idle) return Status::make(ErrorOrigin::usage, Alert::internal_error, "feed() before start()");
  if (state == State::closed || state == State::peer_closed) {
    // Nothing is processed after close() or after the peer's close_notify
    // (§6.1); the bytes are taken and dropped.
    *consumed = len;
    return Status::ok();
  }
  // One record at a time: read() never consumes past the record it
  // returns, so key changes take effect exactly at record boundaries.
  ByteView input(in, len);
  while (app_in.size() - app_in_pos < cfg.limits.max_buffered_app_data) {  // else read() first
    Record rec;
    Status s = reader.read(input, rec);
    if (s.is_ok() && rec.present) s = process_record(rec, out);
    if (!s.is_ok()) {
      *consumed = len - input.size;
      return fail(s, out);
    }
    if (state == State::peer_closed) {
      // Nothing after close_notify is processed (§6.1).
      input = ByteView(in + len, 0);
      break;
    }
    if (!rec.present) break;  // all input consumed
  }
  *consumed = len - input.size;
  return Status::ok();
}

Status Client::Impl::process_record(const Record& rec, Bytes& out) {
  switch (rec.type) {
    case ContentType::alert: {
      AlertMessage am;
      MACTLS_TRY(parse_alert(rec.payload, am));
      if (!reassembler.empty())
        return Status::fail(Alert::unexpected_message, "alert interleaved with a fragmented handshake message");
      Alert a = am.alert();
      if (a == Alert::close_notify) {
        if (state == State::handshaking)
          return Status::make(ErrorOrigin::peer, a, "server closed the connection during the handshake");
        state = State::peer_closed;
        return Status::ok();
      }
      if (a == Alert::user_canceled) return Status::ok();  // §6.1: a close_notify follows
      // §6: every other alert is fatal in TLS 1.3, whatever its level.
      return Status::make(ErrorOrigin::peer, a, "server sent a fatal alert");
    }
    case ContentType::handshake: {
      MACTLS_TRY(reassembler.add(rec.payload));
      HandshakeMessage m;
      while (reassembler.next(m)) MACTLS_TRY(handle_message(m.type, m.bytes, out));
      return Status::ok();
    }
    case ContentType::change_cipher_spec:
      // Only a TLS 1.2 reader delivers it (RFC 5246 §7.1); 1.3 drops it.
      if (!tls12) return Status::fail(Alert::unexpected_message, "unexpected change_cipher_spec");
      if (!reassembler.empty())
        return Status::fail(Alert::unexpected_message, "change_cipher_spec interleaved with a fragmented handshake message");
      return tls12->on_change_cipher_spec();
    case ContentType::application_data:
      if (expect != Expect::connected)
        return Status::fail(Alert::unexpected_message, "application data before the handshake finished");
      if (state == State::closed) return Status::ok();
      if (rec.payload.size) key_updates_in_a_row = 0;
      if (!reassembler.empty())
        return Status::fail(Alert::unexpected_message, "application data interleaved with a fragmented handshake message");
      if (app_in_pos == app_in.size()) {
        app_in.clear();
        app_in_pos = 0;
      }
      app_in.insert(app_in.end(), rec.payload.begin(), rec.payload.end());
      return Status::ok();
    default:
      return Status::fail(Alert::unexpected_message, "unexpected record type");
  }
}

// The allowed-next check (separate from the handlers, as in Botan's
// handshake transitions): anything else is unexpected_message.
bool Client::Impl::allowed(uint8_t type) const {
  switch (expect) {
    case Expect::server_hello: return type == uint8_t(HandshakeType::server_hello);
    case Expect::encrypted_extensions: return type == uint8_t(HandshakeType::encrypted_extensions);
    case Expect::certificate_or_request:
      return type == uint8_t(HandshakeType::certificate) || type == uint8_t(HandshakeType::certificate_request);
    case Expect::certificate: return type == uint8_t(HandshakeType::certificate);
    case Expect::certificate_verify: return type == uint8_t(HandshakeType::certificate_verify);
    case Expect::finished: return type == uint8_t(HandshakeType::finished);
    case Expect::connected:
      // Post-handshake: no CertificateRequest (post_handshake_auth never offered).
      return type == uint8_t(HandshakeType::new_session_ticket) || type == uint8_t(HandshakeType::key_update);
    case Expect::none: return false;
  }
  return false;
}

Status Client::Impl::handle_message(uint8_t type, ByteView msg, Bytes& out) {
  if (tls12) {
    if (!tls12->allowed(type)) return Status::fail(Alert::unexpected_message, "handshake message out of order");
    return tls12->handle_message(type, msg, out);
  }
  if (!allowed(type)) {
    if (resumed && (type == uint8_t(HandshakeType::certificate) || type == uint8_t(HandshakeType::certificate_verify) ||
                    type == uint8_t(HandshakeType::certificate_request)))
      return Status::fail(Alert::unexpected_message, "server sent certificate messages on a resumed (PSK) handshake");
    return Status::fail(Alert::unexpected_message, "handshake message out of order");
  }
  ByteView body = msg.sub(4);
  switch (HandshakeType(type)) {
    case HandshakeType::server_hello: return on_server_hello(msg, body, out);
    case HandshakeType::encrypted_extensions: return on_encrypted_extensions(msg, body);
    case HandshakeType::certificate_request: return on_certificate_request(msg, body);
    case HandshakeType::certificate: return on_certificate(msg, body);
    case HandshakeType::certificate_verify: return on_certificate_verify(msg, body);
    case HandshakeType::finished: return on_finished(msg, body, out);
    case HandshakeType::new_session_ticket: return on_new_session_ticket(body);
    case HandshakeType::key_update: return on_key_update(body, out);
    default: return Status::fail(Alert::unexpected_message, "handshake message out of order");
  }
}

// ---------------------------------------------------------------- ServerHello

Status Client::Impl::on_server_hello(ByteView msg, ByteView body, Bytes& out) {
  ServerHello sh;
  MACTLS_TRY(parse_server_hello(body, cfg.limits.max_extensions, &sh));
  // Version first. §4.1.3: a client "receiving a ServerHello indicating
  // TLS 1.2 or below MUST check" the downgrade sentinel; a TLS 1.3
  // ServerHello's random is just random and may end in those bytes.
  if (sh.selected_version == 0) {
    if (offer_tls13() && has_downgrade_sentinel(sh.random))
      return Status::fail(Alert::illegal_parameter, "server random carries a TLS 1.2/1.1 downgrade sentinel");
    if (!offer_tls12()) return Status::fail(Alert::protocol_version, "server does not speak TLS 1.3");
    if (sh.is_hrr || hrr_seen)
      return Status::fail(Alert::illegal_parameter, "TLS 1.2 ServerHello after a HelloRetryRequest");
    // The version decision: from here on the TLS 1.2 machine runs.
    tls12 = std::make_unique<Client12>(*this);
    expect = Expect::none;
    return tls12->on_server_hello(sh, msg);
  }
  if (sh.selected_version != kTls13 || !offer_tls13())
    return Status::fail(Alert::illegal_parameter, "server selected a version mactls did not offer");
  if (sh.legacy_version != kTls12)
    return Status::fail(Alert::illegal_parameter, "ServerHello legacy_version is not 0x0303");
  if (!sh.session_id.equals(ByteView(session_id, session_id_len)))
    return Status::fail(Alert::illegal_parameter, "server did not echo the legacy session id");
  if (!contains(cfg.cipher_suites, sh.cipher_suite))
    return Status::fail(Alert::illegal_parameter, "server selected a cipher suite mactls did not offer");
  if (sh.is_hrr) return on_hello_retry(sh, msg, out);
  session12 = Ticket();  // TLS 1.3 it is: a 1.2 session offered beside is not needed (the store keeps it)
  // The real ServerHello must leave the record it came in (§5.1: no
  // handshake message may span the key change that follows).
  MACTLS_TRY(reassembler.check_key_change());  // §5.1: nothing may follow ServerHello under the old keys
  if (hrr_seen && sh.cipher_suite != hrr_suite)
    return Status::fail(Alert::illegal_parameter, "ServerHello cipher suite differs from the HelloRetryRequest's");

  const CipherSuite* cs = find_cipher_suite(sh.cipher_suite);
  const CipherSuite* tcs = psk_in_hello ? find_cipher_suite(ticket.cipher_suite) : nullptr;
  if (sh.has_psk) {
    // RFC 8446 §4.2.11 and §4.2.9: a PSK answer must fit what we offered.
    if (!psk_in_hello) return Status::fail(Alert::unsupported_extension, "server selected a pre_shared_key mactls did not offer");
    if (sh.selected_identity != 0) return Status::fail(Alert::illegal_parameter, "server selected a PSK identity out of range");
    if (tcs->hash != cs->hash) return Status::fail(Alert::illegal_parameter, "server resumed with a cipher suite of another hash");
    if (!sh.has_key_share) return Status::fail(Alert::illegal_parameter, "server resumed without key_share; mactls offers psk_dhe_ke only");
  } else if (!sh.has_key_share) {
    return Status::fail(Alert::missing_extension, "ServerHello lacks key_share");
  }
  KeyShare* ks = nullptr;
  for (size_t i = 0; i < n_shares; ++i)
    if (uint16_t(shares[i].group()) == sh.key_share_group) ks = &shares[i];
  if (!ks) return Status::fail(Alert::illegal_parameter, "server key share is for a group mactls sent no share for");
  if (hrr_seen && hrr_group != 0 && sh.key_share_group != hrr_group)
    return Status::fail(Alert::illegal_parameter, "ServerHello group differs from the HelloRetryRequest's");

  Secret shared;
  MACTLS_TRY(ks->compute_shared(sh.key_share, shared));
  for (auto& s : shares) s.wipe();  // the private keys are no longer needed

  suite = cs;
  info.version = kTls13;
  info.cipher_suite = cs->code;
  info.group = sh.key_share_group;
  if (sh.has_psk) {
    resumed = true;
    info.resumed = true;
  } else {
    if (psk_in_hello) info.declined = true;  // the ticket is spent; full handshake on this connection
    early.emplace(EarlySecret::without_psk(cs->hash));
  }
  // The transcript waited with ClientHello buffered until the suite fixed
  // its hash (after an HRR it already runs with the same suite's hash).
  MACTLS_TRY(transcript.set_hash(cs->hash));
  transcript.add(msg);
  hs.emplace(std::move(*early).into_handshake(shared.view()));
  early.reset();
  uint8_t th[kMaxHashLen];
  ByteView thv(th, transcript.current_hash(th));
  hs->client_traffic(thv, client_hs_secret);
  hs->server_traffic(thv, server_hs_secret);
  keylog("CLIENT_HANDSHAKE_TRAFFIC_SECRET", client_hs_secret);
  keylog("SERVER_HANDSHAKE_TRAFFIC_SECRET", server_hs_secret);
  MACTLS_TRY(reader.set_keys(*cs, server_hs_secret.view()));
  MACTLS_TRY(writer.set_keys(*cs, client_hs_secret.view()));
  expect = Expect::encrypted_extensions;
  return Status::ok();
}

Status Client::Impl::on_hello_retry(const ServerHello& sh, ByteView msg, Bytes& out) {
  if (hrr_seen) return Status::fail(Alert::unexpected_message, "second HelloRetryRequest");
  hrr_seen = true;
  info.hello_retry = true;
  MACTLS_TRY(reassembler.check_key_change());  // the second ServerHello must wait for ClientHello2
  if (!sh.has_key_share && sh.cookie.empty())
    return Status::fail(Alert::illegal_parameter, "HelloRetryRequest would not change the ClientHello");
  if (sh.has_key_share) {
    if (!contains(cfg.groups, sh.key_share_group))
      return Status::fail(Alert::illegal_parameter, "HelloRetryRequest selected a group mactls did not offer");
    for (size_t i = 0; i < n_shares; ++i)
      if (uint16_t(shares[i].group()) == sh.key_share_group)
        return Status::fail(Alert::illegal_parameter, "HelloRetryRequest selected a group mactls already sent a share for");
  }
  const CipherSuite* cs = find_cipher_suite(sh.cipher_suite);
  hrr_suite = sh.cipher_suite;
  cookie = sh.cookie.to_bytes();

  // Transcript: ClientHello1 becomes message_hash (§4.4.1), then the HRR.
  MACTLS_TRY(transcript.set_hash(cs->hash));
  MACTLS_TRY(transcript.restart_with_message_hash());
  transcript.add(msg);

  // A new share only for the selected group; otherwise keep ours.
  if (sh.has_key_share) {
    for (auto& s : shares) s.wipe();
    shares[0].generate(NamedGroup(sh.key_share_group), *rng);
    if (rng->failed()) return Status::make(ErrorOrigin::local, Alert::internal_error, kEntropyFailed);
    n_shares = 1;
    hrr_group = sh.key_share_group;
  } else {
    // A cookie-only HelloRetryRequest: §4.1.2 asks for the same ClientHello
    // but for the cookie, so every share we sent goes again and the
    // ServerHello may answer on any of them (0 = no group fixed by the HRR).
    hrr_group = 0;
  }
  // The PSK stays only if its hash matches the suite the server chose.
  if (psk_in_hello) {
    const CipherSuite* tcs = find_cipher_suite(ticket.cipher_suite);
    if (tcs->hash != cs->hash) {
      have_ticket = false;
      info.psk_dropped_after_hrr = true;
      info.declined = true;
      ticket = Ticket();
      early.reset();
    }
  }
  return send_client_hello(out);
}

// ---------------------------------------------------------------- encrypted flight

Status Client::Impl::on_encrypted_extensions(ByteView msg, ByteView body) {
  EncryptedExtensions ee;
  MACTLS_TRY(parse_encrypted_extensions(body, !cfg.alpn.empty(), sni, cfg.limits.max_extensions, &ee));
  if (ee.has_alpn) {
    std::string sel(reinterpret_cast<const char*>(ee.alpn.data), ee.alpn.size);
    if (std::find(cfg.alpn.begin(), cfg.alpn.end(), sel) == cfg.alpn.end())
      return Status::fail(Alert::illegal_parameter, "server selected an ALPN protocol mactls did not offer");
    info.alpn = sel;
  }
  if (resumed && info.alpn != ticket.alpn) {
    // RFC 8446 §4.6.1 binds ALPN to the ticket only for 0-RTT; for a 1-RTT
    // resumption a different protocol is allowed, so just note it.
  }
  transcript.add(msg);
  expect = resumed ? Expect::finished : Expect::certificate_or_request;
  return Status::ok();
}

Status Client::Impl::on_certificate_request(ByteView msg, ByteView body) {
  CertificateRequestMsg cr;
  MACTLS_TRY(parse_certificate_request(body, cfg.limits.max_extensions, &cr));
  // §4.3.2: in the main handshake the context is empty.
  if (!cr.context.empty()) return Status::fail(Alert::illegal_parameter, "CertificateRequest context must be empty in the handshake");
  cert_requested = true;
  transcript.add(msg);
  expect = Expect::certificate;
  return Status::ok();
}

Status Client::Impl::verify_server_certificates(const std::vector<ByteView>& certs, VerifiedChain* vc) {
  VerifyOptions vo;
  vo.host = server_name;
  vo.now_unix = clock->unix_seconds();
  vo.max_depth = cfg.limits.max_chain_depth;
  vo.min_rsa_bits = cfg.limits.min_rsa_bits;
  vo.max_signature_checks = cfg.limits.max_signature_checks;
  vo.max_path_candidates = cfg.limits.max_path_candidates;
  vo.max_name_constraint_checks = cfg.limits.max_name_constraint_checks;
  Status verified =
      verify_server_chain_cached(certs.data(), certs.size(), *cfg.trust, vo, cfg.verify_cache, vc, &pending_verify);
  info.cert_signature_checks = vc->signature_checks;
  info.cert_path_candidates = vc->candidates_tried;
  info.chain_cache_hit = vc->chain_cache_hit;
  info.cert_signatures_cached = vc->signatures_cached;
  return verified;
}

Status Client::Impl::on_certificate(ByteView msg, ByteView body) {
  CertificateMsg cm;
  MACTLS_TRY(parse_certificate(body, cfg.limits.max_chain_certificates, cfg.limits.max_extensions, &cm));
  if (!cm.request_context.empty())
    return Status::fail(Alert::illegal_parameter, "server Certificate has a request context");
  if (cm.certs.empty()) return Status::fail(Alert::decode_error, "server sent an empty certificate chain");
  VerifiedChain vc;
  MACTLS_TRY(verify_server_certificates(cm.certs, &vc));
  leaf_key = std::move(vc.leaf_key);
  // Not yet the peer's identity: the server has not proved it holds the
  // leaf's key (on_certificate_verify publishes these).
  pending_identity = std::move(vc.leaf_summary);
  pending_chain = std::move(vc.chain_summary);
  pending_auth_unix_s = clock->unix_seconds();
  pending_cert_not_after_s = vc.not_after;
  transcript.add(msg);
  expect = Expect::certificate_verify;
  return Status::ok();
}

Status Client::Impl::on_certificate_verify(ByteView msg, ByteView body) {
  CertificateVerifyMsg cv;
  MACTLS_TRY(parse_certificate_verify(body, &cv));
  // §4.4.3: the scheme must be one we offered; RSASSA-PKCS1-v1_5 is for
  // certificates only.
  if (!contains(kSignatureSchemes, cv.scheme) || cv.scheme == 0x0401 || cv.scheme == 0x0501 || cv.scheme == 0x0601)
    return Status::fail(Alert::illegal_parameter, "CertificateVerify uses a signature scheme mactls did not offer");
  uint8_t th[kMaxHashLen];
  ByteView thv(th, transcript.current_hash(th));
  uint8_t content[200];
  size_t n = certificate_verify_content(thv, content);
  MACTLS_TRY(leaf_key.verify(SignatureScheme(cv.scheme), ByteView(content, n), cv.signature));
  // §4.4.3: the server has now proved possession of the certified key; only
  // now is the chain's identity the peer's.
  // The server proved it holds the leaf's key: only now does what this
  // handshake verified enter the caches (never from a failed handshake).
  pending_verify.commit(cfg.verify_cache);
  info.signature_scheme = cv.scheme;
  info.peer_identity = std::move(pending_identity);
  info.peer_chain = std::move(pending_chain);
  info.auth_unix_s = pending_auth_unix_s;
  info.cert_not_after_s = pending_cert_not_after_s;
  transcript.add(msg);
  expect = Expect::finished;
  return Status::ok();
}

Status Client::Impl::on_finished(ByteView msg, ByteView body, Bytes& out) {
  const HashAlg h = suite->hash;
  const size_t hl = hash_len(h);
  if (body.size != hl) return Status::fail(Alert::decode_error, "Finished has the wrong length");
  MACTLS_TRY(reassembler.check_key_change());
  uint8_t th[kMaxHashLen], want[kMaxHashLen];
  (void)transcript.current_hash(th);
  Secret fk;
  finished_key(h, server_hs_secret.view(), fk);
  finished_verify_data(h, fk.view(), ByteView(th, hl), want);
  if (!ct_equal(want, body.data, hl)) return Status::fail(Alert::decrypt_error, "server Finished does not verify");
  transcript.add(msg);

  // Application secrets come from the transcript through server Finished.
  master.emplace(std::move(*hs).into_master());
  hs.reset();
  (void)transcript.current_hash(th);
  ByteView thv(th, hl);
  master->client_application_traffic(thv, client_app_secret);
  master->server_application_traffic(thv, server_app_secret);
  keylog("CLIENT_TRAFFIC_SECRET_0", client_app_secret);
  keylog("SERVER_TRAFFIC_SECRET_0", server_app_secret);
  if (cfg.keylog) {
    Secret exp;
    master->exporter_master(thv, exp);
    keylog("EXPORTER_SECRET", exp);
  }
  MACTLS_TRY(reader.set_keys(*suite, server_app_secret.view()));
  reader.set_allow_change_cipher_spec(false);  // §5: only until the peer's Finished

  // Our flight: [CCS] [empty Certificate if asked] Finished.
  if (!ccs_sent) {
    static const uint8_t kCcs = 1;
    MACTLS_TRY(write_plaintext(ContentType::change_cipher_spec, ByteView(&kCcs, 1), out));
    ccs_sent = true;
  }
  if (cert_requested) {
    // No client certificates: an empty Certificate (§4.4.2), no CertificateVerify.
    uint8_t empty[4] = {0, 0, 0, 0};  // context<0>, certificate_list<0>
    Bytes cmsg;
    append_handshake(cmsg, HandshakeType::certificate, ByteView(empty, 4));
    transcript.add(ByteView(cmsg));
    MACTLS_TRY(send_handshake(ByteView(cmsg), out));
  }
  (void)transcript.current_hash(th);
  Secret cfk;
  finished_key(h, client_hs_secret.view(), cfk);
  uint8_t vd[kMaxHashLen];
  finished_verify_data(h, cfk.view(), ByteView(th, hl), vd);
  Bytes fmsg;
  append_handshake(fmsg, HandshakeType::finished, ByteView(vd, hl));
  transcript.add(ByteView(fmsg));
  MACTLS_TRY(send_handshake(ByteView(fmsg), out));
  MACTLS_TRY(writer.set_keys(*suite, client_app_secret.view()));
  reassembler.release_memory();

  // resumption_master_secret: transcript through client Finished (§7.1).
  (void)transcript.current_hash(th);
  master->resumption_master(ByteView(th, hl), resumption_master);
  client_hs_secret.wipe();
  server_hs_secret.wipe();
  master.reset();  // traffic secrets and res_master are all that remain
  leaf_key = PublicKey();
  if (resumed) {
    info.peer_identity = ticket.peer_identity;
    info.auth_unix_s = ticket.auth_unix_s;
    info.cert_not_after_s = ticket.cert_not_after_s;
  }
  ticket = Ticket();  // the offered ticket's PSK is spent either way
  state = State::open;
  expect = Expect::connected;
  info.handshake_done_ms = clock->monotonic_ms();
  return Status::ok();
}

Status Client::Impl::send_handshake(ByteView msg, Bytes& out) { return writer.write(ContentType::handshake, msg, out); }

// ---------------------------------------------------------------- post-handshake

Status Client::Impl::on_new_session_ticket(ByteView body) {
  NewSessionTicketMsg nst;
  MACTLS_TRY(parse_new_session_ticket(body, cfg.limits.max_ticket_size, &nst));
  info.tickets_received++;
  if (!cfg.tickets || nst.do_not_store || nst.oversize) return Status::ok();
  if (++tickets_seen > cfg.limits.max_tickets_per_connection) return Status::ok();
  Ticket t;
  // A ticket earned on a resumed connection carries the original
  // authentication: its time and the peer identity (RESUMPTION_SCOPE.md).
  MACTLS_TRY(make_ticket(nst, suite->code, suite->hash, resumption_master.view(), clock->unix_ms(),
                         info.auth_unix_s, info.peer_identity, info.alpn, &t));
  // RFC 8446 §4.6.1: a ticket is bounded by the certificate it was earned
  // with; inherited across resumptions like the authentication time.
  t.cert_not_after_s = info.cert_not_after_s;
  t.max_auth_age_s = cfg.limits.max_auth_age_s;  // the store judges it by the same bound
  if (t.expired(clock->unix_ms(), cfg.limits.max_auth_age_s)) return Status::ok();
  cfg.tickets->insert(ticket_key, std::move(t));
  info.tickets_stored++;
  return Status::ok();
}

Status Client::Impl::on_key_update(ByteView body, Bytes& out) {
  bool requested = false;
  MACTLS_TRY(parse_key_update(body, &requested));
  MACTLS_TRY(reassembler.check_key_change());
  if (++key_updates_in_a_row > cfg.limits.max_key_updates)
    return Status::fail(Alert::unexpected_message, "too many KeyUpdates without application data");
  const HashAlg h = suite->hash;
  Secret next;
  next_traffic_secret(h, server_app_secret.view(), next);
  server_app_secret = std::move(next);
  MACTLS_TRY(reader.set_keys(*suite, server_app_secret.view()));
  if (requested && state == State::open) {
    // §4.6.3: answer with update_not_requested under the old key, then move on.
    uint8_t b = 0;
    Bytes m;
    append_handshake(m, HandshakeType::key_update, ByteView(&b, 1));
    MACTLS_TRY(send_handshake(ByteView(m), out));
    Secret nc;
    next_traffic_secret(h, client_app_secret.view(), nc);
    client_app_secret = std::move(nc);
    MACTLS_TRY(writer.set_keys(*suite, client_app_secret.view()));
  }
  return Status::ok();
}

// ---------------------------------------------------------------- output

Status Client::Impl::write(const uint8_t* data, size_t len, Bytes& out) {
  if (state == State::failed) return err;
  if (state != State::open && state != State::peer_closed)
    return Status::make(ErrorOrigin::usage, Alert::internal_error, "write() before the handshake finished or after close()");
  Status s = writer.write(ContentType::application_data, ByteView(data, len), out);
  if (!s) return fail(s, out);
  return Status::ok();
}

Status Client::Impl::close(Bytes& out) {
  if (state == State::failed || state == State::closed) return Status::ok();
  if (state != State::idle) {
    uint8_t alert[2];
    encode_alert(Alert::close_notify, alert);
    if (writer.has_keys())
      (void)writer.write(ContentType::alert, ByteView(alert, 2), out);
    else
      (void)write_plaintext(ContentType::alert, ByteView(alert, 2), out);
  }
  state = State::closed;
  expect = Expect::none;
  // Keep undelivered application data readable; wipe every key.
  Bytes keep;
  keep.swap(app_in);
  size_t keep_pos = app_in_pos;
  wipe_all();
  app_in.swap(keep);
  app_in_pos = keep_pos;
  return Status::ok();
}

// ---------------------------------------------------------------- Client

Client::Client(const ClientConfig& config, std::string server_name, uint16_t port)
    : Client(config, std::move(server_name), port, std::string()) {}
Client::Client(const ClientConfig& config, std::string server_name, uint16_t port, std::string partition)
    : impl_((install_wiping_bignum_memory(), new Impl(config, std::move(server_name), port, std::move(partition)))) {}
Client::~Client() = default;

Status Client::start(std::vector<uint8_t>& out) { return impl_->start(out); }
Status Client::check_config() const { return impl_->check_config(); }
void Client::withdraw() { impl_->withdraw(); }
TicketKey Client::ticket_key() const { return impl_->make_ticket_key(); }
Status Client::feed(const uint8_t* in, size_t len, size_t* consumed, std::vector<uint8_t>& out) {
  size_t dummy;
  return impl_->feed(in, len, consumed ? consumed : &dummy, out);
}
Status Client::write(const uint8_t* data, size_t len, std::vector<uint8_t>& out) { return impl_->write(data, len, out); }
size_t Client::read(uint8_t* buf, size_t cap) {
  Impl& m = *impl_;
  size_t n = std::min(cap, m.app_in.size() - m.app_in_pos);
  if (n) std::memcpy(buf, m.app_in.data() + m.app_in_pos, n);
  secure_wipe(m.app_in.data() + m.app_in_pos, n);
  m.app_in_pos += n;
  if (m.app_in_pos == m.app_in.size()) {
    m.app_in.clear();
    m.app_in_pos = 0;
  }
  return n;
}
size_t Client::readable() const { return impl_->app_in.size() - impl_->app_in_pos; }
Status Client::close(std::vector<uint8_t>& out) { return impl_->close(out); }
Client::State Client::state() const { return impl_->state; }
bool Client::handshake_done() const { return impl_->info.handshake_done_ms != 0 || impl_->state == State::open; }
Status Client::error() const { return impl_->err; }
const ConnectionInfo& Client::info() const { return impl_->info; }
size_t ClientAccess::secret_bytes_held(const Client& c) { return c.impl_->secret_bytes(); }

const char* client_state_name(Client::State s) {
  switch (s) {
    case Client::State::idle: return "idle";
    case Client::State::handshaking: return "handshaking";
    case Client::State::open: return "open";
    case Client::State::peer_closed: return "peer_closed";
    case Client::State::closed: return "closed";
    case Client::State::failed: return "failed";
  }
  return "unknown";
}

}  // namespace mactls
