#include "config/config.h"

// toml++ (header-only here) asserts, or under NDEBUG with clang assumes,
// things hostile input breaks (3.3's parse_key on a stray character):
// either would end a config check in a crash. Its parser goes on and
// reports the syntax error, as Debian's release build of the library did.
#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")

#include <unicode/regex.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/log.h"

namespace pressarc {
namespace {

// Control characters (a quoted key or a value with a newline) would break
// the one-line error message: show them escaped.
std::string OneLine(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      out += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

// Builds "file:line: key: what" messages.
class Reporter {
 public:
  explicit Reporter(std::string path) : path_(path.empty() ? "<config>" : std::move(path)) {}
  Status Error(const toml::node* node, const std::string& key, const std::string& what) const {
    std::string where = path_;
    if (node && node->source().begin) where += ":" + std::to_string(node->source().begin.line);
    return Status::Usage(OneLine(where + ": " + key + ": " + what));
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date";
    default:
      return "nothing";
  }
}

Status GetString(const toml::node& node, const Reporter& r, const std::string& key,
                 std::string* out) {
  if (auto v = node.value<std::string>(); v && node.is_string()) {
    *out = *v;
    return Status::Ok();
  }
  return r.Error(&node, key, "expected a string, got " + TypeName(node));
}

Status GetInt(const toml::node& node, const Reporter& r, const std::string& key, long long lo,
              long long hi, std::int64_t* out) {
  if (!node.is_integer()) return r.Error(&node, key, "expected an integer, got " + TypeName(node));
  long long v = node.as_integer()->get();
  if (v < lo || v > hi) {
    return r.Error(&node, key,
                   "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                       ", got " + std::to_string(v));
  }
  *out = v;
  return Status::Ok();
}

Status GetInt(const toml::node& node, const Reporter& r, const std::string& key, long long lo,
              long long hi, int* out) {
  std::int64_t v = 0;
  Status s = GetInt(node, r, key, lo, hi, &v);
  if (s.ok()) *out = static_cast<int>(v);
  return s;
}

Status GetBool(const toml::node& node, const Reporter& r, const std::string& key, bool* out) {
  if (!node.is_boolean())
    return r.Error(&node, key, "expected true or false, got " + TypeName(node));
  *out = node.as_boolean()->get();
  return Status::Ok();
}

Status GetStrings(const toml::node& node, const Reporter& r, const std::string& key,
                  std::vector<std::string>* out) {
  if (node.is_string()) {
    out->assign(1, node.as_string()->get());
    return Status::Ok();
  }
  if (!node.is_array()) {
    return r.Error(&node, key, "expected an array of strings, got " + TypeName(node));
  }
  out->clear();
  for (const auto& item : *node.as_array()) {
    if (!item.is_string()) {
      return r.Error(&item, key, "expected an array of strings, found " + TypeName(item));
    }
    out->push_back(item.as_string()->get());
  }
  return Status::Ok();
}

Status CheckRegexes(const toml::node& node, const Reporter& r, const std::string& key,
                    const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) {
    auto compiled = UrlPattern::Compile(p);
    if (!compiled.ok()) return r.Error(&node, key, compiled.status().message());
  }
  return Status::Ok();
}

#define PRESSARC_TRY(expr)   \
  do {                       \
    Status _s = (expr);      \
    if (!_s.ok()) return _s; \
  } while (0)

// crawler.revisit_max_age_days (before the revisit schedule) is read as
// revisit_max_interval_days unless that is given too; 0 (no age limit then)
// keeps the default. Either way a warning says so.
void UseDeprecatedMaxAge(const toml::node& node, const Reporter& r, int days, bool interval_set,
                         CrawlerOptions* c) {
  std::string where = r.path();
  if (node.source().begin) where += ":" + std::to_string(node.source().begin.line);
  if (days > 0 && !interval_set) c->revisit_max_interval_days = days;
  log::Warn("config", where +
                          ": crawler.revisit_max_age_days is deprecated (old articles are now "
                          "revisited too); read as revisit_max_interval_days = " +
                          std::to_string(c->revisit_max_interval_days) +
                          "; rename it in the config");
}

Status ParseCrawler(const toml::table& t, const Reporter& r, CrawlerOptions* c) {
  bool interval_set = false;
  int old_max_age = 0;
  const toml::node* old_node = nullptr;
  for (const auto& [k, node] : t) {
    std::string key(k.str());
    std::string full = "crawler." + key;
    if (key == "user_agent") {
      PRESSARC_TRY(GetString(node, r, full, &c->user_agent));
      if (c->user_agent.empty()) return r.Error(&node, full, "must not be empty");
    } else if (key == "max_connections") {
      PRESSARC_TRY(GetInt(node, r, full, 1, 1024, &c->max_connections));
    } else if (key == "per_host_delay_ms") {
      PRESSARC_TRY(GetInt(node, r, full, 0, 3600000, &c->per_host_delay_ms));
    } else if (key == "timeout_s") {
      PRESSARC_TRY(GetInt(node, r, full, 1, 3600, &c->timeout_s));
    } else if (key == "connect_timeout_s") {
      PRESSARC_TRY(GetInt(node, r, full, 1, 600, &c->connect_timeout_s));
    } else if (key == "max_page_bytes") {
      PRESSARC_TRY(GetInt(node, r, full, 1024, 1LL << 34, &c->max_page_bytes));
    } else if (key == "respect_robots") {
      PRESSARC_TRY(GetBool(node, r, full, &c->respect_robots));
    } else if (key == "max_retries") {
      PRESSARC_TRY(GetInt(node, r, full, 0, 20, &c->max_retries));
    } else if (key == "max_depth") {
      PRESSARC_TRY(GetInt(node, r, full, 0, 1000, &c->max_depth));
    } else if (key == "max_pages_per_source") {
      PRESSARC_TRY(GetInt(node, r, full, 1, 100000000, &c->max_pages_per_source));
    } else if (key == "revisit_after_hours") {
      PRESSARC_TRY(GetInt(node, r, full, 0, 24 * 365 * 100, &c->revisit_after_hours));
    } else if (key == "revisit_max_interval_days") {
      PRESSARC_TRY(GetInt(node, r, full, 1, 365 * 100, &c->revisit_max_interval_days));
      interval_set = true;
    } else if (key == "max_revisits_per_run") {
      PRESSARC_TRY(GetInt(node, r, full, 0, 100000000, &c->max_revisits_per_run));
    } else if (key == "revisit_max_age_days") {
      PRESSARC_TRY(GetInt(node, r, full, 0, 365 * 100, &old_max_age));
      old_node = &node;
    } else if (key == "max_crawl_delay_s") {
      PRESSARC_TRY(GetInt(node, r, full, 0, 3600, &c->max_crawl_delay_s));
    } else if (key == "verify_tls") {
      PRESSARC_TRY(GetBool(node, r, full, &c->verify_tls));
    } else if (key == "warc_max_bytes") {
      PRESSARC_TRY(GetInt(node, r, full, 1 << 16, 1LL << 40, &c->warc_max_bytes));
    } else {
      return r.Error(&node, full, "unknown key");
    }
  }
  if (old_node) UseDeprecatedMaxAge(*old_node, r, old_max_age, interval_set, c);
  return Status::Ok();
}

Status ParseAlerts(const toml::table& t, const Reporter& r, AlertOptions* a) {
  for (const auto& [k, node] : t) {
    std::string key(k.str());
    std::string full = "alerts." + key;
    if (key == "command") {
      PRESSARC_TRY(GetString(node, r, full, &a->command));
    } else if (key == "timeout_s") {
      PRESSARC_TRY(GetInt(node, r, full, 1, 86400, &a->timeout_s));
    } else {
      return r.Error(&node, full, "unknown key");
    }
  }
  return Status::Ok();
}

Status ParseExtract(const toml::table& t, const Reporter& r, const std::string& prefix,
                    ExtractHints* h) {
  for (const auto& [k, node] : t) {
    std::string key(k.str());
    std::string full = prefix + "." + key;
    if (key == "content") {
      PRESSARC_TRY(GetStrings(node, r, full, &h->content));
    } else if (key == "strip") {
      PRESSARC_TRY(GetStrings(node, r, full, &h->strip));
    } else if (key == "title") {
      PRESSARC_TRY(GetString(node, r, full, &h->title));
    } else if (key == "date") {
      PRESSARC_TRY(GetString(node, r, full, &h->date));
    } else if (key == "strip_text") {
      PRESSARC_TRY(GetStrings(node, r, full, &h->strip_text));
    } else {
      return r.Error(&node, full, "unknown key");
    }
  }
  return Status::Ok();
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

// ISO 639-1: two lower-case letters ("" = not set).
bool ValidLanguage(const std::string& code) {
  return code.empty() || (code.size() == 2 && std::islower(static_cast<unsigned char>(code[0])) &&
                          std::islower(static_cast<unsigned char>(code[1])));
}

// "+HH:MM" or "-HH:MM", hours 00-14, minutes 00-59.
bool ValidOffset(const std::string& o) {
  auto digit = [&](std::size_t i) { return std::isdigit(static_cast<unsigned char>(o[i])) != 0; };
  if (o.size() != 6 || (o[0] != '+' && o[0] != '-') || o[3] != ':') return false;
  if (!digit(1) || !digit(2) || !digit(4) || !digit(5)) return false;
  int hours = (o[1] - '0') * 10 + (o[2] - '0');
  return hours <= 14 && o[4] <= '5';
}

bool ValidHttpUrl(const std::string& url) {
  return (url.rfind("http://", 0) == 0 && url.size() > 7) ||
         (url.rfind("https://", 0) == 0 && url.size() > 8);
}

Status ParseSource(const toml::table& t, const Reporter& r, const std::string& prefix,
                   SourceConfig* s) {
  for (const auto& [k, node] : t) {
    std::string key(k.str());
    std::string full = prefix + "." + key;
    if (key == "name") {
      PRESSARC_TRY(GetString(node, r, full, &s->name));
      if (!ValidName(s->name)) {
        return r.Error(&node, full, "must be lower-case letters, digits, '-', '_' or '.'");
      }
    } else if (key == "title") {
      PRESSARC_TRY(GetString(node, r, full, &s->title));
    } else if (key == "start_urls" || key == "feeds") {
      auto* list = key == "start_urls" ? &s->start_urls : &s->feeds;
      PRESSARC_TRY(GetStrings(node, r, full, list));
      for (const auto& u : *list) {
        if (!ValidHttpUrl(u)) return r.Error(&node, full, "not an http(s) URL: " + u);
      }
    } else if (key == "allow" || key == "deny" || key == "article") {
      auto* list = key == "allow" ? &s->allow : key == "deny" ? &s->deny : &s->article;
      PRESSARC_TRY(GetStrings(node, r, full, list));
      PRESSARC_TRY(CheckRegexes(node, r, full, *list));
    } else if (key == "language") {
      PRESSARC_TRY(GetString(node, r, full, &s->language));
      if (!ValidLanguage(s->language)) {
        return r.Error(&node, full,
                       "expected an ISO 639-1 code like \"az\", got \"" + s->language + "\"");
      }
    } else if (key == "translation_key") {
      PRESSARC_TRY(GetString(node, r, full, &s->translation_key));
      if (!s->translation_key.empty()) {
        PRESSARC_TRY(CheckRegexes(node, r, full, {s->translation_key}));
      }
    } else if (key == "timezone_offset") {
      PRESSARC_TRY(GetString(node, r, full, &s->timezone_offset));
      if (!ValidOffset(s->timezone_offset)) {
        return r.Error(&node, full, "expected an offset like \"+04:00\"");
      }
    } else if (key == "per_host_delay_ms") {
      PRESSARC_TRY(GetInt(node, r, full, 0, 3600000, &s->per_host_delay_ms));
    } else if (key == "verify_tls") {
      bool b = true;
      PRESSARC_TRY(GetBool(node, r, full, &b));
      s->verify_tls = b ? 1 : 0;
    } else if (key == "extract") {
      if (!node.is_table()) return r.Error(&node, full, "expected a table, got " + TypeName(node));
      PRESSARC_TRY(ParseExtract(*node.as_table(), r, full, &s->extract));
    } else {
      return r.Error(&node, full, "unknown key");
    }
  }
  if (s->name.empty()) return r.Error(&t, prefix + ".name", "missing required key");
  if (s->start_urls.empty()) {
    return r.Error(&t, prefix + ".start_urls", "missing required key (at least one URL)");
  }
  return Status::Ok();
}

Status ParseServe(const toml::table& t, const Reporter& r, ServeOptions* s) {
  for (const auto& [k, node] : t) {
    std::string key(k.str());
    std::string full = "serve." + key;
    if (key == "listen") {
      PRESSARC_TRY(GetString(node, r, full, &s->listen));
      std::string host;
      int port = 0;
      if (!SplitListenAddress(s->listen, &host, &port)) {
        return r.Error(&node, full, "expected HOST:PORT, e.g. \"127.0.0.1:8080\"");
      }
    } else {
      return r.Error(&node, full, "unknown key");
    }
  }
  return Status::Ok();
}

Status ParseSources(const toml::node& node, const Reporter& r, Config* config) {
  if (!node.is_array_of_tables() && !node.is_array()) {
    return r.Error(&node, "sources", "expected [[sources]] tables, got " + TypeName(node));
  }
  std::set<std::string> names;
  for (const auto& sn : *node.as_array()) {
    if (!sn.is_table()) return r.Error(&sn, "sources", "expected a table, got " + TypeName(sn));
    SourceConfig source;
    std::string prefix = "sources[" + std::to_string(config->sources.size()) + "]";
    PRESSARC_TRY(ParseSource(*sn.as_table(), r, prefix, &source));
    if (!names.insert(source.name).second) {
      return r.Error(&sn, prefix + ".name", "source \"" + source.name + "\" is defined twice");
    }
    config->sources.push_back(std::move(source));
  }
  return Status::Ok();
}

}  // namespace

bool SplitListenAddress(std::string_view listen, std::string* host, int* port) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == listen.size()) return false;
  std::string_view h = listen.substr(0, colon), p = listen.substr(colon + 1);
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return false;  // an IPv6 address needs brackets
  }
  if (p.size() > 5) return false;
  int value = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value > 65535) return false;  // 0: any free port
  for (char c : h) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '[' || c == ']') return false;
  }
  *host = std::string(h);
  *port = value;
  return true;
}

