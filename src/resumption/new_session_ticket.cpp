#include "resumption/new_session_ticket.h"

#include <cstring>

#include "handshake/messages.h"
#include "keyschedule/key_schedule.h"

namespace mactls {

Status parse_new_session_ticket(ByteView body, size_t max_ticket_size, NewSessionTicketMsg* out) {
  *out = NewSessionTicketMsg();  // nothing of an earlier message survives
  Reader r(body);
  ByteView exts;
  if (!r.u32(out->lifetime) || !r.u32(out->age_add) || !r.vec8(out->nonce) ||
      !r.vec16(out->ticket, 1) || !r.vec16(exts) || !r.empty())
    return Status::fail(Alert::decode_error, "malformed NewSessionTicket");
  if (out->lifetime > kMaxTicketLifetime) {
    out->lifetime = kMaxTicketLifetime;
    out->lifetime_capped = true;
  }
  out->do_not_store = out->lifetime == 0;
  out->oversize = out->ticket.size > max_ticket_size;
  // Every extension type is tracked for duplicates; at most
  // kMaxNewSessionTicketExtensions of them (the default Limits::max_extensions),
  // so a hostile ticket costs bounded work.
  Reader e(exts);
  uint16_t seen[kMaxNewSessionTicketExtensions];
  size_t n_seen = 0;
  while (!e.empty()) {
    uint16_t type;
    ByteView data;
    if (!e.u16(type) || !e.vec16(data)) return Status::fail(Alert::decode_error, "malformed NewSessionTicket extension");
    for (size_t i = 0; i < n_seen; ++i)
      // §4.2 "There MUST NOT be more than one extension of the same type":
      // well formed but semantically wrong, so illegal_parameter (§6.2), as
      // OpenSSL and BoringSSL answer it and as mactls does for every other
      // message (handshake/messages.cpp).
      if (seen[i] == type) return Status::fail(Alert::illegal_parameter, "duplicate NewSessionTicket extension");
    if (n_seen == sizeof seen / sizeof seen[0])
      return Status::fail(Alert::decode_error, "too many NewSessionTicket extensions");
    seen[n_seen++] = type;
    if (type == ext::early_data) {
      Reader d(data);
      if (!d.u32(out->max_early_data) || !d.empty())
        return Status::fail(Alert::decode_error, "malformed early_data in NewSessionTicket");
      out->has_early_data = true;
    } else if (extension_recognised(type)) {
      // Recognised, and not allowed in NewSessionTicket: the §4.2 table lists
      // only early_data for it.
      return Status::fail(Alert::illegal_parameter, "extension not allowed in NewSessionTicket");
    }
    // §4.6.1: "Clients MUST ignore unrecognized extensions."
  }
  return Status::ok();
}

Status make_ticket(const NewSessionTicketMsg& msg, uint16_t cipher_suite, HashAlg hash,
                   ByteView resumption_master, int64_t now_unix_ms, int64_t auth_unix_s,
                   const std::string& peer_identity, const std::string& alpn, Ticket* out) {
  if (resumption_master.size != hash_len(hash))
    return Status::fail(Alert::internal_error, "no resumption secret for this ticket");
  Secret psk;
  derive_resumption_psk(hash, resumption_master, msg.nonce, psk);
  out->identity.assign(msg.ticket.begin(), msg.ticket.end());
  out->wipe();
  std::memcpy(out->psk, psk.data(), psk.size());
  out->psk_len = uint8_t(psk.size());
  out->cipher_suite = cipher_suite;
  out->lifetime_s = msg.lifetime;
  out->age_add = msg.age_add;
  out->received_unix_ms = now_unix_ms;
  out->auth_unix_s = auth_unix_s;
  out->max_early_data = msg.max_early_data;
  out->peer_identity = peer_identity;
  out->alpn = alpn;
  return Status::ok();
}

}  // namespace mactls
