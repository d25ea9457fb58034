// robots.txt per RFC 9309 (internal to the crawler; tested directly).
//
// Parsing never fails and is bounded: input beyond 500 KiB is ignored, lines
// are capped. Groups are chosen by the product token of the user agent
// (case-insensitive; "pressarc" for "pressarc/0.1 (+...)"), else "*".
// Matching: the longest matching rule wins; on a tie allow wins; "*" matches
// any sequence and "$" anchors the end; paths are compared after
// percent-encoding normalisation; /robots.txt itself is always allowed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pressarc {

class RobotsRules {
 public:
  // An empty rule set: everything allowed (4xx robots.txt).
  static RobotsRules AllowAll();
  // Everything disallowed (5xx or unreachable robots.txt).
  static RobotsRules DisallowAll();
  // Parses a robots.txt body for the given user agent string.
  static RobotsRules Parse(std::string_view body, std::string_view user_agent);

  // `path_and_query` is the URL's path plus query ("/a/b?x=1").
  bool Allowed(std::string_view path_and_query) const;
  // Crawl-delay of the chosen group in milliseconds; -1 when not given.
  int crawl_delay_ms() const { return crawl_delay_ms_; }
  // Sitemap: lines (absolute URLs), whichever group they stand in.
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

 private:
  struct Rule {
    bool allow;
    std::string pattern;
  };
  std::vector<Rule> rules_;
  std::vector<std::string> sitemaps_;
  int crawl_delay_ms_ = -1;
  bool disallow_all_ = false;
};

}  // namespace pressarc
