/* mactls — the C façade over the cooperative pump API (mactls/connection.h).
 *
 * C89 (checked with -std=c89 -pedantic-errors, as Mac OS 9 toolchains
 * need), C99 and C++: opaque handles, C enums, no C++ types, no // comments.
 * Every function accepts NULL handles and then does nothing harmful
 * (returns 0, -1, MACTLS_STATE_FAILED or a fixed message, as documented).
 * Nothing blocks except mactls_conn_start() with the default POSIX
 * transport (host name resolution), nothing throws, nothing starts a thread.
 *
 *   mactls_config* cfg = mactls_config_new();
 *   if (mactls_config_add_embedded(cfg, kRoots, kRoots_count) != 0)
 *     fprintf(stderr, "%s\n", mactls_config_last_error(cfg));
 *   mactls_config_set_transport(cfg, &my_transport, my_ctx);   optional
 *   mactls_config_set_entropy(cfg, my_entropy, my_ctx);        optional
 *   mactls_ticket_store* tickets = mactls_ticket_store_new_memory();
 *   mactls_config_set_ticket_store(cfg, tickets);
 *   mactls_conn* c = mactls_conn_new(cfg, "example.com", 443);
 *   mactls_conn_start(c);
 *   for (;;) {                        the host's event loop
 *     mactls_u32 ev;
 *     mactls_state s = mactls_conn_pump(c, &ev);
 *     if (ev & MACTLS_EVENT_WRITABLE) mactls_conn_write(c, req, req_len);
 *     if (ev & MACTLS_EVENT_READABLE) while ((n = mactls_conn_read(c, buf, sizeof buf)) > 0) ...;
 *     if (s == MACTLS_STATE_CLOSED || s == MACTLS_STATE_FAILED) break;
 *     wait for the transport (mactls_conn_interest()) or the next tick
 *   }
 *   if (mactls_conn_state(c) == MACTLS_STATE_FAILED) puts(mactls_conn_last_error(c));
 *   mactls_conn_dispose(c);
 *   mactls_config_free(cfg);  mactls_ticket_store_free(tickets);
 *
 * Two ways in for a host without POSIX; the first is the one to use.
 * 1. A transport of callbacks (mactls_transport) under mactls_conn: the
 *    browser already drives every other network object with New / Start /
 *    Pump / Write / Read / Close / Dispose, and Open Transport endpoints
 *    are non-blocking streams with exactly the five operations of
 *    mactls_transport. The host writes those five small functions once,
 *    and the pump keeps doing what it does for POSIX: flush before
 *    reading, bounded buffers, a per-pump receive budget, connect and
 *    handshake deadlines, tickets arriving after the handshake, the alert
 *    sent before a failure closes the stream, the close_notify flush.
 * 2. The bytes-in/bytes-out engine (mactls_engine_*), for a host whose
 *    loop must own the stream itself. It hands every one of those rules to
 *    the host to get right again (BearSSL puts its br_sslio wrapper over
 *    its engine for the same reason), so it is the second choice, kept
 *    small. Both sit on the same I/O-free engine (mactls/client.h).
 *
 * Threads: a handle is used by one thread at a time; different
 * connections may run on different threads as long as they do not share a
 * ticket store or a config being changed. Callbacks are called only from
 * inside the mactls call that needs them, on the caller's thread.
 *
 * Lifetimes (the one place for C; the C++ rules behind them are at
 * ClientConfig in mactls/client.h): the caller owns every config, ticket
 * store, connection and engine it makes and frees each once. A config and
 * the ticket store set on it must outlive every connection and engine made
 * from them (the trust anchors live in the config, and the compiled-in
 * anchor bytes must outlive the config); the `user` pointers given to
 * callbacks must outlive them too.
 * Settings are copied into a connection when mactls_conn_new() makes it;
 * later config changes affect only later connections. Strings returned by
 * getters belong to the handle and stay valid until the next call that may
 * change it (start, pump, write, read, close, dispose, or a config setter).
 */
#ifndef MACTLS_MACTLS_H
#define MACTLS_MACTLS_H

#include <stddef.h>

/* Fixed-width integers. <stdint.h> from C99 and C++; a C89 compiler (the
 * Mac OS 9 ones) may have none, so the types come from the base types
 * there: char is 8 bits, short 16 and int 32 on every target mactls builds
 * for (the library checks this when it is compiled), and 64-bit integers
 * are `long long`, an extension of every such compiler (gcc wants it
 * marked as one under -pedantic). Define MACTLS_HAVE_STDINT_H to use
 * <stdint.h> in C89 mode as well. */
#if defined(__cplusplus) || (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L) || \
    defined(MACTLS_HAVE_STDINT_H)
