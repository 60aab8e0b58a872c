// mactls-fetch — the small HTTP/1.1 client side it needs: https URL parsing
// and an incremental response parser (status line, headers, a body framed by
// Content-Length, chunked transfer coding, or the end of the connection;
// RFC 9112 §6.3). Header-only so the unit tests can include it directly.
#ifndef MACTLS_TOOLS_FETCH_HTTP_H
#define MACTLS_TOOLS_FETCH_HTTP_H

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

namespace mactls::fetch {

/// An https URL split for the request.
struct Url {
  std::string host;         ///< name or IP literal, IPv6 without brackets
  uint16_t port = 443;
  std::string target = "/"; ///< path and query (the request-target)
  std::string authority;    ///< Host header value: host[:port], IPv6 bracketed
};

inline std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Parses "1".."65535"; false otherwise.
inline bool parse_port(const std::string& s, uint16_t* out) {
  if (s.empty() || s.size() > 5) return false;
  unsigned long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + unsigned(c - '0');
  }
  if (v == 0 || v > 65535) return false;
  *out = uint16_t(v);
  return true;
}

/// Splits "host:port" or "[v6]:port" (port required when `need_port`).
inline bool split_host_port(const std::string& s, std::string* host, uint16_t* port, bool need_port,
                            std::string* err) {
  std::string h, p;
  bool has_port = false;
  if (!s.empty() && s[0] == '[') {
    size_t close = s.find(']');
    if (close == std::string::npos) return (*err = "unterminated '[' in '" + s + "'", false);
    h = s.substr(1, close - 1);
    if (close + 1 < s.size()) {
      if (s[close + 1] != ':') return (*err = "junk after ']' in '" + s + "'", false);
      p = s.substr(close + 2);
      has_port = true;
    }
  } else {
    size_t colon = s.rfind(':');
    if (colon != std::string::npos && s.find(':') != colon)
      return (*err = "an IPv6 address must be written in brackets: '" + s + "'", false);
    if (colon != std::string::npos) {
      h = s.substr(0, colon);
      p = s.substr(colon + 1);
      has_port = true;
    } else {
      h = s;
    }
  }
  if (h.empty()) return (*err = "no host in '" + s + "'", false);
  if (has_port && !parse_port(p, port)) return (*err = "bad port in '" + s + "'", false);
  if (!has_port && need_port) return (*err = "no port in '" + s + "' (want HOST:PORT)", false);
  *host = h;
  return true;
}

/// Parses https://host[:port][/path][?query][#fragment]. Only https; no
/// user info. On failure `*err` says what is wrong.
inline bool parse_url(const std::string& url, Url* out, std::string* err) {
  const std::string scheme = "https://";
  if (url.size() < scheme.size() || lower(url.substr(0, scheme.size())) != scheme) {
    *err = "only https:// URLs are supported: '" + url + "'";
    return false;
  }
  std::string rest = url.substr(scheme.size());
  size_t end = rest.find_first_of("/?#");
  std::string auth = rest.substr(0, end);
  std::string target = end == std::string::npos ? "" : rest.substr(end);
  if (auth.find('@') != std::string::npos) {
    *err = "user info in URLs is not supported: '" + url + "'";
    return false;
  }
  Url u;
  if (!split_host_port(auth, &u.host, &u.port, false, err)) {
    *err = "bad URL '" + url + "': " + *err;
    return false;
  }
  for (char c : u.host)
    if (std::isspace(static_cast<unsigned char>(c))) {
      *err = "bad URL '" + url + "': white space in the host";
      return false;
    }
  size_t hash = target.find('#');
  if (hash != std::string::npos) target.resize(hash);
  if (target.empty() || target[0] == '?') target = "/" + target;
  for (char c : target)
    if (c <= ' ' || c == 0x7f) {
      *err = "bad URL '" + url + "': spaces or control characters in the path (percent-encode them)";
      return false;
    }
  u.target = target;
  const bool v6 = u.host.find(':') != std::string::npos;
  u.authority = v6 ? "[" + u.host + "]" : u.host;
  if (u.port != 443) u.authority += ":" + std::to_string(u.port);
  *out = u;
  return true;
}

