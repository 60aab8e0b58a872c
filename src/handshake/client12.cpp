// mactls handshake — the TLS 1.2 client state machine (see client12.h).
#include "handshake/client12.h"

#include <algorithm>
#include <cstring>

#include "handshake/client_impl.h"
#include "handshake/messages12.h"
#include "x509/verify.h"

namespace mactls {

namespace {

bool contains(const std::vector<uint16_t>& v, uint16_t x) {
  for (uint16_t y : v)
    if (y == x) return true;
  return false;
}

// RFC 8422 §5.3 (ECDSA and Ed25519 keys for ECDHE_ECDSA) and RFC 5246
// §7.4.2 (an RSA key for ECDHE_RSA).
bool key_fits_suite(KeyType k, const CipherSuite& suite) {
  if (suite12_uses_ecdsa(suite)) return k == KeyType::ec_p256 || k == KeyType::ec_p384 || k == KeyType::ed25519;
  return k == KeyType::rsa || k == KeyType::rsa_pss;
}

}  // namespace

Status Client12::on_server_hello(const ServerHello& sh, ByteView msg) {
  // RFC 5246 §7.4.1.3 / Appendix E.1: mactls speaks nothing older than 1.2.
  if (sh.legacy_version != kTls12)
    return Status::fail(Alert::protocol_version, "server chose a TLS version older than 1.2");
  const CipherSuite* cs = find_cipher_suite12(sh.cipher_suite);
  if (!cs || !contains(c_.cfg.tls12_cipher_suites, sh.cipher_suite))
    return Status::fail(Alert::illegal_parameter, "server selected a cipher suite mactls did not offer");
  Offered12 offered;
  offered.sni = c_.sni;
  offered.alpn = !c_.cfg.alpn.empty();
  ServerHello12Extensions ex;
  MACTLS_TRY(parse_server_hello12_extensions(sh.legacy_extensions, offered, c_.cfg.limits.max_extensions, &ex));
  // RFC 5746 §3.4: the initial handshake's answer must carry an empty
  // renegotiation_info; without it the server may renegotiate insecurely.
  if (!ex.renegotiation_info)
    return Status::fail(Alert::handshake_failure, "server did not echo renegotiation_info (RFC 5746)");
  if (!ex.renegotiated_connection.empty())
    return Status::fail(Alert::handshake_failure, "server's renegotiation_info is not empty on the initial handshake");
  if (!ex.extended_master_secret && c_.cfg.require_extended_master_secret)
    return Status::fail(Alert::handshake_failure, "server does not support extended_master_secret (RFC 7627), which the config requires");
  // Without a 1.2 session offered, the session id we sent is random, for
  // TLS 1.3 middleboxes: a server echoing it claims to resume a session
  // mactls never offered. With one, the echo is the acceptance (RFC 5246
  // §7.4.1.3, RFC 5077 §3.4).
  const bool echoed = !sh.session_id.empty() && sh.session_id.equals(ByteView(c_.session_id, c_.session_id_len));
  if (echoed && !c_.have_session12)
    return Status::fail(Alert::illegal_parameter, "server resumed a TLS 1.2 session mactls did not offer");
  if (echoed) {
    if (sh.cipher_suite != c_.session12.cipher_suite)
      return Status::fail(Alert::illegal_parameter, "server resumed the session with another cipher suite");
    // RFC 7627 §5.3: an EMS session resumed without EMS must be refused.
    if (!ex.extended_master_secret)
      return Status::fail(Alert::handshake_failure, "server resumed an extended_master_secret session without it");
    resumed_ = true;
  }
  // Whatever was offered and not resumed means a full handshake on this
  // connection. A 1.3 ticket cannot serve 1.2: it is held until Finished
  // decides whether it goes back to the store (return_ignored_ticket).
  if (!resumed_ && (c_.have_session12 || c_.psk_in_hello)) c_.info.declined = true;
  server_session_id_ = sh.session_id.to_bytes();
  if (ex.has_alpn) {
    std::string sel(reinterpret_cast<const char*>(ex.alpn.data), ex.alpn.size);
    if (std::find(c_.cfg.alpn.begin(), c_.cfg.alpn.end(), sel) == c_.cfg.alpn.end())
      return Status::fail(Alert::illegal_parameter, "server selected an ALPN protocol mactls did not offer");
    c_.info.alpn = sel;
  }
  suite_ = cs;
  ems_ = ex.extended_master_secret;
  ticket_expected_ = ex.session_ticket;
  std::memcpy(server_random_, sh.random.data, kHelloRandomLen);
  if (!c_.psk_in_hello) c_.ticket = Ticket();
  c_.early.reset();
  c_.suite = cs;
  c_.info.version = kTls12;
  c_.info.cipher_suite = cs->code;
  MACTLS_TRY(c_.transcript.set_hash(cs->hash));
  c_.transcript.add(msg);
  c_.reader.set_tls12(true);
  if (resumed_) {
    // The abbreviated handshake: the stored master secret, fresh randoms.
    master_.assign(c_.session12.psk, kMasterSecret12Len);
    c_.keylog("CLIENT_RANDOM", master_);
    MACTLS_TRY(key_block12(*suite_, master_.view(), ByteView(c_.client_random, kHelloRandomLen),
                           ByteView(server_random_, kHelloRandomLen), client_keys_, server_keys_));
    c_.info.resumed = true;
    c_.info.peer_identity = c_.session12.peer_identity;
    c_.info.auth_unix_s = c_.session12.auth_unix_s;
    cert_not_after_s_ = c_.session12.cert_not_after_s;
    c_.info.cert_not_after_s = cert_not_after_s_;
    expect_ = ticket_expected_ ? Expect::ticket_or_ccs : Expect::ccs;
    return Status::ok();
  }
  expect_ = Expect::certificate;
  return Status::ok();
}

bool Client12::allowed(uint8_t type) const {
  if (type == uint8_t(HandshakeType::hello_request)) return expect_ != Expect::none;
  switch (expect_) {
    case Expect::certificate: return type == uint8_t(HandshakeType::certificate);
    case Expect::server_key_exchange: return type == uint8_t(HandshakeType::server_key_exchange);
    case Expect::certificate_request_or_done:
      return type == uint8_t(HandshakeType::certificate_request) || type == uint8_t(HandshakeType::server_hello_done);
    case Expect::server_hello_done: return type == uint8_t(HandshakeType::server_hello_done);
    case Expect::ticket_or_ccs: return type == uint8_t(HandshakeType::new_session_ticket);
    case Expect::finished: return type == uint8_t(HandshakeType::finished);
    case Expect::ccs:
    case Expect::connected:
    case Expect::none: return false;
  }
  return false;
}

Status Client12::handle_message(uint8_t type, ByteView msg, Bytes& out) {
  ByteView body = msg.sub(4);
  switch (HandshakeType(type)) {
    case HandshakeType::hello_request: return on_hello_request(body, out);
    case HandshakeType::certificate: return on_certificate(msg, body);
    case HandshakeType::server_key_exchange: return on_server_key_exchange(msg, body);
    case HandshakeType::certificate_request: return on_certificate_request(msg, body);
    case HandshakeType::server_hello_done: return on_server_hello_done(msg, body, out);
    case HandshakeType::new_session_ticket: return on_new_session_ticket(msg, body);
    case HandshakeType::finished: return on_finished(msg, body, out);
    default: return Status::fail(Alert::unexpected_message, "handshake message out of order");
  }
}

Status Client12::on_certificate(ByteView msg, ByteView body) {
  std::vector<ByteView> certs;
  MACTLS_TRY(parse_certificate12(body, c_.cfg.limits.max_chain_certificates, &certs));
  if (certs.empty()) return Status::fail(Alert::decode_error, "server sent an empty certificate chain");
  // The same validation as TLS 1.3, through the same code path: limits,
  // host name, validity at the current time, and the verification caches
  // (a chain-cache hit skips the chain's signatures, never the host name,
  // the validity or the ServerKeyExchange signature below).
  VerifiedChain vc;
  MACTLS_TRY(c_.verify_server_certificates(certs, &vc));
  if (!key_fits_suite(vc.leaf_key.type(), *suite_))
    return Status::fail(Alert::unsupported_certificate, "server certificate key does not fit the negotiated suite");
  leaf_key_ = std::move(vc.leaf_key);
  cert_not_after_s_ = vc.not_after;
  // Not yet the peer's identity: the ServerKeyExchange signature proves the
  // server holds the leaf's key (on_server_key_exchange publishes these).
  c_.pending_identity = std::move(vc.leaf_summary);
  c_.pending_chain = std::move(vc.chain_summary);
  c_.pending_auth_unix_s = c_.clock->unix_seconds();
  c_.transcript.add(msg);
  expect_ = Expect::server_key_exchange;
  return Status::ok();
}

Status Client12::on_server_key_exchange(ByteView msg, ByteView body) {
  ServerKeyExchange12 ske;
  MACTLS_TRY(parse_server_key_exchange12(body, &ske));
  // RFC 8422 §5.4: a curve from our supported_groups.
  if (!contains(c_.cfg.groups, ske.group))
    return Status::fail(Alert::illegal_parameter, "ServerKeyExchange uses a group mactls did not offer");
  // RFC 5246 §7.4.1.4.1: a signature algorithm from our list.
  if (!contains(kSignatureSchemes, ske.scheme))
    return Status::fail(Alert::illegal_parameter, "ServerKeyExchange uses a signature scheme mactls did not offer");
  Bytes content;
  server_key_exchange12_signed_content(ByteView(c_.client_random, kHelloRandomLen),
                                       ByteView(server_random_, kHelloRandomLen), ske.params, content);
  // A bad signature is decrypt_error (RFC 5246 §7.2.2); a scheme that does
  // not fit the key is illegal_parameter.
  if (ske.scheme == uint16_t(SignatureScheme::ecdsa_secp256r1_sha256) ||
      ske.scheme == uint16_t(SignatureScheme::ecdsa_secp384r1_sha384)) {
    // In TLS 1.2 these code points mean (sha256|sha384, ecdsa) on any curve
    // (RFC 5246 §7.4.1.4.1, RFC 8422 §5.1.3): the curve binding is TLS 1.3's.
    MACTLS_TRY(leaf_key_.verify_ecdsa_digest(ske.scheme == 0x0403 ? 0 : 1, ByteView(content), ske.signature));
  } else {
    MACTLS_TRY(leaf_key_.verify(SignatureScheme(ske.scheme), ByteView(content), ske.signature));
  }
  // The server holds the leaf's key: the chain's identity is the peer's
  // now. The verification caches are filled only once the handshake is
  // complete (on_finished), never from a failed one.
  c_.info.peer_identity = std::move(c_.pending_identity);
  c_.info.peer_chain = std::move(c_.pending_chain);
  c_.info.auth_unix_s = c_.pending_auth_unix_s;
  c_.info.cert_not_after_s = cert_not_after_s_;
  group_ = ske.group;
  server_point_ = ske.public_point.to_bytes();
  c_.info.group = ske.group;
  c_.info.signature_scheme = ske.scheme;
  c_.transcript.add(msg);
  expect_ = Expect::certificate_request_or_done;
  return Status::ok();
}

Status Client12::on_certificate_request(ByteView msg, ByteView body) {
  MACTLS_TRY(parse_certificate_request12(body));
  cert_requested_ = true;
  c_.transcript.add(msg);
  expect_ = Expect::server_hello_done;
  return Status::ok();
}

Status Client12::on_server_hello_done(ByteView msg, ByteView body, Bytes& out) {
  if (!body.empty()) return Status::fail(Alert::decode_error, "ServerHelloDone is not empty");
  // Nothing may follow ServerHelloDone before our flight.
  MACTLS_TRY(c_.reassembler.check_key_change());
  c_.transcript.add(msg);
  if (cert_requested_) {
    // RFC 5246 §7.4.6: no client certificate, so an empty list.
    static const uint8_t kEmpty[3] = {0, 0, 0};
    Bytes cm;
    append_handshake(cm, HandshakeType::certificate, ByteView(kEmpty, 3));
    c_.transcript.add(ByteView(cm));
    MACTLS_TRY(write_plaintext(ContentType::handshake, ByteView(cm), out));
  }
  // ECDHE: reuse the ClientHello's key share for this group if there is one
  // (one key generation less on the G3), else make one now.
  KeyShare* share = nullptr;
  for (size_t i = 0; i < c_.n_shares; ++i)
    if (uint16_t(c_.shares[i].group()) == group_ && c_.shares[i].has_key()) share = &c_.shares[i];
  if (!share) {
    for (auto& s : c_.shares) s.wipe();
    c_.shares[0].generate(NamedGroup(group_), *c_.rng);
    // A failed entropy source stops the handshake (never a predictable key).
    if (c_.rng->failed() || !c_.shares[0].has_key())
      return Status::make(ErrorOrigin::local, Alert::internal_error,
                          "the entropy source failed: no random bytes for the handshake");
    c_.n_shares = 1;
    share = &c_.shares[0];
  }
  Secret pms;
  MACTLS_TRY(share->compute_shared(ByteView(server_point_), pms));  // validates the point
  // RFC 8422 §5.7: ClientECDiffieHellmanPublic, ecdh_Yc<1..2^8-1>.
  Bytes cke_body;
  Writer w(cke_body);
  w.vec8(share->public_key());
  Bytes cke;
  append_handshake(cke, HandshakeType::client_key_exchange, ByteView(cke_body));
  c_.transcript.add(ByteView(cke));
  MACTLS_TRY(write_plaintext(ContentType::handshake, ByteView(cke), out));
  for (auto& s : c_.shares) s.wipe();

  const HashAlg h = suite_->hash;
  if (ems_) {
    // RFC 7627 §4: session_hash covers ClientHello .. ClientKeyExchange.
    uint8_t session_hash[kMaxHashLen];
    const size_t n = c_.transcript.current_hash(session_hash);
    MACTLS_TRY(extended_master_secret12(h, pms.view(), ByteView(session_hash, n), master_));
  } else {
    MACTLS_TRY(master_secret12(h, pms.view(), ByteView(c_.client_random, kHelloRandomLen),
                               ByteView(server_random_, kHelloRandomLen), master_));
  }
  pms.wipe();
  c_.keylog("CLIENT_RANDOM", master_);  // NSS key log format for TLS 1.2
  MACTLS_TRY(key_block12(*suite_, master_.view(), ByteView(c_.client_random, kHelloRandomLen),
                         ByteView(server_random_, kHelloRandomLen), client_keys_, server_keys_));

  MACTLS_TRY(send_ccs_and_finished(out));
  expect_ = ticket_expected_ ? Expect::ticket_or_ccs : Expect::ccs;
  return Status::ok();
}

// ChangeCipherSpec, then our Finished under the new write keys (§7.1,
// §7.4.9): after ClientKeyExchange in a full handshake, after the server's
// Finished in an abbreviated one.
Status Client12::send_ccs_and_finished(Bytes& out) {
  static const uint8_t kCcs = 1;
  MACTLS_TRY(write_plaintext(ContentType::change_cipher_spec, ByteView(&kCcs, 1), out));
  MACTLS_TRY(c_.writer.set_keys12(*suite_, client_keys_.key.view(), client_keys_.fixed_iv.view()));
  client_keys_ = KeyMaterial12();
  uint8_t th[kMaxHashLen], vd[kVerifyData12Len];
  const size_t hl = c_.transcript.current_hash(th);
  MACTLS_TRY(finished_verify_data12(suite_->hash, master_.view(), FinishedSide12::client, ByteView(th, hl), vd));
  Bytes fin;
  append_handshake(fin, HandshakeType::finished, ByteView(vd, sizeof vd));
  c_.transcript.add(ByteView(fin));
  return c_.writer.write(ContentType::handshake, ByteView(fin), out);
}

Status Client12::on_new_session_ticket(ByteView msg, ByteView body) {
  NewSessionTicket12 nst;
  MACTLS_TRY(parse_new_session_ticket12(body, &nst));
  c_.info.tickets_received++;
  got_ticket_ = true;
  new_ticket_ = nst.ticket.to_bytes();
  ticket_hint_s_ = nst.lifetime_hint_s;
  c_.transcript.add(msg);
  expect_ = Expect::ccs;
  return Status::ok();
}

Status Client12::on_change_cipher_spec() {
  if (expect_ != Expect::ccs && expect_ != Expect::ticket_or_ccs)
    return Status::fail(Alert::unexpected_message, "change_cipher_spec out of order");
  // RFC 5246 §7.1: handshake messages must not straddle the key change.
  MACTLS_TRY(c_.reassembler.check_key_change());
  MACTLS_TRY(c_.reader.set_keys12(*suite_, server_keys_.key.view(), server_keys_.fixed_iv.view()));
  server_keys_ = KeyMaterial12();
  c_.reader.set_allow_change_cipher_spec(false);
  expect_ = Expect::finished;
  return Status::ok();
}

Status Client12::on_finished(ByteView msg, ByteView body, Bytes& out) {
  if (body.size != kVerifyData12Len) return Status::fail(Alert::decode_error, "Finished has the wrong length");
  MACTLS_TRY(c_.reassembler.check_key_change());
  uint8_t th[kMaxHashLen], want[kVerifyData12Len];
  const size_t hl = c_.transcript.current_hash(th);
  MACTLS_TRY(finished_verify_data12(suite_->hash, master_.view(), FinishedSide12::server, ByteView(th, hl), want));
  if (!ct_equal(want, body.data, kVerifyData12Len))
    return Status::fail(Alert::decrypt_error, "server Finished does not verify");
  c_.transcript.add(msg);
  if (resumed_) MACTLS_TRY(send_ccs_and_finished(out));  // the server spoke first
  // A full handshake verified end to end: what its Certificate taught
  // enters the verification caches (nothing is pending after a resumption).
  c_.pending_verify.commit(c_.cfg.verify_cache);
  store_session();
  return_ignored_ticket();
  master_.wipe();
  c_.session12 = Ticket();
  leaf_key_ = PublicKey();
  c_.reassembler.release_memory();
  c_.state = Client::State::open;
  c_.expect = mactls::Expect::connected;
  c_.info.handshake_done_ms = c_.clock->monotonic_ms();
  expect_ = Expect::connected;
  return Status::ok();
}

Status Client12::on_hello_request(ByteView body, Bytes& out) {
  if (!body.empty()) return Status::fail(Alert::decode_error, "HelloRequest is not empty");
  // RFC 5246 §7.4.1.1: ignored while a handshake is under way, and never
  // part of the transcript. After it: mactls does not renegotiate, so it
  // says so with a warning and the connection goes on (RFC 5246 §7.2.2).
  if (expect_ != Expect::connected) return Status::ok();
  const uint8_t alert[2] = {uint8_t(AlertLevel::warning), uint8_t(Alert::no_renegotiation)};
  return c_.writer.write(ContentType::alert, ByteView(alert, 2), out);
}

// Files the session for the next connection (RFC 5246 §7.4.1.2, RFC 5077):
// only with extended_master_secret (RFC 7627), only if something can name
// it (a session id or a ticket), and after a resumption only when the server
// renewed the ticket (otherwise the stored session stays as it is).
void Client12::store_session() {
  if (!c_.cfg.tickets || !ems_) return;
  if (resumed_ && !(got_ticket_ && !new_ticket_.empty())) return;
  Ticket t;
  t.version = kTls12;
  t.extended_master_secret = true;
  t.session_id = server_session_id_;
  if (got_ticket_) t.identity = new_ticket_;
  if (t.identity.empty() && t.session_id.empty()) return;
  std::memcpy(t.psk, master_.data(), kMasterSecret12Len);
  t.psk_len = uint8_t(kMasterSecret12Len);
  t.cipher_suite = suite_->code;
  // RFC 5077 §3.3: the hint is advisory; a session id has none. Two hours
  // (OpenSSL's default session timeout) when unsaid; never above 7 days.
  static constexpr uint32_t kDefaultLifetimeS = 7200, kMaxLifetimeS = 604800;
  t.lifetime_s = ticket_hint_s_ ? (ticket_hint_s_ < kMaxLifetimeS ? ticket_hint_s_ : kMaxLifetimeS) : kDefaultLifetimeS;
  t.received_unix_ms = c_.clock->unix_ms();
  t.auth_unix_s = c_.info.auth_unix_s;
  t.cert_not_after_s = cert_not_after_s_;
  t.peer_identity = c_.info.peer_identity;
  t.alpn = c_.info.alpn;
  if (t.expired(t.received_unix_ms, c_.cfg.limits.max_auth_age_s)) return;
  c_.cfg.tickets->insert(c_.ticket_key, std::move(t));
  c_.info.tickets_stored++;
}

// Mixed pools (issue 11; RESUMPTION_SCOPE.md, "Mixed pools"): the TLS 1.3
// ticket in a ClientHello that a TLS 1.2 server answered was provably
// ignored — RFC 8446 §4.2.11 lets only a TLS 1.3 ServerHello select it and
// the 1.2 handshake that followed verified (this runs after the server's
// Finished). It goes back to the store with its original times, but only
// when a 1.2 session for the key is in the store now (stored or kept): every
// later ClientHello that carries the ticket then also carries that session,
// whose id or ticket the server sent in the clear, so offering the ticket
// again links nothing the session does not already link. Its lifetime is
// cut so that it does not outlive the session. Otherwise it stays spent.
void Client12::return_ignored_ticket() {
  Ticket t = std::move(c_.ticket);  // the moved-from PSK is wiped
  if (!c_.psk_in_hello || !c_.cfg.tickets || t.psk_len == 0 || t.is_tls12()) return;
  const int64_t now = c_.clock->unix_ms();
  if (t.expired(now, c_.cfg.limits.max_auth_age_s)) return;
  Ticket s12;
  const bool have12 = c_.cfg.tickets->find_tls12(c_.ticket_key, now, &s12);
  const int64_t s12_end_ms = s12.received_unix_ms + int64_t(s12.lifetime_s) * 1000;
  s12.wipe();  // only its presence and lifetime were needed
  if (!have12) return;
  const int64_t t_end_ms = t.received_unix_ms + int64_t(t.lifetime_s) * 1000;
  if (s12_end_ms < t_end_ms) {
    if (s12_end_ms <= t.received_unix_ms) return;
    t.lifetime_s = uint32_t((s12_end_ms - t.received_unix_ms) / 1000);
    if (t.lifetime_s == 0) return;
  }
  c_.cfg.tickets->insert(c_.ticket_key, std::move(t));  // the store's bounds apply as to any insert
  c_.info.ticket_returned = true;
}

size_t Client12::secret_bytes() const {
  return master_.size() + client_keys_.key.size() + client_keys_.fixed_iv.size() +
         server_keys_.key.size() + server_keys_.fixed_iv.size();
}

void Client12::wipe() {
  master_.wipe();
  client_keys_ = KeyMaterial12();
  server_keys_ = KeyMaterial12();
  if (!server_point_.empty()) secure_wipe(server_point_);
  leaf_key_ = PublicKey();
  expect_ = Expect::none;
}

}  // namespace mactls
