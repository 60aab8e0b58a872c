#include "handshake/messages.h"

#include <cstring>
#include <string>

namespace mactls {

const uint8_t kHelloRetryRandom[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

const char* handshake_type_name(uint8_t type) {
  switch (static_cast<HandshakeType>(type)) {
    case HandshakeType::hello_request: return "HelloRequest";
    case HandshakeType::server_key_exchange: return "ServerKeyExchange";
    case HandshakeType::server_hello_done: return "ServerHelloDone";
    case HandshakeType::client_key_exchange: return "ClientKeyExchange";
    case HandshakeType::client_hello: return "ClientHello";
    case HandshakeType::server_hello: return "ServerHello";
    case HandshakeType::new_session_ticket: return "NewSessionTicket";
    case HandshakeType::end_of_early_data: return "EndOfEarlyData";
    case HandshakeType::encrypted_extensions: return "EncryptedExtensions";
    case HandshakeType::certificate: return "Certificate";
    case HandshakeType::certificate_request: return "CertificateRequest";
    case HandshakeType::certificate_verify: return "CertificateVerify";
    case HandshakeType::finished: return "Finished";
    case HandshakeType::key_update: return "KeyUpdate";
    case HandshakeType::message_hash: return "message_hash";
  }
  return "unknown handshake message";
}

bool extension_recognised(uint16_t type) {
  switch (type) {
    case ext::server_name: case ext::max_fragment_length: case ext::status_request:
    case ext::supported_groups: case ext::signature_algorithms: case ext::use_srtp:
    case ext::heartbeat: case ext::alpn: case ext::signed_certificate_timestamp:
    case ext::client_certificate_type: case ext::server_certificate_type: case ext::padding:
    case ext::pre_shared_key: case ext::early_data: case ext::supported_versions:
    case ext::cookie: case ext::psk_key_exchange_modes: case ext::certificate_authorities:
    case ext::oid_filters: case ext::post_handshake_auth: case ext::signature_algorithms_cert:
    case ext::key_share: case ext::ec_point_formats: case ext::extended_master_secret:
    case ext::session_ticket: case ext::renegotiation_info:
      return true;
    default:
      return false;
  }
}

namespace {

// RFC 8446 §4.2 table, for the messages a client receives. Returns true if
// `type` is a recognised extension that may appear in `ctx`.
bool allowed_in(uint16_t type, ExtContext ctx) {
  switch (ctx) {
    case ExtContext::server_hello:
      return type == ext::key_share || type == ext::pre_shared_key ||
             type == ext::supported_versions;
    case ExtContext::hello_retry_request:
      return type == ext::key_share || type == ext::cookie || type == ext::supported_versions;
    case ExtContext::encrypted_extensions:
      return type == ext::server_name || type == ext::max_fragment_length ||
             type == ext::supported_groups || type == ext::use_srtp || type == ext::heartbeat ||
             type == ext::alpn || type == ext::client_certificate_type ||
             type == ext::server_certificate_type || type == ext::early_data;
    case ExtContext::certificate:
      return type == ext::status_request || type == ext::signed_certificate_timestamp;
    case ExtContext::certificate_request:
      return type == ext::status_request || type == ext::signature_algorithms ||
             type == ext::signed_certificate_timestamp || type == ext::certificate_authorities ||
             type == ext::oid_filters || type == ext::signature_algorithms_cert;
    case ExtContext::new_session_ticket:
      return type == ext::early_data;
  }
  return false;
}

// Walks an extensions block, calling fn(type, data) for each, after the
// checks every received block needs: framing, count limit, no duplicates
// (tracked for the 64 lowest code points exactly and by a list of up to 64
// types above), and placement per §4.2. fn returns a Status.
template <typename Fn>
Status for_each_extension(ByteView block, ExtContext ctx, size_t max_extensions, Fn&& fn) {
  Reader r(block);
  uint64_t seen_low = 0;
  uint16_t seen_high[64];
  size_t n_high = 0, count = 0;
  while (!r.empty()) {
    uint16_t type;
    ByteView data;
    if (!r.u16(type) || !r.vec16(data)) return Status::fail(Alert::decode_error, "malformed extension");
    if (++count > max_extensions) return Status::fail(Alert::decode_error, "too many extensions");
    if (type < 64) {
      if (seen_low & (uint64_t(1) << type))
        return Status::fail(Alert::illegal_parameter, "duplicate extension");
      seen_low |= uint64_t(1) << type;
    } else {
      for (size_t i = 0; i < n_high; ++i)
        if (seen_high[i] == type) return Status::fail(Alert::illegal_parameter, "duplicate extension");
      if (n_high == sizeof seen_high / sizeof seen_high[0])
        return Status::fail(Alert::decode_error, "too many unknown extensions");
      seen_high[n_high++] = type;
    }
    if (!allowed_in(type, ctx)) {
      if (extension_recognised(type))
        return Status::fail(Alert::illegal_parameter, "extension not allowed in this message");
      // §4.3.2: CertificateRequest extensions are the server's requests, not
      // answers to ours: "Clients MUST ignore unrecognized extensions"
      // (GREASE, RFC 8879 compress_certificate, ...).
      if (ctx == ExtContext::certificate_request) continue;
      // §4.2: a response to an extension the client never sent.
      return Status::fail(Alert::unsupported_extension, "server sent an extension mactls did not offer");
    }
    MACTLS_TRY(fn(type, data));
  }
  return Status::ok();
}

// Length-prefixed blocks whose length is checked when they are closed: a
// field longer than its prefix can hold must not wrap into a malformed
// message. The first overflow is kept (a static message naming the field).
class CheckedWriter {
 public:
  explicit CheckedWriter(Bytes& out) : w_(out) {}
  Writer& w() { return w_; }
  size_t open(int width) { return w_.open_block(width); }
  void close(size_t at, int width, const char* overflow) {
    const size_t len = w_.size() - at - size_t(width);
    const size_t max = (size_t(1) << (8 * width)) - 1;
    if (len > max && !overflow_) overflow_ = overflow;
    w_.close_block(at, width);
  }
  void vec16(ByteView v, const char* overflow) {
    size_t at = open(2);
    w_.bytes(v);
    close(at, 2, overflow);
  }
  const char* overflow() const { return overflow_; }

 private:
  Writer w_;
  const char* overflow_ = nullptr;
};

// An extension whose data is one uint16 list with a 2-byte length
// (supported_groups, signature_algorithms).
void write_u16_list_extension(CheckedWriter& c, uint16_t type, const std::vector<uint16_t>& values,
                              const char* overflow) {
  c.w().u16(type);
  size_t e = c.open(2);
  size_t list = c.open(2);
  for (uint16_t v : values) c.w().u16(v);
  c.close(list, 2, overflow);
  c.close(e, 2, overflow);
}

}  // namespace

Status build_client_hello(const ClientHelloParams& p, Bytes& out, size_t* binders_at,
                          size_t* binder_at) {
  const size_t begin = out.size();
  CheckedWriter c(out);
  Writer& w = c.w();
  w.u8(uint8_t(HandshakeType::client_hello));
  size_t msg = c.open(3);
  w.u16(kTls12);  // legacy_version
  w.bytes(p.random, 32);
  w.u8(uint8_t(p.session_id_len));
  w.bytes(p.session_id, p.session_id_len);
  size_t suites = c.open(2);
  if (p.offer_tls13)
    for (uint16_t s : *p.cipher_suites) w.u16(s);
  if (p.offer_tls12 && p.tls12_cipher_suites)
    for (uint16_t s : *p.tls12_cipher_suites) w.u16(s);
  c.close(suites, 2, "ClientHello cipher_suites list is longer than its 16-bit length allows");
  w.u8(1);  // legacy_compression_methods: null only
  w.u8(0);
  size_t exts = c.open(2);

  if (!p.server_name.empty()) {  // RFC 6066 §3
    w.u16(ext::server_name);
    size_t e = c.open(2);
    size_t list = c.open(2);
    w.u8(0);  // host_name
    c.vec16(p.server_name, "server name is longer than SNI allows");
    c.close(list, 2, "server name is longer than SNI allows");
    c.close(e, 2, "server name is longer than SNI allows");
  }
  {
    w.u16(ext::supported_versions);
    size_t e = c.open(2);
    size_t list = c.open(1);
    if (p.offer_tls13) w.u16(kTls13);
    if (p.offer_tls12) w.u16(kTls12);
    c.close(list, 1, "supported_versions overflow");
    c.close(e, 2, "supported_versions overflow");
  }
  write_u16_list_extension(c, ext::supported_groups, *p.groups,
                           "ClientHello supported_groups list is longer than its 16-bit length allows");
  write_u16_list_extension(c, ext::signature_algorithms, *p.signature_schemes,
                           "ClientHello signature_algorithms list is longer than its 16-bit length allows");
  if (p.offer_tls12) {
    w.u16(ext::ec_point_formats);
    w.u16(2);
    w.u8(1);
    w.u8(0);  // uncompressed only (RFC 8422 §5.1.2)
    w.u16(ext::extended_master_secret);
    w.u16(0);
    w.u16(ext::renegotiation_info);
    w.u16(1);
    w.u8(0);  // renegotiated_connection<0..255>: empty on the initial handshake
    w.u16(ext::session_ticket);
    c.vec16(p.tls12_ticket, "TLS 1.2 session ticket is longer than its 16-bit length allows");
  }
  if (p.offer_tls13) {
    w.u16(ext::key_share);
    size_t e = c.open(2);
    size_t list = c.open(2);
    for (const auto& ks : p.key_shares) {
      w.u16(ks.first);
      c.vec16(ks.second, "ClientHello key_share is longer than its 16-bit length allows");
    }
    c.close(list, 2, "ClientHello key_share list is longer than its 16-bit length allows");
    c.close(e, 2, "ClientHello key_share list is longer than its 16-bit length allows");
  }
  if (p.alpn && !p.alpn->empty()) {  // RFC 7301 §3.1
    w.u16(ext::alpn);
    size_t e = c.open(2);
    size_t list = c.open(2);
    for (const std::string& proto : *p.alpn) {
      // ProtocolName<1..2^8-1>; the engine refuses other names at start().
      size_t at = c.open(1);
      w.bytes(reinterpret_cast<const uint8_t*>(proto.data()), proto.size());
      c.close(at, 1, "ALPN protocol name is longer than 255 bytes");
    }
    c.close(list, 2, "ALPN protocol list is longer than its 16-bit length allows");
    c.close(e, 2, "ALPN protocol list is longer than its 16-bit length allows");
  }
  if (p.offer_tls13 && !p.cookie.empty()) {
    w.u16(ext::cookie);
    size_t e = c.open(2);
    c.vec16(p.cookie, "HelloRetryRequest cookie is too long to echo in the second ClientHello");
    c.close(e, 2, "HelloRetryRequest cookie is too long to echo in the second ClientHello");
  }
  if (p.offer_tls13) {
    // Sent on every ClientHello: servers issue no tickets without it
    // (§4.2.9). psk_dhe_ke only: a resumed session still gets a fresh ECDHE.
    w.u16(ext::psk_key_exchange_modes);
    size_t e = c.open(2);
    w.u8(1);
    w.u8(kPskDheKe);
    c.close(e, 2, "psk_key_exchange_modes overflow");
  }
  size_t binders = 0, binder = 0;
  if (p.offer_tls13 && p.psk) {
    // §4.2.11: pre_shared_key MUST be the last extension.
    w.u16(ext::pre_shared_key);
    size_t e = c.open(2);
    size_t ids = c.open(2);
    c.vec16(p.psk->identity, "ticket is longer than a PSK identity allows");
    w.u32(p.psk->obfuscated_age);
    c.close(ids, 2, "ticket is longer than a PSK identity allows");
    binders = w.size();
    size_t bl = c.open(2);
    size_t b = c.open(1);
    binder = w.size();
    out.insert(out.end(), p.psk->binder_len, 0);
    c.close(b, 1, "PSK binder is longer than 255 bytes");
    c.close(bl, 2, "PSK binder overflow");
    c.close(e, 2, "pre_shared_key is longer than its 16-bit length allows");
  }
  c.close(exts, 2, "ClientHello extensions are longer than their 16-bit length allows");
  c.close(msg, 3, "ClientHello is longer than a handshake message allows");
  if (c.overflow()) {
    out.resize(begin);  // nothing malformed is left behind
    return Status::fail(Alert::internal_error, c.overflow());
  }
  if (binders_at) *binders_at = binders;
  if (binder_at) *binder_at = binder;
  return Status::ok();
}

Status parse_server_hello(ByteView body, size_t max_extensions, ServerHello* sh) {
  Reader r(body);
  uint8_t compression;
  ByteView exts;
  if (!r.u16(sh->legacy_version) || !r.bytes(32, sh->random) || !r.vec8(sh->session_id, 0, 32) ||
      !r.u16(sh->cipher_suite) || !r.u8(compression))
    return Status::fail(Alert::decode_error, "malformed ServerHello");
  sh->is_hrr = std::memcmp(sh->random.data, kHelloRetryRandom, 32) == 0;
  if (r.empty()) {
    // A TLS 1.2-or-older ServerHello may omit extensions; the caller turns
    // the missing supported_versions into protocol_version.
    sh->selected_version = 0;
    return compression == 0 ? Status::ok()
                            : Status::fail(Alert::illegal_parameter, "ServerHello compression is not null");
  }
  if (!r.vec16(exts) || !r.empty()) return Status::fail(Alert::decode_error, "malformed ServerHello extensions");
  if (compression != 0) return Status::fail(Alert::illegal_parameter, "ServerHello compression is not null");
  if (!sh->is_hrr) {
    // Without supported_versions this is a TLS 1.2 (or older) ServerHello,
    // whose extensions follow RFC 5246 rules: hand them over unjudged.
    Reader scan(exts);
    bool has_versions = false;
    while (!scan.empty()) {
      uint16_t type;
      ByteView data;
      if (!scan.u16(type) || !scan.vec16(data)) return Status::fail(Alert::decode_error, "malformed extension");
      if (type == ext::supported_versions) has_versions = true;
    }
    if (!has_versions) {
      sh->selected_version = 0;
      sh->legacy_extensions = exts;
      return Status::ok();
    }
  }
  const ExtContext ctx = sh->is_hrr ? ExtContext::hello_retry_request : ExtContext::server_hello;
  return for_each_extension(exts, ctx, max_extensions, [&](uint16_t type, ByteView data) -> Status {
    Reader e(data);
    switch (type) {
      case ext::supported_versions:
        if (!e.u16(sh->selected_version) || !e.empty())
          return Status::fail(Alert::decode_error, "malformed supported_versions");
        return Status::ok();
      case ext::key_share:
        sh->has_key_share = true;
        if (sh->is_hrr) {
          if (!e.u16(sh->key_share_group) || !e.empty())
            return Status::fail(Alert::decode_error, "malformed HelloRetryRequest key_share");
        } else if (!e.u16(sh->key_share_group) || !e.vec16(sh->key_share, 1) || !e.empty()) {
          return Status::fail(Alert::decode_error, "malformed ServerHello key_share");
        }
        return Status::ok();
      case ext::cookie:
        if (!e.vec16(sh->cookie, 1) || !e.empty())
          return Status::fail(Alert::decode_error, "malformed cookie");
        return Status::ok();
      case ext::pre_shared_key:
        sh->has_psk = true;
        if (!e.u16(sh->selected_identity) || !e.empty())
          return Status::fail(Alert::decode_error, "malformed pre_shared_key");
        return Status::ok();
    }
    return Status::fail(Alert::internal_error, "unhandled ServerHello extension");
  });
}

Status parse_encrypted_extensions(ByteView body, bool offered_alpn, bool offered_sni,
                                  size_t max_extensions, EncryptedExtensions* out) {
  Reader r(body);
  ByteView exts;
  if (!r.vec16(exts) || !r.empty()) return Status::fail(Alert::decode_error, "malformed EncryptedExtensions");
  return for_each_extension(exts, ExtContext::encrypted_extensions, max_extensions,
                            [&](uint16_t type, ByteView data) -> Status {
    Reader e(data);
    switch (type) {
      case ext::server_name:
        if (!offered_sni) return Status::fail(Alert::unsupported_extension, "server acknowledged SNI that was not sent");
        if (!data.empty()) return Status::fail(Alert::decode_error, "server_name acknowledgement is not empty");
        out->server_name_ack = true;
        return Status::ok();
      case ext::supported_groups: {
        // The server's preferences, informational only (§4.2.7); check framing.
        ByteView list;
        if (!e.vec16(list, 2) || !e.empty() || (list.size & 1))
          return Status::fail(Alert::decode_error, "malformed supported_groups");
        return Status::ok();
      }
      case ext::alpn: {
        if (!offered_alpn) return Status::fail(Alert::unsupported_extension, "server selected ALPN that was not offered");
        ByteView list, proto;
        if (!e.vec16(list, 2) || !e.empty()) return Status::fail(Alert::decode_error, "malformed ALPN");
        Reader l(list);
        // RFC 7301 §3.1: exactly one protocol in the server's answer.
        if (!l.vec8(proto, 1) || !l.empty()) return Status::fail(Alert::decode_error, "ALPN answer must name one protocol");
        out->alpn = proto;
        out->has_alpn = true;
        return Status::ok();
      }
      case ext::early_data:
        // mactls never offers early_data (no 0-RTT).
        return Status::fail(Alert::unsupported_extension, "server accepted early_data that was not offered");
      default:
        // max_fragment_length, use_srtp, heartbeat, certificate types: never offered.
        return Status::fail(Alert::unsupported_extension, "server answered an extension mactls did not offer");
    }
  });
}

Status parse_certificate(ByteView body, size_t max_certs, size_t max_extensions, CertificateMsg* out) {
  Reader r(body);
  ByteView list;
  if (!r.vec8(out->request_context) || !r.vec24(list) || !r.empty())
    return Status::fail(Alert::decode_error, "malformed Certificate");
  out->certs.clear();
  Reader l(list);
  while (!l.empty()) {
    ByteView cert, exts;
    if (!l.vec24(cert, 1) || !l.vec16(exts)) return Status::fail(Alert::decode_error, "malformed CertificateEntry");
    if (out->certs.size() == max_certs)
      return Status::fail(Alert::bad_certificate, "certificate chain is longer than the limit");
    MACTLS_TRY(for_each_extension(exts, ExtContext::certificate, max_extensions,
                                  [](uint16_t, ByteView) -> Status {
      // status_request / SCT answers: mactls requested neither.
      return Status::fail(Alert::unsupported_extension, "certificate entry carries an extension mactls did not request");
    }));
    out->certs.push_back(cert);
  }
  // §4.4.2.4: a server's Certificate is never empty; the header promises
  // decode_error here, so no caller indexes an empty list.
  if (out->certs.empty()) return Status::fail(Alert::decode_error, "server sent an empty certificate chain");
  return Status::ok();
}

Status parse_certificate_verify(ByteView body, CertificateVerifyMsg* out) {
  Reader r(body);
  if (!r.u16(out->scheme) || !r.vec16(out->signature, 1) || !r.empty())
    return Status::fail(Alert::decode_error, "malformed CertificateVerify");
  return Status::ok();
}

size_t certificate_verify_content(ByteView transcript_hash, uint8_t* out) {
  static const char kContext[] = "TLS 1.3, server CertificateVerify";
  std::memset(out, 0x20, 64);
  std::memcpy(out + 64, kContext, sizeof kContext);  // includes the 0 separator
  std::memcpy(out + 64 + sizeof kContext, transcript_hash.data, transcript_hash.size);
  return 64 + sizeof kContext + transcript_hash.size;
}

Status parse_certificate_request(ByteView body, size_t max_extensions, CertificateRequestMsg* out) {
  Reader r(body);
  ByteView exts;
  if (!r.vec8(out->context) || !r.vec16(exts) || !r.empty())
    return Status::fail(Alert::decode_error, "malformed CertificateRequest");
  bool sig_algs = false;
  MACTLS_TRY(for_each_extension(exts, ExtContext::certificate_request, max_extensions,
                                [&](uint16_t type, ByteView) -> Status {
    if (type == ext::signature_algorithms) sig_algs = true;
    return Status::ok();
  }));
  // §4.3.2: "The "signature_algorithms" extension MUST be specified".
  if (!sig_algs) return Status::fail(Alert::missing_extension, "CertificateRequest lacks signature_algorithms");
  return Status::ok();
}

Status parse_key_update(ByteView body, bool* update_requested) {
  if (body.size != 1) return Status::fail(Alert::decode_error, "malformed KeyUpdate");
  if (body[0] > 1) return Status::fail(Alert::illegal_parameter, "KeyUpdate request_update is not 0 or 1");
  *update_requested = body[0] == 1;
  return Status::ok();
}

void append_handshake(Bytes& out, HandshakeType type, ByteView body) {
  Writer w(out);
  w.u8(uint8_t(type));
  w.vec24(body);
}

}  // namespace mactls
