#include "api/crypto.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trailbox::api {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(hexEncode(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hexEncode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hexEncode(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256("abc").size(), 32u);
}

TEST(Sha256, HashesEmbeddedNulBytes) { EXPECT_NE(sha256(std::string("a\0b", 3)), sha256("a")); }

TEST(HmacSha256, Rfc4231TestCase1) {
  EXPECT_EQ(hexEncode(hmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231TestCase2) {
  std::string mac = hmacSha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(mac.size(), 32u);
  EXPECT_EQ(hexEncode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Rfc4231TestCase6KeyLongerThanABlock) {
  EXPECT_EQ(hexEncode(hmacSha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HexEncode, LowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(hexEncode(""), "");
  EXPECT_EQ(hexEncode(std::string("\x00\xff\x10\xAB", 4)), "00ff10ab");
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, UrlAlphabetWithoutPadding) {
  std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(base64Encode(bytes), "+/+/");
  EXPECT_EQ(base64UrlEncode(bytes), "-_-_");
  EXPECT_EQ(base64UrlEncode("f"), "Zg");
  EXPECT_EQ(base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(base64UrlEncode(std::string("\xfb\xff", 2)), "-_8");
}

TEST(Base64, DecodesBothAlphabetsWithOrWithoutPadding) {
  std::string out;
  ASSERT_TRUE(base64Decode("Zm9vYg==", out));
  EXPECT_EQ(out, "foob");
  ASSERT_TRUE(base64Decode("Zm9vYg", out));
  EXPECT_EQ(out, "foob");
  ASSERT_TRUE(base64Decode("Zm9vYmE", out));
  EXPECT_EQ(out, "fooba");
  ASSERT_TRUE(base64Decode("-_8", out));
  EXPECT_EQ(out, std::string("\xfb\xff", 2));
  ASSERT_TRUE(base64Decode("+/8=", out));
  EXPECT_EQ(out, std::string("\xfb\xff", 2));
  ASSERT_TRUE(base64Decode("", out));
  EXPECT_EQ(out, "");
}

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int n = 0; n <= 70; ++n) {
    std::string out;
    ASSERT_TRUE(base64Decode(base64Encode(bytes), out)) << n;
    EXPECT_EQ(out, bytes) << n;
    std::string url = base64UrlEncode(bytes);
    EXPECT_EQ(url.find_first_of("+/="), std::string::npos) << url;
    ASSERT_TRUE(base64Decode(url, out)) << n;
    EXPECT_EQ(out, bytes) << n;
    bytes.push_back(static_cast<char>((n * 37 + 251) & 0xff));
  }
}

TEST(Base64, RejectsCharactersOutsideTheAlphabets) {
  std::string out;
  for (std::string bad : {"Zm9v!", "Zm 9v", "Zm9v\n", "Zm9v.", "Zm9v*g==", "\xC3\xA9\xC3\xA9"}) {
    EXPECT_FALSE(base64Decode(bad, out)) << bad;
  }
}

TEST(Base64, RejectsImpossibleLengthsAndMisplacedPadding) {
  std::string out;
  bool single_char = base64Decode("Zm9vY", out);  // 4k+1 characters never encode anything
  bool inner_pad = base64Decode("Zg==Zg==", out);
  bool leading_pad = base64Decode("=Zm9", out);
  EXPECT_FALSE(single_char);
  EXPECT_FALSE(inner_pad);
  EXPECT_FALSE(leading_pad);
}

}  // namespace
}  // namespace trailbox::api
