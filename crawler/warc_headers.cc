#include <strings.h>

#include "crawler/warc.h"

namespace pressarc {

std::string FindHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), name.size()) == 0) return v;
  }
  return "";
}

std::string WarcRecord::TargetUri() const {
  std::string uri = FindHeader(headers, "WARC-Target-URI");
  if (uri.size() >= 2 && uri.front() == '<' && uri.back() == '>')
    uri = uri.substr(1, uri.size() - 2);
  return uri;
}

}  // namespace pressarc
