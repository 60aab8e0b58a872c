/* mactls — the C façade over the cooperative pump API (mactls/connection.h).
 *
 * Plain C99 (also valid C++): opaque handles, C enums, no C++ types. Every
 * function accepts NULL handles and then does nothing harmful (returns 0,
 * -1, MACTLS_STATE_FAILED or a fixed message, as documented). Nothing
 * blocks except mactls_conn_start() (host name resolution), nothing throws,
 * nothing starts a thread.
 *
 *   mactls_config* cfg = mactls_config_new();
 *   if (mactls_config_load_ca_file(cfg, "/etc/ssl/certs/ca-certificates.crt") != 0)
 *     fprintf(stderr, "%s\n", mactls_config_last_error(cfg));
 *   mactls_ticket_store* tickets = mactls_ticket_store_new_memory();
 *   mactls_config_set_ticket_store(cfg, tickets);
 *   mactls_conn* c = mactls_conn_new(cfg, "example.com", 443);
 *   mactls_conn_start(c);
 *   for (;;) {                       // the host's event loop
 *     uint32_t ev;
 *     mactls_state s = mactls_conn_pump(c, &ev);
 *     if (ev & MACTLS_EVENT_WRITABLE) mactls_conn_write(c, req, req_len);
 *     if (ev & MACTLS_EVENT_READABLE) while ((n = mactls_conn_read(c, buf, sizeof buf)) > 0) ...;
 *     if (s == MACTLS_STATE_CLOSED || s == MACTLS_STATE_FAILED) break;
 *   }
 *   if (mactls_conn_state(c) == MACTLS_STATE_FAILED) puts(mactls_conn_last_error(c));
 *   mactls_conn_dispose(c);
 *   mactls_config_free(cfg);  mactls_ticket_store_free(tickets);
 *
 * Lifetimes: a config and the ticket store set on it must outlive every
 * connection made from them. Strings returned by getters belong to the
 * handle and stay valid until the next call that may change it
 * (start, pump, write, read, close, dispose, or a config setter).
 */
#ifndef MACTLS_MACTLS_H
#define MACTLS_MACTLS_H

#include <stddef.h>
#include <stdint.h>

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
 * CLOSED and FAILED are edges, each reported by one pump; READABLE and
 * WRITABLE are levels, true when that pump returned. */
typedef enum mactls_event {
  MACTLS_EVENT_CONNECTED = 1,
  MACTLS_EVENT_HANDSHAKE_DONE = 2,
  MACTLS_EVENT_READABLE = 4,
  MACTLS_EVENT_WRITABLE = 8,
  MACTLS_EVENT_CLOSED = 16,
  MACTLS_EVENT_FAILED = 32
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
int mactls_config_set_timeouts(mactls_config* cfg, uint32_t connect_ms, uint32_t handshake_ms);
/** The last config error in words; "" if none. */
const char* mactls_config_last_error(const mactls_config* cfg);

/* ------------------------------------------------------ ticket store */

/** The bounded in-RAM store (mactls::MemoryTicketStore): a few tickets per
 * server, each handed out once. NULL only when out of memory. */
mactls_ticket_store* mactls_ticket_store_new_memory(void);
/** Frees the store and wipes its tickets (NULL is fine). */
void mactls_ticket_store_free(mactls_ticket_store* store);
/** Tickets currently held (0 for NULL). */
size_t mactls_ticket_store_count(const mactls_ticket_store* store);

/* -------------------------------------------------------- connection */

/** A connection to `host` (name for SNI, certificate check, ticket lookup)
 * on `port` over non-blocking POSIX TCP. NULL if cfg or host is NULL or
 * host is empty, or when out of memory. Nothing happens on the network yet. */
mactls_conn* mactls_conn_new(const mactls_config* cfg, const char* host, uint16_t port);
/** Resolves the host name (this BLOCKS for the DNS lookup) and starts the
 * TCP connect. Returns the new state: CONNECTING (or HANDSHAKING), or FAILED.
 * Calling it twice changes nothing. NULL: FAILED. */
mactls_state mactls_conn_start(mactls_conn* conn);
/** One non-blocking step (connect, flush, receive, deadlines). Returns the
 * state; stores the events of this step in *events when events is not NULL.
 * Keep pumping while open even if you only write: tickets arrive then.
 * NULL conn: FAILED and no events. */
mactls_state mactls_conn_pump(mactls_conn* conn, uint32_t* events);
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
  int fd;          /**< socket to poll, -1 if none */
  int want_read;   /**< 1: poll for input */
  int want_write;  /**< 1: poll for output */
  int64_t timeout_ms; /**< ms until the next deadline; -1 = none */
} mactls_interest;
/** Fills *out; returns 0, or -1 for NULL arguments. */
int mactls_conn_interest(const mactls_conn* conn, mactls_interest* out);

/** Diagnostics of one connection. Strings are never NULL. */
typedef struct mactls_info {
  mactls_state state;
  uint16_t version;                  /**< 0x0304 or 0x0303 once negotiated */
  const char* version_name;          /**< "TLS 1.3", "TLS 1.2", "none" */
  uint16_t cipher_suite;
  const char* cipher_suite_name;     /**< "TLS_AES_128_GCM_SHA256", ... */
  uint16_t group;
  const char* group_name;            /**< "x25519", ... */
  uint16_t signature_scheme;         /**< 0 when resumed */
  const char* signature_scheme_name; /**< "ecdsa_secp256r1_sha256", ..., "none" */
  int hello_retry;                   /**< a HelloRetryRequest happened */
  const char* alpn;                  /**< selected protocol, "" if none */
  const char* peer_identity;         /**< leaf summary */
  size_t peer_chain_len;             /**< see mactls_conn_peer_cert() */
  /* Resumption report. */
  int ticket_offered;                /**< a ticket was offered */
  int resumed;                       /**< the server accepted it */
  int declined;                      /**< offered but declined: full handshake */
  int psk_dropped_after_hrr;         /**< withdrawn after HelloRetryRequest */
  uint32_t tickets_received;
  uint32_t tickets_stored;
  /* Counters. */
  uint64_t wire_bytes_sent, wire_bytes_received;
  uint64_t app_bytes_written, app_bytes_read;
  uint64_t pump_calls, transport_sends, transport_recvs;
  /* Phase times, monotonic milliseconds; 0 = not reached. */
  uint64_t start_ms, connected_ms, handshake_done_ms, first_byte_ms, end_ms;
  int close_notify_received;         /**< the server ended with close_notify */
  /* The failure, if any. */
  mactls_error_origin error_origin;
  uint8_t alert;                     /**< RFC 8446 §6 AlertDescription (LOCAL/PEER only, else 0) */
  const char* alert_name;            /**< "decrypt_error", ...; "" when none */
  const char* error;                 /**< == mactls_conn_last_error() */
} mactls_info;
/** Fills *out; returns 0, or -1 for NULL arguments. */
int mactls_conn_info(const mactls_conn* conn, mactls_info* out);
/** One line about certificate `i` (0 = leaf) of the server's chain, or NULL
 * past the end. */
const char* mactls_conn_peer_cert(const mactls_conn* conn, size_t i);

/** "idle", "connecting", ... */
const char* mactls_state_name(mactls_state s);

#ifdef __cplusplus
}
#endif

#endif /* MACTLS_MACTLS_H */
