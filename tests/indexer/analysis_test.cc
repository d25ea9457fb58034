// Analysis: case folding, diacritic folding, transliteration, query
// rewriting, and what queries find in a small az/ru/en index.
#include <gtest/gtest.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <xapian.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "indexer/analysis_internal.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"

namespace pressarc {
namespace {

TEST(FoldCaseTest, TurkicIsInAzerbaijaniTextOnly) {
  struct Case {
    const char* in;
    const char* lang;
    const char* want;
  };
  const Case cases[] = {
      {"IŞIQ", "az", "ışıq"},
      {"İŞIQ", "az", "işıq"},
      {"ışıq", "az", "ışıq"},
      {"İSTANBUL", "az", "istanbul"},
      {"NAZİRLİYİ", "az", "nazirliyi"},
      {"Istanbul", "en", "istanbul"},
      {"I met", "en", "i met"},
      {"İstanbul", "en", "istanbul"},  // never the two-code-point i̇
      {"İstanbul", "", "istanbul"},
      {"ƏLİYEV", "az", "əliyev"},
      {"МИНИСТЕРСТВО", "ru", "министерство"},
      {"Ёлка", "ru", "ёлка"},
      {"STRASSE Straße", "de", "strasse strasse"},
      {"A\xCC\x8A", "en", "\xC3\xA5"},  // NFC: a + ring → å
  };
  for (const auto& c : cases) EXPECT_EQ(FoldCase(c.in, c.lang), c.want) << c.in << " / " << c.lang;
}

TEST(FoldDiacriticsTest, RemovesWhatUsersTypeWithout) {
  const std::pair<const char*, const char*> cases[] = {
      {"azərbaycan", "azerbaycan"},
      {"ışıq", "isiq"},
      {"işıq", "isiq"},
      {"şuşa", "susa"},
      {"çox", "cox"},
      {"ağ", "ag"},
      {"gözəl", "gozel"},
      {"üçün", "ucun"},
      {"ёлка", "елка"},
      {"йод", "йод"},
      {"café", "cafe"},
      {"straße", "strasse"},
      {"plain", "plain"},
      {"", ""},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(FoldDiacritics(in), want) << in;
}

// ForEachWord decides ASCII, Latin and Cyrillic letters inline; every code
// point must still split or join words as IsWordChar says.
TEST(ForEachWordTest, SplitsWhereIsWordCharSays) {
  for (char32_t c = 1; c < 0x3000; ++c) {
    if (c == '.' || c == ',' || (c >= 0xD800 && c <= 0xDFFF)) continue;
    std::string text = "a";
    internal::AppendUtf8(c, &text);
    text += "b";
    std::vector<std::string> words;
    internal::ForEachWord(text, [&](std::string_view w) { words.emplace_back(w); });
    if (internal::IsWordChar(c)) {
      EXPECT_EQ(words, std::vector<std::string>{text}) << std::hex << static_cast<unsigned>(c);
    } else {
      EXPECT_EQ(words, (std::vector<std::string>{"a", "b"}))
          << std::hex << static_cast<unsigned>(c);
    }
  }
}

TEST(TransliterateTest, BgnStyleFoldedToAscii) {
  const std::pair<const char*, const char*> cases[] = {
      {"Лавров", "lavrov"},   {"лаврова", "lavrova"}, {"Захарова", "zakharova"},
      {"Щукин", "shchukin"},  {"Сергей", "sergey"},   {"Елена", "yelena"},
      {"объявил", "obyavil"}, {"Шойгу", "shoygu"},    {"Цой", "tsoy"},
      {"Ёлка", "yelka"},      {"Baku", "baku"},       {"Әлијев", "eliyev"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(TransliterateToLatin(in), want) << in;
}

// Our table agrees with ICU's Russian-Latin/BGN once both are folded and
// BGN's apostrophes/middle dots are dropped.
TEST(TransliterateTest, AgreesWithIcuRussianLatinBgn) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(
      icu::Transliterator::createInstance("Russian-Latin/BGN", UTRANS_FORWARD, err));
  ASSERT_TRUE(U_SUCCESS(err));
  for (const char* word : {"лавров", "министерство", "иностранных", "дел", "россии", "захарова",
                           "заявление", "переговоры", "сергей", "встреча", "азербайджан", "щит",
                           "чайка", "жизнь", "юрий", "язык", "подъезд", "ёж"}) {
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(word);
    t->transliterate(u);
    std::string icu;
    u.toUTF8String(icu);
    std::string folded = FoldDiacritics(FoldCase(icu, ""));
    std::string letters;
    for (char c : folded) {
      if (c >= 'a' && c <= 'z') letters += c;
    }
    EXPECT_EQ(TransliterateToLatin(word), letters) << word << " (ICU: " << icu << ")";
  }
}

TEST(PrepareQueryTextTest, RewritesWordsAndKeepsSyntax) {
  struct Case {
    const char* in;
    const char* lang;
    const char* want;
  };
  const Case cases[] = {
      {"IŞIQ", "az", "(ışıq OR isiq OR ishig)"},
      {"Azerbaycan", "az", "(azerbaycan OR azerbayjan)"},
      {"Azərbaycan nazirliyi", "az", "(azərbaycan OR azerbaycan OR azarbayjan) nazirliyi"},
      {"Лавров", "ru", "(лавров OR lavrov)"},
      {"Ёлка", "ru", "(ёлка OR елка OR yelka OR yelk)"},
      {"Лавровым", "", "(лавровым OR lavrovym OR lavrov)"},
      {"Захаровой", "", "(захаровой OR zakharovoy OR zaharovoy OR zakharov OR zakharova)"},
      {"\"Azərbaycan Respublikası\"", "az", "\"azerbaycan respublikasi\""},
      {"nazir* AND NOT Bakı", "az", "nazir* AND NOT (bakı OR baki)"},
      {"-Bakı +Gəncə", "az", "-(bakı OR baki) +(gəncə OR gence OR ganja)"},
      {"title:Lavrov source:mfa-az", "en", "title:lavrov source:mfa-az"},
      {"site:mfa.gov.az lang:az 2023-01-01..2023-12-31", "",
       "site:mfa.gov.az lang:az 2023-01-01..2023-12-31"},
      {"Azərbaycan-Rusiya", "az", "azerbaycan-rusiya"},
      {"Bayramov's", "en", "bayramov"},
      {"(Bakı OR Şuşa)", "az", "((bakı OR baki) OR (şuşa OR susa OR shusha))"},
      {"source:\"Mfa Az\" x", "", "source:\"Mfa Az\" x"},
  };
  for (const auto& c : cases) EXPECT_EQ(PrepareQueryText(c.in, c.lang), c.want) << c.in;
}

TEST(PrepareQueryTextTest, NeverCrashesOnOddInput) {
  for (const char* q : {"", "\"", "((((", "title:", ":", "::x", "\xff\xfe\xfd", "a\"b\"c\"", "-",
                        "+-+", "NEAR/3", "..", "x..", "*", "ы*"}) {
    std::string out = PrepareQueryText(q, "az");
    EXPECT_LE(out.size(), std::string(q).size() * 8 + 8) << q;
  }
}

// An article of `lang` at `url` (also its canonical URL), as the tests index it.
IndexedArticle ArticleOf(const std::string& url, const std::string& lang, const std::string& title,
                         const std::string& text) {
  IndexedArticle a;
  a.article.url = url;
  a.article.canonical_url = url;
  a.article.language = lang;
  a.article.title = title;
  a.article.text = text;
  a.article.kind = PageKind::kArticle;
  a.fetched_at = "2024-01-01T00:00:00Z";
  return a;
}

// A small index of az/ru/en articles, searched the way `pressarc search` does.
class RetrievalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // On disk, as pressarc's indexes are (glass): the in-memory backend
    // treats terms without positions differently in phrases.
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "pressarc-retrieval-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    db_ = Xapian::WritableDatabase(dir_ + "/db", Xapian::DB_CREATE_OR_OVERWRITE);
    Add("https://a.example/az/1", "az", "Xarici İşlər Nazirliyinin bəyanatı",
        "Azərbaycan Respublikası Xarici İşlər Nazirliyi IŞIQ layihəsini dəstəkləyir. "
        "Nazir Bayramovun səfəri Bakıda keçirildi.");
    Add("https://a.example/az/2", "az", "Azerbaycan xeberleri",
        "Azerbaycan hokumeti yeni qerar qebul edib.");
    Add("https://a.example/ru/1", "ru", "Заявление МИД России",
        "Сергей Лавров провёл встречу в Москве. Ёлка стояла в зале.");
    Add("https://a.example/en/1", "en", "Minister Lavrov visits Istanbul",
        "I met the minister in Istanbul. The ministries signed agreements.");
    Add("https://a.example/az/3", "az", "Görüş", "İSTANBUL şəhərində görüş oldu.");
  }

  void Add(const std::string& url, const std::string& lang, const std::string& title,
           const std::string& text) {
    auto p = PrepareDocument(ArticleOf(url, lang, title, text));
    ASSERT_TRUE(p.ok()) << p.status().message();
    db_.replace_document(p->unique_term, p->document);
  }

  // URLs found by `query` (no language given), best first.
  std::vector<std::string> Search(const std::string& query, const std::string& lang = "") {
    Xapian::QueryParser qp;
    qp.set_database(db_);
    qp.set_default_op(Xapian::Query::OP_AND);
    qp.add_prefix("title", std::string(schema::kPrefixTitle));
    qp.add_boolean_prefix("lang", std::string(schema::kPrefixLanguage));
    auto q = ParseUserQuery(qp, query, lang,
                            Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD);
    EXPECT_TRUE(q.ok()) << query;
    if (!q.ok()) return {};
    Xapian::Enquire enquire(db_);
    enquire.set_query(*q);
    std::vector<std::string> urls;
    Xapian::MSet mset = enquire.get_mset(0, 20);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      std::string data = it.get_document().get_data();
      urls.push_back(data.substr(4, data.find('\n') - 4));
    }
    return urls;
  }

