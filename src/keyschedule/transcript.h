// mactls key schedule — the handshake transcript (RFC 8446 §4.4.1).
//
// Transcript-Hash(M1, ..., Mn) = Hash(M1 || ... || Mn), over each handshake
// message with its 4-byte header, as sent or received (never re-encoded).
//
// The client sends ClientHello before it knows the hash: the ServerHello
// (or HelloRetryRequest) picks the suite. Until set_hash() the transcript
// therefore keeps the messages themselves (in practice: one ClientHello, a
// few hundred bytes); from set_hash() on it runs one HashCtx and buffers
// nothing.
//
// Typical client use:
//   t.add(client_hello);                      // buffered
//   // HelloRetryRequest arrives (§4.1.4):
//   t.set_hash(suite.hash); t.restart_with_message_hash(); t.add(hrr);
//   t.add(client_hello2);
//   // ServerHello arrives:
//   t.set_hash(suite.hash); t.add(server_hello); t.current_hash(th);
#ifndef MACTLS_KEYSCHEDULE_TRANSCRIPT_H
#define MACTLS_KEYSCHEDULE_TRANSCRIPT_H

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "crypto/hash.h"
#include "mactls/status.h"

namespace mactls {

/// HandshakeType message_hash (RFC 8446 §4): the synthetic message that
/// replaces ClientHello1 after a HelloRetryRequest.
constexpr uint8_t kHandshakeTypeMessageHash = 254;

/// The running handshake transcript. Not secret (all of it crossed the
/// wire in the clear or is authenticated anyway). Copyable: a copy is a
/// snapshot.
class Transcript {
 public:
  Transcript() = default;

  /// Appends one complete handshake message, header included. The bytes
  /// are hashed (or, before set_hash, copied); `message` need not outlive
  /// the call.
  void add(ByteView message);

  /// Fixes the hash once the server has chosen the suite, hashes what was
  /// buffered and frees the buffer. Calling it again with the same hash is
  /// a no-op (ServerHello after HelloRetryRequest); a different hash fails
  /// with internal_error (the engine must have rejected a suite change,
  /// §4.1.4, before getting here).
  [[nodiscard]] Status set_hash(HashAlg alg);

  bool hash_known() const { return known_; }
  /// The fixed hash; meaningful only when hash_known().
  HashAlg hash() const { return ctx_.alg(); }
  /// Number of messages in the transcript (the message_hash counts as one).
  size_t message_count() const { return messages_; }

  /// Writes Transcript-Hash(everything added so far) to out[hash_len] and
  /// returns hash_len; the transcript is unchanged. Returns 0, writing
  /// nothing, if the hash is not known yet.
  [[nodiscard]] size_t current_hash(uint8_t* out) const;

  /// Hash(everything added so far || partial) into out[hash_len(alg)]
  /// without changing the transcript and without copying it: this is
  /// Transcript-Hash(..., Truncate(ClientHello)) for PSK binders
  /// (§4.2.11.2), where `partial` is the ClientHello up to, not including,
  /// the binders list. Before set_hash, `alg` is the PSK's hash; after it,
  /// `alg` must equal hash() (otherwise internal_error: a PSK whose hash
  /// differs from the HelloRetryRequest's suite must not be offered again).
  [[nodiscard]] Status hash_with_prefix(HashAlg alg, ByteView partial, uint8_t* out) const;

  /// The HelloRetryRequest rule (§4.4.1): replaces ClientHello1 by
  ///   message_hash(254) || 00 00 Hash.length || Hash(ClientHello1).
  /// Call it after set_hash() with the HelloRetryRequest's suite and
  /// before adding the HelloRetryRequest itself; the transcript must hold
  /// exactly ClientHello1. Fails with internal_error otherwise, or when
  /// called a second time (only one HelloRetryRequest per connection).
  [[nodiscard]] Status restart_with_message_hash();

 private:
  HashCtx ctx_;
  Bytes buffer_;  // messages added before set_hash; empty afterwards
  size_t messages_ = 0;
  bool known_ = false;
  bool restarted_ = false;
};

}  // namespace mactls

#endif  // MACTLS_KEYSCHEDULE_TRANSCRIPT_H