const SourceConfig* Config::FindSource(std::string_view name) const {
  for (const auto& s : sources) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// A shard is "tcp://HOST:PORT" (PORT 1-65535) or a directory path.
bool ValidShard(const std::string& shard) {
  if (shard.empty()) return false;
  if (!shard.starts_with("tcp://")) return shard.find("://") == std::string::npos;
  const std::string rest = shard.substr(6);
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) return false;
  const std::string port = rest.substr(colon + 1);
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const long p = std::stol(port);
  return p >= 1 && p <= 65535;
}

Status ParseSearch(const toml::table& t, const Reporter& r, SearchConfig* c) {
  for (const auto& [k, node] : t) {
    const std::string key = "search." + std::string(k.str());
    if (k.str() == "shards") {
      PRESSARC_TRY(GetStrings(node, r, key, &c->shards));
      for (const auto& shard : c->shards) {
        if (!ValidShard(shard)) {
          return r.Error(&node, key,
                         "\"" + shard + "\" is neither tcp://HOST:PORT nor a directory path");
        }
      }
    } else if (k.str() == "shard_timeout_s") {
      PRESSARC_TRY(GetInt(node, r, key, 1, 3600, &c->shard_timeout_s));
    } else {
      return r.Error(&node, key, "unknown key");
    }
  }
  return Status::Ok();
}

