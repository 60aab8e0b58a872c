#include "support/tls_driver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace mactls::test {

namespace {

int64_t now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

bool send_all(int fd, std::vector<uint8_t>& out) {
  size_t off = 0;
  while (off < out.size()) {
    ssize_t n = ::send(fd, out.data() + off, out.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += size_t(n);
  }
  out.clear();
  return true;
}

}  // namespace

Exchange run_exchange(const ClientConfig& cfg, const std::string& server_name, uint16_t port,
                      const std::string& request, const std::string& until, int timeout_ms,
                      uint16_t key_port) {
  Exchange ex;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    if (fd >= 0) ::close(fd);
    ex.status = Status::make(ErrorOrigin::transport, Alert::internal_error, "connect to 127.0.0.1 failed");
    ex.socket_error = true;
    return ex;
  }
  Client c(cfg, server_name, key_port ? key_port : port);
  std::vector<uint8_t> out;
  ex.status = c.start(out);
  bool sent_request = false;
  const int64_t deadline = now_ms() + timeout_ms;
  int64_t linger_until = 0;  // after the response: a short wait for tickets
  uint8_t buf[16384];
  while (ex.status.is_ok()) {
    if (!out.empty() && !send_all(fd, out)) {
      ex.socket_error = true;
      break;
    }
    if (c.is_open() && !sent_request && !request.empty()) {
      ex.status = c.write(reinterpret_cast<const uint8_t*>(request.data()), request.size(), out);
      sent_request = true;
      continue;
    }
    while (c.readable()) {
      uint8_t tmp[4096];
      size_t n = c.read(tmp, sizeof tmp);
      ex.response.append(reinterpret_cast<char*>(tmp), n);
    }
    if (c.state() == Client::State::peer_closed) break;
    bool done = c.is_open() && (request.empty() || (!until.empty() && ex.response.find(until) != std::string::npos));
    if (done && linger_until == 0) linger_until = now_ms() + 200;
    int64_t now = now_ms();
    if (now >= deadline || (linger_until && now >= linger_until)) break;
    pollfd p{fd, POLLIN, 0};
    int wait = int((linger_until ? linger_until : deadline) - now);
    int r = ::poll(&p, 1, wait);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF or reset: the peer is gone
    size_t off = 0;
    while (off < size_t(n) && ex.status.is_ok()) {
      size_t used = 0;
      ex.status = c.feed(buf + off, size_t(n) - off, &used, out);
      off += used;
      while (c.readable()) {
        uint8_t tmp[4096];
        size_t k = c.read(tmp, sizeof tmp);
        ex.response.append(reinterpret_cast<char*>(tmp), k);
      }
      if (used == 0 && ex.status.is_ok() && c.state() != Client::State::open) break;
    }
  }
  if (!out.empty()) send_all(fd, out);
  if (ex.status.is_ok() && c.state() != Client::State::failed) {
    (void)c.close(out);
    send_all(fd, out);
  }
  ex.info = c.info();
  ex.final_state = c.state();
  if (ex.status.is_ok() && !c.handshake_done())
    ex.status = Status::make(ErrorOrigin::timeout, Alert::internal_error, "handshake did not finish before the deadline");
  ::close(fd);
  return ex;
}

}  // namespace mactls::test
