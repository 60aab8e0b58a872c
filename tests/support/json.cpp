#include "support/json.h"

#include <cstdlib>

namespace mactls::test {

const Json* Json::find(const std::string& key) const {
  if (kind != Kind::object) return nullptr;
  for (const auto& m : object)
    if (m.first == key) return &m.second;
  return nullptr;
}

namespace {

class Parser {
 public:
  explicit Parser(const std::string& t) : t_(t) {}

  bool document(Json& out, std::string& error) {
    bool ok = value(out, 0) && (ws(), pos_ == t_.size());
    if (!ok) error = "JSON error near offset " + std::to_string(pos_);
    return ok;
  }

 private:
  void ws() {
    while (pos_ < t_.size() &&
           (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t'))
      ++pos_;
  }
  bool eat(char c) {
    ws();
    if (pos_ < t_.size() && t_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool literal(const char* word) {
    std::string w(word);
    if (t_.compare(pos_, w.size(), w) != 0) return false;
    pos_ += w.size();
    return true;
  }

  bool value(Json& out, int depth) {
    if (depth > 64) return false;
    ws();
    if (pos_ >= t_.size()) return false;
    char c = t_[pos_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      out.kind = Json::Kind::string;
      return string(out.string);
    }
    if (c == 't' && literal("true")) {
      out.kind = Json::Kind::boolean;
      out.boolean = true;
      return true;
    }
    if (c == 'f' && literal("false")) {
      out.kind = Json::Kind::boolean;
      return true;
    }
    if (c == 'n' && literal("null")) {
      out.kind = Json::Kind::null;
      return true;
    }
    return number(out);
  }

  bool object(Json& out, int depth) {
    out.kind = Json::Kind::object;
    ++pos_;  // '{'
    if (eat('}')) return true;
    do {
      ws();
      std::string key;
      if (pos_ >= t_.size() || t_[pos_] != '"' || !string(key) || !eat(':')) return false;
      Json v;
      if (!value(v, depth + 1)) return false;
      out.object.emplace_back(std::move(key), std::move(v));
    } while (eat(','));
    return eat('}');
  }

  bool array(Json& out, int depth) {
    out.kind = Json::Kind::array;
    ++pos_;  // '['
    if (eat(']')) return true;
    do {
      Json v;
      if (!value(v, depth + 1)) return false;
      out.array.push_back(std::move(v));
    } while (eat(','));
    return eat(']');
  }

  static void utf8(std::string& s, unsigned cp) {
    if (cp < 0x80) {
      s.push_back(char(cp));
    } else if (cp < 0x800) {
      s.push_back(char(0xc0 | (cp >> 6)));
      s.push_back(char(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      s.push_back(char(0xe0 | (cp >> 12)));
      s.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
      s.push_back(char(0x80 | (cp & 0x3f)));
    } else {
      s.push_back(char(0xf0 | (cp >> 18)));
      s.push_back(char(0x80 | ((cp >> 12) & 0x3f)));
      s.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
      s.push_back(char(0x80 | (cp & 0x3f)));
    }
  }

  bool hex4(unsigned& v) {
    if (pos_ + 4 > t_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = t_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= unsigned(c - '0');
      else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
      else return false;
    }
    return true;
  }

  bool string(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < t_.size()) {
      char c = t_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= t_.size()) return false;
      char e = t_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          unsigned cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00) {  // surrogate pair
            unsigned lo;
            if (!literal("\\u") || !hex4(lo) || lo < 0xdc00 || lo >= 0xe000) return false;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          }
          utf8(out, cp);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  bool number(Json& out) {
    size_t start = pos_;
    if (pos_ < t_.size() && t_[pos_] == '-') ++pos_;
    while (pos_ < t_.size() && std::string("0123456789.eE+-").find(t_[pos_]) != std::string::npos)
      ++pos_;
    if (pos_ == start) return false;
    std::string s = t_.substr(start, pos_ - start);
    char* end = nullptr;
    out.kind = Json::Kind::number;
    out.number = std::strtod(s.c_str(), &end);
    return end && *end == '\0';
  }

  const std::string& t_;
  size_t pos_ = 0;
};

}  // namespace

bool parse_json(const std::string& text, Json& out, std::string& error) {
  out = Json();
  return Parser(text).document(out, error);
}

}  // namespace mactls::test