Result<Config> ParseConfig(std::string_view toml_text, const std::string& path,
                           const ConfigParseOptions& options) {
  Reporter r(path);
  toml::table root;
  try {
    root = toml::parse(toml_text, path);
  } catch (const toml::parse_error& e) {
    std::string where = r.path();
    if (e.source().begin) where += ":" + std::to_string(e.source().begin.line);
    return Status::Usage(OneLine(where + ": syntax error: " + std::string(e.description())));
  }
  Config config;
  config.path = path;
  for (const auto& [k, node] : root) {
    std::string key(k.str());
    if (key == "data_dir") {
      PRESSARC_TRY(GetString(node, r, key, &config.data_dir));
    } else if (key == "crawler") {
      if (!node.is_table()) return r.Error(&node, key, "expected a table, got " + TypeName(node));
      PRESSARC_TRY(ParseCrawler(*node.as_table(), r, &config.crawler));
    } else if (key == "alerts") {
      if (!node.is_table()) return r.Error(&node, key, "expected a table, got " + TypeName(node));
      PRESSARC_TRY(ParseAlerts(*node.as_table(), r, &config.alerts));
    } else if (key == "serve") {
      if (!node.is_table()) return r.Error(&node, key, "expected a table, got " + TypeName(node));
      PRESSARC_TRY(ParseServe(*node.as_table(), r, &config.serve));
    } else if (key == "search") {
      if (!node.is_table()) return r.Error(&node, key, "expected a table, got " + TypeName(node));
      PRESSARC_TRY(ParseSearch(*node.as_table(), r, &config.search));
    } else if (key == "sources") {
      if (options.sources) PRESSARC_TRY(ParseSources(node, r, &config));
    } else {
      return r.Error(&node, key, "unknown key");
    }
  }
  return config;
}

