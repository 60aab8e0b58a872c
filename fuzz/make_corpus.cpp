// mactls_fuzz_corpus: seed corpora from real sessions. Runs mactls' client
// against live `openssl s_server` and `gnutls-serv` on 127.0.0.1, keeps
// every byte the server sent (and the key log), and writes each server
// message to its target's corpus under OUT_DIR/<target>/.
//
// TLS 1.3 (test-time PKI: P-256, RSA-2048 and Ed25519 chains; X25519, and
// P-384 for a HelloRetryRequest): the server's records are decrypted with
// mactls' own record layer and the key log.
//
// TLS 1.2 (servers limited to 1.2; ECDSA P-256 and P-384 chains, RSA-2048
// chains with PKCS#1 v1.5 and with RSASSA-PSS signatures; X25519, P-256 and
// P-384 in turn; tickets on (with ALPN) and off; full, then resumed; a
// CertificateRequest from openssl, gnutls-serv asks by default): every server
// message up to its ChangeCipherSpec is plaintext, so the ServerHello (and
// its extensions), Certificate, ServerKeyExchange, CertificateRequest and
// NewSessionTicket go to the messages12 target (first byte: the parser,
// see fuzz/targets/messages12.cpp) and the ServerHello to server_hello.
// Identical messages are written once.
//
//   mactls_fuzz_corpus OUT_DIR [all|tls13|tls12]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "handshake/messages.h"
#include "keyschedule/cipher_suite.h"
#include "mactls/client.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "record/record.h"
#include "support/peer_server.h"
#include "support/pki.h"

using namespace mactls;
using namespace mactls::test;

namespace {

std::string g_out;
int g_files = 0;

void write_seed(const std::string& target, const std::string& name, const Bytes& data) {
  std::string dir = g_out + "/" + target;
  (void)system(("mkdir -p '" + dir + "'").c_str());
  std::ofstream(dir + "/" + name, std::ios::binary).write(reinterpret_cast<const char*>(data.data()),
                                                          std::streamsize(data.size()));
  ++g_files;
}

Bytes with_prefix(uint8_t b, ByteView v) {
  Bytes out(1 + v.size);  // sized up front (GCC 12 -Warray-bounds false positive otherwise)
  out[0] = b;
  std::copy(v.begin(), v.end(), out.begin() + 1);
  return out;
}

// One session: returns the server's bytes and the key log. `group` 0
// leaves the groups of `base` as they are.
bool session(uint16_t port, const ClientConfig& base, uint16_t group, Bytes* from_server,
             std::map<std::string, Bytes>* keys) {
  ClientConfig cfg = base;
  if (group != 0) {  // TLS 1.3: all groups offered, one key share
    cfg.groups = {0x001d, 0x0017, 0x0018};
    cfg.key_share_groups = {group == 0x0018 ? uint16_t(0x001d) : group};  // P-384: via HelloRetryRequest
  }
  cfg.keylog = [keys](const char* label, const uint8_t*, const uint8_t* s, size_t n) {
    (*keys)[label] = Bytes(s, s + n);
  };
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return false;
  Client c(cfg, "localhost", port);
  Bytes out;
  bool ok = c.start(out).is_ok();
  bool sent_request = false;
  for (int i = 0; ok && i < 200; ++i) {
    if (!out.empty()) {
      if (write(fd, out.data(), out.size()) != ssize_t(out.size())) break;
      out.clear();
    }
    if (c.is_open() && !sent_request) {
      const std::string req = "GET / HTTP/1.0\r\n\r\n";
      ok = c.write(reinterpret_cast<const uint8_t*>(req.data()), req.size(), out).is_ok();
      sent_request = true;
      continue;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 1500) <= 0) break;
    uint8_t buf[16384];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    from_server->insert(from_server->end(), buf, buf + n);
    size_t used = 0;
    ok = c.feed(buf, size_t(n), &used, out).is_ok();
    uint8_t sink[16384];
    while (c.readable()) (void)c.read(sink, sizeof sink);
  }
  close(fd);
  return ok && c.handshake_done();
}

