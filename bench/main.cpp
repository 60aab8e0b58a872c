// mactls_bench: client CPU per handshake, full and resumed, for mactls and
// its peers (OpenSSL, GnuTLS, wolfSSL clients) against one in-process
// OpenSSL server per scenario, next to the nettle floors. Every round visits
// every scenario and client in a rotating order, so the ratios hold on a
// noisy machine:
//  - each client's resumed handshake comes right after its own full one
//    (warm, as a browser reconnecting: the headline), then, after every
//    client's pair, one more resumed handshake per client, each right after
//    another library's work (cold, reported separately);
//  - the floors (key exchange + signatures; and the full floor, which adds
//    the key schedule, transcript hashing and record protection) take their
//    turn like a client;
//  - scenarios e and f (mactls only, beside a: the verification caches
//    warm) take their turn in a's rounds;
//  - the floor in situ runs in rounds of its own, between the main rounds.
// Before anything is timed, every client must refuse the server under a
// wrong host name (the run stops if one accepts). Writes JSON.
//
//   mactls_bench [--rounds N] [--json FILE] [--scenarios abcdg] [--libs mactls,OpenSSL,GnuTLS,wolfSSL]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "bench.h"
#include "mactls/verify_cache.h"
#include "floor.h"
#include "phases.h"

using namespace mactls::bench;