  // The weight of every document `query` matches.
  std::map<Xapian::docid, double> Weights(const Xapian::Query& query) {
    Xapian::Enquire enquire(db_);
    enquire.set_query(query);
    std::map<Xapian::docid, double> out;
    Xapian::MSet mset = enquire.get_mset(0, db_.get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) out[*it] = it.get_weight();
    return out;
  }

  static bool Has(const std::vector<std::string>& urls, const std::string& url) {
    for (const auto& u : urls) {
      if (u == url) return true;
    }
    return false;
  }

  void TearDown() override {
    db_.close();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  Xapian::WritableDatabase db_;
};

TEST_F(RetrievalTest, DotlessAndDottedCapitalsMatchInAzText) {
  for (const char* q : {"IŞIQ", "İŞIQ", "ışıq", "işiq", "isiq"}) {
    EXPECT_TRUE(Has(Search(q), "https://a.example/az/1")) << q;
  }
}

TEST_F(RetrievalTest, MissingDiacriticsStillMatchAndExactRanksFirst) {
  auto hits = Search("Azerbaycan");
  ASSERT_GE(hits.size(), 2u);
  EXPECT_TRUE(Has(hits, "https://a.example/az/1"));
  EXPECT_EQ(hits[0], "https://a.example/az/2");  // written without diacritics: exact
  hits = Search("Azərbaycan");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0], "https://a.example/az/1");
  EXPECT_TRUE(Has(Search("xarici isler nazirliyi"), "https://a.example/az/1"));
}

