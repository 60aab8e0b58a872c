#include "support/vector_file.h"

#include <gtest/gtest.h>

#include <sstream>

#include "support/vectors.h"

namespace mactls::test {

Bytes VectorBlock::bytes(const std::string& name) const {
  auto it = text.find(name);
  EXPECT_NE(it, text.end()) << "vector has no field " << name;
  return it == text.end() ? Bytes() : hex(it->second);
}

std::string VectorBlock::str(const std::string& name) const {
  auto it = text.find(name);
  EXPECT_NE(it, text.end()) << "vector has no field " << name;
  return it == text.end() ? "" : it->second;
}

std::vector<VectorBlock> load_vector_blocks(const std::string& file) {
  std::istringstream in(read_file(vector_path(file)));
  std::vector<VectorBlock> blocks;
  VectorBlock cur;
  std::string line;
  auto flush = [&]() {
    if (!cur.text.empty()) blocks.push_back(cur);
    cur = VectorBlock();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (line.empty()) {
      flush();
      continue;
    }
    size_t eq = line.find(" = ");
    if (eq == std::string::npos) {
      if (line.size() > 2 && line.compare(line.size() - 2, 2, " =") == 0) {
        cur.text[line.substr(0, line.size() - 2)] = "";
        continue;
      }
      ADD_FAILURE() << file << ": malformed line: " << line;
      continue;
    }
    cur.text[line.substr(0, eq)] = line.substr(eq + 3);
  }
  flush();
  EXPECT_FALSE(blocks.empty()) << file << " holds no vectors";
  return blocks;
}

}  // namespace mactls::test
