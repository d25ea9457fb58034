// robots.txt parsing and matching per RFC 9309; see crawler/robots.h.
//
// Follows google/robotstxt where the RFC leaves room: a line without a colon
// ("disallow /") is read as if it had one; a few common misspellings of the
// keys are accepted; the user-agent value is compared by its product token
// (the leading [A-Za-z_-] run, so "FooBot/2.1" and "FooBot Images" name
// FooBot); rules before the first user-agent line are ignored; lines other
// than user-agent/allow/disallow/crawl-delay do not end a group. Departs from
// it in one place: the path is percent-normalised too (not only the rules),
// so a URL given with raw UTF-8 matches a rule written either way.
#include "crawler/robots.h"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace pressarc {
namespace {

constexpr std::size_t kMaxBytes = 500 * 1024;    // RFC 9309 2.5: at least 500 KiB
constexpr std::size_t kMaxLineBytes = 2083 * 8;  // as google/robotstxt
constexpr std::size_t kMaxSitemaps = 1000;
constexpr double kMaxDelaySeconds = 86400;

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The product token: the leading run of [A-Za-z_-].
std::string_view ProductToken(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
                          s[n] == '_' || s[n] == '-')) {
    ++n;
  }
  return s.substr(0, n);
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Percent-encodes octets outside printable US-ASCII and upper-cases the hex
// digits of existing escapes; runs of '*' collapse into one.
std::string NormalizePercent(std::string_view s, bool is_pattern) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() && IsHex(s[i + 1]) && IsHex(s[i + 2])) {
      out += '%';
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 1])));
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i + 2])));
      i += 2;
    } else if (c >= 0x80 || c <= 0x20 || c == 0x7f) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (is_pattern && c == '*' && !out.empty() && out.back() == '*') {
      continue;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Whether `pattern` ('*' any run, '$' at the end anchors) matches a prefix of
// `path` (the whole of it with '$'). O(|pattern| * |path|) at worst.
bool PatternMatches(std::string_view path, std::string_view pattern) {
  std::vector<std::size_t> pos;
  pos.reserve(path.size() + 1);
  pos.push_back(0);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '$' && i + 1 == pattern.size()) return pos.back() == path.size();
    if (c == '*') {
      std::size_t first = pos.front();
      pos.clear();
      for (std::size_t p = first; p <= path.size(); ++p) pos.push_back(p);
      continue;
    }
    std::size_t kept = 0;
    for (std::size_t p : pos) {
      if (p < path.size() && path[p] == c) pos[kept++] = p + 1;
    }
    if (kept == 0) return false;
    pos.resize(kept);
  }
  return true;
}

enum class Key { kUserAgent, kAllow, kDisallow, kCrawlDelay, kSitemap, kOther };

Key KeyOf(std::string_view k) {
  for (const char* s : {"user-agent", "useragent", "user agent"}) {
    if (IEquals(k, s)) return Key::kUserAgent;
  }
  if (IEquals(k, "allow")) return Key::kAllow;
  for (const char* s : {"disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"}) {
    if (IEquals(k, s)) return Key::kDisallow;
  }
  if (IEquals(k, "crawl-delay") || IEquals(k, "crawldelay")) return Key::kCrawlDelay;
  if (IEquals(k, "sitemap") || IEquals(k, "site-map")) return Key::kSitemap;
  return Key::kOther;
}

// Splits "key: value # comment" (or "key value" without a colon).
bool SplitLine(std::string_view line, std::string_view* key, std::string_view* value) {
  std::size_t hash = line.find('#');
  if (hash != std::string_view::npos) line = line.substr(0, hash);
  line = Trim(line);
  if (line.empty()) return false;
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    // Google: "disallow /" means "disallow: /" (one key, one value).
    std::size_t ws = line.find_first_of(" \t");
    if (ws == std::string_view::npos) return false;
    std::string_view rest = Trim(line.substr(ws));
    if (rest.find_first_of(" \t") != std::string_view::npos) return false;
    *key = line.substr(0, ws);
    *value = rest;
    return true;
  }
  *key = Trim(line.substr(0, colon));
  *value = Trim(line.substr(colon + 1));
  return !key->empty();
}

}  // namespace

