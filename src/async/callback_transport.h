// mactls async — a Transport made of a C host's callbacks (mactls.h's
// mactls_transport), so the browser can put Open Transport endpoints, or
// any other non-blocking stream, under Connection.
#ifndef MACTLS_ASYNC_CALLBACK_TRANSPORT_H
#define MACTLS_ASYNC_CALLBACK_TRANSPORT_H

#include <memory>

#include "mactls/connection.h"
#include "mactls/mactls.h"

namespace mactls {

/// True when every required callback of `ops` is set (all but native_handle).
bool callback_transport_complete(const mactls_transport& ops);

/// A Transport that forwards each call to `ops` with `user` (see
/// mactls_transport for the callbacks' contract). `ops` is copied; `user`
/// must outlive the transport. close() calls ops.close exactly once per
/// connect_start, also from the destructor. A callback that reports an
/// error without a reason gets one that names the callback.
std::unique_ptr<Transport> make_callback_transport(const mactls_transport& ops, void* user);

}  // namespace mactls

#endif  // MACTLS_ASYNC_CALLBACK_TRANSPORT_H