// Decrypts the server's bytes and writes the seeds.
void harvest(const std::string& tag, const Bytes& wire, std::map<std::string, Bytes>& keys) {
  RecordReader reader;
  reader.set_allow_change_cipher_spec(true);
  HandshakeReassembler hs(1 << 16);
  ByteView in(wire);
  const CipherSuite* suite = nullptr;
  int stage = 0;  // 0 plaintext, 1 handshake keys, 2 application keys
  int n_msg = 0, n_rec = 0;
  Bytes sealed_records;  // record target, sealed mode: [u16 len][inner plaintext]...
  std::vector<Bytes> post;
  while (!in.empty()) {
    Record rec;
    if (!reader.read(in, rec).is_ok() || !rec.present) break;
    if (rec.encrypted) {
      Bytes inner(rec.payload.begin(), rec.payload.end());
      inner.push_back(uint8_t(rec.type));
      sealed_records.push_back(uint8_t(inner.size() >> 8));
      sealed_records.push_back(uint8_t(inner.size()));
      sealed_records.insert(sealed_records.end(), inner.begin(), inner.end());
      ++n_rec;
    }
    if (rec.type != ContentType::handshake) continue;
    if (!hs.add(rec.payload).is_ok()) break;
    HandshakeMessage hm;
    while (hs.next(hm)) {
      ByteView msg = hm.bytes;
      uint8_t type = hm.type;
      ByteView body = hm.body;
      std::string name = tag + "-" + std::to_string(n_msg++);
      Bytes whole(msg.begin(), msg.end());
      switch (HandshakeType(type)) {
        case HandshakeType::server_hello: {
          write_seed("server_hello", name, body.to_bytes());
          ServerHello sh;
          if (parse_server_hello(body, 64, &sh).is_ok() && !sh.is_hrr) {
            suite = find_cipher_suite(sh.cipher_suite);
            if (suite && keys.count("SERVER_HANDSHAKE_TRAFFIC_SECRET") &&
                reader.set_keys(*suite, keys["SERVER_HANDSHAKE_TRAFFIC_SECRET"]).is_ok())
              stage = 1;
          }
          break;
        }
        case HandshakeType::encrypted_extensions:
          write_seed("encrypted_extensions", name, with_prefix(2, body));
          write_seed("engine", name + "-ee", [&] {
            Bytes e(4 + whole.size());
            e[0] = 0x00;  // flags: full handshake
            e[1] = 1;     // op 1: replace the second message (EncryptedExtensions)
            e[2] = uint8_t(whole.size() >> 8);
            e[3] = uint8_t(whole.size());
            std::copy(whole.begin(), whole.end(), e.begin() + 4);
            return e;
          }());
          break;
        case HandshakeType::certificate: {
          write_seed("certificate", name, body.to_bytes());
          CertificateMsg cm;
          if (parse_certificate(body, 10, 64, &cm).is_ok())
            for (size_t i = 0; i < cm.certs.size(); ++i) write_seed("x509", name + "-" + std::to_string(i), cm.certs[i].to_bytes());
          break;
        }
        case HandshakeType::certificate_verify:
          write_seed("certificate_verify", name, with_prefix(0, body));
          break;
        case HandshakeType::finished:
          write_seed("finished", name, with_prefix(body.size == 48 ? 1 : 0, body));
          if (stage == 1 && keys.count("SERVER_TRAFFIC_SECRET_0") &&
              reader.set_keys(*suite, keys["SERVER_TRAFFIC_SECRET_0"]).is_ok())
            stage = 2;
          break;
        case HandshakeType::new_session_ticket:
          write_seed("new_session_ticket", name, body.to_bytes());
          post.push_back(whole);
          break;
        case HandshakeType::key_update:
          write_seed("key_update", name, with_prefix(1, body));
          break;
        default:
          break;
      }
    }
  }
  if (suite && !sealed_records.empty()) {
    uint8_t flags = uint8_t(4 | (suite->code == 0x1301 ? 0 : suite->code == 0x1302 ? 1 : 2));
    write_seed("record", tag, with_prefix(flags, ByteView(sealed_records)));
  }
  write_seed("record", tag + "-raw", with_prefix(0x08, ByteView(wire).sub(0, std::min<size_t>(wire.size(), 4096))));
  // Engine: the real tickets, sent after an honest handshake (op 8).
  Bytes e(1, 0x00);
  for (const Bytes& m : post) {
    e.push_back(8);
    e.push_back(uint8_t(m.size() >> 8));
    e.push_back(uint8_t(m.size()));
    e.insert(e.end(), m.begin(), m.end());
  }
  if (!post.empty()) write_seed("engine", tag + "-tickets", e);
  fprintf(stderr, "%s: %d messages, %d encrypted records, %zu tickets\n", tag.c_str(), n_msg, n_rec, post.size());
}

