// NewSessionTicket (RFC 8446 §4.6.1): the parser against the RFC 8448 §3
// message and against every malformed variant, and make_ticket against the
// resumption PSK RFC 8448 §3 lists.
//
// Vectors: tests/vectors/rfc/rfc8448_vectors.json section "3" (loaded through
// support/rfc8448.h, which reads it with support/json.h), cross-checked
// against literals copied from rfc8448.txt §3 (pages 13-14). Malformed
// variants are built by hand here from the §4.6.1 layout:
//   uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
//   opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>;
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "handshake/messages.h"
#include "resumption/new_session_ticket.h"
#include "support/assert_status.h"
#include "support/rfc8448.h"
#include "support/vectors.h"

namespace mactls {
namespace {

using test::hex;

// RFC 8448 §3, "{server} construct a NewSessionTicket handshake message",
// the 178-byte ticket field (rfc8448.txt page 14).
const char* const kRfc8448Ticket =
    "2c035d829359ee5ff7af4ec900000000262a6494dc486d2c8a34cb33fa90bf1b"
    "0070ad3c498883c9367c09a2be785abc55cd226097a3a982117283f82a03a143"
    "efd3ff5dd36d64e861be7fd61d2827db279cce145077d454a3664d4e6da4d29e"
    "e03725a6a4dafcd0fc67d2aea70529513e3da2677fa5906c5b3f7d8f92f228bd"
    "a40dda721470f9fbf297b5aea617646fac5c03272e970727c621a79141ef5f7d"
    "e6505e5bfbc388e93343694093934ae4d357";
// RFC 8448 §3, "{server} generate resumption secret "tls13 resumption"",
// expanded (rfc8448.txt page 14).
const char* const kRfc8448ResumptionPsk =
    "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3";
// RFC 8448 §3, "derive secret "tls13 res master"", expanded (page 14).
const char* const kRfc8448ResumptionMaster =
    "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c";

// A 2-byte length prefix (in hex) for `spaced` hex, spaces ignored.
std::string with_len(const std::string& spaced) {
  std::string h;
  for (char c : spaced)
    if (c != ' ') h += c;
  Bytes len(2);
  store_be16(len.data(), uint16_t(h.size() / 2));
  return to_hex(ByteView(len)) + h;
}

// A NewSessionTicket body: lifetime 30, age_add 0x01020304, nonce 00 01,
// ticket aabbcc, then `exts_block` verbatim (length prefix included).
Bytes body_with_exts(const std::string& exts_block) {
  return hex("0000001e 01020304 02 0001 0003 aabbcc" + exts_block);
}

Bytes body_with_lifetime(const std::string& lifetime_hex) {
  return hex(lifetime_hex + "01020304 02 0001 0003 aabbcc 0000");
}

Bytes rfc8448_body() {
  const test::Rfc8448Section* s = test::rfc8448_section("3");
  if (!s) return Bytes();
  Bytes msg = s->value("server_NewSessionTicket");
  EXPECT_EQ(msg.size(), 205u);  // "NewSessionTicket (205 octets)"
  if (msg.size() < 4) return Bytes();
  EXPECT_EQ(msg[0], 4);  // HandshakeType new_session_ticket (§4)
  EXPECT_EQ(load_be24(msg.data() + 1), msg.size() - 4);
  return Bytes(msg.begin() + 4, msg.end());
}

Status parse(const Bytes& body, NewSessionTicketMsg* out, size_t max_ticket = 0xffff) {
  return parse_new_session_ticket(ByteView(body), max_ticket, out);
}

// ---------------------------------------------------------------- RFC 8448 §3

TEST(NewSessionTicket, Rfc8448Section3ParsesToItsFields) {
  const test::Rfc8448Section* s = test::rfc8448_section("3");
  ASSERT_NE(s, nullptr);
  Bytes body = rfc8448_body();
  ASSERT_EQ(body.size(), 201u);
  NewSessionTicketMsg m;
  ASSERT_OK(parse(body, &m));
  EXPECT_EQ(m.lifetime, 0x1eu);  // 00 00 00 1e: 30 seconds
  EXPECT_FALSE(m.lifetime_capped);
  EXPECT_FALSE(m.do_not_store);
  EXPECT_FALSE(m.oversize);
  EXPECT_EQ(m.age_add, 0xfad6aac5u);  // fa d6 aa c5
  EXPECT_EQ(to_hex(m.nonce), "0000");  // 02 00 00
  EXPECT_EQ(to_hex(m.nonce), to_hex(s->value("ticket_nonce")));
  EXPECT_EQ(m.ticket.size, 178u);  // 00 b2
  EXPECT_EQ(to_hex(m.ticket), kRfc8448Ticket);
  // Extensions 00 08: early_data (00 2a) of length 4, max_early_data_size
  // 00 00 04 00 = 1024.
  EXPECT_TRUE(m.has_early_data);
  EXPECT_EQ(m.max_early_data, 1024u);
  // The views point into the body.
  EXPECT_EQ(m.ticket.data, body.data() + 13);
}

TEST(NewSessionTicket, Rfc8448TicketOverTheCapIsOversize) {
  Bytes body = rfc8448_body();
  ASSERT_EQ(body.size(), 201u) << "the RFC 8448 vectors did not load";
  NewSessionTicketMsg at_cap, over_cap;
  ASSERT_OK(parse(body, &at_cap, 178));
  EXPECT_FALSE(at_cap.oversize);
  ASSERT_OK(parse(body, &over_cap, 177));
  EXPECT_TRUE(over_cap.oversize);
  EXPECT_EQ(over_cap.ticket.size, 178u);  // still parsed in full
}

TEST(NewSessionTicket, Rfc8448MakeTicketDerivesTheListedResumptionPsk) {
  const test::Rfc8448Section* s = test::rfc8448_section("3");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(to_hex(s->value("resumption_psk")), kRfc8448ResumptionPsk);
  EXPECT_EQ(to_hex(s->value("resumption_master_secret")), kRfc8448ResumptionMaster);
  Bytes body = rfc8448_body();
  ASSERT_EQ(body.size(), 201u) << "the RFC 8448 vectors did not load";
  NewSessionTicketMsg m;
  ASSERT_OK(parse(body, &m));
  Bytes res_master = s->value("resumption_master_secret");
  Ticket t;
  // RFC 8448 §3 negotiates TLS_AES_128_GCM_SHA256 (0x1301).
  ASSERT_OK(make_ticket(m, 0x1301, HashAlg::sha256, ByteView(res_master), 1546300800123,
                        1546300800, "CN=server", "h2", &t));
  ASSERT_EQ(t.psk_len, 32);
  EXPECT_EQ(to_hex(ByteView(t.psk_data(), t.psk_len)), to_hex(s->value("resumption_psk")));
  for (size_t i = t.psk_len; i < sizeof t.psk; ++i) EXPECT_EQ(t.psk[i], 0) << i;
  EXPECT_EQ(to_hex(ByteView(t.identity)), kRfc8448Ticket);
  EXPECT_EQ(t.cipher_suite, 0x1301);
  EXPECT_EQ(t.lifetime_s, 30u);
  EXPECT_EQ(t.age_add, 0xfad6aac5u);
  EXPECT_EQ(t.received_unix_ms, 1546300800123);
  EXPECT_EQ(t.auth_unix_s, 1546300800);
  EXPECT_EQ(t.max_early_data, 1024u);
  EXPECT_EQ(t.peer_identity, "CN=server");
  EXPECT_EQ(t.alpn, "h2");
}

TEST(NewSessionTicket, MakeTicketOverwritesAnOlderLongerPsk) {
  const test::Rfc8448Section* s = test::rfc8448_section("3");
  ASSERT_NE(s, nullptr);
  Bytes body = rfc8448_body();
  ASSERT_EQ(body.size(), 201u) << "the RFC 8448 vectors did not load";
  NewSessionTicketMsg m;
  ASSERT_OK(parse(body, &m));
  Ticket t;
  Bytes master384(48, 0x5a);
  ASSERT_OK(make_ticket(m, 0x1302, HashAlg::sha384, ByteView(master384), 0, 0, "", "", &t));
  EXPECT_EQ(t.psk_len, 48);
  Bytes res_master = s->value("resumption_master_secret");
  ASSERT_OK(make_ticket(m, 0x1301, HashAlg::sha256, ByteView(res_master), 0, 0, "", "", &t));
  ASSERT_EQ(t.psk_len, 32);
  EXPECT_EQ(to_hex(ByteView(t.psk_data(), 32)), kRfc8448ResumptionPsk);
  for (size_t i = 32; i < sizeof t.psk; ++i) EXPECT_EQ(t.psk[i], 0) << "stale PSK byte " << i;
}

TEST(NewSessionTicket, MakeTicketWithoutAResumptionSecretOfTheHashLengthFails) {
  NewSessionTicketMsg m;
  Bytes body = body_with_exts("0000");  // the views in m point into it
  ASSERT_OK(parse(body, &m));
  Ticket t;
  Bytes short_master(31, 1), sha384_master(48, 1);
  EXPECT_EQ(make_ticket(m, 0x1301, HashAlg::sha256, ByteView(short_master), 0, 0, "", "", &t).alert(),
            Alert::internal_error);
  EXPECT_EQ(make_ticket(m, 0x1301, HashAlg::sha256, ByteView(sha384_master), 0, 0, "", "", &t).alert(),
            Alert::internal_error);
  EXPECT_EQ(t.psk_len, 0);
  EXPECT_TRUE(t.identity.empty());
}

// ---------------------------------------------------------------- well formed

TEST(NewSessionTicket, MinimalBodyParses) {
  NewSessionTicketMsg m;
  Bytes body = hex("00000001 00000000 00 0001 ff 0000");
  ASSERT_OK(parse(body, &m));
  EXPECT_EQ(m.lifetime, 1u);
  EXPECT_EQ(m.nonce.size, 0u);
  EXPECT_EQ(to_hex(m.ticket), "ff");
  EXPECT_FALSE(m.has_early_data);
  EXPECT_EQ(m.max_early_data, 0u);
}

TEST(NewSessionTicket, UnknownExtensionsAreIgnored) {
  // §4.6.1: "Clients MUST ignore unrecognized extensions." GREASE 0x0a0a
  // (RFC 8701), an unassigned code point and an empty one.
  NewSessionTicketMsg m;
  Bytes body = body_with_exts(with_len("0a0a 0003 010203  fe01 0000  7777 0001 00"));
  ASSERT_OK(parse(body, &m));
  EXPECT_FALSE(m.has_early_data);
  EXPECT_EQ(to_hex(m.ticket), "aabbcc");
  // And next to early_data.
  NewSessionTicketMsg m2;
  Bytes body2 = body_with_exts(with_len("0a0a 0000  002a 0004 ffffffff  fe01 0002 abcd"));
  ASSERT_OK(parse(body2, &m2));
  EXPECT_TRUE(m2.has_early_data);
  EXPECT_EQ(m2.max_early_data, 0xffffffffu);
}

TEST(NewSessionTicket, ExtensionCountIsBoundedNotTheVarietyOfTypes) {
  // 64 distinct unknown (ignored) extension types parse; a 65th is
  // decode_error: bounded work per ticket whatever the server sends.
  auto exts = [](int n) {
    std::string list;
    char buf[16];
    for (int i = 0; i < n; ++i) {
      snprintf(buf, sizeof buf, "%04x0000", 0x7000 + i);
      list += buf;
    }
    return with_len(list);
  };
  NewSessionTicketMsg m;
  ASSERT_OK(parse(body_with_exts(exts(17)), &m));
  ASSERT_OK(parse(body_with_exts(exts(int(kMaxNewSessionTicketExtensions))), &m));
  EXPECT_EQ(parse(body_with_exts(exts(int(kMaxNewSessionTicketExtensions) + 1)), &m).alert(), Alert::decode_error);
}

TEST(NewSessionTicket, EarlyDataMaxIsRecorded) {
  NewSessionTicketMsg m;
  ASSERT_OK(parse(body_with_exts(with_len("002a 0004 00003000")), &m));
  EXPECT_TRUE(m.has_early_data);
  EXPECT_EQ(m.max_early_data, 0x3000u);
}

TEST(NewSessionTicket, LifetimeZeroIsNotToBeStored) {
  // §4.6.1: "The value of zero indicates that the ticket should be discarded
  // immediately."
  NewSessionTicketMsg m;
  ASSERT_OK(parse(body_with_lifetime("00000000"), &m));
  EXPECT_TRUE(m.do_not_store);
  EXPECT_EQ(m.lifetime, 0u);
  NewSessionTicketMsg one;
  ASSERT_OK(parse(body_with_lifetime("00000001"), &one));
  EXPECT_FALSE(one.do_not_store);
}

TEST(NewSessionTicket, LifetimeOverSevenDaysIsCapped) {
  // §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds
  // (7 days)." Eight days (691200 = 0x000a8c00) is capped, not refused.
  NewSessionTicketMsg eight_days;
  ASSERT_OK(parse(body_with_lifetime("000a8c00"), &eight_days));
  EXPECT_EQ(eight_days.lifetime, 604800u);
  EXPECT_TRUE(eight_days.lifetime_capped);
  EXPECT_FALSE(eight_days.do_not_store);

  NewSessionTicketMsg seven_days;  // 604800 = 0x00093a80: allowed as is
  ASSERT_OK(parse(body_with_lifetime("00093a80"), &seven_days));
  EXPECT_EQ(seven_days.lifetime, 604800u);
  EXPECT_FALSE(seven_days.lifetime_capped);

  NewSessionTicketMsg one_more;
  ASSERT_OK(parse(body_with_lifetime("00093a81"), &one_more));
  EXPECT_EQ(one_more.lifetime, 604800u);
  EXPECT_TRUE(one_more.lifetime_capped);

  NewSessionTicketMsg max;
  ASSERT_OK(parse(body_with_lifetime("ffffffff"), &max));
  EXPECT_EQ(max.lifetime, 604800u);
  EXPECT_TRUE(max.lifetime_capped);
}

TEST(NewSessionTicket, LongestNonceAndTicketParse) {
  std::string nonce(255 * 2, 'a'), ticket(0xffff * 2, 'c');
  Bytes body = hex("0000001e 00000000 ff" + nonce + "ffff" + ticket + "0000");
  NewSessionTicketMsg m;
  ASSERT_OK(parse(body, &m));
  EXPECT_EQ(m.nonce.size, 255u);
  EXPECT_EQ(m.ticket.size, 0xffffu);
  EXPECT_FALSE(m.oversize);
  NewSessionTicketMsg capped;
  ASSERT_OK(parse(body, &capped, 4096));
  EXPECT_TRUE(capped.oversize);
}

TEST(NewSessionTicket, ParsingIntoAUsedResultLeavesNothingOfTheOldOne) {
  // A connection may receive several tickets; each parse describes only its
  // own message.
  Bytes first = body_with_exts(with_len("002a 0004 00000400"));
  Bytes capped = body_with_lifetime("ffffffff");
  NewSessionTicketMsg m;
  ASSERT_OK(parse(capped, &m, 1));
  EXPECT_TRUE(m.lifetime_capped);
  EXPECT_TRUE(m.oversize);
  ASSERT_OK(parse(first, &m));
  EXPECT_TRUE(m.has_early_data);
  Bytes plain = body_with_lifetime("0000001e");
  ASSERT_OK(parse(plain, &m));
  EXPECT_FALSE(m.lifetime_capped);
  EXPECT_FALSE(m.oversize);
  EXPECT_FALSE(m.has_early_data);
  EXPECT_EQ(m.max_early_data, 0u);
}

// ---------------------------------------------------------------- malformed

TEST(NewSessionTicket, EveryTruncationOfTheRfc8448MessageIsDecodeError) {
  // Covers every field boundary (0, 4, 8, 9, 11, 13, 191, 193, 197, 201 -
  // lifetime, age_add, nonce length, nonce, ticket length, ticket,
  // extensions length, extension header) and every byte in between.
  Bytes body = rfc8448_body();
  ASSERT_EQ(body.size(), 201u);
  for (size_t n = 0; n < body.size(); ++n) {
    NewSessionTicketMsg m;
    EXPECT_EQ(parse_new_session_ticket(ByteView(body.data(), n), 0xffff, &m).alert(), Alert::decode_error)
        << "truncated to " << n;
  }
}

struct Malformed {
  const char* name;
  std::string body_hex;
};

void PrintTo(const Malformed& m, std::ostream* os) { *os << m.name << ": " << m.body_hex; }

class NewSessionTicketMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(NewSessionTicketMalformed, IsDecodeError) {
  Bytes body = hex(GetParam().body_hex);
  NewSessionTicketMsg m;
  Status s = parse(body, &m);
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(alert_name(s.alert()), std::string("decode_error")) << s.what();
}

const std::string kHead = "0000001e 01020304";  // lifetime 30, age_add
const std::string kNonceTicket = "02 0001 0003 aabbcc";

INSTANTIATE_TEST_SUITE_P(
    NewSessionTicketVariants, NewSessionTicketMalformed,
    ::testing::Values(
        Malformed{"empty", ""},
        Malformed{"lifetime_only", "0000001e"},
        Malformed{"no_nonce_length", kHead},
        Malformed{"nonce_length_beyond_body", kHead + "03 0001"},
        Malformed{"nonce_length_swallows_the_rest", kHead + "0c 0001 0003 aabbcc 0000"},
        Malformed{"nonce_length_255_short", kHead + "ff 0001 0003 aabbcc 0000"},
        Malformed{"ticket_length_missing", kHead + "02 0001"},
        Malformed{"ticket_length_half", kHead + "02 0001 00"},
        Malformed{"ticket_length_beyond_body", kHead + "02 0001 0006 aabbcc 0000"},
        Malformed{"empty_ticket", kHead + "02 0001 0000 0000"},
        Malformed{"empty_ticket_no_nonce", kHead + "00 0000 0000"},
        Malformed{"no_extensions_length", kHead + kNonceTicket},
        Malformed{"extensions_length_half", kHead + kNonceTicket + "00"},
        Malformed{"extensions_length_over", kHead + kNonceTicket + "0009 002a 0004 00000400"},
        Malformed{"extensions_length_under", kHead + kNonceTicket + "0007 002a 0004 00000400"},
        Malformed{"extensions_length_under_by_header", kHead + kNonceTicket + "0004 002a 0004 00000400"},
        Malformed{"extension_header_truncated", kHead + kNonceTicket + "0003 002a 00"},
        Malformed{"extension_type_only", kHead + kNonceTicket + "0002 002a"},
        Malformed{"extension_data_beyond_block", kHead + kNonceTicket + "0006 002a 0004 0000"},
        Malformed{"unknown_extension_data_beyond_block", kHead + kNonceTicket + "0005 fafa 0002 00"},
        Malformed{"early_data_empty", kHead + kNonceTicket + "0004 002a 0000"},
        Malformed{"early_data_three", kHead + kNonceTicket + "0007 002a 0003 000004"},
        Malformed{"early_data_five", kHead + kNonceTicket + "0009 002a 0005 0000040000"},
        Malformed{"early_data_eight", kHead + kNonceTicket + "000c 002a 0008 0000040000000400"},
        Malformed{"trailing_byte", kHead + kNonceTicket + "0000 00"},
        Malformed{"trailing_bytes_after_extensions", kHead + kNonceTicket + "0008 002a 0004 00000400 ffff"}),
    [](const ::testing::TestParamInfo<Malformed>& i) { return std::string(i.param.name); });

// RFC 8446 §4.2: "There MUST NOT be more than one extension of the same
// type in a given extension block." A duplicate is well formed but
// semantically wrong: illegal_parameter (§6.2), as OpenSSL and BoringSSL
// answer it, not decode_error.
class NewSessionTicketDuplicate : public ::testing::TestWithParam<Malformed> {};

TEST_P(NewSessionTicketDuplicate, IsIllegalParameter) {
  Bytes body = hex(GetParam().body_hex);
  NewSessionTicketMsg m;
  Status s = parse(body, &m);
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(alert_name(s.alert()), std::string("illegal_parameter")) << s.what();
}

INSTANTIATE_TEST_SUITE_P(
    NewSessionTicketVariants, NewSessionTicketDuplicate,
    ::testing::Values(
        Malformed{"duplicate_early_data",
                  kHead + kNonceTicket + "0010 002a 0004 00000400 002a 0004 00000400"},
        Malformed{"duplicate_unknown", kHead + kNonceTicket + "000c fafa 0000 1234 0000 fafa 0000"},
        Malformed{"duplicate_unknown_with_data", kHead + kNonceTicket + "000a fafa 0001 01 fafa 0001 02"}),
    [](const ::testing::TestParamInfo<Malformed>& i) { return std::string(i.param.name); });

TEST(NewSessionTicket, Rfc8448MessageWithTrailingByteIsDecodeError) {
  Bytes body = rfc8448_body();
  ASSERT_EQ(body.size(), 201u) << "the RFC 8448 vectors did not load";
  body.push_back(0);
  NewSessionTicketMsg m;
  EXPECT_EQ(parse(body, &m).alert(), Alert::decode_error);
}

TEST(NewSessionTicket, Rfc8448MessageWithNonceLengthBeyondTheRestIsDecodeError) {
  Bytes body = rfc8448_body();
  ASSERT_EQ(body.size(), 201u) << "the RFC 8448 vectors did not load";
  body[8] = uint8_t(body.size() - 9 + 1);  // one more than every remaining byte
  NewSessionTicketMsg m;
  EXPECT_EQ(parse(body, &m).alert(), Alert::decode_error);
  body[8] = 0xff;
  EXPECT_EQ(parse(body, &m).alert(), Alert::decode_error);
}

// Every extension RFC 8446 §4.2 defines (and mactls recognises), except
// early_data, is "not specified for" NewSessionTicket: §4.2 "If an
// implementation receives an extension which it recognizes and which is not
// specified for the message in which it appears, it MUST abort the handshake
// with an "illegal_parameter" alert."
class NewSessionTicketMisplacedExtension : public ::testing::TestWithParam<uint16_t> {};

TEST_P(NewSessionTicketMisplacedExtension, IsIllegalParameter) {
  Bytes type(2);
  store_be16(type.data(), GetParam());
  // Data that would be well formed for most of them; the type alone decides.
  Bytes body = body_with_exts(with_len(to_hex(ByteView(type)) + "0002 0000"));
  NewSessionTicketMsg m;
  Status s = parse(body, &m);
  EXPECT_FALSE(s.is_ok()) << "extension " << GetParam();
  EXPECT_EQ(alert_name(s.alert()), std::string("illegal_parameter")) << "extension " << GetParam();
  // Also after an allowed one.
  Bytes body2 = body_with_exts(with_len("002a 0004 00000400" + to_hex(ByteView(type)) + "0000"));
  EXPECT_EQ(alert_name(parse(body2, &m).alert()), std::string("illegal_parameter"))
      << "extension " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    NewSessionTicketRfc8446Section4_2, NewSessionTicketMisplacedExtension,
    ::testing::Values(ext::server_name, ext::max_fragment_length, ext::status_request,
                      ext::supported_groups, ext::signature_algorithms, ext::use_srtp, ext::heartbeat,
                      ext::alpn, ext::signed_certificate_timestamp, ext::client_certificate_type,
                      ext::server_certificate_type, ext::padding, ext::pre_shared_key,
                      ext::supported_versions, ext::cookie, ext::psk_key_exchange_modes,
                      ext::certificate_authorities, ext::oid_filters, ext::post_handshake_auth,
                      ext::signature_algorithms_cert, ext::key_share),
    [](const ::testing::TestParamInfo<uint16_t>& i) { return "type_" + std::to_string(i.param); });

TEST(NewSessionTicket, KeyShareIsIllegalParameter) {
  // The brief's example, spelled out: key_share (51) with a plausible body.
  NewSessionTicketMsg m;
  Status s = parse(body_with_exts(with_len("0033 0024 001d 0020" + std::string(64, '1'))), &m);
  EXPECT_EQ(s.alert(), Alert::illegal_parameter) << s.what();
}

}  // namespace
}  // namespace mactls
