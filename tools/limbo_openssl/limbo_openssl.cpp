// limbo_openssl: scores OpenSSL's X509_verify_cert on the x509-limbo suite
// (tests/vectors/x509-limbo/limbo.json), with the same skip rules as
// mactls' own limbo test (tests/support/limbo.h), so the two scores compare.
// A reference for the README, never linked into mactls.
//
//   limbo_openssl [--libssl-defaults] [-v] [limbo.json]
//
// How each SERVER case is put to OpenSSL:
//   - an X509_STORE holding the case's trusted certificates (one that does
//     not parse makes the case a rejection, as in mactls' test), the
//     untrusted intermediates as the untrusted stack, the peer as target;
//   - X509_VERIFY_PARAM_set_time(validation_time, or the fixed "now" of
//     tests/support/limbo.h, the instant mactls' test uses too);
//   - set1_host for a DNS name, with X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS
//     (what curl and most OpenSSL HTTPS clients set), or set1_ip_asc for
//     an IP address;
//   - purpose X509_PURPOSE_SSL_SERVER always (EKU serverAuth and a TLS key
//     usage), because a TLS client always checks it, as mactls does;
//   - X509_VERIFY_PARAM_set_depth(max_chain_depth) when the case has one
//     (OpenSSL's depth counts intermediates, as limbo's does);
//   - authentication level 2 (112-bit keys: RSA >= 2048), what libssl
//     applies to a chain at Debian's default security level 2.
// Flags. By default the profile of x509-limbo's own OpenSSL harness, which
// is how limbo publishes OpenSSL's results: X509_V_FLAG_X509_STRICT (RFC
// 5280 profile checks) and X509_V_FLAG_PARTIAL_CHAIN (every trusted
// certificate is an anchor, self-signed or not, as in mactls' TrustStore
// and every other path builder). --libssl-defaults sets neither, which is
// what an HTTPS client on libssl gets unless it asks.
//
// Prints "limbo: N passed, M failed, K skipped" (failed = disagreements);
// -v also prints every skip and disagreement with OpenSSL's reason.
// Exit status: 0 when the suite ran and a few plain cases (below) agree,
// 1 otherwise, so a ctest smoke run catches a broken harness.
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "support/limbo.h"

#ifndef MACTLS_LIMBO_JSON
#define MACTLS_LIMBO_JSON "tests/vectors/x509-limbo/limbo.json"
#endif

namespace {

using mactls::test::LimboCase;

X509* parse_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), int(pem.size()));
  if (!bio) return nullptr;
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return x;
}

struct Verdict {
  bool accepted = false;
  std::string reason;  // OpenSSL's error string when rejected
};

Verdict run_case(const LimboCase& c, bool libssl_defaults) {
  Verdict v;
  X509_STORE* store = X509_STORE_new();
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  X509* leaf = parse_pem(c.peer_pem);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  bool ready = store && untrusted && ctx;
  if (ready && !leaf) {
    v.reason = "peer certificate does not parse";
    ready = false;
  }
  for (size_t i = 0; ready && i < c.trusted_pem.size(); ++i) {
    X509* a = parse_pem(c.trusted_pem[i]);
    if (!a || X509_STORE_add_cert(store, a) != 1) {
      v.reason = "a trusted certificate does not load";
      ready = false;
    }
    X509_free(a);  // the store holds its own reference
  }
  for (size_t i = 0; ready && i < c.intermediate_pem.size(); ++i) {
    X509* x = parse_pem(c.intermediate_pem[i]);
    if (!x || !sk_X509_push(untrusted, x)) {
      X509_free(x);
      v.reason = "an intermediate does not parse";
      ready = false;
    }
  }
  if (ready && X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1) {
    v.reason = "X509_STORE_CTX_init failed";
    ready = false;
  }
  if (ready) {
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_time(param, time_t(c.validation_time));
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
    if (!libssl_defaults) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_auth_level(param, 2);
    if (c.max_chain_depth >= 0) X509_VERIFY_PARAM_set_depth(param, int(c.max_chain_depth));
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int named = c.peer_name_kind == "IP" ? X509_VERIFY_PARAM_set1_ip_asc(param, c.peer_name.c_str())
                                         : X509_VERIFY_PARAM_set1_host(param, c.peer_name.data(), c.peer_name.size());
    if (named != 1) {
      v.reason = "the expected peer name is not accepted by OpenSSL";
    } else {
      v.accepted = X509_verify_cert(ctx) == 1;
      if (!v.accepted) v.reason = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
    }
  }
  X509_STORE_CTX_free(ctx);
  X509_free(leaf);
  sk_X509_pop_free(untrusted, X509_free);
  X509_STORE_free(store);
  ERR_clear_error();
  return v;
}

// Plain cases every sound verifier gets right: if one of them disagrees,
// the harness (time, name, store) is broken, not OpenSSL.
const char* const kSanityCases[] = {
    "webpki::san::exact-dns-san",       "webpki::san::exact-localhost-ip-san",
    "webpki::san::mismatch-domain-san", "rfc5280::chain-untrusted-root",
    "webpki::cryptographydotio-chain",  "pathlen::intermediate-violates-pathlen-0",
};

}  // namespace

int main(int argc, char** argv) {
  bool libssl_defaults = false, verbose = false;
  std::string path = MACTLS_LIMBO_JSON;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--libssl-defaults") == 0) {
      libssl_defaults = true;
    } else if (std::strcmp(argv[i], "-v") == 0) {
      verbose = true;
    } else if (argv[i][0] == '-') {
      std::fprintf(stderr, "usage: %s [--libssl-defaults] [-v] [limbo.json]\n", argv[0]);
      return 2;
    } else {
      path = argv[i];
    }
  }
  std::vector<LimboCase> cases;
  std::string error;
  if (!mactls::test::load_limbo(path, cases, error)) {
    std::fprintf(stderr, "limbo_openssl: %s\n", error.c_str());
    return 1;
  }
  size_t passed = 0, failed = 0, skipped = 0, sanity_failures = 0;
  for (const LimboCase& c : cases) {
    std::string why = mactls::test::limbo_skip_reason(c);
    if (!why.empty()) {
      ++skipped;
      if (verbose) std::printf("limbo skip %s: %s\n", c.id.c_str(), why.c_str());
      continue;
    }
    Verdict v = run_case(c, libssl_defaults);
    if (v.accepted == c.expect_success) {
      ++passed;
      continue;
    }
    ++failed;
    for (const char* s : kSanityCases)
      if (c.id == s) ++sanity_failures;
    if (verbose)
      std::printf("limbo differs %s: expected %s, OpenSSL %s%s\n", c.id.c_str(),
                  c.expect_success ? "SUCCESS" : "FAILURE", v.accepted ? "accepted" : "rejected, ",
                  v.reason.c_str());
  }
  std::printf("%s, %s, auth level 2\n", OpenSSL_version(OPENSSL_VERSION),
              libssl_defaults ? "libssl's default flags" : "X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN");
  std::printf("%s\n", mactls::test::limbo_score_line(passed, failed, skipped).c_str());
  if (sanity_failures) {
    std::fprintf(stderr, "limbo_openssl: %zu plain case(s) disagree: the harness is broken\n", sanity_failures);
    return 1;
  }
  return passed > 0 ? 0 : 1;
}
