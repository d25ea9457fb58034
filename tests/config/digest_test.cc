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