#include <stdint.h>
typedef uint8_t mactls_u8;   /**< unsigned 8 bits */
typedef uint16_t mactls_u16; /**< unsigned 16 bits */
typedef uint32_t mactls_u32; /**< unsigned 32 bits */
typedef int64_t mactls_i64;  /**< signed 64 bits */
typedef uint64_t mactls_u64; /**< unsigned 64 bits */
#else
typedef unsigned char mactls_u8;
typedef unsigned short mactls_u16;
typedef unsigned int mactls_u32;
#ifdef __GNUC__
__extension__ typedef long long mactls_i64;
__extension__ typedef unsigned long long mactls_u64;
#else
typedef long long mactls_i64;
typedef unsigned long long mactls_u64;
#endif
#endif

#include "mactls/version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mactls_config mactls_config;             /**< trust anchors, tickets, timeouts */
typedef struct mactls_ticket_store mactls_ticket_store; /**< where session tickets are kept */
typedef struct mactls_conn mactls_conn;                 /**< one TLS connection */

/** Connection states (mirror mactls::ConnState). */
typedef enum mactls_state {
  MACTLS_STATE_IDLE = 0,        /**< made, not started */
  MACTLS_STATE_CONNECTING = 1,  /**< TCP connect in progress */
  MACTLS_STATE_HANDSHAKING = 2, /**< TLS handshake running */
  MACTLS_STATE_OPEN = 3,        /**< application data flows */
  MACTLS_STATE_CLOSING = 4,     /**< our close_notify is being flushed */
  MACTLS_STATE_CLOSED = 5,      /**< ended in order; read() still returns buffered data */
  MACTLS_STATE_FAILED = 6       /**< fatal error; see mactls_conn_last_error() */
} mactls_state;

/** Event bits reported by mactls_conn_pump(). CONNECTED, HANDSHAKE_DONE,
 * CLOSED, FAILED and TICKET_STORED are edges, each reported by one pump;
 * READABLE and WRITABLE are levels, true when that pump returned. */
typedef enum mactls_event {
  MACTLS_EVENT_CONNECTED = 1,
  MACTLS_EVENT_HANDSHAKE_DONE = 2,
  MACTLS_EVENT_READABLE = 4,
  MACTLS_EVENT_WRITABLE = 8,
  MACTLS_EVENT_CLOSED = 16,
  MACTLS_EVENT_FAILED = 32,
  MACTLS_EVENT_TICKET_STORED = 64 /**< a ticket (TLS 1.3) or session (TLS 1.2) went into the store */
} mactls_event;

/** Where a failure came from (mirror mactls::ErrorOrigin). */
typedef enum mactls_error_origin {
  MACTLS_ORIGIN_NONE = 0,
  MACTLS_ORIGIN_LOCAL = 1,     /**< mactls found a protocol error and sent `alert` */
  MACTLS_ORIGIN_PEER = 2,      /**< the server sent `alert` */
  MACTLS_ORIGIN_TRANSPORT = 3, /**< DNS, connect, send or receive failed */
  MACTLS_ORIGIN_TIMEOUT = 4,   /**< the connect or handshake deadline passed */
  MACTLS_ORIGIN_USAGE = 5      /**< the API was used wrongly (e.g. no trust anchors) */
} mactls_error_origin;

/* ----------------------------------------------------- TLS code points */

/* The IANA numbers mactls_info reports (version, cipher_suite, group,
 * signature_scheme), named. The same numbers as mactls/tls_ids.h in C++.
 * Plain integer constants, so C89 takes them anywhere an integer goes. */

/** Protocol versions (RFC 8446 §4.2.1). */
#define MACTLS_TLS_1_2 0x0303
#define MACTLS_TLS_1_3 0x0304

/** TLS 1.3 cipher suites (RFC 8446 §B.4). */
#define MACTLS_SUITE_AES_128_GCM_SHA256 0x1301
#define MACTLS_SUITE_AES_256_GCM_SHA384 0x1302
#define MACTLS_SUITE_CHACHA20_POLY1305_SHA256 0x1303
/** TLS 1.2 cipher suites (RFC 5289, RFC 7905): ECDHE and AEAD only. */
#define MACTLS_SUITE_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 0xC02B
#define MACTLS_SUITE_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 0xC02C
#define MACTLS_SUITE_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 0xCCA9
#define MACTLS_SUITE_ECDHE_RSA_WITH_AES_128_GCM_SHA256 0xC02F
#define MACTLS_SUITE_ECDHE_RSA_WITH_AES_256_GCM_SHA384 0xC030
#define MACTLS_SUITE_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 0xCCA8