TEST_F(RetrievalTest, InflectedFormsMatch) {
  EXPECT_TRUE(Has(Search("Bayramov"), "https://a.example/az/1"));
  EXPECT_TRUE(Has(Search("Bakı"), "https://a.example/az/1"));
  EXPECT_TRUE(Has(Search("nazirlik"), "https://a.example/az/1"));
  EXPECT_TRUE(Has(Search("ministry"), "https://a.example/en/1"));
  EXPECT_TRUE(Has(Search("министерство"), "https://a.example/ru/1") ||
              Has(Search("мид"), "https://a.example/ru/1"));
  EXPECT_TRUE(Has(Search("Москва"), "https://a.example/ru/1"));
}

TEST_F(RetrievalTest, LatinAndCyrillicNamesFindEachOther) {
  auto hits = Search("Lavrov");
  EXPECT_TRUE(Has(hits, "https://a.example/ru/1"));
  EXPECT_TRUE(Has(hits, "https://a.example/en/1"));
  hits = Search("Лавров");
  EXPECT_TRUE(Has(hits, "https://a.example/ru/1"));
  EXPECT_TRUE(Has(hits, "https://a.example/en/1"));
}

TEST_F(RetrievalTest, InflectedCyrillicNamesFindTheirLatinSpelling) {
  for (const char* q : {"Лавровым", "Лаврову", "Лаврова", "ЛАВРОВЫМ"}) {
    auto hits = Search(q);
    EXPECT_TRUE(Has(hits, "https://a.example/en/1")) << q;
    EXPECT_TRUE(Has(hits, "https://a.example/ru/1")) << q;
  }
}

