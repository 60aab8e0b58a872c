// The outside suite: every SERVER case of C2SP x509-limbo
// (tests/vectors/x509-limbo/limbo.json, vendored unmodified, Apache-2.0)
// through mactls' validator, verify_server_chain.
//
// A case is skipped only by the shared rules in support/limbo.h (CLIENT
// cases, has-crl, filters mactls cannot express); each skip is printed with
// its reason. Every other case must agree with its expected_result, or be
// listed in tests/vectors/x509-limbo/differences.txt with the reason mactls
// differs. The table cannot go stale: a listed case that now agrees, or a
// listed id that is not a run case, fails the test too.
#include <gtest/gtest.h>
#include <nettle/base64.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mactls/trust.h"
#include "support/limbo.h"
#include "support/vectors.h"
#include "x509/verify.h"

namespace mactls {
namespace {

using test::LimboCase;

// The first CERTIFICATE block of `pem` as DER; false if there is none or
// its base64 does not decode.
bool pem_to_der(const std::string& pem, Bytes& der) {
  static const std::string kBegin = "-----BEGIN CERTIFICATE-----";
  static const std::string kEnd = "-----END CERTIFICATE-----";
  size_t b = pem.find(kBegin);
  if (b == std::string::npos) return false;
  b += kBegin.size();
  size_t e = pem.find(kEnd, b);
  if (e == std::string::npos) return false;
  std::string b64;
  for (size_t i = b; i < e; ++i)
    if (pem[i] != '\n' && pem[i] != '\r' && pem[i] != ' ' && pem[i] != '\t') b64 += pem[i];
  der.assign(BASE64_DECODE_LENGTH(b64.size()), 0);
  base64_decode_ctx ctx;
  base64_decode_init(&ctx);
  size_t n = der.size();
  if (!base64_decode_update(&ctx, &n, der.data(), b64.size(), b64.data()) || !base64_decode_final(&ctx))
    return false;
  der.resize(n);
  return true;
}

std::string describe(const Status& s) {
  if (s.is_ok()) return "accepted";
  return std::string("rejected, ") + alert_name(s.alert()) + ": " + s.what();
}

// Runs one SERVER case through mactls; returns the validator's verdict.
Status run_case(const LimboCase& c) {
  TrustStore anchors;
  for (const auto& pem : c.trusted_pem) {
    // An anchor mactls cannot load (unsupported key, malformed) can vouch
    // for nothing: the case is a rejection, with the loader's reason.
    Status s = anchors.add_pem(pem.data(), pem.size());
    if (!s.is_ok()) return s;
  }
  std::vector<Bytes> ders(1 + c.intermediate_pem.size());
  if (!pem_to_der(c.peer_pem, ders[0]))
    return Status::fail(Alert::bad_certificate, "(harness) peer certificate PEM does not decode");
  for (size_t i = 0; i < c.intermediate_pem.size(); ++i)
    if (!pem_to_der(c.intermediate_pem[i], ders[i + 1]))
      return Status::fail(Alert::bad_certificate, "(harness) intermediate PEM does not decode");
  std::vector<ByteView> chain(ders.begin(), ders.end());

  VerifyOptions opts;
  opts.host = c.peer_name;  // DNS name or IP literal; limbo_skip_reason ran first
  opts.now_unix = c.validation_time;
  // limbo counts intermediates between leaf and anchor; VerifyOptions
  // counts certificates on the path without the anchor, i.e. one more.
  if (c.max_chain_depth >= 0) opts.max_depth = size_t(c.max_chain_depth) + 1;
  VerifiedChain out;
  return verify_server_chain(chain.data(), chain.size(), anchors, opts, &out);
}

TEST(Limbo, RfcDateTimes) {
  int64_t t = 0;
  ASSERT_TRUE(test::parse_rfc3339("1970-01-01T00:00:00Z", &t));
  EXPECT_EQ(t, 0);
  ASSERT_TRUE(test::parse_rfc3339("2024-01-01T00:00:00+00:00", &t));
  EXPECT_EQ(t, 1704067200);
  ASSERT_TRUE(test::parse_rfc3339("2024-01-01T02:30:00.25+02:30", &t));
  EXPECT_EQ(t, 1704067200);
  ASSERT_TRUE(test::parse_rfc3339("2000-02-29T23:59:59-01:00", &t));
  EXPECT_EQ(t, 951872399);
  ASSERT_TRUE(test::parse_rfc3339("2026-01-01T00:00:00Z", &t));
  EXPECT_EQ(t, test::kLimboDefaultNow);
  EXPECT_FALSE(test::parse_rfc3339("2024-01-01T00:00:00", &t)) << "no offset";
  EXPECT_FALSE(test::parse_rfc3339("2024-13-01T00:00:00Z", &t)) << "month 13";
  EXPECT_FALSE(test::parse_rfc3339("2024-01-01T00:00:00Zjunk", &t)) << "trailing text";
}

TEST(Limbo, ServerCasesAgreeOrAreListed) {
  std::vector<LimboCase> cases;
  std::string error;
  ASSERT_TRUE(test::load_limbo(test::vector_path("x509-limbo/limbo.json"), cases, error)) << error;
  // The vendored file as PROVENANCE describes it.
  ASSERT_EQ(cases.size(), 208u);
  std::map<std::string, std::string> listed;
  ASSERT_TRUE(test::load_limbo_differences(test::vector_path("x509-limbo/differences.txt"), listed, error))
      << error;

  size_t passed = 0, failed = 0, skipped = 0;
  for (const LimboCase& c : cases) {
    std::string why = test::limbo_skip_reason(c);
    if (!why.empty()) {
      ++skipped;
      std::printf("limbo skip %s: %s\n", c.id.c_str(), why.c_str());
      EXPECT_EQ(listed.count(c.id), 0u) << c.id << " is skipped, so it must not be in differences.txt";
      continue;
    }
    Status s = run_case(c);
    bool agrees = s.is_ok() == c.expect_success;
    auto it = listed.find(c.id);
    if (agrees) {
      ++passed;
      EXPECT_TRUE(it == listed.end()) << c.id << " now agrees with limbo (" << describe(s)
                                  << "): remove it from differences.txt";
      continue;
    }
    ++failed;
    std::string note = it == listed.end() ? "NOT LISTED" : "listed: " + it->second;
    std::printf("limbo differs %s: expected %s, mactls %s [%s]\n", c.id.c_str(),
                c.expect_success ? "SUCCESS" : "FAILURE", describe(s).c_str(), note.c_str());
    EXPECT_TRUE(it != listed.end()) << c.id << ": expected " << (c.expect_success ? "SUCCESS" : "FAILURE")
                                << ", mactls " << describe(s) << "; fix it or list it in differences.txt";
  }
  std::set<std::string> ids;
  for (const LimboCase& c : cases) ids.insert(c.id);
  for (const auto& l : listed) EXPECT_TRUE(ids.count(l.first)) << l.first << " in differences.txt is not a limbo case";
  std::printf("%s\n", test::limbo_score_line(passed, failed, skipped).c_str());
  std::fflush(stdout);
}

}  // namespace
}  // namespace mactls
