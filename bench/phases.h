// mactls' handshake cost split by phase. Each phase is timed on its own with
// mactls' building blocks on the scenario's real inputs (its certificates,
// its CertificateVerify signature, its suite and group, message and record
// sizes of a real flight): ECDHE, certificate parsing, chain signatures,
// CertificateVerify, key schedule with transcript hashing, and record
// protection. What the whole handshake costs beyond their sum is the
// engine's own work (message codecs, state machine, allocation).
#ifndef MACTLS_BENCH_PHASES_H
#define MACTLS_BENCH_PHASES_H

#include <string>
#include <utility>
#include <vector>

#include "bench.h"
#include "floor.h"

namespace mactls::bench {

struct PhaseReport {
  /// (phase, median ns); names end in "_full" / "_resumed" where they differ.
  std::vector<std::pair<std::string, double>> entries;
};

bool measure_phases(const Scenario& s, const Floor& floor, PhaseReport* out, std::string* err);

}  // namespace mactls::bench

#endif
