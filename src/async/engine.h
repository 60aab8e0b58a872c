// mactls async — the seam between Connection and the TLS engine.
//
// Connection drives mactls::Client through this small interface, the same
// calls Client offers (client.h), so the adapter can be tested with a
// scripted engine: states the real engine only reaches with a live server
// (open, peer close_notify, tickets after the handshake) are then reachable
// in-process. Production code always uses make_client_engine().
#ifndef MACTLS_ASYNC_ENGINE_H
#define MACTLS_ASYNC_ENGINE_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mactls/client.h"
#include "mactls/connection.h"
#include "mactls/status.h"
#include "mactls/ticket_store.h"

namespace mactls {

/// The engine calls of client.h, one for one; see Client for contracts.
class Engine {
 public:
  virtual ~Engine() = default;
  /// Client::check_config(); a scripted engine has nothing to check.
  virtual Status check_config() const { return Status::ok(); }
  virtual Status start(std::vector<uint8_t>& out) = 0;
  /// Client::withdraw(): the ClientHello from start() was never sent.
  virtual void withdraw() {}
  virtual Status feed(const uint8_t* in, size_t len, size_t* consumed, std::vector<uint8_t>& out) = 0;
  virtual Status write(const uint8_t* data, size_t len, std::vector<uint8_t>& out) = 0;
  virtual size_t read(uint8_t* buf, size_t cap) = 0;
  virtual size_t readable() const = 0;
  virtual Status close(std::vector<uint8_t>& out) = 0;
  virtual Client::State state() const = 0;
  virtual Status error() const = 0;
  virtual const ConnectionInfo& info() const = 0;
  /// Client::ticket_key(): what ResumptionGate keys on. A scripted engine
  /// has none (an empty server name: the connection's host, port and
  /// partition stand in, with an all-zero security context).
  virtual TicketKey ticket_key() const { return TicketKey(); }
};

/// A Connection over any Engine: Connection::New() with the real one, the
/// adapter tests with a scripted one. `clock` null means system_clock().
/// Declared (and befriended) in mactls/connection.h, where Engine is opaque.
std::unique_ptr<Connection> connection_with_engine(std::unique_ptr<Engine> engine,
                                                   std::unique_ptr<Transport> transport, std::string host,
                                                   uint16_t port, ConnectionOptions options, Clock* clock);

/// The real engine: a mactls::Client made from `config` (copied by Client).
std::unique_ptr<Engine> make_client_engine(const ClientConfig& config, std::string server_name,
                                           uint16_t port, std::string partition = std::string());

/// Bytes a TLS 1.3 record adds around at most 2^14 bytes of plaintext: the
/// 5-byte header, the inner content type and a 16-byte AEAD tag (RFC 8446
/// §5.2; mactls adds no padding).
constexpr size_t kRecordOverhead = 5 + 1 + 16;
/// Largest plaintext per record (RFC 8446 §5.1).
constexpr size_t kMaxPlaintext = 16384;

}  // namespace mactls

#endif  // MACTLS_ASYNC_ENGINE_H
