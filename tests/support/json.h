// Test support: a minimal JSON reader (RFC 8259) for the vector files.
// Enough for rfc8448_vectors.json: objects, arrays, strings with escapes,
// numbers, true/false/null. Not for untrusted input; not used by src/.
#ifndef MACTLS_TESTS_SUPPORT_JSON_H
#define MACTLS_TESTS_SUPPORT_JSON_H

#include <string>
#include <utility>
#include <vector>

namespace mactls::test {

/// One JSON value. Objects keep their members in file order.
struct Json {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;

  bool is_null() const { return kind == Kind::null; }
  bool is_string() const { return kind == Kind::string; }
  bool is_object() const { return kind == Kind::object; }
  bool is_array() const { return kind == Kind::array; }
  /// Member `key` of an object, or nullptr (also when this is no object).
  const Json* find(const std::string& key) const;
};

/// Parses `text`; on failure returns false and says where in `error`.
bool parse_json(const std::string& text, Json& out, std::string& error);

}  // namespace mactls::test

#endif
