// Replay transcripts (bench/transcripts/*.txt, written by
// mactls_record_transcripts): loading, and re-running mactls' client on the
// recorded server bytes with the same deterministic randomness and clock.
#ifndef MACTLS_BENCH_TRANSCRIPT_H
#define MACTLS_BENCH_TRANSCRIPT_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mactls::bench {

struct Transcript {
  struct Step {
    char from = 'C';  ///< 'C': client output, 'S': server bytes to feed
    std::vector<uint8_t> bytes;
  };
  char scenario = '?';
  std::string host;
  uint16_t port = 443;
  int64_t unix_time = 0;
  std::vector<uint16_t> suites, groups;
  std::vector<uint8_t> anchor;
  std::vector<Step> conn[2];  ///< [0] full, [1] resumed (or the e / f connection)
  /// What the second connection is: "resumption" (a ticket, the default),
  /// "chain_cache" (scenario e: the same host, no ticket, the verified-chain
  /// cache filled by the first) or "issuer_cache" (scenario f: host1, under
  /// the first host's intermediate, the issuer-signature cache filled by the
  /// first connection).
  std::string mode = "resumption";
  std::string host1;  ///< the second connection's host, if not `host`
  bool tls12 = false;  ///< "versions 0303": TLS 1.2 only; `suites` are 1.2 suites

  /// "full", then "resumed", "e (chain cache)" or "f (issuer cache)".
  const char* kind(int c) const;

  bool load(const std::string& path, std::string* err);
};

/// Hooks around one connection's client work, for measurement.
struct ReplayHooks {
  std::function<void(int conn)> before_connection;  ///< before the Client is made
  std::function<void(int conn, const char* phase)> after_step;  ///< "created", "start", "feed", ...
  std::function<void(int conn)> after_connection;   ///< after the Client is destroyed
};

/// Replays both connections; checks every client output byte for byte and
/// that the first ends full and the second resumed. False with a reason.
bool replay(const Transcript& t, const ReplayHooks& hooks, std::string* err);

}  // namespace mactls::bench

#endif
