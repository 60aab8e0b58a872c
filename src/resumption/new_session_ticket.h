// mactls resumption — NewSessionTicket (RFC 8446 §4.6.1) and the ticket it
// becomes.
#ifndef MACTLS_RESUMPTION_NEW_SESSION_TICKET_H
#define MACTLS_RESUMPTION_NEW_SESSION_TICKET_H

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "crypto/hash.h"
#include "mactls/status.h"
#include "mactls/ticket_store.h"

namespace mactls {

/// Longest lifetime a server may give (§4.6.1: "MUST NOT use any value
/// greater than 604800 seconds"); longer ones are capped, not refused.
constexpr uint32_t kMaxTicketLifetime = 604800;

/// A parsed NewSessionTicket; views point into the message body.
struct NewSessionTicketMsg {
  uint32_t lifetime = 0;     ///< after the 7-day cap
  bool lifetime_capped = false;
  uint32_t age_add = 0;
  ByteView nonce;            ///< 0..255 bytes
  ByteView ticket;           ///< 1..2^16-1 bytes
  bool has_early_data = false;
  uint32_t max_early_data = 0;  ///< recorded, never used (no 0-RTT)
  /// Lifetime 0: "the ticket SHOULD be discarded immediately" (§4.6.1).
  bool do_not_store = false;
  /// Well formed but longer than the configured cap: not stored.
  bool oversize = false;
};

/// Extensions one NewSessionTicket may carry (more: decode_error).
constexpr size_t kMaxNewSessionTicketExtensions = 64;

/// Parses a NewSessionTicket body. Framing errors, an empty ticket and a
/// wrong-length early_data are decode_error; unknown extensions are
/// ignored; a duplicated extension (RFC 8446 §4.2) and an extension not
/// allowed in NewSessionTicket (§4.2 table) are illegal_parameter.
Status parse_new_session_ticket(ByteView body, size_t max_ticket_size, NewSessionTicketMsg* out);

/// Turns a parsed ticket into a Ticket: PSK = HKDF-Expand-Label(
/// resumption_master_secret, "resumption", ticket_nonce, Hash.length)
/// (§4.6.1), plus the context a later connection needs.
Status make_ticket(const NewSessionTicketMsg& msg, uint16_t cipher_suite, HashAlg hash,
                   ByteView resumption_master, int64_t now_unix_ms, int64_t auth_unix_s,
                   const std::string& peer_identity, const std::string& alpn, Ticket* out);

}  // namespace mactls

#endif
