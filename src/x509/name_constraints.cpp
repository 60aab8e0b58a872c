#include "x509/name_constraints.h"

#include "common/der.h"

namespace mactls {

namespace {

// GeneralName tags (RFC 5280 §4.2.1.6), context-specific, IMPLICIT except
// directoryName (EXPLICIT: Name is a CHOICE).
constexpr uint8_t kOtherName = 0xa0, kRfc822Name = 0x81, kDnsName = 0x82, kX400Address = 0xa3,
                  kDirectoryName = 0xa4, kEdiPartyName = 0xa5, kUri = 0x86, kIpAddress = 0x87,
                  kRegisteredId = 0x88;
constexpr uint8_t kPermittedSubtrees = 0xa0, kExcludedSubtrees = 0xa1;

constexpr Status kMalformed = Status::fail(Alert::bad_certificate, "malformed name constraints");
constexpr Status kMalformedSan = Status::fail(Alert::bad_certificate, "malformed subjectAltName under name constraints");

bool known_general_name(uint8_t tag) {
  switch (tag) {
    case kOtherName: case kRfc822Name: case kDnsName: case kX400Address: case kDirectoryName:
    case kEdiPartyName: case kUri: case kIpAddress: case kRegisteredId:
      return true;
    default:
      return false;
  }
}

uint8_t lower(uint8_t c) { return (c >= 'A' && c <= 'Z') ? uint8_t(c + ('a' - 'A')) : c; }

bool ascii_ieq(ByteView a, ByteView b) {
  if (a.size != b.size) return false;
  for (size_t i = 0; i < a.size; ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// DNS name syntax (RFC 5280 §4.2.1.6 preferred name syntax, plus '_' as
// rustls-webpki and mozilla::pkix allow): labels of letters, digits, '-'
// and '_', at most 63 octets, no empty label, no trailing dot (absolute
// names are refused, as rustls-webpki does). A constraint may be empty or
// start with '.'; a presented name may start with the wildcard label "*.".
bool valid_dns(ByteView n, bool constraint) {
  if (constraint && n.empty()) return true;
  if (n.empty() || n.size > 253) return false;
  size_t i = 0;
  if (!constraint && n.size >= 2 && n[0] == '*' && n[1] == '.') i = 2;
  else if (constraint && n[0] == '.') i = 1;
  size_t label = 0;
  for (; i < n.size; ++i) {
    const uint8_t c = n[i];
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

bool contiguous_mask(ByteView mask) {
  bool zero_seen = false;
  for (size_t i = 0; i < mask.size; ++i)
    for (int bit = 7; bit >= 0; --bit) {
      if ((mask[i] >> bit) & 1) {
        if (zero_seen) return false;
      } else {
        zero_seen = true;
      }
    }
  return true;
}

// `ip` (4 or 16 octets) inside `constraint` (address then mask, twice its
// length)? Another family never matches.
bool ip_in_subtree(ByteView ip, ByteView constraint) {
  if (constraint.size != 2 * ip.size) return false;
  for (size_t i = 0; i < ip.size; ++i)
    if ((ip[i] ^ constraint[i]) & constraint[ip.size + i]) return false;
  return true;
}

constexpr uint8_t kTeletexString = 0x14, kUniversalString = 0x1c, kBmpString = 0x1e;
constexpr int32_t kEnd = -1, kBad = -2;

// The characters of a directory string as Unicode code points: UTF8String
// decoded, BMPString as UTF-16BE code units, UniversalString as UTF-32BE,
// PrintableString, IA5String and TeletexString octet by octet (TeletexString
// as Latin-1, as Chrome reads it).
class CodePoints {
 public:
  CodePoints(uint8_t tag, ByteView v) : tag_(tag), v_(v) {}
  static bool supported(uint8_t tag) {
    return tag == der::kPrintableString || tag == der::kUtf8String || tag == der::kIa5String ||
           tag == kTeletexString || tag == kUniversalString || tag == kBmpString;
  }
  /// The next code point, kEnd at the end, kBad on an invalid encoding.
  int32_t next() {
    const size_t left = v_.size - i_;
    if (left == 0) return kEnd;
    const uint8_t* p = v_.data + i_;
    if (tag_ == kBmpString) {
      if (left < 2) return kBad;
      i_ += 2;
      return int32_t((p[0] << 8) | p[1]);
    }
    if (tag_ == kUniversalString) {
      if (left < 4 || p[0] != 0 || p[1] > 0x10) return kBad;
      i_ += 4;
      return int32_t((uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]);
    }
    if (tag_ != der::kUtf8String || p[0] < 0x80) {
      ++i_;
      return p[0];
    }
    // UTF-8 (RFC 3629): lead octet, then 1-3 continuation octets.
    size_t n;
    int32_t cp;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
      n = 2;
      cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
      n = 3;
      cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
      n = 4;
      cp = p[0] & 0x07;
    } else {
      return kBad;
    }
    if (left < n) return kBad;
    for (size_t k = 1; k < n; ++k) {
      if ((p[k] & 0xc0) != 0x80) return kBad;
      cp = (cp << 6) | (p[k] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) return kBad;  // overlong
    i_ += n;
    return cp;
  }

 private:
  uint8_t tag_;
  ByteView v_;
  size_t i_ = 0;
};

// A directory string read with light normalisation in the spirit of RFC
// 4518 and Chrome's verify_name_match: leading and trailing spaces dropped,
// inner runs of spaces as one, ASCII case folded (Chrome folds more of
// Unicode; mactls compares other characters as they are).
class NormalisedString {
 public:
  NormalisedString(uint8_t tag, ByteView v) : cps_(tag, v) {
    do cur_ = cps_.next();
    while (cur_ == ' ');
  }
  /// The next character, kEnd at the end, kBad on an invalid encoding.
  int32_t next() {
    if (cur_ < 0) return cur_;
    if (cur_ == ' ') {
      while (cur_ == ' ') cur_ = cps_.next();
      return cur_ < 0 ? cur_ : ' ';
    }
    const int32_t c = cur_;
    cur_ = cps_.next();
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
  }

 private:
  CodePoints cps_;
  int32_t cur_ = kEnd;
};

// One AttributeTypeAndValue from a single-valued RDN SET; false if the RDN
// has another shape.
bool single_attribute(const DerItem& rdn, DerItem& type, DerItem& value) {
  if (rdn.tag != der::kSet) return false;
  DerItem atv;
  if (!der_single(rdn.value, der::kSequence, atv)) return false;
  DerReader r(atv.value);
  return r.expect(der::kOid, type) && r.next(value) && r.empty();
}

// RDNs equal as DER, or single-valued with the same attribute type and
// directory-string values that are equal after normalisation, whichever
// string types encode them (so a subordinate CA cannot step around an
// excluded subtree by re-encoding a name as a BMPString).
bool rdn_matches(const DerItem& a, const DerItem& b) {
  if (a.whole.equals(b.whole)) return true;
  DerItem at, av, bt, bv;
  if (!single_attribute(a, at, av) || !single_attribute(b, bt, bv)) return false;
  if (!at.value.equals(bt.value) || !CodePoints::supported(av.tag) || !CodePoints::supported(bv.tag)) return false;
  NormalisedString x(av.tag, av.value), y(bv.tag, bv.value);
  for (;;) {
    const int32_t c = x.next();
    if (c == kBad || c != y.next()) return false;
    if (c == kEnd) return true;
  }
}

// RDNSequence contents `name` inside the subtree `constraint` (RDNSequence
// contents): the constraint's RDNs are the first RDNs of the name.
bool directory_name_in_subtree(ByteView name, ByteView constraint) {
  DerReader n(name), c(constraint);
  while (!c.empty()) {
    DerItem cr, nr;
    if (!c.next(cr) || n.empty() || !n.next(nr)) return false;
    if (!rdn_matches(nr, cr)) return false;
  }
  return true;
}

// An RDNSequence: SETs only. `contents` receives the SEQUENCE contents.
bool parse_name(ByteView name_tlv, ByteView& contents) {
  DerItem seq;
  if (!der_single(name_tlv, der::kSequence, seq)) return false;
  DerReader r(seq.value);
  DerItem rdn;
  while (!r.empty())
    if (!r.expect(der::kSet, rdn) || rdn.value.empty()) return false;
  contents = seq.value;
  return true;
}

// The `base` of one GeneralSubtree; checks that minimum and maximum are
// absent (RFC 5280 §4.2.1.10; an encoded minimum of 0 is not DER).
bool subtree_base(const DerItem& subtree, DerItem& base) {
  DerReader g(subtree.value);
  return g.next(base) && g.empty();
}

Status validate_base(const DerItem& base) {
  ByteView unused;
  switch (base.tag) {
    case kDnsName:
      return valid_dns(base.value, true) ? Status::ok() : kMalformed;
    case kIpAddress:
      if (base.value.size != 8 && base.value.size != 32) return kMalformed;
      return contiguous_mask(base.value.sub(base.value.size / 2)) ? Status::ok() : kMalformed;
    case kDirectoryName:
      return parse_name(base.value, unused) ? Status::ok() : kMalformed;
    default:
      // Forms mactls does not evaluate: their contents are not looked at
      // unless a certificate name of the same form meets them.
      return known_general_name(base.tag) ? Status::ok() : kMalformed;
  }
}

// GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree.
Status validate_subtrees(ByteView list) {
  if (list.empty()) return kMalformed;
  DerReader r(list);
  while (!r.empty()) {
    DerItem subtree, base;
    if (!r.expect(der::kSequence, subtree) || !subtree_base(subtree, base)) return kMalformed;
    MACTLS_TRY(validate_base(base));
  }
  return Status::ok();
}

struct Subtrees {
  bool has_permitted = false, has_excluded = false;
  ByteView permitted, excluded;  ///< GeneralSubtrees contents
};

Status parse_constraints(ByteView constraints, Subtrees* out) {
  DerReader r(constraints);
  DerItem item;
  if (r.peek_tag() == kPermittedSubtrees) {
    if (!r.next(item)) return kMalformed;
    MACTLS_TRY(validate_subtrees(item.value));
    out->has_permitted = true;
    out->permitted = item.value;
  }
  if (r.peek_tag() == kExcludedSubtrees) {
    if (!r.next(item)) return kMalformed;
    MACTLS_TRY(validate_subtrees(item.value));
    out->has_excluded = true;
    out->excluded = item.value;
  }
  // RFC 5280 §4.2.1.10: "Conforming CAs MUST NOT issue certificates where
  // name constraints is an empty sequence" (Chrome refuses it too).
  if (!r.empty() || (!out->has_permitted && !out->has_excluded)) return kMalformed;
  return Status::ok();
}

Status outside(uint8_t tag) {
  switch (tag) {
    case kDnsName: return Status::fail(Alert::bad_certificate, "DNS name is outside the permitted name constraints");
    case kIpAddress: return Status::fail(Alert::bad_certificate, "IP address is outside the permitted name constraints");
    default: return Status::fail(Alert::bad_certificate, "directory name is outside the permitted name constraints");
  }
}

Status excluded(uint8_t tag) {
  switch (tag) {
    case kDnsName: return Status::fail(Alert::bad_certificate, "DNS name is excluded by name constraints");
    case kIpAddress: return Status::fail(Alert::bad_certificate, "IP address is excluded by name constraints");
    default: return Status::fail(Alert::bad_certificate, "directory name is excluded by name constraints");
  }
}

// One name of the certificate (`tag` a GeneralName tag; for directoryName
// `value` is the RDNSequence contents) against one list of subtrees.
// RFC 5280 §6.1.3(b): a name must lie inside at least one permitted subtree
// of its form, if there is any of its form; (c): inside no excluded one.
Status check_against(uint8_t tag, ByteView value, ByteView list, bool is_excluded, size_t* budget) {
  bool saw_form = false;
  DerReader r(list);
  while (!r.empty()) {
    if (*budget == 0) return Status::fail(Alert::bad_certificate, "name constraint budget exhausted");
    --*budget;
    DerItem subtree, base;
    if (!r.next(subtree) || !subtree_base(subtree, base)) return kMalformed;  // validated already
    if (base.tag != tag) continue;
    saw_form = true;
    bool inside = false;
    switch (tag) {
      case kDnsName:
        if (!valid_dns(value, false)) return kMalformedSan;
        inside = dns_name_in_subtree(value, base.value, is_excluded);
        break;
      case kIpAddress:
        if (value.size != 4 && value.size != 16) return kMalformedSan;
        inside = ip_in_subtree(value, base.value);
        break;
      case kDirectoryName: {
        ByteView constraint;
        if (!parse_name(base.value, constraint)) return kMalformed;
        inside = directory_name_in_subtree(value, constraint);
        break;
      }
      default:
        // rustls-webpki: "it is important to reject the cert without
        // considering whether the name constraint is critical".
        return Status::fail(Alert::unsupported_certificate,
                            "name constraints of a form mactls does not evaluate apply to the certificate");
    }
    if (inside) return is_excluded ? excluded(tag) : Status::ok();
  }
  if (!is_excluded && saw_form) return outside(tag);
  return Status::ok();
}

Status check_name(uint8_t tag, ByteView value, const Subtrees& s, size_t* budget) {
  if (s.has_permitted) MACTLS_TRY(check_against(tag, value, s.permitted, false, budget));
  if (s.has_excluded) MACTLS_TRY(check_against(tag, value, s.excluded, true, budget));
  return Status::ok();
}

}  // namespace

bool dns_name_in_subtree(ByteView name, ByteView constraint, bool partial_wildcard) {
  if (!valid_dns(name, false) || !valid_dns(constraint, true)) return false;
  if (constraint.empty()) return true;  // "" is the whole DNS name space
  const bool wildcard = name[0] == '*';
  if (wildcard && partial_wildcard) {
    // "*.example.com" may stand for "www.example.com": the wildcard's base
    // equals the constraint without its first label (Chrome's partial
    // match). Other overlaps are caught by the subtree test below.
    for (size_t i = 0; i < constraint.size; ++i)
      if (constraint[i] == '.') {
        if (ascii_ieq(name.sub(2), constraint.sub(i + 1))) return true;
        break;
      }
  }
  // Inside the subtree: the name ends with the constraint at a label
  // boundary ("bigfoo.test" is not under "foo.test"); a leading-dot
  // constraint only takes proper subdomains. A wildcard name is compared
  // whole, so "*.example.com" is under "example.com" and ".example.com"
  // but not under "www.example.com".
  if (name.size < constraint.size || !ascii_ieq(name.sub(name.size - constraint.size), constraint)) return false;
  if (constraint[0] == '.') return name.size > constraint.size;
  return name.size == constraint.size || name[name.size - constraint.size - 1] == '.';
}

Status check_name_constraints(ByteView constraints, const ParsedCertificate& cert, size_t* budget) {
  if (budget == nullptr) return Status::fail(Alert::internal_error, "name constraint check without a budget");
  Subtrees s;
  MACTLS_TRY(parse_constraints(constraints, &s));

  // The subject DN is a directoryName when it is not empty (§4.2.1.10).
  ByteView subject;
  if (!parse_name(cert.subject, subject)) {
    // An empty Name has no RDN; parse_name refuses only malformed ones.
    return Status::fail(Alert::bad_certificate, "malformed subject name under name constraints");
  }
  if (!subject.empty()) MACTLS_TRY(check_name(kDirectoryName, subject, s, budget));

  if (!cert.has_san) return Status::ok();
  DerReader r(cert.san);
  while (!r.empty()) {
    DerItem gn;
    if (!r.next(gn) || !known_general_name(gn.tag)) return kMalformedSan;
    ByteView value = gn.value;
    if (gn.tag == kDirectoryName) {
      if (!parse_name(gn.value, value)) return kMalformedSan;
      if (value.empty()) continue;  // an empty DN names nothing
    }
    MACTLS_TRY(check_name(gn.tag, value, s, budget));
  }
  return Status::ok();
}

}  // namespace mactls
