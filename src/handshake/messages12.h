// mactls handshake — parsers for the TLS 1.2 messages a client receives
// (RFC 5246 §7.4, RFC 8422 §5.4, RFC 5077 §3.3) and the ServerHello
// extensions of a TLS 1.2 answer. Every parser checks lengths exactly:
// a short, long or trailing field is decode_error. Views point into the
// message body and live as long as it.
#ifndef MACTLS_HANDSHAKE_MESSAGES12_H
#define MACTLS_HANDSHAKE_MESSAGES12_H

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "mactls/status.h"

namespace mactls {

/// What the ClientHello offered that a TLS 1.2 ServerHello may answer.
/// extended_master_secret, renegotiation_info, ec_point_formats and
/// session_ticket are always offered with TLS 1.2.
struct Offered12 {
  bool sni = false;
  bool alpn = false;
};

/// The extensions of a TLS 1.2 ServerHello (RFC 5246 §7.4.1.4).
struct ServerHello12Extensions {
  bool renegotiation_info = false;      ///< present (RFC 5746 §3.4)
  ByteView renegotiated_connection;     ///< its content: must be empty
  bool extended_master_secret = false;  ///< RFC 7627 §5.2
  bool session_ticket = false;          ///< the server will send NewSessionTicket (RFC 5077 §3.2)
  bool ec_point_formats = false;
  bool server_name_ack = false;
  bool has_alpn = false;
  ByteView alpn;  ///< the one selected protocol
};

/// Parses a TLS 1.2 ServerHello's extensions block (without its length).
/// decode_error on malformed data; illegal_parameter on a duplicate
/// (RFC 5246 §7.4.1.4: "MUST NOT be more than one extension of the same
/// type") or on ec_point_formats without uncompressed (RFC 8422 §5.2);
/// unsupported_extension for any extension the client did not offer,
/// TLS 1.3 ones included (RFC 5246 §7.4.1.4). Policy on the values
/// (renegotiation_info empty, EMS required) is the state machine's.
[[nodiscard]] Status parse_server_hello12_extensions(ByteView block, const Offered12& offered,
                                                     size_t max_extensions,
                                                     ServerHello12Extensions* out);

/// Parses a TLS 1.2 Certificate (RFC 5246 §7.4.2): certificate_list<0..2^24-1>
/// of ASN.1Cert<1..2^24-1>, no contexts or extensions. More than
/// `max_certs` certificates: decode_error (a limit, like the 1.3 parser's).
[[nodiscard]] Status parse_certificate12(ByteView body, size_t max_certs,
                                         std::vector<ByteView>* certs);

/// An ECDHE ServerKeyExchange (RFC 8422 §5.4) with its TLS 1.2 signature
/// (RFC 5246 §7.4.3, §4.7: SignatureAndHashAlgorithm then the signature).
struct ServerKeyExchange12 {
  uint16_t group = 0;        ///< named_curve
  ByteView public_point;     ///< ECPoint, as sent
  ByteView params;           ///< ServerECDHParams bytes: what the signature covers after the randoms
  uint16_t scheme = 0;       ///< SignatureScheme code (RFC 8446 names, same code points)
  ByteView signature;
};

/// Parses ServerKeyExchange for ECDHE suites. curve_type other than
/// named_curve (3) is illegal_parameter (RFC 8422 §5.4: explicit curves are
/// deprecated and mactls never offers them); an empty point or signature,
/// or trailing bytes, decode_error. The group, point and scheme are
/// judged by the caller.
[[nodiscard]] Status parse_server_key_exchange12(ByteView body, ServerKeyExchange12* out);

/// The bytes a TLS 1.2 ServerKeyExchange signature covers (RFC 8422 §5.4):
/// client_random || server_random || ServerECDHParams.
void server_key_exchange12_signed_content(ByteView client_random, ByteView server_random,
                                          ByteView params, Bytes& out);

/// Parses a TLS 1.2 CertificateRequest (RFC 5246 §7.4.4) only as far as
/// its framing: certificate_types<1..255>, supported_signature_algorithms
/// <2..2^16-2> (even length), certificate_authorities<0..2^16-1>.
[[nodiscard]] Status parse_certificate_request12(ByteView body);

/// An RFC 5077 §3.3 NewSessionTicket.
struct NewSessionTicket12 {
  uint32_t lifetime_hint_s = 0;  ///< 0: unspecified
  ByteView ticket;               ///< empty: the server will not issue one after all
};

/// Parses a TLS 1.2 NewSessionTicket: lifetime hint, ticket<0..2^16-1>,
/// nothing after it; otherwise decode_error.
[[nodiscard]] Status parse_new_session_ticket12(ByteView body, NewSessionTicket12* out);

}  // namespace mactls

#endif  // MACTLS_HANDSHAKE_MESSAGES12_H
