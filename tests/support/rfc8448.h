// Test support: the RFC 8448 traces from tests/vectors/rfc/rfc8448_vectors.json
// (extracted from rfc8448.txt by extract_rfc8448.py, which recomputes every
// value with hashlib/hmac), and a checker that records which named values
// a test compared so that coverage cannot shrink silently.
#ifndef MACTLS_TESTS_SUPPORT_RFC8448_H
#define MACTLS_TESTS_SUPPORT_RFC8448_H

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"

namespace mactls::test {

/// One record of a trace, as sent by `party`.
struct Rfc8448Record {
  std::string party;  ///< "client" or "server"
  std::string type;   ///< "handshake", "alert", "application_data", "change_cipher_spec"
  Bytes payload;      ///< the plaintext content
  Bytes complete_record;  ///< the record on the wire, header included
};

/// One "{party}  action" step of a trace with its printed values (hex, or
/// the printed text for non-hex values).
struct Rfc8448Step {
  std::string party;
  std::string action;
  std::vector<std::pair<std::string, std::string>> values;
  const std::string* value(const std::string& key) const;
};

/// One section (3 .. 7) of RFC 8448.
struct Rfc8448Section {
  std::string id;
  std::string title;
  std::vector<std::pair<std::string, std::string>> named;  ///< name -> hex, file order
  std::vector<Rfc8448Record> records;
  std::vector<Rfc8448Step> steps;

  bool has(const std::string& name) const;
  /// The named value's bytes; fails the current test if absent.
  Bytes value(const std::string& name) const;
};

/// Section `id` ("3" .. "7"); loads the JSON file once. Fails the current
/// test and returns nullptr if the file or section is missing.
const Rfc8448Section* rfc8448_section(const std::string& id);

/// Compares computed values against a section's named values and remembers
/// which names were compared.
class NamedValueChecker {
 public:
  explicit NamedValueChecker(const Rfc8448Section& section) : s_(section) {}
  /// EXPECTs computed == named value `name` (the name must exist).
  void check(const std::string& name, ByteView computed);
  /// Like check(), but only if the section lists `name`.
  void check_if_listed(const std::string& name, ByteView computed);
  const std::set<std::string>& checked() const { return checked_; }
  /// Named values never compared, in file order.
  std::vector<std::string> unchecked() const;
  const Rfc8448Section& section() const { return s_; }

 private:
  const Rfc8448Section& s_;
  std::set<std::string> checked_;
};

}  // namespace mactls::test

#endif