RobotsRules RobotsRules::AllowAll() {
  return RobotsRules();
}

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules r;
  r.disallow_all_ = true;
  return r;
}

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view user_agent) {
  if (body.size() > kMaxBytes) body = body.substr(0, kMaxBytes);
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  std::string_view agent = ProductToken(Trim(user_agent));

  RobotsRules result;
  std::vector<Rule> specific, global;
  double specific_delay = -1, global_delay = -1;
  bool any_specific = false;
  bool in_specific = false, in_global = false;
  bool group_has_members = false;  // a rule was seen since the last user-agent line

  std::size_t i = 0;
  while (i < body.size()) {
    std::size_t end = body.find_first_of("\r\n", i);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(i, std::min(end - i, kMaxLineBytes));
    i = end;
    if (i < body.size() && body[i] == '\r') ++i;  // CR, LF and CRLF all end a line
    if (i < body.size() && body[i] == '\n') ++i;

    std::string_view key, value;
    if (!SplitLine(line, &key, &value)) continue;
    switch (KeyOf(key)) {
      case Key::kUserAgent: {
        if (group_has_members) {
          in_specific = in_global = false;
          group_has_members = false;
        }
        if (!value.empty() && value[0] == '*' &&
            (value.size() == 1 || value[1] == ' ' || value[1] == '\t')) {
          in_global = true;
        } else {
          std::string_view token = ProductToken(value);
          if (!agent.empty() && IEquals(token, agent)) {
            in_specific = true;
            any_specific = true;
          }
        }
        break;
      }
      case Key::kAllow:
      case Key::kDisallow: {
        group_has_members = true;
        if (value.empty() || (!in_specific && !in_global)) break;
        Rule rule{KeyOf(key) == Key::kAllow, NormalizePercent(value, true)};
        if (in_specific) specific.push_back(rule);
        if (in_global) global.push_back(rule);
        break;
      }
      case Key::kCrawlDelay: {
        group_has_members = true;
        std::string v(value.substr(0, 32));
        char* endp = nullptr;
        double seconds = std::strtod(v.c_str(), &endp);
        if (endp == v.c_str() || !std::isfinite(seconds) || seconds < 0) break;
        seconds = std::min(seconds, kMaxDelaySeconds);
        if (in_specific && specific_delay < 0) specific_delay = seconds;
        if (in_global && global_delay < 0) global_delay = seconds;
        break;
      }
      case Key::kSitemap: {
        bool absolute = value.substr(0, 7) == "http://" || value.substr(0, 8) == "https://";
        if (absolute && result.sitemaps_.size() < kMaxSitemaps) {
          result.sitemaps_.emplace_back(value);
        }
        break;
      }
      case Key::kOther:
        break;
    }
  }
  result.rules_ = any_specific ? std::move(specific) : std::move(global);
  double delay = any_specific ? specific_delay : global_delay;
  if (delay >= 0) result.crawl_delay_ms_ = static_cast<int>(std::lround(delay * 1000));
  return result;
}

bool RobotsRules::Allowed(std::string_view path_and_query) const {
  std::string path = NormalizePercent(path_and_query, false);
  if (path.empty() || path[0] != '/') path.insert(path.begin(), '/');
  if (path == "/robots.txt") return true;
  if (disallow_all_) return false;
  long best_allow = -1, best_disallow = -1;
  for (const Rule& rule : rules_) {
    long len = static_cast<long>(rule.pattern.size());
    if (len <= (rule.allow ? best_allow : best_disallow)) continue;
    if (!PatternMatches(path, rule.pattern)) continue;
    (rule.allow ? best_allow : best_disallow) = len;
  }
  return best_disallow < 0 || best_allow >= best_disallow;
}

}  // namespace pressarc