Result<Config> LoadConfigFile(const std::string& path, const ConfigParseOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Usage("cannot read config file " + path, "check the --config path");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseConfig(ss.str(), path, options);
}

Status MergeSourceFiles(Config& config, const std::string& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  if (ec) return Status::Usage("cannot read source directory " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto part = LoadConfigFile(f.string());
    if (!part.ok()) return part.status();
    for (auto& s : part->sources) {
      if (config.FindSource(s.name)) {
        return Status::Usage(f.string() + ": sources: source \"" + s.name + "\" is defined twice");
      }
      config.sources.push_back(std::move(s));
    }
  }
  return Status::Ok();
}

// ---- UrlPattern -----------------------------------------------------------

struct UrlPattern::Impl {
  std::unique_ptr<icu::RegexPattern> pattern;
};

Result<UrlPattern> UrlPattern::Compile(const std::string& pattern) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError pe{};
  std::unique_ptr<icu::RegexPattern> p(
      icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(pattern), 0, pe, status));
  if (U_FAILURE(status) || !p) {
    return Status::Usage("invalid regex '" + pattern + "' at offset " + std::to_string(pe.offset) +
                         ": " + u_errorName(status));
  }
  UrlPattern out;
  out.pattern_ = pattern;
  auto impl = std::make_shared<Impl>();
  impl->pattern = std::move(p);
  out.impl_ = std::move(impl);
  return out;
}

