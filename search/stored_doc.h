// Internal to search/: reading what the indexer stored in a document
// (document data: Omega lines + the "pressarc=" JSON line; the XID term)
// into StoredArticle (search.h), whose translations, copies and versions the
// searcher fills.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "search/search.h"

namespace pressarc::search::internal {

// Never fails: missing or malformed fields are left empty (falling back to
// the Omega lines url=, caption=, language= and the sample=).
StoredArticle ReadStoredDoc(const Xapian::Document& doc);

// The few fields a linked document (copy, translation) needs, without
// parsing the stored JSON: id (XID term), canonical URL (the url= line),
// language and source (value slots); `published` stays empty.
StoredArticle ReadLinkedDoc(const Xapian::Document& doc);

// Parses the document data alone (no id).
StoredArticle ParseDocumentData(std::string_view data);

}  // namespace pressarc::search::internal
