// The ticket store loader (MemoryTicketStore::load over store_codec): no
// input crashes it, a refused blob leaves the store unchanged, and what
// loads saves and loads again to the same entries.
//
// The first input byte picks the mode, so the fuzzer reaches the entry
// parser behind the integrity checks:
//   0  the rest is a whole unsealed blob, loaded as is
//   1  the rest is a whole sealed blob, loaded with the fixed key
//   2  the rest is header + body; the SHA-256 trailer is appended for it
//   3  the rest is a sealed header + plaintext body; it is sealed for it
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "fuzz_common.h"
#include "mactls/ticket_store.h"
#include "resumption/store_codec.h"

namespace {

const uint8_t kKey[32] = {0x6d, 0x61, 0x63, 0x74, 0x6c, 0x73, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x6b, 0x65, 0x79, 0x21,
                          0x6d, 0x61, 0x63, 0x74, 0x6c, 0x73, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x6b, 0x65, 0x79, 0x21};
constexpr int64_t kNow = 1700000000000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace mactls;
  if (size < 1) return 0;
  const uint8_t mode = data[0] & 3;
  Bytes blob(data + 1, data + size);
  StoreBlobOptions opt;
  opt.max_blob_bytes = 1 << 16;
  opt.max_entries = 64;
  if (mode == 1 || mode == 3) opt.seal_key = kKey;
  if (mode == 2) {
    uint8_t d[32];
    hash_once(HashAlg::sha256, ByteView(blob), d);
    blob.insert(blob.end(), d, d + 32);
  } else if (mode == 3) {
    if (blob.size() < kStoreSealedHeaderLen) return 0;
    const size_t body = blob.size() - kStoreSealedHeaderLen;
    blob.resize(blob.size() + kAeadTagLen);
    Aead aead;
    aead.set_key(AeadAlg::chacha20_poly1305, kKey);
    aead.seal(blob.data() + kStoreHeaderLen, ByteView(blob.data(), kStoreSealedHeaderLen),
              blob.data() + kStoreSealedHeaderLen, body, blob.data() + kStoreSealedHeaderLen);
  }

  MemoryTicketStore::Limits lim;
  lim.max_keys = 1000;
  lim.tickets_per_key = 8;
  lim.max_bytes = 1 << 20;
  MemoryTicketStore store(lim);
  StoreLoadReport rep;
  Status s = store.load(blob.data(), blob.size(), kNow, opt, &rep);
  if (!s.is_ok()) {
    fuzz::require(store.size() == 0 && store.stats().inserted == 0, "a refused blob loads nothing");
    return 0;
  }
  fuzz::require(rep.loaded + rep.dropped_expired <= opt.max_entries, "entry count bounded");
  fuzz::require(store.size() <= rep.loaded, "no more entries than loaded");

  // What loaded saves and loads again to the same store.
  Bytes again;
  StoreBlobOptions plain;
  s = store.save(&again, kNow, plain);
  fuzz::require(s.is_ok(), "a loaded store saves");
  MemoryTicketStore second(lim);
  StoreLoadReport rep2;
  s = second.load(again.data(), again.size(), kNow, plain, &rep2);
  fuzz::require(s.is_ok(), "a saved store loads");
  fuzz::require(second.size() == store.size() && second.bytes() == store.bytes(), "the round trip is stable");
  return 0;
}
