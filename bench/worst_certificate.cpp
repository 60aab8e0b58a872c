// mactls_bench_worst_certificate: what the most expensive Certificate
// message a server can craft costs the client, next to an honest chain.
//
// The crafted message is the one the path-budget tests use: every
// certificate carries the same name, those with key A are signed by key B
// and the other way round, so each is a valid issuer of half the others and
// no path reaches an anchor. Without budgets the search tree grows with the
// cube of their number; with them it stops after Limits::max_signature_checks
// signature verifications. A second shape, a fan of same-named impostor
// issuers with keys of their own, spends the whole signature budget. The
// messages are held to what the engine accepts
// (Limits::max_chain_certificates certificates), built with P-256 and with
// P-384 keys (P-384 verification is the dearest mactls does on the G3).
//
// Client CPU (thread CPU time) of verify_server_chain with the engine's
// default limits, median over --rounds; the honest case is scenario (a)'s
// shape: P-256 root, intermediate and leaf.
//
//   mactls_bench_worst_certificate [--rounds N]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "bench.h"
#include "mactls/client.h"
#include "mactls/trust.h"
#include "support/pki.h"
#include "x509/verify.h"

using namespace mactls;
using namespace mactls::test;
using mactls::bench::thread_cpu_ns;

namespace {

struct Case {
  std::string label;
  std::vector<Bytes> chain;  // leaf first
  std::string anchor_pem;
};

struct Result {
  double median_us = 0;
  size_t signature_checks = 0, candidates = 0;
  std::string outcome;
};

Result run(const Case& c, int rounds) {
  TrustStore trust;
  if (!trust.add_pem(c.anchor_pem.data(), c.anchor_pem.size()).is_ok()) {
    fprintf(stderr, "%s: anchor does not load\n", c.label.c_str());
    exit(1);
  }
  const Limits limits;  // the engine's defaults
  VerifyOptions o;
  o.now_unix = int64_t(time(nullptr));
  o.max_depth = limits.max_chain_depth;
  o.min_rsa_bits = limits.min_rsa_bits;
  o.max_signature_checks = limits.max_signature_checks;
  o.max_path_candidates = limits.max_path_candidates;
  o.max_name_constraint_checks = limits.max_name_constraint_checks;
  o.host = "worst.test";
  std::vector<ByteView> views(c.chain.begin(), c.chain.end());
  std::vector<double> us;
  Result r;
  for (int i = 0; i < rounds; ++i) {
    VerifiedChain vc;
    uint64_t t0 = thread_cpu_ns();
    Status s = verify_server_chain(views.data(), views.size(), trust, o, &vc);
    uint64_t t1 = thread_cpu_ns();
    us.push_back(double(t1 - t0) / 1000.0);
    r.signature_checks = vc.signature_checks;
    r.candidates = vc.candidates_tried;
    r.outcome = s.is_ok() ? "accepted" : std::string(alert_name(s.alert()));
  }
  std::sort(us.begin(), us.end());
  r.median_us = us[us.size() / 2];
  return r;
}

// Leaf + (max_chain_certificates - 1) mesh certificates under one name.
Case mesh(Pki& pki, KeyKind kind, const std::string& tag) {
  const std::string base = "mesh-" + tag;
  for (const char* ab : {"a", "b"}) {
    CertSpec s = cert_spec(base + "-" + ab, kind, "", {}, true);
    s.cn = base;
    if (!pki.issue(s)) exit(1);
  }
  if (!pki.issue(cert_spec(base + "-leaf", kind, base + "-a", {"worst.test"}))) exit(1);
  if (!pki.issue(cert_spec(base + "-root", kind, "", {}, true))) exit(1);
  Case c;
  c.label = "crafted mesh, " + tag;
  c.chain.push_back(pki.cert_der(base + "-leaf"));
  const size_t n = Limits().max_chain_certificates;
  for (size_t i = 0; c.chain.size() < n; ++i) {
    const bool b = i % 2;
    std::string name = base + (b ? "-b" : "-a") + std::to_string(i);
    CertSpec s = cert_spec(name, kind, base + (b ? "-a" : "-b"), {}, true);
    s.cn = base;
    s.key_name = base + (b ? "-b" : "-a");
    if (!pki.issue(s)) exit(1);
    c.chain.push_back(pki.cert_der(name));
  }
  c.anchor_pem = pki.cert_pem(base + "-root");  // unrelated: no path exists
  return c;
}

// Leaf + (max_chain_certificates - 1) CAs that all carry the leaf's issuer
// name, each with a key of its own and none the real issuer: every one is a
// candidate whose signature check fails, so the signature budget is what
// stops the search.
Case fan(Pki& pki, KeyKind kind, const std::string& tag) {
  const std::string base = "fan-" + tag;
  if (!pki.issue(cert_spec(base + "-issuer", kind, "", {}, true))) exit(1);
  if (!pki.issue(cert_spec(base + "-leaf", kind, base + "-issuer", {"worst.test"}))) exit(1);
  if (!pki.issue(cert_spec(base + "-root", kind, "", {}, true))) exit(1);
  Case c;
  c.label = "crafted fan of issuer impostors, " + tag;
  c.chain.push_back(pki.cert_der(base + "-leaf"));
  const size_t n = Limits().max_chain_certificates;
  for (size_t i = 0; c.chain.size() < n; ++i) {
    std::string name = base + "-impostor" + std::to_string(i);
    CertSpec s = cert_spec(name, kind, base + "-root", {}, true);
    s.cn = base + "-issuer";
    if (!pki.issue(s)) exit(1);
    c.chain.push_back(pki.cert_der(name));
  }
  c.anchor_pem = pki.cert_pem(base + "-root");  // the impostors chain to it, the leaf does not
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 30;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc) rounds = std::max(1, atoi(argv[++i]));
    else {
      fprintf(stderr, "usage: %s [--rounds N]\n", argv[0]);
      return 2;
    }
  }
  Pki pki;
  std::vector<Case> cases;
  {
    if (!pki.issue(cert_spec("honest-root", KeyKind::p256, "", {}, true)) ||
        !pki.issue(cert_spec("honest-int", KeyKind::p256, "honest-root", {}, true)) ||
        !pki.issue(cert_spec("honest-leaf", KeyKind::p256, "honest-int", {"worst.test"})))
      return 1;
    Case c;
    c.label = "honest chain, P-256 (scenario a)";
    c.chain = {pki.cert_der("honest-leaf"), pki.cert_der("honest-int")};
    c.anchor_pem = pki.cert_pem("honest-root");
    cases.push_back(c);
  }
  cases.push_back(mesh(pki, KeyKind::p256, "P-256"));
  cases.push_back(mesh(pki, KeyKind::p384, "P-384"));
  cases.push_back(fan(pki, KeyKind::p256, "P-256"));
  cases.push_back(fan(pki, KeyKind::p384, "P-384"));

  printf("| Certificate message | certificates | result | signature checks | candidates | client CPU µs (median) | × honest |\n");
  printf("|---|---:|---|---:|---:|---:|---:|\n");
  double honest = 0;
  for (const Case& c : cases) {
    Result r = run(c, rounds);
    if (honest == 0) honest = r.median_us;
    printf("| %s | %zu | %s | %zu | %zu | %.0f | %.1f |\n", c.label.c_str(), c.chain.size(), r.outcome.c_str(),
           r.signature_checks, r.candidates, r.median_us, r.median_us / honest);
  }
  return 0;
}
