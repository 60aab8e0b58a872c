// Handshake message codecs: the ClientHello we build, and every parser with
// good and bad inputs (RFC 8446 §4). Expected alerts follow §4.2 and §6.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/bytes.h"
#include "handshake/messages.h"
#include "support/vectors.h"

namespace mactls {
namespace {

using test::hex;

struct Ext {
  uint16_t type;
  Bytes data;
};

// Walks a ClientHello we built, independently of the builder's code.
struct ParsedHello {
  Bytes random, session_id;
  std::vector<uint16_t> suites;
  std::vector<Ext> exts;
  size_t exts_at = 0;
};

ParsedHello parse_hello(const Bytes& msg) {
  ParsedHello h;
  Reader r{ByteView(msg)};
  uint8_t type;
  uint32_t len;
  uint16_t version;
  ByteView random, sid, suites, comp, exts;
  EXPECT_TRUE(r.u8(type) && r.u24(len));
  EXPECT_EQ(type, 1);
  EXPECT_EQ(len, msg.size() - 4);
  EXPECT_TRUE(r.u16(version) && r.bytes(32, random) && r.vec8(sid) && r.vec16(suites) && r.vec8(comp));
  EXPECT_EQ(version, 0x0303);
  EXPECT_EQ(to_hex(comp), "00");
  h.exts_at = r.position();
  EXPECT_TRUE(r.vec16(exts));
  EXPECT_TRUE(r.empty());
  h.random = random.to_bytes();
  h.session_id = sid.to_bytes();
  for (size_t i = 0; i + 1 < suites.size; i += 2) h.suites.push_back(load_be16(suites.data + i));
  Reader e(exts);
  while (!e.empty()) {
    uint16_t t = 0;
    ByteView d;
    EXPECT_TRUE(e.u16(t) && e.vec16(d));
    h.exts.push_back({t, d.to_bytes()});
  }
  return h;
}

const Ext* find(const ParsedHello& h, uint16_t type) {
  for (const Ext& e : h.exts)
    if (e.type == type) return &e;
  return nullptr;
}

struct HelloFixture {
  uint8_t random[32], sid[32];
  std::vector<uint16_t> suites = {0x1301, 0x1302, 0x1303};
  std::vector<uint16_t> groups = {0x001d, 0x0017, 0x0018};
  std::vector<uint16_t> schemes = {0x0403, 0x0804};
  std::vector<std::string> alpn = {"http/1.1"};
  Bytes share = Bytes(32, 0xab);
  ClientHelloParams params() {
    for (int i = 0; i < 32; ++i) random[i] = uint8_t(i), sid[i] = uint8_t(0x80 + i);
    ClientHelloParams p;
    p.random = random;
    p.session_id = sid;
    p.cipher_suites = &suites;
    p.groups = &groups;
    p.signature_schemes = &schemes;
    p.key_shares.push_back({0x001d, ByteView(share)});
    p.server_name = ByteView(reinterpret_cast<const uint8_t*>("example.com"), 11);
    p.alpn = &alpn;
    return p;
  }
};

TEST(ClientHello, CarriesEveryRequiredExtension) {
  HelloFixture f;
  Bytes msg;
  ClientHelloParams p = f.params();
  ASSERT_TRUE(build_client_hello(p, msg, nullptr, nullptr).is_ok());
  ParsedHello h = parse_hello(msg);
  EXPECT_EQ(h.session_id.size(), 32u) << "middlebox compatibility session id (§D.4)";
  EXPECT_EQ(h.suites, f.suites);
  ASSERT_NE(find(h, ext::supported_versions), nullptr);
  EXPECT_EQ(to_hex(find(h, ext::supported_versions)->data), "020304");
  ASSERT_NE(find(h, ext::psk_key_exchange_modes), nullptr);
  EXPECT_EQ(to_hex(find(h, ext::psk_key_exchange_modes)->data), "0101") << "psk_dhe_ke only";
  ASSERT_NE(find(h, ext::server_name), nullptr);
  EXPECT_EQ(to_hex(find(h, ext::server_name)->data), "000e00000b" + to_hex(p.server_name));
  ASSERT_NE(find(h, ext::key_share), nullptr);
  EXPECT_EQ(to_hex(find(h, ext::key_share)->data), "0024001d0020" + to_hex(f.share));
  ASSERT_NE(find(h, ext::alpn), nullptr);
  EXPECT_EQ(to_hex(find(h, ext::alpn)->data), "000908687474702f312e31");
  EXPECT_EQ(find(h, ext::pre_shared_key), nullptr);
  EXPECT_EQ(find(h, ext::cookie), nullptr);
  EXPECT_EQ(to_hex(find(h, ext::supported_groups)->data), "0006001d00170018");
}

// Every length the builder writes is checked: a field longer than its
// prefix must fail cleanly, never wrap into a malformed ClientHello.
TEST(ClientHello, ACookieThatWouldWrapTheExtensionsLengthFailsAndAppendsNothing) {
  HelloFixture f;
  ClientHelloParams p = f.params();
  // A cookie as large as a HelloRetryRequest can carry: its own extension
  // fits (2 + 65480 < 2^16), but with the others the block does not.
  Bytes cookie(65480, 0xc0);
  p.cookie = ByteView(cookie);
  Bytes msg = {0xaa};
  Status s = build_client_hello(p, msg, nullptr, nullptr);
  EXPECT_EQ(s.alert(), Alert::internal_error) << s.what();
  EXPECT_NE(std::string(s.what()).find("extensions"), std::string::npos) << s.what();
  EXPECT_EQ(msg, Bytes{0xaa}) << "nothing malformed is left in the output";
  // One that does fit still builds, with exact lengths.
  Bytes fits(65535 - 300, 0xc0);
  p.cookie = ByteView(fits);
  msg.clear();
  ASSERT_TRUE(build_client_hello(p, msg, nullptr, nullptr).is_ok());
  ParsedHello h = parse_hello(msg);
  ASSERT_NE(find(h, ext::cookie), nullptr);
  EXPECT_EQ(find(h, ext::cookie)->data.size(), fits.size() + 2);
}

TEST(ClientHello, EveryOverlongFieldIsRefused) {
  HelloFixture f;
  Bytes msg;
  {
    ClientHelloParams p = f.params();
    Bytes cookie(65534, 1);  // cookie<1..2^16-1> fits, its extension data does not
    p.cookie = ByteView(cookie);
    EXPECT_FALSE(build_client_hello(p, msg, nullptr, nullptr).is_ok());
  }
  {
    ClientHelloParams p = f.params();
    std::string host(70000, 'a');
    p.server_name = ByteView(reinterpret_cast<const uint8_t*>(host.data()), host.size());
    EXPECT_FALSE(build_client_hello(p, msg, nullptr, nullptr).is_ok());
  }
  {
    ClientHelloParams p = f.params();
    std::vector<uint16_t> suites(40000, 0x1301);
    p.cipher_suites = &suites;
    EXPECT_FALSE(build_client_hello(p, msg, nullptr, nullptr).is_ok());
  }
  {
    ClientHelloParams p = f.params();
    std::vector<std::string> alpn = {std::string(256, 'h')};
    p.alpn = &alpn;
    EXPECT_FALSE(build_client_hello(p, msg, nullptr, nullptr).is_ok());
  }
  {
    ClientHelloParams p = f.params();
    std::vector<std::string> alpn(300, std::string(255, 'h'));
    p.alpn = &alpn;
    EXPECT_FALSE(build_client_hello(p, msg, nullptr, nullptr).is_ok());
  }
  {
    ClientHelloParams p = f.params();
    Bytes identity(65530, 7);
    PskOffer psk;
    psk.identity = ByteView(identity);
    psk.binder_len = 32;
    p.psk = &psk;
    EXPECT_FALSE(build_client_hello(p, msg, nullptr, nullptr).is_ok());
  }
  EXPECT_TRUE(msg.empty());
}

TEST(ClientHello, PreSharedKeyIsLastAndBinderOffsetsAreExact) {
  HelloFixture f;
  Bytes identity = hex("0102030405");
  PskOffer psk;
  psk.identity = ByteView(identity);
  psk.obfuscated_age = 0x11223344;
  psk.binder_len = 32;
  ClientHelloParams p = f.params();
  p.psk = &psk;
  Bytes cookie = hex("c0ffee");
  p.cookie = ByteView(cookie);
  Bytes msg;
  size_t binders_at = 0, binder_at = 0;
  ASSERT_TRUE(build_client_hello(p, msg, &binders_at, &binder_at).is_ok());
  ParsedHello h = parse_hello(msg);
  ASSERT_FALSE(h.exts.empty());
  EXPECT_EQ(h.exts.back().type, ext::pre_shared_key) << "§4.2.11: MUST be the last extension";
  EXPECT_EQ(to_hex(find(h, ext::cookie)->data), "0003c0ffee");
  // identities<7..2^16-1> then binders<33..2^16-1>.
  EXPECT_EQ(to_hex(h.exts.back().data),
            "000b" "0005" "0102030405" "11223344" "0021" "20" + std::string(64, '0'));
  // The binders list (with its length) is the tail of the message.
  EXPECT_EQ(binders_at, msg.size() - 2 - 1 - 32);
  EXPECT_EQ(binder_at, msg.size() - 32);
}

Bytes server_hello_body(const std::string& exts_hex, const std::string& suite = "1301",
                        const std::string& random = std::string(64, '1'), const std::string& comp = "00") {
  return hex("0303" + random + "20" + std::string(64, 'a') + suite + comp + exts_hex);
}

// Prefixes hex with its 2-byte length (spaces in the hex are ignored).
std::string with_len(const std::string& spaced) {
  std::string h;
  for (char c : spaced)
    if (c != ' ') h += c;
  Bytes len(2);
  store_be16(len.data(), uint16_t(h.size() / 2));
  return to_hex(ByteView(len)) + h;
}

TEST(ServerHelloParser, ReadsVersionKeyShareAndPsk) {
  std::string exts = "002b00020304" "0033" + with_len("001d" + with_len(std::string(64, 'b'))) + "0029000200" "00";
  Bytes body = server_hello_body(with_len(exts));
  ServerHello sh;
  ASSERT_TRUE(parse_server_hello(body, 64, &sh).is_ok());
  EXPECT_FALSE(sh.is_hrr);
  EXPECT_EQ(sh.selected_version, 0x0304);
  EXPECT_EQ(sh.key_share_group, 0x001d);
  EXPECT_EQ(sh.key_share.size, 32u);
  EXPECT_TRUE(sh.has_psk);
  EXPECT_EQ(sh.selected_identity, 0);
}

TEST(ServerHelloParser, RecognisesHelloRetryRequestAndItsCookie) {
  std::string exts = "002b00020304" "003300020018" "002c0005" "0003abcdef";
  Bytes body = server_hello_body(with_len(exts), "1301", to_hex(ByteView(kHelloRetryRandom, 32)));
  ServerHello sh;
  ASSERT_TRUE(parse_server_hello(body, 64, &sh).is_ok());
  EXPECT_TRUE(sh.is_hrr);
  EXPECT_EQ(sh.key_share_group, 0x0018);
  EXPECT_EQ(to_hex(sh.cookie), "abcdef");
}

struct BadServerHello {
  const char* name;
  Bytes body;
  Alert alert;
};

TEST(ServerHelloParser, RejectsMalformedWithTheRightAlert) {
  std::string ks = "0033" + with_len("001d" + with_len(std::string(64, 'b')));
  std::vector<BadServerHello> cases = {
      {"truncated", hex("0303" + std::string(40, '1')), Alert::decode_error},
      {"duplicate supported_versions", server_hello_body(with_len("002b00020304002b00020304" + ks)), Alert::illegal_parameter},
      {"unknown extension", server_hello_body(with_len("002b00020304" + ks + "fafa0000")), Alert::unsupported_extension},
      {"misplaced extension (ALPN in ServerHello)", server_hello_body(with_len("002b00020304" + ks + "0010000500030268 32")), Alert::illegal_parameter},
      {"cookie in a ServerHello", server_hello_body(with_len("002b00020304" + ks + "002c00030001aa")), Alert::illegal_parameter},
      {"compression not null", server_hello_body(with_len("002b00020304" + ks), "1301", std::string(64, '1'), "01"), Alert::illegal_parameter},
      {"extensions overrun", server_hello_body("00ff002b00020304"), Alert::decode_error},
      {"trailing bytes", server_hello_body(with_len("002b00020304") + "00"), Alert::decode_error},
      {"supported_versions too long", server_hello_body(with_len("002b0003030400")), Alert::decode_error},
      {"empty key_exchange", server_hello_body(with_len("002b00020304" "00330004001d0000")), Alert::decode_error},
  };
  for (const auto& c : cases) {
    ServerHello sh;
    Status s = parse_server_hello(c.body, 64, &sh);
    EXPECT_FALSE(s.is_ok()) << c.name;
    EXPECT_EQ(alert_name(s.alert()), std::string(alert_name(c.alert))) << c.name << ": " << s.what();
  }
}

TEST(ServerHelloParser, ExtensionCountIsBounded) {
  std::string ks = "0033" + with_len("001d" + with_len(std::string(64, 'b')));
  Bytes body = server_hello_body(with_len("002b00020304" + ks));
  ServerHello sh;
  EXPECT_TRUE(parse_server_hello(body, 2, &sh).is_ok());
  Status s = parse_server_hello(body, 1, &sh);
  EXPECT_EQ(s.alert(), Alert::decode_error) << s.what();
}

TEST(EncryptedExtensionsParser, AcceptsAnsweredOffersOnly) {
  EncryptedExtensions ee;
  // ALPN "h2" and an empty server_name acknowledgement.
  Bytes good = hex(with_len("0010000500030268 32" "00000000"));
  ASSERT_TRUE(parse_encrypted_extensions(good, true, true, 64, &ee).is_ok());
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ee.alpn.data), ee.alpn.size), "h2");
  EXPECT_TRUE(ee.server_name_ack);

  EncryptedExtensions e2;
  EXPECT_EQ(parse_encrypted_extensions(good, false, true, 64, &e2).alert(), Alert::unsupported_extension)
      << "ALPN answer without an offer";
  EXPECT_EQ(parse_encrypted_extensions(hex(with_len("002a0000")), true, true, 64, &e2).alert(),
            Alert::unsupported_extension) << "early_data never offered";
  EXPECT_EQ(parse_encrypted_extensions(hex(with_len("002b00020304")), true, true, 64, &e2).alert(),
            Alert::illegal_parameter) << "supported_versions does not belong in EE";
  EXPECT_EQ(parse_encrypted_extensions(hex(with_len("0010000600040168 0132")), true, true, 64, &e2).alert(),
            Alert::decode_error) << "two ALPN protocols in the answer";
  EXPECT_EQ(parse_encrypted_extensions(hex("0005000000"), true, true, 64, &e2).alert(), Alert::decode_error);
}

