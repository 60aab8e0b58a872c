// mactls async — Connection over the real engine (mactls::Client). Kept in
// its own file so the adapter can be linked and tested with a scripted
// engine alone.
#include "async/engine.h"
#include "mactls/connection.h"

namespace mactls {

namespace {

class ClientEngine final : public Engine {
 public:
  ClientEngine(const ClientConfig& config, std::string name, uint16_t port, std::string partition)
      : client_(config, std::move(name), port, std::move(partition)) {}
  Status check_config() const override { return client_.check_config(); }
  Status start(std::vector<uint8_t>& out) override { return client_.start(out); }
  void withdraw() override { client_.withdraw(); }
  Status feed(const uint8_t* in, size_t len, size_t* consumed, std::vector<uint8_t>& out) override {
    return client_.feed(in, len, consumed, out);
  }
  Status write(const uint8_t* data, size_t len, std::vector<uint8_t>& out) override {
    return client_.write(data, len, out);
  }
  size_t read(uint8_t* buf, size_t cap) override { return client_.read(buf, cap); }
  size_t readable() const override { return client_.readable(); }
  Status close(std::vector<uint8_t>& out) override { return client_.close(out); }
  Client::State state() const override { return client_.state(); }
  Status error() const override { return client_.error(); }
  const ConnectionInfo& info() const override { return client_.info(); }
  TicketKey ticket_key() const override { return client_.ticket_key(); }

 private:
  Client client_;
};

}  // namespace

std::unique_ptr<Engine> make_client_engine(const ClientConfig& config, std::string server_name,
                                           uint16_t port, std::string partition) {
  return std::unique_ptr<Engine>(new ClientEngine(config, std::move(server_name), port, std::move(partition)));
}

std::unique_ptr<Connection> Connection::New(const ClientConfig& config,
                                            std::unique_ptr<Transport> transport,
                                            std::string host, uint16_t port,
                                            ConnectionOptions options) {
  std::unique_ptr<Engine> engine;
  if (options.offer_resumption) {
    engine = make_client_engine(config, host, port, options.partition);
  } else {
    ClientConfig full = config;  // this connection only: Client copies it anyway
    full.offer_resumption = false;
    engine = make_client_engine(full, host, port, options.partition);
  }
  return connection_with_engine(std::move(engine), std::move(transport), std::move(host), port,
                                std::move(options), config.clock);
}

std::unique_ptr<Connection> connection_with_engine(std::unique_ptr<Engine> engine,
                                                   std::unique_ptr<Transport> transport, std::string host,
                                                   uint16_t port, ConnectionOptions options, Clock* clock) {
  return std::unique_ptr<Connection>(new Connection(std::move(engine), std::move(transport), std::move(host),
                                                    port, std::move(options), clock));
}

}  // namespace mactls
