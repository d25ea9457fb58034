#include <strings.h>

#include "archive/archive.h"

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

std::string WarcRecord::Source() const {
  std::string value = FindHeader(headers, kSourceField);
  std::size_t begin = value.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  std::size_t end = value.find_last_not_of(" \t");
  value = value.substr(begin, end - begin + 1);
  if (value.size() > 200) return "";  // an index term must stay under Xapian's 245 bytes
  for (char c : value) {
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f) return "";
  }
  return value;
}

}  // namespace pressarc
