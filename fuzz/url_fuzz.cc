// libFuzzer target for URL resolution and normalisation: any base and any
// reference must resolve (or give "") without a crash, a leak, UB or a
// hang, and normalising is idempotent on what it returns. The input is
// "BASE\0HREF"; without a NUL, a fixed base and the input as the href.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parser/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view base = "https://mfa.gov.az/az/news/no09722-slug?x=1#f";
  std::string_view href = in;
  if (auto nul = in.find('\0'); nul != std::string_view::npos) {
    base = in.substr(0, nul);
    href = in.substr(nul + 1);
  }
  const std::string resolved = pressarc::ResolveUrl(base, href);
  (void)pressarc::UrlOrigin(resolved);
  (void)pressarc::UrlHost(resolved);
  (void)pressarc::UrlOrigin(href);
  (void)pressarc::UrlHost(href);
  const std::string normal = pressarc::NormalizeUrl(href);
  if (!normal.empty() && pressarc::NormalizeUrl(normal) != normal) __builtin_trap();
  return 0;
}