/** Named groups (RFC 8446 §4.2.7). */
#define MACTLS_GROUP_SECP256R1 0x0017
#define MACTLS_GROUP_SECP384R1 0x0018
#define MACTLS_GROUP_X25519 0x001D

/** Signature schemes (RFC 8446 §4.2.3). */
#define MACTLS_SIG_RSA_PKCS1_SHA256 0x0401
#define MACTLS_SIG_RSA_PKCS1_SHA384 0x0501
#define MACTLS_SIG_RSA_PKCS1_SHA512 0x0601
#define MACTLS_SIG_ECDSA_SECP256R1_SHA256 0x0403
#define MACTLS_SIG_ECDSA_SECP384R1_SHA384 0x0503
#define MACTLS_SIG_RSA_PSS_RSAE_SHA256 0x0804
#define MACTLS_SIG_RSA_PSS_RSAE_SHA384 0x0805
#define MACTLS_SIG_RSA_PSS_RSAE_SHA512 0x0806
#define MACTLS_SIG_ED25519 0x0807
#define MACTLS_SIG_RSA_PSS_PSS_SHA256 0x0809
#define MACTLS_SIG_RSA_PSS_PSS_SHA384 0x080A
#define MACTLS_SIG_RSA_PSS_PSS_SHA512 0x080B

/* ------------------------------------------------------------ config */

/** A fresh config: no trust anchors, no ticket store (no resumption),
 * 15 s connect and handshake timeouts. NULL only when out of memory. */
mactls_config* mactls_config_new(void);
/** Frees a config (NULL is fine). No connection made from it may remain. */
void mactls_config_free(mactls_config* cfg);
/** Adds every usable CERTIFICATE of a PEM file to the trust anchors.
 * Returns 0, or -1 with the reason in mactls_config_last_error(). */
int mactls_config_load_ca_file(mactls_config* cfg, const char* path);
/** Number of trust anchors loaded so far (0 for NULL). */
size_t mactls_config_ca_count(const mactls_config* cfg);
/** Uses `store` for resumption (NULL turns resumption off). The store is not
 * owned and must outlive the config's connections. Returns 0, -1 for NULL cfg. */
int mactls_config_set_ticket_store(mactls_config* cfg, mactls_ticket_store* store);
/** Connect and handshake deadlines in milliseconds (0 = none). Returns 0, -1 for NULL. */
int mactls_config_set_timeouts(mactls_config* cfg, mactls_u32 connect_ms, mactls_u32 handshake_ms);
/** The last config error in words; "" if none. */
const char* mactls_config_last_error(const mactls_config* cfg);

/* ------------------------------------------------ roots without files */

/** One root certificate compiled into the program: `der` points to `len`
 * bytes of DER. `pem2cpp --c` writes arrays of these (and their header). */
typedef struct mactls_embedded_anchor {
  const unsigned char* der; /**< DER certificate; not copied */
  size_t len;               /**< its length in bytes */
} mactls_embedded_anchor;

/** Adds `n` compiled-in anchors. Neither the list nor the bytes are copied:
 * the bytes must outlive the config (static arrays do). Each is parsed
 * once, now. Returns 0, or -1 with the reason (which entry, why) in
 * mactls_config_last_error(); the entries before the bad one stay added. */
int mactls_config_add_embedded(mactls_config* cfg, const mactls_embedded_anchor* list, size_t n);
/** Adds every usable CERTIFICATE of `len` bytes of PEM text in memory (the
 * text is copied; other blocks are skipped). Fails (-1, reason in
 * mactls_config_last_error()) on text without a usable certificate or
 * ending inside a CERTIFICATE block; nothing is added then. */
int mactls_config_add_pem(mactls_config* cfg, const char* pem, size_t len);
/** Adds one DER certificate of `len` bytes (copied). Returns 0, or -1 with
 * the reason in mactls_config_last_error(). */
int mactls_config_add_der(mactls_config* cfg, const unsigned char* der, size_t len);

/* ------------------------------------------- bring your own transport */

/** Result of one transport callback. */
typedef enum mactls_io {
  MACTLS_IO_OK = 0,          /**< connect: connected; send/receive: *moved > 0 bytes moved */
  MACTLS_IO_WOULD_BLOCK = 1, /**< connect: still in progress; send/receive: nothing now (not an error) */
  MACTLS_IO_EOF = 2,         /**< receive only: the peer ended its side in order (TCP FIN) */
  MACTLS_IO_ERROR = 3        /**< failed; the callback wrote the reason into `err` */
} mactls_io;

