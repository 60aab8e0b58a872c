// The TLS 1.2 parsers (handshake/messages12.h): the first input byte picks
// the parser, the rest is the message body. Checks the invariants each
// parser promises on success.
#include "fuzz_common.h"
#include "crypto/signature.h"
#include "handshake/messages12.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const mactls::ByteView body(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      mactls::Offered12 off;
      off.sni = data[0] & 0x10;
      off.alpn = data[0] & 0x20;
      mactls::ServerHello12Extensions ex;
      if (!mactls::parse_server_hello12_extensions(body, off, 32, &ex).is_ok()) return 0;
      mactls::fuzz::require(off.alpn || !ex.has_alpn, "ALPN only when offered");
      mactls::fuzz::require(off.sni || !ex.server_name_ack, "SNI ack only when sent");
      mactls::fuzz::require(!ex.has_alpn || ex.alpn.size >= 1, "a selected protocol is not empty");
      break;
    }
    case 1: {
      mactls::ServerKeyExchange12 ske;
      if (!mactls::parse_server_key_exchange12(body, &ske).is_ok()) return 0;
      mactls::fuzz::require(ske.public_point.size >= 1 && ske.signature.size >= 1, "point and signature present");
      mactls::fuzz::require(ske.params.size == 4 + ske.public_point.size, "params cover curve type, group and point");
      // Signature checking must fail cleanly on anything.
      mactls::PublicKey k;
      mactls::Bytes spki = mactls::fuzz::unhex(mactls::fuzz::kSpkiP256);
      if (k.parse_spki(spki).is_ok()) {
        mactls::Bytes content;
        mactls::server_key_exchange12_signed_content(mactls::ByteView(data, size < 32 ? size : 32),
                                                     mactls::ByteView(data, size < 32 ? size : 32), ske.params, content);
        (void)k.verify_ecdsa_digest(0, content, ske.signature);
      }
      break;
    }
    case 2: {
      std::vector<mactls::ByteView> certs;
      if (!mactls::parse_certificate12(body, 10, &certs).is_ok()) return 0;
      mactls::fuzz::require(certs.size() <= 10, "certificate count bounded");
      for (const auto& c : certs) mactls::fuzz::require(c.size >= 1, "no empty certificate");
      break;
    }
    case 3: {
      mactls::NewSessionTicket12 nst;
      if (!mactls::parse_new_session_ticket12(body, &nst).is_ok()) return 0;
      mactls::fuzz::require(nst.ticket.size + 6 == body.size, "ticket fills the message");
      break;
    }
    default:
      (void)mactls::parse_certificate_request12(body);
      break;
  }
  return 0;
}