TEST_F(RetrievalTest, AWomansSurnameInAnotherCaseFindsItsLatinSpelling) {
  Add("https://a.example/en/2", "en", "Briefing", "Spokesperson Maria Zakharova answered.");
  Add("https://a.example/ru/3", "ru", "Брифинг",
      "Брифинг официального представителя М.В.Захаровой.");
  for (const char* q : {"Захаровой", "Захарову", "Захарова", "Zakharova"}) {
    auto hits = Search(q);
    EXPECT_TRUE(Has(hits, "https://a.example/en/2")) << q;
    EXPECT_TRUE(Has(hits, "https://a.example/ru/3")) << q;
  }
  EXPECT_FALSE(Has(Search("Захаровой"), "https://a.example/en/1"));
}

// English texts spell Azerbaijani names their own way (Jeyhun, Aliyev,
// Garabagh, Ganja); az texts index that spelling too, and a query also
// searches it.
// A wildcard expands over the words its folded prefix begins, as a plain
// word matches without its diacritics and capitals.
TEST_F(RetrievalTest, WildcardsFoldCaseAndDiacritics) {
  for (const char* q : {"Istanbul*", "istanbul*", "İstanbul*", "ISTANBUL*", "ıstanbul*"}) {
    auto hits = Search(q, "az");
    EXPECT_TRUE(Has(hits, "https://a.example/az/3")) << q;
  }
  for (const char* q : {"Isiq*", "isiq*", "IŞIQ*", "ışıq*"}) {
    EXPECT_TRUE(Has(Search(q, "az"), "https://a.example/az/1")) << q;
  }
  for (const char* q : {"ёлк*", "елк*", "Ёлка*"}) {
    EXPECT_TRUE(Has(Search(q, "ru"), "https://a.example/ru/1")) << q;
  }
}

// Azerbaijani and other non-Russian names in Russian texts: х is h and a
// final -ия is -ia in the Latin spellings that az and en texts use.
TEST_F(RetrievalTest, CyrillicNamesFindTheirOtherLatinSpelling) {
  Add("https://a.example/ru/5", "ru", "Встреча", "Ильхам Алиев принял Марию Захарову и Рахмана.");
  Add("https://a.example/en/7", "en", "Meeting", "Ilham Aliyev received Maria Zakharova.");
  for (const char* q : {"Ilham", "Ilham Aliyev", "\"Ilham Aliyev\"", "Rahman", "ilham"}) {
    EXPECT_TRUE(Has(Search(q), "https://a.example/ru/5")) << q;
  }
  for (const char* q : {"Ильхам", "Ильхам Алиев", "Мария", "Мария Захарова"}) {
    EXPECT_TRUE(Has(Search(q), "https://a.example/en/7")) << q;
  }
  EXPECT_EQ(internal::OtherLatinSpelling("ilkham"), "ilham");
  EXPECT_EQ(internal::OtherLatinSpelling("mariya"), "maria");
  EXPECT_EQ(internal::OtherLatinSpelling("lavrov"), "");
}