/** A non-blocking byte stream made of the host's functions (Open Transport
 * endpoints on Mac OS 9, anything elsewhere), used instead of the default
 * POSIX TCP transport. None of them may block. Every callback gets the
 * `user` pointer given to mactls_config_set_transport() and, after
 * connect_start, the per-connection `stream` it stored. `err` is a buffer
 * of `err_cap` (>= 128) bytes, empty on entry: on MACTLS_IO_ERROR write a
 * reason for a person there ("connect to 10.0.0.1:443: refused"); mactls
 * puts it into mactls_conn_last_error() and NUL-terminates it itself. */
typedef struct mactls_transport {
  /** Starts connecting to `host` (a name or an IP literal) on `port`; may
   * store a per-connection pointer in *stream (NULL on entry). Returns OK
   * (connected at once), WOULD_BLOCK (in progress: connect_poll follows)
   * or ERROR. Called once per connection, from mactls_conn_start(). */
  mactls_io (*connect_start)(void* user, const char* host, mactls_u16 port, void** stream,
                             char* err, size_t err_cap);
  /** Advances a connect that connect_start left in progress: OK,
   * WOULD_BLOCK or ERROR. Called from mactls_conn_pump(). */
  mactls_io (*connect_poll)(void* user, void* stream, char* err, size_t err_cap);
  /** Sends up to `len` (> 0) bytes: OK with *sent set (a short count is
   * normal), WOULD_BLOCK, or ERROR. */
  mactls_io (*send)(void* user, void* stream, const unsigned char* data, size_t len,
                    size_t* sent, char* err, size_t err_cap);
  /** Receives up to `cap` (> 0) bytes into `buf`: OK with *received set,
   * WOULD_BLOCK, EOF, or ERROR. */
  mactls_io (*receive)(void* user, void* stream, unsigned char* buf, size_t cap,
                       size_t* received, char* err, size_t err_cap);
  /** Releases the stream. Called exactly once for each connect_start
   * (whatever it returned, with whatever it stored in *stream, maybe NULL),
   * when the connection closes, fails or is disposed; no callback follows
   * for that stream. */
  void (*close)(void* user, void* stream);
  /** Optional (may be NULL): an OS handle for mactls_conn_interest()'s fd,
   * or -1. */
  int (*native_handle)(void* user, void* stream);
} mactls_transport;

/** Makes later connections of `cfg` use the host's transport (`ops` is
 * copied; `user` is passed to every callback and must outlive those
 * connections). NULL `ops` goes back to the default POSIX TCP transport.
 * Returns 0, or -1 (NULL cfg, or a required callback missing: all but
 * native_handle are required; reason in mactls_config_last_error()). */
int mactls_config_set_transport(mactls_config* cfg, const mactls_transport* ops, void* user);

/* ------------------------------------------------ randomness and time */

/** Fills `out` with `len` cryptographically secure random bytes and returns
 * 0, or returns non-zero (optionally with a reason written into `err`, a
 * buffer of `err_cap` bytes) when it cannot. A failure fails the
 * connection (origin LOCAL, "the entropy source failed: ...") before any
 * byte of the handshake is sent: mactls never falls back to another source
 * or to predictable bytes. */
typedef int (*mactls_entropy_fn)(void* user, unsigned char* out, size_t len, char* err,
                                 size_t err_cap);
/** Makes later connections of `cfg` draw every random byte (client random,
 * session id, ECDHE keys) from `fn` with `user`; NULL `fn` goes back to the
 * system source (getrandom). `user` must outlive those connections.
 * Returns 0, -1 for NULL cfg. */
int mactls_config_set_entropy(mactls_config* cfg, mactls_entropy_fn fn, void* user);

/** Milliseconds from an arbitrary fixed origin that never go backwards
 * (timeouts). */
typedef mactls_u64 (*mactls_monotonic_ms_fn)(void* user);
/** Milliseconds since 1970-01-01T00:00:00Z (certificate validity, ticket
 * ages and expiry). */
typedef mactls_i64 (*mactls_unix_ms_fn)(void* user);
/** Makes later connections of `cfg` read time from the host: `monotonic`
 * and `unix_ms`, each called with `user`; a NULL one keeps the system
 * clock for that reading. `user` must outlive those connections. Returns
 * 0, -1 for NULL cfg. */
int mactls_config_set_clock(mactls_config* cfg, mactls_monotonic_ms_fn monotonic,
                            mactls_unix_ms_fn unix_ms, void* user);

/* ------------------------------------------------ the rest of the API */

/** NSS key log line parts: `label` ("CLIENT_HANDSHAKE_TRAFFIC_SECRET",
 * ...), the 32-byte client random, the secret. Pointers are valid during
 * the call only. For debugging (e.g. Wireshark) only: it hands out keys. */
