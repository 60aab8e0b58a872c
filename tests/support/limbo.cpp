#include "support/limbo.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "support/json.h"

namespace mactls::test {

namespace {

// Every feature tag limbo-schema.json ("Feature") defines.
const char* const kKnownFeatures[] = {
    "has-policy-constraints",   "has-cert-policies",
    "no-cert-policies",         "pedantic-public-suffix-wildcard",
    "name-constraint-dn",       "pedantic-webpki-subscriber-key",
    "pedantic-webpki-eku",      "pedantic-serial-number",
    "max-chain-depth",          "pedantic-rfc5280",
    "rfc5280-incompatible-with-webpki", "denial-of-service",
    "has-crl",
};

bool read_file_bounded(const std::string& path, size_t max, std::string& out, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot open " + path;
    return false;
  }
  out.clear();
  char buf[65536];
  while (f.read(buf, sizeof buf) || f.gcount() > 0) {
    out.append(buf, size_t(f.gcount()));
    if (out.size() > max) {
      error = path + " is larger than " + std::to_string(max) + " bytes";
      return false;
    }
  }
  return true;
}

bool get_string(const Json& obj, const char* key, std::string& out, bool required) {
  const Json* v = obj.find(key);
  if (!v || v->is_null()) return !required;
  if (!v->is_string()) return false;
  out = v->string;
  return true;
}

bool get_strings(const Json& obj, const char* key, std::vector<std::string>& out) {
  out.clear();
  const Json* v = obj.find(key);
  if (!v || v->is_null()) return true;  // every list field defaults to []
  if (!v->is_array()) return false;
  for (const Json& e : v->array) {
    if (!e.is_string()) return false;
    out.push_back(e.string);
  }
  return true;
}

bool parse_case(const Json& j, LimboCase& c, std::string& error) {
  if (!j.is_object() || !get_string(j, "id", c.id, true)) {
    error = "a testcase without an id";
    return false;
  }
  auto bad = [&](const char* field) {
    error = c.id + ": bad " + field;
    return false;
  };
  std::string kind, result;
  if (!get_string(j, "validation_kind", kind, true) || (kind != "SERVER" && kind != "CLIENT"))
    return bad("validation_kind");
  c.server = kind == "SERVER";
  if (!get_string(j, "expected_result", result, true) || (result != "SUCCESS" && result != "FAILURE"))
    return bad("expected_result");
  c.expect_success = result == "SUCCESS";
  if (!get_strings(j, "features", c.features)) return bad("features");
  if (!get_strings(j, "trusted_certs", c.trusted_pem)) return bad("trusted_certs");
  if (!get_strings(j, "untrusted_intermediates", c.intermediate_pem)) return bad("untrusted_intermediates");
  if (!get_string(j, "peer_certificate", c.peer_pem, true)) return bad("peer_certificate");
  if (!get_strings(j, "signature_algorithms", c.signature_algorithms)) return bad("signature_algorithms");
  if (!get_strings(j, "key_usage", c.key_usage)) return bad("key_usage");
  if (!get_strings(j, "extended_key_usage", c.extended_key_usage)) return bad("extended_key_usage");

  c.peer_name_kind.clear();
  c.peer_name.clear();
  if (const Json* n = j.find("expected_peer_name"); n && !n->is_null()) {
    if (!n->is_object() || !get_string(*n, "kind", c.peer_name_kind, true) ||
        !get_string(*n, "value", c.peer_name, true))
      return bad("expected_peer_name");
    if (c.peer_name_kind != "DNS" && c.peer_name_kind != "IP" && c.peer_name_kind != "RFC822")
      return bad("expected_peer_name kind");
  }

  std::string when;
  if (!get_string(j, "validation_time", when, false)) return bad("validation_time");
  c.has_validation_time = !when.empty();
  c.validation_time = kLimboDefaultNow;
  if (c.has_validation_time && !parse_rfc3339(when, &c.validation_time)) return bad("validation_time");

  c.max_chain_depth = -1;
  if (const Json* d = j.find("max_chain_depth"); d && !d->is_null()) {
    if (d->kind != Json::Kind::number || d->number < 0 || d->number > 1e6 ||
        d->number != double(int64_t(d->number)))
      return bad("max_chain_depth");
    c.max_chain_depth = int64_t(d->number);
  }
  return true;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  for (const auto& e : v)
    if (e == s) return true;
  return false;
}

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool digits(const std::string& s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

bool parse_rfc3339(const std::string& s, int64_t* unix_seconds) {
  // YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)   (RFC 3339 §5.6)
  int64_t y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, &y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, &mo) || s[7] != '-' ||
      !digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, &h) ||
      s[13] != ':' || !digits(s, 14, 2, &mi) || s[16] != ':' || !digits(s, 17, 2, &se))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  size_t p = 19;
  if (p < s.size() && s[p] == '.') {
    ++p;
    size_t start = p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    if (p == start) return false;
  }
  int64_t offset = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int64_t oh, om;
    if (!digits(s, p + 1, 2, &oh) || p + 3 >= s.size() || s[p + 3] != ':' || !digits(s, p + 4, 2, &om) ||
        oh > 23 || om > 59)
      return false;
    offset = (oh * 60 + om) * 60 * (s[p] == '+' ? 1 : -1);
    p += 6;
  } else {
    return false;
  }
  if (p != s.size()) return false;
  *unix_seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
  return true;
}

