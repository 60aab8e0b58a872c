// mactls handshake — the client state machine behind mactls::Client.
//
//   start ──► ExpectServerHello ──(HRR, once)──► ExpectServerHello
//                  │
//                  ▼
//        ExpectEncryptedExtensions
//          │ full                         │ resumed (PSK accepted)
//          ▼                              │
//   ExpectCertificateOrRequest            │  Certificate / CertificateRequest
//   (CertificateRequest → ExpectCertificate) │  here → unexpected_message
//          ▼                              │
//   ExpectCertificateVerify               │
//          ▼                              ▼
//               ExpectFinished ──► client Finished ──► Connected
//                                  (NewSessionTicket, KeyUpdate)
//
// Each message has one handler; allowed() is checked before any handler
// runs, so an out-of-order message never reaches a handler.
#ifndef MACTLS_HANDSHAKE_CLIENT_IMPL_H
#define MACTLS_HANDSHAKE_CLIENT_IMPL_H

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/secret.h"
#include "crypto/kex.h"
#include "crypto/signature.h"
#include "handshake/client12.h"
#include "handshake/messages.h"
#include "keyschedule/cipher_suite.h"
#include "keyschedule/key_schedule.h"
#include "keyschedule/transcript.h"
#include "mactls/client.h"
#include "mactls/ticket_store.h"
#include "record/record.h"
#include "x509/verify_cache.h"

namespace mactls {

/// signature_algorithms we offer (RFC 8446 §4.2.3, RFC 5246 §7.4.1.4.1).
extern const std::vector<uint16_t> kSignatureSchemes;

enum class Expect : uint8_t {
  server_hello,
  encrypted_extensions,
  certificate_or_request,
  certificate,
  certificate_verify,
  finished,
  connected,
  none,
};

struct Client::Impl {
  Impl(const ClientConfig& c, std::string name, uint16_t p, std::string partition);
  ~Impl();

  // Configuration (copied: a Client never depends on the caller's vectors).
  ClientConfig cfg;
  RandomSource* rng;
  Clock* clock;
  std::string server_name;
  uint16_t port;
  std::string partition;  // privacy partition of the ticket key
  bool sni = false;  // false for IP literals

  State state = State::idle;
  Status err;
  ConnectionInfo info;
  Expect expect = Expect::none;

  // ClientHello state.
  uint8_t client_random[32] = {};
  uint8_t session_id[32] = {};
  size_t session_id_len = 32;
  std::array<KeyShare, 3> shares;
  size_t n_shares = 0;
  Bytes cookie;
  bool hrr_seen = false;
  uint16_t hrr_suite = 0;
  uint16_t hrr_group = 0;  // the group the HRR selected; 0 after a cookie-only HRR (any share sent)
  bool ccs_sent = false;

  // Negotiated.
  const CipherSuite* suite = nullptr;
  Transcript transcript;

  // Resumption.
  TicketKey ticket_key;
  bool have_ticket = false;
  Ticket ticket;
  bool psk_in_hello = false;  // the latest ClientHello carries pre_shared_key
  Ticket session12;           // a TLS 1.2 session offered beside it (a copy; the store keeps it)
  bool have_session12 = false;
  bool resumed = false;
  size_t tickets_seen = 0;

  // Key schedule stages (each consumed by its transition).
  std::optional<EarlySecret> early;
  std::optional<HandshakeSecret> hs;
  std::optional<MasterSecret> master;
  Secret client_hs_secret, server_hs_secret;
  Secret client_app_secret, server_app_secret;
  Secret resumption_master;

  // Server authentication. What the chain says about the peer waits here
  // until CertificateVerify proves the server holds the leaf's key; only
  // then does it reach ConnectionInfo.
  PublicKey leaf_key;
  std::string pending_identity;
  std::vector<std::string> pending_chain;
  int64_t pending_auth_unix_s = 0;
  int64_t pending_cert_not_after_s = 0;

  // The TLS 1.2 machine, once a ServerHello chose TLS 1.2 (client12.h).
  std::unique_ptr<Client12> tls12;
  bool offer_tls13() const { return cfg.max_version >= kTls13; }
  bool offer_tls12() const { return cfg.min_version <= kTls12; }
  // Committed to cfg.verify_cache once the server proved its key: after
  // CertificateVerify (1.3), after the server's Finished (1.2); wiped on failure.
  PendingVerifyCache pending_verify;

  // Records.
  RecordReader reader;
  RecordProtector writer;
  HandshakeReassembler reassembler;
  size_t key_updates_in_a_row = 0;

  // Application data received, waiting for read().
  Bytes app_in;
  size_t app_in_pos = 0;

  // --- operations
  Status check_config() const;
  Status start(Bytes& out);
  void withdraw();
  Status feed(const uint8_t* in, size_t len, size_t* consumed, Bytes& out);
  Status write(const uint8_t* data, size_t len, Bytes& out);
  Status close(Bytes& out);
  size_t secret_bytes() const;

  // --- internals
  Status fail(Status s, Bytes& out);
  void wipe_all();
  Status process_record(const Record& rec, Bytes& out);
  Status handle_message(uint8_t type, ByteView msg, Bytes& out);
  bool allowed(uint8_t type) const;

  Status send_client_hello(Bytes& out);
  void take_ticket();
  void find_session12();
  void compute_ticket_key();
  TicketKey make_ticket_key() const;
  Status on_server_hello(ByteView msg, ByteView body, Bytes& out);
  Status on_hello_retry(const ServerHello& sh, ByteView msg, Bytes& out);
  Status on_encrypted_extensions(ByteView msg, ByteView body);
  Status on_certificate_request(ByteView msg, ByteView body);
  Status on_certificate(ByteView msg, ByteView body);
  // The server's certificate list through the one validation path TLS 1.3
  // and TLS 1.2 share: the limits of cfg, the host name and the current
  // time (always checked), the verification caches of cfg.verify_cache, and
  // the counters in info (signature checks, candidates, cache hits). On
  // success pending_verify holds what to commit to the caches once the
  // server has proved it holds the leaf's key — and only then.
  Status verify_server_certificates(const std::vector<ByteView>& certs, VerifiedChain* vc);
  Status on_certificate_verify(ByteView msg, ByteView body);
  Status on_finished(ByteView msg, ByteView body, Bytes& out);
  Status on_new_session_ticket(ByteView body);
  Status on_key_update(ByteView body, Bytes& out);

  bool cert_requested = false;

  void keylog(const char* label, const Secret& s) const;
  Status send_handshake(ByteView msg, Bytes& out);
};

}  // namespace mactls

#endif
