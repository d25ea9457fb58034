#include "config/digest.h"
#include "indexer/indexer.h"

namespace pressarc {

std::string DocumentId(std::string_view canonical_url) {
  auto d = Sha1Digest(canonical_url);
  return Hex(d.data(), 8);
}

}  // namespace pressarc
