// Test support: drive a mactls::Client over a real TCP socket to a live peer
// on 127.0.0.1 (blocking, with a deadline), independent of the async layer.
#ifndef MACTLS_TESTS_SUPPORT_TLS_DRIVER_H
#define MACTLS_TESTS_SUPPORT_TLS_DRIVER_H

#include <cstdint>
#include <string>

#include "mactls/client.h"

namespace mactls::test {

struct Exchange {
  Status status;               ///< first failure (engine or socket), ok otherwise
  ConnectionInfo info;         ///< what the engine reported
  std::string response;        ///< application data received
  Client::State final_state = Client::State::idle;
  bool socket_error = false;
};

/// Connects to 127.0.0.1:port, runs the handshake for `server_name`, sends
/// `request` (if not empty), reads until the peer closes, `until` appears in
/// the response, or `timeout_ms` passes (a generous bound on waiting, never
/// an assertion about speed); then keeps reading briefly so
/// post-handshake NewSessionTickets are stored, and closes with close_notify.
/// `key_port` (0: `port`) is the port the Client is told, which keys the
/// ticket store: several local servers can stand for one name and port.
Exchange run_exchange(const ClientConfig& cfg, const std::string& server_name, uint16_t port,
                      const std::string& request, const std::string& until = "",
                      int timeout_ms = 30000, uint16_t key_port = 0);

}  // namespace mactls::test

#endif