TEST(CertificateParser, ReadsEntriesAndRejectsExtensionsAndOverlongChains) {
  // context<0>, two entries of 3 and 2 bytes without extensions.
  Bytes body = hex("00" "00000f" "000003aabbcc0000" "000002ddee0000");
  CertificateMsg cm;
  ASSERT_TRUE(parse_certificate(body, 10, 64, &cm).is_ok());
  ASSERT_EQ(cm.certs.size(), 2u);
  EXPECT_EQ(to_hex(cm.certs[0]), "aabbcc");
  EXPECT_EQ(to_hex(cm.certs[1]), "ddee");
  EXPECT_EQ(parse_certificate(body, 1, 64, &cm).alert(), Alert::bad_certificate);
  Bytes with_ext = hex("00" "00000c" "000003aabbcc0004" "00050000");
  EXPECT_EQ(parse_certificate(with_ext, 10, 64, &cm).alert(), Alert::unsupported_extension);
  EXPECT_EQ(parse_certificate(hex("00" "000005" "000009aabb"), 10, 64, &cm).alert(), Alert::decode_error);
  EXPECT_EQ(parse_certificate(hex("00" "000005" "0000000000"), 10, 64, &cm).alert(), Alert::decode_error)
      << "empty cert_data";
  // Found by fuzz_certificate: the header says zero entries are
  // decode_error, and they were accepted (fuzz/regressions/certificate/).
  EXPECT_EQ(parse_certificate(hex("00" "000000"), 10, 64, &cm).alert(), Alert::decode_error)
      << "empty certificate_list";
}