typedef void (*mactls_keylog_fn)(void* user, const char* label, const unsigned char* client_random,
                                 const unsigned char* secret, size_t secret_len);
/** Calls `fn` with `user` for every traffic secret of later connections
 * (NULL turns it off). Returns 0, -1 for NULL cfg. */
int mactls_config_set_keylog(mactls_config* cfg, mactls_keylog_fn fn, void* user);

/** ALPN (RFC 7301): offers `n` protocol names in preference order
 * ("h2", "http/1.1"), copied; n == 0 offers none. Returns 0, or -1 (NULL
 * cfg, a NULL list with n > 0, or a name empty or over 255 bytes: reason
 * in mactls_config_last_error(), nothing changed). */
int mactls_config_set_alpn(mactls_config* cfg, const char* const* protocols, size_t n);

/* ------------------------------------------------------ ticket store */

/** The bounded in-RAM store (mactls::MemoryTicketStore): a few tickets per
 * server, each handed out once. NULL only when out of memory. */
mactls_ticket_store* mactls_ticket_store_new_memory(void);
/** Frees the store and wipes its tickets (NULL is fine). */
void mactls_ticket_store_free(mactls_ticket_store* store);
/** Tickets currently held (0 for NULL). */
size_t mactls_ticket_store_count(const mactls_ticket_store* store);
/** Why the last save or load on `store` failed ("" when none; never NULL). */
const char* mactls_ticket_store_last_error(const mactls_ticket_store* store);

/** Saves every entry that has not expired at `now_unix_ms` (0: the system
 * clock) — TLS 1.3 tickets and TLS 1.2 sessions with their keys, secrets,
 * times and peer identities — into a new buffer: *out (free it with
 * mactls_free_secret_buffer) and *out_len. A ticket already handed out is
 * not in it (single use holds across save and load). With `seal_key` (32
 * bytes) the buffer is encrypted and authenticated (ChaCha20-Poly1305);
 * with NULL it is integrity-checked only and HOLDS EVERY SESSION SECRET IN
 * THE CLEAR: keep it where only the user can read it. Safe while other
 * connections use the store. Returns 0, or -1 (see
 * mactls_ticket_store_last_error). */
int mactls_ticket_store_save(mactls_ticket_store* store, const unsigned char* seal_key, mactls_i64 now_unix_ms,
                             unsigned char** out, size_t* out_len);
/** Loads a buffer from mactls_ticket_store_save (saved with the same
 * `seal_key`, or NULL for both), filing its entries as they were and
 * dropping those expired at `now_unix_ms` (0: the system clock): lifetime,
 * authentication age, or a certificate's notAfter. Checked as a whole before
 * anything is filed: a buffer of another format version, truncated,
 * corrupted, sealed with another key, or larger than 1 MiB leaves the store
 * unchanged and returns -1. *loaded and *dropped (each may be NULL) count
 * the entries. Returns 0 or -1. */
int mactls_ticket_store_load(mactls_ticket_store* store, const unsigned char* blob, size_t len,
                             const unsigned char* seal_key, mactls_i64 now_unix_ms, size_t* loaded,
                             size_t* dropped);
/** Wipes and frees a buffer from mactls_ticket_store_save (NULL is fine). */
void mactls_free_secret_buffer(unsigned char* buf, size_t len);

/** Drops (and wipes) every ticket and session. */
void mactls_ticket_store_clear(mactls_ticket_store* store);
/** Drops (and wipes) everything filed under privacy partition `partition`
 * (see mactls_conn_set_partition), for every host. */
void mactls_ticket_store_clear_partition(mactls_ticket_store* store, const char* partition);
/** Drops (and wipes) everything for `host` in every partition, on `port`
 * (0: on every port) — "forget this site". */
void mactls_ticket_store_clear_host(mactls_ticket_store* store, const char* host, mactls_u16 port);

/** Counters of one kind of entry (TLS 1.3 tickets or TLS 1.2 sessions). */
typedef struct mactls_store_kind_stats {
  mactls_u64 entries;  /**< held now */
  mactls_u64 bytes;    /**< held now */
  mactls_u64 inserted; /**< accepted (also by load) */
  mactls_u64 rejected; /**< refused on insert (lifetime 0, too big) */
  mactls_u64 taken;    /**< handed out and removed (TLS 1.3 only) */
  mactls_u64 expired;  /**< dropped because they had expired */
  mactls_u64 evicted;  /**< dropped to stay within the bounds */
  mactls_u64 cleared;  /**< dropped by a clear call */
  mactls_u64 hits;     /**< lookups that found an entry */
  mactls_u64 misses;   /**< lookups that found none */
} mactls_store_kind_stats;
/** The store's counters, per kind. */
typedef struct mactls_store_stats {
  mactls_store_kind_stats tls13; /**< TLS 1.3 tickets */
  mactls_store_kind_stats tls12; /**< TLS 1.2 sessions */
} mactls_store_stats;
/** Fills *out; returns 0, or -1 for NULL arguments. */
int mactls_ticket_store_stats(const mactls_ticket_store* store, mactls_store_stats* out);

