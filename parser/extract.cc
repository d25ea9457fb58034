// ExtractArticle: placeholder until the full extractor lands (keeps callers linking).
#include "parser/parser.h"

namespace pressarc {

Article ExtractArticle(std::string_view bytes, const ExtractOptions& options) {
  (void)bytes;
  Article a;
  a.url = NormalizeUrl(options.url);
  a.canonical_url = a.url;
  a.language = options.default_language;
  return a;
}

}  // namespace pressarc
