// mactls_bench: client CPU per handshake, full and resumed, for mactls and
// its peers (OpenSSL, GnuTLS, wolfSSL clients) against one in-process
// OpenSSL server per scenario, next to the nettle floor. Everything runs
// interleaved — every round visits every scenario, library and kind in a
// rotating order — so the ratios hold on a noisy machine. Writes JSON.
//
//   mactls_bench [--rounds N] [--json FILE] [--scenarios abcd] [--libs mactls,OpenSSL,GnuTLS,wolfSSL]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "bench.h"
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
  std::vector<std::unique_ptr<BenchClient>> clients;
  std::map<std::string, Series> series;  // "<lib>/full", "<lib>/resumed", "floor/full", ...
  PhaseReport phases;
};

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
  std::string json_path = "bench-results.json", which = "abcd";
  std::string libs = "mactls,OpenSSL,GnuTLS,wolfSSL";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc) rounds = atoi(argv[++i]);
    else if (a == "--json" && i + 1 < argc) json_path = argv[++i];
    else if (a == "--scenarios" && i + 1 < argc) which = argv[++i];
    else if (a == "--libs" && i + 1 < argc) libs = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--rounds N] [--json FILE] [--scenarios abcd] [--libs a,b]\n", argv[0]);
      return 2;
    }
  }

  mactls::test::Pki pki;
  std::vector<std::unique_ptr<PerScenario>> all;
  for (Scenario& s : all_scenarios()) {
    if (which.find(s.id) == std::string::npos) continue;
    auto ps = std::make_unique<PerScenario>();
    ps->s = s;
    std::string err;
    if (!make_pki(pki, ps->s)) {
      fprintf(stderr, "scenario %c: PKI generation failed\n", s.id);
      return 1;
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
    c.push_back(make_floor_in_situ(&ps->floor));
    for (auto& cl : c) {
      if (libs.find(cl->name()) == std::string::npos && std::string(cl->name()) != "floor-in-situ") continue;
      if (!cl->setup(ps->s, &err)) {
        fprintf(stderr, "scenario %c: %s\n", s.id, err.c_str());
        return 1;
      }
      ps->clients.push_back(std::move(cl));
    }
    all.push_back(std::move(ps));
  }

  const double overhead = meter_overhead_ns();
  fprintf(stderr, "meter overhead %.0f ns per span; %d rounds\n", overhead, rounds);

  // Warm-up (untimed): every path once, and a ticket in every client.
  for (int w = 0; w < 3; ++w) {
    for (auto& ps : all) {
      for (auto& c : ps->clients) {
        HandshakeResult r = run_handshake(*c, ps->server, false);
        if (r.ok) r = run_handshake(*c, ps->server, true);
        if (!r.ok) {
          fprintf(stderr, "scenario %c, %s: %s\n", ps->s.id, c->name(), r.error.c_str());
          return 1;
        }
      }
    }
  }

  for (int round = 0; round < rounds; ++round) {
    for (auto& ps : all) {
      size_t n = ps->clients.size();
      for (size_t k = 0; k < n + 1; ++k) {
        size_t idx = (k + size_t(round)) % (n + 1);
        for (int kind = 0; kind < 2; ++kind) {
          bool resumed = ((kind + round) % 2) == 1;
          if (idx == n) {  // the floor takes its turn like a library
            double ns;
            bool ok = resumed ? ps->floor.resumed(&ns) : ps->floor.full(&ns);
            if (!ok) {
              fprintf(stderr, "floor check failed\n");
              return 1;
            }
            ps->series[std::string("floor/") + (resumed ? "resumed" : "full")].ns.push_back(
                ns - overhead * Floor::spans_per_handshake(!resumed));
            continue;
          }
          BenchClient& c = *ps->clients[idx];
          if (resumed && !c.has_ticket()) {
            HandshakeResult prime = run_handshake(c, ps->server, false);
            if (!prime.ok) {
              fprintf(stderr, "scenario %c, %s: %s\n", ps->s.id, c.name(), prime.error.c_str());
              return 1;
            }
          }
          HandshakeResult r = run_handshake(c, ps->server, resumed);
          if (!r.ok) {
            fprintf(stderr, "scenario %c, %s: %s\n", ps->s.id, c.name(), r.error.c_str());
            return 1;
          }
          ps->series[std::string(c.name()) + "/" + (resumed ? "resumed" : "full")].ns.push_back(r.client_ns);
        }
      }
    }
    if ((round + 1) % 50 == 0) fprintf(stderr, "  round %d/%d\n", round + 1, rounds);
  }

  // mactls' phases, measured on their own after the interleaved run.
  for (auto& ps : all) {
    std::string err;
    if (!measure_phases(ps->s, ps->floor, &ps->phases, &err)) {
      fprintf(stderr, "scenario %c phases: %s\n", ps->s.id, err.c_str());
      return 1;
    }
  }

  std::ostringstream js;
  js << "{\n  \"machine\": \"" << json_escape(machine_description()) << "\",\n";
  js << "  \"rounds\": " << rounds << ",\n  \"meter_overhead_ns\": " << overhead << ",\n";
  js << "  \"scenarios\": [\n";
  for (size_t i = 0; i < all.size(); ++i) {
    auto& ps = all[i];
    js << "    {\"id\": \"" << ps->s.id << "\", \"title\": \"" << json_escape(ps->s.title) << "\",\n";
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
