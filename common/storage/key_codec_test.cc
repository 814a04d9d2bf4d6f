#include "common/storage/key_codec.h"

#include <gtest/gtest.h>

namespace ecoplan::common {
namespace {

TEST(KeyCodecTest, Uint64RoundTripsAndSortsNumerically) {
  for (uint64_t v : {0ull, 1ull, 255ull, 256ull, 1ull << 40, ~0ull}) {
    const std::string encoded = EncodeUint64(v);
    EXPECT_EQ(encoded.size(), 8u);
    EXPECT_EQ(DecodeUint64(encoded), v);
  }
  EXPECT_LT(EncodeUint64(255), EncodeUint64(256));
  EXPECT_LT(EncodeUint64(1), EncodeUint64(1ull << 56));
  EXPECT_EQ(EncodeUint64(0x0102030405060708ull), std::string("\x01\x02\x03\x04\x05\x06\x07\x08"));
}

TEST(KeyCodecTest, DecodeRejectsWrongLength) {
  EXPECT_EQ(DecodeUint64("1234567"), std::nullopt);
  EXPECT_EQ(DecodeUint64("123456789"), std::nullopt);
}

TEST(KeyCodecTest, JoinsWithSlash) {
  EXPECT_EQ(Key("r", "abc"), "r/abc");
  EXPECT_EQ(Key("m", "plan", "m1"), "m/plan/m1");
}

TEST(KeyCodecTest, PrefixEndBoundsThePrefix) {
  EXPECT_EQ(PrefixEnd("r/"), "r0");
  EXPECT_EQ(PrefixEnd(std::string("a\xff\xff", 3)), "b");
  EXPECT_EQ(PrefixEnd(std::string("\xff", 1)), "");
  EXPECT_EQ(PrefixEnd(""), "");
  EXPECT_LT(Key("r", "zzzz"), PrefixEnd("r/"));
}

}  // namespace
}  // namespace ecoplan::common
