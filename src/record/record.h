// mactls record layer — RFC 8446 §5 and RFC 5246 §6.2, bytes in and bytes out.
//
// Nothing here owns a socket. Outbound: the engine appends records to a
// Bytes buffer with write_plaintext() or RecordProtector::write(). Inbound:
// it hands whatever bytes arrived to RecordReader::read(), which returns
// whole records one at a time (decrypted once read keys are set); the
// handshake records' payloads go through HandshakeReassembler, which
// yields whole handshake messages; alert payloads go to parse_alert().
//
// Every limit a peer could abuse is bounded: one record of at most
// 5 + 2^14 + 256 bytes is buffered by the reader, a handshake message is at
// most a configurable size (64 KiB by default), and records that carry
// nothing (empty application data, tolerated change_cipher_spec) are
// counted so that a hostile server cannot make the client spin.
//
// Buffers are allocated once and reused: the record path does not allocate
// per record.
//
// TLS 1.2 (RFC 5246 §6.2.3.3) shares all of this: once the handshake has
// picked 1.2, RecordReader::set_tls12() and set_keys12() switch the same
// reader and protector to 1.2 records -- the real content type in the
// header, no inner type or padding, the sequence number and header in the
// additional data, AES-GCM with an 8-byte explicit nonce per record
// (RFC 5288 §3) or ChaCha20-Poly1305 with the iv XOR sequence nonce
// (RFC 7905 §2) -- and change_cipher_spec becomes a message the engine
// receives instead of one the reader drops.
#ifndef MACTLS_RECORD_RECORD_H
#define MACTLS_RECORD_RECORD_H

#include <cstddef>
#include <cstdint>
#include <memory>

#include "common/bytes.h"
#include "crypto/aead.h"
#include "keyschedule/cipher_suite.h"
#include "mactls/status.h"

namespace mactls {

/// ContentType (RFC 8446 §5.1).
enum class ContentType : uint8_t {
  invalid = 0,
  change_cipher_spec = 20,
  alert = 21,
  handshake = 22,
  application_data = 23,
};

/// The RFC name of a content type ("handshake"), or "unknown".
const char* content_type_name(ContentType t);

constexpr size_t kRecordHeaderLen = 5;
/// TLSPlaintext.length and TLSInnerPlaintext.content limit: 2^14 (§5.1).
constexpr size_t kMaxPlaintextLen = 16384;
/// TLSInnerPlaintext limit: content + type + padding <= 2^14 + 1 (§5.4).
constexpr size_t kMaxInnerPlaintextLen = kMaxPlaintextLen + 1;
/// TLSCiphertext.length limit: 2^14 + 256 (§5.2).
constexpr size_t kMaxCiphertextLen = kMaxPlaintextLen + 256;
/// The largest record on the wire, header included.
constexpr size_t kMaxRecordLen = kRecordHeaderLen + kMaxCiphertextLen;
/// legacy_record_version of every record except the first ClientHello's.
constexpr uint16_t kLegacyRecordVersion = 0x0303;
/// legacy_record_version the first ClientHello's records SHOULD carry
/// (§5.1: "a record containing an initial ClientHello SHOULD have version
/// 0x0301"). Never after a HelloRetryRequest.
constexpr uint16_t kInitialClientHelloRecordVersion = 0x0301;

/// Appends `payload` as TLSPlaintext records of `type` to `out`, split into
/// fragments of at most 2^14 bytes (§5.1). `legacy_version` is 0x0303, or
/// 0x0301 for the first ClientHello only. Only handshake, alert and
/// change_cipher_spec may go unprotected; an empty handshake or alert
/// payload is refused too (§5.1, §5.4). Errors are internal_error (caller
/// bugs); `out` is unchanged on error.
[[nodiscard]] Status write_plaintext(ContentType type, ByteView payload, Bytes& out,
                                     uint16_t legacy_version = kLegacyRecordVersion);

/// AEAD protection for one direction (RFC 8446 §5.2, §5.3): the key, the
/// static iv and the 64-bit sequence number. Non-copyable; wipes its key
/// material on destruction and on rekey.
class RecordProtector {
 public:
  RecordProtector() = default;
  RecordProtector(const RecordProtector&) = delete;
  RecordProtector& operator=(const RecordProtector&) = delete;
  ~RecordProtector() { clear(); }

