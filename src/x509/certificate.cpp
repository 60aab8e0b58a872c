#include "x509/certificate.h"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

#include "common/der.h"

namespace mactls {

namespace {

bool oid_eq(ByteView v, std::initializer_list<uint8_t> oid) {
  return v.size == oid.size() && std::memcmp(v.data, oid.begin(), oid.size()) == 0;
}

const Status kMalformed = Status::fail(Alert::bad_certificate, "malformed certificate");

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

bool digits(ByteView v, size_t at, size_t n, unsigned& out) {
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    uint8_t c = v[at + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + unsigned(c - '0');
  }
  return true;
}

// RFC 5280 §4.1.2.5.1/2: UTCTime YYMMDDHHMMSSZ, GeneralizedTime
// YYYYMMDDHHMMSSZ; nothing else.
bool parse_time(const DerItem& t, int64_t& out) {
  ByteView v = t.value;
  unsigned y, mo, d, h, mi, s;
  size_t at;
  if (t.tag == der::kUtcTime) {
    if (v.size != 13 || v[12] != 'Z' || !digits(v, 0, 2, y)) return false;
    y += y >= 50 ? 1900 : 2000;
    at = 2;
  } else if (t.tag == der::kGeneralizedTime) {
    if (v.size != 15 || v[14] != 'Z' || !digits(v, 0, 4, y)) return false;
    at = 4;
  } else {
    return false;
  }
  if (!digits(v, at, 2, mo) || !digits(v, at + 2, 2, d) || !digits(v, at + 4, 2, h) || !digits(v, at + 6, 2, mi) ||
      !digits(v, at + 8, 2, s))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  out = days_from_civil(y, mo, d) * 86400 + int64_t(h) * 3600 + mi * 60 + s;
  return true;
}

// AlgorithmIdentifier → CertSigAlg.
Status parse_sig_alg(const DerItem& alg, CertSigAlg& out) {
  DerReader r(alg.value);
  DerItem oid;
  if (!r.expect(der::kOid, oid)) return kMalformed;
  ByteView o = oid.value;
  // Algorithms mactls cannot verify are recorded, not refused (see header).
  auto unsupported = [&out]() {
    out = CertSigAlg::unsupported;
    return Status::ok();
  };
  auto rsa_params_ok = [&]() {  // NULL or absent
    if (r.empty()) return true;
    DerItem n;
    return r.expect(der::kNull, n) && n.value.empty() && r.empty();
  };
  if (oid_eq(o, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b})) {
    out = CertSigAlg::rsa_pkcs1_sha256;
    return rsa_params_ok() ? Status::ok() : kMalformed;
  }
  if (oid_eq(o, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c})) {
    out = CertSigAlg::rsa_pkcs1_sha384;
    return rsa_params_ok() ? Status::ok() : kMalformed;
  }
  if (oid_eq(o, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d})) {
    out = CertSigAlg::rsa_pkcs1_sha512;
    return rsa_params_ok() ? Status::ok() : kMalformed;
  }
  if (oid_eq(o, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02})) {
    out = CertSigAlg::ecdsa_sha256;
    return r.empty() ? Status::ok() : kMalformed;
  }
  if (oid_eq(o, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03})) {
    out = CertSigAlg::ecdsa_sha384;
    return r.empty() ? Status::ok() : kMalformed;
  }
  if (oid_eq(o, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04})) {
    out = CertSigAlg::ecdsa_sha512;
    return r.empty() ? Status::ok() : kMalformed;
  }
  if (oid_eq(o, {0x2b, 0x65, 0x70})) {
    out = CertSigAlg::ed25519;
    return r.empty() ? Status::ok() : kMalformed;
  }
  if (oid_eq(o, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a})) {
    // RSASSA-PSS-params (RFC 4055 §3.1): mactls accepts the TLS shape only:
    // hash SHA-256/384/512, MGF1 with the same hash, salt = hash length.
    DerItem params;
    if (!r.expect(der::kSequence, params) || !r.empty()) return unsupported();
    DerReader p(params.value);
    DerItem hash_wrap, mgf_wrap, salt_wrap;
    if (!p.expect(der::context(0, true), hash_wrap) || !p.expect(der::context(1, true), mgf_wrap) ||
        !p.expect(der::context(2, true), salt_wrap))
      return unsupported();
    if (!p.empty()) {  // trailerField must be 1 (the default) if present
      DerItem tf;
      if (!p.expect(der::context(3, true), tf) || !p.empty() || !oid_eq(tf.value, {0x02, 0x01, 0x01}))
        return unsupported();
    }
    DerItem halg, hoid;
    if (!der_single(hash_wrap.value, der::kSequence, halg)) return kMalformed;
    DerReader hr(halg.value);
    if (!hr.expect(der::kOid, hoid)) return kMalformed;
    size_t hlen;
    uint8_t last = hoid.value.size == 9 ? hoid.value[8] : 0;
    if (!oid_eq(ByteView(hoid.value.data, hoid.value.size ? hoid.value.size - 1 : 0),
                {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02}))
      return unsupported();
    if (last == 1) out = CertSigAlg::rsa_pss_sha256, hlen = 32;
    else if (last == 2) out = CertSigAlg::rsa_pss_sha384, hlen = 48;
    else if (last == 3) out = CertSigAlg::rsa_pss_sha512, hlen = 64;
    else return unsupported();
    // MGF1 (1.2.840.113549.1.1.8) with the same hash.
    DerItem mgf, moid, mhash;
    if (!der_single(mgf_wrap.value, der::kSequence, mgf)) return kMalformed;
    DerReader mr(mgf.value);
    if (!mr.expect(der::kOid, moid) || !oid_eq(moid.value, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08}) ||
        !mr.expect(der::kSequence, mhash))
      return unsupported();
    DerReader mh(mhash.value);
    DerItem mhoid;
    if (!mh.expect(der::kOid, mhoid) || !mhoid.value.equals(hoid.value)) return unsupported();
    DerItem salt;
    ByteView sm;
    if (!der_single(salt_wrap.value, der::kInteger, salt) || !der_unsigned(salt, sm)) return kMalformed;
    if (sm.size != 1 || sm[0] != hlen) return unsupported();
    return Status::ok();
  }
  return unsupported();
}