// An English possessive is the word itself, in documents and queries:
// "Lavrov's" finds "Lavrov", "Azerbaijan’s" finds "Azerbaijan's", and
// neither leaves a word "s" behind.
TEST_F(RetrievalTest, PossessivesAreTheWordItself) {
  Add("https://a.example/en/6", "en", "Baku talks", "Azerbaijan’s minister met Lavrov in Baku.");
  for (const char* q : {"Lavrov's", "Lavrov’s", "LAVROV'S", "Azerbaijan's minister",
                        "\"Azerbaijan's minister\"", "\"Lavrov's\""}) {
    EXPECT_TRUE(Has(Search(q), "https://a.example/en/6")) << q;
  }
  EXPECT_TRUE(Has(Search("\"Azerbaijan minister\""), "https://a.example/en/6"));
  EXPECT_EQ(db_.get_termfreq("s"), 0u);
  std::vector<std::string> words;
  internal::ForEachWord("lavrov's talks, the ministers' o's 'sake it’s",
                        [&](std::string_view w) { words.emplace_back(w); });
  EXPECT_EQ(words,
            (std::vector<std::string>{"lavrov", "talks", "the", "ministers", "o", "sake", "it"}));
}

TEST_F(RetrievalTest, AzerbaijaniNamesFindTheirEnglishSpelling) {
  Add("https://a.example/az/6", "az", "Görüş",
      "Ceyhun Bayramov Qarabağ və Gəncə barədə danışdı. Prezident İlham Əliyevin çıxışı.");
  Add("https://a.example/en/4", "en", "Meeting",
      "Jeyhun Bayramov spoke about Garabagh and Ganja. President Ilham Aliyev's speech.");
  struct Case {
    const char* query;
    const char* url;
  };
  for (const Case& c :
       {Case{"Jeyhun", "https://a.example/az/6"}, Case{"Garabagh", "https://a.example/az/6"},
        Case{"Aliyev", "https://a.example/az/6"}, Case{"Ganja", "https://a.example/az/6"},
        Case{"Ceyhun", "https://a.example/en/4"}, Case{"Qarabağ", "https://a.example/en/4"},
        Case{"Əliyev", "https://a.example/en/4"}, Case{"Ceyhun Bayramov", "https://a.example/en/4"},
        Case{"Jeyhun Bayramov", "https://a.example/az/6"},
        // Typed in lower case, a name still finds its English spelling.
        Case{"ceyhun", "https://a.example/en/4"}, Case{"ceyhun bayramov", "https://a.example/en/4"},
        Case{"jeyhun", "https://a.example/az/6"}, Case{"qarabağ", "https://a.example/en/4"}}) {
    EXPECT_TRUE(Has(Search(c.query), c.url)) << c.query;
  }
  // Short English words are not romanised into others (car is not jar).
  Add("https://a.example/en/5", "en", "Jar", "A jar of honey and a guest.");
  EXPECT_FALSE(Has(Search("car"), "https://a.example/en/5"));
  EXPECT_FALSE(Has(Search("quest"), "https://a.example/en/5"));
  // The exact spelling still ranks first.
  auto hits = Search("Ceyhun");
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0], "https://a.example/az/6");
  // Phrases in English spelling find the az text, and only where the words
  // stand side by side: the English spellings have positions (a term
  // without them once matched any phrase whose next word opened the title).
  // (A phrase is matched in its folded spelling only: "Ceyhun Bayramov" does
  // not find "Jeyhun Bayramov".)
  EXPECT_TRUE(Has(Search("\"Jeyhun Bayramov\""), "https://a.example/az/6"));
  Add("https://a.example/az/7", "az", "Bayramov Qarabağda", "Ceyhun Bayramov Qarabağa getdi.");
  EXPECT_TRUE(Has(Search("\"Bayramov Garabaghda\""), "https://a.example/az/7"));
  EXPECT_FALSE(Has(Search("\"Garabaghda Bayramov\""), "https://a.example/az/7"));
  EXPECT_FALSE(Has(Search("\"Garabagha Bayramov\""), "https://a.example/az/7"));
}

