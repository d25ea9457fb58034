// Internal to search/: reading what the indexer stored in a document
// (document data: Omega lines + the "pressarc=" JSON line; the XID term)
// into StoredArticle (search.h), whose translations, copies and versions the
// searcher fills; and a slot's values in docid order (ValueCursor).
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
// The same, with the document's kSlotLinked value read already (a page
// reads those of all its linked documents in one pass).
StoredArticle ReadLinkedDoc(const Xapian::Document& doc, const std::string& linked);

// Parses the document data alone (no id).
StoredArticle ParseDocumentData(std::string_view data);

// The values of one slot of an index, read in docid order in one pass over
// the slot's value stream (a value per document read alone costs a B-tree
// lookup each).
class ValueCursor {
 public:
  ValueCursor(const Xapian::Database& db, Xapian::valueno slot)
      : it_(db.valuestream_begin(slot)), end_(db.valuestream_end(slot)) {}
  // The value of `did` ("" when it has none).
  // REQUIRES: docids asked in increasing order.
  std::string At(Xapian::docid did) {
    if (it_ != end_ && it_.get_docid() < did) it_.skip_to(did);
    return it_ != end_ && it_.get_docid() == did ? *it_ : std::string();
  }

 private:
  Xapian::ValueIterator it_;
  Xapian::ValueIterator end_;
};

}  // namespace pressarc::search::internal
