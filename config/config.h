// Config: the TOML file (crawler settings + sources) loaded into option
// structs with defaults.
//
// Schema: see ../docs/config.md and the contract in design.md. Unknown keys,
// wrong types, invalid regexes and missing required keys are errors: the
// Status message names the file, the line and the key, e.g.
//   "pressarc.toml:7: crawler.per_host_delay_ms: expected an integer, got a string"
// and has code kUsage (exit 2).
//
// Also here, because every module needs them and config is the bottom of
// the dependency graph: UrlPattern (ICU regex, safe on hostile input).
//
// Thread safety: Config is a plain value. UrlPattern::Search is const and
// thread safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/status.h"

namespace pressarc {

struct CrawlerOptions {
  // Sent with every request; its product token ("pressarc") picks the robots.txt group.
  std::string user_agent = "pressarc/0.1 (+https://example.org/contact)";
  int max_connections = 16;                // parallel transfers in all
  int per_host_delay_ms = 1000;            // minimum gap between two requests to one origin
  int timeout_s = 30;                      // total time for one transfer
  int connect_timeout_s = 10;              // TCP + TLS handshake
  std::int64_t max_page_bytes = 10485760;  // a larger body is cut and recorded as a failure
  bool respect_robots = true;
  int max_retries = 3;  // for 5xx, 429, timeouts and resets
  int max_depth = 10;   // link hops from a start URL; a guard against traps
  int max_pages_per_source = 100000;
  // Revisit schedule (see docs/config.md): a recent article is revalidated
  // revisit_after_hours after its last fetch (0 = every run), an older one
  // less often, but every one at least every revisit_max_interval_days; at
  // most max_revisits_per_run per source per run (0 = no cap).
  int revisit_after_hours = 24;
  int revisit_max_interval_days = 30;
  int max_revisits_per_run = 2000;
  int max_crawl_delay_s = 30;  // cap on robots.txt Crawl-delay
  bool verify_tls = true;      // some ministry sites have broken chains; per source override
  std::int64_t warc_max_bytes = 1073741824;  // rotate archive files at this size
};

// Optional per-source hints for the extractor, for when the generic
// algorithm is not enough. Selectors are a subset of CSS (see parser.h).
struct ExtractHints {
  std::vector<std::string> content;     // the article body
  std::vector<std::string> strip;       // removed before extraction
  std::string title;                    // the article heading
  std::string date;                     // an element holding the publication date
  std::vector<std::string> strip_text;  // whole sentences removed from the text
};

struct SourceConfig {
  std::string name;  // required; [a-z0-9_-]+
  std::string title;
  std::vector<std::string> start_urls;  // required, at least one
  std::vector<std::string> feeds;       // RSS/Atom feeds and sitemaps to read each run
  std::vector<std::string> allow;       // regexes; default: the start URLs' origins
  std::vector<std::string> deny;
  std::vector<std::string> article;  // which URLs are articles; default: judged by the parser
  std::string language;              // fallback when the page does not say
  std::string translation_key;       // regex on the URL; group 1 links language versions
  std::string timezone_offset;       // e.g. "+04:00": offset for dates given without one
  int per_host_delay_ms = -1;        // -1 = crawler default
  int verify_tls = -1;               // -1 = crawler default, 0/1 = override
  ExtractHints extract;
};

// [alerts]: what runs after a job for each watch with new matches.
struct AlertOptions {
  std::string command;  // run with /bin/sh -c; the watch's JSON on stdin; "" = no alerts
  int timeout_s = 60;   // the command is killed after this; a timeout is logged, never fatal
};

// `pressarc serve` (the [serve] table).
struct ServeOptions {
  // HOST:PORT to listen on; loopback by default, so that the archive is not
  // shown to the network unless asked for. HOST is an IPv4 address, a name,
  // or an IPv6 address in brackets ("[::1]:8080").
  std::string listen = "127.0.0.1:8080";
  // Memory for rendered search pages kept for the next identical request
  // at the same index revision (web.h, "Response cache"); 0 = no cache.
  int cache_mb = 64;
};

// [search]: what search, show and stats open besides the local index.
struct SearchConfig {
  // Other indexes searched with the local one, as one index:
  // "tcp://HOST:PORT" (a Xapian remote server, xapian-tcpsrv) or a data
  // directory (its index/current). Checked for shape when parsed.
  std::vector<std::string> shards;
  int shard_timeout_s = 10;  // a shard slower than this counts as down for that query
};

struct Config {
  std::string path;      // the file it came from ("" = built-in defaults)
  std::string data_dir;  // "" = not set (CLI falls back to ./pressarc-data)
  CrawlerOptions crawler;
  AlertOptions alerts;
  ServeOptions serve;
  SearchConfig search;
  std::vector<SourceConfig> sources;

  const SourceConfig* FindSource(std::string_view name) const;
};

struct ConfigParseOptions {
  // false: the sources are left out (Config::sources stays empty) and not
  // checked, for commands that need only data_dir (search, show):
  // compiling a source's regexes costs milliseconds (ICU's first regex
  // builds its Unicode sets), more than a whole search. The TOML syntax
  // and the other keys are still checked.
  bool sources = true;
};

// Splits "HOST:PORT" (IPv6 as "[::1]:PORT") into host and port; false when
// it is not one (no port, a port above 65535, an empty host). Port 0 means
// any free port.
bool SplitListenAddress(std::string_view listen, std::string* host, int* port);

// Parses TOML text; `path` is used in messages only.
Result<Config> ParseConfig(std::string_view toml_text, const std::string& path,
                           const ConfigParseOptions& options = {});
// Reads and parses a file. A missing file is a kUsage error naming it.
Result<Config> LoadConfigFile(const std::string& path, const ConfigParseOptions& options = {});
// Parses every config/sources/*.toml style file in `dir` and merges their
// sources into `config` (a source defined twice is an error).
Status MergeSourceFiles(Config& config, const std::string& dir);

// A compiled regular expression (ICU syntax, a superset of the common
// Perl/ECMAScript subset). Unanchored search, like Python's re.search.
class UrlPattern {
 public:
  // Returns kUsage with the ICU error and position on a bad pattern.
  static Result<UrlPattern> Compile(const std::string& pattern);
  bool Search(std::string_view text) const;
  // Group 1 of the first match, or "" (no match, or no group 1).
  std::string FirstGroup(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }

  UrlPattern(const UrlPattern&);
  UrlPattern& operator=(const UrlPattern&);
  UrlPattern(UrlPattern&&) noexcept;
  UrlPattern& operator=(UrlPattern&&) noexcept;
  ~UrlPattern();

 private:
  UrlPattern() = default;
  struct Impl;
  std::string pattern_;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace pressarc
