// TLS 1.2 message codecs: the ClientHello offering 1.3 and 1.2, the 1.2
// ServerHello extensions (RFC 5246 §7.4.1.4, RFC 5746, RFC 7627, RFC 8422),
// Certificate, ServerKeyExchange (RFC 8422 §5.4), CertificateRequest and
// NewSessionTicket (RFC 5077 §3.3), with good and bad inputs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/bytes.h"
#include "handshake/messages.h"
#include "handshake/messages12.h"
#include "support/vectors.h"

namespace mactls {
namespace {

std::string hex(ByteView v) { return to_hex(v); }

// Extensions of a ClientHello we built, walked independently of the builder.
std::vector<std::pair<uint16_t, Bytes>> hello_extensions(const Bytes& msg, std::vector<uint16_t>* suites) {
  Reader r{ByteView(msg)};
  uint8_t type;
  uint32_t len;
  uint16_t version;
  ByteView random, sid, s, comp, exts;
  EXPECT_TRUE(r.u8(type) && r.u24(len) && r.u16(version) && r.bytes(32, random) && r.vec8(sid) &&
              r.vec16(s) && r.vec8(comp) && r.vec16(exts) && r.empty());
  EXPECT_EQ(version, 0x0303);
  for (size_t i = 0; i + 1 < s.size; i += 2) suites->push_back(load_be16(s.data + i));
  std::vector<std::pair<uint16_t, Bytes>> out;
  Reader e(exts);
  while (!e.empty()) {
    uint16_t t = 0;
    ByteView d;
    EXPECT_TRUE(e.u16(t) && e.vec16(d));
    out.push_back({t, d.to_bytes()});
  }
  return out;
}

const Bytes* ext_data(const std::vector<std::pair<uint16_t, Bytes>>& exts, uint16_t type) {
  for (const auto& e : exts)
    if (e.first == type) return &e.second;
  return nullptr;
}

struct HelloInputs {
  uint8_t random[32] = {1};
  uint8_t sid[32] = {2};
  std::vector<uint16_t> suites13 = {0x1301};
  std::vector<uint16_t> suites12 = {0xCCA9, 0xC02F};
  std::vector<uint16_t> groups = {0x001d};
  std::vector<uint16_t> schemes = {0x0403};
  Bytes share = Bytes(32, 9);
  ClientHelloParams params(bool v13, bool v12) {
    ClientHelloParams p;
    p.random = random;
    p.session_id = sid;
    p.cipher_suites = &suites13;
    p.groups = &groups;
    p.signature_schemes = &schemes;
    p.key_shares.push_back({0x001d, ByteView(share)});
    p.offer_tls13 = v13;
    p.offer_tls12 = v12;
    p.tls12_cipher_suites = &suites12;
    return p;
  }
};

TEST(ClientHello12, OffersBothVersionsWithThe12ExtensionsAndSuites) {
  HelloInputs in;
  Bytes msg;
  ASSERT_TRUE(build_client_hello(in.params(true, true), msg, nullptr, nullptr).is_ok());
  std::vector<uint16_t> suites;
  auto exts = hello_extensions(msg, &suites);
  EXPECT_EQ(suites, (std::vector<uint16_t>{0x1301, 0xCCA9, 0xC02F}));  // 1.3 first
  ASSERT_NE(ext_data(exts, ext::supported_versions), nullptr);
  EXPECT_EQ(hex(*ext_data(exts, ext::supported_versions)), "0403040303");  // 1.3 then 1.2
  ASSERT_NE(ext_data(exts, ext::extended_master_secret), nullptr);
  EXPECT_TRUE(ext_data(exts, ext::extended_master_secret)->empty());
  ASSERT_NE(ext_data(exts, ext::renegotiation_info), nullptr);
  EXPECT_EQ(hex(*ext_data(exts, ext::renegotiation_info)), "00");
  ASSERT_NE(ext_data(exts, ext::ec_point_formats), nullptr);
  EXPECT_EQ(hex(*ext_data(exts, ext::ec_point_formats)), "0100");
  ASSERT_NE(ext_data(exts, ext::session_ticket), nullptr);
  EXPECT_TRUE(ext_data(exts, ext::session_ticket)->empty());
  EXPECT_NE(ext_data(exts, ext::key_share), nullptr);
  EXPECT_NE(ext_data(exts, ext::psk_key_exchange_modes), nullptr);
}

TEST(ClientHello12, A13OnlyHelloHasNoneOfThe12Parts) {
  HelloInputs in;
  Bytes msg;
  ASSERT_TRUE(build_client_hello(in.params(true, false), msg, nullptr, nullptr).is_ok());
  std::vector<uint16_t> suites;
  auto exts = hello_extensions(msg, &suites);
  EXPECT_EQ(suites, (std::vector<uint16_t>{0x1301}));
  EXPECT_EQ(hex(*ext_data(exts, ext::supported_versions)), "020304");
  for (uint16_t t : {ext::extended_master_secret, ext::renegotiation_info, ext::ec_point_formats, ext::session_ticket})
    EXPECT_EQ(ext_data(exts, t), nullptr) << t;
}

TEST(ClientHello12, A12OnlyHelloHasNo13Extensions) {
  HelloInputs in;
  Bytes msg;
  ASSERT_TRUE(build_client_hello(in.params(false, true), msg, nullptr, nullptr).is_ok());
  std::vector<uint16_t> suites;
  auto exts = hello_extensions(msg, &suites);
  EXPECT_EQ(suites, (std::vector<uint16_t>{0xCCA9, 0xC02F}));
  EXPECT_EQ(hex(*ext_data(exts, ext::supported_versions)), "020303");
  EXPECT_EQ(ext_data(exts, ext::key_share), nullptr);
  EXPECT_EQ(ext_data(exts, ext::psk_key_exchange_modes), nullptr);
}

// ---- ServerHello

Bytes ext_block(std::vector<std::pair<uint16_t, Bytes>> exts) {
  Bytes b;
  Writer w(b);
  for (auto& e : exts) {
    w.u16(e.first);
    w.vec16(ByteView(e.second));
  }
  return b;
}

Bytes server_hello12(const Bytes& exts, uint16_t suite = 0xC02B) {
  Bytes b;
  Writer w(b);
  w.u16(0x0303);
  w.bytes(Bytes(32, 0x77));
  w.u8(0);  // empty session id
  w.u16(suite);
  w.u8(0);
  w.vec16(ByteView(exts));
  return b;
}

TEST(ServerHello12, WithoutSupportedVersionsTheExtensionsAreLeftForThe12Machine) {
  Bytes exts = ext_block({{ext::renegotiation_info, {0}}, {ext::extended_master_secret, {}}});
  ServerHello sh;
  const Bytes body = server_hello12(exts);  // sh's views point into it
  ASSERT_TRUE(parse_server_hello(body, 32, &sh).is_ok());
  EXPECT_EQ(sh.selected_version, 0);
  EXPECT_EQ(hex(sh.legacy_extensions), hex(exts));
  ServerHello12Extensions ex;
  ASSERT_TRUE(parse_server_hello12_extensions(sh.legacy_extensions, Offered12(), 32, &ex).is_ok());
  EXPECT_TRUE(ex.renegotiation_info);
  EXPECT_TRUE(ex.renegotiated_connection.empty());
  EXPECT_TRUE(ex.extended_master_secret);
  EXPECT_FALSE(ex.session_ticket);
}

TEST(ServerHello12, EveryOfferedExtensionIsUnderstood) {
  Offered12 off;
  off.sni = true;
  off.alpn = true;
  Bytes exts = ext_block({{ext::renegotiation_info, {0}},
                          {ext::extended_master_secret, {}},
                          {ext::session_ticket, {}},
                          {ext::ec_point_formats, {2, 1, 0}},
                          {ext::server_name, {}},
                          {ext::alpn, {0, 3, 2, 'h', '2'}}});
  ServerHello12Extensions ex;
  ASSERT_TRUE(parse_server_hello12_extensions(exts, off, 32, &ex).is_ok());
  EXPECT_TRUE(ex.session_ticket && ex.ec_point_formats && ex.server_name_ack && ex.has_alpn);
  EXPECT_EQ(std::string(ex.alpn.begin(), ex.alpn.end()), "h2");
}

TEST(ServerHello12, BadExtensionsGetTheirAlerts) {
  struct Case {
    const char* name;
    Bytes block;
    Alert alert;
  };
  const std::vector<Case> cases = {
      {"duplicate", ext_block({{ext::extended_master_secret, {}}, {ext::extended_master_secret, {}}}),
       Alert::illegal_parameter},
      {"a TLS 1.3 extension", ext_block({{ext::key_share, {0, 0x1d, 0, 0}}}), Alert::unsupported_extension},
      {"never offered", ext_block({{ext::max_fragment_length, {1}}}), Alert::unsupported_extension},
      {"ALPN not offered", ext_block({{ext::alpn, {0, 3, 2, 'h', '2'}}}), Alert::unsupported_extension},
      {"SNI not sent", ext_block({{ext::server_name, {}}}), Alert::unsupported_extension},
      {"no uncompressed point format", ext_block({{ext::ec_point_formats, {1, 1}}}), Alert::illegal_parameter},
      {"EMS with content", ext_block({{ext::extended_master_secret, {0}}}), Alert::decode_error},
      {"session_ticket with content", ext_block({{ext::session_ticket, {1}}}), Alert::decode_error},
      {"renegotiation_info short", ext_block({{ext::renegotiation_info, {2, 0}}}), Alert::decode_error},
      {"truncated block", Bytes{0xff, 0x01, 0x00}, Alert::decode_error},
  };
  for (const Case& c : cases) {
    ServerHello12Extensions ex;
    EXPECT_EQ(parse_server_hello12_extensions(c.block, Offered12(), 32, &ex).alert(), c.alert) << c.name;
  }
}

TEST(ServerHello12, NonEmptyRenegotiationInfoIsReportedForTheMachineToRefuse) {
  ServerHello12Extensions ex;
  const Bytes block = ext_block({{ext::renegotiation_info, {2, 7, 7}}});  // views point into it
  ASSERT_TRUE(parse_server_hello12_extensions(block, Offered12(), 32, &ex).is_ok());
  EXPECT_EQ(hex(ex.renegotiated_connection), "0707");
}

// ---- Certificate, ServerKeyExchange, CertificateRequest, NewSessionTicket

TEST(Certificate12, ListOfCertificatesWithinTheLimit) {
  Bytes body = {0, 0, 10, 0, 0, 2, 0xaa, 0xbb, 0, 0, 2, 0xcc, 0xdd};
  std::vector<ByteView> certs;
  ASSERT_TRUE(parse_certificate12(body, 4, &certs).is_ok());
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(hex(certs[1]), "ccdd");
  EXPECT_EQ(parse_certificate12(body, 1, &certs).alert(), Alert::decode_error);
  EXPECT_EQ(parse_certificate12(Bytes{0, 0, 3, 0, 0, 0}, 4, &certs).alert(), Alert::decode_error);  // empty cert
  EXPECT_EQ(parse_certificate12(Bytes{0, 0, 4, 0, 0, 2, 1}, 4, &certs).alert(), Alert::decode_error);
  ASSERT_TRUE(parse_certificate12(Bytes{0, 0, 0}, 4, &certs).is_ok());
  EXPECT_TRUE(certs.empty());  // the machine refuses an empty chain
}

TEST(ServerKeyExchange12, NamedCurveParamsAndSignature) {
  // curve_type 3, secp256r1, point<3>, ecdsa_secp256r1_sha256, signature<2>
  Bytes body = {3, 0, 0x17, 3, 4, 1, 2, 4, 3, 0, 2, 0xee, 0xff};
  ServerKeyExchange12 ske;
  ASSERT_TRUE(parse_server_key_exchange12(body, &ske).is_ok());
  EXPECT_EQ(ske.group, 0x0017);
  EXPECT_EQ(hex(ske.public_point), "040102");
  EXPECT_EQ(hex(ske.params), "030017" "03040102");  // what the signature covers
  EXPECT_EQ(ske.scheme, 0x0403);
  EXPECT_EQ(hex(ske.signature), "eeff");
  Bytes content;
  server_key_exchange12_signed_content(Bytes(32, 1), Bytes(32, 2), ske.params, content);
  EXPECT_EQ(hex(content), hex(Bytes(32, 1)) + hex(Bytes(32, 2)) + "03001703040102");

  Bytes explicit_curve = body;
  explicit_curve[0] = 1;
  EXPECT_EQ(parse_server_key_exchange12(explicit_curve, &ske).alert(), Alert::illegal_parameter);
  Bytes trailing = body;
  trailing.push_back(0);
  EXPECT_EQ(parse_server_key_exchange12(trailing, &ske).alert(), Alert::decode_error);
  Bytes empty_point = {3, 0, 0x17, 0, 4, 3, 0, 1, 1};
  EXPECT_EQ(parse_server_key_exchange12(empty_point, &ske).alert(), Alert::decode_error);
  Bytes empty_sig = {3, 0, 0x17, 1, 4, 4, 3, 0, 0};
  EXPECT_EQ(parse_server_key_exchange12(empty_sig, &ske).alert(), Alert::decode_error);
  EXPECT_EQ(parse_server_key_exchange12(Bytes{}, &ske).alert(), Alert::decode_error);
}

TEST(CertificateRequest12, FramingIsChecked) {
  EXPECT_TRUE(parse_certificate_request12(Bytes{1, 64, 0, 2, 4, 3, 0, 0}).is_ok());
  EXPECT_EQ(parse_certificate_request12(Bytes{0, 0, 2, 4, 3, 0, 0}).alert(), Alert::decode_error);  // no types
  EXPECT_EQ(parse_certificate_request12(Bytes{1, 64, 0, 3, 4, 3, 1, 0, 0}).alert(), Alert::decode_error);  // odd
  EXPECT_EQ(parse_certificate_request12(Bytes{1, 64, 0, 2, 4, 3, 0, 0, 9}).alert(), Alert::decode_error);
}

TEST(NewSessionTicket12, HintAndTicket) {
  NewSessionTicket12 nst;
  const Bytes body = {0, 0, 0x1c, 0x20, 0, 3, 7, 8, 9};  // the ticket view points into it
  ASSERT_TRUE(parse_new_session_ticket12(body, &nst).is_ok());
  EXPECT_EQ(nst.lifetime_hint_s, 7200u);
  EXPECT_EQ(hex(nst.ticket), "070809");
  ASSERT_TRUE(parse_new_session_ticket12(Bytes{0, 0, 0, 0, 0, 0}, &nst).is_ok());
  EXPECT_TRUE(nst.ticket.empty());
  EXPECT_EQ(parse_new_session_ticket12(Bytes{0, 0, 0, 0, 0, 3, 7}, &nst).alert(), Alert::decode_error);
  EXPECT_EQ(parse_new_session_ticket12(Bytes{0, 0, 0, 0, 0, 1, 7, 0}, &nst).alert(), Alert::decode_error);
}

}  // namespace
}  // namespace mactls
