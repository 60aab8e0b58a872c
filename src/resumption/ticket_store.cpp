#include "mactls/ticket_store.h"

#include <algorithm>
#include <cstring>

#include "common/bytes.h"
#include "resumption/store_codec.h"

namespace mactls {

// ---------------------------------------------------------------- Ticket

Ticket::Ticket(const Ticket& o) { *this = o; }

Ticket::Ticket(Ticket&& o) noexcept { *this = std::move(o); }

Ticket& Ticket::operator=(const Ticket& o) {
  if (this == &o) return *this;
  version = o.version;
  identity = o.identity;
  session_id = o.session_id;
  extended_master_secret = o.extended_master_secret;
  std::memcpy(psk, o.psk, sizeof psk);
  psk_len = o.psk_len;
  cipher_suite = o.cipher_suite;
  lifetime_s = o.lifetime_s;
  age_add = o.age_add;
  received_unix_ms = o.received_unix_ms;
  auth_unix_s = o.auth_unix_s;
  cert_not_after_s = o.cert_not_after_s;
  max_auth_age_s = o.max_auth_age_s;
  max_early_data = o.max_early_data;
  peer_identity = o.peer_identity;
  alpn = o.alpn;
  return *this;
}

Ticket& Ticket::operator=(Ticket&& o) noexcept {
  if (this == &o) return *this;
  *this = static_cast<const Ticket&>(o);
  o.identity.clear();
  o.session_id.clear();
  o.wipe();
  return *this;
}

Ticket::~Ticket() { wipe(); }

void Ticket::wipe() {
  secure_wipe(psk, sizeof psk);
  psk_len = 0;
}

bool Ticket::expired(int64_t now_unix_ms, uint32_t max_auth_age_s) const {
  // A clock stepped back below the receipt time means age 0 for the
  // lifetime; the authentication limit still applies.
  // Differences are taken unsigned once their sign is known: times come
  // from a loaded blob too and must not overflow whatever they are.
  if (now_unix_ms >= received_unix_ms &&
      uint64_t(now_unix_ms) - uint64_t(received_unix_ms) >= uint64_t(lifetime_s) * 1000)
    return true;
  const int64_t now_s = now_unix_ms / 1000;
  if (now_s > auth_unix_s && uint64_t(now_s) - uint64_t(auth_unix_s) > max_auth_age_s) return true;
  // RFC 8446 §4.6.1: a ticket is not used beyond the validity of the
  // certificate it was earned with. From the earliest notAfter on the path
  // on it is not offered — one second early, since notAfter itself is still
  // valid (RFC 5280 §4.1.2.5), which costs at most a full handshake. Compared
  // in seconds: a value read back from a persistent store cannot overflow.
  return cert_not_after_s != 0 && now_s >= cert_not_after_s;
}

bool Ticket::expired_capped(int64_t now_unix_ms, uint32_t ceiling_s) const {
  uint32_t bound = max_auth_age_s ? max_auth_age_s : kDefaultMaxAuthAgeS;
  if (ceiling_s != 0 && ceiling_s < bound) bound = ceiling_s;
  return expired(now_unix_ms, bound);
}

uint32_t Ticket::obfuscated_age(int64_t now_unix_ms) const {
  const uint64_t age = now_unix_ms > received_unix_ms ? uint64_t(now_unix_ms) - uint64_t(received_unix_ms) : 0;
  return uint32_t(age) + age_add;  // mod 2^32 by unsigned wrap
}

size_t Ticket::byte_size() const {
  return sizeof(Ticket) + identity.size() + session_id.size() + peer_identity.size() + alpn.size();
}

// ---------------------------------------------------------------- MemoryTicketStore

MemoryTicketStore::MemoryTicketStore(Limits limits) : limits_(limits) {
  limits_.tickets_per_key = std::min<size_t>(std::max<size_t>(limits_.tickets_per_key, 1), 8);
  limits_.max_keys = std::max<size_t>(limits_.max_keys, 1);
}

MemoryTicketStore::~MemoryTicketStore() { clear(); }

void MemoryTicketStore::touch_locked(SlotIt it) { lru_.splice(lru_.begin(), lru_, it->second.lru); }

bool MemoryTicketStore::expired_locked(const Ticket& t, int64_t now_unix_ms) const {
  return t.expired_capped(now_unix_ms, limits_.max_auth_age_s);
}

// Removes v[i] (a vector of `s`), counting it under `counter` of its kind.
// The Ticket destructor wipes the PSK.
void MemoryTicketStore::remove_locked(Slot&, std::vector<Ticket>& v, size_t i,
                                      uint64_t KindStats::*counter) {
  KindStats& k = kind(v[i]);
  const size_t sz = v[i].byte_size();
  bytes_ -= sz;
  count_--;
  k.bytes -= sz;
  k.entries--;
  k.*counter += 1;
  v.erase(v.begin() + long(i));
}

void MemoryTicketStore::drop_slot_locked(SlotIt it, uint64_t KindStats::*counter) {
  Slot& s = it->second;
  while (!s.tickets.empty()) remove_locked(s, s.tickets, s.tickets.size() - 1, counter);
  while (!s.tls12.empty()) remove_locked(s, s.tls12, 0, counter);
  lru_.erase(s.lru);
  slots_.erase(it);
}

void MemoryTicketStore::evict_key_locked(SlotIt it) { drop_slot_locked(it, &KindStats::evicted); }

void MemoryTicketStore::insert(const TicketKey& key, Ticket&& ticket) {
  std::lock_guard<std::mutex> g(mu_);
  insert_locked(key, std::move(ticket));
}

void MemoryTicketStore::insert_locked(const TicketKey& key, Ticket&& ticket) {
  KindStats& k = kind(ticket);
  const size_t size = ticket.byte_size();
  const bool kind_ok = ticket.version == 0x0304 || ticket.version == 0x0303;
  const bool id_ok = ticket.is_tls12() ? !(ticket.identity.empty() && ticket.session_id.empty())
                                       : !ticket.identity.empty();
  if (!kind_ok || !id_ok || ticket.lifetime_s == 0 || ticket.psk_len == 0 ||
      ticket.psk_len > sizeof ticket.psk || size > limits_.max_bytes) {
    k.rejected++;
    ticket.wipe();
    return;
  }
  auto it = slots_.find(key);
  if (it == slots_.end()) {
    if (slots_.size() >= limits_.max_keys) evict_key_locked(slots_.find(lru_.back()));
    lru_.push_front(key);
    it = slots_.emplace(key, Slot{lru_.begin(), {}, {}}).first;
  } else {
    touch_locked(it);
  }
  Slot& slot = it->second;
  if (ticket.is_tls12()) {
    // One session per key (RFC 5246 §7.4.1.2: the client resumes the
    // latest): the newer replaces the older.
    while (!slot.tls12.empty()) remove_locked(slot, slot.tls12, 0, &KindStats::evicted);
    slot.tls12.push_back(std::move(ticket));
  } else {
    if (slot.tickets.size() >= limits_.tickets_per_key)  // the oldest goes
      remove_locked(slot, slot.tickets, 0, &KindStats::evicted);
    slot.tickets.push_back(std::move(ticket));
  }
  bytes_ += size;
  count_++;
  k.bytes += size;
  k.entries++;
  k.inserted++;
  // Byte bound: evict least recently used keys, never the one just filled.
  while (bytes_ > limits_.max_bytes && lru_.size() > 1) evict_key_locked(slots_.find(lru_.back()));
}

bool MemoryTicketStore::take(const TicketKey& key, int64_t now_unix_ms, Ticket* out) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end()) {
    tls13_.misses++;
    return false;
  }
  Slot& slot = it->second;
  std::vector<Ticket>& v = slot.tickets;
  // Expired tickets are dropped as they are met.
  for (size_t i = v.size(); i-- > 0;)
    if (expired_locked(v[i], now_unix_ms)) remove_locked(slot, v, i, &KindStats::expired);
  bool found = false;
  if (!v.empty()) {  // newest first
    KindStats& k = tls13_;
    const size_t sz = v.back().byte_size();
    bytes_ -= sz;
    k.bytes -= sz;
    count_--;
    k.entries--;
    *out = std::move(v.back());
    v.pop_back();
    k.taken++;
    found = true;
  }
  (found ? tls13_.hits : tls13_.misses)++;
  if (slot.tickets.empty() && slot.tls12.empty()) {
    lru_.erase(slot.lru);
    slots_.erase(it);
  } else {
    touch_locked(it);
  }
  return found;
}

