// mactls x509 — name constraints (RFC 5280 §4.2.1.10) applied along a
// certification path: DNS names, IP addresses and directory names, permitted
// and excluded subtrees.
//
// The rules, and where RFC 5280 is silent whom mactls follows:
//   - GeneralSubtree minimum must be absent (0) and maximum absent
//     (§4.2.1.10 "minimum MUST be zero, and maximum MUST be absent"; as
//     rustls-webpki, an encoded one is malformed). A NameConstraints with
//     neither subtree list, or an empty list, is malformed (as Chrome).
//   - dNSName: "example.com" covers example.com and every name made by adding
//     whole labels on the left; ".example.com" covers subdomains only (the
//     leading-dot form of NSS, rustls-webpki and Chrome; x509-limbo's
//     rfc5280::nc::invalid-dnsname-leading-period reads RFC 5280 as
//     forbidding it, mactls sides with the browsers); "" covers every
//     name; ASCII case-insensitive; absolute names (trailing dot) are
//     malformed, in constraints and in certificates (as rustls-webpki).
//     A wildcard SAN "*.example.com" is permitted only if every name it can
//     stand for is inside the subtree, and excluded if any name it can stand
//     for is inside it (Chrome's full/partial wildcard matching; webpki also
//     lets "*.example.com" be permitted by "www.example.com", mactls does
//     not).
//   - iPAddress: address and mask, 8 octets for IPv4 and 32 for IPv6, the
//     mask contiguous (else malformed, as Chrome and webpki); an IPv4 name
//     never matches an IPv6 constraint nor the reverse, so an IPv4 SAN under
//     only IPv6 permitted subtrees is outside them (iPAddress is one name
//     form for §4.2.1.10).
//   - directoryName: applied to the subject DN when it is not empty and to
//     directoryName SANs (§4.2.1.10, §6.1.3(b)(c)); a name is inside a subtree
//     when the subtree's RDNs are a prefix of the name's RDNs. RDNs equal as
//     DER match; so do single-valued RDNs of the same attribute type whose
//     values, in any of PrintableString, UTF8String, IA5String,
//     TeletexString (as Latin-1), BMPString and UniversalString, are equal
//     after a light normalisation in the spirit of Chrome's (an RFC 4518
//     subset: ASCII case folded, runs of spaces collapsed, leading and
//     trailing spaces dropped; Chrome also folds non-ASCII case, mactls
//     does not). Multi-valued RDNs and other value types are compared as
//     DER only.
//   - otherName, rfc822Name, x400Address, ediPartyName, uniformResourceIdentifier
//     and registeredID are not evaluated: a name of such a form in the
//     certificate under a constraint of the same form is refused
//     (unsupported_certificate) whether the extension is critical or not
//     (rustls-webpki refuses the same way except for URIs, which it ignores;
//     Chrome refuses URIs too). A constraint of such a form with no name of
//     its form in the certificate does not restrict it (§4.2.1.10: "restrictions
//     apply only to the specified name form"). The subject's emailAddress
//     attribute is not treated as an rfc822Name (as rustls-webpki and
//     Chrome for TLS server certificates).
//   - The subject commonName is never a host name for mactls (SAN only, see
//     certificate_matches_host), so it is not checked as a dNSName here; a
//     leaf without a SAN is refused at host matching anyway.
#ifndef MACTLS_X509_NAME_CONSTRAINTS_H
#define MACTLS_X509_NAME_CONSTRAINTS_H

#include <cstddef>

#include "common/bytes.h"
#include "mactls/status.h"
#include "x509/certificate.h"

namespace mactls {

/// Name-against-subtree comparisons allowed for one chain verification.
/// rustls-webpki allows 250,000; a G3 is about 30 times slower, and a real
/// constrained chain needs (names × subtrees × certificates below the
/// constraint) comparisons, a few hundred even for a leaf with a hundred SANs.
constexpr size_t kNameConstraintBudget = 20000;

/// Checks the names of `cert` (a certificate below the constraining one on
/// the path: its subject distinguished name when not empty and every
/// subjectAltName entry) against `constraints`, the NameConstraints
/// SEQUENCE contents of a CA certificate or trust anchor above it
/// (ParsedCertificate::name_constraints).
///
/// Each name-against-subtree comparison (every subtree visited for every
/// name, of any form) decrements *budget; when it is 0 before a comparison
/// the check fails (bounded CPU whatever the certificates hold). `budget`
/// must not be null. Nothing is allocated.
/// Returns ok; bad_certificate when a name lies outside every permitted
/// subtree of its type or inside an excluded one, when the constraints are
/// malformed (checked whatever names the certificate has), when a name that
/// must be checked is malformed, or when the budget is exhausted;
/// unsupported_certificate for a constraint mactls cannot evaluate on a name
/// it must check. The caller chooses which certificates are checked (RFC
/// 5280 §6.1.3(b): every certificate below the constraining one, except
/// self-issued intermediates).
Status check_name_constraints(ByteView constraints, const ParsedCertificate& cert, size_t* budget);

/// Does the dNSName `name` (a SAN entry, possibly "*.base") lie inside the
/// dNSName subtree `constraint`? `partial_wildcard`: a wildcard name counts
/// as inside when some name it can stand for is (used for excluded
/// subtrees); otherwise all must be (permitted subtrees). Exposed for tests.
/// Both must be syntactically valid (see the rules above); false otherwise.
bool dns_name_in_subtree(ByteView name, ByteView constraint, bool partial_wildcard);

}  // namespace mactls

#endif
