// Byte reader/writer, constant-time compare, wipe, and the hash/HMAC seam.
#include <gtest/gtest.h>

#include "common/bytes.h"
#include "common/secret.h"
#include "crypto/hash.h"
#include "support/vectors.h"

namespace mactls {
namespace {

using test::hex;

TEST(Reader, ReadsBigEndianFieldsAndRefusesShortInput) {
  Bytes b = hex("01 0203 040506 0708090a 02 aabb");
  Reader r{ByteView(b)};
  uint8_t a;
  uint16_t c;
  uint32_t d, e;
  ByteView v;
  ASSERT_TRUE(r.u8(a));
  ASSERT_TRUE(r.u16(c));
  ASSERT_TRUE(r.u24(d));
  ASSERT_TRUE(r.u32(e));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(c, 0x0203);
  EXPECT_EQ(d, 0x040506u);
  EXPECT_EQ(e, 0x0708090au);
  ASSERT_TRUE(r.vec8(v));
  EXPECT_EQ(to_hex(v), "aabb");
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.u8(a));
}

TEST(Reader, VectorLengthBeyondInputFailsWithoutConsuming) {
  Bytes b = hex("0005 aabb");
  Reader r{ByteView(b)};
  ByteView v;
  EXPECT_FALSE(r.vec16(v));
  EXPECT_EQ(r.position(), 0u);
  Bytes c = hex("03 aabbcc");
  Reader r2{ByteView(c)};
  EXPECT_FALSE(r2.vec8(v, 0, 2)) << "length above the maximum must fail";
}

TEST(Writer, PatchesNestedLengths) {
  Bytes out;
  Writer w(out);
  size_t outer = w.open_block(2);
  w.u8(7);
  size_t inner = w.open_block(3);
  w.u16(0xbeef);
  w.close_block(inner, 3);
  w.close_block(outer, 2);
  EXPECT_EQ(to_hex(out), "000607000002beef");
}

TEST(ConstantTime, EqualityIsExact) {
  Bytes a = hex("00112233"), b = hex("00112233"), c = hex("00112232");
  EXPECT_TRUE(ct_equal(a, b));
  EXPECT_FALSE(ct_equal(a, c));
  EXPECT_FALSE(ct_equal(ByteView(a), ByteView(a.data(), 3)));
}

TEST(Secret, WipesOnWipeAndMove) {
  Bytes k = hex("0102030405");
  Secret s{ByteView(k)};
  EXPECT_EQ(s.size(), 5u);
  Secret t(std::move(s));
  EXPECT_EQ(s.size(), 0u);
  for (size_t i = 0; i < kMaxHashLen; ++i) EXPECT_EQ(s.data()[i], 0);
  EXPECT_EQ(to_hex(t.view()), "0102030405");
  t.wipe();
  EXPECT_TRUE(t.empty());
}

// FIPS 180-4 example "abc" (NIST CSRC example values).
TEST(Hash, Sha256AndSha384OfAbc) {
  Bytes abc = {'a', 'b', 'c'};
  uint8_t out[48];
  hash_once(HashAlg::sha256, abc, out);
  EXPECT_EQ(to_hex(ByteView(out, 32)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  hash_once(HashAlg::sha384, abc, out);
  EXPECT_EQ(to_hex(ByteView(out, 48)),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            "8086072ba1e7cc2358baeca134c825a7");
}

TEST(Hash, PeekDoesNotDisturbTheRunningHash) {
  HashCtx h(HashAlg::sha256);
  h.update(Bytes{'a'});
  uint8_t mid[32], fin[32], once[32];
  h.peek(mid);
  h.update(Bytes{'b', 'c'});
  h.peek(fin);
  hash_once(HashAlg::sha256, Bytes{'a', 'b', 'c'}, once);
  EXPECT_EQ(to_hex(ByteView(fin, 32)), to_hex(ByteView(once, 32)));
  hash_once(HashAlg::sha256, Bytes{'a'}, once);
  EXPECT_EQ(to_hex(ByteView(mid, 32)), to_hex(ByteView(once, 32)));
}

// RFC 4231 §4.2 test case 1 (HMAC-SHA-256 and -384).
TEST(Hmac, Rfc4231Case1) {
  Bytes key(20, 0x0b);
  Bytes data = {'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e'};
  uint8_t out[48];
  hmac(HashAlg::sha256, key, data, out);
  EXPECT_EQ(to_hex(ByteView(out, 32)),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  hmac(HashAlg::sha384, key, data, out);
  EXPECT_EQ(to_hex(ByteView(out, 48)),
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
            "faea9ea9076ede7f4af152e8b2fa9cb6");
}

}  // namespace
}  // namespace mactls