bool MemoryTicketStore::find_tls12(const TicketKey& key, int64_t now_unix_ms, Ticket* out) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end() || it->second.tls12.empty()) {
    tls12_.misses++;
    return false;
  }
  Slot& slot = it->second;
  if (expired_locked(slot.tls12[0], now_unix_ms)) {
    remove_locked(slot, slot.tls12, 0, &KindStats::expired);
    tls12_.misses++;
    if (slot.tickets.empty()) {
      lru_.erase(slot.lru);
      slots_.erase(it);
    }
    return false;
  }
  *out = slot.tls12[0];  // a copy: the session stays for the next connection
  tls12_.hits++;
  touch_locked(it);
  return true;
}

void MemoryTicketStore::forget_tls12(const TicketKey& key) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end()) return;
  Slot& slot = it->second;
  while (!slot.tls12.empty()) remove_locked(slot, slot.tls12, 0, &KindStats::cleared);
  if (slot.tickets.empty()) {
    lru_.erase(slot.lru);
    slots_.erase(it);
  }
}

size_t MemoryTicketStore::size() const {
  std::lock_guard<std::mutex> g(mu_);
  return count_;
}

size_t MemoryTicketStore::bytes() const {
  std::lock_guard<std::mutex> g(mu_);
  return bytes_;
}

