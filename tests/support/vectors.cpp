#include "support/vectors.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace mactls::test {

Bytes hex(const std::string& h) {
  Bytes out;
  EXPECT_TRUE(from_hex(h, out)) << "bad hex in test: " << h;
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  EXPECT_TRUE(f.good()) << "cannot open " << path;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string rfc_path(const std::string& name) {
  return std::string(MACTLS_TEST_DATA_DIR) + "/rfc/" + name;
}

std::string vector_path(const std::string& name) {
  return std::string(MACTLS_TEST_DATA_DIR) + "/" + name;
}

}  // namespace mactls::test
