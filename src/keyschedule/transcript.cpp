#include "keyschedule/transcript.h"

namespace mactls {

void Transcript::add(ByteView message) {
  if (known_)
    ctx_.update(message);
  else
    buffer_.insert(buffer_.end(), message.begin(), message.end());
  ++messages_;
}

Status Transcript::set_hash(HashAlg alg) {
  if (known_) {
    if (alg == ctx_.alg()) return Status::ok();
    return Status::fail(Alert::internal_error, "transcript hash changed after it was fixed");
  }
  ctx_.reset(alg);
  ctx_.update(ByteView(buffer_));
  // Release the buffer: from now on nothing is buffered.
  Bytes().swap(buffer_);
  known_ = true;
  return Status::ok();
}

size_t Transcript::current_hash(uint8_t* out) const {
  if (!known_) return 0;
  ctx_.peek(out);
  return ctx_.size();
}

Status Transcript::hash_with_prefix(HashAlg alg, ByteView partial, uint8_t* out) const {
  if (known_) {
    if (alg != ctx_.alg())
      return Status::fail(Alert::internal_error,
                          "binder hash differs from the transcript hash of the chosen suite");
    HashCtx h = ctx_;  // a snapshot of the running state, not of the messages
    h.update(partial);
    h.peek(out);
    return Status::ok();
  }
  HashCtx h(alg);
  h.update(ByteView(buffer_));
  h.update(partial);
  h.peek(out);
  return Status::ok();
}

Status Transcript::restart_with_message_hash() {
  if (!known_)
    return Status::fail(Alert::internal_error,
                        "message_hash needs the HelloRetryRequest's hash: call set_hash first");
  if (restarted_)
    return Status::fail(Alert::internal_error, "a second HelloRetryRequest in one connection");
  if (messages_ != 1)
    return Status::fail(Alert::internal_error,
                        "message_hash must replace exactly ClientHello1 (add the "
                        "HelloRetryRequest after restarting)");
  uint8_t synthetic[4 + kMaxHashLen];
  const size_t n = ctx_.size();
  synthetic[0] = kHandshakeTypeMessageHash;
  store_be24(synthetic + 1, uint32_t(n));
  ctx_.peek(synthetic + 4);  // Hash(ClientHello1)
  ctx_.reset(ctx_.alg());
  ctx_.update(synthetic, 4 + n);
  messages_ = 1;
  restarted_ = true;
  return Status::ok();
}

}  // namespace mactls
