// mactls — session tickets and where they are kept between connections.
//
// A ticket is single-use (RFC 8446 Appendix C.4): TicketStore::take hands
// each one out at most once, so the same ticket is never offered twice. A
// ticket is filed under the server name, port, security context and privacy
// partition it was earned under; the engine never looks for one anywhere
// else. TLS 1.2 sessions share the store: one per key, reusable. The RAM
// store can be saved to and loaded from a versioned, integrity-checked and
// optionally sealed blob (see mactls/store_file.h for files).
#ifndef MACTLS_TICKET_STORE_H
#define MACTLS_TICKET_STORE_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "mactls/random.h"
#include "mactls/status.h"

namespace mactls {

/// Where a ticket may be used: the server name and port it came from, a
/// digest of the security context (trust anchors, verification limits,
/// ALPN offer) it was earned under, computed by the engine, and the privacy
/// partition (the top-level site a browser request belongs to; empty by
/// default): a ticket earned in one partition is never offered in another.
struct TicketKey {
  std::string server_name;
  uint16_t port = 0;
  std::array<uint8_t, 32> context{};
  std::string partition;

  bool operator==(const TicketKey& o) const {
    return port == o.port && server_name == o.server_name && context == o.context && partition == o.partition;
  }
  bool operator<(const TicketKey& o) const {
    if (port != o.port) return port < o.port;
    if (server_name != o.server_name) return server_name < o.server_name;
    if (partition != o.partition) return partition < o.partition;
    return context < o.context;
  }
};

/// Everything needed to resume one session. Public so a persistent store
/// can serialise it. The PSK is wiped on destruction and when moved from.
///
/// Two kinds share the type: a TLS 1.3 ticket (version 0x0304: identity is
/// the ticket, psk the resumption PSK; single-use) and a TLS 1.2 session
/// (version 0x0303: session_id and/or an RFC 5077 ticket in identity, psk
/// the 48-byte master secret; reusable).
struct Ticket {
  uint16_t version = 0x0304;      ///< 0x0304: TLS 1.3 ticket; 0x0303: TLS 1.2 session
  std::vector<uint8_t> identity;  ///< 1.3: the opaque ticket (PSK identity); 1.2: RFC 5077 ticket or empty
  std::vector<uint8_t> session_id;  ///< 1.2 only: the server's session ID (may be empty with a ticket)
  bool extended_master_secret = false;  ///< 1.2 only: the session used RFC 7627 (never stored otherwise)
  uint8_t psk[48] = {};           ///< 1.3: HKDF-Expand-Label(res_master, "resumption", nonce); 1.2: master secret
  uint8_t psk_len = 0;            ///< 1.3: hash length of cipher_suite's hash; 1.2: 48
  uint16_t cipher_suite = 0;      ///< suite of the issuing session; only its hash may resume
  uint32_t lifetime_s = 0;        ///< already capped at 7 days
  uint32_t age_add = 0;           ///< RFC 8446 §4.6.1 ticket_age_add
  int64_t received_unix_ms = 0;   ///< when the ticket arrived
  int64_t auth_unix_s = 0;        ///< when the peer's certificate was last verified (inherited on resumption)
  int64_t cert_not_after_s = 0;   ///< earliest notAfter on the path that authentication verified (inherited); 0 = unknown
  /// How long the authentication behind this ticket may be reused: the
  /// engine records its Limits::max_auth_age_s here when it files the
  /// ticket, so the store and the engine judge it by one number. 0 = not
  /// recorded: kDefaultMaxAuthAgeS applies.
  uint32_t max_auth_age_s = 0;
  uint32_t max_early_data = 0;    ///< recorded from early_data; never used (no 0-RTT)
  std::string peer_identity;      ///< who was authenticated (leaf summary)
  std::string alpn;               ///< protocol negotiated on the issuing connection

  /// The authentication reuse bound of a ticket that records none (7 days).
  static constexpr uint32_t kDefaultMaxAuthAgeS = 7 * 24 * 3600;

  Ticket() = default;
  Ticket(const Ticket& o);
  Ticket(Ticket&& o) noexcept;
  Ticket& operator=(const Ticket& o);
  Ticket& operator=(Ticket&& o) noexcept;
  ~Ticket();