MemoryTicketStore::Stats MemoryTicketStore::stats() const {
  std::lock_guard<std::mutex> g(mu_);
  Stats s;
  s.tls13 = tls13_;
  s.tls12 = tls12_;
  s.entries = tls13_.entries + tls12_.entries;
  s.bytes = tls13_.bytes + tls12_.bytes;
  s.inserted = tls13_.inserted + tls12_.inserted;
  s.taken = tls13_.taken + tls12_.taken;
  s.expired = tls13_.expired + tls12_.expired;
  s.evicted = tls13_.evicted + tls12_.evicted;
  s.rejected = tls13_.rejected + tls12_.rejected;
  s.cleared = tls13_.cleared + tls12_.cleared;
  s.hits = tls13_.hits + tls12_.hits;
  s.misses = tls13_.misses + tls12_.misses;
  return s;
}

void MemoryTicketStore::clear() {
  std::lock_guard<std::mutex> g(mu_);
  while (!slots_.empty()) drop_slot_locked(slots_.begin(), &KindStats::cleared);
}

void MemoryTicketStore::clear_partition(const std::string& partition) {
  std::lock_guard<std::mutex> g(mu_);
  for (auto it = slots_.begin(); it != slots_.end();) {
    auto next = std::next(it);
    if (it->first.partition == partition) drop_slot_locked(it, &KindStats::cleared);
    it = next;
  }
}

void MemoryTicketStore::clear_host(const std::string& server_name) {
  std::lock_guard<std::mutex> g(mu_);
  for (auto it = slots_.begin(); it != slots_.end();) {
    auto next = std::next(it);
    if (it->first.server_name == server_name) drop_slot_locked(it, &KindStats::cleared);
    it = next;
  }
}

void MemoryTicketStore::clear_host(const std::string& server_name, uint16_t port) {
  std::lock_guard<std::mutex> g(mu_);
  for (auto it = slots_.begin(); it != slots_.end();) {
    auto next = std::next(it);
    if (it->first.server_name == server_name && it->first.port == port)
      drop_slot_locked(it, &KindStats::cleared);
    it = next;
  }
}

// ---------------------------------------------------------------- persistence

Status MemoryTicketStore::save(std::vector<uint8_t>* out, int64_t now_unix_ms,
                               const StoreBlobOptions& options) const {
  // Locked throughout: the blob is one consistent snapshot, and a ticket
  // taken meanwhile is either in it (taken after) or not (taken before).
  std::lock_guard<std::mutex> g(mu_);
  std::vector<std::pair<const TicketKey*, const Ticket*>> entries;
  entries.reserve(count_);
  for (const auto& kv : slots_) {
    for (const Ticket& t : kv.second.tls12)
      if (!expired_locked(t, now_unix_ms) && store_entry_encodable(kv.first, t)) entries.emplace_back(&kv.first, &t);
    for (const Ticket& t : kv.second.tickets)  // oldest first, as they were filed
      if (!expired_locked(t, now_unix_ms) && store_entry_encodable(kv.first, t)) entries.emplace_back(&kv.first, &t);
  }
  return encode_store_blob(entries, options, out);
}

Status MemoryTicketStore::load(const uint8_t* blob, size_t len, int64_t now_unix_ms,
                               const StoreBlobOptions& options, StoreLoadReport* report) {
  std::vector<StoreEntry> entries;
  MACTLS_TRY(decode_store_blob(ByteView(blob, len), options, &entries));
  StoreLoadReport r;
  std::lock_guard<std::mutex> g(mu_);
  for (StoreEntry& e : entries) {
    // Judged at load time like at take: lifetime, authentication age and
    // the certificates' notAfter.
    if (expired_locked(e.second, now_unix_ms)) {
      r.dropped_expired++;
      kind(e.second).expired++;
      continue;
    }
    insert_locked(e.first, std::move(e.second));
    r.loaded++;
  }
  if (report) *report = r;
  return Status::ok();
}

}  // namespace mactls
