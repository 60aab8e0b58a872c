// The floors. "Key exchange + signatures": what any TLS client must compute
// for them, timed with nettle directly
// on the scenario's own keys and signatures — the ECDHE key pair and shared
// secret for the scenario's group and, for a full handshake, the two chain
// signatures (leaf by intermediate, intermediate by root) and the server's
// CertificateVerify, each with the hashing of what it signs. Parsing, key
// loading and signing happen once, untimed. TLS 1.2 (scenario g): the same
// for a full handshake (the ServerKeyExchange signature in place of the
// CertificateVerify: the same key, scheme and cost); a 1.2 resumption has
// no ECDHE and no signature, so this floor is 0 there.
// The full floor adds the rest (floor_all.h): transcript hashing, the key
// schedule and record protection, also with nettle directly.
#ifndef MACTLS_BENCH_FLOOR_H
#define MACTLS_BENCH_FLOOR_H

#include <memory>

#include "bench.h"
#include "floor_all.h"

namespace mactls::bench {

class Floor {
 public:
  Floor();
  ~Floor();
  bool setup(const Scenario& s, const std::string& leaf_key_path, std::string* err);
  /// Client CPU (ns) of the unavoidable work: ECDHE alone (resumed) or
  /// ECDHE + three signature checks (full). False if a check failed.
  bool resumed(double* ns);
  bool full(double* ns);
  /// The rest of the full floor (FloorRest: key schedule, transcript
  /// hashing, record protection), ns in one timer span: the full floor of a
  /// handshake is resumed() or full() plus this.
  double rest(bool resumed);
  /// The parts on their own: ECDHE is our key pair (keygen: the
  /// ClientHello's share) then the shared secret with the server's share.
  bool ecdhe_keygen(double* ns);
  bool ecdhe_shared(double* ns);
  bool ecdhe(double* ns);
  /// Timer spans inside resumed()/full(), for overhead correction.
  static int spans_per_handshake(bool full);
  bool signatures(double* ns);
  /// The CertificateVerify content and its signature (DER for ECDSA), made
  /// with the leaf's key: mactls' phase measurement checks the same one.
  const Bytes& cv_content() const;
  const Bytes& cv_signature() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_;
};

/// The floor's operations timed inside a real exchange (see floor_in_situ.cpp).
std::unique_ptr<BenchClient> make_floor_in_situ(Floor* floor);

}  // namespace mactls::bench

#endif