  /// Derives write_key/write_iv from `traffic_secret` (§7.3), wipes the old
  /// keys and resets the sequence number to 0 (§5.3: "Each sequence number
  /// is set to zero ... whenever the key is changed"). `suite` must have
  /// static storage (kCipherSuites). internal_error, with no keys set, if
  /// the secret is not hash_len(suite.hash) bytes.
  [[nodiscard]] Status set_keys(const CipherSuite& suite, ByteView traffic_secret);
  /// TLS 1.2 keys from the key block (RFC 5246 §6.3): `key` is
  /// suite.key_len bytes and `fixed_iv` fixed_iv_len12(suite.aead) bytes
  /// (the 4-byte GCM salt, or the 12-byte ChaCha20 iv). From now on seal,
  /// write and open use TLS 1.2 records (RFC 5246 §6.2.3.3) until the next
  /// set_keys/clear. The sequence number starts at 0 (§6.1). internal_error,
  /// with no keys set, on a wrong length or a suite not in kCipherSuites12.
  [[nodiscard]] Status set_keys12(const CipherSuite& suite, ByteView key, ByteView fixed_iv);
  /// True while the keys are TLS 1.2 keys.
  bool tls12() const { return tls12_; }
  /// Wipes the keys; has_keys() becomes false.
  void clear();
  bool has_keys() const { return aead_.has_key(); }
  /// The suite of the current keys, or nullptr.
  const CipherSuite* suite() const { return suite_; }
  /// The sequence number the next record will use.
  uint64_t sequence() const { return seq_; }

  /// Appends one TLSCiphertext (opaque_type 23, legacy_record_version
  /// 0x0303) to `out`: TLSInnerPlaintext = content || type || `pad` zero
  /// bytes, sealed with nonce = iv XOR seq and AAD = the record header.
  /// content.size + 1 + pad must be <= 2^14 + 1. internal_error without
  /// keys, on an oversize record, or when the sequence number is exhausted
  /// (§5.3: never wrap; the connection must rekey or end). `out` is
  /// unchanged on error.
  ///
  /// With TLS 1.2 keys (RFC 5246 §6.2.3.3): one TLSCiphertext of `type`,
  /// version 0x0303, fragment = explicit nonce (8 bytes, the sequence
  /// number, for AES-GCM; none for ChaCha20) || AEAD(content) with
  /// additional_data = seq_num || type || version || length. content.size
  /// must be <= 2^14 and pad 0 (TLS 1.2 has no padding).
  [[nodiscard]] Status seal(ContentType type, ByteView content, Bytes& out, size_t pad = 0);

  /// Appends `payload` as as many protected records as needed, each with
  /// at most 2^14 - pad content bytes and `pad` zero bytes of padding. An
  /// empty application_data payload gives one empty record; an empty
  /// handshake or alert payload is refused (§5.4). Checks up front that
  /// enough sequence numbers remain, so `out` is unchanged on error.
  [[nodiscard]] Status write(ContentType type, ByteView payload, Bytes& out, size_t pad = 0);

  /// Decrypts one record in place. `header` is its 5 bytes (the AAD);
  /// body[len] is TLSCiphertext.encrypted_record and is overwritten with
  /// the plaintext. On success `type` is TLSInnerPlaintext.type and
  /// `content` views the content inside `body`, padding removed, and the
  /// sequence number advances. Errors: bad_record_mac (tag, §5.2),
  /// record_overflow (inner plaintext > 2^14 + 1, §5.4), unexpected_message
  /// (no non-zero byte, §5.4), internal_error (no keys, sequence
  /// exhausted). Content-type policy is the RecordReader's.
  ///
  /// With TLS 1.2 keys: `type` is the header's, the explicit nonce is taken
  /// from the record (RFC 5288 §3: the sender chooses it), and `content`
  /// views the plaintext inside `body`. Errors: bad_record_mac (tag, or a
  /// fragment shorter than nonce and tag, RFC 5246 §6.2.3.3),
  /// record_overflow (plaintext > 2^14, §6.2.3), internal_error.
  [[nodiscard]] Status open(const uint8_t* header, uint8_t* body, size_t len, ContentType& type,
                            ByteView& content);

