// Test support: the x509-limbo suite (tests/vectors/x509-limbo/limbo.json,
// C2SP x509-limbo, Apache-2.0) read into plain structs, with the skip rules
// that every scorer shares (tests/unit/limbo_test.cpp runs mactls' validator,
// tools/limbo_openssl runs OpenSSL's over the same cases).
//
// Plain C++17 with no dependency on mactls, nettle or GoogleTest, so the
// OpenSSL scorer can compile it too. Not for untrusted input, but bounded:
// the file size, the number of cases and the JSON nesting are capped.
#ifndef MACTLS_TESTS_SUPPORT_LIMBO_H
#define MACTLS_TESTS_SUPPORT_LIMBO_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mactls::test {

/// One limbo testcase, as the schema (limbo-schema.json, "Testcase") has it.
struct LimboCase {
  std::string id;
  bool server = false;          ///< validation_kind == "SERVER"
  bool expect_success = false;  ///< expected_result == "SUCCESS"
  std::vector<std::string> features;
  std::vector<std::string> trusted_pem;       ///< trusted_certs, one PEM each
  std::vector<std::string> intermediate_pem;  ///< untrusted_intermediates
  std::string peer_pem;                       ///< peer_certificate
  /// expected_peer_name: kind "DNS", "IP" or "RFC822"; empty when null.
  std::string peer_name_kind;
  std::string peer_name;
  /// validation_time in unix seconds; when the case has none, the schema's
  /// "now" is kLimboDefaultNow (a fixed instant, so every run agrees).
  int64_t validation_time = 0;
  bool has_validation_time = false;
  /// max_chain_depth (intermediates allowed between leaf and anchor), or -1.
  int64_t max_chain_depth = -1;
  std::vector<std::string> signature_algorithms;
  std::vector<std::string> key_usage;
  std::vector<std::string> extended_key_usage;
};

/// The "now" used for cases without validation_time: 2026-01-01T00:00:00Z.
/// Upstream harnesses use the wall clock; every such case in the vendored
/// file has certificates valid from 1970 to 2969 (except the ones meant to
/// be expired), so a fixed instant gives the same results and no drift.
constexpr int64_t kLimboDefaultNow = 1767225600;

/// Largest limbo.json accepted (the vendored one is 1.3 MB).
constexpr size_t kLimboMaxFileSize = 16u << 20;
/// Most testcases accepted (the vendored file has 208).
constexpr size_t kLimboMaxCases = 10000;

/// Reads and parses `path`. On failure returns false with `error` set.
bool load_limbo(const std::string& path, std::vector<LimboCase>& out, std::string& error);

/// Why a scorer skips `c`, or "" when it must run. Shared by every scorer
/// so the scores compare: CLIENT cases; features mactls deliberately lacks
/// (has-crl) or does not know (the schema says to skip those); cases with
/// no expected peer name (a TLS client always has one, and mactls offers
/// no name-less validation); filters mactls' server profile cannot express
/// (a key usage other than digitalSignature, an EKU other than serverAuth,
/// a signature algorithm list).
std::string limbo_skip_reason(const LimboCase& c);

/// Parses an RFC 3339 date-time as limbo writes it
/// ("2024-01-01T00:00:00+00:00" or "...Z", optional fraction, any offset).
bool parse_rfc3339(const std::string& text, int64_t* unix_seconds);

/// Reads a differences table: one "case-id  reason" per line (the reason is
/// the rest of the line after whitespace), '#' starts a comment, blank
/// lines are ignored. Fails on a duplicated id or a line with no reason.
bool load_limbo_differences(const std::string& path, std::map<std::string, std::string>& out,
                            std::string& error);

/// "limbo: N passed, M failed, K skipped" — the score line every scorer prints.
std::string limbo_score_line(size_t passed, size_t failed, size_t skipped);

}  // namespace mactls::test

#endif
