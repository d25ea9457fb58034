// libFuzzer target for sitemaps (plain, index, gzip), RSS 2.0 and Atom 1.0:
// any document must give the entries that could be read (bounded: 50,000
// entries, 50 MB after gunzip) without a crash, a leak, UB or a hang. The
// whole input is the document, read as if fetched from a fixed URL.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "crawler/feeds.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  pressarc::FeedDocument doc = pressarc::ParseFeed(in, "https://mfa.gov.az/az/news/rss.xml");
  for (const auto& e : doc.entries) {
    if (e.url.empty()) __builtin_trap();  // entries are resolved URLs
  }
  return 0;
}
