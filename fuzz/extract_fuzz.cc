// libFuzzer target for the whole extraction path: any bytes must give an
// Article without a crash, a leak, UB or a hang. The first input byte picks
// the options (declared charset, hints, URL), the rest is the page; the
// URL functions, the date finder and the selector parser get slices too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parser/internal.h"
#include "parser/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  unsigned char mode = static_cast<unsigned char>(in[0]);
  std::string_view page = in.substr(1);

  pressarc::ExtractOptions o;
  static const char* kTypes[] = {"", "text/html; charset=utf-8", "text/html; charset=windows-1251",
                                 "text/html; charset=windows-1254", "text/html; charset=x-bogus"};
  o.content_type = kTypes[mode % 5];
  o.url = (mode & 8) ? "https://mfa.gov.az/az/news/no09722-slug" : "";
  o.default_language = "az";
  if (mode & 16) {
    o.hints.content = {"article#maincontent", "div.section_articleInner_body_content--description"};
    o.hints.strip = {"noscript", ".fb-like", "ins"};
    o.hints.title = "h1";
    o.hints.date = ".news_in_date, time";
    o.hints.strip_text = {"Reklam"};
    o.translation_key_regex = "/news/(no\\d{5})";
    o.article_url_patterns = {"/news/no\\d+"};
  }
  pressarc::Article a = pressarc::ExtractArticle(page, o);
  (void)a;

  // Other parsers of web input, on a bounded slice.
  std::string_view slice = page.substr(0, 2048);
  (void)pressarc::ResolveUrl("https://mfa.gov.az/az/news/", slice);
  (void)pressarc::NormalizeUrl(slice);
  (void)pressarc::UrlHost(slice);
  (void)pressarc::parser_internal::FindTextDate(slice);
  (void)pressarc::parser_internal::ParseMachineDate(slice.substr(0, 64));
  pressarc::parser_internal::Selector sel(slice.substr(0, 128));
  (void)sel.valid();
  return 0;
}
