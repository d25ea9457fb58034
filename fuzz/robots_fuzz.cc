// libFuzzer target for robots.txt (RFC 9309): any body must parse (bounded:
// 500 KiB, capped lines) and any path must match against the rules, without
// a crash, a leak, UB or a hang. The input is "BODY\0PATH"; without a NUL
// the whole input is the body and a few fixed paths are checked.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crawler/robots.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view body = in;
  std::string_view path = "/az/news/no09722?x=1";
  if (auto nul = in.find('\0'); nul != std::string_view::npos) {
    body = in.substr(0, nul);
    path = in.substr(nul + 1);
  }
  for (std::string_view agent : {"pressarc/0.1 (+https://example.org/bot)", "Googlebot", ""}) {
    pressarc::RobotsRules rules = pressarc::RobotsRules::Parse(body, agent);
    (void)rules.Allowed(path);
    (void)rules.Allowed("/");
    (void)rules.Allowed("/robots.txt");
    (void)rules.Allowed("/a%2Fb/%7e/*$");
    (void)rules.crawl_delay_ms();
    (void)rules.sitemaps().size();
  }
  return 0;
}