Status parse_extensions(ByteView exts, ParsedCertificate* c) {
  DerItem seq;
  if (!der_single(exts, der::kSequence, seq)) return kMalformed;
  DerReader r(seq.value);
  ByteView seen[24];
  size_t n_seen = 0;
  while (!r.empty()) {
    DerItem ext, oid, value;
    if (!r.expect(der::kSequence, ext)) return kMalformed;
    DerReader e(ext.value);
    bool critical = false;
    if (!e.expect(der::kOid, oid)) return kMalformed;
    if (e.peek_tag() == der::kBoolean) {
      DerItem b;
      if (!e.next(b) || b.value.size != 1) return kMalformed;
      // DER: DEFAULT FALSE is omitted, so an explicit value must be TRUE.
      if (b.value[0] != 0xff) return kMalformed;
      critical = true;
    }
    if (!e.expect(der::kOctetString, value) || !e.empty()) return kMalformed;
    for (size_t i = 0; i < n_seen; ++i)
      if (seen[i].equals(oid.value)) return Status::fail(Alert::bad_certificate, "certificate has a duplicate extension");
    if (n_seen == sizeof seen / sizeof seen[0]) return Status::fail(Alert::bad_certificate, "certificate has too many extensions");
    seen[n_seen++] = oid.value;

    ByteView o = oid.value;
    if (oid_eq(o, {0x55, 0x1d, 0x13})) {  // basicConstraints
      DerItem bc;
      if (!der_single(value.value, der::kSequence, bc)) return kMalformed;
      DerReader b(bc.value);
      c->has_basic_constraints = true;
      if (b.peek_tag() == der::kBoolean) {
        DerItem ca;
        if (!b.next(ca) || ca.value.size != 1 || ca.value[0] != 0xff) return kMalformed;
        c->is_ca = true;
      }
      if (b.peek_tag() == der::kInteger) {
        DerItem pl;
        ByteView m;
        if (!b.next(pl) || !der_unsigned(pl, m) || m.size > 1) return kMalformed;
        c->path_len = m.empty() ? 0 : m[0];
      }
      if (!b.empty()) return kMalformed;
    } else if (oid_eq(o, {0x55, 0x1d, 0x0f})) {  // keyUsage
      DerItem ku;
      if (!der_single(value.value, der::kBitString, ku) || ku.value.size < 2 || ku.value.size > 3 ||
          ku.value[0] > 7)
        return kMalformed;
      c->has_key_usage = true;
      c->key_usage = ku.value[1];  // digitalSignature and keyCertSign are both in the first byte
    } else if (oid_eq(o, {0x55, 0x1d, 0x25})) {  // extKeyUsage
      DerItem eku;
      if (!der_single(value.value, der::kSequence, eku)) return kMalformed;
      DerReader k(eku.value);
      c->has_eku = true;
      while (!k.empty()) {
        DerItem p;
        if (!k.expect(der::kOid, p)) return kMalformed;
        if (oid_eq(p.value, {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01}) || oid_eq(p.value, {0x55, 0x1d, 0x25, 0x00}))
          c->eku_server_auth = true;
      }
    } else if (oid_eq(o, {0x55, 0x1d, 0x11})) {  // subjectAltName
      DerItem san;
      if (!der_single(value.value, der::kSequence, san)) return kMalformed;
      c->has_san = true;
      c->san = san.value;
    } else if (oid_eq(o, {0x55, 0x1d, 0x0e})) {  // subjectKeyIdentifier
      DerItem ski;
      if (!der_single(value.value, der::kOctetString, ski)) return kMalformed;
      c->subject_key_id = ski.value;
    } else if (oid_eq(o, {0x55, 0x1d, 0x23})) {  // authorityKeyIdentifier
      DerItem aki;
      if (!der_single(value.value, der::kSequence, aki)) return kMalformed;
      DerReader a(aki.value);
      if (a.peek_tag() == der::context(0, false)) {
        DerItem kid;
        if (!a.next(kid)) return kMalformed;
        c->authority_key_id = kid.value;
      }
      // authorityCertIssuer [1] and authorityCertSerialNumber [2] are not used.
    } else if (oid_eq(o, {0x55, 0x1d, 0x1e})) {  // nameConstraints: checked by the path builder
      DerItem nc;
      if (!der_single(value.value, der::kSequence, nc)) return kMalformed;
      c->has_name_constraints = true;
      c->name_constraints = nc.value;
    } else if (critical) {
      // RFC 5280 §4.2: a critical extension the client does not process
      // means the certificate must be rejected.
      return Status::fail(Alert::unsupported_certificate, "certificate has an unknown critical extension");
    }
  }
  return Status::ok();
}

}  // namespace