bool load_limbo(const std::string& path, std::vector<LimboCase>& out, std::string& error) {
  std::string text;
  if (!read_file_bounded(path, kLimboMaxFileSize, text, error)) return false;
  Json doc;
  if (!parse_json(text, doc, error)) return false;
  const Json* version = doc.find("version");
  if (!version || version->kind != Json::Kind::number || version->number != 1) {
    error = "limbo schema version is not 1";
    return false;
  }
  const Json* cases = doc.find("testcases");
  if (!cases || !cases->is_array()) {
    error = "no testcases array";
    return false;
  }
  if (cases->array.size() > kLimboMaxCases) {
    error = "more than " + std::to_string(kLimboMaxCases) + " testcases";
    return false;
  }
  out.clear();
  out.reserve(cases->array.size());
  for (const Json& j : cases->array) {
    LimboCase c;
    if (!parse_case(j, c, error)) return false;
    out.push_back(std::move(c));
  }
  return true;
}

std::string limbo_skip_reason(const LimboCase& c) {
  if (!c.server) return "CLIENT validation: mactls is a TLS client and validates servers only";
  if (has(c.features, "has-crl"))
    return "has-crl: mactls does not check revocation lists (deliberately; no CRL fetching on the G3)";
  for (const auto& f : c.features) {
    bool known = false;
    for (const char* k : kKnownFeatures) known = known || f == k;
    if (!known) return "unknown feature " + f + " (the schema says to skip it)";
  }
  if (c.peer_name_kind.empty())
    return "no expected peer name: a TLS client always checks one, mactls has no name-less validation";
  if (c.peer_name_kind == "RFC822") return "RFC822 peer name: not a TLS server identity";
  if (!c.signature_algorithms.empty())
    return "signature algorithm filter: mactls' accepted algorithms are fixed, not chosen per call";
  for (const auto& ku : c.key_usage)
    if (ku != "digitalSignature")
      return "key usage filter " + ku + ": mactls' server profile checks digitalSignature only";
  for (const auto& eku : c.extended_key_usage)
    if (eku != "serverAuth") return "EKU filter " + eku + ": mactls' server profile checks serverAuth only";
  return "";
}

bool load_limbo_differences(const std::string& path, std::map<std::string, std::string>& out,
                            std::string& error) {
  std::string text;
  if (!read_file_bounded(path, 1u << 20, text, error)) return false;
  out.clear();
  std::istringstream in(text);
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    size_t p = 0;
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t')) ++p;
    if (p == line.size() || line[p] == '#') continue;
    size_t e = p;
    while (e < line.size() && line[e] != ' ' && line[e] != '\t') ++e;
    std::string id = line.substr(p, e - p);
    while (e < line.size() && (line[e] == ' ' || line[e] == '\t')) ++e;
    std::string reason = line.substr(e);
    while (!reason.empty() && (reason.back() == ' ' || reason.back() == '\t' || reason.back() == '\r'))
      reason.pop_back();
    if (reason.empty()) {
      error = path + ":" + std::to_string(n) + ": " + id + " has no reason";
      return false;
    }
    if (!out.emplace(id, reason).second) {
      error = path + ":" + std::to_string(n) + ": " + id + " is listed twice";
      return false;
    }
  }
  return true;
}

std::string limbo_score_line(size_t passed, size_t failed, size_t skipped) {
  return "limbo: " + std::to_string(passed) + " passed, " + std::to_string(failed) + " failed, " +
         std::to_string(skipped) + " skipped";
}

}  // namespace mactls::test
