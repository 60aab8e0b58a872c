// Test support: a small scripted TLS 1.2 server (RFC 5246 full handshake,
// ECDHE_ECDSA with the ScriptedServer's Ed25519 identity, RFC 8422), made
// from mactls' own record layer and PRF, so that a test can make it
// misbehave in one precise way: a downgrade sentinel, an unoffered
// suite/group/scheme, a bad ServerKeyExchange signature, a missing or
// non-empty renegotiation_info, no extended_master_secret, a bad Finished,
// a HelloRequest after the handshake.
#ifndef MACTLS_TESTS_SUPPORT_SCRIPTED_SERVER12_H
#define MACTLS_TESTS_SUPPORT_SCRIPTED_SERVER12_H

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "support/scripted_server.h"

namespace mactls::test {

/// How the TLS 1.2 server behaves; the defaults make a correct server.
struct ServerScript12 {
  enum class Renegotiation { empty, absent, non_empty };
  uint16_t suite = 0xC02B;            ///< TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
  uint16_t group = 0x001d;            ///< x25519
  uint16_t scheme = 0x0807;           ///< ed25519 (the identity's key)
  bool sentinel = false;              ///< end the random in the TLS 1.2 downgrade sentinel
  bool bad_ske_signature = false;     ///< flip a bit of the signature
  Renegotiation renegotiation = Renegotiation::empty;
  bool extended_master_secret = true;  ///< echo EMS when the client offers it
  bool bad_finished = false;          ///< flip a bit of the server verify_data
  bool hello_request = false;         ///< send HelloRequest after the handshake
  /// Echo the client's session id in ServerHello (claiming a resumption)
  /// but go on with a full handshake's flight.
  bool echo_session_id = false;
  /// Called on each handshake message before it is hashed and sent; the
  /// server's transcript sees the changed bytes.
  std::function<void(Bytes& msg)> tamper_message;
};

/// The server. Same contract as ScriptedServer::receive.
class ScriptedServer12 : public LoopbackServer {
 public:
  ScriptedServer12(const ServerIdentity& id, ServerScript12 script);
  ~ScriptedServer12() override;
  bool receive(ByteView from_client, Bytes& to_client) override;

  bool handshake_done() const;
  /// The client's Finished verified.
  bool client_finished_ok() const;
  /// Whether the client's ClientHello offered extended_master_secret.
  bool client_offered_ems() const;
  const std::string& error() const;
  /// Application data received from the client.
  const std::string& received() const;
  /// Alerts received from the client: (level, description) pairs.
  const std::vector<std::pair<uint8_t, uint8_t>>& alerts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_;
};

}  // namespace mactls::test

#endif
