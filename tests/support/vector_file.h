// Test support: reads the "name = hex" block files written by
// tools/openssl_vectors (blank lines separate blocks, '#' starts a comment).
#ifndef MACTLS_TESTS_SUPPORT_VECTOR_FILE_H
#define MACTLS_TESTS_SUPPORT_VECTOR_FILE_H

#include <map>
#include <string>
#include <vector>

#include "common/bytes.h"

namespace mactls::test {

struct VectorBlock {
  std::map<std::string, std::string> text;  ///< every field as written
  /// A field decoded from hex; fails the test if absent or not hex.
  Bytes bytes(const std::string& name) const;
  std::string str(const std::string& name) const;
};

/// All blocks of a file under tests/vectors; fails the test if the file is
/// missing or empty.
std::vector<VectorBlock> load_vector_blocks(const std::string& file);

}  // namespace mactls::test

#endif
