// Name constraints: arbitrary NameConstraints contents against an arbitrary
// subject Name and subjectAltName, under a small comparison budget. Input:
// a 16-bit big-endian length and that many constraint octets, an 8-bit
// length and that many subject octets, the rest as the GeneralNames.
#include "fuzz_common.h"
#include "x509/certificate.h"
#include "x509/name_constraints.h"

using namespace mactls;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const size_t nc_len = load_be16(data);
  if (size - 2 < nc_len + 1) return 0;
  const ByteView constraints(data + 2, nc_len);
  const size_t subject_len = data[2 + nc_len];
  const size_t rest = size - 3 - nc_len;
  if (rest < subject_len) return 0;
  ParsedCertificate cert;
  cert.subject = ByteView(data + 3 + nc_len, subject_len);
  cert.has_san = true;
  cert.san = ByteView(data + 3 + nc_len + subject_len, rest - subject_len);
  const size_t kBudget = 64;
  size_t budget = kBudget;
  (void)check_name_constraints(constraints, cert, &budget);
  fuzz::require(budget <= kBudget, "the budget only goes down");
  (void)dns_name_in_subtree(cert.san, constraints, false);
  (void)dns_name_in_subtree(cert.san, constraints, true);
  return 0;
}
