// Test support: live TLS servers (`openssl s_server`, `gnutls-serv`, and
// the pool member mactls_ticket_peer) on 127.0.0.1 for interop tests. Each runs as a child process on a port it
// picks, is probed until it accepts connections (up to 20 s: no fixed
// sleep), and is stopped (and reaped) when the PeerServer goes away. Only
// loopback is ever used.
#ifndef MACTLS_TESTS_SUPPORT_PEER_SERVER_H
#define MACTLS_TESTS_SUPPORT_PEER_SERVER_H

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mactls::test {

/// Which server program: `openssl s_server`, `gnutls-serv`, or
/// mactls_ticket_peer (tests/support/ticket_peer: one member of a pool, with
/// ticket keys of the test's choosing).
enum class PeerKind { openssl, gnutls, ticket_peer };

struct PeerOptions {
  PeerKind kind = PeerKind::openssl;
  std::string cert_file;  ///< leaf + intermediates, PEM
  std::string key_file;
  bool www = true;        ///< answer GET / with a status page
  int num_tickets = -1;   ///< openssl -num_tickets (-1: server default)
  std::vector<std::string> groups;        ///< e.g. {"secp384r1"} to force HRR
  std::vector<std::string> ciphersuites;  ///< IANA names, e.g. TLS_AES_128_GCM_SHA256
  std::string keylog_file;  ///< openssl -keylogfile
  uint16_t port = 0;        ///< 0: pick a free one
  std::vector<std::string> extra_args;
  bool tls12 = false;       ///< serve TLS 1.2 only (openssl -tls1_2, gnutls +VERS-TLS1.2)
  /// No session tickets: resumption by session id only (openssl
  /// -no_ticket, gnutls --noticket).
  bool no_tickets = false;
  /// The signature schemes the server may sign with, RFC 8446 names (e.g.
  /// "rsa_pkcs1_sha256", "rsa_pss_rsae_sha256"); empty: the server's default.
  std::vector<std::string> signature_schemes;
  /// ticket_peer only: its session-ticket keys, 80 bytes as 160 hex digits
  /// (empty: OpenSSL's own random keys). Members given the same keys
  /// resume each other's sessions.
  std::string ticket_keys_hex;
};

class PeerServer {
 public:
  explicit PeerServer(PeerOptions o);
  ~PeerServer();
  PeerServer(const PeerServer&) = delete;
  PeerServer& operator=(const PeerServer&) = delete;

  /// Starts the server and probes it until it accepts connections (at most
  /// 20 s per attempt; a port that turns out taken is retried on another).
  /// False, with output() explaining why, if it never does.
  bool start();
  void stop();
  uint16_t port() const { return port_; }
  /// What the server printed (stdout and stderr).
  std::string output() const;

 private:
  bool launch(uint16_t port);
  PeerOptions o_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string log_;
};

/// Does the server's status page say the session was resumed? openssl's
/// -www page says "Reused, TLSv1.3"; gnutls' --http page describes a resumed
/// session without the certificate signature part.
bool server_says_resumed(PeerKind kind, const std::string& page);

/// ticket_peer: the handshakes a member has logged so far (its output's
/// "handshake N version=V resumed=R" lines), and how many of them resumed.
struct PeerHandshakes {
  int total = 0;
  int resumed = 0;
};
PeerHandshakes ticket_peer_handshakes(const std::string& output);

/// A free TCP port on 127.0.0.1 (bound and released).
uint16_t free_loopback_port();

}  // namespace mactls::test

#endif
