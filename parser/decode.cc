// Charset decoding: BOM, HTTP charset, <meta> prescan (WHATWG encoding
// sniffing, simplified), else UTF-8 validity, else ICU detection; then ICU
// conversion to UTF-8 and NFC.
//
// Departure from WHATWG: a declared UTF-8 (header or meta) that the bytes
// clearly are not (many invalid sequences) yields to the other declaration or
// to detection, because misdeclared legacy Cyrillic pages are common.
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "config/ascii.h"
#include "parser/internal.h"

namespace pressarc::parser_internal {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Counts invalid UTF-8 sequences (stops counting at `limit`).
std::size_t CountInvalidUtf8(std::string_view s, std::size_t limit) {
  std::size_t bad = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size(), i = 0;
  while (i < n && bad < limit) {
    // ASCII runs eight bytes at a time.
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned int cp = 0;
    if (c >= 0xC2 && c <= 0xDF)
      len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
      len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
      len = 4, cp = c & 0x07;
    if (len == 0 || i + len > n) {
      ++bad;
      ++i;
      continue;
    }
    bool ok = true;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (ok && ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
               (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))))
      ok = false;
    if (!ok) {
      ++bad;
      ++i;
      continue;
    }
    i += len;
  }
  return bad;
}

// WHATWG label → the name ICU knows; "" when unsupported.
std::string CanonicalCharset(std::string_view label) {
  std::string l = AsciiLower(label);
  while (!l.empty() && (IsSpace(l.back()) || l.back() == '"' || l.back() == '\'')) l.pop_back();
  while (!l.empty() && (IsSpace(l.front()) || l.front() == '"' || l.front() == '\''))
    l.erase(l.begin());
  if (l.empty()) return "";
  if (l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8" || l == "x-unicode20utf8")
    return "UTF-8";
  // WHATWG: these labels all mean windows-1252.
  if (l == "iso-8859-1" || l == "latin1" || l == "l1" || l == "us-ascii" || l == "ascii" ||
      l == "iso8859-1" || l == "iso_8859-1" || l == "cp1252" || l == "windows-1252" ||
      l == "x-cp1252" || l == "cp819")
    return "windows-1252";
  if (l == "iso-8859-9" || l == "latin5" || l == "iso8859-9" || l == "cp1254" ||
      l == "windows-1254" || l == "x-cp1254")
    return "windows-1254";
  if (l == "cp1251" || l == "windows-1251" || l == "x-cp1251" || l == "win-1251" || l == "win1251")
    return "windows-1251";
  if (l == "utf-16" || l == "utf-16le" || l == "utf-16be") return "UTF-8";  // meta can't say UTF-16
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(l.c_str(), &status);
  if (U_FAILURE(status) || conv == nullptr) return "";
  const char* name = ucnv_getName(conv, &status);
  std::string out = U_SUCCESS(status) && name ? name : "";
  ucnv_close(conv);
  if (out == "UTF-16" || out == "UTF-16LE" || out == "UTF-16BE") return "UTF-8";
  return out;
}

// Value of charset=... inside a string (content attribute or header).
std::string CharsetParam(std::string_view s) {
  std::string lower = AsciiLower(s);
  std::size_t pos = 0;
  while ((pos = lower.find("charset", pos)) != std::string::npos) {
    std::size_t i = pos + 7;
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i >= s.size() || s[i] != '=') {
      pos = i;
      continue;
    }
    ++i;
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
      char q = s[i++];
      std::size_t end = s.find(q, i);
      if (end == std::string_view::npos) return "";
      return std::string(s.substr(i, end - i));
    }
    std::size_t end = i;
    while (end < s.size() && !IsSpace(s[end]) && s[end] != ';' && s[end] != '"' && s[end] != '\'')
      ++end;
    return std::string(s.substr(i, end - i));
  }
  return "";
}

std::string ConvertToUtf8(std::string_view bytes, const std::string& charset) {
  if (charset == "UTF-8") {
    if (CountInvalidUtf8(bytes, 1) == 0) return std::string(bytes);
  }
  icu::UnicodeString u(bytes.data(), static_cast<int32_t>(bytes.size()), charset.c_str());
  std::string out;
  u.toUTF8String(out);
  return out;
}

void NormalizeNfc(std::string& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return;
  if (nfc->isNormalizedUTF8(s, status) || U_FAILURE(status)) return;
  status = U_ZERO_ERROR;
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  nfc->normalizeUTF8(0, s, sink, nullptr, status);
  if (U_SUCCESS(status)) s.swap(out);
}