// The Latin forms are for names: a word written with a capital somewhere in
// the document gets them (in every occurrence), a word that never is does
// not (they were a fifth of the index's writing time).
TEST(LatinFormsTest, OnlyWordsCapitalisedInTheDocumentGetThem) {
  IndexedArticle a;
  a.article.url = "https://a.example/ru/9";
  a.article.language = "ru";
  a.article.title = "Переговоры в Москве";
  a.article.text = "Министр провёл переговоры. Лавров и лавров лист; переговоры шли в москве.";
  a.article.kind = PageKind::kArticle;
  auto p = PrepareDocument(a);
  ASSERT_TRUE(p.ok()) << p.status().message();
  std::set<std::string> terms(p->document.termlist_begin(), p->document.termlist_end());
  for (const char* name : {"lavrov", "moskve", "peregovory", "ministr"}) {
    EXPECT_TRUE(terms.count(name)) << name;  // capitalised somewhere (title, sentence start)
  }
  for (const char* word : {"provel", "list", "shli"}) {
    EXPECT_FALSE(terms.count(word)) << word;  // never capitalised
  }

  a.article.language = "az";
  a.article.title = "Görüş";
  a.article.text = "Ceyhun Bayramov Şuşada xalq ilə görüşdü. Şuşa şəhəri.";
  p = PrepareDocument(a);
  ASSERT_TRUE(p.ok()) << p.status().message();
  terms = {p->document.termlist_begin(), p->document.termlist_end()};
  for (const char* name : {"jeyhun", "shushada", "shusha", "gorush"})
    EXPECT_TRUE(terms.count(name)) << name;
  for (const char* word : {"khalg", "shahari", "gorushdu"}) EXPECT_FALSE(terms.count(word)) << word;
}

// Pair words add the XPAIR terms of adjacent body words whose positional
// forms (folded, Latin) are both pair words, and change no other term, wdf
// or position: the title's S terms and the body's are as without them.
TEST(PairTermsTest, OnlyPairTermsAreAddedForAdjacentPairWords) {
  const IndexedArticle a = ArticleOf("https://a.example/ru/2", "ru", "Министр Сергей Лавров",
                                     "Министр иностранных дел Сергей Лавров. Лавров и министр.");
  PrepareOptions with;
  with.pair_words = std::make_shared<const PairWords>(
      std::vector<std::string>{"министр", "сергей", "sergey", "lavrov", "иностранных"});
  auto plain = PrepareDocument(a);
  auto paired = PrepareDocument(a, with);
  ASSERT_TRUE(plain.ok() && paired.ok());
  // term -> (wdf, positions)
  auto terms = [](const Xapian::Document& d, bool pairs) {
    std::map<std::string, std::pair<Xapian::termcount, std::vector<Xapian::termpos>>> out;
    for (auto t = d.termlist_begin(); t != d.termlist_end(); ++t) {
      if ((*t).starts_with(schema::kPrefixPair) != pairs) continue;
      out[*t] = {t.get_wdf(), {t.positionlist_begin(), t.positionlist_end()}};
    }
    return out;
  };
  EXPECT_EQ(terms(plain->document, false), terms(paired->document, false));
  EXPECT_TRUE(terms(plain->document, true).empty());
  std::set<std::string> pairs;
  for (const auto& [t, v] : terms(paired->document, true)) pairs.insert(t);
  const std::set<std::string> expected = {
      schema::PairTerm("министр", "сергей"), schema::PairTerm("министр", "sergey"),
      schema::PairTerm("министр", "иностранных"), schema::PairTerm("сергей", "lavrov"),
      schema::PairTerm("sergey", "lavrov"),
      // adjacent positions across a full stop, as phrases see them
      schema::PairTerm("lavrov", "lavrov")};
  EXPECT_EQ(pairs, expected);  // not "lavrov и", nor across the title and the text
}

