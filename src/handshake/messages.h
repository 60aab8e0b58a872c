// mactls handshake — wire codecs for the messages a TLS 1.3 client sends and
// receives (RFC 8446 §4). Parsers return views into the input (no copies)
// and a Status carrying the RFC-correct alert; they enforce the §4.2
// "which extension may appear where" table. The state machine that decides
// when a message is allowed lives in client.cpp.
#ifndef MACTLS_HANDSHAKE_MESSAGES_H
#define MACTLS_HANDSHAKE_MESSAGES_H

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "mactls/status.h"

namespace mactls {

/// RFC 8446 §4 HandshakeType.
enum class HandshakeType : uint8_t {
  hello_request = 0,  ///< TLS 1.2 only (RFC 5246 §7.4.1.1)
  client_hello = 1,
  server_hello = 2,
  new_session_ticket = 4,
  end_of_early_data = 5,
  encrypted_extensions = 8,
  certificate = 11,
  server_key_exchange = 12,  ///< TLS 1.2 only (RFC 5246 §7.4.3)
  certificate_request = 13,
  server_hello_done = 14,    ///< TLS 1.2 only (RFC 5246 §7.4.5)
  certificate_verify = 15,
  client_key_exchange = 16,  ///< TLS 1.2 only (RFC 5246 §7.4.7)
  finished = 20,
  key_update = 24,
  message_hash = 254,
};

const char* handshake_type_name(uint8_t type);

/// RFC 8446 §4.2 ExtensionType values mactls recognises.
namespace ext {
constexpr uint16_t server_name = 0;
constexpr uint16_t max_fragment_length = 1;
constexpr uint16_t status_request = 5;
constexpr uint16_t supported_groups = 10;
constexpr uint16_t signature_algorithms = 13;
constexpr uint16_t use_srtp = 14;
constexpr uint16_t heartbeat = 15;
constexpr uint16_t alpn = 16;
constexpr uint16_t signed_certificate_timestamp = 18;
constexpr uint16_t client_certificate_type = 19;
constexpr uint16_t server_certificate_type = 20;
constexpr uint16_t padding = 21;
constexpr uint16_t pre_shared_key = 41;
constexpr uint16_t early_data = 42;
constexpr uint16_t supported_versions = 43;
constexpr uint16_t cookie = 44;
constexpr uint16_t psk_key_exchange_modes = 45;
constexpr uint16_t certificate_authorities = 47;
constexpr uint16_t oid_filters = 48;
constexpr uint16_t post_handshake_auth = 49;
constexpr uint16_t signature_algorithms_cert = 50;
constexpr uint16_t key_share = 51;
// TLS 1.2 extensions mactls offers alongside TLS 1.3 (never valid in a
// TLS 1.3 message, RFC 8446 §4.2).
constexpr uint16_t ec_point_formats = 11;          ///< RFC 8422 §5.1.2
constexpr uint16_t extended_master_secret = 23;    ///< RFC 7627 §5.1
constexpr uint16_t session_ticket = 35;            ///< RFC 5077 §3.2
constexpr uint16_t renegotiation_info = 0xff01;    ///< RFC 5746 §3.2
}  // namespace ext

constexpr uint16_t kTls13 = 0x0304;
constexpr uint16_t kTls12 = 0x0303;
constexpr uint8_t kPskDheKe = 1;  // RFC 8446 §4.2.9

/// The messages in which an extension may be received, per RFC 8446 §4.2.
enum class ExtContext : uint8_t { server_hello, hello_retry_request, encrypted_extensions,
                                  certificate, certificate_request, new_session_ticket };

/// True for the extensions mactls recognises (those RFC 8446 §4.2 lists, the
/// ones above). A recognised extension in a message the §4.2 table does not
/// list it for is illegal_parameter; unrecognised ones are treated per message.
bool extension_recognised(uint16_t type);

/// The SHA-256 of "HelloRetryRequest" that marks a ServerHello as HRR (§4.1.3).
extern const uint8_t kHelloRetryRandom[32];

/// A pre_shared_key offer: one identity (mactls offers one ticket at a time).
struct PskOffer {
  ByteView identity;
  uint32_t obfuscated_age = 0;
  size_t binder_len = 0;  ///< hash length of the ticket's suite
};

/// Everything a ClientHello carries. Views must stay valid during build.
struct ClientHelloParams {
  const uint8_t* random = nullptr;      ///< 32 bytes
  const uint8_t* session_id = nullptr;  ///< session_id_len bytes (middlebox compatibility, §D.4)
  size_t session_id_len = 32;           ///< 32, or a TLS 1.2 session's own id (0..32) to resume it
  const std::vector<uint16_t>* cipher_suites = nullptr;
  const std::vector<uint16_t>* groups = nullptr;
  std::vector<std::pair<uint16_t, ByteView>> key_shares;  ///< (group, key_exchange)
  const std::vector<uint16_t>* signature_schemes = nullptr;
  ByteView server_name;                 ///< empty = no SNI (e.g. IP literal)
  const std::vector<std::string>* alpn = nullptr;  ///< null or empty = none
  ByteView cookie;                      ///< from HelloRetryRequest, echoed
  const PskOffer* psk = nullptr;        ///< null = no pre_shared_key
  /// Versions to offer, from the config: TLS 1.3 extensions (key_share,
  /// psk_key_exchange_modes, cookie, pre_shared_key) only with offer_tls13;
  /// with offer_tls12 the 1.2 suites follow the 1.3 ones and the 1.2
  /// extensions are added: extended_master_secret (RFC 7627), an empty
  /// renegotiation_info (RFC 5746 §3.4), ec_point_formats = uncompressed
  /// (RFC 8422 §5.1.2) and session_ticket (RFC 5077 §3.2).
  bool offer_tls13 = true;
  bool offer_tls12 = false;
  const std::vector<uint16_t>* tls12_cipher_suites = nullptr;  ///< with offer_tls12
  ByteView tls12_ticket;  ///< the RFC 5077 ticket to resume with (empty: ask for one)
};

/// Appends a ClientHello handshake message (4-byte header included) to
/// `out`. With a PSK, the binder is zero-filled; `*binders_at` receives the
/// offset in `out` where the binders list begins (its 2-byte length), i.e.
/// the length of the PartialClientHello of §4.2.11.2, and `*binder_at` the
/// offset of the binder bytes to fill in. Every length field is checked: if
/// any field is longer than its length prefix can say (e.g. a huge
/// HelloRetryRequest cookie pushing the extensions past 2^16-1 bytes),
/// nothing is appended and internal_error names the field; the caller
/// decides whose fault it is.
[[nodiscard]] Status build_client_hello(const ClientHelloParams& p, Bytes& out, size_t* binders_at,
                                        size_t* binder_at);

/// A parsed ServerHello or HelloRetryRequest (§4.1.3, §4.1.4).
struct ServerHello {
  bool is_hrr = false;
  ByteView random;
  ByteView session_id;
  uint16_t legacy_version = 0;
  uint16_t cipher_suite = 0;
  uint16_t selected_version = 0;  ///< 0 when supported_versions is absent
  bool has_key_share = false;
  uint16_t key_share_group = 0;   ///< SH: group of the server share; HRR: selected_group
  ByteView key_share;             ///< SH only
  ByteView cookie;                ///< HRR only
  bool has_psk = false;
  uint16_t selected_identity = 0;
  /// The raw extensions block of a ServerHello without supported_versions
  /// (TLS 1.2 or older): left for the TLS 1.2 machine to judge, since what
  /// is allowed there depends on what it offered (handshake/messages12.h).
  ByteView legacy_extensions;
};

/// Parses a ServerHello/HRR body. Checks encoding (decode_error), duplicate
/// extensions (§4.2 "MUST NOT be more than one extension of the same type";
/// illegal_parameter, as BoringSSL answers it), which extensions may appear
/// (recognised but misplaced → illegal_parameter; unknown ones →
/// unsupported_extension, since a client never offers what it does not
/// know), and that compression is null. Semantic checks against what was
/// offered are the state machine's.
Status parse_server_hello(ByteView body, size_t max_extensions, ServerHello* out);

/// Values from EncryptedExtensions (§4.3.1) the client uses.
struct EncryptedExtensions {
  ByteView alpn;           ///< selected protocol, empty if absent
  bool has_alpn = false;
  bool server_name_ack = false;
  bool early_data = false;  ///< never legitimate for mactls (no early_data offered)
};

/// Parses EncryptedExtensions. `offered_alpn`/`offered_sni` tell which
/// responses are permitted (an answer to an extension we did not send →
/// unsupported_extension; an extension not allowed in EE → illegal_parameter).
Status parse_encrypted_extensions(ByteView body, bool offered_alpn, bool offered_sni,
                                  size_t max_extensions, EncryptedExtensions* out);

/// A parsed Certificate message (§4.4.2): views of each cert_data.
struct CertificateMsg {
  ByteView request_context;
  std::vector<ByteView> certs;
};
/// Parses Certificate. Per-entry extensions are answers to requests the
/// client never made → unsupported_extension. More than `max_certs` entries
/// → bad_certificate; zero entries → decode_error here (the caller maps an
/// empty chain to certificate_required/decode_error as §4.4.2.4 says).
Status parse_certificate(ByteView body, size_t max_certs, size_t max_extensions,
                         CertificateMsg* out);

/// A parsed CertificateVerify (§4.4.3).
struct CertificateVerifyMsg {
  uint16_t scheme = 0;
  ByteView signature;
};
Status parse_certificate_verify(ByteView body, CertificateVerifyMsg* out);

/// The content signed by the server in CertificateVerify: 64 spaces, the
/// context string, a zero byte, the transcript hash. out must hold 130 + 48.
size_t certificate_verify_content(ByteView transcript_hash, uint8_t* out);

/// A parsed CertificateRequest (§4.3.2): its certificate_request_context.
struct CertificateRequestMsg {
  ByteView context;
};
/// Parses CertificateRequest. signature_algorithms is mandatory
/// (missing_extension); a recognised extension §4.2 does not list for
/// CertificateRequest is illegal_parameter; unrecognised ones (GREASE,
/// compress_certificate) are ignored, as §4.3.2 requires.
Status parse_certificate_request(ByteView body, size_t max_extensions, CertificateRequestMsg* out);

/// Parses KeyUpdate (§4.6.3): request_update must be 0 or 1 (else
/// illegal_parameter).
Status parse_key_update(ByteView body, bool* update_requested);

/// Appends a handshake message header + body.
void append_handshake(Bytes& out, HandshakeType type, ByteView body);

}  // namespace mactls

#endif  // MACTLS_HANDSHAKE_MESSAGES_H
