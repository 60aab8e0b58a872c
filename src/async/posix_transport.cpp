// mactls async — non-blocking TCP over POSIX sockets (the Transport used by
// mactls-fetch and the tests; the G3 port has its own over Open Transport).
//
// open() resolves the name with getaddrinfo(), which blocks for the DNS
// lookup: POSIX has no portable asynchronous resolver. Connection calls
// open() from Start() only, so Pump() never waits on DNS. The connect itself
// is non-blocking: O_NONBLOCK connect(), then poll() for writability with a
// zero timeout and SO_ERROR for the outcome. Every address getaddrinfo()
// returns is tried in its order, one after another, until one connects.
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <string>

#include "mactls/connection.h"

namespace mactls {

namespace {

#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;  // SO_NOSIGPIPE is set on the socket instead
#endif

std::string describe_address(const addrinfo* ai) {
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, serv, sizeof serv,
                  NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return "?";
  if (ai->ai_family == AF_INET6) return std::string("[") + host + "]:" + serv;
  return std::string(host) + ":" + serv;
}

class PosixTransport final : public Transport {
 public:
  PosixTransport() = default;
  ~PosixTransport() override { close(); }
  PosixTransport(const PosixTransport&) = delete;
  PosixTransport& operator=(const PosixTransport&) = delete;

  ConnectStatus open(const std::string& host, uint16_t port) override {
    if (fd_ >= 0 || addrs_ || opened_) {
      error_ = "open() called twice on one transport";
      return ConnectStatus::failed;
    }
    opened_ = true;
    error_.clear();
    addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    const std::string service = std::to_string(port);
    const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &addrs_);
    if (rc != 0) {
      addrs_ = nullptr;
      error_ = "cannot resolve '" + host + "': " +
               (rc == EAI_SYSTEM ? std::string(strerror(errno)) : std::string(gai_strerror(rc)));
      return ConnectStatus::failed;
    }
    next_ = addrs_;
    return try_next_address();
  }

  ConnectStatus poll_connect() override {
    if (connected_) return ConnectStatus::connected;
    if (fd_ < 0) {
      if (error_.empty()) error_ = "not connecting";
      return ConnectStatus::failed;
    }
    pollfd p;
    p.fd = fd_;
    p.events = POLLOUT;
    p.revents = 0;
    const int n = poll(&p, 1, 0);
    if (n == 0 || (n < 0 && errno == EINTR)) return ConnectStatus::in_progress;
    if (n < 0) return attempt_failed(errno);
    int soerr = 0;
    socklen_t len = sizeof soerr;
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) return attempt_failed(errno);
    if (soerr == EINPROGRESS || soerr == EALREADY) return ConnectStatus::in_progress;
    if (soerr != 0) return attempt_failed(soerr);
    return connected();
  }

  IoResult send(const uint8_t* data, size_t len) override {
    if (!connected_ || fd_ < 0) {
      error_ = "send on a transport that is not connected";
      return IoResult::failed();
    }
    if (len == 0) return IoResult::blocked();
    for (;;) {
      const ssize_t n = ::send(fd_, data, len, kSendFlags);
      if (n > 0) return IoResult::moved(size_t(n));
      if (n == 0) return IoResult::blocked();
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::blocked();
      error_ = std::string("send to ") + peer_ + ": " + strerror(errno);
      return IoResult::failed();
    }
  }

  IoResult recv(uint8_t* buf, size_t cap) override {
    if (!connected_ || fd_ < 0) {
      error_ = "recv on a transport that is not connected";
      return IoResult::failed();
    }
    if (cap == 0) return IoResult::blocked();
    for (;;) {
      const ssize_t n = ::recv(fd_, buf, cap, 0);
      if (n > 0) return IoResult::moved(size_t(n));
      if (n == 0) return IoResult::end();
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::blocked();
      error_ = std::string("recv from ") + peer_ + ": " + strerror(errno);
      return IoResult::failed();
    }
  }

  void close() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    connected_ = false;
    release_addresses();
  }

  const char* error() const override { return error_.c_str(); }
  int native_handle() const override { return fd_; }

 private:
  // Starts a connect to the next address; a synchronous failure moves on.
  ConnectStatus try_next_address() {
    while (next_) {
      const addrinfo* ai = next_;
      next_ = next_->ai_next;
      peer_ = describe_address(ai);
      fd_ = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
      if (fd_ < 0) {
        note_failure(errno);
        continue;
      }
      const int fl = fcntl(fd_, F_GETFL, 0);
      if (fl < 0 || fcntl(fd_, F_SETFL, fl | O_NONBLOCK) != 0 ||
          fcntl(fd_, F_SETFD, FD_CLOEXEC) != 0) {
        note_failure(errno);
        ::close(fd_);
        fd_ = -1;
        continue;
      }
      const int one = 1;
      // Handshake flights are written whole; Nagle would only delay them.
      (void)setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
#ifdef SO_NOSIGPIPE
      (void)setsockopt(fd_, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
      if (::connect(fd_, ai->ai_addr, ai->ai_addrlen) == 0) return connected();
      // EINTR: the connect goes on asynchronously (POSIX connect()).
      if (errno == EINPROGRESS || errno == EINTR) return ConnectStatus::in_progress;
      note_failure(errno);
      ::close(fd_);
      fd_ = -1;
    }
    release_addresses();
    if (error_.empty()) error_ = "no address to connect to";
    return ConnectStatus::failed;
  }

  ConnectStatus attempt_failed(int err) {
    note_failure(err);
    ::close(fd_);
    fd_ = -1;
    return try_next_address();
  }

  ConnectStatus connected() {
    connected_ = true;
    error_.clear();
    release_addresses();
    return ConnectStatus::connected;
  }

  // Keeps every address's failure: "127.0.0.1:1: Connection refused; [::1]:1: ...".
  void note_failure(int err) {
    if (!error_.empty()) error_ += "; ";
    error_ += peer_ + ": " + strerror(err);
  }

  void release_addresses() {
    if (addrs_) freeaddrinfo(addrs_);
    addrs_ = nullptr;
    next_ = nullptr;
  }

  int fd_ = -1;
  bool opened_ = false;
  bool connected_ = false;
  addrinfo* addrs_ = nullptr;
  const addrinfo* next_ = nullptr;
  std::string peer_;   // numeric address of the current attempt
  std::string error_;
};

}  // namespace

std::unique_ptr<Transport> make_posix_transport() {
  return std::unique_ptr<Transport>(new PosixTransport());
}

}  // namespace mactls