bool UrlPattern::Search(std::string_view text) const {
  if (!impl_) return false;
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  std::unique_ptr<icu::RegexMatcher> m(impl_->pattern->matcher(s, status));
  if (U_FAILURE(status) || !m) return false;
  m->setTimeLimit(1000, status);  // bounded cost on hostile patterns or input
  status = U_ZERO_ERROR;
  bool found = m->find(status);
  return U_SUCCESS(status) && found;
}

std::string UrlPattern::FirstGroup(std::string_view text) const {
  if (!impl_) return "";
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  std::unique_ptr<icu::RegexMatcher> m(impl_->pattern->matcher(s, status));
  if (U_FAILURE(status) || !m) return "";
  m->setTimeLimit(1000, status);
  status = U_ZERO_ERROR;
  if (!m->find(status) || U_FAILURE(status) || m->groupCount() < 1) return "";
  icu::UnicodeString g = m->group(1, status);
  if (U_FAILURE(status)) return "";
  std::string out;
  g.toUTF8String(out);
  return out;
}

UrlPattern::UrlPattern(const UrlPattern&) = default;
UrlPattern& UrlPattern::operator=(const UrlPattern&) = default;
UrlPattern::UrlPattern(UrlPattern&&) noexcept = default;
UrlPattern& UrlPattern::operator=(UrlPattern&&) noexcept = default;
UrlPattern::~UrlPattern() = default;

}  // namespace pressarc
