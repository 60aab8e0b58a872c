// nettle does its big-number work (X25519, P-256/P-384, RSA) in scratch and
// limbs it gets from gmp's memory functions, and hands them back unwiped:
// an ECDHE shared secret, a private scalar or their intermediates would stay
// in freed heap. mactls therefore installs, once, gmp memory functions that
// zero every block before it is freed (or moved by a realloc), chaining to
// the functions that were in place — so blocks allocated before still go
// back to their own allocator. It is process-wide: other gmp users in the
// host get the same wiping, at the cost of a memset per free.
#ifndef MACTLS_CRYPTO_BIGNUM_MEMORY_H
#define MACTLS_CRYPTO_BIGNUM_MEMORY_H

namespace mactls {

/// Installs the wiping functions on the first call; later calls do nothing.
/// Called by every Client constructor.
void install_wiping_bignum_memory();

}  // namespace mactls

#endif