// TLS 1.2: the server's plaintext handshake messages, up to its
// ChangeCipherSpec, filed under messages12 (and server_hello). Records
// and messages are split by hand: the bytes are what the server sent.
void harvest12(const std::string& tag, const Bytes& wire, std::set<Bytes>* seen) {
  Bytes hs;
  size_t pos = 0;
  while (pos + 5 <= wire.size()) {
    const uint8_t type = wire[pos];
    const size_t len = size_t(wire[pos + 3]) << 8 | wire[pos + 4];
    if (pos + 5 + len > wire.size()) break;
    if (type == uint8_t(ContentType::change_cipher_spec)) break;  // encrypted from here on
    if (type == uint8_t(ContentType::handshake))
      hs.insert(hs.end(), wire.begin() + long(pos + 5), wire.begin() + long(pos + 5 + len));
    pos += 5 + len;
  }
  auto put = [&](const std::string& target, const std::string& name, const Bytes& data) {
    Bytes key(target.begin(), target.end());
    key.push_back(0);
    key.insert(key.end(), data.begin(), data.end());
    if (!seen->insert(key).second) return;  // the same message from an earlier session
    write_seed(target, name, data);
  };
  int n_msg = 0;
  for (size_t at = 0; at + 4 <= hs.size();) {
    const uint8_t type = hs[at];
    const size_t len = size_t(hs[at + 1]) << 16 | size_t(hs[at + 2]) << 8 | hs[at + 3];
    if (at + 4 + len > hs.size()) break;
    ByteView body(hs.data() + at + 4, len);
    at += 4 + len;
    const std::string name = tag + "-" + std::to_string(n_msg++);
    switch (HandshakeType(type)) {
      case HandshakeType::server_hello: {
        put("server_hello", name, body.to_bytes());
        ServerHello sh;
        // 0x32: the extensions parser (0x32 % 5 == 0) with SNI and ALPN offered.
        if (parse_server_hello(body, 64, &sh).is_ok())
          put("messages12", name + "-sh-ext", with_prefix(0x32, sh.legacy_extensions));
        break;
      }
      case HandshakeType::certificate: put("messages12", name + "-cert", with_prefix(2, body)); break;
      case HandshakeType::server_key_exchange: put("messages12", name + "-ske", with_prefix(1, body)); break;
      case HandshakeType::certificate_request: put("messages12", name + "-certreq", with_prefix(4, body)); break;
      case HandshakeType::new_session_ticket: put("messages12", name + "-nst", with_prefix(3, body)); break;
      default: break;
    }
  }
  fprintf(stderr, "%s: %d plaintext messages\n", tag.c_str(), n_msg);
}

