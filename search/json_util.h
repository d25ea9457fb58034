// Internal to search/: the JSON conventions every output of search shares
// (ordered keys, invalid UTF-8 from odd pages replaced rather than thrown
// on, an empty string written as null).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace pressarc::search::internal {

using Json = nlohmann::ordered_json;

inline std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

inline Json NullIfEmpty(const std::string& s) {
  return s.empty() ? Json(nullptr) : Json(s);
}

}  // namespace pressarc::search::internal