/* -------------------------------------------------------- connection */

/** A connection to `host` (name for SNI, certificate check, ticket lookup)
 * on `port`, over the config's transport (non-blocking POSIX TCP unless
 * mactls_config_set_transport() gave another), with a copy of the config's
 * settings. NULL if cfg or host is NULL or host is empty, or when out of
 * memory. Nothing happens on the network yet (and no callback is called). */
mactls_conn* mactls_conn_new(const mactls_config* cfg, const char* host, mactls_u16 port);
/** Dial elsewhere: connect to `dial_host` (a name or IP literal; copied)
 * and `dial_port` (0: the port given to mactls_conn_new) instead, while SNI,
 * the certificate host check and the ticket lookup keep using the host
 * given to mactls_conn_new. Only before mactls_conn_start(). Returns 0, or
 * -1 (NULL arguments, empty host, or already started). */
int mactls_conn_set_dial(mactls_conn* conn, const char* dial_host, mactls_u16 dial_port);
/** The privacy partition of this connection's tickets: the top-level site
 * the request belongs to (copied; "" = the default partition). A ticket
 * earned in one partition is never offered in another, so a server cannot
 * link a user's visits across sites through resumption. Only before
 * mactls_conn_start(). Returns 0, or -1 (NULL arguments or already
 * started). */
int mactls_conn_set_partition(mactls_conn* conn, const char* partition);
/** Called once for each TLS 1.3 ticket or TLS 1.2 session `conn` has
 * stored in the config's ticket store (the store already holds it), from
 * inside the mactls_conn_pump() that stored it; `version` is 0x0304 or
 * 0x0303. The pump also reports MACTLS_EVENT_TICKET_STORED. The callback
 * must not dispose `conn`. */
typedef void (*mactls_ticket_stored_fn)(void* user, mactls_conn* conn, mactls_u16 version);
/** Sets (fn non-NULL) or removes (fn NULL) the ticket-stored callback of
 * this connection; `user` is passed back as is. Only before
 * mactls_conn_start(). Returns 0, or -1 (NULL conn or already started). */
int mactls_conn_set_ticket_callback(mactls_conn* conn, mactls_ticket_stored_fn fn, void* user);
/** offer = 0: a full handshake that still keeps what it earns — no stored
 * ticket or TLS 1.2 session is taken or offered, but those the server
 * issues are stored as usual (for a fresh authentication of the server
 * while keeping later visits fast). offer = 1 (the default): resume when a
 * ticket is there. Only before mactls_conn_start(). Returns 0, or -1 (NULL
 * conn or already started). */
int mactls_conn_set_offer_resumption(mactls_conn* conn, int offer);
/** Checks the config first: one the engine would refuse (no trust anchors,
 * bad ALPN, ...) fails here with origin USAGE before any transport call.
 * Then starts the connect: the POSIX transport resolves the host name
 * (this BLOCKS for the DNS lookup) and starts a non-blocking TCP connect;
 * a host transport gets connect_start(). While the connect runs, the
 * ClientHello and its key pair are made (so the key generation hides
 * behind the round trip); a failure making them (the entropy callback
 * failed) ends the connection here, before a byte is sent. Returns the
 * new state: CONNECTING (or HANDSHAKING), or FAILED. Calling it twice
 * changes nothing. NULL: FAILED. */
mactls_state mactls_conn_start(mactls_conn* conn);
/** One non-blocking step (connect, flush, receive, deadlines). Returns the
 * state; stores the events of this step in *events when events is not NULL.
 * Keep pumping while open even if you only write: tickets arrive then.
 * NULL conn: FAILED and no events. */
mactls_state mactls_conn_pump(mactls_conn* conn, mactls_u32* events);
/** Queues up to `len` bytes for sending; returns how many were taken (0 when
 * not open or the bounded output buffer is full: wait for WRITABLE). */
size_t mactls_conn_write(mactls_conn* conn, const void* data, size_t len);
/** Copies up to `cap` received bytes into `buf`; returns the count (0 if none). */
size_t mactls_conn_read(mactls_conn* conn, void* buf, size_t cap);
/** Starts an orderly close (close_notify, flushed by pump). Idempotent. */
void mactls_conn_close(mactls_conn* conn);
/** Closes the socket at once, wipes every buffer and key, frees the handle
 * (NULL is fine). The handle must not be used afterwards. */
