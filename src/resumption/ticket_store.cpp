#include "mactls/ticket_store.h"

#include <algorithm>
#include <cstring>

#include "common/bytes.h"

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
  if (now_unix_ms >= received_unix_ms && now_unix_ms - received_unix_ms >= int64_t(lifetime_s) * 1000)
    return true;
  return now_unix_ms / 1000 - auth_unix_s > int64_t(max_auth_age_s);
}

uint32_t Ticket::obfuscated_age(int64_t now_unix_ms) const {
  int64_t age = now_unix_ms - received_unix_ms;
  if (age < 0) age = 0;
  return uint32_t(uint64_t(age)) + age_add;  // mod 2^32 by unsigned wrap
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

void MemoryTicketStore::touch_locked(std::map<TicketKey, Slot>::iterator it) {
  lru_.splice(lru_.begin(), lru_, it->second.lru);
}

void MemoryTicketStore::evict_key_locked(std::map<TicketKey, Slot>::iterator it) {
  for (const Ticket& t : it->second.tickets) bytes_ -= t.byte_size();
  count_ -= it->second.tickets.size();
  stats_.evicted += it->second.tickets.size();
  lru_.erase(it->second.lru);
  slots_.erase(it);  // Ticket destructors wipe the PSKs
}

void MemoryTicketStore::insert(const TicketKey& key, Ticket&& ticket) {
  std::lock_guard<std::mutex> g(mu_);
  const size_t size = ticket.byte_size();
  if (ticket.lifetime_s == 0 || ticket.psk_len == 0 || size > limits_.max_bytes) {
    stats_.rejected++;
    ticket.wipe();
    return;
  }
  auto it = slots_.find(key);
  if (it == slots_.end()) {
    if (slots_.size() >= limits_.max_keys) evict_key_locked(slots_.find(lru_.back()));
    lru_.push_front(key);
    it = slots_.emplace(key, Slot{lru_.begin(), {}}).first;
  } else {
    touch_locked(it);
  }
  std::vector<Ticket>& v = it->second.tickets;
  if (ticket.version == 0x0303) {
    // At most one TLS 1.2 session per key: a new one replaces the old.
    for (size_t i = v.size(); i-- > 0;) {
      if (v[i].version != 0x0303) continue;
      bytes_ -= v[i].byte_size();
      v.erase(v.begin() + long(i));
      count_--;
    }
  }
  if (v.size() >= limits_.tickets_per_key) {  // the oldest goes
    bytes_ -= v.front().byte_size();
    v.erase(v.begin());
    count_--;
    stats_.evicted++;
  }
  v.push_back(std::move(ticket));
  bytes_ += size;
  count_++;
  stats_.inserted++;
  // Byte bound: evict least recently used keys, never the one just filled.
  while (bytes_ > limits_.max_bytes && lru_.size() > 1) evict_key_locked(slots_.find(lru_.back()));
}

void MemoryTicketStore::drop_expired_locked(std::vector<Ticket>& v, int64_t now_unix_ms) {
  for (size_t i = v.size(); i-- > 0;) {
    if (v[i].expired(now_unix_ms, limits_.max_auth_age_s)) {
      bytes_ -= v[i].byte_size();
      v.erase(v.begin() + long(i));
      count_--;
      stats_.expired++;
    }
  }
}

bool MemoryTicketStore::take(const TicketKey& key, int64_t now_unix_ms, Ticket* out) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end()) return false;
  std::vector<Ticket>& v = it->second.tickets;
  // Expired tickets are dropped as they are met.
  drop_expired_locked(v, now_unix_ms);
  bool found = false;
  for (size_t i = v.size(); i-- > 0;) {  // newest first, TLS 1.3 tickets only
    if (v[i].version == 0x0303) continue;
    bytes_ -= v[i].byte_size();
    *out = std::move(v[i]);
    v.erase(v.begin() + long(i));
    count_--;
    stats_.taken++;
    found = true;
    break;
  }
  if (v.empty()) {
    lru_.erase(it->second.lru);
    slots_.erase(it);
  } else {
    touch_locked(it);
  }
  return found;
}

bool MemoryTicketStore::find_tls12(const TicketKey& key, int64_t now_unix_ms, Ticket* out) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end()) return false;
  std::vector<Ticket>& v = it->second.tickets;
  drop_expired_locked(v, now_unix_ms);
  bool found = false;
  for (const Ticket& t : v) {
    if (t.version != 0x0303) continue;
    *out = t;  // a copy: the session stays for the next connection
    found = true;
  }
  if (v.empty()) {
    lru_.erase(it->second.lru);
    slots_.erase(it);
  } else {
    touch_locked(it);
  }
  return found;
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
  return stats_;
}

void MemoryTicketStore::clear() {
  std::lock_guard<std::mutex> g(mu_);
  slots_.clear();
  lru_.clear();
  bytes_ = 0;
  count_ = 0;
}

}  // namespace mactls
