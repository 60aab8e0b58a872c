#include "support/peer_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mactls::test {

namespace {

void sleep_ms(int ms) {
  timespec ts{ms / 1000, long(ms % 1000) * 1000000L};
  nanosleep(&ts, nullptr);
}

int64_t monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// How long a peer may take to start accepting. Generous on purpose: on a
// loaded machine (two cores shared by parallel builds) a server's start-up
// can take seconds, and readiness is probed, so a fast start costs nothing.
constexpr int64_t kReadyDeadlineMs = 20000;

bool can_connect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  close(fd);
  return ok;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// IANA suite name → gnutls priority cipher keyword.
std::string gnutls_cipher(const std::string& iana) {
  if (iana == "TLS_AES_128_GCM_SHA256") return "+AES-128-GCM";
  if (iana == "TLS_AES_256_GCM_SHA384") return "+AES-256-GCM";
  if (iana == "TLS_CHACHA20_POLY1305_SHA256") return "+CHACHA20-POLY1305";
  return "";
}

// RFC 8446 signature scheme name → gnutls priority keyword.
std::string gnutls_sign(const std::string& scheme) {
  if (scheme == "rsa_pkcs1_sha256") return "+SIGN-RSA-SHA256";
  if (scheme == "rsa_pkcs1_sha384") return "+SIGN-RSA-SHA384";
  if (scheme == "rsa_pkcs1_sha512") return "+SIGN-RSA-SHA512";
  if (scheme == "rsa_pss_rsae_sha256") return "+SIGN-RSA-PSS-RSAE-SHA256";
  if (scheme == "rsa_pss_rsae_sha384") return "+SIGN-RSA-PSS-RSAE-SHA384";
  if (scheme == "rsa_pss_rsae_sha512") return "+SIGN-RSA-PSS-RSAE-SHA512";
  if (scheme == "ecdsa_secp256r1_sha256") return "+SIGN-ECDSA-SHA256";
  if (scheme == "ecdsa_secp384r1_sha384") return "+SIGN-ECDSA-SHA384";
  return "";
}

std::string gnutls_group(const std::string& g) {
  if (g == "x25519" || g == "X25519") return "+GROUP-X25519";
  if (g == "secp256r1" || g == "P-256") return "+GROUP-SECP256R1";
  if (g == "secp384r1" || g == "P-384") return "+GROUP-SECP384R1";
  return "";
}

}  // namespace

uint16_t free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = 0;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  uint16_t port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) == 0)
    port = ntohs(sa.sin_port);
  if (fd >= 0) close(fd);
  return port;
}

PeerServer::PeerServer(PeerOptions o) : o_(std::move(o)) {
  char templ[] = "/tmp/mactls-peer-XXXXXX";
  int fd = mkstemp(templ);
  if (fd >= 0) close(fd);
  log_ = templ;
}

PeerServer::~PeerServer() {
  stop();
  unlink(log_.c_str());
  unlink((log_ + ".chain.pem").c_str());
}

