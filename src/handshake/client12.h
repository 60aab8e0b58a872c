// mactls handshake — the TLS 1.2 client state machine (RFC 5246 §7.3,
// RFC 8422, RFC 7627, RFC 5746), a room of its own beside the TLS 1.3
// machine in client.cpp. The two meet once: client.cpp sends one
// ClientHello offering both versions and, when the ServerHello carries no
// supported_versions (TLS 1.2), hands the connection to Client12. Records,
// certificate validation, the key log and the transcript are shared.
//
//   ServerHello ──► ExpectCertificate ──► ExpectServerKeyExchange
//                                              │
//                                              ▼
//                           ExpectServerHelloDone (CertificateRequest allowed
//                                              │   first: we answer with an
//                                              │   empty Certificate)
//                                              ▼
//              [Certificate] ClientKeyExchange, ChangeCipherSpec, Finished
//                                              │
//                                              ▼
//      ExpectNewSessionTicketOrCcs (ticket only if the server said it would)
//                                              ▼
//                              ExpectServerFinished ──► Connected
//
// Resumed (the ServerHello echoes the session id we offered, RFC 5246
// §7.3, RFC 5077 §3.4): ServerHello ──► [NewSessionTicket] ──►
// ChangeCipherSpec ──► server Finished ──► our ChangeCipherSpec and
// Finished ──► Connected. No Certificate, no key exchange: the stored master
// secret keys the records (so no forward secrecy for resumed 1.2 sessions).
// A declined offer (any other session id) is a full handshake on the same
// connection.
//
// After the handshake only HelloRequest is allowed; it is refused with a
// no_renegotiation warning and the connection goes on (RFC 5246 §7.4.1.1,
// RFC 5746 §4.2). A session is stored (in the same TicketStore, as a
// Ticket with version 0x0303) only if it used extended_master_secret.
#ifndef MACTLS_HANDSHAKE_CLIENT12_H
#define MACTLS_HANDSHAKE_CLIENT12_H

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "crypto/kex.h"
#include "crypto/signature.h"
#include "handshake/messages.h"
#include "keyschedule/cipher_suite.h"
#include "keyschedule/prf12.h"
#include "mactls/client.h"
#include "mactls/status.h"

namespace mactls {

/// The TLS 1.2 handshake of one Client, driven by Client::Impl once the
/// ServerHello chose TLS 1.2. It reads and writes through the Impl's
/// record reader, writer, transcript and ConnectionInfo.
class Client12 {
 public:
  explicit Client12(Client::Impl& client) : c_(client) {}
  ~Client12() { wipe(); }
  Client12(const Client12&) = delete;
  Client12& operator=(const Client12&) = delete;

  /// Judges a ServerHello without supported_versions (RFC 5246 §7.4.1.3)
  /// and starts the 1.2 machine: version 0x0303 (else protocol_version), a
  /// suite we offered, no compression, the extensions of
  /// parse_server_hello12_extensions, renegotiation_info present and empty
  /// (RFC 5746 §3.4: else handshake_failure), extended_master_secret
  /// (handshake_failure only when the config requires it), and a session
  /// id that is not our random one unless we offered a session. When the
  /// server echoes the session we offered, the handshake is abbreviated:
  /// the suite must be the session's (illegal_parameter) and EMS present
  /// (RFC 7627 §5.3: handshake_failure). The downgrade sentinel is the
  /// caller's check.
  [[nodiscard]] Status on_server_hello(const ServerHello& sh, ByteView msg);

  /// The allowed-next check: true if a handshake message of `type` may come now.
  bool allowed(uint8_t type) const;
  /// One handshake message (header included in `msg`), after allowed().
  [[nodiscard]] Status handle_message(uint8_t type, ByteView msg, Bytes& out);
  /// The server's ChangeCipherSpec: installs the read keys (RFC 5246 §7.1).
  /// unexpected_message anywhere but right before the server Finished.
  [[nodiscard]] Status on_change_cipher_spec();

  /// Bytes of secrets held (for the hygiene tests).
  size_t secret_bytes() const;
  /// Wipes every secret.
  void wipe();

 private:
  enum class Expect : uint8_t {
    certificate,
    server_key_exchange,
    certificate_request_or_done,
    server_hello_done,
    ticket_or_ccs,
    ccs,
    finished,
    connected,
    none,
  };

  Status on_certificate(ByteView msg, ByteView body);
  Status on_server_key_exchange(ByteView msg, ByteView body);
  Status on_certificate_request(ByteView msg, ByteView body);
  Status on_server_hello_done(ByteView msg, ByteView body, Bytes& out);
  Status on_new_session_ticket(ByteView msg, ByteView body);
  Status on_finished(ByteView msg, ByteView body, Bytes& out);
  Status send_ccs_and_finished(Bytes& out);
  void store_session();
  void return_ignored_ticket();
  Status on_hello_request(ByteView body, Bytes& out);

  Client::Impl& c_;
  Expect expect_ = Expect::none;
  const CipherSuite* suite_ = nullptr;
  uint8_t server_random_[kHelloRandomLen] = {};
  bool ems_ = false;
  bool ticket_expected_ = false;
  bool cert_requested_ = false;
  bool resumed_ = false;
  Bytes server_session_id_;
  Bytes new_ticket_;            // RFC 5077 ticket from NewSessionTicket (may be empty)
  bool got_ticket_ = false;
  uint32_t ticket_hint_s_ = 0;
  int64_t cert_not_after_s_ = 0;
  PublicKey leaf_key_;
  uint16_t group_ = 0;
  Bytes server_point_;
  MasterSecret12 master_;
  KeyMaterial12 client_keys_, server_keys_;
};

}  // namespace mactls

#endif  // MACTLS_HANDSHAKE_CLIENT12_H
