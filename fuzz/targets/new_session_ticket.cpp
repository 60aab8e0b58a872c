// NewSessionTicket parser and ticket construction.
#include "fuzz_common.h"
#include "mactls/ticket_store.h"
#include "resumption/new_session_ticket.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mactls::NewSessionTicketMsg m;
  mactls::Status s = mactls::parse_new_session_ticket(mactls::ByteView(data, size), 4096, &m);
  if (!s.is_ok()) return 0;
  mactls::fuzz::require(m.ticket.size >= 1, "empty tickets are refused");
  mactls::fuzz::require(m.lifetime <= 7 * 24 * 3600, "lifetime capped at 7 days");
  uint8_t res[32] = {7};
  mactls::Ticket t;
  s = mactls::make_ticket(m, 0x1301, mactls::HashAlg::sha256, mactls::ByteView(res, 32), 1000, 1, "peer", "", &t);
  if (s.is_ok()) mactls::fuzz::require(t.psk_len == 32, "PSK of the suite's hash length");
  return 0;
}
