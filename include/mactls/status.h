// mactls — one error space for the whole library.
//
// Every fallible operation in mactls returns a Status: either ok, or an
// RFC 8446 §6 alert description plus a static sentence that says what
// happened in words. No exceptions cross the engine boundary.
#ifndef MACTLS_STATUS_H
#define MACTLS_STATUS_H

#include <cstdint>

namespace mactls {

/// TLS alert descriptions (RFC 8446 §6, plus the registry entries a TLS 1.3
/// client can meet).
enum class Alert : uint8_t {
  close_notify = 0,
  unexpected_message = 10,
  bad_record_mac = 20,
  record_overflow = 22,
  handshake_failure = 40,
  bad_certificate = 42,
  unsupported_certificate = 43,
  certificate_revoked = 44,
  certificate_expired = 45,
  certificate_unknown = 46,
  illegal_parameter = 47,
  unknown_ca = 48,
  access_denied = 49,
  decode_error = 50,
  decrypt_error = 51,
  protocol_version = 70,
  insufficient_security = 71,
  internal_error = 80,
  inappropriate_fallback = 86,
  user_canceled = 90,
  no_renegotiation = 100,  ///< RFC 5246 §7.2.2 (TLS 1.2: mactls refuses a HelloRequest)
  missing_extension = 109,
  unsupported_extension = 110,
  unrecognized_name = 112,
  bad_certificate_status_response = 113,
  unknown_psk_identity = 115,
  certificate_required = 116,
  no_application_protocol = 120,
};

/// The RFC name of an alert ("decode_error"), or "unknown_alert".
const char* alert_name(Alert a);

/// Where a failure came from.
enum class ErrorOrigin : uint8_t {
  none = 0,      ///< no error
  local = 1,     ///< mactls detected it and (if a connection exists) sends `alert`
  peer = 2,      ///< the peer sent us `alert`
  transport = 3, ///< the transport failed (connect, read, write)
  timeout = 4,   ///< a connect or handshake deadline passed
  usage = 5,     ///< the caller used the API wrongly (alert is internal_error)
};

/// Result of a fallible operation. Cheap to copy; `what` is always a static
/// string (never freed, never null).
class [[nodiscard]] Status {
 public:
  constexpr Status() = default;
  static constexpr Status ok() { return Status(); }
  /// A locally detected protocol error: we send `a` to the peer.
  static constexpr Status fail(Alert a, const char* what) {
    return Status(ErrorOrigin::local, a, what);
  }
  static constexpr Status make(ErrorOrigin o, Alert a, const char* what) {
    return Status(o, a, what);
  }

  constexpr bool is_ok() const { return origin_ == ErrorOrigin::none; }
  constexpr explicit operator bool() const { return is_ok(); }
  constexpr Alert alert() const { return alert_; }
  constexpr ErrorOrigin origin() const { return origin_; }
  constexpr const char* what() const { return what_; }

 private:
  constexpr Status(ErrorOrigin o, Alert a, const char* w)
      : origin_(o), alert_(a), what_(w) {}
  ErrorOrigin origin_ = ErrorOrigin::none;
  Alert alert_ = Alert::close_notify;
  const char* what_ = "ok";
};

}  // namespace mactls

/// Propagate a failed Status to the caller.
#define MACTLS_TRY(expr)                         \
  do {                                           \
    ::mactls::Status mactls_try_s_ = (expr);     \
    if (!mactls_try_s_.is_ok()) return mactls_try_s_; \
  } while (0)

#endif  // MACTLS_STATUS_H
