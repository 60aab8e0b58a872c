// Name constraints (RFC 5280 §4.2.1.10, §6.1.3(b)(c)): check_name_constraints
// on certificates openssl makes at test time and on hand-built names for the
// edge cases, and the rule along whole chains through verify_server_chain
// (sub-CA and trust-anchor constraints, critical or not).
#include <gtest/gtest.h>

#include <ctime>
#include <initializer_list>
#include <string>
#include <vector>

#include "mactls/trust.h"
#include "support/assert_status.h"
#include "support/der_builder.h"
#include "support/pki.h"
#include "x509/certificate.h"
#include "x509/name_constraints.h"
#include "x509/verify.h"

namespace mactls {
namespace {

using test::cert_spec;
using test::CertSpec;
using test::KeyKind;
using test::Pki;
using test::cat;
using test::tlv;

// ---------------------------------------------------------------------------
// Hand-built DER for names and constraints.

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

Bytes dns(const std::string& s) { return tlv(0x82, text(s)); }
Bytes ip(std::initializer_list<uint8_t> octets) { return tlv(0x87, Bytes(octets)); }
Bytes rfc822(const std::string& s) { return tlv(0x81, text(s)); }
Bytes uri(const std::string& s) { return tlv(0x86, text(s)); }

const Bytes kCn{0x55, 0x04, 0x03}, kO{0x55, 0x04, 0x0a}, kC{0x55, 0x04, 0x06};
constexpr uint8_t kUtf8 = 0x0c, kPrintable = 0x13;

Bytes rdn(const Bytes& oid, uint8_t string_tag, const std::string& value) {
  return tlv(0x31, tlv(0x30, cat({tlv(0x06, oid), tlv(string_tag, text(value))})));
}
Bytes dn(std::initializer_list<Bytes> rdns) { return tlv(0x30, cat(rdns)); }
Bytes dirname(const Bytes& name) { return tlv(0xa4, name); }

Bytes subtree(const Bytes& base) { return tlv(0x30, base); }
Bytes subtrees(uint8_t tag, std::initializer_list<Bytes> bases) {
  Bytes list;
  for (const Bytes& b : bases) {
    Bytes s = subtree(b);
    list.insert(list.end(), s.begin(), s.end());
  }
  return tlv(tag, list);
}
Bytes permitted(std::initializer_list<Bytes> bases) { return subtrees(0xa0, bases); }
Bytes excluded(std::initializer_list<Bytes> bases) { return subtrees(0xa1, bases); }

// The names of a certificate, without the rest of it.
struct Names {
  Bytes subject = dn({});
  Bytes san;
  bool has_san = true;
  ParsedCertificate cert() const {
    ParsedCertificate c;
    c.subject = subject;
    c.has_san = has_san;
    c.san = san;
    return c;
  }
};

Names sans(std::initializer_list<Bytes> names) {
  Names n;
  n.san = cat(names);
  return n;
}

Status check(const Bytes& constraints, const Names& n) {
  size_t budget = kNameConstraintBudget;
  return check_name_constraints(constraints, n.cert(), &budget);
}

void expect_refused(const Status& s, Alert alert, const std::string& what) {
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(alert_name(s.alert()), std::string(alert_name(alert))) << s.what();
  EXPECT_NE(std::string(s.what()).find(what), std::string::npos) << s.what();
}

// ---------------------------------------------------------------------------
// dNSName subtrees.

TEST(DnsNameSubtree, LabelBoundaryLeadingDotEmptyAndCase) {
  struct Case {
    const char* name;
    const char* constraint;
    bool inside;
  } cases[] = {
      {"allowed.test", "allowed.test", true},
      {"www.allowed.test", "allowed.test", true},
      {"a.b.allowed.test", "allowed.test", true},
      {"notallowed.test", "allowed.test", false},  // not at a label boundary
      {"allowed.test.evil", "allowed.test", false},
      {"test", "allowed.test", false},
      {"WWW.Allowed.TEST", "allowed.test", true},  // case-insensitive
      {"www.allowed.test", "ALLOWED.test", true},
      {"allowed.test", ".allowed.test", false},    // leading dot: subdomains only
      {"www.allowed.test", ".allowed.test", true},
      {"xallowed.test", ".allowed.test", false},
      {"anything.example", "", true},              // "" is every name
      {"*.allowed.test", "allowed.test", true},    // every name the wildcard stands for is inside
      {"*.allowed.test", ".allowed.test", true},
      {"*.allowed.test", "www.allowed.test", false},
      {"*.test", "allowed.test", false},
      {"allowed.test.", "allowed.test", false},    // absolute names are malformed
      {"allowed.test", "allowed.test.", false},
      {"bad name.test", "test", false},
      {"a..test", "test", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.name) + " under " + c.constraint);
    Bytes n = text(c.name), k = text(c.constraint);
    EXPECT_EQ(dns_name_in_subtree(n, k, false), c.inside);
    if (std::string(c.name)[0] != '*') {
      EXPECT_EQ(dns_name_in_subtree(n, k, true), c.inside);
    }
  }
  // For excluded subtrees a wildcard counts if any name it stands for is
  // inside: "*.allowed.test" may be "www.allowed.test".
  EXPECT_TRUE(dns_name_in_subtree(text("*.allowed.test"), text("www.allowed.test"), true));
  EXPECT_FALSE(dns_name_in_subtree(text("*.allowed.test"), text("a.b.allowed.test"), true));
  EXPECT_FALSE(dns_name_in_subtree(text("*.allowed.test"), text("www.other.test"), true));
}

TEST(NameConstraintsCheck, DnsPermittedAndExcluded) {
  const Bytes nc = cat({permitted({dns("allowed.test"), dns(".other.test")}), excluded({dns("bad.allowed.test")})});
  ASSERT_OK(check(nc, sans({dns("allowed.test"), dns("www.allowed.test"), dns("x.other.test")})));
  ASSERT_OK(check(permitted({dns("allowed.test")}), sans({dns("*.allowed.test")})));
  // "*.allowed.test" could stand for bad.allowed.test, which is excluded.
  expect_refused(check(nc, sans({dns("*.allowed.test")})), Alert::bad_certificate, "excluded by name constraints");
  expect_refused(check(nc, sans({dns("victim.test")})), Alert::bad_certificate, "outside the permitted");
  expect_refused(check(nc, sans({dns("notallowed.test")})), Alert::bad_certificate, "outside the permitted");
  expect_refused(check(nc, sans({dns("other.test")})), Alert::bad_certificate, "outside the permitted");
  // Every name must be inside: one good name does not carry a bad one.
  expect_refused(check(nc, sans({dns("www.allowed.test"), dns("victim.test")})), Alert::bad_certificate,
                 "outside the permitted");
  expect_refused(check(nc, sans({dns("bad.allowed.test")})), Alert::bad_certificate, "excluded by name constraints");
  expect_refused(check(nc, sans({dns("x.BAD.allowed.test")})), Alert::bad_certificate, "excluded");
  const Bytes ex = excluded({dns("www.allowed.test")});
  expect_refused(check(ex, sans({dns("*.allowed.test")})), Alert::bad_certificate, "excluded");
  ASSERT_OK(check(ex, sans({dns("*.other.test"), dns("allowed.test")})));
  // An empty excluded dNSName forbids every DNS name, not other forms.
  const Bytes all = excluded({dns("")});
  expect_refused(check(all, sans({dns("a.test")})), Alert::bad_certificate, "excluded");
  ASSERT_OK(check(all, sans({ip({10, 0, 0, 1})})));
  // A malformed presented name under a DNS constraint is refused.
  expect_refused(check(nc, sans({dns("allowed.test.")})), Alert::bad_certificate, "malformed subjectAltName");
}

TEST(NameConstraintsCheck, AFormWithoutNamesInTheCertificateDoesNotRestrictIt) {
  // Only IP constraints: DNS names are free; only DNS constraints: IPs are free.
  ASSERT_OK(check(permitted({ip({10, 0, 0, 0, 255, 0, 0, 0})}), sans({dns("victim.test")})));
  ASSERT_OK(check(permitted({dns("allowed.test")}), sans({ip({192, 0, 2, 1})})));
  // No SAN at all and an empty subject: nothing to restrict.
  Names none;
  none.has_san = false;
  ASSERT_OK(check(permitted({dns("allowed.test")}), none));
}

// ---------------------------------------------------------------------------
// iPAddress subtrees.

TEST(NameConstraintsCheck, Ipv4AndIpv6WithMasks) {
  const Bytes nc = cat({permitted({ip({192, 168, 0, 0, 255, 255, 0, 0}),
                                   ip({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                       0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})}),
                        excluded({ip({192, 168, 5, 0, 255, 255, 255, 0})})});
  ASSERT_OK(check(nc, sans({ip({192, 168, 1, 1})})));
  ASSERT_OK(check(nc, sans({ip({192, 168, 255, 255})})));
  ASSERT_OK(check(nc, sans({ip({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})})));
  expect_refused(check(nc, sans({ip({192, 169, 0, 1})})), Alert::bad_certificate, "IP address is outside");
  expect_refused(check(nc, sans({ip({10, 0, 0, 1})})), Alert::bad_certificate, "IP address is outside");
  expect_refused(check(nc, sans({ip({0x20, 0x01, 0x0d, 0xb9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})})),
                 Alert::bad_certificate, "IP address is outside");
  expect_refused(check(nc, sans({ip({192, 168, 5, 7})})), Alert::bad_certificate, "IP address is excluded");

  // An IPv4 name never matches an IPv6 constraint, nor the reverse: IPv4
  // under only IPv6 permitted subtrees is outside them.
  const Bytes v6_only = permitted({ip({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0,  //
                                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0,
                                       0, 0})});
  expect_refused(check(v6_only, sans({ip({192, 168, 1, 1})})), Alert::bad_certificate, "outside");
  const Bytes v4_all = permitted({ip({0, 0, 0, 0, 0, 0, 0, 0})});  // 0.0.0.0/0
  ASSERT_OK(check(v4_all, sans({ip({203, 0, 113, 9})})));
  expect_refused(check(v4_all, sans({ip({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})})),
                 Alert::bad_certificate, "outside");
  ASSERT_OK(check(excluded({ip({0, 0, 0, 0, 0, 0, 0, 0})}),
                  sans({ip({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})})));
  // A SAN iPAddress of the wrong length is malformed.
  expect_refused(check(nc, sans({ip({192, 168, 1})})), Alert::bad_certificate, "malformed subjectAltName");
}

// ---------------------------------------------------------------------------
// directoryName subtrees.

TEST(NameConstraintsCheck, DirectoryNamesArePrefixMatchedPerRdn) {
  const Bytes org = dn({rdn(kC, kPrintable, "NL"), rdn(kO, kUtf8, "Example Org")});
  const Bytes nc = cat({permitted({dirname(org)}),
                        excluded({dirname(dn({rdn(kC, kPrintable, "NL"), rdn(kO, kUtf8, "Example Org"),
                                              rdn(kCn, kUtf8, "banned")}))})});
  Names good;
  good.subject = dn({rdn(kC, kPrintable, "NL"), rdn(kO, kUtf8, "Example Org"), rdn(kCn, kUtf8, "host")});
  ASSERT_OK(check(nc, good));
  // The constraint itself is inside its own subtree.
  Names exact;
  exact.subject = org;
  ASSERT_OK(check(nc, exact));
  // Light normalisation: case, spaces and PrintableString vs UTF8String.
  Names folded;
  folded.subject = dn({rdn(kC, kUtf8, "nl"), rdn(kO, kPrintable, "  EXAMPLE   org "), rdn(kCn, kUtf8, "host")});
  ASSERT_OK(check(nc, folded));

  Names other_org;
  other_org.subject = dn({rdn(kC, kPrintable, "NL"), rdn(kO, kUtf8, "Evil Org"), rdn(kCn, kUtf8, "host")});
  expect_refused(check(nc, other_org), Alert::bad_certificate, "directory name is outside");
  Names shorter;  // a prefix of the constraint is not inside it
  shorter.subject = dn({rdn(kC, kPrintable, "NL")});
  expect_refused(check(nc, shorter), Alert::bad_certificate, "directory name is outside");
  Names reordered;
  reordered.subject = dn({rdn(kO, kUtf8, "Example Org"), rdn(kC, kPrintable, "NL")});
  expect_refused(check(nc, reordered), Alert::bad_certificate, "directory name is outside");
  Names banned;
  banned.subject = dn({rdn(kC, kPrintable, "NL"), rdn(kO, kUtf8, "Example Org"), rdn(kCn, kUtf8, "Banned")});
  expect_refused(check(nc, banned), Alert::bad_certificate, "directory name is excluded");

  // Re-encoding the name in another string type does not step around the
  // exclusion: BMPString (UTF-16BE) and UniversalString (UTF-32BE).
  Names bmp = banned;
  bmp.subject = dn({rdn(kC, kPrintable, "NL"), rdn(kO, kUtf8, "Example Org"),
                    tlv(0x31, tlv(0x30, cat({tlv(0x06, kCn), tlv(0x1e, Bytes{0, 'b', 0, 'a', 0, 'n', 0, 'n', 0, 'e',
                                                                             0, 'd'})})))});
  expect_refused(check(nc, bmp), Alert::bad_certificate, "directory name is excluded");
  Names universal = banned;
  universal.subject = dn({rdn(kC, kPrintable, "NL"), rdn(kO, kUtf8, "Example Org"),
                          tlv(0x31, tlv(0x30, cat({tlv(0x06, kCn), tlv(0x1c, Bytes{0, 0, 0, 'B', 0, 0, 0, 'a', 0, 0, 0,
                                                                                   'n', 0, 0, 0, 'n', 0, 0, 0, 'e', 0,
                                                                                   0, 0, 'd'})})))});
  expect_refused(check(nc, universal), Alert::bad_certificate, "directory name is excluded");
  // Non-ASCII UTF-8 is compared as code points; invalid UTF-8 matches nothing.
  Names accented;
  accented.subject = dn({rdn(kC, kPrintable, "NL"), rdn(kO, kUtf8, "Example Org"), rdn(kCn, kUtf8, "caf\xc3\xa9")});
  ASSERT_OK(check(nc, accented));
  const Bytes cafe = permitted({dirname(dn({rdn(kCn, kUtf8, "caf\xc3\xa9")}))});
  Names cafe_bmp;
  cafe_bmp.subject = dn({tlv(0x31, tlv(0x30, cat({tlv(0x06, kCn), tlv(0x1e, Bytes{0, 'C', 0, 'A', 0, 'F', 0, 0xe9})})))});
  ASSERT_OK(check(cafe, cafe_bmp));
  Names broken;
  broken.subject = dn({rdn(kCn, kUtf8, "caf\xc3")});
  expect_refused(check(cafe, broken), Alert::bad_certificate, "directory name is outside");

  // directoryName SANs are checked as well as the subject.
  Names san_dir = good;
  san_dir.san = dirname(dn({rdn(kC, kPrintable, "US")}));
  expect_refused(check(nc, san_dir), Alert::bad_certificate, "directory name is outside");
  // An empty subject is not a name to check (§4.2.1.10, §6.1.3(b)).
  Names empty_subject = sans({dns("a.test")});
  ASSERT_OK(check(nc, empty_subject));
}

// ---------------------------------------------------------------------------
// Forms mactls does not evaluate, malformed constraints, the budget.

TEST(NameConstraintsCheck, UnevaluatedFormsRefuseOnlyWhereTheyApply) {
  const Bytes mail = permitted({rfc822("example.com")});
  expect_refused(check(mail, sans({rfc822("a@example.com")})), Alert::unsupported_certificate, "does not evaluate");
  ASSERT_OK(check(mail, sans({dns("victim.test")})));
  const Bytes uris = excluded({uri(".example.com")});
  expect_refused(check(uris, sans({dns("a.test"), uri("https://a.example.com/")})), Alert::unsupported_certificate,
                 "does not evaluate");
  ASSERT_OK(check(uris, sans({dns("a.test")})));
  // An rfc822Name in the certificate meets no rfc822Name constraint here.
  ASSERT_OK(check(permitted({dns("a.test")}), sans({dns("a.test"), rfc822("x@y.test")})));
}

TEST(NameConstraintsCheck, MalformedConstraintsAreRefused) {
  const Names n = sans({dns("allowed.test")});
  const Bytes base = dns("allowed.test");
  struct Case {
    const char* name;
    Bytes constraints;
  } cases[] = {
      {"empty NameConstraints", Bytes()},
      {"empty permitted list", tlv(0xa0, Bytes())},
      {"empty excluded list", tlv(0xa1, Bytes())},
      {"minimum 0 encoded", tlv(0xa0, tlv(0x30, cat({base, tlv(0x80, Bytes{0x00})})))},
      {"minimum 1", tlv(0xa0, tlv(0x30, cat({base, tlv(0x80, Bytes{0x01})})))},
      {"maximum present", tlv(0xa0, tlv(0x30, cat({base, tlv(0x81, Bytes{0x02})})))},
      {"subtree without a base", tlv(0xa0, tlv(0x30, Bytes()))},
      {"subtree not a SEQUENCE", tlv(0xa0, tlv(0x31, base))},
      {"unknown GeneralName tag", permitted({tlv(0x89, text("x"))})},
      {"IPv4 without mask", permitted({ip({10, 0, 0, 0})})},
      {"IP of 9 octets", permitted({ip({10, 0, 0, 0, 255, 0, 0, 0, 0})})},
      {"non-contiguous IPv4 mask", permitted({ip({10, 0, 0, 0, 255, 0, 255, 0})})},
      {"non-contiguous IPv6 mask",
       excluded({ip({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  //
                     0xff, 0xff, 0xff, 0xfe, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})})},
      {"absolute DNS constraint", permitted({dns("allowed.test.")})},
      {"DNS constraint with a space", permitted({dns("allowed test")})},
      {"wildcard DNS constraint", permitted({dns("*.allowed.test")})},
      {"directoryName not a Name", permitted({tlv(0xa4, tlv(0x04, text("x")))})},
      {"excluded before permitted", cat({excluded({base}), permitted({base})})},
      {"trailing garbage", cat({permitted({base}), Bytes{0x05, 0x00}})},
      {"truncated", Bytes{0xa0, 0x10, 0x30}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    expect_refused(check(c.constraints, n), Alert::bad_certificate, "malformed name constraints");
  }
  // Malformed constraints are refused even when no name of their form is
  // in the certificate.
  expect_refused(check(permitted({ip({10, 0, 0, 0, 255, 0, 255, 0})}), n), Alert::bad_certificate, "malformed");
}

TEST(NameConstraintsCheck, EachComparisonSpendsBudgetAndExhaustionRefuses) {
  // Four subtrees, one name (no subject DN): four comparisons to find the match.
  const Bytes nc = permitted({dns("a.test"), dns("b.test"), dns("c.test"), dns("allowed.test")});
  const Names one = sans({dns("www.allowed.test")});
  size_t budget = 10;
  ASSERT_OK(check_name_constraints(nc, one.cert(), &budget));
  EXPECT_EQ(budget, 6u);
  budget = 4;
  ASSERT_OK(check_name_constraints(nc, one.cert(), &budget));
  EXPECT_EQ(budget, 0u);
  budget = 3;
  expect_refused(check_name_constraints(nc, one.cert(), &budget), Alert::bad_certificate,
                 "name constraint budget exhausted");
  budget = 0;
  expect_refused(check_name_constraints(nc, one.cert(), &budget), Alert::bad_certificate, "budget exhausted");

  // Many names against many subtrees: the work is names × subtrees and
  // stops at the budget, however many names the certificate carries.
  Bytes many_sans;
  for (int i = 0; i < 200; ++i) {
    Bytes d = dns("host" + std::to_string(i) + ".allowed.test");
    many_sans.insert(many_sans.end(), d.begin(), d.end());
  }
  Bytes many_subtrees;
  for (int i = 0; i < 100; ++i) {
    Bytes s = subtree(dns("decoy" + std::to_string(i) + ".test"));
    many_subtrees.insert(many_subtrees.end(), s.begin(), s.end());
  }
  Bytes s = subtree(dns("allowed.test"));
  many_subtrees.insert(many_subtrees.end(), s.begin(), s.end());
  const Bytes big = tlv(0xa0, many_subtrees);
  Names heavy;
  heavy.san = many_sans;
  budget = 1000;
  expect_refused(check_name_constraints(big, heavy.cert(), &budget), Alert::bad_certificate, "budget exhausted");
  EXPECT_EQ(budget, 0u);
  budget = 200 * 101;
  ASSERT_OK(check_name_constraints(big, heavy.cert(), &budget));
  EXPECT_EQ(budget, 0u);
}

// ---------------------------------------------------------------------------
// Certificates made by openssl, and whole chains.

class NameConstraintsPki : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new Pki();
    Pki& p = *pki_;
    auto ca = [&](const std::string& name, const std::string& issuer, std::vector<std::string> ext) {
      CertSpec s = cert_spec(name, KeyKind::p256, issuer, {}, true);
      s.not_before_days = -2;
      s.extra_extensions = std::move(ext);
      ASSERT_TRUE(p.issue(s));
    };
    auto leaf = [&](const std::string& name, const std::string& issuer, std::vector<std::string> dns_names,
                    std::vector<std::string> ips = {}) {
      CertSpec s = cert_spec(name, KeyKind::p256, issuer, std::move(dns_names));
      s.ip_sans = std::move(ips);
      ASSERT_TRUE(p.issue(s));
    };
    ca("nc-root", "", {});
    ca("nc-int", "nc-root",
       {"nameConstraints = critical, permitted;DNS:allowed.test, excluded;DNS:bad.allowed.test"});
    ca("nc-int-soft", "nc-root", {"nameConstraints = permitted;DNS:allowed.test"});
    for (const char* issuer : {"nc-int", "nc-int-soft"}) {
      const std::string i = issuer;
      leaf(i + "-allowed", i, {"allowed.test", "www.allowed.test"});
      leaf(i + "-victim", i, {"victim.test"});
      leaf(i + "-boundary", i, {"notallowed.test"});
      leaf(i + "-excluded", i, {"x.bad.allowed.test"});
      leaf(i + "-mixed", i, {"www.allowed.test", "victim.test"});
    }
    ca("ip-int", "nc-root",
       {"nameConstraints = critical, permitted;IP:192.168.0.0/255.255.0.0, permitted;IP:2001:db8::/ffff:ffff::, "
        "excluded;IP:192.168.5.0/255.255.255.0"});
    leaf("ip-ok", "ip-int", {}, {"192.168.1.1", "2001:db8::1"});
    leaf("ip-excluded", "ip-int", {}, {"192.168.5.9"});
    leaf("ip-outside4", "ip-int", {}, {"10.0.0.1"});
    leaf("ip-outside6", "ip-int", {}, {"2001:db9::1"});
    // A trust anchor that carries constraints itself (RFC 5937), above an
    // unconstrained intermediate.
    ca("nc-anchor", "", {"nameConstraints = critical, permitted;DNS:allowed.test"});
    ca("plain-int", "nc-anchor", {});
    leaf("anchored-allowed", "plain-int", {"allowed.test"});
    leaf("anchored-victim", "plain-int", {"victim.test"});
    // Directory names: the anchor excludes one intermediate's subject, so
    // certificates below the constraining one other than the leaf count.
    ca("dn-anchor", "", {"nameConstraints = critical, excluded;dirName:dn_excluded", "[dn_excluded]",
                         "CN = banned-int"});
    ca("banned-int", "dn-anchor", {});
    ca("fine-int", "dn-anchor", {});
    leaf("banned-leaf", "banned-int", {"allowed.test"});
    leaf("fine-leaf", "fine-int", {"allowed.test"});
    ca("dn-int", "nc-root", {"nameConstraints = critical, permitted;dirName:dn_permitted", "[dn_permitted]",
                             "CN = dn-leaf-ok"});
    leaf("dn-leaf-ok", "dn-int", {"allowed.test"});
    leaf("dn-leaf-bad", "dn-int", {"allowed.test"});
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  // check_name_constraints of CA `ca`'s constraints on certificate `name`.
  static Status check_issued(const std::string& ca, const std::string& name) {
    Bytes ca_der = pki_->cert_der(ca), der = pki_->cert_der(name);
    ParsedCertificate c, leaf;
    Status s = parse_certificate(ca_der, &c);
    if (!s.is_ok()) return s;
    EXPECT_TRUE(c.has_name_constraints) << ca;
    s = parse_certificate(der, &leaf);
    if (!s.is_ok()) return s;
    size_t budget = kNameConstraintBudget;
    return check_name_constraints(c.name_constraints, leaf, &budget);
  }

  // verify_server_chain for `names` (leaf first) against the anchor.
  static Status verify(const std::vector<std::string>& names, const std::string& anchor, const std::string& host) {
    std::vector<Bytes> ders;
    for (const auto& n : names) ders.push_back(pki_->cert_der(n));
    std::vector<ByteView> views(ders.begin(), ders.end());
    TrustStore trust;
    const std::string pem = pki_->cert_pem(anchor);
    EXPECT_TRUE(trust.add_pem(pem.data(), pem.size()).is_ok());
    VerifyOptions o;
    o.host = host;
    o.now_unix = int64_t(time(nullptr));
    VerifiedChain vc;
    return verify_server_chain(views.data(), views.size(), trust, o, &vc);
  }

  static Pki* pki_;
};
Pki* NameConstraintsPki::pki_ = nullptr;

TEST_F(NameConstraintsPki, GeneratedDnsConstraints) {
  ASSERT_OK(check_issued("nc-int", "nc-int-allowed"));
  expect_refused(check_issued("nc-int", "nc-int-victim"), Alert::bad_certificate, "outside the permitted");
  expect_refused(check_issued("nc-int", "nc-int-boundary"), Alert::bad_certificate, "outside the permitted");
  expect_refused(check_issued("nc-int", "nc-int-excluded"), Alert::bad_certificate, "excluded by name constraints");
  expect_refused(check_issued("nc-int", "nc-int-mixed"), Alert::bad_certificate, "outside the permitted");
}

TEST_F(NameConstraintsPki, GeneratedIpConstraints) {
  ASSERT_OK(check_issued("ip-int", "ip-ok"));
  expect_refused(check_issued("ip-int", "ip-excluded"), Alert::bad_certificate, "IP address is excluded");
  expect_refused(check_issued("ip-int", "ip-outside4"), Alert::bad_certificate, "IP address is outside");
  expect_refused(check_issued("ip-int", "ip-outside6"), Alert::bad_certificate, "IP address is outside");
  // No DNS constraint there: a DNS name under the IP-constrained CA is free.
  ASSERT_OK(check_issued("ip-int", "nc-int-victim"));
}

TEST_F(NameConstraintsPki, GeneratedDirectoryNameConstraints) {
  ASSERT_OK(check_issued("dn-int", "dn-leaf-ok"));
  expect_refused(check_issued("dn-int", "dn-leaf-bad"), Alert::bad_certificate, "directory name is outside");
  ASSERT_OK(check_issued("dn-anchor", "fine-int"));
  expect_refused(check_issued("dn-anchor", "banned-int"), Alert::bad_certificate, "directory name is excluded");
}

TEST_F(NameConstraintsPki, ConstrainedSubCaCriticalOrNotIsEnforcedOnTheChain) {
  for (const std::string i : {"nc-int", "nc-int-soft"}) {
    SCOPED_TRACE(i);
    ASSERT_OK(verify({i + "-allowed", i}, "nc-root", "www.allowed.test"));
    ASSERT_OK(verify({i + "-allowed", i}, "nc-root", "allowed.test"));
    expect_refused(verify({i + "-victim", i}, "nc-root", "victim.test"), Alert::bad_certificate,
                   "outside the permitted");
    expect_refused(verify({i + "-boundary", i}, "nc-root", "notallowed.test"), Alert::bad_certificate,
                   "outside the permitted");
    // The host the client asked for is inside, another SAN is not: refused.
    expect_refused(verify({i + "-mixed", i}, "nc-root", "www.allowed.test"), Alert::bad_certificate,
                   "outside the permitted");
  }
  expect_refused(verify({"nc-int-excluded", "nc-int"}, "nc-root", "x.bad.allowed.test"), Alert::bad_certificate,
                 "excluded by name constraints");
}

TEST_F(NameConstraintsPki, AnchorConstraintsApplyBelowIt) {
  ASSERT_OK(verify({"anchored-allowed", "plain-int"}, "nc-anchor", "allowed.test"));
  expect_refused(verify({"anchored-victim", "plain-int"}, "nc-anchor", "victim.test"), Alert::bad_certificate,
                 "outside the permitted");
  // Also when the server sends the anchor's certificate along.
  expect_refused(verify({"anchored-victim", "plain-int", "nc-anchor"}, "nc-anchor", "victim.test"),
                 Alert::bad_certificate, "outside the permitted");
  // The intermediate's subject is checked, not only the leaf's names.
  ASSERT_OK(verify({"fine-leaf", "fine-int"}, "dn-anchor", "allowed.test"));
  expect_refused(verify({"banned-leaf", "banned-int"}, "dn-anchor", "allowed.test"), Alert::bad_certificate,
                 "directory name is excluded");
}

TEST_F(NameConstraintsPki, IpConstraintsOnTheChain) {
  ASSERT_OK(verify({"ip-ok", "ip-int"}, "nc-root", "192.168.1.1"));
  expect_refused(verify({"ip-excluded", "ip-int"}, "nc-root", "192.168.5.9"), Alert::bad_certificate,
                 "IP address is excluded");
  expect_refused(verify({"ip-outside4", "ip-int"}, "nc-root", "10.0.0.1"), Alert::bad_certificate,
                 "IP address is outside");
}

}  // namespace
}  // namespace mactls