 private:
  void make_nonce(uint8_t nonce[kAeadNonceLen]) const;
  Status seal12(ContentType type, ByteView content, Bytes& out);
  Status open12(const uint8_t* header, uint8_t* body, size_t len, ContentType& type,
                ByteView& content);
  Aead aead_;
  bool tls12_ = false;
  size_t explicit_len_ = 0;  // TLS 1.2 record_iv_length: 8 (AES-GCM) or 0
  uint8_t iv_[kAeadNonceLen] = {};
  uint64_t seq_ = 0;
  const CipherSuite* suite_ = nullptr;
  friend struct RecordTestAccess;  // defined only under tests/
};

/// One record as delivered by RecordReader.
struct Record {
  bool present = false;  ///< false: no complete record yet (all input consumed)
  ContentType type = ContentType::invalid;  ///< the inner type when protected
  bool encrypted = false;  ///< arrived as TLSCiphertext
  /// The content (decrypted, padding removed). Points into the reader's
  /// buffer: valid until the next read().
  ByteView payload;
};

/// Reads records from an arbitrary byte stream (RFC 8446 §5). Feed it
/// whatever arrived; it buffers at most one record (kMaxRecordLen bytes,
/// allocated once) and enforces the §5 rules with their exact alerts:
///
/// - content type not one of 20..23, outer or inner: unexpected_message (§5)
/// - legacy_record_version whose first byte is not 3: decode_error (every
///   TLS/SSL 3 record has major version 3; anything else is not a TLS peer),
///   and a protected record's version other than 0x0303: decode_error
///   (Appendix D: it "MAY be validated to match the fixed constant value")
/// - TLSPlaintext.length > 2^14 or TLSCiphertext.length > 2^14 + 256:
///   record_overflow (§5.1, §5.2), detected from the header alone
/// - tag mismatch: bad_record_mac (§5.2)
/// - decrypted TLSInnerPlaintext > 2^14 + 1: record_overflow (§5.4, §6.2)
/// - no non-zero byte in the inner plaintext: unexpected_message (§5.4)
/// - unprotected application_data, or unprotected handshake/alert once read
///   keys are set, or a protected change_cipher_spec: unexpected_message
/// - change_cipher_spec: an unprotected record of exactly one byte 0x01 is
///   dropped while CCS is allowed (§5, Appendix D.4); any other CCS is
///   unexpected_message
/// - empty handshake or alert content: unexpected_message (§5.1, §5.4);
///   alert content that is not exactly 2 bytes: decode_error (§5.1: one
///   alert per record)
/// - more than max_consecutive_empty records in a row that carry nothing
///   (empty application data, dropped CCS): unexpected_message
///
/// After any error the reader stays failed and returns the same Status.
class RecordReader {
 public:
  /// Default limit on consecutive records that carry nothing.
  static constexpr size_t kDefaultMaxConsecutiveEmpty = 32;

  explicit RecordReader(size_t max_consecutive_empty = kDefaultMaxConsecutiveEmpty);
  /// Wipes the part of the buffer that ever held record bytes (decrypted
  /// application data among them).
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  /// Installs read keys: records from now on must be protected. The
  /// sequence number starts at 0. See RecordProtector::set_keys. Call it
  /// between read() calls, after the record that precedes the key change
  /// (read() never consumes bytes past the record it returns); with part
  /// of a record buffered it fails with internal_error.
  [[nodiscard]] Status set_keys(const CipherSuite& suite, ByteView traffic_secret);
  /// Installs TLS 1.2 read keys (see RecordProtector::set_keys12), with the
  /// same rule about partial records as set_keys(). Needs set_tls12(true).
  [[nodiscard]] Status set_keys12(const CipherSuite& suite, ByteView key, ByteView fixed_iv);
  /// Switches the reader to TLS 1.2 records (RFC 5246 §6.2), once, when the
  /// ServerHello picks 1.2. The differences from the list above:
  /// - a protected record keeps its real type in the header (handshake,
  ///   alert or application_data; a protected change_cipher_spec is
  ///   unexpected_message: mactls never renegotiates), and there is no
  ///   inner type or padding; a decrypted fragment over 2^14 is
  ///   record_overflow (§6.2.3). A record longer than 2^14 + 256 is
  ///   record_overflow from its header: an AEAD adds 24 bytes at most, so
  ///   such a record could only decrypt to more than 2^14 (§6.2.3 allows
  ///   2^14 + 2048 on the wire for ciphers that expand more).
  /// - change_cipher_spec, while allowed, is the single byte 0x01 and is
  ///   returned to the caller as a record (it is the signal to install the
  ///   read keys, §7.1), not dropped.
  void set_tls12(bool on) { tls12_ = on; }
  bool tls12() const { return tls12_; }
  /// Back to unprotected records (tests; a connection never needs this).
  void clear_keys();
  bool has_keys() const { return protector_.has_keys(); }
  /// The read sequence number of the next protected record.
  uint64_t sequence() const { return protector_.sequence(); }

  /// Whether an unprotected change_cipher_spec {0x01} is silently dropped
  /// (RFC 8446 §5: allowed after the first ClientHello and before the
  /// peer's Finished). Off by default; the client turns it on when it sends
  /// ClientHello and off once the server Finished has been received.
  void set_allow_change_cipher_spec(bool allow) { allow_ccs_ = allow; }
  void set_max_consecutive_empty(size_t n) { max_empty_ = n; }

  /// Consumes bytes from the front of `input` (advancing it) until one
  /// record is complete or `input` is exhausted. When a record is complete
  /// it is checked, decrypted if keys are set, and returned with
  /// out.present == true; bytes after it stay in `input`. Records that
  /// carry nothing are dropped and reading continues. With out.present ==
  /// false all of `input` has been consumed (a partial record may be held).
  [[nodiscard]] Status read(ByteView& input, Record& out);

