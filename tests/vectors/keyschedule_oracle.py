#!/usr/bin/env python3
"""Independent oracle for the key-schedule values RFC 8448 has no vector for
(SHA-384 / TLS_AES_256_GCM_SHA384, KeyUpdate's "traffic upd"), written from
RFC 8446 §7.1-§7.3 and RFC 5869 with only hashlib and hmac.

    python3 tests/vectors/keyschedule_oracle.py

prints the values that tests/unit/keyschedule_test.cpp pastes in.
"""
import hashlib
import hmac


def extract(h, salt, ikm):
    if not salt:
        salt = bytes(h().digest_size)
    return hmac.new(salt, ikm, h).digest()


def expand(h, prk, info, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), h).digest()
        out += t
        i += 1
    return out[:n]


def expand_label(h, secret, label, context, n):
    full = b"tls13 " + label.encode()
    info = n.to_bytes(2, "big") + bytes([len(full)]) + full + bytes([len(context)]) + context
    return expand(h, secret, info, n)


def derive_secret(h, secret, label, transcript_hash):
    return expand_label(h, secret, label, transcript_hash, h().digest_size)


def main():
    # SHA-384 schedule with a fixed fake shared secret and transcript.
    h = hashlib.sha384
    zeros = bytes(48)
    ikm = bytes(range(48))                      # stands in for an ECDHE secret
    th = hashlib.sha384(b"mactls transcript").digest()
    early = extract(h, b"", zeros)
    derived = derive_secret(h, early, "derived", hashlib.sha384(b"").digest())
    hs = extract(h, derived, ikm)
    c_hs = derive_secret(h, hs, "c hs traffic", th)
    master = extract(h, derive_secret(h, hs, "derived", hashlib.sha384(b"").digest()), zeros)
    c_ap = derive_secret(h, master, "c ap traffic", th)
    print("sha384 early          ", early.hex())
    print("sha384 handshake      ", hs.hex())
    print("sha384 c hs traffic   ", c_hs.hex())
    print("sha384 master         ", master.hex())
    print("sha384 c ap traffic   ", c_ap.hex())
    print("aes256 key            ", expand_label(h, c_hs, "key", b"", 32).hex())
    print("aes256 iv             ", expand_label(h, c_hs, "iv", b"", 12).hex())
    print("sha384 traffic upd    ", expand_label(h, c_ap, "traffic upd", b"", 48).hex())
    # KeyUpdate on RFC 8448 §3's client_application_traffic_secret_0.
    cap0 = bytes.fromhex("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5")
    h = hashlib.sha256
    cap1 = expand_label(h, cap0, "traffic upd", b"", 32)
    print("sha256 traffic upd 1  ", cap1.hex())
    print("sha256 traffic upd 2  ", expand_label(h, cap1, "traffic upd", b"", 32).hex())
    # A resumption PSK with a 4-byte nonce and SHA-384.
    print("sha384 resumption psk ", expand_label(hashlib.sha384, master, "resumption",
                                                 bytes([0, 0, 0, 1]), 48).hex())


if __name__ == "__main__":
    main()
