// UTC timestamps as pressarc writes them everywhere (WARC-Date, the
// catalogue, JSON): "YYYY-MM-DDThh:mm:ssZ".
#pragma once

#include <cstdint>
#include <string>

namespace pressarc {

// "YYYY-MM-DDThh:mm:ssZ" for a Unix time.
std::string IsoUtc(std::int64_t unix_seconds);
// Parses "YYYY-MM-DDThh:mm:ssZ" (or a prefix "YYYY-MM-DD"); -1 when malformed.
std::int64_t ParseIsoUtc(const std::string& text);

}  // namespace pressarc
