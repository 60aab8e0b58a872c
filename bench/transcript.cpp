#include "transcript.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "mactls/client.h"
#include "mactls/testing.h"
#include "mactls/ticket_store.h"
#include "mactls/trust.h"
#include "mactls/verify_cache.h"

namespace mactls::bench {
namespace {

bool unhex(const std::string& s, std::vector<uint8_t>* out) {
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (s.size() % 2) return false;
  out->clear();
  out->reserve(s.size() / 2);
  for (size_t i = 0; i < s.size(); i += 2) {
    int h = nib(s[i]), l = nib(s[i + 1]);
    if (h < 0 || l < 0) return false;
    out->push_back(uint8_t(h << 4 | l));
  }
  return true;
}

std::vector<uint16_t> codes(const std::string& v) {
  std::vector<uint16_t> out;
  std::stringstream ss(v);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(uint16_t(std::stoul(item, nullptr, 16)));
  return out;
}

}  // namespace

bool Transcript::load(const std::string& path, std::string* err) {
  std::ifstream f(path);
  if (!f) {
    *err = "cannot open " + path;
    return false;
  }
  std::string line;
  int conn_index = -1;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.find(' ');
    std::string key = line.substr(0, sp), value = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (key == "scenario") scenario = value.empty() ? '?' : value[0];
    else if (key == "host") host = value;
    else if (key == "port") port = uint16_t(std::stoul(value));
    else if (key == "unix_time") unix_time = std::stoll(value);
    else if (key == "mode") mode = value;
    else if (key == "host1") host1 = value;
    else if (key == "versions") tls12 = value == "0303";
    else if (key == "suites") suites = codes(value);
    else if (key == "groups") groups = codes(value);
    else if (key == "anchor") {
      if (!unhex(value, &anchor)) {
        *err = "bad anchor hex";
        return false;
      }
    } else if (key == "conn") {
      if (++conn_index > 1) {
        *err = "more than two connections";
        return false;
      }
    } else if (key == "C" || key == "S") {
      if (conn_index < 0) {
        *err = "bytes before the first conn line";
        return false;
      }
      Step s;
      s.from = key[0];
      if (!unhex(value, &s.bytes)) {
        *err = "bad hex";
        return false;
      }
      conn[conn_index].push_back(std::move(s));
    } else {
      *err = "unknown line: " + key;
      return false;
    }
  }
  if (conn_index != 1 || anchor.empty() || host.empty()) {
    *err = "incomplete transcript";
    return false;
  }
  if (mode != "resumption" && mode != "chain_cache" && mode != "issuer_cache") {
    *err = "unknown mode " + mode;
    return false;
  }
  return true;
}

const char* Transcript::kind(int c) const {
  if (c == 0) return "full";
  if (mode == "chain_cache") return "e (chain cache)";
  if (mode == "issuer_cache") return "f (issuer cache)";
  return "resumed";
}

bool replay(const Transcript& t, const ReplayHooks& hooks, std::string* err) {
  TrustStore trust;
  if (!trust.add_der(t.anchor.data(), t.anchor.size()).is_ok()) {
    *err = "anchor refused";
    return false;
  }
  ManualClock clock(t.unix_time, 1000);
  FixedRandom random;
  MemoryTicketStore store;
  VerifyCache cache;
  const bool caches = t.mode != "resumption";
  ClientConfig cfg;
  cfg.trust = &trust;
  cfg.tickets = &store;
  cfg.random = &random;
  cfg.clock = &clock;
  cfg.verify_cache = caches ? &cache : nullptr;
  if (t.tls12) {
    cfg.min_version = cfg.max_version = 0x0303;
    cfg.tls12_cipher_suites = t.suites;
  } else {
    cfg.cipher_suites = t.suites;
  }
  cfg.groups = t.groups;
  cfg.key_share_groups = t.groups;
  for (int c = 0; c < 2; ++c) {
    if (c) clock.advance_ms(1000);
    if (c && caches) store.clear();  // e and f: no ticket
    if (hooks.before_connection) hooks.before_connection(c);
    auto client = std::make_unique<Client>(cfg, c && !t.host1.empty() ? t.host1 : t.host, t.port);
    if (hooks.after_step) hooks.after_step(c, "created");
    std::vector<uint8_t> out;
    if (!client->start(out).is_ok()) {
      *err = "start failed";
      return false;
    }
    if (hooks.after_step) hooks.after_step(c, "ClientHello");
    size_t i = 0;
    auto expect_output = [&](const char* when) {
      if (out.empty()) return true;
      if (i >= t.conn[c].size() || t.conn[c][i].from != 'C' || t.conn[c][i].bytes != out) {
        *err = std::string("client output differs from the transcript after ") + when;
        return false;
      }
      ++i;
      return true;
    };
    if (!expect_output("start")) return false;
    int feeds = 0;
    for (; i < t.conn[c].size();) {
      const Transcript::Step& s = t.conn[c][i];
      if (s.from != 'S') {
        *err = "transcript expects client bytes the client did not produce";
        return false;
      }
      ++i;
      out.clear();
      size_t used = 0;
      Status st = client->feed(s.bytes.data(), s.bytes.size(), &used, out);
      if (!st.is_ok()) {
        *err = std::string("feed: ") + st.what();
        return false;
      }
      if (hooks.after_step) hooks.after_step(c, ++feeds == 1 ? "server flight" : "tickets");
      if (!expect_output("feed")) return false;
    }
    if (!client->is_open() || client->info().resumed != (c == 1 && !caches)) {
      *err = c ? "the second connection did not end as it should (resumed, or full for e and f)"
               : "the first connection did not end open";
      return false;
    }
    const ConnectionInfo& ci = client->info();
    if (c == 1 && t.mode == "chain_cache" && !ci.chain_cache_hit) {
      *err = "scenario e: the verified-chain cache did not hit";
      return false;
    }
    if (c == 1 && t.mode == "issuer_cache" && (ci.chain_cache_hit || ci.cert_signatures_cached != 1)) {
      *err = "scenario f: not exactly one issuer signature from the cache";
      return false;
    }
    client.reset();
    if (hooks.after_connection) hooks.after_connection(c);
  }
  return true;
}

}  // namespace mactls::bench