std::string Detect(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  UCharsetDetector* det = ucsdet_open(&status);
  if (U_FAILURE(status)) return "windows-1252";
  std::size_t n = std::min<std::size_t>(bytes.size(), 64 * 1024);
  ucsdet_setText(det, bytes.data(), static_cast<int32_t>(n), &status);
  ucsdet_enableInputFilter(det, true);  // ignore markup
  const UCharsetMatch* m = ucsdet_detect(det, &status);
  std::string name;
  if (U_SUCCESS(status) && m) {
    const char* nm = ucsdet_getName(m, &status);
    if (U_SUCCESS(status) && nm) name = nm;
  }
  ucsdet_close(det);
  // Map detections to the Windows code pages browsers use for them.
  if (name == "ISO-8859-1") name = "windows-1252";
  if (name == "ISO-8859-9") name = "windows-1254";
  if (name == "ISO-8859-5") name = "windows-1251";
  std::string canonical = CanonicalCharset(name);
  return canonical.empty() ? "windows-1252" : canonical;
}

}  // namespace

std::string CharsetFromContentType(std::string_view content_type) {
  return CharsetParam(content_type);
}

std::string PrescanMetaCharset(std::string_view bytes) {
  std::string_view head = bytes.substr(0, std::min<std::size_t>(bytes.size(), 4096));
  std::string lower = AsciiLower(head);
  std::size_t pos = 0;
  while ((pos = lower.find("<meta", pos)) != std::string::npos) {
    std::size_t end = lower.find('>', pos);
    if (end == std::string::npos) end = lower.size();
    std::string_view tag(lower.data() + pos, end - pos);
    std::size_t cs = tag.find("charset");
    if (cs != std::string_view::npos) {
      // <meta charset="x"> or content="text/html; charset=x".
      std::string value = CharsetParam(std::string_view(head.data() + pos, end - pos));
      if (!value.empty()) return value;
    }
    pos = end;
  }
  return "";
}

Decoded DecodeToUtf8(std::string_view bytes, std::string_view content_type) {
  Decoded d;
  // BOM first (WHATWG).
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xEF &&
      static_cast<unsigned char>(bytes[1]) == 0xBB &&
      static_cast<unsigned char>(bytes[2]) == 0xBF) {
    d.charset = "UTF-8";
    bytes.remove_prefix(3);
  } else if (bytes.size() >= 2 && ((static_cast<unsigned char>(bytes[0]) == 0xFF &&
                                    static_cast<unsigned char>(bytes[1]) == 0xFE) ||
                                   (static_cast<unsigned char>(bytes[0]) == 0xFE &&
                                    static_cast<unsigned char>(bytes[1]) == 0xFF))) {
    d.charset = static_cast<unsigned char>(bytes[0]) == 0xFF ? "UTF-16LE" : "UTF-16BE";
    bytes.remove_prefix(2);
  }
  if (d.charset.empty()) {
    std::string header = CanonicalCharset(CharsetFromContentType(content_type));
    std::string meta = CanonicalCharset(PrescanMetaCharset(bytes));
    std::size_t sample = std::min<std::size_t>(bytes.size(), 256 * 1024);
    std::size_t invalid = CountInvalidUtf8(bytes.substr(0, sample), 8);
    bool utf8_ok = invalid < 8;
    bool utf8_clean = invalid == 0;
    for (const std::string& declared : {header, meta}) {
      if (declared.empty()) continue;
      if (declared == "UTF-8" && !utf8_ok) continue;  // misdeclared
      // A page declared as a legacy code page that is clean, non-ASCII UTF-8
      // is UTF-8 (a stale meta tag after a site migration).
      if (declared != "UTF-8" && utf8_clean && &declared == &meta && header.empty()) {
        bool has_high = false;
        for (char c : bytes.substr(0, sample)) has_high |= static_cast<unsigned char>(c) >= 0x80;
        if (has_high) {
          d.charset = "UTF-8";
          break;
        }
      }
      d.charset = declared;
      break;
    }
    if (d.charset.empty()) d.charset = utf8_clean ? "UTF-8" : Detect(bytes);
  }
  d.utf8 = ConvertToUtf8(bytes, d.charset);
  NormalizeNfc(d.utf8);
  return d;
}

}  // namespace pressarc::parser_internal
