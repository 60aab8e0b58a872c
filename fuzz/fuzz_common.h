// Shared pieces of the libFuzzer targets: hex decoding for the fixed keys
// and a cheap input splitter.
#ifndef MACTLS_FUZZ_FUZZ_COMMON_H
#define MACTLS_FUZZ_FUZZ_COMMON_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/bytes.h"

namespace mactls::fuzz {

inline Bytes unhex(const char* h) {
  Bytes b;
  for (size_t i = 0; h[i] && h[i + 1]; i += 2) b.push_back(uint8_t(std::strtoul(std::string(h + i, 2).c_str(), nullptr, 16)));
  return b;
}

/// Public keys (SubjectPublicKeyInfo DER) of throwaway key pairs, for the
/// targets that verify signatures: the private halves were never kept.
inline const char* const kSpkiP256 = "3059301306072a8648ce3d020106082a8648ce3d030107034200047027301adf67f17e9f0f1315fd2b4f18742187b44ad662947950c06eb0ab285029eb59ce8b15b7b54c4bec908cb18298902706fa8a606510e4320cd1736be475";
inline const char* const kSpkiP384 = "3076301006072a8648ce3d020106052b81040022036200040378c508ce668dd21ed158e7e9d9684580ff580cf323c4ad55ce16b504feaf4a6ae4cc9b81aec8b5f0148704c076ea0ab3dd2e1a10ab18a684bcbec76be6cbcff6daf2838558c8edf52a31f68d24e15afeca79c66a492c704044c7ffcc32997c";
inline const char* const kSpkiRsa2048 = "30820122300d06092a864886f70d01010105000382010f003082010a028201010094a798efe17939337c9c9e8a4637fc09efaff84c0127d0d1e640654fcff726dab22307518df9dabe6e24bb05a55f9f83c2b9db873a3ad141e01baed1cfde3d0439dd0bd332c3d89d1790800f0d57fbe893a407c74b93b5cc924ebd2df8b62cfb3be8bf388a60a573212e81663b86c248c654519d92aa4d7d0c2ce26736e295c5cc31d15af9f68daa3f7e8714f72b9cb88c99a8f895a87354b5daea755dbc1e0f512c4b8147e7c2aa197adca608ba49023fc822113ded481ef248d15a1aae0431a3684495cf75913aa17f0d2ac378a96d4b7c19b110a05531bdc31ce2bfffddf00afac1c48973b1f367569e25a58862fa7a08d6f5d3dc547a5274eaacb38a84990203010001";
inline const char* const kSpkiEd25519 = "302a300506032b6570032100efbe34e7c011a6d95a7bf50cb3ab90b1bbe45425b16e70623333b5fe85c58dcf";

/// Aborts when an invariant the target checks does not hold (a finding).
inline void require(bool ok, const char* what) {
  if (!ok) {
    __builtin_printf("invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace mactls::fuzz

#endif