TEST(CertificateVerify, ContentIsTheRfc8446Layout) {
  // RFC 8446 §4.4.3: 64 spaces, the context string, a zero byte, the hash.
  Bytes th(32, 0x01);
  uint8_t out[200];
  size_t n = certificate_verify_content(ByteView(th), out);
  ASSERT_EQ(n, 64u + 33u + 1u + 32u);
  std::string spaces;
  for (int i = 0; i < 64; ++i) spaces += "20";
  EXPECT_EQ(to_hex(ByteView(out, 64)), spaces);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out + 64), 33), "TLS 1.3, server CertificateVerify");
  EXPECT_EQ(out[97], 0);
  EXPECT_EQ(to_hex(ByteView(out + 98, 32)), to_hex(th));
  CertificateVerifyMsg cv;
  ASSERT_TRUE(parse_certificate_verify(hex("0804" "0002abcd"), &cv).is_ok());
  EXPECT_EQ(cv.scheme, 0x0804);
  EXPECT_EQ(parse_certificate_verify(hex("0804" "0000"), &cv).alert(), Alert::decode_error);
  EXPECT_EQ(parse_certificate_verify(hex("0804" "0002abcdef"), &cv).alert(), Alert::decode_error);
}

TEST(KeyUpdateParser, OnlyZeroOrOne) {
  bool req = false;
  ASSERT_TRUE(parse_key_update(hex("01"), &req).is_ok());
  EXPECT_TRUE(req);
  ASSERT_TRUE(parse_key_update(hex("00"), &req).is_ok());
  EXPECT_FALSE(req);
  EXPECT_EQ(parse_key_update(hex("02"), &req).alert(), Alert::illegal_parameter);
  EXPECT_EQ(parse_key_update(hex("0000"), &req).alert(), Alert::decode_error);
}

