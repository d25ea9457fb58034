#include "parser/parser.h"

namespace pressarc {

ExtractOptions ExtractOptionsForSource(const SourceConfig* source, const std::string& url,
                                       const std::string& content_type) {
  ExtractOptions o;
  o.url = url;
  o.content_type = content_type;
  if (source) {
    o.default_language = source->language;
    o.translation_key_regex = source->translation_key;
    o.timezone_offset = source->timezone_offset;
    o.hints = source->extract;
    o.article_url_patterns = source->article;
  }
  return o;
}

}  // namespace pressarc
