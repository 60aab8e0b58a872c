// fetch.cpp — fetch https://HOST:PORT/PATH with the mactls C++ interface
// (mactls::Connection over the POSIX transport) and print the response
// (headers and body) to stdout.
//
//   example_fetch_cpp HOST PORT CAFILE [PATH]
//
// Event-driven: Connection::interest() names the socket to poll() and the
// time until the next deadline; the program sleeps in poll() until one of
// them and pumps once per wake-up. Public headers only. Exit status: 0 when
// the response was read to the end, 1 otherwise.
#include <poll.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <mactls/connection.h>
#include <mactls/tls_ids.h>
#include <mactls/trust.h>
#include <mactls/version.h>

namespace {

// Sleeps until `c` needs a Pump(): its socket is ready or its next deadline
// is due (at most 100 ms while there is no socket to wait on).
void wait_for(const mactls::Connection& c) {
  const mactls::Connection::Interest in = c.interest();
  int timeout = 100;
  if (in.timeout_ms >= 0 && in.timeout_ms < 60000)
    timeout = int(in.timeout_ms);
  else if (in.handle >= 0)
    timeout = 60000;
  if (in.handle < 0 || (!in.want_read && !in.want_write)) {
    poll(nullptr, 0, timeout < 100 ? timeout : 100);
    return;
  }
  pollfd p{};
  p.fd = in.handle;
  p.events = short((in.want_read ? POLLIN : 0) | (in.want_write ? POLLOUT : 0));
  poll(&p, 1, timeout);
}

void drain(mactls::Connection& c) {
  uint8_t buf[4096];
  size_t n;
  while ((n = c.Read(buf, sizeof buf)) > 0) std::fwrite(buf, 1, n, stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: %s HOST PORT CAFILE [PATH]  (libmactls %s)\n", argv[0], mactls::version());
    return 1;
  }
  const std::string host = argv[1];
  const unsigned long port = std::strtoul(argv[2], nullptr, 10);
  const std::string path = argc == 5 ? argv[4] : "/";
  if (port == 0 || port > 65535) {
    std::fprintf(stderr, "bad port %s\n", argv[2]);
    return 1;
  }
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";

  mactls::TrustStore trust;  // must outlive the connection
  mactls::Status st = trust.add_pem_file(argv[3]);
  if (!st) {
    std::fprintf(stderr, "%s: %s\n", argv[3], st.what());
    return 1;
  }
  mactls::ClientConfig cfg;
  cfg.trust = &trust;
  // The defaults, spelled out with the names of <mactls/tls_ids.h>: groups
  // in preference order; the one key share follows the first of them
  // (key_share_groups left empty), so reordering groups is all it takes.
  cfg.groups = {mactls::kGroupX25519, mactls::kGroupSecp256r1, mactls::kGroupSecp384r1};

  std::unique_ptr<mactls::Connection> c =
      mactls::Connection::New(cfg, mactls::make_posix_transport(), host, uint16_t(port));
  (void)c->Start();  // a failure shows as the failed state
  size_t sent = 0;
  mactls::ConnState s = c->state();
  while (s != mactls::ConnState::closed && s != mactls::ConnState::failed) {
    wait_for(*c);
    s = c->Pump();
    const uint32_t ev = c->events();
    if (ev & mactls::kEventHandshakeDone) {
      const mactls::ConnectionInfo* i = c->info();
      if (i && i->version == mactls::kVersionTls12) std::fprintf(stderr, "note: the server speaks TLS 1.2 only\n");
    }
    if (s == mactls::ConnState::open && sent < request.size() && (ev & mactls::kEventWritable))
      sent += c->Write(reinterpret_cast<const uint8_t*>(request.data()) + sent, request.size() - sent);
    if (ev & mactls::kEventReadable) drain(*c);
  }
  drain(*c);  // what arrived together with the close
  const bool ok = s == mactls::ConnState::closed;
  if (!ok) std::fprintf(stderr, "fetch failed: %s\n", c->last_error().c_str());
  c->Dispose();
  return ok ? 0 : 1;
}
