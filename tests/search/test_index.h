// A small az/ru/en index in a temporary data directory, written through the
// indexer's IndexWriter, for the search tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "indexer/indexer.h"

namespace pressarc::search::testing {

struct Doc {
  std::string url;
  std::string title;
  std::string published;
  std::string language;
  std::string source;
  std::string translation_key;
  std::string text;
  std::string fetched_at = "2024-01-01T00:00:00Z";
  std::string fetched_url;  // "" = the canonical URL
};

// A shared paragraph set, so that the republished copy gets the same
// near-duplicate key as the original.
inline std::string StatementText() {
  return "Azərbaycan Respublikası Xarici İşlər Nazirliyi Rusiya Federasiyasının xarici işlər "
         "naziri Sergey Lavrov ilə görüş barədə bəyanat yayıb.\n\n"
         "Görüş zamanı tərəflər regional təhlükəsizlik, nəqliyyat dəhlizləri və sülh "
         "danışıqlarının gələcəyi barədə ətraflı fikir mübadiləsi aparıblar.\n\n"
         "Nazirlik bildirib ki, növbəti görüşün Bakı şəhərində keçirilməsi planlaşdırılır və "
         "tərəflər bu barədə razılığa gəliblər.";
}

inline std::vector<Doc> StandardDocs() {
  return {
      {"https://mfa.gov.az/az/news/no10023", "Xarici İşlər Nazirliyinin bəyanatı", "2023-02-28",
       "az", "mfa-az", "no10023", StatementText(), "2023-02-28T12:00:00Z", ""},
      {"https://mfa.gov.az/en/news/no10023", "Statement of the Ministry of Foreign Affairs",
       "2023-02-28", "en", "mfa-az", "no10023",
       "The Ministry of Foreign Affairs of the Republic of Azerbaijan issued a statement on the "
       "meeting with Sergey Lavrov, the Minister of Foreign Affairs of Russia.\n\nThe sides "
       "discussed regional security, transport corridors and the future of peace talks.",
       "2023-02-28T12:05:00Z", ""},
      {"https://mfa.gov.az/ru/news/no10023", "Заявление МИД Азербайджана",
       "2023-02-28T16:25:00+04:00", "ru", "mfa-az", "no10023",
       "Министерство иностранных дел Азербайджанской Республики распространило заявление о "
       "встрече с министром иностранных дел России Сергеем Лавровым.\n\nСтороны обсудили "
       "региональную безопасность, транспортные коридоры и будущее мирных переговоров.",
       "2023-02-28T12:10:00Z", ""},
      // A republished copy, a day later, with an attribution line.
      {"https://metbuat.az/news/1501-xin-beyanat.html", "XİN bəyanat yayıb", "2023-03-01", "az",
       "metbuat", "", "Metbuat.az xəbər verir ki,\n\n" + StatementText(), "2023-03-01T09:00:00Z",
       ""},
      {"https://mfa.gov.az/en/news/no20011", "Vaccine campaign, \"phase two\" starts", "2022-12-15",
       "en", "mfa-az", "no20011",
       "The vaccination campaign for diplomats abroad enters its second phase. Embassies will "
       "receive vaccine doses in January.",
       "2022-12-16T08:00:00Z", ""},
      {"https://mfa.gov.az/en/news/undated", "Consular services notice", "", "en", "mfa-az", "",
       "Consular services of the embassy in Paris will be closed for a public holiday.",
       "2023-06-01T08:00:00Z", ""},
      {"https://mid.ru/ru/press/1900", "Брифинг официального представителя", "2024-01-10", "ru",
       "mid-ru", "",
       "Официальный представитель МИД России ответила на вопросы о транспортных коридорах и "
       "энергетической безопасности.",
       "2024-01-10T10:00:00Z", ""},
      {"https://mfa.gov.az/az/news/no30005", "Nazir Ceyhun Bayramovun səfəri", "2023-05-07", "az",
       "mfa-az", "no30005",
       "Xarici işlər naziri Ceyhun Bayramovun Gürcüstana səfəri başa çatıb. Nazir Tbilisidə "
       "nəqliyyat layihələrini müzakirə edib.",
       "2023-05-07T15:00:00Z", "https://mfa.gov.az/az/news/no30005?utm_source=rss"},
  };
}

// The article IndexWriter takes for `d`, archived at `offset`.
inline IndexedArticle ArticleOf(const Doc& d, std::uint64_t offset) {
  IndexedArticle a;
  a.article.url = d.fetched_url.empty() ? d.url : d.fetched_url;
  a.article.canonical_url = d.url;
  a.article.title = d.title;
  a.article.published = d.published;
  a.article.language = d.language;
  a.article.source = d.source;
  a.article.translation_key = d.translation_key;
  a.article.text = d.text;
  a.article.kind = PageKind::kArticle;
  a.archive.file = "pressarc-00001.warc.gz";
  a.archive.offset = offset;
  a.fetched_at = d.fetched_at;
  return a;
}

// Adds `docs` through `writer` and commits (Publish for a new generation).
inline void WriteDocs(IndexWriter& writer, const std::vector<Doc>& docs, bool publish) {
  std::uint64_t offset = 0;
  for (const auto& d : docs) {
    auto added = writer.Add(ArticleOf(d, offset));
    EXPECT_TRUE(added.ok()) << added.status().message();
    offset += 1000;
  }
  Status s = publish ? writer.Publish() : writer.Commit();
  EXPECT_TRUE(s.ok()) << s.message();
}

// Owns a temporary data directory holding an index of `docs`.
class TempIndex {
 public:
  // The live index, written in place (as the crawl does): no pair words.
  explicit TempIndex(const std::vector<Doc>& docs = StandardDocs()) : TempIndex(docs, 0) {}
  // pair_word_share > 0: written as a second reindex writes it, a new
  // generation over one of the same documents, whose pair words are the
  // words of at least that share of them (IndexWriterOptions::pair_word_share).
  TempIndex(const std::vector<Doc>& docs, double pair_word_share) {
    dir_ =
        (std::filesystem::temp_directory_path() /
         ("pressarc-search-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++)))
            .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (docs.empty()) return;
    IndexWriterOptions options;
    options.batch_size = 1000;
    options.old_generation_grace_s = 0;
    if (pair_word_share <= 0) {
      auto writer = IndexWriter::OpenLive(dir_, options);
      EXPECT_TRUE(writer.ok()) << writer.status().message();
      if (writer.ok()) WriteDocs(**writer, docs, false);
      return;
    }
    options.pair_word_share = pair_word_share;
    options.pair_word_min_docs = 1;
    for (int generation = 0; generation < 2; ++generation) {
      auto writer = IndexWriter::CreateGeneration(dir_, options);
      EXPECT_TRUE(writer.ok()) << writer.status().message();
      if (writer.ok()) WriteDocs(**writer, docs, true);
    }
  }
  ~TempIndex() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempIndex(const TempIndex&) = delete;
  TempIndex& operator=(const TempIndex&) = delete;

  const std::string& dir() const { return dir_; }

 private:
  static inline int counter_ = 0;
  std::string dir_;
};

}  // namespace pressarc::search::testing
