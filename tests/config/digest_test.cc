#include <gtest/gtest.h>

#include "config/status.h"

TEST(Status, OkByDefault) { EXPECT_TRUE(pressarc::Status().ok()); }

#include "config/digest.h"

TEST(Sha1, MatchesKnownVectors) {
  auto d = pressarc::Sha1Digest("abc");
  EXPECT_EQ(pressarc::Hex(d.data(), d.size()), "a9993e364706816aba3e25717850c26c9cd0d89d");
  auto e = pressarc::Sha1Digest("");
  EXPECT_EQ(pressarc::Hex(e.data(), e.size()), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  std::string million(1000000, 'a');
  auto m = pressarc::Sha1Digest(million);
  EXPECT_EQ(pressarc::Hex(m.data(), m.size()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  EXPECT_EQ(pressarc::WarcSha1("abc"), "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
}

TEST(Sha1, SameDigestWhateverTheUpdateSizes) {
  // FIPS 180 vectors of two blocks; whole blocks are hashed straight from the
  // input (on the SHA extensions when the CPU has them), the rest buffered.
  const std::string two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  auto d = pressarc::Sha1Digest(two);
  EXPECT_EQ(pressarc::Hex(d.data(), d.size()), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  std::string text;
  for (int i = 0; i < 1000; ++i) text += static_cast<char>('a' + (i * 7) % 26);
  const auto whole = pressarc::Sha1Digest(text);
  for (std::size_t piece : {1u, 3u, 63u, 64u, 65u, 200u}) {
    pressarc::Sha1 sha;
    for (std::size_t at = 0; at < text.size(); at += piece) {
      sha.Update(std::string_view(text).substr(at, piece));
    }
    EXPECT_EQ(sha.Final(), whole) << "pieces of " << piece;
  }
}
