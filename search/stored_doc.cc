#include "search/stored_doc.h"

#include <nlohmann/json.hpp>

#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace pressarc::search::internal {

namespace {

std::string GetString(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

void ReadJson(std::string_view text, StoredDoc* out) {
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return;
  auto set = [&](const char* key, std::string* field) {
    std::string v = GetString(j, key);
    if (!v.empty()) *field = std::move(v);
  };
  set("url", &out->url);
  set("canonical_url", &out->canonical_url);
  set("title", &out->title);
  set("published", &out->published);
  set("language", &out->language);
  set("text", &out->text);
  set("source", &out->source);
  set("translation_key", &out->translation_key);
  set("fetched_at", &out->fetched_at);
  auto archive = j.find("archive");
  if (archive != j.end() && archive->is_object()) {
    out->archive_file = GetString(*archive, "file");
    auto offset = archive->find("offset");
    if (offset != archive->end()) {
      if (offset->is_number_unsigned() || offset->is_number_integer()) {
        out->archive_offset = offset->get<std::uint64_t>();
      } else if (offset->is_string()) {
        try {
          out->archive_offset = std::stoull(offset->get<std::string>());
        } catch (const std::exception&) {
          out->archive_offset = 0;
        }
      }
    }
  }
}

}  // namespace

StoredDoc ParseDocumentData(std::string_view data) {
  StoredDoc out;
  std::string sample;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t nl = data.find('\n', pos);
    std::string_view line = data.substr(pos, nl == std::string_view::npos ? data.npos : nl - pos);
    pos = nl == std::string_view::npos ? data.size() : nl + 1;
    auto value_of = [&](std::string_view key) -> std::string_view {
      return line.substr(key.size());
    };
    if (line.starts_with(schema::kDataJsonKey)) {
      ReadJson(value_of(schema::kDataJsonKey), &out);
    } else if (line.starts_with("url=") && out.url.empty()) {
      out.url = std::string(value_of("url="));
    } else if (line.starts_with("caption=") && out.title.empty()) {
      out.title = std::string(value_of("caption="));
    } else if (line.starts_with("language=") && out.language.empty()) {
      out.language = std::string(value_of("language="));
    } else if (line.starts_with("sample=")) {
      sample = std::string(value_of("sample="));
    }
  }
  if (out.canonical_url.empty()) out.canonical_url = out.url;
  if (out.url.empty()) out.url = out.canonical_url;
  if (out.text.empty()) out.text = std::move(sample);
  return out;
}

namespace {

std::string IdTerm(const Xapian::Document& doc) {
  const std::string id_prefix(schema::kPrefixId);
  Xapian::TermIterator t = doc.termlist_begin();
  t.skip_to(id_prefix);
  if (t != doc.termlist_end()) {
    const std::string term = *t;
    if (term.size() > id_prefix.size() && term.compare(0, id_prefix.size(), id_prefix) == 0) {
      return term.substr(id_prefix.size());
    }
  }
  return "";
}

// The document's id: the indexer derives its I term from the canonical URL
// with DocumentId (indexer/document.cc), so it is computed again from the
// stored canonical URL; reading the I term means decoding the document's
// termlist, which cost more than the rest of a result.
std::string DocumentIdOf(const Xapian::Document& doc, const std::string& canonical_url) {
  return canonical_url.empty() ? IdTerm(doc) : DocumentId(canonical_url);
}

}  // namespace

StoredDoc ReadLinkedDoc(const Xapian::Document& doc) {
  StoredDoc out;
  const std::string data = doc.get_data();
  if (data.starts_with("url=")) {
    std::size_t nl = data.find('\n');
    out.canonical_url = data.substr(4, nl == std::string::npos ? std::string::npos : nl - 4);
  } else {
    out = ParseDocumentData(data);
  }
  out.url = out.canonical_url;
  out.language = doc.get_value(schema::kSlotLanguage);
  out.source = doc.get_value(schema::kSlotSource);
  out.id = DocumentIdOf(doc, out.canonical_url);
  return out;
}

StoredDoc ReadStoredDoc(const Xapian::Document& doc) {
  StoredDoc out = ParseDocumentData(doc.get_data());
  out.id = DocumentIdOf(doc, out.canonical_url);
  if (out.source.empty()) {
    out.source = doc.get_value(schema::kSlotSource);
  }
  if (out.language.empty()) out.language = doc.get_value(schema::kSlotLanguage);
  return out;
}

}  // namespace pressarc::search::internal