void mactls_conn_dispose(mactls_conn* conn);
/** Current state (FAILED for NULL). */
mactls_state mactls_conn_state(const mactls_conn* conn);
/** The failure in words ("" while none; a fixed message for NULL). */
const char* mactls_conn_last_error(const mactls_conn* conn);

/** What a poll()-style loop should wait for. */
typedef struct mactls_interest {
  int fd;          /**< socket to poll (a host transport's native_handle), -1 if none */
  int want_read;   /**< 1: poll for input */
  int want_write;  /**< 1: poll for output */
  mactls_i64 timeout_ms; /**< ms until the next deadline; -1 = none */
} mactls_interest;
/** Fills *out; returns 0, or -1 for NULL arguments. */
int mactls_conn_interest(const mactls_conn* conn, mactls_interest* out);

/** Diagnostics of one connection. Strings are never NULL. */
typedef struct mactls_info {
  mactls_state state;
  mactls_u16 version;                  /**< MACTLS_TLS_1_3 or MACTLS_TLS_1_2 once negotiated, else 0 */
  const char* version_name;          /**< "TLS 1.3", "TLS 1.2", "none" */
  mactls_u16 cipher_suite;             /**< MACTLS_SUITE_*, 0 before ServerHello */
  const char* cipher_suite_name;     /**< "TLS_AES_128_GCM_SHA256", ... */
  mactls_u16 group;                    /**< MACTLS_GROUP_* of the ECDHE */
  const char* group_name;            /**< "x25519", ... */
  mactls_u16 signature_scheme;         /**< MACTLS_SIG_* of CertificateVerify; 0 when resumed */
  const char* signature_scheme_name; /**< "ecdsa_secp256r1_sha256", ..., "none" */
  int hello_retry;                   /**< a HelloRetryRequest happened */
  const char* alpn;                  /**< selected protocol, "" if none */
  const char* peer_identity;         /**< leaf summary */
  size_t peer_chain_len;             /**< see mactls_conn_peer_cert() */
  /* Resumption report (tickets_stored > 0 means a later connection to the
   * same host and port can resume). */
  int ticket_offered;                /**< a ticket was offered */
  int resumed;                       /**< the server accepted it */
  int declined;                      /**< offered but declined: full handshake */
  int psk_dropped_after_hrr;         /**< withdrawn after HelloRetryRequest */
  mactls_u32 tickets_received;
  mactls_u32 tickets_stored;
  /* Counters. */
  mactls_u64 wire_bytes_sent, wire_bytes_received;
  mactls_u64 app_bytes_written, app_bytes_read;
  mactls_u64 pump_calls, transport_sends, transport_recvs;
  /* Phase times, monotonic milliseconds; 0 = not reached. */
  mactls_u64 start_ms, connected_ms, handshake_done_ms, first_byte_ms, end_ms;
  int close_notify_received;         /**< the server ended with close_notify */
  /* The failure, if any. */
  mactls_error_origin error_origin;
  mactls_u8 alert;                     /**< RFC 8446 §6 AlertDescription (LOCAL/PEER only, else 0) */
  const char* alert_name;            /**< "decrypt_error", ...; "" when none */
  const char* error;                 /**< == mactls_conn_last_error() */
  /* Certificate checks (full handshakes) and their bounds. */
  mactls_u32 cert_signature_checks;  /**< certificate signatures verified */
  mactls_u32 cert_signatures_cached; /**< issuer signatures taken from the verification cache */
  int chain_cache_hit;               /**< the whole chain came from the verification cache */
  mactls_i64 cert_not_after;         /**< earliest notAfter (unix s) of the verified path; tickets end there */
  int tls12_session_offered;         /**< a TLS 1.2 session was offered beside any ticket */
  int ticket_returned;               /**< the TLS 1.3 ticket offered was ignored by a TLS 1.2
                                          server and went back to the store unspent */
} mactls_info;
/** Fills *out; returns 0, or -1 for NULL arguments. */
int mactls_conn_info(const mactls_conn* conn, mactls_info* out);
/** One line about certificate `i` (0 = leaf) of the server's chain, or NULL
 * past the end. */
const char* mactls_conn_peer_cert(const mactls_conn* conn, size_t i);

/** "idle", "connecting", ... */
const char* mactls_state_name(mactls_state s);

/* ----------------------------------- bytes in, bytes out (no transport) */