// Phrases and NEAR match the diacritic-folded forms, typed with or without
// the letters; the exact form of a word that has a folded one keeps no
// positions (the folded form carries them).
TEST_F(RetrievalTest, PhrasesMatchWithOrWithoutDiacritics) {
  for (const char* q :
       {"\"Xarici İşlər Nazirliyi\"", "\"xarici isler nazirliyi\"", "\"AZƏRBAYCAN RESPUBLİKASI\"",
        "Azərbaycan NEAR Respublikası", "title:\"xarici isler\"", "\"Ёлка стояла\""}) {
    auto hits = Search(q);
    EXPECT_TRUE(Has(hits, "https://a.example/az/1") || Has(hits, "https://a.example/ru/1")) << q;
  }
  EXPECT_TRUE(Search("\"Respublikası Azərbaycan\"").empty());  // order matters
  Xapian::docid az1 = *db_.postlist_begin("azərbaycan");
  EXPECT_EQ(db_.positionlist_begin(az1, "azərbaycan"), db_.positionlist_end(az1, "azərbaycan"));
  EXPECT_NE(db_.positionlist_begin(az1, "azerbaycan"), db_.positionlist_end(az1, "azerbaycan"));
  EXPECT_NE(db_.positionlist_begin(az1, "xarici"), db_.positionlist_end(az1, "xarici"));
}

TEST_F(RetrievalTest, EnglishCapitalIStillMatches) {
  EXPECT_TRUE(Has(Search("Istanbul"), "https://a.example/en/1"));
  EXPECT_TRUE(Has(Search("ISTANBUL"), "https://a.example/en/1"));
  EXPECT_TRUE(Has(Search("İstanbul"), "https://a.example/az/3"));
  EXPECT_TRUE(Has(Search("Istanbul"), "https://a.example/az/3"));
}

TEST_F(RetrievalTest, RussianYoIsFoldedToYe) {
  EXPECT_TRUE(Has(Search("елка"), "https://a.example/ru/1"));
  EXPECT_TRUE(Has(Search("ёлка"), "https://a.example/ru/1"));
  EXPECT_TRUE(Has(Search("провел"), "https://a.example/ru/1"));
}

TEST_F(RetrievalTest, PhrasesMatchWithAndWithoutDiacritics) {
  EXPECT_TRUE(Has(Search("\"Xarici İşlər Nazirliyi\""), "https://a.example/az/1"));
  EXPECT_TRUE(Has(Search("\"xarici isler nazirliyi\""), "https://a.example/az/1"));
  EXPECT_FALSE(Has(Search("\"nazirliyi xarici\""), "https://a.example/az/1"));
}

TEST_F(RetrievalTest, TitleFieldAndLanguageFilter) {
  EXPECT_TRUE(Has(Search("title:Lavrov"), "https://a.example/en/1"));
  EXPECT_FALSE(Has(Search("title:Istanbul lang:az"), "https://a.example/en/1"));
  auto hits = Search("Lavrov", "ru");
  EXPECT_TRUE(Has(hits, "https://a.example/ru/1"));
}

// A query without a language is the per-language parses merged into one
// (shared parts read once): for every document it must match and weigh
// exactly what its language's parse, filtered to that language, does.
TEST_F(RetrievalTest, MergedQueryMatchesAndWeighsAsEachLanguagesOwnParse) {
  Add("https://a.example/de/1", "de", "Außenministerium", "Lavrov und Bayramov in Istanbul.");
  Add("https://a.example/az/4", "az", "Security talks", "Security and cooperation talks, IŞIQ.");
  Add("https://a.example/ru/2", "ru", "Security", "Security talks в Москве, Лавров.");
  Add("https://a.example/az/5", "az", "Enerji", "Energetik sahəsində əməkdaşlıq, energetika.");
  Add("https://a.example/en/3", "en", "Briefing", "Spokesperson Maria Zakharova on energetics.");
  Add("https://a.example/ru/4", "ru", "Брифинг", "Брифинг М.В.Захаровой о встрече.");
  Xapian::QueryParser qp;
  qp.set_database(db_);
  qp.set_default_op(Xapian::Query::OP_AND);
  qp.add_prefix("title", std::string(schema::kPrefixTitle));
  const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;
  for (const char* query :
       {"Lavrov", "security talks", "security -talks", "IŞIQ OR Istanbul", "Bakı OR Gəncə",
        "министерство иностранных", "\"security talks\"", "nazir* OR Лавров", "title:Security",
        "(Lavrov OR Bayramov) AND NOT Istanbul", "Azerbaycan hokumeti", "встречу", "Москве",
        "энергетика OR встречу", "Захаровой"}) {
    auto merged = ParseUserQuery(qp, query, "", flags, {"title"}, &db_);
    ASSERT_TRUE(merged.ok()) << query;
    std::map<Xapian::docid, double> want;
    for (const char* lang : {"az", "en", "ru", "de"}) {
      auto own = ParseUserQuery(qp, query, std::string_view(lang) == "de" ? "" : lang, flags);
      ASSERT_TRUE(own.ok()) << query;
      Xapian::Query filtered(Xapian::Query::OP_FILTER, *own,
                             Xapian::Query(std::string(schema::kPrefixLanguage) + lang));
      for (const auto& [did, w] : Weights(filtered)) want[did] = w;
    }
    std::map<Xapian::docid, double> got = Weights(*merged);
    ASSERT_EQ(got.size(), want.size()) << query << ": " << merged->get_description();
    for (const auto& [did, w] : want) {
      ASSERT_TRUE(got.count(did)) << query << ": doc " << did;
      EXPECT_NEAR(got[did], w, 1e-9) << query << ": doc " << did;
    }
  }
}

