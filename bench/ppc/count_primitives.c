/* The floor's operations on the emulated G3, each between two markers:
 * X25519 key pair + shared secret, P-256 and P-384 ECDH, and one signature
 * check each for ECDSA P-256, ECDSA P-384, RSA-2048 and RSA-4096 (random
 * keys and values: the cost does not depend on validity). Markers 10+2k and
 * 11+2k bracket operation k. */
#include <nettle/curve25519.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <nettle/knuth-lfib.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>

__attribute__((noinline)) void mactls_marker(int id) { __asm__ __volatile__("" : : "r"(id) : "memory"); }

static struct knuth_lfib_ctx rng;
static void rnd(void* ctx, size_t n, uint8_t* out) { knuth_lfib_random(ctx, n, out); }

static void ecdh(const struct ecc_curve* c, int k) {
  struct ecc_scalar a, b;
  struct ecc_point pa, pb, s;
  ecc_scalar_init(&a, c); ecc_scalar_init(&b, c);
  ecc_point_init(&pa, c); ecc_point_init(&pb, c); ecc_point_init(&s, c);
  ecc_scalar_random(&b, &rng, rnd);
  ecc_point_mul_g(&pb, &b);
  mpz_t x, y;
  mpz_init(x); mpz_init(y);
  ecc_point_get(&pb, x, y);
  mactls_marker(10 + 2 * k);
  ecc_scalar_random(&a, &rng, rnd);
  ecc_point_mul_g(&pa, &a);          /* our key share */
  ecc_point_set(&pb, x, y);          /* the peer's, validated */
  ecc_point_mul(&s, &a, &pb);        /* shared secret */
  mactls_marker(11 + 2 * k);
  mpz_clear(x); mpz_clear(y);
  ecc_point_clear(&s); ecc_point_clear(&pb); ecc_point_clear(&pa);
  ecc_scalar_clear(&b); ecc_scalar_clear(&a);
}

static void ecdsa(const struct ecc_curve* c, int k) {
  struct ecc_scalar key;
  struct ecc_point pub;
  struct dsa_signature sig;
  uint8_t digest[48], tbs[600];
  ecc_scalar_init(&key, c); ecc_point_init(&pub, c); dsa_signature_init(&sig);
  ecdsa_generate_keypair(&pub, &key, &rng, rnd);
  knuth_lfib_random(&rng, sizeof tbs, tbs);
  struct sha256_ctx h;
  sha256_init(&h); sha256_update(&h, sizeof tbs, tbs); sha256_digest(&h, 32, digest);
  ecdsa_sign(&key, &rng, rnd, 32, digest, &sig);
  mactls_marker(10 + 2 * k);
  sha256_init(&h); sha256_update(&h, sizeof tbs, tbs); sha256_digest(&h, 32, digest);
  int ok = ecdsa_verify(&pub, 32, digest, &sig);
  mactls_marker(11 + 2 * k);
  if (!ok) printf("ecdsa verify failed\n");
  dsa_signature_clear(&sig); ecc_point_clear(&pub); ecc_scalar_clear(&key);
}

static void rsa(unsigned bits, int k) {
  /* A random odd modulus of full size and a random signature below it: the
   * verification's cost (s^65537 mod n, then the padding check) does not
   * depend on the signature being valid, and no slow key generation runs
   * under the emulator. */
  struct rsa_public_key pub;
  uint8_t nbytes[512], sbytes[512], tbs[600], digest[32];
  size_t len = bits / 8;
  mpz_t s;
  rsa_public_key_init(&pub);
  mpz_init(s);
  knuth_lfib_random(&rng, len, nbytes);
  nbytes[0] |= 0x80;
  nbytes[len - 1] |= 1;
  knuth_lfib_random(&rng, len, sbytes);
  sbytes[0] &= 0x7f;
  mpz_import(pub.n, len, 1, 1, 1, 0, nbytes);
  mpz_import(s, len, 1, 1, 1, 0, sbytes);
  mpz_set_ui(pub.e, 65537);
  if (!rsa_public_key_prepare(&pub)) printf("rsa key refused\n");
  knuth_lfib_random(&rng, sizeof tbs, tbs);
  mactls_marker(10 + 2 * k);
  struct sha256_ctx h;
  sha256_init(&h); sha256_update(&h, sizeof tbs, tbs); sha256_digest(&h, 32, digest);
  int ok = rsa_sha256_verify_digest(&pub, digest, s);
  mactls_marker(11 + 2 * k);
  (void)ok; /* random: never valid */
  mpz_clear(s);
  rsa_public_key_clear(&pub);
}

int main(void) {
  knuth_lfib_init(&rng, 4711);
  uint8_t a[32], pub[32], peer[32], shared[32];
  knuth_lfib_random(&rng, 32, a);
  knuth_lfib_random(&rng, 32, peer);
  curve25519_mul_g(peer, peer);
  mactls_marker(10);
  curve25519_mul_g(pub, a);
  curve25519_mul(shared, a, peer);
  mactls_marker(11);
  ecdh(nettle_get_secp_256r1(), 1);
  ecdh(nettle_get_secp_384r1(), 2);
  ecdsa(nettle_get_secp_256r1(), 3);
  ecdsa(nettle_get_secp_384r1(), 4);
  rsa(2048, 5);
  rsa(4096, 6);
  printf("primitives done\n");
  return 0;
}