/* For a host with its own loop and its own stream: the TLS engine alone,
 * BearSSL-style. The host moves the bytes: it sends what
 * mactls_engine_output() shows and reports how much left with
 * mactls_engine_output_done(); it hands every byte received to
 * mactls_engine_feed(). There are no deadlines here (the host keeps its
 * own), no transport and no close of any stream. The config's trust
 * anchors, ticket store, entropy, clock, key log and ALPN apply; its
 * transport and timeouts do not. Same NULL-handle, threading and lifetime
 * rules as a mactls_conn. */

typedef struct mactls_engine mactls_engine; /**< one TLS session, no I/O */

/** States of an engine (mirror mactls::Client::State). */
typedef enum mactls_engine_state {
  MACTLS_ENGINE_IDLE = 0,        /**< made, not started */
  MACTLS_ENGINE_HANDSHAKING = 1, /**< ClientHello made, waiting for the server */
  MACTLS_ENGINE_OPEN = 2,        /**< application data flows */
  MACTLS_ENGINE_PEER_CLOSED = 3, /**< the server sent close_notify; writing still works until close */
  MACTLS_ENGINE_CLOSED = 4,      /**< mactls_engine_close() was called */
  MACTLS_ENGINE_FAILED = 5       /**< fatal error; any alert for the server is in the output */
} mactls_engine_state;

/** An engine for `host` (SNI, certificate check, ticket lookup) and `port`
 * (the engine opens nothing: the port only keys the ticket lookup, so
 * tickets from one port are never offered to another; 0 means 443) with a
 * copy of the config's settings. NULL if cfg or
 * host is NULL or host is empty, or when out of memory. */
mactls_engine* mactls_engine_new(const mactls_config* cfg, const char* host, mactls_u16 port);
/** Checks the config (no trust anchors etc. fail here with origin USAGE and
 * nothing in the output) and makes the ClientHello into the output.
 * Returns 0, or -1 (reason in mactls_engine_last_error()). Only once. */
int mactls_engine_start(mactls_engine* e);
/** The bytes waiting to be sent; *len receives their count (0: none). The
 * pointer is valid until the next call on `e` other than this one and
 * mactls_engine_state/last_error/info. NULL e or len: NULL and no count. */
const unsigned char* mactls_engine_output(mactls_engine* e, size_t* len);
/** Drops the first `n` bytes of the output (they were sent); n larger than
 * the output drops it all. */
void mactls_engine_output_done(mactls_engine* e, size_t n);
/** Hands `len` received bytes to the engine; *consumed (may be NULL)
 * receives how many it took: fewer than len only while received
 * application data waits for mactls_engine_read() (then read and feed the
 * rest again). Answers (handshake messages, alerts, KeyUpdate) go to the
 * output. Returns 0, or -1 on a fatal error (the alert for the server is
 * in the output: send it, then drop the stream). */
int mactls_engine_feed(mactls_engine* e, const void* data, size_t len, size_t* consumed);
/** Encrypts `len` bytes into the output; only while OPEN or PEER_CLOSED.
 * Returns 0, or -1 (reason in mactls_engine_last_error()). The output grows
 * by about len + 22 bytes per 16 KB: send it before writing much more. */
int mactls_engine_write(mactls_engine* e, const void* data, size_t len);
/** Copies up to `cap` bytes of received application data into `buf`;
 * returns the count (0 when none waits). */
size_t mactls_engine_read(mactls_engine* e, void* buf, size_t cap);
/** Bytes of application data waiting for mactls_engine_read(). */
size_t mactls_engine_readable(const mactls_engine* e);
/** Puts close_notify into the output and stops accepting writes. Returns 0
 * or -1. */
int mactls_engine_close(mactls_engine* e);
/** Current state (FAILED for NULL). */
mactls_engine_state mactls_engine_state_of(const mactls_engine* e);
/** The failure in words once FAILED; before that, why the latest call
 * returned -1 without failing the engine (start without anchors, write
 * before OPEN, ...); "" otherwise; a fixed message for NULL. */
const char* mactls_engine_last_error(const mactls_engine* e);
/** Fills *out with the engine's findings (version, suite, group, ALPN,
 * resumption report, failure); the connection counters and times are 0 and
 * `state` maps IDLE/HANDSHAKING/OPEN/CLOSED/FAILED (PEER_CLOSED as OPEN).
 * Returns 0, or -1 for NULL arguments. */
int mactls_engine_info(const mactls_engine* e, mactls_info* out);
/** Wipes every key and buffer and frees the engine (NULL is fine). */
void mactls_engine_free(mactls_engine* e);

#ifdef __cplusplus
}
#endif

#endif /* MACTLS_MACTLS_H */