Status parse_certificate(ByteView der, ParsedCertificate* c, CertRole role) {
  *c = ParsedCertificate();
  c->der = der;
  DerItem cert, tbs, alg, sig;
  if (!der_single(der, der::kSequence, cert)) return kMalformed;
  DerReader r(cert.value);
  if (!r.expect(der::kSequence, tbs) || !r.expect(der::kSequence, alg) || !r.expect(der::kBitString, sig) || !r.empty())
    return kMalformed;
  c->tbs = tbs.whole;
  if (sig.value.empty() || sig.value[0] != 0) return kMalformed;
  c->signature = sig.value.sub(1);
  MACTLS_TRY(parse_sig_alg(alg, c->sig_alg));

  DerReader t(tbs.value);
  DerItem item;
  int version = 1;
  if (t.peek_tag() == der::context(0, true)) {
    DerItem v, vi;
    if (!t.next(v) || !der_single(v.value, der::kInteger, vi) || vi.value.size != 1 || vi.value[0] > 2) return kMalformed;
    version = vi.value[0] + 1;
  }
  DerItem serial, inner_alg, issuer, validity, subject, spki;
  if (!t.expect(der::kInteger, serial) || !t.expect(der::kSequence, inner_alg) || !t.expect(der::kSequence, issuer) ||
      !t.expect(der::kSequence, validity) || !t.expect(der::kSequence, subject) || !t.expect(der::kSequence, spki))
    return kMalformed;
  // §4.1.1.2: the signature field inside must equal the one outside.
  if (!inner_alg.whole.equals(alg.whole)) return Status::fail(Alert::bad_certificate, "certificate signature algorithms disagree");
  c->serial = serial.value;
  // RFC 5280 §4.1.2.2: a positive integer of at most 20 octets. Enforced on
  // what a server sends (as rustls-webpki does); a configured anchor is
  // exempt: some long-lived roots carry serial 0 (e.g. Go Daddy Class 2).
  if (role == CertRole::peer) {
    const ByteView sv = serial.value;
    if (sv.empty() || (sv[0] & 0x80)) return Status::fail(Alert::bad_certificate, "certificate serial number is negative");
    size_t lead = (sv.size > 1 && sv[0] == 0) ? 1 : 0;  // the sign octet of a positive integer
    if (sv.size - lead > 20) return Status::fail(Alert::bad_certificate, "certificate serial number is longer than 20 octets");
    bool zero = true;
    for (size_t i = 0; i < sv.size; ++i) zero = zero && sv[i] == 0;
    if (zero) return Status::fail(Alert::bad_certificate, "certificate serial number is zero");
  }
  c->issuer = issuer.whole;
  c->subject = subject.whole;
  c->spki = spki.whole;
  DerReader vr(validity.value);
  DerItem nb, na;
  if (!vr.next(nb) || !vr.next(na) || !vr.empty() || !parse_time(nb, c->not_before) || !parse_time(na, c->not_after))
    return kMalformed;
  // issuerUniqueID [1], subjectUniqueID [2]: skipped; extensions [3].
  while (!t.empty()) {
    if (!t.next(item)) return kMalformed;
    if (item.tag == der::context(1, false) || item.tag == der::context(2, false)) continue;
    if (item.tag != der::context(3, true) || version != 3 || !t.empty()) return kMalformed;
    MACTLS_TRY(parse_extensions(item.value, c));
  }
  return Status::ok();
}

