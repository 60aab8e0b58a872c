#include "record/record.h"

#include <cstring>

#include "common/secret.h"
#include "keyschedule/key_schedule.h"

namespace mactls {

namespace {

constexpr uint64_t kLastSequence = ~uint64_t(0);  // 2^64 - 1: never used (§5.3)

bool known_type(uint8_t t) {
  return t == uint8_t(ContentType::change_cipher_spec) || t == uint8_t(ContentType::alert) ||
         t == uint8_t(ContentType::handshake) || t == uint8_t(ContentType::application_data);
}

void put_header(uint8_t* p, ContentType type, uint16_t version, size_t len) {
  p[0] = uint8_t(type);
  store_be16(p + 1, version);
  store_be16(p + 3, uint16_t(len));
}

}  // namespace

const char* content_type_name(ContentType t) {
  switch (t) {
    case ContentType::invalid: return "invalid";
    case ContentType::change_cipher_spec: return "change_cipher_spec";
    case ContentType::alert: return "alert";
    case ContentType::handshake: return "handshake";
    case ContentType::application_data: return "application_data";
  }
  return "unknown";
}

// ---- Plaintext records --------------------------------------------------

Status write_plaintext(ContentType type, ByteView payload, Bytes& out, uint16_t legacy_version) {
  if (type != ContentType::handshake && type != ContentType::alert &&
      type != ContentType::change_cipher_spec)
    return Status::fail(Alert::internal_error,
                        "only handshake, alert and change_cipher_spec records go unprotected");
  if (payload.empty())
    return Status::fail(Alert::internal_error, "refusing to send an empty unprotected record");
  size_t records = (payload.size + kMaxPlaintextLen - 1) / kMaxPlaintextLen;
  out.reserve(out.size() + payload.size + records * kRecordHeaderLen);
  for (size_t off = 0; off < payload.size; off += kMaxPlaintextLen) {
    size_t n = payload.size - off < kMaxPlaintextLen ? payload.size - off : kMaxPlaintextLen;
    uint8_t header[kRecordHeaderLen];
    put_header(header, type, legacy_version, n);
    out.insert(out.end(), header, header + kRecordHeaderLen);
    out.insert(out.end(), payload.data + off, payload.data + off + n);
  }
  return Status::ok();
}

// ---- RecordProtector ----------------------------------------------------

Status RecordProtector::set_keys(const CipherSuite& suite, ByteView traffic_secret) {
  clear();
  TrafficKeys keys;
  MACTLS_TRY(traffic_keys(suite, traffic_secret, keys));
  aead_.set_key(suite.aead, keys.key.data());
  std::memcpy(iv_, keys.iv, kAeadNonceLen);
  suite_ = &suite;
  seq_ = 0;
  return Status::ok();
}

Status RecordProtector::set_keys12(const CipherSuite& suite, ByteView key, ByteView fixed_iv) {
  clear();
  if (find_cipher_suite12(suite.code) != &suite)
    return Status::fail(Alert::internal_error, "TLS 1.2 keys for a suite that is not a 1.2 suite");
  const size_t iv_len = fixed_iv_len12(suite.aead);
  if (key.size != suite.key_len || fixed_iv.size != iv_len)
    return Status::fail(Alert::internal_error, "TLS 1.2 key or fixed iv of the wrong length");
  aead_.set_key(suite.aead, key.data);
  // AES-GCM: iv_ = salt || 8 zero bytes, so make_nonce() gives salt ||
  // seq, the nonce whose explicit part we send (RFC 5288 §3). ChaCha20:
  // iv_ XOR padded seq (RFC 7905 §2), exactly the TLS 1.3 construction.
  std::memcpy(iv_, fixed_iv.data, iv_len);
  tls12_ = true;
  explicit_len_ = explicit_nonce_len12(suite.aead);
  suite_ = &suite;
  seq_ = 0;
  return Status::ok();
}

void RecordProtector::clear() {
  aead_.clear();
  tls12_ = false;
  explicit_len_ = 0;
  secure_wipe(iv_, sizeof iv_);
  seq_ = 0;
  suite_ = nullptr;
}

void RecordProtector::make_nonce(uint8_t nonce[kAeadNonceLen]) const {
  // §5.3: the sequence number in network byte order, left-padded with
  // zeros to iv_length, XORed with the static iv.
  uint8_t padded[kAeadNonceLen] = {};
  store_be64(padded + kAeadNonceLen - 8, seq_);
  for (size_t i = 0; i < kAeadNonceLen; ++i) nonce[i] = uint8_t(iv_[i] ^ padded[i]);
}

namespace {

// RFC 5246 §6.2.3.3: additional_data = seq_num + TLSCompressed.type +
// TLSCompressed.version + TLSCompressed.length.
constexpr size_t kAad12Len = 13;

void put_aad12(uint8_t aad[kAad12Len], uint64_t seq, uint8_t type, uint16_t version, size_t len) {
  store_be64(aad, seq);
  aad[8] = type;
  store_be16(aad + 9, version);
  store_be16(aad + 11, uint16_t(len));
}

}  // namespace

Status RecordProtector::seal12(ContentType type, ByteView content, Bytes& out) {
  if (type != ContentType::handshake && type != ContentType::alert &&
      type != ContentType::application_data)
    return Status::fail(Alert::internal_error,
                        "TLS 1.2 protects only handshake, alert and application_data records");
  const size_t body = explicit_len_ + content.size + kAeadTagLen;
  const size_t start = out.size();
  out.resize(start + kRecordHeaderLen + body);
  uint8_t* rec = out.data() + start;
  put_header(rec, type, kLegacyRecordVersion, body);
  uint8_t nonce[kAeadNonceLen];
  make_nonce(nonce);
  uint8_t* p = rec + kRecordHeaderLen;
  // The explicit part of the GCM nonce is the sequence number: unique per
  // key, as RFC 5288 §3 requires, and what OpenSSL and GnuTLS send too.
  if (explicit_len_) store_be64(p, seq_);
  p += explicit_len_;
  if (content.size) std::memcpy(p, content.data, content.size);
  uint8_t aad[kAad12Len];
  put_aad12(aad, seq_, uint8_t(type), kLegacyRecordVersion, content.size);
  aead_.seal(nonce, ByteView(aad, sizeof aad), p, content.size, p);
  ++seq_;
  return Status::ok();
}

Status RecordProtector::seal(ContentType type, ByteView content, Bytes& out, size_t pad) {
  if (!has_keys()) return Status::fail(Alert::internal_error, "sealing a record without keys");
  if (tls12_) {
    if (pad) return Status::fail(Alert::internal_error, "TLS 1.2 records have no padding");
    if (content.size > kMaxPlaintextLen)
      return Status::fail(Alert::internal_error, "TLS 1.2 record content over 2^14 bytes");
    if (seq_ == kLastSequence)
      return Status::fail(Alert::internal_error,
                          "write sequence number exhausted: the connection must end");
    return seal12(type, content, out);
  }
  if (type == ContentType::invalid)
    return Status::fail(Alert::internal_error, "sealing a record of type invalid");
  if (content.size > kMaxPlaintextLen || pad > kMaxInnerPlaintextLen - 1 - content.size)
    return Status::fail(Alert::internal_error, "TLSInnerPlaintext would exceed 2^14 + 1 bytes");
  if (seq_ == kLastSequence)
    return Status::fail(Alert::internal_error,
                        "write sequence number exhausted: the connection must rekey or end");
  const size_t inner = content.size + 1 + pad;
  const size_t body = inner + kAeadTagLen;
  const size_t start = out.size();
  out.resize(start + kRecordHeaderLen + body);  // zero-fills the padding
  uint8_t* rec = out.data() + start;
  put_header(rec, ContentType::application_data, kLegacyRecordVersion, body);
  uint8_t* p = rec + kRecordHeaderLen;
  if (content.size) std::memcpy(p, content.data, content.size);
  p[content.size] = uint8_t(type);
  uint8_t nonce[kAeadNonceLen];
  make_nonce(nonce);
  aead_.seal(nonce, ByteView(rec, kRecordHeaderLen), p, inner, p);
  ++seq_;
  return Status::ok();
}

Status RecordProtector::write(ContentType type, ByteView payload, Bytes& out, size_t pad) {
  if (!has_keys()) return Status::fail(Alert::internal_error, "writing a record without keys");
  if (pad >= kMaxPlaintextLen)
    return Status::fail(Alert::internal_error, "padding leaves no room for content");
  if (pad && tls12_) return Status::fail(Alert::internal_error, "TLS 1.2 records have no padding");
  if (payload.empty() && type != ContentType::application_data)
    return Status::fail(Alert::internal_error,
                        "handshake and alert records must not be empty (RFC 8446 §5.4)");
  const size_t chunk = kMaxPlaintextLen - pad;
  const size_t records = payload.empty() ? 1 : (payload.size + chunk - 1) / chunk;
  if (kLastSequence - seq_ < records)
    return Status::fail(Alert::internal_error,
                        "write sequence number exhausted: the connection must rekey or end");
  out.reserve(out.size() + payload.size + records * (kRecordHeaderLen + 1 + pad + kAeadTagLen));
  size_t off = 0;
  do {
    size_t n = payload.size - off < chunk ? payload.size - off : chunk;
    MACTLS_TRY(seal(type, payload.sub(off, n), out, pad));
    off += n;
  } while (off < payload.size);
  return Status::ok();
}

Status RecordProtector::open12(const uint8_t* header, uint8_t* body, size_t len,
                               ContentType& type, ByteView& content) {
  if (len < explicit_len_ + kAeadTagLen)
    return Status::fail(Alert::bad_record_mac,
                        "TLS 1.2 record too short for its nonce and tag (bad_record_mac)");
  uint8_t nonce[kAeadNonceLen];
  if (explicit_len_) {
    // RFC 5288 §3: nonce = salt (fixed_iv) || the record's explicit nonce.
    std::memcpy(nonce, iv_, kAeadNonceLen - explicit_len_);
    std::memcpy(nonce + kAeadNonceLen - explicit_len_, body, explicit_len_);
  } else {
    make_nonce(nonce);
  }
  uint8_t* fragment = body + explicit_len_;
  const size_t flen = len - explicit_len_;
  const size_t n = flen - kAeadTagLen;
  uint8_t aad[kAad12Len];
  put_aad12(aad, seq_, header[0], load_be16(header + 1), n);
  if (!aead_.open(nonce, ByteView(aad, sizeof aad), fragment, flen, fragment))
    return Status::fail(Alert::bad_record_mac, "record failed authentication (bad_record_mac)");
  ++seq_;
  if (n > kMaxPlaintextLen)
    return Status::fail(Alert::record_overflow,
                        "decrypted TLS 1.2 record is longer than 2^14 bytes (record_overflow)");
  type = static_cast<ContentType>(header[0]);
  content = ByteView(fragment, n);
  return Status::ok();
}

Status RecordProtector::open(const uint8_t* header, uint8_t* body, size_t len, ContentType& type,
                             ByteView& content) {
  if (!has_keys()) return Status::fail(Alert::internal_error, "opening a record without keys");
  if (seq_ == kLastSequence)
    return Status::fail(Alert::internal_error,
                        "read sequence number exhausted: the connection must rekey or end");
  if (tls12_) return open12(header, body, len, type, content);
  uint8_t nonce[kAeadNonceLen];
  make_nonce(nonce);
  if (!aead_.open(nonce, ByteView(header, kRecordHeaderLen), body, len, body))
    return Status::fail(Alert::bad_record_mac, "record failed authentication (bad_record_mac)");
  ++seq_;
  const size_t inner = len - kAeadTagLen;
  if (inner > kMaxInnerPlaintextLen)
    return Status::fail(Alert::record_overflow,
                        "decrypted record is longer than 2^14 + 1 bytes (record_overflow)");
  // §5.4: scan from the end for the content type; padding is all zeros.
  size_t i = inner;
  while (i > 0 && body[i - 1] == 0) --i;
  if (i == 0)
    return Status::fail(Alert::unexpected_message,
                        "decrypted record has no content type (all padding)");
  type = static_cast<ContentType>(body[i - 1]);
  content = ByteView(body, i - 1);
  return Status::ok();
}

// ---- RecordReader -------------------------------------------------------

RecordReader::RecordReader(size_t max_consecutive_empty)
    : buf_(new uint8_t[kMaxRecordLen]), max_empty_(max_consecutive_empty) {}

RecordReader::~RecordReader() { secure_wipe(buf_.get(), high_water_); }

Status RecordReader::set_keys(const CipherSuite& suite, ByteView traffic_secret) {
  if (!failed_.is_ok()) return failed_;
  // Keys change between records (read() stops right after the record that
  // precedes a key change); a buffered header was judged under the old
  // keys and its body must not be read under the new ones.
  if (has_partial_record())
    return Status::fail(Alert::internal_error, "read keys changed in the middle of a record");
  return protector_.set_keys(suite, traffic_secret);
}

Status RecordReader::set_keys12(const CipherSuite& suite, ByteView key, ByteView fixed_iv) {
  if (!failed_.is_ok()) return failed_;
  if (!tls12_)
    return Status::fail(Alert::internal_error, "TLS 1.2 keys on a reader not in TLS 1.2 mode");
  if (has_partial_record())
    return Status::fail(Alert::internal_error, "read keys changed in the middle of a record");
  return protector_.set_keys12(suite, key, fixed_iv);
}

void RecordReader::clear_keys() { protector_.clear(); }

Status RecordReader::check_header() {
  const uint8_t type = buf_[0];
  const uint16_t version = load_be16(&buf_[1]);
  const size_t len = load_be16(&buf_[3]);
  if (!known_type(type))
    return Status::fail(Alert::unexpected_message, "record of unknown content type");
  if ((version >> 8) != 0x03)
    return Status::fail(Alert::decode_error, "record version is not 3.x: not a TLS peer");
  const bool is_ccs = type == uint8_t(ContentType::change_cipher_spec);
  if (is_ccs) {
    // §5: an unprotected CCS is dropped (checked for 0x01 once read), at
    // any point -- even where protected records are expected -- while the
    // engine allows it; otherwise it is an unexpected record type.
    if (!allow_ccs_)
      return Status::fail(Alert::unexpected_message, "change_cipher_spec record not allowed now");
    if (len != 1)
      return Status::fail(Alert::unexpected_message,
                          "change_cipher_spec record is not the single byte 0x01");
    if (tls12_ && has_keys())
      return Status::fail(Alert::unexpected_message,
                          "change_cipher_spec under keys already set: mactls does not renegotiate");
    return Status::ok();
  }
  if (has_keys() && tls12_) {
    if (version != kLegacyRecordVersion)
      return Status::fail(Alert::decode_error, "TLS 1.2 record version is not 0x0303");
    if (len > kMaxCiphertextLen)
      return Status::fail(Alert::record_overflow,
                          "protected record longer than 2^14 + 256 bytes (record_overflow)");
    return Status::ok();
  }
  if (has_keys()) {
    if (type != uint8_t(ContentType::application_data))
      return Status::fail(Alert::unexpected_message,
                          "unprotected record received after read keys were set");
    if (version != kLegacyRecordVersion)
      return Status::fail(Alert::decode_error, "protected record version is not 0x0303");
    if (len > kMaxCiphertextLen)
      return Status::fail(Alert::record_overflow,
                          "protected record longer than 2^14 + 256 bytes (record_overflow)");
    return Status::ok();
  }
  if (type == uint8_t(ContentType::application_data))
    return Status::fail(Alert::unexpected_message,
                        "application data received before keys were established");
  if (len > kMaxPlaintextLen)
    return Status::fail(Alert::record_overflow, "record longer than 2^14 bytes (record_overflow)");
  if (len == 0)
    return Status::fail(Alert::unexpected_message,
                        "empty handshake or alert record (RFC 8446 §5.1, §5.4)");
  return Status::ok();
}

Status RecordReader::finish_record(Record& out, bool& dropped) {
  dropped = false;
  uint8_t* header = buf_.get();
  uint8_t* body = header + kRecordHeaderLen;
  const size_t len = load_be16(header + 3);
  ContentType type = static_cast<ContentType>(header[0]);
  ByteView content(body, len);
  bool encrypted = false;

  if (type == ContentType::change_cipher_spec) {
    if (len != 1 || body[0] != 0x01)
      return Status::fail(Alert::unexpected_message,
                          "change_cipher_spec record is not the single byte 0x01");
    // TLS 1.3 drops it (§5); in TLS 1.2 it is the key change itself.
    dropped = !tls12_;
  } else if (has_keys() && tls12_) {
    MACTLS_TRY(protector_.open(header, body, len, type, content));
    encrypted = true;
    if (content.empty()) {
      if (type != ContentType::application_data)
        return Status::fail(Alert::unexpected_message,
                            "empty handshake or alert record (RFC 5246 §6.2.1)");
      dropped = true;  // RFC 5246 §6.2.1: zero-length application data is allowed
    }
  } else if (has_keys()) {
    MACTLS_TRY(protector_.open(header, body, len, type, content));
    encrypted = true;
    if (!known_type(uint8_t(type)))
      return Status::fail(Alert::unexpected_message,
                          "protected record of unknown inner content type");
    if (type == ContentType::change_cipher_spec)
      return Status::fail(Alert::unexpected_message,
                          "protected change_cipher_spec record (RFC 8446 §5)");
    if (content.empty()) {
      if (type != ContentType::application_data)
        return Status::fail(Alert::unexpected_message,
                            "empty handshake or alert record (RFC 8446 §5.4)");
      dropped = true;  // §5.1: zero-length application data is allowed
    }
  }
  if (type == ContentType::alert && !dropped && content.size != 2)
    return Status::fail(Alert::decode_error, "alert record does not hold exactly one alert");

  if (dropped) {
    if (++empty_run_ > max_empty_)
      return Status::fail(Alert::unexpected_message,
                          "too many consecutive records without content");
    return Status::ok();
  }
  empty_run_ = 0;
  out.present = true;
  out.type = type;
  out.encrypted = encrypted;
  out.payload = content;
  return Status::ok();
}

Status RecordReader::read(ByteView& input, Record& out) {
  out = Record();
  if (!failed_.is_ok()) return failed_;
  for (;;) {
    if (have_ < kRecordHeaderLen) {
      size_t n = kRecordHeaderLen - have_;
      if (n > input.size) n = input.size;
      if (n) std::memcpy(buf_.get() + have_, input.data, n);  // an empty input may have a null data pointer
      have_ += n;
      if (have_ > high_water_) high_water_ = have_;
      input = input.sub(n);
      if (have_ < kRecordHeaderLen) return Status::ok();
      // Judge the header before buffering any of the body.
      Status s = check_header();
      if (!s.is_ok()) return fail(s);
    }
    const size_t need = kRecordHeaderLen + load_be16(&buf_[3]);
    size_t n = need - have_;
    if (n > input.size) n = input.size;
    if (n) std::memcpy(buf_.get() + have_, input.data, n);
    have_ += n;
    if (have_ > high_water_) high_water_ = have_;
    input = input.sub(n);
    if (have_ < need) return Status::ok();
    have_ = 0;  // the record is complete; its bytes stay in buf_ for `out`
    bool dropped = false;
    Status s = finish_record(out, dropped);
    if (!s.is_ok()) return fail(s);
    if (!dropped) return Status::ok();
  }
}

// ---- HandshakeReassembler -----------------------------------------------

HandshakeReassembler::HandshakeReassembler(size_t max_message_len) : max_len_(max_message_len) {}

Status HandshakeReassembler::add(ByteView record_payload) {
  if (record_payload.empty())
    return Status::fail(Alert::unexpected_message, "empty handshake record (RFC 8446 §5.1)");
  // Compact: move the untaken tail (at most one partial message plus the
  // messages of one record) to the front, reusing the allocation.
  if (pos_) {
    buf_.erase(buf_.begin(), buf_.begin() + ptrdiff_t(pos_));
    pos_ = 0;
  }
  // Judge any header the new bytes complete before keeping its body: look
  // at the headers in buffered bytes + payload without appending first.
  const size_t old = buf_.size();
  uint8_t hdr[4];
  size_t p = 0;  // offset of the message being walked, in buffered||payload
  const size_t total = old + record_payload.size;
  while (total - p >= 4) {
    for (size_t i = 0; i < 4; ++i) {
      size_t at = p + i;
      hdr[i] = at < old ? buf_[at] : record_payload[at - old];
    }
    const size_t len = load_be24(hdr + 1);
    if (len > max_len_)
      return Status::fail(Alert::decode_error,
                          "handshake message claims more than mactls accepts (decode_error)");
    if (total - p - 4 < len) break;
    p += 4 + len;
  }
  buf_.insert(buf_.end(), record_payload.begin(), record_payload.end());
  return Status::ok();
}

bool HandshakeReassembler::next(HandshakeMessage& out) {
  const size_t avail = buf_.size() - pos_;
  if (avail < 4) return false;
  const uint8_t* p = buf_.data() + pos_;
  const size_t len = load_be24(p + 1);
  if (avail - 4 < len) return false;
  out.type = p[0];
  out.bytes = ByteView(p, 4 + len);
  out.body = ByteView(p + 4, len);
  pos_ += 4 + len;
  return true;
}

Status HandshakeReassembler::check_key_change() const {
  if (!empty())
    return Status::fail(Alert::unexpected_message,
                        "handshake data spans a key change (RFC 8446 §5.1)");
  return Status::ok();
}

void HandshakeReassembler::clear() {
  buf_.clear();
  pos_ = 0;
}

void HandshakeReassembler::release_memory() {
  if (!empty()) return;
  Bytes().swap(buf_);
  pos_ = 0;
}

// ---- Alerts -------------------------------------------------------------

Status parse_alert(ByteView payload, AlertMessage& out) {
  if (payload.size != 2)
    return Status::fail(Alert::decode_error, "alert is not exactly two bytes");
  out.level = payload[0];
  out.description = payload[1];
  return Status::ok();
}

void encode_alert(Alert a, uint8_t out[2]) {
  const bool closure = a == Alert::close_notify || a == Alert::user_canceled;
  out[0] = uint8_t(closure ? AlertLevel::warning : AlertLevel::fatal);
  out[1] = uint8_t(a);
}

}  // namespace mactls
