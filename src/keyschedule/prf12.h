// mactls key schedule — the TLS 1.2 PRF and what is derived with it
// (RFC 5246 §5, §6.3, §7.4.9, §8.1; RFC 7627 §4).
//
// TLS 1.2 has no staged key schedule: one PRF, keyed by a secret, stretches
// a label and a seed to any length.
//
//   P_hash(secret, seed) = HMAC(secret, A(1) + seed) + HMAC(secret, A(2) + seed) + ...
//     A(0) = seed, A(i) = HMAC(secret, A(i-1))
//   PRF(secret, label, seed) = P_<suite hash>(secret, label + seed)
//
//   master_secret  = PRF(pre_master_secret, "master secret",
//                        client_random + server_random)[0..47]      §8.1
//   (RFC 7627 §4)  = PRF(pre_master_secret, "extended master secret",
//                        session_hash)[0..47]
//   key_block      = PRF(master_secret, "key expansion",
//                        server_random + client_random)             §6.3
//   verify_data    = PRF(master_secret, "client finished" | "server finished",
//                        Hash(handshake_messages))[0..11]           §7.4.9
//
// HMAC comes from nettle (crypto/hash.h); every intermediate is wiped.
#ifndef MACTLS_KEYSCHEDULE_PRF12_H
#define MACTLS_KEYSCHEDULE_PRF12_H

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/secret.h"
#include "crypto/hash.h"
#include "keyschedule/cipher_suite.h"
#include "mactls/status.h"

namespace mactls {

/// The TLS 1.2 master secret length (RFC 5246 §8.1).
constexpr size_t kMasterSecret12Len = 48;
/// The length of each ClientHello/ServerHello random (RFC 5246 §7.4.1.2).
constexpr size_t kHelloRandomLen = 32;
/// verify_data_length of every mactls suite (RFC 5246 §7.4.9).
constexpr size_t kVerifyData12Len = 12;
/// The longest label + seed prf12() accepts: "extended master secret" with a
/// SHA-384 session hash, or a label with two randoms, fit easily.
constexpr size_t kMaxPrf12LabelSeedLen = 128;

/// A TLS 1.2 master secret, wiped on destruction.
using MasterSecret12 = SecretBuf<kMasterSecret12Len>;

/// PRF(secret, label, seed) of RFC 5246 §5 into out[len], with P_hash over
/// HMAC-`alg`. internal_error (out untouched) if strlen(label) +
/// seed.size exceeds kMaxPrf12LabelSeedLen: every TLS use is far shorter.
[[nodiscard]] Status prf12(HashAlg alg, ByteView secret, const char* label, ByteView seed,
                           uint8_t* out, size_t len);

/// The RFC 5246 §8.1 master secret from the pre-master secret and both
/// randoms (kHelloRandomLen bytes each). Used only for a session without
/// extended_master_secret (mactls still allows them, but never stores one).
[[nodiscard]] Status master_secret12(HashAlg alg, ByteView pre_master_secret,
                                     ByteView client_random, ByteView server_random,
                                     MasterSecret12& out);

/// The RFC 7627 §4 extended master secret: `session_hash` is the hash (the
/// suite's PRF hash) of the handshake messages from ClientHello up to and
/// including ClientKeyExchange.
[[nodiscard]] Status extended_master_secret12(HashAlg alg, ByteView pre_master_secret,
                                              ByteView session_hash, MasterSecret12& out);

/// One direction's record keys from the key block.
struct KeyMaterial12 {
  SecretBuf<32> key;       ///< write key: suite.key_len bytes
  SecretBuf<12> fixed_iv;  ///< fixed_iv_len12(suite.aead) bytes
};

/// The key block of an AEAD suite (RFC 5246 §6.3; no MAC keys for AEADs,
/// RFC 5246 §6.2.3.3), split into the client's and the server's write keys.
/// Order on the wire: client key, server key, client iv, server iv. Note
/// the seed order: server_random first.
[[nodiscard]] Status key_block12(const CipherSuite& suite, ByteView master_secret,
                                 ByteView client_random, ByteView server_random,
                                 KeyMaterial12& client_write, KeyMaterial12& server_write);

/// Which side's Finished (the label of RFC 5246 §7.4.9).
enum class FinishedSide12 : uint8_t { client, server };

/// verify_data = PRF(master_secret, finished_label, handshake_hash)[0..11]
/// (RFC 5246 §7.4.9). `handshake_hash` is the suite hash of every handshake
/// message up to, not including, this Finished.
[[nodiscard]] Status finished_verify_data12(HashAlg alg, ByteView master_secret,
                                            FinishedSide12 side, ByteView handshake_hash,
                                            uint8_t out[kVerifyData12Len]);

}  // namespace mactls

#endif  // MACTLS_KEYSCHEDULE_PRF12_H