TEST(CertificateRequestParser, RequiresSignatureAlgorithms) {
  CertificateRequestMsg cr;
  ASSERT_TRUE(parse_certificate_request(hex("00" "0008" "000d000400020403"), 64, &cr).is_ok());
  EXPECT_EQ(parse_certificate_request(hex("00" "0000"), 64, &cr).alert(), Alert::missing_extension);
  EXPECT_EQ(parse_certificate_request(hex("00" "0004" "002b0000"), 64, &cr).alert(), Alert::illegal_parameter);
}

TEST(CertificateRequestParser, IgnoresUnrecognisedExtensions) {
  // RFC 8446 §4.3.2: "Clients MUST ignore unrecognized extensions." GREASE
  // (RFC 8701, 0x0a0a) and compress_certificate (RFC 8879, 27) around the
  // mandatory signature_algorithms.
  CertificateRequestMsg cr;
  Status s = parse_certificate_request(hex("00" "0013" "0a0a0000" "001b00030202" "01" "000d000400020403"), 64, &cr);
  EXPECT_TRUE(s.is_ok()) << s.what();
  // Still required, still unique, still framed.
  EXPECT_EQ(parse_certificate_request(hex("00" "0004" "0a0a0000"), 64, &cr).alert(), Alert::missing_extension);
  EXPECT_EQ(parse_certificate_request(hex("00" "0010" "0a0a0000" "0a0a0000" "000d000400020403"), 64, &cr).alert(),
            Alert::illegal_parameter);
  EXPECT_EQ(parse_certificate_request(hex("00" "0005" "0a0a0002" "00"), 64, &cr).alert(), Alert::decode_error);
}

}  // namespace
}  // namespace mactls