Status verify_certificate_signature(const ParsedCertificate& cert, const PublicKey& key) {
  Status s = Status::ok();
  const KeyType kt = key.type();
  auto pss = [&](SignatureScheme rsae, SignatureScheme psspss) { return kt == KeyType::rsa_pss ? psspss : rsae; };
  switch (cert.sig_alg) {
    case CertSigAlg::rsa_pkcs1_sha256: s = key.verify(SignatureScheme::rsa_pkcs1_sha256, cert.tbs, cert.signature); break;
    case CertSigAlg::rsa_pkcs1_sha384: s = key.verify(SignatureScheme::rsa_pkcs1_sha384, cert.tbs, cert.signature); break;
    case CertSigAlg::rsa_pkcs1_sha512: s = key.verify(SignatureScheme::rsa_pkcs1_sha512, cert.tbs, cert.signature); break;
    case CertSigAlg::rsa_pss_sha256:
      s = key.verify(pss(SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_pss_sha256), cert.tbs, cert.signature);
      break;
    case CertSigAlg::rsa_pss_sha384:
      s = key.verify(pss(SignatureScheme::rsa_pss_rsae_sha384, SignatureScheme::rsa_pss_pss_sha384), cert.tbs, cert.signature);
      break;
    case CertSigAlg::rsa_pss_sha512:
      s = key.verify(pss(SignatureScheme::rsa_pss_rsae_sha512, SignatureScheme::rsa_pss_pss_sha512), cert.tbs, cert.signature);
      break;
    case CertSigAlg::ecdsa_sha256: s = key.verify_ecdsa_digest(0, cert.tbs, cert.signature); break;
    case CertSigAlg::ecdsa_sha384: s = key.verify_ecdsa_digest(1, cert.tbs, cert.signature); break;
    case CertSigAlg::ecdsa_sha512: s = key.verify_ecdsa_digest(2, cert.tbs, cert.signature); break;
    case CertSigAlg::ed25519: s = key.verify(SignatureScheme::ed25519, cert.tbs, cert.signature); break;
    case CertSigAlg::unsupported:
      return Status::fail(Alert::unsupported_certificate, "certificate signature algorithm not supported (e.g. SHA-1)");
  }
  if (s.is_ok()) return s;
  if (s.alert() == Alert::illegal_parameter)
    return Status::fail(Alert::bad_certificate, "certificate signature algorithm does not fit the issuer's key");
  return Status::fail(Alert::bad_certificate, "certificate signature does not verify");
}

