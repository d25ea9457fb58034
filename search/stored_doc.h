// Internal to search/: reading what the indexer stored in a document
// (document data: Omega lines + the "pressarc=" JSON line; the XID term).
#pragma once

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace pressarc::search::internal {

struct StoredDoc {
  std::string id;  // DocumentId of the canonical URL (as the indexer's I term), else the I term
  std::string url;
  std::string canonical_url;
  std::string title;
  std::string published;
  std::string language;
  std::string text;
  std::string source;
  std::string translation_key;
  std::string fetched_at;
  std::string archive_file;
  std::uint64_t archive_offset = 0;
};

// Never fails: missing or malformed fields are left empty (falling back to
// the Omega lines url=, caption=, language= and the sample=).
StoredDoc ReadStoredDoc(const Xapian::Document& doc);

// The few fields a linked document (copy, translation) needs, without
// parsing the stored JSON: id (XID term), canonical URL (the url= line),
// language and source (value slots); `published` stays empty.
StoredDoc ReadLinkedDoc(const Xapian::Document& doc);

// Parses the document data alone (no id).
StoredDoc ParseDocumentData(std::string_view data);

}  // namespace pressarc::search::internal
