#include "parser/parser.h"

namespace pressarc {

const char* PageKindName(PageKind kind) {
  switch (kind) {
    case PageKind::kArticle:
      return "article";
    case PageKind::kListing:
      return "listing";
    case PageKind::kChallenge:
      return "challenge";
    case PageKind::kNotFound:
      return "not_found";
    case PageKind::kOther:
      break;
  }
  return "other";
}

}  // namespace pressarc
