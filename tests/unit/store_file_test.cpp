// The POSIX store file helper (include/mactls/store_file.h): atomic replace
// with mode 0600 and no temporary left behind, a bounded read that refuses
// large files before reading them, a missing file as a first run, and the
// store through a file and back.
#include <gtest/gtest.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "mactls/store_file.h"
#include "mactls/ticket_store.h"

namespace mactls {
namespace {

constexpr int64_t kNow = 1700000000000;

class StoreFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mactls-store-file-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const std::string& f : files()) ::unlink((dir_ + "/" + f).c_str());
    ::rmdir(dir_.c_str());
  }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    DIR* d = opendir(dir_.c_str());
    if (!d) return out;
    while (dirent* e = readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") out.push_back(e->d_name);
    closedir(d);
    return out;
  }
  std::string dir_;
};

TEST_F(StoreFile, WriteReplacesAtomicallyWithMode0600AndLeavesNoTemporary) {
  const std::string path = dir_ + "/sessions";
  std::ofstream(path) << "old contents";
  ::chmod(path.c_str(), 0644);
  const std::vector<uint8_t> data = {1, 2, 3, 4, 5};
  ASSERT_TRUE(write_file_atomic(path, data.data(), data.size()).is_ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the new file, not the old one's mode";
  std::vector<uint8_t> back;
  ASSERT_TRUE(read_file_bounded(path, 100, &back).is_ok());
  EXPECT_EQ(back, data);
  EXPECT_EQ(files(), std::vector<std::string>{"sessions"});
}

TEST_F(StoreFile, AFailedWriteSaysWhyAndLeavesNothing) {
  const std::string path = dir_ + "/no-such-dir/sessions";
  std::string why;
  const uint8_t b = 1;
  Status s = write_file_atomic(path, &b, 1, &why);
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(why.find("No such file or directory"), std::string::npos) << why;
  EXPECT_TRUE(files().empty());
}

TEST_F(StoreFile, ReadRefusesAFileOverTheBoundAndTellsAMissingFile) {
  const std::string path = dir_ + "/big";
  const std::vector<uint8_t> data(1000, 7);
  ASSERT_TRUE(write_file_atomic(path, data.data(), data.size()).is_ok());
  std::vector<uint8_t> out;
  EXPECT_TRUE(read_file_bounded(path, 1000, &out).is_ok());
  EXPECT_EQ(out.size(), 1000u);
  EXPECT_FALSE(read_file_bounded(path, 999, &out).is_ok());
  EXPECT_TRUE(out.empty());
  bool missing = false;
  std::string why;
  EXPECT_FALSE(read_file_bounded(dir_ + "/absent", 10, &out, &missing, &why).is_ok());
  EXPECT_TRUE(missing);
  EXPECT_FALSE(read_file_bounded(dir_, 10, &out, &missing).is_ok()) << "a directory is not a store file";
  EXPECT_FALSE(missing);
}

TEST_F(StoreFile, TheStoreThroughAFileAndBackAndAMissingFileIsAFirstRun) {
  const std::string path = dir_ + "/sessions";
  MemoryTicketStore empty;
  StoreLoadReport rep;
  rep.loaded = 99;
  ASSERT_TRUE(load_ticket_store_file(empty, path, kNow, {}, &rep).is_ok());
  EXPECT_EQ(rep.loaded, 0u);

  MemoryTicketStore a;
  TicketKey k;
  k.server_name = "example.com";
  k.port = 443;
  k.partition = "https://site.example";
  Ticket t;
  t.identity = {1, 2, 3};
  t.psk_len = 32;
  t.psk[0] = 0x42;
  t.cipher_suite = 0x1301;
  t.lifetime_s = 3600;
  t.received_unix_ms = kNow;
  t.auth_unix_s = kNow / 1000;
  a.insert(k, std::move(t));
  ASSERT_TRUE(save_ticket_store_file(a, path, kNow).is_ok());
  MemoryTicketStore b;
  ASSERT_TRUE(load_ticket_store_file(b, path, kNow, {}, &rep).is_ok());
  EXPECT_EQ(rep.loaded, 1u);
  Ticket out;
  ASSERT_TRUE(b.take(k, kNow, &out));
  EXPECT_EQ(out.psk[0], 0x42);

  // A damaged file is an error and loads nothing.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << "MACTLSTS garbage";
  MemoryTicketStore c;
  EXPECT_FALSE(load_ticket_store_file(c, path, kNow).is_ok());
  EXPECT_EQ(c.size(), 0u);
}

}  // namespace
}  // namespace mactls
