// The heap tests' loopback between mactls::Client and the scripted server,
// telling the caller exactly when client code runs (so only the client's
// heap traffic is captured or counted: the server shares the process).
#ifndef MACTLS_TESTS_HYGIENE_CLIENT_EXCHANGE_H
#define MACTLS_TESTS_HYGIENE_CLIENT_EXCHANGE_H

#include <algorithm>
#include <functional>

#include "mactls/client.h"
#include "support/scripted_server.h"

namespace mactls::test {

/// Runs the handshake, sends "ping", lets post-handshake messages arrive
/// (delivered `chunk` bytes per feed; 0 = all at once), then closes.
/// `client_running(true/false)` brackets every client call.
inline Status exchange(Client& client, ScriptedServer& server, size_t chunk,
                       const std::function<void(bool)>& client_running) {
  Bytes c2s, s2c;
  client_running(true);
  Status st = client.start(c2s);
  client_running(false);
  bool sent = false;
  for (int round = 0; round < 1000 && st.is_ok(); ++round) {
    bool progress = false;
    if (!c2s.empty()) {
      Bytes in;
      in.swap(c2s);
      (void)server.receive(ByteView(in), s2c);
      progress = true;
    }
    if (!s2c.empty()) {
      Bytes in;
      in.swap(s2c);
      size_t step = chunk ? chunk : in.size();
      uint8_t sink[4096];
      for (size_t off = 0; off < in.size() && st.is_ok();) {
        size_t n = std::min(step, in.size() - off), used = 0;
        client_running(true);
        st = client.feed(in.data() + off, n, &used, c2s);
        while (client.readable()) (void)client.read(sink, sizeof sink);
        client_running(false);
        off += used;
      }
      progress = true;
    }
    if (!sent && client.is_open()) {
      const uint8_t ping[4] = {'p', 'i', 'n', 'g'};
      client_running(true);
      st = client.write(ping, sizeof ping, c2s);
      client_running(false);
      sent = progress = true;
    }
    if (!progress) break;
  }
  if (st.is_ok()) {
    client_running(true);
    st = client.close(c2s);
    client_running(false);
    (void)server.receive(ByteView(c2s), s2c);
  }
  return st;
}

}  // namespace mactls::test

#endif