  /// True for a TLS 1.2 session (version 0x0303), false for a TLS 1.3 ticket.
  bool is_tls12() const { return version == 0x0303; }
  /// The PSK bytes.
  const uint8_t* psk_data() const { return psk; }
  /// True when the lifetime has elapsed at `now_unix_ms`, the
  /// authentication behind it is older than `max_auth_age_s`, or
  /// `now_unix_ms` is at or after `cert_not_after_s` (when known; RFC 8446
  /// §4.6.1: a ticket does not outlive the certificate it was earned with).
  bool expired(int64_t now_unix_ms, uint32_t max_auth_age_s) const;
  /// The same, judged by the ticket's own authentication bound
  /// (max_auth_age_s, or kDefaultMaxAuthAgeS when 0).
  bool expired(int64_t now_unix_ms) const { return expired_capped(now_unix_ms, 0); }
  /// expired() with the ticket's own bound, capped by `ceiling_s` (0: no cap).
  bool expired_capped(int64_t now_unix_ms, uint32_t ceiling_s) const;
  /// obfuscated_ticket_age (RFC 8446 §4.2.11.1): milliseconds since
  /// receipt plus age_add, modulo 2^32.
  uint32_t obfuscated_age(int64_t now_unix_ms) const;
  /// Approximate memory held, for the store's byte bound.
  size_t byte_size() const;
  /// Zeroes the PSK.
  void wipe();
};

/// Where tickets live between connections. Implementations must hand each
/// TLS 1.3 ticket out at most once and never return an expired entry. The
/// host owns the store and shares it between connections; how long it must
/// live is stated at ClientConfig in mactls/client.h.
///
/// Both kinds go in through insert() (told apart by Ticket::version); a
/// caller asks for the kind it can use: take() for a TLS 1.3 ticket,
/// find_tls12() for a TLS 1.2 session.
class TicketStore {
 public:
  virtual ~TicketStore() = default;
  /// Files a ticket or session under `key` (the store may evict older ones;
  /// a TLS 1.2 session replaces the one already filed under `key`).
  virtual void insert(const TicketKey& key, Ticket&& ticket) = 0;
  /// TLS 1.3: removes and returns the best ticket for `key` (the newest that
  /// has not expired at `now_unix_ms`); false if there is none. Never
  /// returns a TLS 1.2 session.
  virtual bool take(const TicketKey& key, int64_t now_unix_ms, Ticket* out) = 0;
  /// TLS 1.2: copies the session filed under `key` into `out` and keeps it
  /// (a TLS 1.2 session may be resumed many times, RFC 5246 §7.3), unless
  /// it has expired at `now_unix_ms`; false if there is none. The default
  /// keeps no TLS 1.2 sessions.
  virtual bool find_tls12(const TicketKey& key, int64_t now_unix_ms, Ticket* out) {
    (void)key, (void)now_unix_ms, (void)out;
    return false;
  }
  /// TLS 1.2: drops the session filed under `key` (a connection that
  /// resumed it failed: RFC 5246 §7.2.2 forbids resuming it again). The
  /// default does nothing.
  virtual void forget_tls12(const TicketKey& key) { (void)key; }
};

/// Options for MemoryTicketStore::save and ::load (the persisted form is
/// described in src/resumption/store_codec.h and RESUMPTION_SCOPE.md).
struct StoreBlobOptions {
  /// 32 bytes, or nullptr. With a key the blob is sealed (ChaCha20-Poly1305:
  /// encrypted and authenticated); without, it is only integrity-checked
  /// (SHA-256) and holds every PSK in the clear. Load needs the key the
  /// blob was saved with.
  const uint8_t* seal_key = nullptr;
  /// Nonce source for sealing; nullptr = system_random().
  RandomSource* random = nullptr;
  /// Names the security context the blob belongs to (e.g. the browser
  /// profile): a blob saved under one context fails to load under another.
  std::string context;
  /// load(): larger blobs are refused before they are parsed.
  size_t max_blob_bytes = 1024 * 1024;
  /// load(): blobs claiming more entries are refused.
  size_t max_entries = 4096;
};

/// What load() found: entries accepted, and dropped because they had
/// expired (lifetime, authentication age or certificate notAfter) at load.
struct StoreLoadReport {
  size_t loaded = 0;
  size_t dropped_expired = 0;
};

/// The default store: bounded, in RAM, safe to share between threads.
/// TLS 1.3 tickets: several per key, single use, newest first. TLS 1.2
/// sessions: at most one per key, reusable, replaced by a newer one.
class MemoryTicketStore final : public TicketStore {
 public:
  struct Limits {
    size_t tickets_per_key = 4;          ///< TLS 1.3 tickets kept per key (at most 8); the oldest is evicted
    size_t max_keys = 64;                ///< keys kept; the least recently used is evicted
    size_t max_bytes = 256 * 1024;       ///< total ticket bytes; LRU keys are evicted to fit
    /// A store-wide ceiling on authentication reuse, on top of each
    /// ticket's own bound (Ticket::max_auth_age_s, which the engine fills
    /// from its Limits::max_auth_age_s — the one setting to change). 0 = no
    /// ceiling of the store's own.
    uint32_t max_auth_age_s = 0;
  };
  /// Counters of one kind of entry. Every field is a plain integer, so the
  /// struct maps field by field onto a C struct.
  struct KindStats {
    uint64_t entries = 0;   ///< held now
    uint64_t bytes = 0;     ///< held now (Ticket::byte_size)
    uint64_t inserted = 0;  ///< accepted by insert() (and load())
    uint64_t rejected = 0;  ///< refused by insert(): lifetime 0, no PSK, too big
    uint64_t taken = 0;     ///< removed by take() (TLS 1.3 only: 1.2 sessions stay)
    uint64_t expired = 0;   ///< dropped because they had expired
    uint64_t evicted = 0;   ///< dropped for a bound (per key, keys, bytes) or replaced by a newer one
    uint64_t cleared = 0;   ///< dropped by clear(), clear_partition(), clear_host(), forget_tls12()
    uint64_t hits = 0;      ///< take()/find_tls12() calls that returned an entry
    uint64_t misses = 0;    ///< take()/find_tls12() calls that found none
  };
  /// Counters per kind; the flat fields are the sums over both kinds.
  struct Stats {
    KindStats tls13, tls12;
    uint64_t entries = 0, bytes = 0, inserted = 0, taken = 0, expired = 0, evicted = 0,
             rejected = 0, cleared = 0, hits = 0, misses = 0;
  };