// The TLS 1.2 sessions: every chain kind against openssl and gnutls, each
// with tickets and without (session ids), full then resumed; one openssl
// session asks for a client certificate (CertificateRequest).
int run_tls12(Pki& pki) {
  struct Chain {
    const char* name;
    KeyKind key;
    bool pss;
    uint16_t curve;  // the certificate's curve (RFC 8422 §5.1.1: offered too)
    std::vector<std::string> schemes;
  };
  const Chain chains[] = {
      {"t12-p256", KeyKind::p256, false, 0x0017, {}},
      {"t12-p384", KeyKind::p384, false, 0x0018, {}},
      {"t12-rsa", KeyKind::rsa2048, false, 0, {"rsa_pkcs1_sha256", "rsa_pkcs1_sha384"}},
      {"t12-rsapss", KeyKind::rsa2048, true, 0, {"rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384"}},
  };
  const uint16_t groups[] = {0x001d, 0x0017, 0x0018};
  std::set<Bytes> seen;
  int turn = 0;
  for (const Chain& ch : chains) {
    if (!pki.make_chain(ch.name, ch.key, ch.key, "localhost", ch.pss)) return 1;
    TrustStore trust;
    std::string root = pki.cert_pem(std::string(ch.name) + "-root");
    if (!trust.add_pem(root.data(), root.size()).is_ok()) return 1;
    for (PeerKind kind : {PeerKind::openssl, PeerKind::gnutls}) {
      for (int variant = 0; variant < 3; ++variant) {  // 0 tickets, 1 session ids, 2 CertificateRequest
        if (variant == 2 && (kind != PeerKind::openssl || ch.key != KeyKind::p256)) continue;
        PeerOptions o;
        o.kind = kind;
        o.tls12 = true;
        o.cert_file = pki.chain_path(ch.name);
        o.key_file = pki.key_path(std::string(ch.name) + "-leaf");
        o.signature_schemes = ch.schemes;
        o.no_tickets = variant == 1;
        if (variant == 0)  // and the ServerHello selects ALPN
          o.extra_args = kind == PeerKind::openssl ? std::vector<std::string>{"-alpn", "http/1.1"}
                                                   : std::vector<std::string>{"--alpn=http/1.1"};
        if (variant == 2) o.extra_args = {"-verify", "1"};
        PeerServer server(o);
        if (!server.start()) {
          fprintf(stderr, "server did not start: %s\n", server.output().c_str());
          return 1;
        }
        const uint16_t group = groups[turn++ % 3];
        MemoryTicketStore store;
        ClientConfig cfg;
        cfg.trust = &trust;
        cfg.tickets = &store;
        cfg.alpn = {"http/1.1"};
        cfg.groups = {group};
        if (ch.curve && ch.curve != group) cfg.groups.push_back(ch.curve);
        cfg.key_share_groups = {group};
        for (int conn = 0; conn < (variant == 2 ? 1 : 2); ++conn) {  // full, then resumed
          Bytes wire;
          std::map<std::string, Bytes> keys;
          std::string tag = std::string(kind == PeerKind::openssl ? "tls12-openssl-" : "tls12-gnutls-") +
                            (ch.name + 4) + (variant == 0 ? "-ticket" : variant == 1 ? "-sessionid" : "-certreq") +
                            (conn ? "-resumed" : "-full");
          if (!session(server.port(), cfg, 0, &wire, &keys)) {
            fprintf(stderr, "%s: session failed\n%s\n", tag.c_str(), server.output().c_str());
            return 1;
          }
          harvest12(tag, wire, &seen);
        }
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc == 3 ? argv[2] : "all";
  if (argc < 2 || argc > 3 || (mode != "all" && mode != "tls13" && mode != "tls12")) {
    fprintf(stderr, "usage: %s OUT_DIR [all|tls13|tls12]\n", argv[0]);
    return 2;
  }
  g_out = argv[1];
  Pki pki;
  if (mode != "tls13") {
    if (run_tls12(pki) != 0) return 1;
    if (mode == "tls12") {
      fprintf(stderr, "wrote %d seeds under %s\n", g_files, g_out.c_str());
      return 0;
    }
  }
  struct Chain {
    const char* name;
    KeyKind ca, leaf;
  } chains[] = {{"p256", KeyKind::p256, KeyKind::p256}, {"rsa", KeyKind::rsa2048, KeyKind::rsa2048},
                {"ed25519", KeyKind::p256, KeyKind::ed25519}};
  for (const Chain& ch : chains) {
    if (!pki.make_chain(ch.name, ch.ca, ch.leaf, "localhost")) return 1;
    write_seed("pem", std::string(ch.name) + "-root", [&] {
      std::string p = pki.cert_pem(std::string(ch.name) + "-root");
      return Bytes(p.begin(), p.end());
    }());
    TrustStore trust;
    std::string root = pki.cert_pem(std::string(ch.name) + "-root");
    if (!trust.add_pem(root.data(), root.size()).is_ok()) return 1;
    for (PeerKind kind : {PeerKind::openssl, PeerKind::gnutls}) {
      for (uint16_t group : {uint16_t(0x001d), uint16_t(0x0018)}) {
        PeerOptions o;
        o.kind = kind;
        o.cert_file = pki.chain_path(ch.name);
        o.key_file = pki.key_path(std::string(ch.name) + "-leaf");
        if (group == 0x0018) o.groups = {"secp384r1"};
        PeerServer server(o);
        if (!server.start()) {
          fprintf(stderr, "server did not start: %s\n", server.output().c_str());
          return 1;
        }
        MemoryTicketStore store;
        ClientConfig cfg;
        cfg.trust = &trust;
        cfg.tickets = &store;
        for (int conn = 0; conn < 2; ++conn) {  // full, then resumed
          Bytes wire;
          std::map<std::string, Bytes> keys;
          std::string tag = std::string(kind == PeerKind::openssl ? "openssl" : "gnutls") + "-" + ch.name +
                            (group == 0x0018 ? "-hrr" : "") + (conn ? "-resumed" : "-full");
          if (!session(server.port(), cfg, group, &wire, &keys)) {
            fprintf(stderr, "%s: session failed\n", tag.c_str());
            return 1;
          }
          harvest(tag, wire, keys);
        }
      }
    }
  }
  fprintf(stderr, "wrote %d seeds under %s\n", g_files, g_out.c_str());
  return 0;
}
