// URL resolution (RFC 3986 §5) and normalisation for http(s) URLs.
//
// Departures from the RFC, following what browsers (WHATWG URL) do with the
// same input: leading/trailing spaces and control characters are trimmed,
// tabs and newlines inside are removed, '\' counts as '/', and "http:path"
// against an http base is relative. Hosts are lower-cased and IDNs converted
// to punycode with ICU UTS #46.
#include <unicode/uidna.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/ascii.h"
#include "parser/parser.h"

namespace pressarc {
namespace {

constexpr std::size_t kMaxUrlBytes = 8192;

struct UrlParts {
  std::string scheme;  // lower-case, "" when relative
  bool has_authority = false;
  std::string authority;  // raw userinfo@host:port
  std::string path;
  bool has_query = false;
  std::string query;
};

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool IsUnreserved(unsigned char c) {
  return IsAlpha(static_cast<char>(c)) || IsDigit(static_cast<char>(c)) || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Trims C0 controls and spaces at both ends and removes tabs and newlines.
std::string Clean(std::string_view in) {
  std::size_t b = 0, e = in.size();
  while (b < e && static_cast<unsigned char>(in[b]) <= 0x20) ++b;
  while (e > b && static_cast<unsigned char>(in[e - 1]) <= 0x20) --e;
  std::string out;
  out.reserve(e - b);
  for (std::size_t i = b; i < e; ++i) {
    char c = in[i];
    if (c == '\t' || c == '\n' || c == '\r') continue;
    out.push_back(c);
  }
  return out;
}

// Splits a reference into its parts (fragment dropped). `special` = http(s)
// context: '\' is a separator.
UrlParts Split(std::string s) {
  UrlParts p;
  if (auto hash = s.find('#'); hash != std::string::npos) s.resize(hash);
  std::size_t i = 0;
  if (!s.empty() && IsAlpha(s[0])) {
    std::size_t j = 1;
    while (j < s.size() &&
           (IsAlpha(s[j]) || IsDigit(s[j]) || s[j] == '+' || s[j] == '-' || s[j] == '.'))
      ++j;
    if (j < s.size() && s[j] == ':') {
      p.scheme = AsciiLower(std::string_view(s).substr(0, j));
      i = j + 1;
    }
  }
  bool special = p.scheme.empty() || p.scheme == "http" || p.scheme == "https";
  if (special) {
    for (std::size_t k = i; k < s.size() && s[k] != '?'; ++k)
      if (s[k] == '\\') s[k] = '/';
  }
  if (s.compare(i, 2, "//") == 0) {
    p.has_authority = true;
    std::size_t j = i + 2;
    std::size_t end = s.find_first_of("/?", j);
    if (end == std::string::npos) end = s.size();
    p.authority = s.substr(j, end - j);
    i = end;
  }
  std::size_t q = s.find('?', i);
  if (q == std::string::npos) {
    p.path = s.substr(i);
  } else {
    p.path = s.substr(i, q - i);
    p.has_query = true;
    p.query = s.substr(q + 1);
  }
  return p;
}

// 1 for a "." segment, 2 for "..", 0 otherwise; a dot may be written %2e or
// %2E (any case mix: "%2E%2e" is ".." too, as NormalizeEncoding decodes it).
int DotSegment(std::string_view seg) {
  int dots = 0;
  for (std::size_t i = 0; i < seg.size(); ++dots) {
    if (seg[i] == '.') {
      i += 1;
    } else if (seg.size() - i >= 3 && seg[i] == '%' && seg[i + 1] == '2' &&
               (seg[i + 2] == 'e' || seg[i + 2] == 'E')) {
      i += 3;
    } else {
      return 0;
    }
    if (dots >= 2) return 0;
  }
  return dots;
}

// RFC 3986 §5.2.4.
std::string RemoveDotSegments(std::string_view in) {
  std::vector<std::string_view> out;
  bool absolute = !in.empty() && in[0] == '/';
  std::size_t i = absolute ? 1 : 0;
  bool trailing_slash = false;
  while (i <= in.size()) {
    std::size_t j = in.find('/', i);
    if (j == std::string_view::npos) j = in.size();
    std::string_view seg = in.substr(i, j - i);
    bool last = j == in.size();
    const int dots = DotSegment(seg);
    if (dots == 1) {
      trailing_slash = last;
    } else if (dots == 2) {
      if (!out.empty()) out.pop_back();
      trailing_slash = last;
    } else {
      out.push_back(seg);
      trailing_slash = false;
    }
    i = j + 1;
  }
  std::string result = absolute ? "/" : "";
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (k) result += '/';
    result += out[k];
  }
  if (trailing_slash && !out.empty()) result += '/';
  return result;
}

std::string MergePaths(const UrlParts& base, std::string_view ref_path) {
  if (base.has_authority && base.path.empty()) return "/" + std::string(ref_path);
  auto slash = base.path.rfind('/');
  if (slash == std::string::npos) return std::string(ref_path);
  return base.path.substr(0, slash + 1) + std::string(ref_path);
}

// Normalises percent-encoding: upper-case hex, unreserved characters decoded,
// bytes that may not appear raw encoded. `keep` lists extra raw characters.
std::string NormalizeEncoding(std::string_view in, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 && HexValue(in[i + 2]) >= 0) {
      unsigned char v = static_cast<unsigned char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      if (IsUnreserved(v)) {
        out.push_back(static_cast<char>(v));
      } else {
        out.push_back('%');
        out.push_back(kHex[v >> 4]);
        out.push_back(kHex[v & 15]);
      }
      i += 2;
    } else if (IsUnreserved(c) || (c < 0x80 && c > 0x20 &&
                                   keep.find(static_cast<char>(c)) != std::string_view::npos)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

bool IsTrackingParam(std::string_view name) {
  std::string n = AsciiLower(name);
  if (n.rfind("utm_", 0) == 0) return true;
  static constexpr std::array<std::string_view, 10> kDrop = {
      "fbclid", "gclid",     "yclid",     "dclid",      "msclkid",
      "mc_eid", "_openstat", "phpsessid", "jsessionid", "sid"};
  return std::find(kDrop.begin(), kDrop.end(), n) != kDrop.end();
}

std::string CleanQuery(std::string_view query) {
  std::string out;
  std::size_t i = 0;
  while (i <= query.size()) {
    std::size_t j = query.find('&', i);
    if (j == std::string_view::npos) j = query.size();
    std::string_view raw = query.substr(i, j - i);
    i = j + 1;
    if (raw.empty()) continue;
    // The name as normalised: "utm%5Fsource" is utm_source (judged before,
    // it was kept, and dropped when the result was normalised again).
    const std::string pair = NormalizeEncoding(raw, "!$&'()*+,;=:@/?[]|^`{}");
    std::string_view name = std::string_view(pair).substr(0, pair.find('='));
    if (IsTrackingParam(name)) continue;
    if (!out.empty()) out += '&';
    out += pair;
  }
  return out;
}

// Drops ";jsessionid=..." style path parameters, every one (up to the
// next '/', so what is left never joins into a new one).
std::string StripSessionPathParams(std::string path) {
  for (std::string_view key : {";jsessionid=", ";phpsessid=", ";sid="}) {
    std::string lower = AsciiLower(path);
    for (auto pos = lower.rfind(key); pos != std::string::npos;
         pos = pos == 0 ? std::string::npos : lower.rfind(key, pos - 1)) {
      auto end = path.find('/', pos + 1);
      const auto n = end == std::string::npos ? std::string::npos : end - pos;
      path.erase(pos, n);
      lower.erase(pos, n);
    }
  }
  return path;
}

std::string IdnaToAscii(const std::string& host) {
  UErrorCode status = U_ZERO_ERROR;
  UIDNA* idna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &status);
  if (U_FAILURE(status)) return "";
  char buf[512];
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  int32_t n = uidna_nameToASCII_UTF8(idna, host.data(), static_cast<int32_t>(host.size()), buf,
                                     sizeof(buf), &info, &status);
  uidna_close(idna);
  if (U_FAILURE(status) || n <= 0 || n >= static_cast<int32_t>(sizeof(buf))) return "";
  return std::string(buf, static_cast<std::size_t>(n));
}

// Normalises "userinfo@host:port"; returns "" when invalid.
std::string NormalizeAuthority(std::string_view auth, std::string_view scheme) {
  std::string userinfo;
  if (auto at = auth.rfind('@'); at != std::string_view::npos) {
    userinfo = NormalizeEncoding(auth.substr(0, at), "!$&'()*+,;=:");
    auth = auth.substr(at + 1);
  }
  std::string_view host = auth, port;
  if (!auth.empty() && auth[0] == '[') {
    auto close = auth.find(']');
    if (close == std::string_view::npos) return "";
    host = auth.substr(0, close + 1);
    std::string_view rest = auth.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return "";
      port = rest.substr(1);
    }
  } else if (auto colon = auth.rfind(':'); colon != std::string_view::npos) {
    host = auth.substr(0, colon);
    port = auth.substr(colon + 1);
  }
  if (host.empty()) return "";
  std::string h;
  // Percent-decode the host, then lower-case; anything odd makes it invalid.
  for (std::size_t i = 0; i < host.size(); ++i) {
    char c = host[i];
    if (c == '%' && i + 2 < host.size() && HexValue(host[i + 1]) >= 0 &&
        HexValue(host[i + 2]) >= 0) {
      c = static_cast<char>(HexValue(host[i + 1]) * 16 + HexValue(host[i + 2]));
      i += 2;
    }
    h.push_back(AsciiLower(c));
  }
  if (std::any_of(h.begin(), h.end(), [](unsigned char c) { return c >= 0x80; })) {
    h = IdnaToAscii(h);
    if (h.empty()) return "";
  }
  // Forbidden host code points (checked after IDNA, which maps e.g. U+FF0F
  // to '/'); ':' and brackets only inside an IPv6 literal. ICU marks a label
  // it cannot map with U+FFFD: not a host either.
  const bool ipv6 = h.front() == '[';
  for (unsigned char c : h) {
    if (c >= 0x80 || c <= 0x20 ||
        std::string_view("<>\"{}|\\^`%/?#@ ").find(static_cast<char>(c)) != std::string_view::npos)
      return "";
    if (!ipv6 && (c == ':' || c == '[' || c == ']')) return "";
  }
  while (!h.empty() && h.back() == '.') h.pop_back();
  if (h.empty()) return "";
  std::string out = userinfo.empty() ? "" : userinfo + "@";
  out += h;
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit)) return "";
    unsigned long value = std::stoul(std::string(port));
    if (value > 65535) return "";
    bool is_default = (scheme == "http" && value == 80) || (scheme == "https" && value == 443);
    if (!is_default) out += ":" + std::to_string(value);
  }
  return out;
}

