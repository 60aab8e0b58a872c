// mactls key schedule — RFC 8446 §7.1 HKDF-Expand-Label and Derive-Secret.
#ifndef MACTLS_KEYSCHEDULE_HKDF_LABEL_H
#define MACTLS_KEYSCHEDULE_HKDF_LABEL_H

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/secret.h"
#include "crypto/hash.h"

namespace mactls {

/// HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 §7.1):
/// HKDF-Expand(secret, HkdfLabel{length, "tls13 " + label, context}, length).
/// `label` is the bare label ("key", "c hs traffic", ...); out[len].
void hkdf_expand_label(HashAlg alg, ByteView secret, const char* label, ByteView context,
                       uint8_t* out, size_t len);
/// The same with the secret already keyed (several labels from one secret).
void hkdf_expand_label(HmacKey& secret, const char* label, ByteView context, uint8_t* out,
                       size_t len);

/// HKDF-Expand-Label into a Secret of hash length.
void hkdf_expand_label(HashAlg alg, ByteView secret, const char* label, ByteView context,
                       Secret& out);

/// Derive-Secret(Secret, Label, Messages) with the transcript hash already
/// computed: HKDF-Expand-Label(secret, label, transcript_hash, Hash.length).
void derive_secret(HashAlg alg, ByteView secret, const char* label, ByteView transcript_hash,
                   Secret& out);

}  // namespace mactls

#endif
