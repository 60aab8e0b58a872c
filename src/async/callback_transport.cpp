// mactls async — Transport over a C host's callbacks. Each call clears the
// error buffer, calls the callback, and maps mactls_io onto the Transport
// results; the buffer is always NUL-terminated here, whatever the callback
// wrote, and an empty reason for an error is replaced by one naming the
// callback, so last_error() never says "failed: " and nothing more.
#include "async/callback_transport.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace mactls {

namespace {

class CallbackTransport final : public Transport {
 public:
  CallbackTransport(const mactls_transport& ops, void* user) : ops_(ops), user_(user) {
    err_[0] = '\0';
  }
  ~CallbackTransport() override { close(); }
  CallbackTransport(const CallbackTransport&) = delete;
  CallbackTransport& operator=(const CallbackTransport&) = delete;

  ConnectStatus open(const std::string& host, uint16_t port) override {
    if (started_) return refuse("open() called twice on one transport");
    if (!callback_transport_complete(ops_)) return refuse("the transport callbacks are incomplete");
    started_ = true;
    clear();
    void* stream = nullptr;
    const mactls_io r = ops_.connect_start(user_, host.c_str(), port, &stream, err_, sizeof err_);
    stream_ = stream;
    return connect_result(r, "connect_start");
  }

  ConnectStatus poll_connect() override {
    if (connected_) return ConnectStatus::connected;
    if (!live()) return refuse("not connecting");
    clear();
    return connect_result(ops_.connect_poll(user_, stream_, err_, sizeof err_), "connect_poll");
  }

  IoResult send(const uint8_t* data, size_t len) override {
    if (!live() || !connected_) return io_refused("send on a transport that is not connected");
    if (len == 0) return IoResult::blocked();
    clear();
    size_t n = 0;
    const mactls_io r = ops_.send(user_, stream_, data, len, &n, err_, sizeof err_);
    return io_result(r, n, len, "send", false);
  }

  IoResult recv(uint8_t* buf, size_t cap) override {
    if (!live() || !connected_) return io_refused("recv on a transport that is not connected");
    if (cap == 0) return IoResult::blocked();
    clear();
    size_t n = 0;
    const mactls_io r = ops_.receive(user_, stream_, buf, cap, &n, err_, sizeof err_);
    return io_result(r, n, cap, "receive", true);
  }

  void close() override {
    if (started_ && !closed_ && ops_.close) ops_.close(user_, stream_);
    closed_ = started_;
    connected_ = false;
    stream_ = nullptr;
  }

  const char* error() const override { return err_; }

  int native_handle() const override {
    if (!live() || !ops_.native_handle) return -1;
    return ops_.native_handle(user_, stream_);
  }

 private:
  bool live() const { return started_ && !closed_; }

  void clear() { std::memset(err_, 0, sizeof err_); }

  void set_error(const char* text) {
    std::snprintf(err_, sizeof err_, "%s", text);
  }

  // Terminates what the callback wrote; names the callback when it gave no reason.
  void finish_error(const char* callback) {
    err_[sizeof err_ - 1] = '\0';
    if (err_[0] == '\0') {
      std::string t = std::string("the transport's ") + callback + " callback failed (no reason given)";
      set_error(t.c_str());
    }
  }

  ConnectStatus refuse(const char* text) {
    set_error(text);
    return ConnectStatus::failed;
  }

  IoResult io_refused(const char* text) {
    set_error(text);
    return IoResult::failed();
  }

  ConnectStatus connect_result(mactls_io r, const char* callback) {
    switch (r) {
      case MACTLS_IO_OK:
        connected_ = true;
        err_[0] = '\0';
        return ConnectStatus::connected;
      case MACTLS_IO_WOULD_BLOCK:
        return ConnectStatus::in_progress;
      case MACTLS_IO_ERROR:
        finish_error(callback);
        return ConnectStatus::failed;
      default: {
        std::string t = std::string("the transport's ") + callback +
                        " callback returned a value that is not a mactls_io result for connecting";
        set_error(t.c_str());
        return ConnectStatus::failed;
      }
    }
  }

  IoResult io_result(mactls_io r, size_t n, size_t limit, const char* callback, bool eof_allowed) {
    switch (r) {
      case MACTLS_IO_OK:
        // OK with nothing moved breaks the contract; Connection treats a
        // zero count as would-block. More than asked is clamped.
        return IoResult::moved(n < limit ? n : limit);
      case MACTLS_IO_WOULD_BLOCK:
        return IoResult::blocked();
      case MACTLS_IO_EOF:
        if (eof_allowed) return IoResult::end();
        break;
      case MACTLS_IO_ERROR:
        finish_error(callback);
        return IoResult::failed();
    }
    std::string t = std::string("the transport's ") + callback +
                    " callback returned a value that is not a mactls_io result for it";
    set_error(t.c_str());
    return IoResult::failed();
  }

  mactls_transport ops_;
  void* user_;
  void* stream_ = nullptr;
  bool started_ = false;    // connect_start was called
  bool closed_ = false;     // ops_.close was called
  bool connected_ = false;
  char err_[256];
};

}  // namespace

bool callback_transport_complete(const mactls_transport& ops) {
  return ops.connect_start && ops.connect_poll && ops.send && ops.receive && ops.close;
}

std::unique_ptr<Transport> make_callback_transport(const mactls_transport& ops, void* user) {
  return std::unique_ptr<Transport>(new CallbackTransport(ops, user));
}

}  // namespace mactls
