#include "crawler/url_scope.h"

#include <cctype>
#include <map>

#include "parser/parser.h"

namespace pressarc {

namespace {

// Finds YYYY[-/]MM in `s` and returns the first implausible year, or 0.
int ImplausibleYear(std::string_view s, int min_year, int max_year) {
  for (std::size_t i = 0; i + 6 < s.size() + 1; ++i) {
    if (i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1]))) continue;
    std::size_t j = i;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j - i != 4 || j + 2 > s.size() || (s[j] != '-' && s[j] != '/')) continue;
    std::size_t k = j + 1;
    std::size_t m = k;
    while (m < s.size() && std::isdigit(static_cast<unsigned char>(s[m])) && m - k < 3) ++m;
    if (m - k < 1 || m - k > 2) continue;
    if (m < s.size() && std::isdigit(static_cast<unsigned char>(s[m]))) continue;
    int year = std::stoi(std::string(s.substr(i, 4)));
    int month = std::stoi(std::string(s.substr(k, m - k)));
    if (month < 1 || month > 12 || year < 1900 || year > 2200) continue;  // an id, not a year
    if (year < min_year || year > max_year) return year;
  }
  return 0;
}

}  // namespace

std::string TrapReason(std::string_view url, int current_year, const TrapLimits& limits) {
  if (url.size() > limits.max_url_length) return "URL too long";
  std::string pq = UrlPathAndQuery(url);
  std::string_view path = pq;
  std::string_view query;
  if (std::size_t q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  std::map<std::string_view, int> counts;
  int segments = 0;
  for (std::size_t start = 0; start < path.size();) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view seg = path.substr(start, end - start);
    if (!seg.empty()) {
      ++segments;
      if (++counts[seg] > limits.max_segment_repeats) return "repeated path segment";
    }
    start = end + 1;
  }
  if (segments > limits.max_path_segments) return "path too deep";
  if (!query.empty()) {
    int params = 1;
    for (char c : query) params += (c == '&' || c == ';');
    if (params > limits.max_query_params) return "too many query parameters";
  }
  if (int y = ImplausibleYear(pq, limits.min_year, current_year + 1); y != 0) {
    return "calendar page far from today (" + std::to_string(y) + ")";
  }
  return "";
}

}  // namespace pressarc