/// Incremental HTTP/1.1 response parser. feed() hands body bytes to the
/// caller as they are decoded; finish() is called at the end of the
/// connection and says whether the body was complete.
class ResponseParser {
 public:
  /// Consumes `len` bytes; appends decoded body bytes to `*body`. Returns
  /// false on a malformed response (error() says why). Bytes after a
  /// complete message are ignored.
  bool feed(const char* data, size_t len, std::string* body) {
    for (size_t i = 0; i < len;) {
      if (failed_) return false;
      switch (st_) {
        case St::done:
          return true;
        case St::body_length: {
          size_t n = size_t(std::min<uint64_t>(remaining_, len - i));
          body->append(data + i, n);
          body_bytes_ += n;
          remaining_ -= n;
          i += n;
          if (remaining_ == 0) st_ = St::done;
          break;
        }
        case St::body_to_close:
          body->append(data + i, len - i);
          body_bytes_ += len - i;
          i = len;
          break;
        case St::chunk_data: {
          size_t n = size_t(std::min<uint64_t>(remaining_, len - i));
          body->append(data + i, n);
          body_bytes_ += n;
          remaining_ -= n;
          i += n;
          if (remaining_ == 0) st_ = St::chunk_data_crlf;
          break;
        }
        default: {
          // Line-oriented states.
          const char c = data[i++];
          if (c != '\n') {
            if (line_.size() >= kMaxLine) return fail("a header or chunk line is too long");
            line_.push_back(c);
            break;
          }
          if (!line_.empty() && line_.back() == '\r') line_.pop_back();
          std::string line;
          line.swap(line_);
          if (!on_line(line)) return false;
          break;
        }
      }
    }
    return !failed_;
  }

  /// At the end of the connection: true when the message is complete (for a
  /// body read to the close, the close ends it). Otherwise `*err` says what
  /// is missing.
  bool finish(std::string* err) const {
    if (failed_) return (*err = error_, false);
    switch (st_) {
      case St::done:
      case St::body_to_close:
        return true;
      case St::status_line:
      case St::headers:
        *err = status_ ? "the connection ended inside the response headers"
                       : "the connection ended before an HTTP response arrived";
        return false;
      case St::body_length:
        *err = "the connection ended after " + std::to_string(body_bytes_) + " of " +
               std::to_string(content_length_) + " body bytes (Content-Length)";
        return false;
      default:
        *err = "the connection ended inside a chunked body";
        return false;
    }
  }

  bool headers_done() const { return st_ != St::status_line && st_ != St::headers; }
  /// No more bytes are needed (framing complete; never for read-to-close).
  bool complete() const { return st_ == St::done; }
  bool reads_to_close() const { return st_ == St::body_to_close; }
  int status() const { return status_; }
  const std::string& status_line() const { return status_line_; }
  uint64_t body_bytes() const { return body_bytes_; }
  const std::string& error() const { return error_; }

 private:
  enum class St { status_line, headers, body_length, body_to_close, chunk_size, chunk_data, chunk_data_crlf, trailers, done };
  static constexpr size_t kMaxLine = 16 * 1024;
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;

  bool fail(const std::string& why) {
    failed_ = true;
    error_ = why;
    return false;
  }

  bool on_line(const std::string& line) {
    switch (st_) {
      case St::status_line: return on_status_line(line);
      case St::headers: return on_header_line(line);
      case St::chunk_size: return on_chunk_size(line);
      case St::chunk_data_crlf:
        if (!line.empty()) return fail("a chunk is longer than its size says");
        st_ = St::chunk_size;
        return true;
      case St::trailers:
        if (line.empty()) st_ = St::done;
        return true;
      default: return fail("internal parser state");
    }
  }