namespace {

struct Series {
  std::vector<double> ns;
  double median() const {
    if (ns.empty()) return 0;
    std::vector<double> v = ns;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  double min() const { return ns.empty() ? 0 : *std::min_element(ns.begin(), ns.end()); }
};

struct PerScenario {
  Scenario s;
  OpensslServer server;
  Floor floor;
  std::vector<std::unique_ptr<BenchClient>> clients;  // mactls and the peers
  std::unique_ptr<BenchClient> in_situ;
  // Scenarios e and f, beside a only (mactls with the verification caches).
  bool caches = false;
  Scenario f;
  OpensslServer server_f;
  mactls::VerifyCache cache_e, cache_f;
  std::unique_ptr<BenchClient> e_prep, e, f_prep, fc;
  // "<lib>/full", "<lib>/resumed" (warm), "<lib>/resumed_cold", "floor/full",
  // "floor_all/full", "mactls-e/full", ...
  std::map<std::string, Series> series;
  PhaseReport phases;
};

bool fail(const PerScenario& ps, const BenchClient& c, const HandshakeResult& r) {
  fprintf(stderr, "scenario %c, %s: %s\n", ps.s.id, c.name(), r.error.c_str());
  return false;
}

/// The untimed full (a) handshake that fills `cache` from empty, then the
/// timed e or f handshake; the client checks the hit it expects.
bool cache_case(PerScenario& ps, char which, double* ns) {
  mactls::VerifyCache& cache = which == 'e' ? ps.cache_e : ps.cache_f;
  BenchClient& prep = which == 'e' ? *ps.e_prep : *ps.f_prep;
  BenchClient& c = which == 'e' ? *ps.e : *ps.fc;
  cache.clear();
  HandshakeResult r = run_handshake(prep, ps.server, ps.s, false);
  if (!r.ok) return fail(ps, prep, r);
  r = which == 'e' ? run_handshake(c, ps.server, ps.s, false) : run_handshake(c, ps.server_f, ps.f, false);
  if (!r.ok) return fail(ps, c, r);
  *ns = r.client_ns;
  return true;
}

/// Both floors, full then resumed, into the series.
bool floors(PerScenario& ps, double overhead) {
  for (int resumed = 0; resumed < 2; ++resumed) {
    double ns = 0;
    bool ok = resumed ? ps.floor.resumed(&ns) : ps.floor.full(&ns);
    const double all_ns = ns + ps.floor.rest(resumed);  // the full floor: the same sample plus the rest
    if (!ok) {
      fprintf(stderr, "scenario %c: floor check failed\n", ps.s.id);
      return false;
    }
    const char* kind = resumed ? "resumed" : "full";
    const int spans = ps.s.tls12 && resumed ? 0 : Floor::spans_per_handshake(!resumed);  // 1.2: no ECDHE
    ps.series[std::string("floor/") + kind].ns.push_back(ns - overhead * spans);
    ps.series[std::string("floor_all/") + kind].ns.push_back(all_ns - overhead * (spans + 1));
  }
  return true;
}

/// One main round of one scenario (see the head of this file).
bool main_round(PerScenario& ps, int round, double overhead) {
  // Entries: the clients, then 'F' the floors, 'e' and 'f'; rotated.
  std::vector<int> entries;
  for (size_t i = 0; i < ps.clients.size(); ++i) entries.push_back(int(i));
  entries.push_back(-'F');
  if (ps.caches) {
    entries.push_back(-'e');
    entries.push_back(-'f');
  }
  std::rotate(entries.begin(), entries.begin() + size_t(round) % entries.size(), entries.end());
  std::string last_family;
  std::vector<size_t> order;  // client order, for the cold pass
  for (int e : entries) {
    if (e == -'F') {
      if (!floors(ps, overhead)) return false;
      last_family = "floor";
      continue;
    }
    if (e == -'e' || e == -'f') {
      double ns = 0;
      if (!cache_case(ps, char(-e), &ns)) return false;
      ps.series[std::string("mactls-") + char(-e) + "/full"].ns.push_back(ns);
      last_family = "mactls";
      continue;
    }
    BenchClient& c = *ps.clients[size_t(e)];
    HandshakeResult full = run_handshake(c, ps.server, ps.s, false);
    if (!full.ok) return fail(ps, c, full);
    HandshakeResult warm = run_handshake(c, ps.server, ps.s, true);  // right after its own full handshake
    if (!warm.ok) return fail(ps, c, warm);
    ps.series[std::string(c.name()) + "/full"].ns.push_back(full.client_ns);
    ps.series[std::string(c.name()) + "/resumed"].ns.push_back(warm.client_ns);
    order.push_back(size_t(e));
    last_family = c.name();
  }
  // Cold: each client's next resumed handshake right after another
  // library's work (never right after its own).
  if (!order.empty() && ps.clients[order[0]]->name() == last_family) {
    std::rotate(order.begin(), order.begin() + 1, order.end());
  }
  for (size_t idx : order) {
    BenchClient& c = *ps.clients[idx];
    HandshakeResult cold = run_handshake(c, ps.server, ps.s, true);
    if (!cold.ok) return fail(ps, c, cold);
    ps.series[std::string(c.name()) + "/resumed_cold"].ns.push_back(cold.client_ns);
  }
  return true;
}

/// Start-up: the wrong-host control for every client, then a few untimed
/// handshakes of every kind.
bool warm_up(PerScenario& ps) {
  std::string err;
  auto control = [&](BenchClient& c, OpensslServer& server, const Scenario& s) {
    if (refuses_wrong_host(c, server, s, &err)) return true;
    fprintf(stderr, "wrong-host control: %s\n", err.c_str());
    return false;
  };
  for (auto& c : ps.clients) {
    if (!control(*c, ps.server, ps.s)) return false;
  }
  if (!control(*ps.in_situ, ps.server, ps.s)) return false;
  double ns;
  if (ps.caches) {
    // With the caches warm: the cached chain must not carry a wrong name.
    if (!cache_case(ps, 'e', &ns) || !control(*ps.e, ps.server, ps.s)) return false;
    if (!cache_case(ps, 'f', &ns) || !control(*ps.fc, ps.server_f, ps.f)) return false;
  }
  for (int w = 0; w < 3; ++w) {
    for (auto& c : ps.clients) {
      HandshakeResult r = run_handshake(*c, ps.server, ps.s, false);
      if (!r.ok) return fail(ps, *c, r);
      r = run_handshake(*c, ps.server, ps.s, true);
      if (!r.ok) return fail(ps, *c, r);
    }
    if (ps.caches && (!cache_case(ps, 'e', &ns) || !cache_case(ps, 'f', &ns))) return false;
  }
  return true;
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}

std::string machine_description() {
  std::string model = "unknown CPU";
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  return model;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 200;
  std::string json_path = "bench-results.json", which = "abcdg";
  std::string libs = "mactls,OpenSSL,GnuTLS,wolfSSL";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc) rounds = atoi(argv[++i]);
    else if (a == "--json" && i + 1 < argc) json_path = argv[++i];
    else if (a == "--scenarios" && i + 1 < argc) which = argv[++i];
    else if (a == "--libs" && i + 1 < argc) libs = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--rounds N] [--json FILE] [--scenarios abcdg] [--libs a,b]\n", argv[0]);
      return 2;
    }
  }

  mactls::test::Pki pki;
  std::vector<std::unique_ptr<PerScenario>> all;
  Scenario a_pki;  // scenario a's PKI, which g (TLS 1.2) shares
  bool have_a = false;
  for (Scenario& s : all_scenarios()) {
    if (which.find(s.id) == std::string::npos) continue;
    auto ps = std::make_unique<PerScenario>();
    ps->s = s;
    std::string err;
    if (s.tls12) {
      if (!have_a) {
        a_pki = all_scenarios()[0];
        if (!make_pki(pki, a_pki)) return fprintf(stderr, "scenario a: PKI generation failed\n"), 1;
        have_a = true;
      }
      Scenario g = a_pki;  // the P-256 chain of a
      g.id = s.id;
      g.title = s.title;
      g.suite = s.suite;
      g.tls12 = true;
      ps->s = g;
    } else if (!make_pki(pki, ps->s)) {
      fprintf(stderr, "scenario %c: PKI generation failed\n", s.id);
      return 1;
    }
    if (s.id == 'a') {
      a_pki = ps->s;
      have_a = true;
    }
    if (!ps->server.init(ps->s, &err) || !ps->floor.setup(ps->s, ps->s.key_path, &err)) {
      fprintf(stderr, "scenario %c: %s\n", s.id, err.c_str());
      return 1;
    }
    std::vector<std::unique_ptr<BenchClient>> c;
    c.push_back(make_mactls_client());
    c.push_back(make_openssl_client());
    c.push_back(make_gnutls_client());
    c.push_back(make_wolfssl_client());
    for (auto& cl : c) {
      if (libs.find(cl->name()) == std::string::npos) continue;
      if (!cl->setup(ps->s, &err)) {
        fprintf(stderr, "scenario %c: %s\n", s.id, err.c_str());
        return 1;
      }
      ps->clients.push_back(std::move(cl));
    }
    ps->in_situ = make_floor_in_situ(&ps->floor);
    if (!ps->in_situ->setup(ps->s, &err)) {
      fprintf(stderr, "scenario %c: %s\n", s.id, err.c_str());
      return 1;
    }
    if (s.id == 'a' && libs.find("mactls") != std::string::npos) {
      ps->caches = true;
      ps->e_prep = make_mactls_client(&ps->cache_e);
      ps->e = make_mactls_client(&ps->cache_e, 'e');
      ps->f_prep = make_mactls_client(&ps->cache_f);
      ps->fc = make_mactls_client(&ps->cache_f, 'f');
      if (!make_host_f(pki, ps->s, &ps->f) || !ps->server_f.init(ps->f, &err) || !ps->e_prep->setup(ps->s, &err) ||
          !ps->e->setup(ps->s, &err) || !ps->f_prep->setup(ps->s, &err) || !ps->fc->setup(ps->f, &err)) {
        fprintf(stderr, "scenarios e, f: %s\n", err.empty() ? "PKI generation failed" : err.c_str());
        return 1;
      }
    }
    all.push_back(std::move(ps));
  }

  const double overhead = meter_overhead_ns();
  fprintf(stderr, "meter overhead %.0f ns per span; %d rounds\n", overhead, rounds);

  for (auto& ps : all) {
    if (!warm_up(*ps)) return 1;
  }
  fprintf(stderr, "wrong-host control: every client refused %s\n", wrong_host());

  for (int round = 0; round < rounds; ++round) {
    for (auto& ps : all) {
      if (!main_round(*ps, round, overhead)) return 1;
    }
    // The floor in situ: a round of its own.
    for (auto& ps : all) {
      for (int resumed = 0; resumed < 2; ++resumed) {
        HandshakeResult r = run_handshake(*ps->in_situ, ps->server, ps->s, resumed == 1);
        if (!r.ok) {
          fail(*ps, *ps->in_situ, r);
          return 1;
        }
        ps->series[std::string("floor-in-situ/") + (resumed ? "resumed" : "full")].ns.push_back(r.client_ns);
      }
    }
    if ((round + 1) % 50 == 0) fprintf(stderr, "  round %d/%d\n", round + 1, rounds);
  }

  // mactls' phases, measured on their own after the interleaved run.
  for (auto& ps : all) {
    std::string err;
    if (ps->s.tls12) continue;  // the phase split is TLS 1.3's
    if (!measure_phases(ps->s, ps->floor, &ps->phases, &err)) {
      fprintf(stderr, "scenario %c phases: %s\n", ps->s.id, err.c_str());
      return 1;
    }
  }

  std::ostringstream js;
  js << "{\n  \"machine\": \"" << json_escape(machine_description()) << "\",\n";
  js << "  \"rounds\": " << rounds << ",\n  \"meter_overhead_ns\": " << overhead << ",\n";
  js << "  \"wrong_host_control\": \"every client refused " << wrong_host() << "\",\n";
  js << "  \"scenarios\": [\n";
  for (size_t i = 0; i < all.size(); ++i) {
    auto& ps = all[i];
    js << "    {\"id\": \"" << ps->s.id << "\", \"title\": \"" << json_escape(ps->s.title) << "\", \"tls12\": "
       << (ps->s.tls12 ? "true" : "false") << ", \"caches\": " << (ps->caches ? "true" : "false") << ",\n";
    js << "     \"results\": {";
    bool first = true;
    printf("scenario %c: %s\n", ps->s.id, ps->s.title.c_str());
    printf("  %-10s %-8s %10s %10s\n", "library", "kind", "median us", "min us");
    for (auto& kv : ps->series) {
      js << (first ? "" : ",") << "\n       \"" << kv.first << "\": {\"median_us\": " << kv.second.median() / 1000
         << ", \"min_us\": " << kv.second.min() / 1000 << ", \"n\": " << kv.second.ns.size() << "}";
      first = false;
      auto slash = kv.first.find('/');
      printf("  %-10s %-8s %10.1f %10.1f\n", kv.first.substr(0, slash).c_str(), kv.first.substr(slash + 1).c_str(),
             kv.second.median() / 1000, kv.second.min() / 1000);
    }
    js << "\n     },\n     \"phases_us\": {";
    first = true;
    for (auto& p : ps->phases.entries) {
      js << (first ? "" : ", ") << "\"" << p.first << "\": " << p.second / 1000;
      first = false;
    }
    js << "}}" << (i + 1 < all.size() ? "," : "") << "\n";
  }
  js << "  ]\n}\n";
  std::ofstream(json_path) << js.str();
  fprintf(stderr, "wrote %s\n", json_path.c_str());
  return 0;
}
