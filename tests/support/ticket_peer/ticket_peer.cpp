// mactls_ticket_peer — a test peer, built only with the tests: one member of
// a pool of TLS servers behind one name. `openssl s_server` cannot be given
// its session-ticket keys, and a pool whose members share them is exactly
// what the pool tests need, so this small server links OpenSSL's libssl
// (allowed for test peers, never for the library) and takes them as hex.
//
//   mactls_ticket_peer --port N --cert CHAIN.pem --key KEY.pem
//                      [--ticket-keys HEX] [--tls12] [--num-tickets N]
//
// --ticket-keys: 80 bytes in hex (160 digits): key name (16), HMAC key (32),
// AES key (32), as SSL_CTX_set_tlsext_ticket_keys takes them; without it
// OpenSSL makes random keys of its own, as a member with its own keys does.
// --tls12 serves TLS 1.2 only (otherwise 1.2 and 1.3). --num-tickets sets
// how many TLS 1.3 tickets follow a full handshake (OpenSSL's default 2;
// one after a resumed handshake either way).
//
// It serves one connection at a time on 127.0.0.1, answers whatever request
// arrives with a tiny HTML page naming the version and whether the session
// was resumed, and prints one line per completed handshake to stdout:
//   handshake <n> version=<TLSv1.3|TLSv1.2> resumed=<0|1>
// so a test can confirm resumption on the server's side. Readiness is
// probed by connecting (a probe that sends nothing is not counted).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: mactls_ticket_peer --port N --cert CHAIN.pem --key KEY.pem "
               "[--ticket-keys HEX160] [--tls12] [--num-tickets N]\n");
  return 2;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_keys(const std::string& hex, unsigned char out[80]) {
  if (hex.size() != 160) return false;
  for (size_t i = 0; i < 80; ++i) {
    const int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

void print_errors(const char* what) {
  std::fprintf(stderr, "%s:", what);
  ERR_print_errors_fp(stderr);
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, num_tickets = -1;
  bool tls12_only = false;
  std::string cert, key, keys_hex;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--port" && has_value) port = std::atoi(argv[++i]);
    else if (a == "--cert" && has_value) cert = argv[++i];
    else if (a == "--key" && has_value) key = argv[++i];
    else if (a == "--ticket-keys" && has_value) keys_hex = argv[++i];
    else if (a == "--num-tickets" && has_value) num_tickets = std::atoi(argv[++i]);
    else if (a == "--tls12") tls12_only = true;
    else return usage();
  }
  if (port <= 0 || port > 65535 || cert.empty() || key.empty()) return usage();
  signal(SIGPIPE, SIG_IGN);

  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return print_errors("SSL_CTX_new"), 1;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, tls12_only ? TLS1_2_VERSION : TLS1_3_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1) return print_errors("certificate"), 1;
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) return print_errors("key"), 1;
  if (!keys_hex.empty()) {
    unsigned char keys[80];
    if (!parse_keys(keys_hex, keys)) {
      std::fprintf(stderr, "--ticket-keys wants 160 hex digits (80 bytes)\n");
      return 2;
    }
    if (SSL_CTX_set_tlsext_ticket_keys(ctx, keys, sizeof keys) != 1) return print_errors("ticket keys"), 1;
    OPENSSL_cleanse(keys, sizeof keys);
  }
  if (num_tickets >= 0) SSL_CTX_set_num_tickets(ctx, size_t(num_tickets));

  const int lfd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // a restarted member reuses its port
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(uint16_t(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (lfd < 0 || bind(lfd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(lfd, 16) != 0) {
    std::perror("bind/listen");
    return 1;
  }
  std::printf("listening on 127.0.0.1:%d%s\n", port, tls12_only ? " (TLS 1.2 only)" : "");
  std::fflush(stdout);

  unsigned long handshakes = 0;
  for (;;) {
    const int fd = accept(lfd, nullptr, nullptr);
    if (fd < 0) continue;
    // A client that stalls cannot hold the member forever.
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      ++handshakes;
      const int resumed = SSL_session_reused(ssl) ? 1 : 0;
      const char* version = SSL_get_version(ssl);
      std::printf("handshake %lu version=%s resumed=%d\n", handshakes, version, resumed);
      std::fflush(stdout);
      // Read the request (up to its blank line, or what arrives), then answer.
      std::string req;
      char buf[2048];
      while (req.find("\r\n\r\n") == std::string::npos && req.size() < 16384) {
        const int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, size_t(n));
      }
      const std::string body = std::string("<html>mactls_ticket_peer version=") + version +
                               " resumed=" + std::to_string(resumed) + "</html>\n";
      const std::string resp = "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      SSL_write(ssl, resp.data(), int(resp.size()));
      SSL_shutdown(ssl);
    } else {
      ERR_clear_error();  // a readiness probe, or a client that gave up
    }
    SSL_free(ssl);
    close(fd);
  }
}
