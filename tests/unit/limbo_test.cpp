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
// Sets `harness_error` when the case could not be put to the validator at
// all (a PEM that does not decode): that is no verdict, and must not count
// as an agreeing rejection.
Status run_case(const LimboCase& c, std::string* harness_error) {
  TrustStore anchors;
  for (const auto& pem : c.trusted_pem) {
    // An anchor mactls cannot load (unsupported key, malformed) can vouch
    // for nothing: the case is a rejection, with the loader's reason.
    Status s = anchors.add_pem(pem.data(), pem.size());
    if (!s.is_ok()) return s;
  }
  std::vector<Bytes> ders(1 + c.intermediate_pem.size());
  for (size_t i = 0; i < ders.size(); ++i) {
    if (!pem_to_der(i == 0 ? c.peer_pem : c.intermediate_pem[i - 1], ders[i])) {
      *harness_error = i == 0 ? "the peer certificate's PEM does not decode" : "an intermediate's PEM does not decode";
      return Status::fail(Alert::internal_error, "(no verdict)");
    }
  }
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

TEST(LimboRules, RfcDateTimes) {
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

TEST(LimboRules, SkipRules) {
  LimboCase c;
  c.server = true;
  c.peer_name_kind = "DNS";
  c.peer_name = "example.com";
  EXPECT_EQ(test::limbo_skip_reason(c), "");
  c.key_usage = {"digitalSignature"};
  c.extended_key_usage = {"serverAuth"};
  EXPECT_EQ(test::limbo_skip_reason(c), "") << "mactls' own server profile";
  c.features = {"pedantic-serial-number", "max-chain-depth"};
  EXPECT_EQ(test::limbo_skip_reason(c), "") << "known features other than has-crl run";

  LimboCase s = c;
  s.server = false;
  EXPECT_NE(test::limbo_skip_reason(s), "");
  s = c;
  s.features.push_back("has-crl");
  EXPECT_NE(test::limbo_skip_reason(s), "");
  s = c;
  s.features.push_back("some-future-feature");
  EXPECT_NE(test::limbo_skip_reason(s), "") << "the schema: skip what you do not understand";
  s = c;
  s.peer_name_kind.clear();
  EXPECT_NE(test::limbo_skip_reason(s), "");
  s = c;
  s.extended_key_usage = {"clientAuth"};
  EXPECT_NE(test::limbo_skip_reason(s), "");
  s = c;
  s.key_usage = {"keyEncipherment"};
  EXPECT_NE(test::limbo_skip_reason(s), "");
  s = c;
  s.signature_algorithms = {"ED25519"};
  EXPECT_NE(test::limbo_skip_reason(s), "");
}

TEST(LimboRules, DifferencesFile) {
  const std::string path = ::testing::TempDir() + "limbo_differences_test.txt";
  auto parse = [&](const char* text, std::map<std::string, std::string>& out) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    std::fputs(text, f);
    std::fclose(f);
    std::string error;
    bool ok = test::load_limbo_differences(path, out, error);
    std::remove(path.c_str());
    return ok;
  };
  std::map<std::string, std::string> t;
  ASSERT_TRUE(parse("# comment\n\n  a::b   the reason, with words \r\nc\tother\n", t));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t["a::b"], "the reason, with words");
  EXPECT_EQ(t["c"], "other");
  EXPECT_FALSE(parse("a::b reason\na::b again\n", t)) << "listed twice";
  EXPECT_FALSE(parse("a::b\n", t)) << "no reason";
}

// The outcome of scoring cases against a differences table.
struct LimboRun {
  size_t passed = 0, failed = 0, skipped = 0;
  std::vector<std::string> report;    ///< one line per skip and per disagreement
  std::vector<std::string> problems;  ///< what makes the test fail
};

