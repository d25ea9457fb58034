// Charset decoding: BOM, HTTP header, <meta> prescan, misdeclared UTF-8,
// ICU detection, invalid bytes, NFC.
#include <gtest/gtest.h>

#include <string>

#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

// "Привет, мир" in windows-1251.
const std::string kCp1251Hello = "\xCF\xF0\xE8\xE2\xE5\xF2, \xEC\xE8\xF0";
// "Şəhər" is not in 1254 (ə), so use "Ağdaş" in windows-1254: A \xF0 d a \xFE.
const std::string kCp1254Agdas =
    "A\xF0"
    "da\xFE";

TEST(DecodeTest, Utf8PassesThrough) {
  Decoded d = DecodeToUtf8("<p>Xəbər</p>", "");
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.utf8, "<p>Xəbər</p>");
}

TEST(DecodeTest, BomWinsAndIsStripped) {
  Decoded d = DecodeToUtf8("\xEF\xBB\xBF<p>x</p>", "text/html; charset=windows-1251");
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.utf8, "<p>x</p>");
}

TEST(DecodeTest, MetaCharsetWindows1251) {
  std::string html =
      "<html><head><meta charset=\"windows-1251\"></head><body>" + kCp1251Hello + "</body>";
  Decoded d = DecodeToUtf8(html, "text/html");
  EXPECT_EQ(d.charset, "windows-1251");
  EXPECT_NE(d.utf8.find("Привет, мир"), std::string::npos);
}

TEST(DecodeTest, HttpEquivWindows1254) {
  std::string html =
      "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1254\"><p>" +
      kCp1254Agdas + "</p>";
  Decoded d = DecodeToUtf8(html, "");
  EXPECT_EQ(d.charset, "windows-1254");
  EXPECT_NE(d.utf8.find("Ağdaş"), std::string::npos);
}

TEST(DecodeTest, HttpHeaderCharset) {
  Decoded d = DecodeToUtf8("<p>" + kCp1251Hello + "</p>", "text/html; charset=cp1251");
  EXPECT_EQ(d.charset, "windows-1251");
  EXPECT_NE(d.utf8.find("Привет"), std::string::npos);
}

TEST(DecodeTest, MisdeclaredUtf8HeaderYieldsToMeta) {
  std::string body;
  for (int i = 0; i < 20; ++i) body += kCp1251Hello + " ";
  std::string html = "<meta charset=\"windows-1251\"><p>" + body + "</p>";
  Decoded d = DecodeToUtf8(html, "text/html; charset=utf-8");
  EXPECT_EQ(d.charset, "windows-1251");
  EXPECT_NE(d.utf8.find("Привет, мир"), std::string::npos);
}

TEST(DecodeTest, UndeclaredLegacyBytesAreDetected) {
  std::string body;
  for (int i = 0; i < 40; ++i)
    body +=
        "\xCC\xE8\xED\xE8\xF1\xF2\xF0 \xE8\xED\xEE\xF1\xF2\xF0\xE0\xED\xED\xFB\xF5 \xE4\xE5\xEB ";
  Decoded d = DecodeToUtf8("<p>" + body + "</p>", "");
  EXPECT_EQ(d.charset, "windows-1251");
  EXPECT_NE(d.utf8.find("Министр иностранных дел"), std::string::npos);
}

TEST(DecodeTest, InvalidBytesNeverCrashAndGiveValidUtf8) {
  std::string junk = "<p>\xFF\xFE\xC3\x28\xE2\x82 ok \xF0\x9F</p>";
  Decoded d = DecodeToUtf8(junk, "text/html; charset=utf-8");
  EXPECT_NE(d.utf8.find("ok"), std::string::npos);
  EXPECT_FALSE(d.utf8.empty());
}

TEST(DecodeTest, OutputIsNfc) {
  // "ə" is precomposed already; test a decomposed "é" (e + U+0301).
  Decoded d = DecodeToUtf8("<p>Cafe\xCC\x81</p>", "");
  EXPECT_EQ(d.utf8, "<p>Caf\xC3\xA9</p>");
}

TEST(DecodeTest, CharsetLabels) {
  EXPECT_EQ(CharsetFromContentType("text/html; charset=UTF-8"), "UTF-8");
  EXPECT_EQ(CharsetFromContentType("text/html;charset=\"koi8-r\""), "koi8-r");
  EXPECT_EQ(CharsetFromContentType("text/html"), "");
  EXPECT_EQ(PrescanMetaCharset(
                "<META HTTP-EQUIV=Content-Type CONTENT='text/html; charset=windows-1251'>"),
            "windows-1251");
  EXPECT_EQ(PrescanMetaCharset("<meta charset=utf-8>"), "utf-8");
  EXPECT_EQ(PrescanMetaCharset("<p>no meta</p>"), "");
}

}  // namespace
}  // namespace pressarc::parser_internal
