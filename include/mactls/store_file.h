// mactls — the ticket store in a file, for POSIX hosts (mactls-fetch
// --sessions, tests). The core only saves to and loads from a byte blob
// (MemoryTicketStore::save/load); a host without POSIX (the Mac OS 9
// browser) writes that blob wherever it keeps its preferences and leaves
// this file out of its build.
//
// An unsealed store file holds every session's key material (PSKs and TLS
// 1.2 master secrets) in the clear, like curl's --ssl-sessions file: anyone
// who can read it can resume those sessions as the user (until they
// expire). Files are created with mode 0600; seal the blob
// (StoreBlobOptions::seal_key) when the file may be read by others.
#ifndef MACTLS_STORE_FILE_H
#define MACTLS_STORE_FILE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mactls/status.h"
#include "mactls/ticket_store.h"

namespace mactls {

/// Replaces `path` with `len` bytes atomically: they are written to a new
/// temporary file beside it (mode 0600), flushed with fsync, and renamed
/// over `path`; the directory is then synced. A reader sees the old file or
/// the new one, never a mix; on failure `path` is untouched and the
/// temporary removed. `os_error`, if given, receives the OS reason.
Status write_file_atomic(const std::string& path, const uint8_t* data, size_t len,
                         std::string* os_error = nullptr);

/// Reads `path` whole into `out` (replacing and wiping its contents),
/// refusing a file larger than `max_bytes` before reading it. `*missing`
/// (if given) tells a file that does not exist apart from other failures.
Status read_file_bounded(const std::string& path, size_t max_bytes, std::vector<uint8_t>* out,
                         bool* missing = nullptr, std::string* os_error = nullptr);

/// store.save() into a blob, written with write_file_atomic. The blob is
/// wiped from memory afterwards.
Status save_ticket_store_file(const MemoryTicketStore& store, const std::string& path, int64_t now_unix_ms,
                              const StoreBlobOptions& options = {}, std::string* os_error = nullptr);

/// read_file_bounded (options.max_blob_bytes) then store.load(). A file
/// that does not exist is a first run: ok, nothing loaded. Any other
/// failure leaves the store unchanged. The blob is wiped afterwards.
Status load_ticket_store_file(MemoryTicketStore& store, const std::string& path, int64_t now_unix_ms,
                              const StoreBlobOptions& options = {}, StoreLoadReport* report = nullptr,
                              std::string* os_error = nullptr);

}  // namespace mactls

#endif  // MACTLS_STORE_FILE_H