LimboRun score(const std::vector<LimboCase>& cases, const std::map<std::string, std::string>& listed) {
  LimboRun run;
  std::set<std::string> ids;
  for (const LimboCase& c : cases) {
    ids.insert(c.id);
    auto it = listed.find(c.id);
    std::string why = test::limbo_skip_reason(c);
    if (!why.empty()) {
      ++run.skipped;
      run.report.push_back("limbo skip " + c.id + ": " + why);
      if (it != listed.end()) run.problems.push_back(c.id + " is skipped, so it must not be in differences.txt");
      continue;
    }
    std::string harness_error;
    Status s = run_case(c, &harness_error);
    if (!harness_error.empty()) {
      run.problems.push_back(c.id + ": " + harness_error);
      continue;
    }
    if (s.is_ok() == c.expect_success) {
      ++run.passed;
      if (it != listed.end())
        run.problems.push_back(c.id + " now agrees with limbo (" + describe(s) + "): remove it from differences.txt");
      continue;
    }
    ++run.failed;
    std::string expected = c.expect_success ? "SUCCESS" : "FAILURE";
    std::string note = it == listed.end() ? "NOT LISTED" : "listed: " + it->second;
    run.report.push_back("limbo differs " + c.id + ": expected " + expected + ", mactls " + describe(s) + " [" +
                         note + "]");
    if (it == listed.end())
      run.problems.push_back(c.id + ": expected " + expected + ", mactls " + describe(s) +
                             "; fix it or list it in differences.txt");
  }
  for (const auto& l : listed)
    if (!ids.count(l.first)) run.problems.push_back(l.first + " in differences.txt is not a limbo case");
  return run;
}

class Limbo : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(test::load_limbo(test::vector_path("x509-limbo/limbo.json"), cases_, error)) << error;
    // The vendored file as its README and SOURCES.txt describe it.
    ASSERT_EQ(cases_.size(), 208u);
    ASSERT_TRUE(test::load_limbo_differences(test::vector_path("x509-limbo/differences.txt"), listed_, error))
        << error;
  }
  const LimboCase* find(const std::string& id) const {
    for (const auto& c : cases_)
      if (c.id == id) return &c;
    return nullptr;
  }
  std::vector<LimboCase> cases_;
  std::map<std::string, std::string> listed_;
};

TEST_F(Limbo, ServerCasesAgreeOrAreListed) {
  LimboRun run = score(cases_, listed_);
  for (const auto& line : run.report) std::printf("%s\n", line.c_str());
  std::printf("%s\n", test::limbo_score_line(run.passed, run.failed, run.skipped).c_str());
  std::fflush(stdout);
  for (const auto& p : run.problems) ADD_FAILURE() << p;
  EXPECT_EQ(run.passed + run.failed + run.skipped, cases_.size());
}

// The table cannot go stale: a listed case that agrees, an unlisted
// disagreement, a listed skip and a listed unknown id each fail the run.
// (Scored on a few cases only, to stay quick.)
TEST_F(Limbo, DifferencesTableCannotGoStale) {
  const LimboCase* agrees = find("webpki::san::exact-dns-san");
  const LimboCase* client = nullptr;
  for (const auto& c : cases_)
    if (!c.server) client = &c;
  ASSERT_TRUE(agrees && client);
  std::vector<LimboCase> few = {*agrees, *client};

  std::map<std::string, std::string> table;
  LimboRun clean = score(few, table);
  EXPECT_TRUE(clean.problems.empty());
  EXPECT_EQ(clean.passed, 1u);
  EXPECT_EQ(clean.skipped, 1u);

  table = {{agrees->id, "stale"}, {client->id, "skipped"}, {"no::such-case", "typo"}};
  LimboRun stale = score(few, table);
  EXPECT_EQ(stale.problems.size(), 3u);

  // The same case with the opposite expectation is an unlisted disagreement.
  few = {*agrees};
  few[0].expect_success = !few[0].expect_success;
  LimboRun unlisted = score(few, {});
  EXPECT_EQ(unlisted.failed, 1u);
  ASSERT_EQ(unlisted.problems.size(), 1u);
  EXPECT_NE(unlisted.problems[0].find("fix it or list it"), std::string::npos);
}

}  // namespace
}  // namespace mactls
