// mactls — session tickets and where they are kept between connections.
//
// A ticket is single-use (RFC 8446 Appendix C.4): TicketStore::take hands
// each one out at most once, so the same ticket is never offered twice. A
// ticket is filed under the server name, port and security context it was
// earned under; the engine never looks for one anywhere else.
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
  uint32_t max_early_data = 0;    ///< recorded from early_data; never used (no 0-RTT)
  std::string peer_identity;      ///< who was authenticated (leaf summary)
  std::string alpn;               ///< protocol negotiated on the issuing connection

  Ticket() = default;
  Ticket(const Ticket& o);
  Ticket(Ticket&& o) noexcept;
  Ticket& operator=(const Ticket& o);
  Ticket& operator=(Ticket&& o) noexcept;
  ~Ticket();

  /// The PSK bytes.
  const uint8_t* psk_data() const { return psk; }
  /// True when the lifetime has elapsed at `now_unix_ms`, or the
  /// authentication behind it is older than `max_auth_age_s`.
  bool expired(int64_t now_unix_ms, uint32_t max_auth_age_s) const;
  /// obfuscated_ticket_age (RFC 8446 §4.2.11.1): milliseconds since
  /// receipt plus age_add, modulo 2^32.
  uint32_t obfuscated_age(int64_t now_unix_ms) const;
  /// Approximate memory held, for the store's byte bound.
  size_t byte_size() const;
  /// Zeroes the PSK.
  void wipe();
};

/// Where tickets live between connections. Implementations must hand each
/// ticket out at most once and never return an expired one.
class TicketStore {
 public:
  virtual ~TicketStore() = default;
  /// Files a ticket under `key` (the store may evict older ones).
  virtual void insert(const TicketKey& key, Ticket&& ticket) = 0;
  /// Removes and returns the best ticket for `key` (the newest that has not
  /// expired at `now_unix_ms`); false if there is none.
  virtual bool take(const TicketKey& key, int64_t now_unix_ms, Ticket* out) = 0;
  /// A copy of the TLS 1.2 session (version 0x0303) filed under `key`, left
  /// in the store: a 1.2 session may be resumed many times (RFC 5246
  /// §7.4.1.2) until the server replaces it. False if there is none
  /// unexpired. The default keeps no 1.2 sessions.
  virtual bool find_tls12(const TicketKey& key, int64_t now_unix_ms, Ticket* out) {
    (void)key;
    (void)now_unix_ms;
    (void)out;
    return false;
  }
};

/// The default store: bounded, in RAM, safe to share between threads.
class MemoryTicketStore final : public TicketStore {
 public:
  struct Limits {
    size_t tickets_per_key = 4;          ///< kept per key (at most 8); the oldest is evicted
    size_t max_keys = 64;                ///< keys kept; the least recently used is evicted
    size_t max_bytes = 256 * 1024;       ///< total ticket bytes; LRU keys are evicted to fit
    uint32_t max_auth_age_s = 604800;    ///< authentication older than this is not resumed
  };
  struct Stats {
    uint64_t inserted = 0, taken = 0, expired = 0, evicted = 0, rejected = 0;
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

  size_t size() const;
  size_t bytes() const;
  Stats stats() const;
  /// Drops (and wipes) every ticket.
  void clear();

 private:
  struct Slot {
    std::list<TicketKey>::iterator lru;  // position in lru_
    std::vector<Ticket> tickets;         // oldest first
  };
  void evict_key_locked(std::map<TicketKey, Slot>::iterator it);
  void drop_expired_locked(std::vector<Ticket>& v, int64_t now_unix_ms);
  void touch_locked(std::map<TicketKey, Slot>::iterator it);

  Limits limits_;
  mutable std::mutex mu_;
  std::map<TicketKey, Slot> slots_;
  std::list<TicketKey> lru_;  // front = most recently used
  size_t bytes_ = 0, count_ = 0;
  Stats stats_;
};

/// A store that keeps nothing: resumption off, psk_key_exchange_modes still sent.
class NullTicketStore final : public TicketStore {
 public:
  void insert(const TicketKey&, Ticket&&) override {}
  bool take(const TicketKey&, int64_t, Ticket*) override { return false; }
};

}  // namespace mactls

#endif  // MACTLS_TICKET_STORE_H