  /// True if part of a record is buffered (the stream ended mid-record if
  /// the transport is at EOF).
  bool has_partial_record() const { return have_ != 0; }

 private:
  Status fail(Status s) { return failed_ = s; }
  Status check_header();
  Status finish_record(Record& out, bool& dropped);

  RecordProtector protector_;
  // kMaxRecordLen bytes, allocated once and never zero-filled: a handshake
  // touches only the few kilobytes its records need (the benchmark saw the
  // 16 KB fill cost resumed handshakes microseconds in evicted cache).
  std::unique_ptr<uint8_t[]> buf_;
  size_t high_water_ = 0;  // bytes of buf_ ever written, wiped on destruction
  size_t have_ = 0;    // bytes of the current record buffered
  size_t max_empty_;
  size_t empty_run_ = 0;
  bool allow_ccs_ = false;
  bool tls12_ = false;
  Status failed_;
  friend struct RecordTestAccess;  // defined only under tests/
};

/// A complete handshake message as yielded by HandshakeReassembler.
struct HandshakeMessage {
  uint8_t type = 0;  ///< HandshakeType (RFC 8446 §4)
  ByteView body;     ///< the message after its 4-byte header
  ByteView bytes;    ///< header and body: what goes into the Transcript
};

/// Joins handshake record payloads into handshake messages (RFC 8446 §5.1):
/// a message may span records, and a record may hold several messages.
/// Views returned by next() point into an internal buffer that is reused:
/// they stay valid until the next add(), clear() or release_memory().
/// §5.1 also says handshake messages "MUST NOT be interleaved with other
/// record types": the engine fails with unexpected_message when a
/// non-handshake record arrives while !empty().
class HandshakeReassembler {
 public:
  /// Default largest message: 64 KiB covers any sane certificate chain.
  static constexpr size_t kDefaultMaxMessageLen = 65536;

  explicit HandshakeReassembler(size_t max_message_len = kDefaultMaxMessageLen);

  /// Appends the payload of one handshake record. As soon as a message
  /// header is complete its claimed length is checked: more than
  /// max_message_len body bytes fails with decode_error (the length field
  /// is out of the range mactls accepts; OpenSSL uses illegal_parameter)
  /// before any of that body is buffered, so a peer cannot make mactls
  /// reserve memory it merely claims. An empty payload is refused with
  /// unexpected_message (§5.1).
  [[nodiscard]] Status add(ByteView record_payload);

  /// Takes the next complete message, if any (false: need more records).
  [[nodiscard]] bool next(HandshakeMessage& out);

  /// True if nothing is buffered: no partial and no untaken message.
  bool empty() const { return pos_ == buf_.size(); }

  /// RFC 8446 §5.1: "Handshake messages MUST NOT span key changes ... if
  /// not, then they MUST terminate the connection with an
  /// unexpected_message alert." Call it after taking the message that
  /// triggers a key change (ServerHello, server Finished, KeyUpdate) and
  /// before installing the new read keys: anything still buffered -- a
  /// partial message or a further message that arrived under the old keys
  /// -- fails with unexpected_message.
  [[nodiscard]] Status check_key_change() const;

  /// Drops everything buffered (keeps the allocation).
  void clear();
  /// Frees the buffer if empty() (after the handshake, when only small
  /// post-handshake messages remain).
  void release_memory();

 private:
  Bytes buf_;
  size_t pos_ = 0;  // start of the next untaken message
  size_t max_len_;
};

/// AlertLevel (RFC 8446 §6).
enum class AlertLevel : uint8_t { warning = 1, fatal = 2 };

/// A received alert (RFC 8446 §6). Values are kept as received: unknown
/// descriptions are possible and "MUST be treated as error alerts" (§6).
struct AlertMessage {
  uint8_t level = 0;
  uint8_t description = 0;
  Alert alert() const { return static_cast<Alert>(description); }
  /// close_notify or user_canceled (§6.1): the peer is closing, not failing.
  bool is_closure() const {
    return description == uint8_t(Alert::close_notify) ||
           description == uint8_t(Alert::user_canceled);
  }
};

/// Parses an alert record's content: exactly 2 bytes, else decode_error.
[[nodiscard]] Status parse_alert(ByteView payload, AlertMessage& out);

/// Encodes an alert to send: closure alerts (close_notify, user_canceled)
/// with level warning, every other alert with level fatal (§6.2: "MUST be
/// sent with AlertLevel=fatal").
void encode_alert(Alert a, uint8_t out[2]);

}  // namespace mactls

#endif  // MACTLS_RECORD_RECORD_H