  // RFC 9112 §4: HTTP-version SP 3DIGIT SP [reason-phrase]
  bool on_status_line(const std::string& line) {
    if (line.size() < 12 || line.compare(0, 7, "HTTP/1.") != 0 || line[8] != ' ' ||
        !std::isdigit(static_cast<unsigned char>(line[9])) ||
        !std::isdigit(static_cast<unsigned char>(line[10])) ||
        !std::isdigit(static_cast<unsigned char>(line[11])) || (line.size() > 12 && line[12] != ' '))
      return fail("not an HTTP/1.x status line: '" + line.substr(0, 80) + "'");
    status_ = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    status_line_ = line;
    chunked_ = false;
    te_other_ = false;
    have_length_ = false;
    content_length_ = 0;
    st_ = St::headers;
    return true;
  }

  bool on_header_line(const std::string& line) {
    header_bytes_ += line.size() + 2;
    if (header_bytes_ > kMaxHeaderBytes) return fail("the response headers are larger than 64 KiB");
    if (!line.empty()) {
      size_t colon = line.find(':');
      if (colon == std::string::npos || colon == 0) return fail("malformed header line: '" + line.substr(0, 80) + "'");
      const std::string name = lower(line.substr(0, colon));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      if (name == "transfer-encoding") {
        // The final coding decides the framing (RFC 9112 §6.3 item 4).
        std::string v = lower(value);
        size_t comma = v.rfind(',');
        std::string last = comma == std::string::npos ? v : v.substr(comma + 1);
        while (!last.empty() && last.front() == ' ') last.erase(0, 1);
        chunked_ = last == "chunked";
        te_other_ = !chunked_;
      } else if (name == "content-length") {
        if (value.empty() || value.size() > 18) return fail("bad Content-Length: '" + value + "'");
        uint64_t v = 0;
        for (char c : value) {
          if (c < '0' || c > '9') return fail("bad Content-Length: '" + value + "'");
          v = v * 10 + uint64_t(c - '0');
        }
        if (have_length_ && v != content_length_) return fail("conflicting Content-Length headers");
        content_length_ = v;
        have_length_ = true;
      }
      return true;
    }
    // End of the header section.
    if (status_ >= 100 && status_ < 200) {  // interim response: the real one follows
      st_ = St::status_line;
      return true;
    }
    if (status_ == 204 || status_ == 304) {
      st_ = St::done;
    } else if (chunked_) {
      st_ = St::chunk_size;
    } else if (te_other_) {
      st_ = St::body_to_close;  // §6.3 item 4: read until the close
    } else if (have_length_) {
      remaining_ = content_length_;
      st_ = remaining_ ? St::body_length : St::done;
    } else {
      st_ = St::body_to_close;
    }
    return true;
  }

  // RFC 9112 §7.1: chunk-size [ chunk-ext ] CRLF
  bool on_chunk_size(const std::string& line) {
    size_t end = line.find(';');
    std::string hex = line.substr(0, end);
    while (!hex.empty() && (hex.back() == ' ' || hex.back() == '\t')) hex.pop_back();
    if (hex.empty() || hex.size() > 15) return fail("bad chunk size: '" + line.substr(0, 40) + "'");
    uint64_t v = 0;
    for (char c : hex) {
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else return fail("bad chunk size: '" + line.substr(0, 40) + "'");
      v = v * 16 + uint64_t(d);
    }
    remaining_ = v;
    st_ = v ? St::chunk_data : St::trailers;
    return true;
  }

  St st_ = St::status_line;
  std::string line_;
  int status_ = 0;
  std::string status_line_;
  bool chunked_ = false, te_other_ = false, have_length_ = false;
  uint64_t content_length_ = 0, remaining_ = 0, body_bytes_ = 0;
  size_t header_bytes_ = 0;
  bool failed_ = false;
  std::string error_;
};

}  // namespace mactls::fetch

#endif  // MACTLS_TOOLS_FETCH_HTTP_H
