// mactls x509 — name constraints (RFC 5280 §4.2.1.10) applied along a
// certification path: DNS names, IP addresses and directory names, permitted
// and excluded subtrees.
#ifndef MACTLS_X509_NAME_CONSTRAINTS_H
#define MACTLS_X509_NAME_CONSTRAINTS_H

#include <cstddef>

#include "common/bytes.h"
#include "mactls/status.h"
#include "x509/certificate.h"

namespace mactls {

/// Checks the names of `cert` (a certificate below the constraining one on
/// the path: its subject distinguished name when not empty and every
/// subjectAltName entry) against `constraints`, the NameConstraints
/// SEQUENCE contents of a CA certificate or trust anchor above it
/// (ParsedCertificate::name_constraints).
///
/// Each name-against-subtree comparison decrements *budget; when it runs
/// out the check fails (bounded CPU whatever the certificates hold).
/// Returns ok; bad_certificate when a name lies outside every permitted
/// subtree of its type or inside an excluded one, when the constraints are
/// malformed, or when the budget is exhausted; unsupported_certificate for a
/// constraint mactls cannot evaluate on a name it must check.
Status check_name_constraints(ByteView constraints, const ParsedCertificate& cert, size_t* budget);

}  // namespace mactls

#endif