// "Bakı" is searched as (bakı OR baki), and both stem to "bak" in
// Azerbaijani: the posting list is read once, weighted twice, so every
// document weighs what the OR of the two leaves gives it.
TEST_F(RetrievalTest, RepeatedStemIsReadOnceAndWeighsTheSame) {
  Xapian::QueryParser qp;
  qp.set_database(db_);
  auto q = ParseUserQuery(qp, "Bakı", "az", Xapian::QueryParser::FLAG_DEFAULT);
  ASSERT_TRUE(q.ok());
  std::set<std::string> terms;
  std::size_t leaves = 0;
  for (auto t = q->get_terms_begin(); t != q->get_terms_end(); ++t, ++leaves) terms.insert(*t);
  EXPECT_EQ(leaves, terms.size()) << q->get_description();
  Xapian::Query twice(Xapian::Query::OP_OR, Xapian::Query("Zbak", 1, 1),
                      Xapian::Query("Zbak", 1, 2));
  auto want = Weights(twice);
  auto got = Weights(*q);
  ASSERT_FALSE(want.empty());
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [did, w] : want) EXPECT_NEAR(got[did], w, 1e-9) << did;
}

TEST_F(RetrievalTest, BadQueryIsAUsageError) {
  Xapian::QueryParser qp;
  auto q = ParseUserQuery(qp, "\"unbalanced", "", Xapian::QueryParser::FLAG_DEFAULT);
  // Xapian accepts an unbalanced quote leniently; a bad bracket is not fatal either.
  EXPECT_TRUE(q.ok());
  auto empty = ParseUserQuery(qp, "   ", "", Xapian::QueryParser::FLAG_DEFAULT);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST_F(RetrievalTest, SpellingSuggestion) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "pressarc-spell-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  {
    Xapian::WritableDatabase db(tmpl + "/db", Xapian::DB_CREATE_OR_OPEN);
    for (const char* w : {"nazirlik", "azərbaycan", "peyvənd"}) db.add_spelling(w, 3);
    Xapian::Document d;
    d.add_term("nazirlik");
    db.add_document(d);
    db.commit();
    EXPECT_EQ(SuggestSpelling(db, "nazirlikk", "az"), "nazirlik");
    EXPECT_EQ(SuggestSpelling(db, "Nazirlik peyvend", "az"), "Nazirlik peyvənd");
    EXPECT_EQ(SuggestSpelling(db, "nazirlik", "az"), "");
    // A form whose stem the index has is no misspelling, though the texts
    // never write that form (nazirliyin, naziri: no "did you mean naziri").
    Xapian::Document d2;
    d2.add_term("nazirliyin");
    d2.add_term(std::string(schema::kPrefixStem) + StemmerFor("az")("nazirliyin"));
    db.add_document(d2);
    db.add_spelling("naziri", 50);
    db.commit();
    EXPECT_EQ(SuggestSpelling(db, "nazirliyi", "az"), "");
    EXPECT_EQ(SuggestSpelling(db, "nazirliyi", ""), "");
    EXPECT_EQ(SuggestSpelling(db, "nazirlikk", "az"), "nazirlik");
  }
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace pressarc