// Resolves and normalises; "" when the result is not a valid http(s) URL.
std::string Resolve(std::string_view base_in, std::string_view href_in) {
  if (href_in.size() > kMaxUrlBytes || base_in.size() > kMaxUrlBytes) return "";
  UrlParts ref = Split(Clean(href_in));
  UrlParts base;
  bool have_base = false;
  if (!base_in.empty()) {
    base = Split(Clean(base_in));
    have_base = (base.scheme == "http" || base.scheme == "https") && base.has_authority;
  }
  // "http:foo" against an http base is relative (as browsers do).
  if (have_base && ref.scheme == base.scheme && !ref.has_authority) ref.scheme.clear();

  UrlParts t;
  if (!ref.scheme.empty()) {
    t = ref;
    t.path = RemoveDotSegments(ref.path);
  } else {
    if (!have_base) return "";
    t.scheme = base.scheme;
    if (ref.has_authority) {
      t.has_authority = true;
      t.authority = ref.authority;
      t.path = RemoveDotSegments(ref.path);
      t.has_query = ref.has_query;
      t.query = ref.query;
    } else {
      t.has_authority = true;
      t.authority = base.authority;
      if (ref.path.empty()) {
        t.path = base.path;
        t.has_query = ref.has_query || base.has_query;
        t.query = ref.has_query ? ref.query : base.query;
      } else {
        t.path = ref.path[0] == '/' ? RemoveDotSegments(ref.path)
                                    : RemoveDotSegments(MergePaths(base, ref.path));
        t.has_query = ref.has_query;
        t.query = ref.query;
      }
    }
  }
  if (t.scheme != "http" && t.scheme != "https") return "";
  if (!t.has_authority) return "";
  std::string authority = NormalizeAuthority(t.authority, t.scheme);
  if (authority.empty()) return "";
  // Dot segments again: dropping a session parameter can leave one ("/ru/.;sid=1").
  std::string path =
      NormalizeEncoding(RemoveDotSegments(StripSessionPathParams(t.path)), "/!$&'()*+,;=:@");
  if (path.empty() || path[0] != '/') path.insert(path.begin(), '/');
  std::string out = t.scheme + "://" + authority + path;
  if (t.has_query) {
    std::string q = CleanQuery(t.query);
    if (!q.empty()) out += "?" + q;
  }
  // Percent-encoding can triple the bytes: a result longer than an input
  // may be is refused too, so that normalising what this returns accepts it.
  if (out.size() > kMaxUrlBytes) return "";
  return out;
}

}  // namespace

