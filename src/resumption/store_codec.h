// mactls resumption — the ticket store as a versioned, integrity-checked,
// optionally sealed blob (what MemoryTicketStore::save/load read and write).
//
// Layout (every integer big-endian, read byte by byte):
//
//   header   "MACTLSTS"                  8  magic
//            format version              2  kStoreFormatVersion
//            flags                       1  bit 0: sealed; the rest must be 0
//            reserved                    1  0
//            context digest             32  SHA-256(tag || options.context)
//            entry count                 4  at most options.max_entries
//            body length                 4  bytes of the entries (plaintext)
//            nonce                      12  sealed blobs only
//   body     entries, each:
//              server_name<0..2^16-1> port(2) context(32) partition<0..2^16-1>
//              version(2) identity<0..2^16-1> session_id<0..32> ems(1)
//              psk<1..48> cipher_suite(2) lifetime_s(4) age_add(4)
//              received_unix_ms(8) auth_unix_s(8) cert_not_after_s(8)
//              max_auth_age_s(4) max_early_data(4)
//              peer_identity<0..2^16-1> alpn<0..255>
//            sealed: ChaCha20-Poly1305(key, nonce, aad = header) of the
//            body, followed by its 16-byte tag
//   trailer  unsealed blobs only: SHA-256 over header and body (32)
//
// Decoding checks the whole blob before it returns any entry: a blob is
// loaded entirely or not at all, so no entry is ever filed under a key it
// was not saved with.
#ifndef MACTLS_RESUMPTION_STORE_CODEC_H
#define MACTLS_RESUMPTION_STORE_CODEC_H

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "mactls/status.h"
#include "mactls/ticket_store.h"

namespace mactls {

/// The format version written by encode_store_blob; other versions are
/// refused by decode_store_blob.
constexpr uint16_t kStoreFormatVersion = 1;
/// Fixed header size without / with the sealing nonce.
constexpr size_t kStoreHeaderLen = 52;
constexpr size_t kStoreSealedHeaderLen = kStoreHeaderLen + 12;
/// Per-field bounds enforced on both sides.
constexpr size_t kStoreMaxName = 1024;       ///< server_name, partition
constexpr size_t kStoreMaxIdentity = 16384;  ///< ticket / PSK identity
constexpr size_t kStoreMaxPeerIdentity = 4096;
constexpr uint32_t kStoreMaxLifetimeS = 7 * 24 * 3600;  ///< RFC 8446 §4.6.1
constexpr int64_t kStoreMaxUnixS = 253402300799;        ///< 9999-12-31T23:59:59Z: later times are refused

/// One stored entry: its key and the ticket or session.
using StoreEntry = std::pair<TicketKey, Ticket>;

/// True when the entry can be written (its strings fit the bounds above).
bool store_entry_encodable(const TicketKey& key, const Ticket& t);

/// Writes `entries` (each encodable) into `out`, replacing (and wiping) its
/// contents. The buffer is sized once, so no copy of a secret is left in a
/// freed reallocation. Fails only on a usage error (no random source for a
/// sealed blob is not one: options.random null means system_random()).
Status encode_store_blob(const std::vector<std::pair<const TicketKey*, const Ticket*>>& entries,
                         const StoreBlobOptions& options, Bytes* out);

/// Checks and decodes a whole blob into `out` (appended). Errors:
/// decode_error (truncated, not a store, malformed, bounds),
/// protocol_version (another format version), illegal_parameter (another
/// security context; sealed without a key, or a key for an unsealed blob),
/// bad_record_mac (integrity or AEAD check failed). On error `out` is left
/// as it was.
Status decode_store_blob(ByteView blob, const StoreBlobOptions& options, std::vector<StoreEntry>* out);

}  // namespace mactls

#endif  // MACTLS_RESUMPTION_STORE_CODEC_H