  MemoryTicketStore() : MemoryTicketStore(Limits()) {}
  explicit MemoryTicketStore(Limits limits);
  ~MemoryTicketStore() override;

  /// A TLS 1.2 session (version 0x0303) replaces the one already filed
  /// under `key`: at most one per key.
  void insert(const TicketKey& key, Ticket&& ticket) override;
  /// TLS 1.3 tickets only: a 1.2 session is never handed out as a 1.3 PSK.
  bool take(const TicketKey& key, int64_t now_unix_ms, Ticket* out) override;
  bool find_tls12(const TicketKey& key, int64_t now_unix_ms, Ticket* out) override;
  void forget_tls12(const TicketKey& key) override;

  /// Entries held (both kinds).
  size_t size() const;
  /// Bytes held (Ticket::byte_size, both kinds).
  size_t bytes() const;
  /// A snapshot of the counters (taken under the lock, so consistent).
  Stats stats() const;
  /// Drops (and wipes) every entry.
  void clear();
  /// Drops (and wipes) every entry filed under `partition`, for every host.
  void clear_partition(const std::string& partition);
  /// Drops (and wipes) every entry for `server_name` in every partition and
  /// security context, on every port.
  void clear_host(const std::string& server_name);
  /// The same, on `port` only.
  void clear_host(const std::string& server_name, uint16_t port);

  /// Serialises every entry that has not expired at `now_unix_ms` (both
  /// kinds, with key, secrets, times and peer identity) into `out`
  /// (replacing its contents). Taken TLS 1.3 tickets are gone and so never
  /// saved. Unless options.seal_key is set, `out` holds every PSK in the
  /// clear: wipe it when done and keep the file private. Safe while other
  /// threads insert and take (the store is locked while it is read).
  Status save(std::vector<uint8_t>* out, int64_t now_unix_ms, const StoreBlobOptions& options = {}) const;
  /// Checks a blob from save() as a whole (magic, format version, context,
  /// integrity or AEAD tag, every field and bound) and, only if all of it is
  /// sound, files its entries under their keys as insert() would, dropping
  /// those expired at `now_unix_ms`. On any error the store is unchanged
  /// and the Status says what was wrong (origin local, alert decode_error,
  /// bad_record_mac or illegal_parameter). `report` may be null.
  Status load(const uint8_t* blob, size_t len, int64_t now_unix_ms, const StoreBlobOptions& options = {},
              StoreLoadReport* report = nullptr);

 private:
  struct Slot {
    std::list<TicketKey>::iterator lru;  // position in lru_
    std::vector<Ticket> tickets;         // TLS 1.3, oldest first
    std::vector<Ticket> tls12;           // TLS 1.2: empty or one session
  };
  using SlotIt = std::map<TicketKey, Slot>::iterator;
  void evict_key_locked(SlotIt it);
  void drop_slot_locked(SlotIt it, uint64_t KindStats::*counter);
  void remove_locked(Slot& s, std::vector<Ticket>& v, size_t i, uint64_t KindStats::*counter);
  void touch_locked(SlotIt it);
  void insert_locked(const TicketKey& key, Ticket&& ticket);
  bool expired_locked(const Ticket& t, int64_t now_unix_ms) const;
  KindStats& kind(const Ticket& t) { return t.is_tls12() ? tls12_ : tls13_; }

  Limits limits_;
  mutable std::mutex mu_;
  std::map<TicketKey, Slot> slots_;
  std::list<TicketKey> lru_;  // front = most recently used
  size_t bytes_ = 0, count_ = 0;
  KindStats tls13_, tls12_;
};

/// A store that keeps nothing: resumption off, psk_key_exchange_modes still sent.
class NullTicketStore final : public TicketStore {
 public:
  void insert(const TicketKey&, Ticket&&) override {}
  bool take(const TicketKey&, int64_t, Ticket*) override { return false; }
};

}  // namespace mactls

#endif  // MACTLS_TICKET_STORE_H
