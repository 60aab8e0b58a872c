#include "resumption/store_codec.h"

#include <cstring>

#include "crypto/aead.h"
#include "crypto/hash.h"

namespace mactls {

namespace {

const uint8_t kMagic[8] = {'M', 'A', 'C', 'T', 'L', 'S', 'T', 'S'};
const uint8_t kFlagSealed = 0x01;

Status bad(Alert a, const char* what) { return Status::fail(a, what); }

void context_digest(const std::string& context, uint8_t out[32]) {
  static const char kTag[] = "mactls ticket store context v1";
  HashCtx h(HashAlg::sha256);
  h.update(reinterpret_cast<const uint8_t*>(kTag), sizeof kTag);
  h.update(reinterpret_cast<const uint8_t*>(context.data()), context.size());
  h.peek(out);
}

ByteView str_view(const std::string& s) { return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

size_t entry_size(const TicketKey& k, const Ticket& t) {
  return 2 + k.server_name.size() + 2 + 32 + 2 + k.partition.size() + 2 + 2 + t.identity.size() + 1 +
         t.session_id.size() + 1 + 1 + t.psk_len + 2 + 4 + 4 + 8 + 8 + 8 + 4 + 4 + 2 +
         t.peer_identity.size() + 1 + t.alpn.size();
}

void put_u64(Writer& w, int64_t v) {
  uint8_t b[8];
  store_be64(b, uint64_t(v));
  w.bytes(b, 8);
}

bool get_u64(Reader& r, int64_t& out) {
  uint32_t hi, lo;
  if (!r.u32(hi) || !r.u32(lo)) return false;
  out = int64_t((uint64_t(hi) << 32) | lo);
  return true;
}

void write_entry(Writer& w, const TicketKey& k, const Ticket& t) {
  w.vec16(str_view(k.server_name));
  w.u16(k.port);
  w.bytes(k.context.data(), k.context.size());
  w.vec16(str_view(k.partition));
  w.u16(t.version);
  w.vec16(ByteView(t.identity.data(), t.identity.size()));
  w.vec8(ByteView(t.session_id.data(), t.session_id.size()));
  w.u8(t.extended_master_secret ? 1 : 0);
  w.vec8(ByteView(t.psk, t.psk_len));
  w.u16(t.cipher_suite);
  w.u32(t.lifetime_s);
  w.u32(t.age_add);
  put_u64(w, t.received_unix_ms);
  put_u64(w, t.auth_unix_s);
  put_u64(w, t.cert_not_after_s);
  w.u32(t.max_auth_age_s);
  w.u32(t.max_early_data);
  w.vec16(str_view(t.peer_identity));
  w.vec8(str_view(t.alpn));
}

// One entry; every field is checked against what encode could have written
// and what the engine could have stored.
bool read_entry(Reader& r, StoreEntry& e) {
  TicketKey& k = e.first;
  Ticket& t = e.second;
  ByteView v;
  if (!r.vec16(v, 0, kStoreMaxName)) return false;
  k.server_name.assign(reinterpret_cast<const char*>(v.data), v.size);
  if (!r.u16(k.port) || !r.bytes(32, v)) return false;
  std::memcpy(k.context.data(), v.data, 32);
  if (!r.vec16(v, 0, kStoreMaxName)) return false;
  k.partition.assign(reinterpret_cast<const char*>(v.data), v.size);
  if (!r.u16(t.version) || (t.version != 0x0304 && t.version != 0x0303)) return false;
  if (!r.vec16(v, 0, kStoreMaxIdentity)) return false;
  t.identity.assign(v.begin(), v.end());
  if (!r.vec8(v, 0, 32)) return false;
  t.session_id.assign(v.begin(), v.end());
  uint8_t ems;
  if (!r.u8(ems) || ems > 1) return false;
  t.extended_master_secret = ems == 1;
  if (!r.vec8(v, 1, sizeof t.psk)) return false;
  std::memcpy(t.psk, v.data, v.size);
  t.psk_len = uint8_t(v.size);
  if (!r.u16(t.cipher_suite) || !r.u32(t.lifetime_s) || !r.u32(t.age_add) || !get_u64(r, t.received_unix_ms) ||
      !get_u64(r, t.auth_unix_s) || !get_u64(r, t.cert_not_after_s) || !r.u32(t.max_auth_age_s) ||
      !r.u32(t.max_early_data))
    return false;
  if (!r.vec16(v, 0, kStoreMaxPeerIdentity)) return false;
  t.peer_identity.assign(reinterpret_cast<const char*>(v.data), v.size);
  if (!r.vec8(v)) return false;
  t.alpn.assign(reinterpret_cast<const char*>(v.data), v.size);
  // What the engine stores: a TLS 1.3 ticket has an identity and a PSK of a
  // suite hash's length (§4.6.1); a TLS 1.2 session an ID or a ticket and a
  // 48-byte master secret (RFC 5246 §8.1); lifetimes at most 7 days.
  if (t.lifetime_s == 0 || t.lifetime_s > kStoreMaxLifetimeS || t.cipher_suite == 0) return false;
  // Times after 1970 and before the year 10000, as any clock gives them.
  if (t.received_unix_ms < 0 || t.received_unix_ms > kStoreMaxUnixS * 1000 || t.auth_unix_s < 0 ||
      t.auth_unix_s > kStoreMaxUnixS || t.cert_not_after_s < 0 || t.cert_not_after_s > kStoreMaxUnixS)
    return false;
  if (t.is_tls12()) {
    if (t.psk_len != 48 || (t.identity.empty() && t.session_id.empty())) return false;
  } else {
    if ((t.psk_len != 32 && t.psk_len != 48) || t.identity.empty() || !t.session_id.empty() ||
        t.extended_master_secret)
      return false;
  }
  return true;
}

}  // namespace

bool store_entry_encodable(const TicketKey& key, const Ticket& t) {
  return key.server_name.size() <= kStoreMaxName && key.partition.size() <= kStoreMaxName &&
         t.identity.size() <= kStoreMaxIdentity && t.session_id.size() <= 32 &&
         t.psk_len <= sizeof t.psk && t.peer_identity.size() <= kStoreMaxPeerIdentity && t.alpn.size() <= 255;
}

Status encode_store_blob(const std::vector<std::pair<const TicketKey*, const Ticket*>>& entries,
                         const StoreBlobOptions& options, Bytes* out) {
  const bool sealed = options.seal_key != nullptr;
  size_t body_len = 0;
  for (const auto& e : entries) body_len += entry_size(*e.first, *e.second);
  if (body_len > 0xffffffffu || entries.size() > 0xffffffffu)
    return Status::make(ErrorOrigin::usage, Alert::internal_error, "store too large to save");
  const size_t header_len = sealed ? kStoreSealedHeaderLen : kStoreHeaderLen;
  const size_t total = header_len + body_len + (sealed ? kAeadTagLen : 32);

  Bytes blob;
  blob.reserve(total);  // sized once: no reallocation leaves a secret behind
  Writer w(blob);
  w.bytes(kMagic, sizeof kMagic);
  w.u16(kStoreFormatVersion);
  w.u8(sealed ? kFlagSealed : 0);
  w.u8(0);
  uint8_t cd[32];
  context_digest(options.context, cd);
  w.bytes(cd, 32);
  w.u32(uint32_t(entries.size()));
  w.u32(uint32_t(body_len));
  if (sealed) {
    uint8_t nonce[kAeadNonceLen];
    (options.random ? options.random : &system_random())->fill(nonce, sizeof nonce);
    w.bytes(nonce, sizeof nonce);
  }
  const size_t body_at = blob.size();
  for (const auto& e : entries) write_entry(w, *e.first, *e.second);
  if (sealed) {
    // In place: the plaintext entries are overwritten by their ciphertext.
    blob.resize(total);
    Aead aead;
    aead.set_key(AeadAlg::chacha20_poly1305, options.seal_key);
    aead.seal(blob.data() + kStoreHeaderLen, ByteView(blob.data(), header_len), blob.data() + body_at, body_len,
              blob.data() + body_at);
  } else {
    uint8_t digest[32];
    hash_once(HashAlg::sha256, ByteView(blob.data(), blob.size()), digest);
    w.bytes(digest, 32);
  }
  secure_wipe(*out);
  out->swap(blob);
  return Status::ok();
}

Status decode_store_blob(ByteView blob, const StoreBlobOptions& options, std::vector<StoreEntry>* out) {
  if (blob.size > options.max_blob_bytes) return bad(Alert::decode_error, "ticket store blob larger than allowed");
  if (blob.size < kStoreHeaderLen) return bad(Alert::decode_error, "ticket store blob truncated");
  if (std::memcmp(blob.data, kMagic, sizeof kMagic) != 0)
    return bad(Alert::decode_error, "not a mactls ticket store blob");
  Reader h(blob.sub(sizeof kMagic));
  uint16_t version = 0;
  uint8_t flags = 0, reserved = 0;
  uint32_t count = 0, body_len = 0;
  ByteView cd;
  if (!h.u16(version) || !h.u8(flags) || !h.u8(reserved) || !h.bytes(32, cd) || !h.u32(count) || !h.u32(body_len))
    return bad(Alert::decode_error, "ticket store blob truncated");
  if (version != kStoreFormatVersion)
    return bad(Alert::protocol_version, "ticket store blob of another format version");
  if ((flags & ~kFlagSealed) != 0 || reserved != 0) return bad(Alert::decode_error, "ticket store blob header malformed");
  const bool sealed = (flags & kFlagSealed) != 0;
  // A key given for an unsealed blob is refused, or anyone able to write
  // the file could plant sessions of their choosing under any host.
  if (sealed && !options.seal_key)
    return bad(Alert::illegal_parameter, "ticket store blob is sealed and no key was given");
  if (!sealed && options.seal_key)
    return bad(Alert::illegal_parameter, "ticket store blob is not sealed but a key was given");
  uint8_t want_cd[32];
  context_digest(options.context, want_cd);
  if (!ct_equal(cd.data, want_cd, 32))
    return bad(Alert::illegal_parameter, "ticket store blob saved under another security context");
  if (count > options.max_entries) return bad(Alert::decode_error, "ticket store blob holds too many entries");
  const size_t header_len = sealed ? kStoreSealedHeaderLen : kStoreHeaderLen;
  const size_t trailer = sealed ? kAeadTagLen : 32;
  if (blob.size < header_len || blob.size - header_len < trailer || blob.size - header_len - trailer < body_len)
    return bad(Alert::decode_error, "ticket store blob truncated");
  if (blob.size - header_len - trailer != body_len)
    return bad(Alert::decode_error, "ticket store blob has trailing bytes");
  // Each entry is at least 90 bytes: a count the body cannot hold is a lie.
  if (uint64_t(count) * 90 > body_len) return bad(Alert::decode_error, "ticket store blob entry count malformed");

  Bytes plain;  // sealed blobs only; wiped below
  ByteView body = blob.sub(header_len, body_len);
  if (sealed) {
    plain.resize(body_len);
    Aead aead;
    aead.set_key(AeadAlg::chacha20_poly1305, options.seal_key);
    if (!aead.open(blob.data + kStoreHeaderLen, blob.sub(0, header_len), blob.data + header_len,
                   body_len + kAeadTagLen, plain.data()))
      return secure_wipe(plain), bad(Alert::bad_record_mac, "ticket store blob: wrong key or corrupted");
    body = ByteView(plain.data(), plain.size());
  } else {
    uint8_t digest[32];
    hash_once(HashAlg::sha256, blob.sub(0, header_len + body_len), digest);
    if (!ct_equal(digest, blob.data + header_len + body_len, 32))
      return bad(Alert::bad_record_mac, "ticket store blob: integrity check failed (corrupted)");
  }

  std::vector<StoreEntry> entries;
  entries.reserve(count);
  Reader r(body);
  Status s = Status::ok();
  for (uint32_t i = 0; i < count && s.is_ok(); ++i) {
    entries.emplace_back();
    if (!read_entry(r, entries.back())) s = bad(Alert::decode_error, "ticket store blob: malformed entry");
  }
  if (s.is_ok() && !r.empty()) s = bad(Alert::decode_error, "ticket store blob: bytes after the last entry");
  if (!plain.empty()) secure_wipe(plain);
  if (!s.is_ok()) return s;  // entries' destructors wipe their PSKs
  out->reserve(out->size() + entries.size());
  for (StoreEntry& e : entries) out->push_back(std::move(e));
  return Status::ok();
}

}  // namespace mactls
