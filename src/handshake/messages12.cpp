#include "handshake/messages12.h"

#include "handshake/messages.h"

namespace mactls {

Status parse_server_hello12_extensions(ByteView block, const Offered12& offered,
                                       size_t max_extensions, ServerHello12Extensions* out) {
  *out = ServerHello12Extensions();
  Reader r(block);
  size_t count = 0;
  // Duplicates: the client offered at most these, so a small list suffices.
  uint16_t seen[8];
  size_t n_seen = 0;
  while (!r.empty()) {
    uint16_t type;
    ByteView data;
    if (!r.u16(type) || !r.vec16(data)) return Status::fail(Alert::decode_error, "malformed extension");
    if (++count > max_extensions) return Status::fail(Alert::decode_error, "too many extensions");
    for (size_t i = 0; i < n_seen; ++i)
      if (seen[i] == type) return Status::fail(Alert::illegal_parameter, "duplicate extension");
    Reader e(data);
    switch (type) {
      case ext::renegotiation_info:
        out->renegotiation_info = true;
        if (!e.vec8(out->renegotiated_connection) || !e.empty())
          return Status::fail(Alert::decode_error, "malformed renegotiation_info");
        break;
      case ext::extended_master_secret:
        if (!data.empty()) return Status::fail(Alert::decode_error, "extended_master_secret is not empty");
        out->extended_master_secret = true;
        break;
      case ext::session_ticket:
        if (!data.empty()) return Status::fail(Alert::decode_error, "ServerHello session_ticket is not empty");
        out->session_ticket = true;
        break;
      case ext::ec_point_formats: {
        ByteView formats;
        if (!e.vec8(formats, 1) || !e.empty()) return Status::fail(Alert::decode_error, "malformed ec_point_formats");
        bool uncompressed = false;
        for (uint8_t f : formats) uncompressed |= f == 0;
        if (!uncompressed)
          return Status::fail(Alert::illegal_parameter, "server does not accept uncompressed points (RFC 8422 §5.2)");
        out->ec_point_formats = true;
        break;
      }
      case ext::server_name:
        if (!offered.sni) return Status::fail(Alert::unsupported_extension, "server acknowledged SNI that was not sent");
        if (!data.empty()) return Status::fail(Alert::decode_error, "server_name acknowledgement is not empty");
        out->server_name_ack = true;
        break;
      case ext::alpn: {
        if (!offered.alpn) return Status::fail(Alert::unsupported_extension, "server selected ALPN that was not offered");
        ByteView list;
        if (!e.vec16(list) || !e.empty()) return Status::fail(Alert::decode_error, "malformed ALPN");
        Reader l(list);
        // RFC 7301 §3.1: exactly one protocol name in the server's list.
        if (!l.vec8(out->alpn, 1) || !l.empty()) return Status::fail(Alert::decode_error, "ALPN answer is not one protocol");
        out->has_alpn = true;
        break;
      }
      default:
        // RFC 5246 §7.4.1.4: an extension type the client did not offer.
        return Status::fail(Alert::unsupported_extension, "TLS 1.2 ServerHello carries an extension mactls did not offer");
    }
    seen[n_seen++] = type;
  }
  return Status::ok();
}

Status parse_certificate12(ByteView body, size_t max_certs, std::vector<ByteView>* certs) {
  certs->clear();
  Reader r(body);
  ByteView list;
  if (!r.vec24(list) || !r.empty()) return Status::fail(Alert::decode_error, "malformed Certificate");
  Reader l(list);
  while (!l.empty()) {
    ByteView cert;
    if (!l.vec24(cert, 1)) return Status::fail(Alert::decode_error, "malformed certificate entry");
    if (certs->size() == max_certs) return Status::fail(Alert::decode_error, "too many certificates");
    certs->push_back(cert);
  }
  return Status::ok();
}

Status parse_server_key_exchange12(ByteView body, ServerKeyExchange12* out) {
  Reader r(body);
  uint8_t curve_type;
  if (!r.u8(curve_type)) return Status::fail(Alert::decode_error, "malformed ServerKeyExchange");
  if (curve_type != 3)
    return Status::fail(Alert::illegal_parameter, "ServerKeyExchange curve_type is not named_curve");
  if (!r.u16(out->group) || !r.vec8(out->public_point, 1))
    return Status::fail(Alert::decode_error, "malformed ServerECDHParams");
  out->params = body.sub(0, r.position());
  if (!r.u16(out->scheme) || !r.vec16(out->signature, 1) || !r.empty())
    return Status::fail(Alert::decode_error, "malformed ServerKeyExchange signature");
  return Status::ok();
}

void server_key_exchange12_signed_content(ByteView client_random, ByteView server_random,
                                          ByteView params, Bytes& out) {
  out.clear();
  out.reserve(client_random.size + server_random.size + params.size);
  out.insert(out.end(), client_random.begin(), client_random.end());
  out.insert(out.end(), server_random.begin(), server_random.end());
  out.insert(out.end(), params.begin(), params.end());
}

Status parse_certificate_request12(ByteView body) {
  Reader r(body);
  ByteView types, algs, cas;
  if (!r.vec8(types, 1) || !r.vec16(algs, 2) || algs.size % 2 != 0 || !r.vec16(cas) || !r.empty())
    return Status::fail(Alert::decode_error, "malformed CertificateRequest");
  return Status::ok();
}

Status parse_new_session_ticket12(ByteView body, NewSessionTicket12* out) {
  Reader r(body);
  if (!r.u32(out->lifetime_hint_s) || !r.vec16(out->ticket) || !r.empty())
    return Status::fail(Alert::decode_error, "malformed NewSessionTicket");
  return Status::ok();
}

}  // namespace mactls