std::string ResolveUrl(std::string_view base, std::string_view href) {
  return Resolve(base, href);
}

std::string UrlOrigin(std::string_view url) {
  std::string n = NormalizeUrl(url);
  if (n.empty()) return "";
  auto start = n.find("://") + 3;
  auto end = n.find_first_of("/?", start);
  std::string origin = n.substr(0, end);
  // Userinfo is not part of an origin.
  auto at = origin.find('@', start);
  if (at != std::string::npos) origin.erase(start, at + 1 - start);
  return origin;
}

std::string UrlHost(std::string_view url) {
  std::string origin = UrlOrigin(url);
  if (origin.empty()) return "";
  std::string host = origin.substr(origin.find("://") + 3);
  if (!host.empty() && host[0] == '[') return host.substr(0, host.find(']') + 1);
  auto colon = host.rfind(':');
  if (colon != std::string::npos) host.resize(colon);
  return host;
}

std::string UrlPathAndQuery(std::string_view url) {
  std::string n = NormalizeUrl(url);
  if (n.empty()) return "/";
  auto start = n.find("://") + 3;
  auto slash = n.find_first_of("/?", start);
  if (slash == std::string::npos) return "/";
  std::string out = n.substr(slash);
  if (out[0] == '?') out.insert(out.begin(), '/');
  return out;
}

}  // namespace pressarc
