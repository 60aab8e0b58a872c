// Test support: hex helpers and access to the committed vector files.
#ifndef MACTLS_TESTS_SUPPORT_VECTORS_H
#define MACTLS_TESTS_SUPPORT_VECTORS_H

#include <string>

#include "common/bytes.h"

namespace mactls::test {

/// Hex to bytes; fails the current test on malformed hex.
Bytes hex(const std::string& h);

/// Reads a whole file; fails the current test if it cannot.
std::string read_file(const std::string& path);

/// Path of a committed RFC file under tests/vectors/rfc (RFC texts and
/// rfc8448_vectors.json; provenance in tests/vectors/rfc/SOURCES.txt).
std::string rfc_path(const std::string& name);
/// Path of a committed vector file under tests/vectors.
std::string vector_path(const std::string& name);

}  // namespace mactls::test

#endif