std::string name_common_name(ByteView name) {
  DerItem seq;
  if (!der_single(name, der::kSequence, seq)) return "";
  DerReader r(seq.value);
  DerItem rdn;
  while (r.expect(der::kSet, rdn)) {
    DerReader s(rdn.value);
    DerItem atv;
    while (s.expect(der::kSequence, atv)) {
      DerReader a(atv.value);
      DerItem oid, val;
      if (a.expect(der::kOid, oid) && a.next(val) && oid_eq(oid.value, {0x55, 0x04, 0x03}))
        return std::string(reinterpret_cast<const char*>(val.value.data), val.value.size);
    }
  }
  return "";
}

std::string certificate_summary(const ParsedCertificate& c) {
  char until[32];
  int64_t days = c.not_after / 86400;
  // civil_from_days for the date part.
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = unsigned(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = int64_t(yoe) + era * 400 + (m <= 2);
  std::snprintf(until, sizeof until, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return "CN=" + name_common_name(c.subject) + " (issuer CN=" + name_common_name(c.issuer) + ", until " + until + ")";
}

namespace {
char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool ascii_ieq(const char* a, size_t an, const char* b, size_t bn) {
  if (an != bn) return false;
  for (size_t i = 0; i < an; ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}
}  // namespace

bool dns_name_matches(ByteView presented, const std::string& host_in) {
  std::string host = host_in;
  if (!host.empty() && host.back() == '.') host.pop_back();  // absolute form
  const char* p = reinterpret_cast<const char*>(presented.data);
  size_t pn = presented.size;
  if (pn && p[pn - 1] == '.') --pn;
  if (pn == 0 || host.empty()) return false;
  for (size_t i = 0; i < pn; ++i)
    if (static_cast<unsigned char>(p[i]) < 0x21 || static_cast<unsigned char>(p[i]) > 0x7e) return false;
  if (pn >= 2 && p[0] == '*' && p[1] == '.') {
    // RFC 6125 §6.4.3: the wildcard is the whole left-most label, matches
    // exactly one label, and never a public-suffix-like single label.
    const char* rest = p + 2;
    size_t rn = pn - 2;
    if (std::memchr(rest, '*', rn) || !std::memchr(rest, '.', rn)) return false;
    size_t dot = host.find('.');
    if (dot == std::string::npos || dot == 0) return false;
    return ascii_ieq(rest, rn, host.data() + dot + 1, host.size() - dot - 1);
  }
  if (std::memchr(p, '*', pn)) return false;  // partial wildcards are not honoured
  return ascii_ieq(p, pn, host.data(), host.size());
}

bool certificate_matches_host(const ParsedCertificate& c, const std::string& host) {
  if (!c.has_san) return false;
  uint8_t ip[16];
  size_t ip_len = 0;
  if (inet_pton(AF_INET, host.c_str(), ip) == 1) ip_len = 4;
  else if (inet_pton(AF_INET6, host.c_str(), ip) == 1) ip_len = 16;
  DerReader r(c.san);
  DerItem gn;
  while (r.next(gn)) {
    if (ip_len) {
      if (gn.tag == 0x87 && gn.value.size == ip_len && std::memcmp(gn.value.data, ip, ip_len) == 0) return true;
    } else if (gn.tag == 0x82 && dns_name_matches(gn.value, host)) {
      return true;
    }
  }
  return false;
}

}  // namespace mactls
