// ServerHello / HelloRetryRequest body parser.
#include "fuzz_common.h"
#include "handshake/messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mactls::ServerHello sh;
  mactls::Status s = mactls::parse_server_hello(mactls::ByteView(data, size), 64, &sh);
  if (s.is_ok()) {
    mactls::fuzz::require(sh.random.size == 32, "ServerHello random is 32 bytes");
    mactls::fuzz::require(sh.session_id.size <= 32, "session id at most 32 bytes");
  } else {
    mactls::fuzz::require(s.alert() != mactls::Alert::close_notify, "a failure carries an alert");
  }
  return 0;
}
