// mactls async — the ticket store in a file (POSIX: open, fsync, rename).
#include "mactls/store_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/bytes.h"

namespace mactls {

namespace {

Status os_fail(const char* what, std::string* os_error, const std::string& path) {
  if (os_error) *os_error = path + ": " + std::strerror(errno);
  return Status::make(ErrorOrigin::local, Alert::internal_error, what);
}

std::string dir_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Status write_file_atomic(const std::string& path, const uint8_t* data, size_t len, std::string* os_error) {
  std::string tmp = path + ".tmpXXXXXX";
  std::vector<char> name(tmp.begin(), tmp.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());  // mode 0600, O_EXCL
  if (fd < 0) return os_fail("cannot create the temporary store file", os_error, path);
  tmp.assign(name.data());
  (void)fchmod(fd, S_IRUSR | S_IWUSR);
  size_t off = 0;
  while (off < len) {
    const ssize_t n = ::write(fd, data + off, len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status s = os_fail("cannot write the store file", os_error, tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return s;
    }
    off += size_t(n);
  }
  if (::fsync(fd) != 0) {
    Status s = os_fail("cannot flush the store file", os_error, tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::close(fd) != 0) {
    Status s = os_fail("cannot close the store file", os_error, tmp);
    ::unlink(tmp.c_str());
    return s;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = os_fail("cannot rename the store file into place", os_error, path);
    ::unlink(tmp.c_str());
    return s;
  }
  // The rename itself is durable once the directory is synced.
  const int dfd = ::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

Status read_file_bounded(const std::string& path, size_t max_bytes, std::vector<uint8_t>* out, bool* missing,
                         std::string* os_error) {
  if (missing) *missing = false;
  secure_wipe(*out);
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    if (errno == ENOENT && missing) *missing = true;
    return os_fail("cannot open the store file", os_error, path);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = os_fail("cannot stat the store file", os_error, path);
    ::close(fd);
    return s;
  }
  if (!S_ISREG(st.st_mode) || st.st_size < 0 || uint64_t(st.st_size) > max_bytes) {
    ::close(fd);
    if (os_error) *os_error = path + ": not a regular file or larger than allowed";
    return Status::make(ErrorOrigin::local, Alert::decode_error, "store file not a regular file or too large");
  }
  // One allocation of the announced size; a file that grows meanwhile is
  // read only up to the bound (+1 to notice it).
  out->resize(size_t(st.st_size) + 1);
  size_t got = 0;
  for (;;) {
    if (got == out->size()) break;
    const ssize_t n = ::read(fd, out->data() + got, out->size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = os_fail("cannot read the store file", os_error, path);
      ::close(fd);
      secure_wipe(*out);
      return s;
    }
    if (n == 0) break;
    got += size_t(n);
  }
  ::close(fd);
  if (got > size_t(st.st_size)) {
    secure_wipe(*out);
    if (os_error) *os_error = path + ": changed while it was read";
    return Status::make(ErrorOrigin::local, Alert::decode_error, "store file changed while it was read");
  }
  out->resize(got);
  return Status::ok();
}

Status save_ticket_store_file(const MemoryTicketStore& store, const std::string& path, int64_t now_unix_ms,
                              const StoreBlobOptions& options, std::string* os_error) {
  std::vector<uint8_t> blob;
  Status s = store.save(&blob, now_unix_ms, options);
  if (s.is_ok()) s = write_file_atomic(path, blob.data(), blob.size(), os_error);
  secure_wipe(blob);
  return s;
}

Status load_ticket_store_file(MemoryTicketStore& store, const std::string& path, int64_t now_unix_ms,
                              const StoreBlobOptions& options, StoreLoadReport* report, std::string* os_error) {
  if (report) *report = StoreLoadReport();
  std::vector<uint8_t> blob;
  bool missing = false;
  Status s = read_file_bounded(path, options.max_blob_bytes, &blob, &missing, os_error);
  if (!s.is_ok()) {
    if (missing) {
      if (os_error) os_error->clear();
      return Status::ok();  // a first run
    }
    return s;
  }
  s = store.load(blob.data(), blob.size(), now_unix_ms, options, report);
  secure_wipe(blob);
  return s;
}

}  // namespace mactls
