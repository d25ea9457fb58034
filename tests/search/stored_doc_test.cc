// Reading the stored article back from the document data: the fast reader
// of the indexer's JSON must give what nlohmann's parser gives, for every
// string the indexer can store, and fall back on anything else.
#include "search/stored_doc.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace pressarc::search::internal {
namespace {

std::string Data(const nlohmann::json& j) {
  return "url=https://x/\npressarc=" + j.dump() + "\n";
}

TEST(StoredDocTest, EveryStringTheIndexerCanWriteReadsBackExactly) {
  std::mt19937 rng(3);
  const std::vector<std::string> pieces = {
      "a",  "Ə",        "ı",    "Лавров", "\"", "\\", "/",  "\n",       "\t", "\r",
      "\b", "\f",       "\x01", "\x1f",   " ",  "😀",  "中", "&amp;<b>", "'",  "\u2028",
      "é",  "\xc3\xa9", "}",    "{",      ",",  ":",  "[",  "]",        "0",  "null"};
  for (int round = 0; round < 300; ++round) {
    auto text = [&] {
      std::string s;
      for (int k = static_cast<int>(rng() % 12); k > 0; --k) s += pieces[rng() % pieces.size()];
      return s;
    };
    nlohmann::json j = {{"url", text()},        {"canonical_url", text()},
                        {"title", text()},      {"published", text()},
                        {"language", text()},   {"text", text()},
                        {"source", text()},     {"translation_key", text()},
                        {"fetched_at", text()}, {"archive", {{"file", text()}, {"offset", rng()}}}};
    StoredArticle d = ParseDocumentData(Data(j));
    auto want = [&](const char* key) { return j[key].get<std::string>(); };
    EXPECT_EQ(d.title, want("title"));
    EXPECT_EQ(d.text, want("text"));
    EXPECT_EQ(d.published, want("published"));
    EXPECT_EQ(d.language, want("language"));
    EXPECT_EQ(d.source, want("source"));
    EXPECT_EQ(d.translation_key, want("translation_key"));
    EXPECT_EQ(d.fetched_at, want("fetched_at"));
    EXPECT_EQ(d.archive_file, j["archive"]["file"].get<std::string>());
    EXPECT_EQ(d.archive_offset, j["archive"]["offset"].get<std::uint64_t>());
    if (!want("canonical_url").empty()) {
      EXPECT_EQ(d.canonical_url, want("canonical_url"));
    }
    if (!want("url").empty()) {
      EXPECT_EQ(d.url, want("url"));
    }
  }
}

TEST(StoredDocTest, EscapedUnicodeAndOddButValidJsonRead) {
  struct Case {
    std::string json;
    std::string title;
    std::uint64_t offset;
  };
  const Case cases[] = {
      {R"({"title":"Az\u0259rbaycan \ud83d\ude00","archive":{"offset":"42"}})", "Azərbaycan 😀", 42},
      {R"( { "title" : "a\/b" , "archive" : { "file" : "f" , "offset" : 7 } } )", "a/b", 7},
      {R"({"extra":[1,{"x":"y"}],"title":"t","archive":{"offset":5}})", "t", 5},
      {R"({"title":"t","nested":{"a":{"b":1}},"archive":{"offset":1.5}})", "t", 0},
      {R"({"title":"t","archive":{"offset":-3},"n":null,"b":true})", "t", 0},
  };
  for (const auto& c : cases) {
    StoredArticle d = ParseDocumentData("pressarc=" + c.json);
    EXPECT_EQ(d.title, c.title) << c.json;
    if (c.offset) {
      EXPECT_EQ(d.archive_offset, c.offset) << c.json;
    }
  }
}

// Best effort: a stray byte that is not UTF-8 (an old index, a foreign
// writer) keeps the rest of the field instead of losing the whole article.
TEST(StoredDocTest, ABrokenUtf8ByteKeepsTheField) {
  StoredArticle d =
      ParseDocumentData("caption=C\npressarc={\"title\":\"Baku \xff news\",\"text\":\"T\"}");
  EXPECT_EQ(d.title, "Baku \xff news");
  EXPECT_EQ(d.text, "T");
}

TEST(StoredDocTest, BrokenJsonFallsBackToTheOmegaLines) {
  for (const char* json :
       {R"({"title":"unterminated)", R"({"title":"bad \x escape"})",
        R"({"title":"lone \udc00 surrogate"})", "[1,2]", "", "{", R"({"title":"t"} trailing)"}) {
    StoredArticle d = ParseDocumentData(std::string("url=https://x/a\ncaption=Caption\npressarc=") +
                                    json + "\nsample=Sample");
    EXPECT_EQ(d.url, "https://x/a") << json;
    EXPECT_EQ(d.title, "Caption") << json;
    EXPECT_EQ(d.text, "Sample") << json;
  }
}

// A copy or translation listed beside a result is read from one value
// (slot 11), not from the document data; an index written before that slot
// still gives the same fields from the data and the language/source slots.
TEST(StoredDocTest, LinkedDocumentsReadTheLinkedSlotOrTheDataOfOlderIndexes) {
  Xapian::Document current;
  current.set_data("not read");
  current.add_value(schema::kSlotLinked,
                    schema::LinkedValue("ru", "mid-ru", "https://mid.example/ru/news/1/"));
  StoredArticle d = ReadLinkedDoc(current);
  EXPECT_EQ(d.language, "ru");
  EXPECT_EQ(d.source, "mid-ru");
  EXPECT_EQ(d.canonical_url, "https://mid.example/ru/news/1/");
  EXPECT_EQ(d.url, d.canonical_url);
  EXPECT_EQ(d.id, DocumentId("https://mid.example/ru/news/1/"));

  Xapian::Document older;
  older.set_data("url=https://mid.example/ru/news/1/\ncaption=x\n");
  older.add_value(schema::kSlotLanguage, "ru");
  older.add_value(schema::kSlotSource, "mid-ru");
  StoredArticle o = ReadLinkedDoc(older);
  EXPECT_EQ(o.language, d.language);
  EXPECT_EQ(o.source, d.source);
  EXPECT_EQ(o.canonical_url, d.canonical_url);
  EXPECT_EQ(o.id, d.id);
}

}  // namespace
}  // namespace pressarc::search::internal