bool PeerServer::launch(uint16_t port) {
  std::vector<std::string> args;
  if (o_.kind == PeerKind::openssl) {
    args = {"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port), "-cert", o_.cert_file,
            "-key", o_.key_file, o_.tls12 ? "-tls1_2" : "-tls1_3"};
    // s_server sends only the first certificate of -cert; the rest of the
    // chain goes through -cert_chain.
    std::ifstream in(o_.cert_file);
    std::stringstream all;
    all << in.rdbuf();
    std::string pem = all.str();
    size_t second = pem.find("-----BEGIN CERTIFICATE-----", 1);
    if (second != std::string::npos) {
      std::ofstream chain(log_ + ".chain.pem");
      chain << pem.substr(second);
      args.push_back("-cert_chain");
      args.push_back(log_ + ".chain.pem");
    }
    if (o_.www) args.push_back("-www");
    if (o_.num_tickets >= 0) {
      args.push_back("-num_tickets");
      args.push_back(std::to_string(o_.num_tickets));
    }
    if (!o_.groups.empty()) {
      args.push_back("-groups");
      args.push_back(join(o_.groups, ":"));
    }
    if (!o_.ciphersuites.empty()) {
      args.push_back("-ciphersuites");
      args.push_back(join(o_.ciphersuites, ":"));
    }
    if (!o_.keylog_file.empty()) {
      args.push_back("-keylogfile");
      args.push_back(o_.keylog_file);
    }
    if (o_.no_tickets) args.push_back("-no_ticket");
    if (!o_.signature_schemes.empty()) {
      args.push_back("-sigalgs");
      args.push_back(join(o_.signature_schemes, ":"));
    }
  } else if (o_.kind == PeerKind::ticket_peer) {
    args = {MACTLS_TICKET_PEER_BIN, "--port", std::to_string(port), "--cert", o_.cert_file, "--key", o_.key_file};
    if (!o_.ticket_keys_hex.empty()) {
      args.push_back("--ticket-keys");
      args.push_back(o_.ticket_keys_hex);
    }
    if (o_.tls12) args.push_back("--tls12");
    if (o_.num_tickets >= 0) {
      args.push_back("--num-tickets");
      args.push_back(std::to_string(o_.num_tickets));
    }
  } else {
    std::string prio = o_.tls12 ? "NORMAL:-VERS-ALL:+VERS-TLS1.2" : "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    if (!o_.ciphersuites.empty()) {
      prio += ":-CIPHER-ALL";
      for (const auto& c : o_.ciphersuites) prio += ":" + gnutls_cipher(c);
    }
    if (!o_.groups.empty()) {
      prio += ":-GROUP-ALL";
      for (const auto& g : o_.groups) prio += ":" + gnutls_group(g);
    }
    if (!o_.signature_schemes.empty()) {
      prio += ":-SIGN-ALL";
      for (const auto& sc : o_.signature_schemes) prio += ":" + gnutls_sign(sc);
    }
    args = {"gnutls-serv", "-p", std::to_string(port), "--x509certfile", o_.cert_file, "--x509keyfile",
            o_.key_file, "--priority", prio};
    if (o_.no_tickets) args.push_back("--noticket");
    if (o_.www) args.push_back("--http");
  }
  for (const auto& a : o_.extra_args) args.push_back(a);

  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int devnull = open("/dev/null", O_RDONLY);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    if (devnull >= 0) dup2(devnull, 0);
    setpgid(0, 0);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;
  port_ = port;
  // Ready when it accepts a connection: probe until then, or until the
  // server exits, or until the deadline. The probe interval grows from 5 ms
  // to 100 ms, so a quick server is found quickly and a slow one is not
  // hammered.
  const int64_t deadline = monotonic_ms() + kReadyDeadlineMs;
  int interval = 5;
  for (;;) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;  // exited: probably the port was taken
    }
    if (can_connect(port)) return true;
    if (monotonic_ms() >= deadline) break;
    sleep_ms(interval);
    if (interval < 100) interval *= 2;
  }
  stop();
  return false;
}

bool PeerServer::start() {
  for (int attempt = 0; attempt < 5; ++attempt) {
    uint16_t p = o_.port ? o_.port : free_loopback_port();
    if (p && launch(p)) {
      // gnutls-serv counts our readiness probe as a connection; that is harmless.
      return true;
    }
    if (o_.port) sleep_ms(200);  // a fixed port may still be in TIME_WAIT
  }
  return false;
}

void PeerServer::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 40; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    sleep_ms(25);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string PeerServer::output() const {
  std::ifstream f(log_);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool server_says_resumed(PeerKind kind, const std::string& page) {
  if (kind == PeerKind::ticket_peer) return page.find(" resumed=1</html>") != std::string::npos;
  if (kind == PeerKind::openssl) return page.find("Reused, TLSv1.") != std::string::npos;  // 1.3 or 1.2
  // gnutls: "Description: (TLS1.3-X.509)-(ECDHE-X25519)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)"
  // for a full handshake; a resumed one has no signature group.
  size_t d = page.find("Description:");
  if (d == std::string::npos) return false;
  size_t end = page.find('\n', d);
  std::string line = page.substr(d, end == std::string::npos ? std::string::npos : end - d);
  int groups = 0;
  for (size_t i = 0; i + 1 < line.size(); ++i)
    if (line[i] == '(' && line[i + 1] != ')') ++groups;
  return groups < 4;
}

PeerHandshakes ticket_peer_handshakes(const std::string& output) {
  PeerHandshakes h;
  for (size_t at = output.find("handshake "); at != std::string::npos; at = output.find("handshake ", at + 1)) {
    if (at != 0 && output[at - 1] != '\n') continue;
    const size_t end = output.find('\n', at);
    const std::string line = output.substr(at, end == std::string::npos ? std::string::npos : end - at);
    h.total++;
    if (line.find(" resumed=1") != std::string::npos) h.resumed++;
  }
  return h;
}

}  // namespace mactls::test
