// The rest of the full floor: what a TLS client must compute beyond the key
// exchange and the signatures, timed with nettle directly — transcript
// hashing over messages of a real flight's sizes, the key schedule
// (TLS 1.3: RFC 8446 §7.1 HKDF with nettle's HMAC; TLS 1.2: the RFC 5246 §5
// PRF with nettle's HMAC, RFC 7627 extended master secret, key block,
// both Finished), and record protection (the suite's AEAD keyed for every
// direction the handshake uses; the server's encrypted records opened, our
// Finished sealed). No parsing, no allocation, no state machine.
#ifndef MACTLS_BENCH_FLOOR_ALL_H
#define MACTLS_BENCH_FLOOR_ALL_H

#include <memory>

#include "bench.h"

namespace mactls::bench {

class FloorRest {
 public:
  FloorRest();
  ~FloorRest();
  /// Message sizes from the scenario (its certificates, its signature kind).
  bool setup(const Scenario& s, std::string* err);
  /// CPU (ns) of the rest of one handshake, full or resumed; one timer span.
  double run(bool resumed);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_;
};

}  // namespace mactls::bench

#endif
