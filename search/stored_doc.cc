#include "search/stored_doc.h"

#include <nlohmann/json.hpp>

#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace pressarc::search::internal {

namespace {

std::string GetString(const nlohmann::json& j, std::string_view key) {
  auto it = j.find(std::string(key));
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// The stored JSON's string fields and where they go (a field left empty
// keeps what the Omega lines gave).
const std::pair<std::string_view, std::string StoredArticle::*> kStringFields[] = {
    {"url", &StoredArticle::url},
    {"canonical_url", &StoredArticle::canonical_url},
    {"title", &StoredArticle::title},
    {"published", &StoredArticle::published},
    {"language", &StoredArticle::language},
    {"text", &StoredArticle::text},
    {"source", &StoredArticle::source},
    {"translation_key", &StoredArticle::translation_key},
    {"fetched_at", &StoredArticle::fetched_at}};

// An archive offset written as a string; 0 when it is not a number.
std::uint64_t OffsetFromString(const std::string& text) {
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    return 0;
  }
}

// A reader for the JSON the indexer writes: one object of strings and
// numbers, with the "archive" object inside. About ten times faster than
// building nlohmann's DOM (whose lexer cost a tenth of a search); anything
// it does not expect makes it give up, and ReadJson parses with nlohmann.
class FastJson {
 public:
  explicit FastJson(std::string_view text) : s_(text) {}

  // False when the text is not what the indexer writes (out is then partial).
  bool ReadObject(StoredArticle* out, bool archive) {
    if (!Expect('{')) return false;
    Space();
    if (Peek() == '}') return ++i_, true;
    for (;;) {
      std::string key;
      if (!String(&key) || !Expect(':')) return false;
      Space();
      if (Peek() == '"') {
        std::string value;
        if (!String(&value)) return false;
        Assign(key, std::move(value), out, archive);
      } else if (Peek() == '{') {
        if (archive || key != "archive" || !ReadObject(out, true)) return false;
      } else if (!Scalar(key, out, archive)) {
        return false;
      }
      Space();
      if (Peek() == ',') {
        ++i_;
        continue;
      }
      return Expect('}');
    }
  }

  bool AtEnd() {
    Space();
    return i_ == s_.size();
  }

 private:
  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void Space() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) {
      ++i_;
    }
  }
  bool Expect(char c) {
    Space();
    if (Peek() != c) return false;
    ++i_;
    return true;
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool Hex4(std::uint32_t* cp) {
    if (i_ + 4 > s_.size()) return false;
    *cp = 0;
    for (int k = 0; k < 4; ++k) {
      int h = Hex(s_[i_++]);
      if (h < 0) return false;
      *cp = *cp * 16 + static_cast<std::uint32_t>(h);
    }
    return true;
  }
  static void AppendUtf8(std::uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool String(std::string* out) {
    Space();
    if (Peek() != '"') return false;
    ++i_;
    for (;;) {
      std::size_t run = i_;
      while (run < s_.size() && s_[run] != '"' && s_[run] != '\\' &&
             static_cast<unsigned char>(s_[run]) >= 0x20) {
        ++run;
      }
      out->append(s_.substr(i_, run - i_));
      i_ = run;
      if (i_ >= s_.size() || static_cast<unsigned char>(s_[i_]) < 0x20) return false;
      if (s_[i_++] == '"') return true;
      if (i_ >= s_.size()) return false;
      switch (char e = s_[i_++]) {
        case '"':
        case '\\':
        case '/':
          *out += e;
          break;
        case 'b':
          *out += '\b';
          break;
        case 'f':
          *out += '\f';
          break;
        case 'n':
          *out += '\n';
          break;
        case 'r':
          *out += '\r';
          break;
        case 't':
          *out += '\t';
          break;
        case 'u': {
          std::uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {  // a surrogate pair
            std::uint32_t low;
            if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') return false;
            i_ += 2;
            if (!Hex4(&low) || low < 0xDC00 || low >= 0xE000) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            return false;
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return false;
      }
    }
  }

  // A number, true, false or null.
  bool Scalar(const std::string& key, StoredArticle* out, bool archive) {
    std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ' ' && s_[i_] != '\n')
      ++i_;
    std::string_view v = s_.substr(start, i_ - start);
    if (v == "true" || v == "false" || v == "null") return true;
    if (v.empty()) return false;
    for (char c : v) {
      if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
        return false;
      }
    }
    if (archive && key == "offset") {
      bool digits = v.find_first_not_of("0123456789") == std::string_view::npos;
      if (!digits || v.size() > 19) return false;  // nlohmann decides
      out->archive_offset = std::stoull(std::string(v));
    }
    return true;
  }

  static void Assign(const std::string& key, std::string value, StoredArticle* out, bool archive) {
    if (archive) {
      if (key == "file") out->archive_file = std::move(value);
      if (key == "offset") out->archive_offset = OffsetFromString(value);
      return;
    }
    if (value.empty()) return;
    for (const auto& [name, field] : kStringFields) {
      if (key == name) {
        out->*field = std::move(value);
        return;
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

void ReadJson(std::string_view text, StoredArticle* out) {
  {
    StoredArticle fast = *out;
    FastJson reader(text);
    if (reader.ReadObject(&fast, false) && reader.AtEnd()) {
      *out = std::move(fast);
      return;
    }
  }
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return;
  for (const auto& [name, field] : kStringFields) {
    std::string v = GetString(j, name);
    if (!v.empty()) out->*field = std::move(v);
  }
  auto archive = j.find("archive");
  if (archive != j.end() && archive->is_object()) {
    out->archive_file = GetString(*archive, "file");
    auto offset = archive->find("offset");
    if (offset != archive->end()) {
      if (offset->is_number_unsigned() || offset->is_number_integer()) {
        out->archive_offset = offset->get<std::uint64_t>();
      } else if (offset->is_string()) {
        out->archive_offset = OffsetFromString(offset->get<std::string>());
      }
    }
  }
}

}  // namespace

StoredArticle ParseDocumentData(std::string_view data) {
  StoredArticle out;
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

StoredArticle ReadLinkedDoc(const Xapian::Document& doc) {
  return ReadLinkedDoc(doc, doc.get_value(schema::kSlotLinked));
}

StoredArticle ReadLinkedDoc(const Xapian::Document& doc, const std::string& linked) {
  StoredArticle out;
  // One value (indexes since slot 11), else the data and two other values.
  std::string_view language, source, url;
  if (schema::SplitLinkedValue(linked, &language, &source, &url)) {
    out.language = language;
    out.source = source;
    out.canonical_url = url;
  } else {
    const std::string data = doc.get_data();
    if (data.starts_with("url=")) {
      std::size_t nl = data.find('\n');
      out.canonical_url = data.substr(4, nl == std::string::npos ? std::string::npos : nl - 4);
    } else {
      out = ParseDocumentData(data);
    }
    out.language = doc.get_value(schema::kSlotLanguage);
    out.source = doc.get_value(schema::kSlotSource);
  }
  out.url = out.canonical_url;
  out.id = DocumentIdOf(doc, out.canonical_url);
  return out;
}

StoredArticle ReadStoredDoc(const Xapian::Document& doc) {
  StoredArticle out = ParseDocumentData(doc.get_data());
  out.id = DocumentIdOf(doc, out.canonical_url);
  if (out.source.empty()) {
    out.source = doc.get_value(schema::kSlotSource);
  }
  if (out.language.empty()) out.language = doc.get_value(schema::kSlotLanguage);
  return out;
}

}  // namespace pressarc::search::internal
