// pressarc's Azerbaijani stemmer: word forms → stems, table-driven.
// Each group lists inflected forms (plural, possessive, case suffixes with
// vowel harmony and buffer consonants n/s/y) that must share one stem.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "indexer/indexer.h"

namespace pressarc {
namespace {

struct StemGroup {
  const char* stem;
  std::vector<const char*> forms;
};

const std::vector<StemGroup>& Groups() {
  static const std::vector<StemGroup> groups = {
      // -lik noun: k→y before a vowel; plural + possessive + case stacks.
      {"nazirlik",
       {"nazirlik",       "nazirliyi",    "nazirliyin",     "nazirliyə",     "nazirlikdə",
        "nazirlikdən",    "nazirliklər",  "nazirliklərin",  "nazirliklərə",  "nazirliklərdə",
        "nazirliklərdən", "nazirlikləri", "nazirliyində",   "nazirliyindən", "nazirliyinin",
        "nazirliyinə",    "nazirliyimiz", "nazirliyimizin", "nazirlikdəki",  "nazirliklərindən"}},
      {"azərbayc",
       {"azərbaycan", "azərbaycanın", "azərbaycana", "azərbaycanda", "azərbaycandan", "azərbaycanı",
        "azərbaycandakı"}},
      // Typed without diacritics: the same layers, loose harmony.
      {"azerbayc", {"azerbaycan", "azerbaycanin", "azerbaycanda", "azerbaycana", "azerbaycani"}},
      // Vowel-final stem: buffer s (3sg possessive), n (after possessive), y (dative).
      {"respublik",
       {"respublika", "respublikası", "respublikasının", "respublikasına", "respublikasında",
        "respublikasından", "respublikanın", "respublikada", "respublikaya", "respublikaları"}},
      {"prezident",
       {"prezident", "prezidentin", "prezidentə", "prezidenti", "prezidentdə", "prezidentdən",
        "prezidentlər", "prezidentlərin", "prezidentinin", "prezidentimiz"}},
      // Surnames.
      {"bayramov", {"bayramov", "bayramovun", "bayramova", "bayramovu", "bayramovdan"}},
      {"əliyev", {"əliyev", "əliyevin", "əliyevə", "əliyevi", "əliyevdən"}},
      {"lavrov", {"lavrov", "lavrovun", "lavrova", "lavrovu"}},
      {"ölk",
       {"ölkə", "ölkənin", "ölkəyə", "ölkədə", "ölkədən", "ölkələr", "ölkələrin", "ölkələrə",
        "ölkələrdə", "ölkəni", "ölkəmiz", "ölkəmizin", "ölkəmizdə", "ölkələrimiz"}},
      {"iş", {"işlər", "işləri", "işlərin", "işlərdə", "işlərə"}},
      {"ev", {"evdə", "evdən", "evlər", "evlərdə"}},
      {"kitab",
       {"kitab", "kitabı", "kitabın", "kitaba", "kitabda", "kitabdan", "kitablar", "kitabların",
        "kitablarda", "kitablarımız", "kitabımız"}},
      {"bak", {"bakı", "bakının", "bakıya", "bakıda", "bakıdan", "bakını", "bakıdakı"}},
      // A city whose name ends like a dative keeps it (Gəncə is not gənc,
      // "young"); and the adjective's own forms.
      {"gəncə", {"gəncə", "gəncənin", "gəncəyə", "gəncədə", "gəncədən", "gəncədəki"}},
      {"gence", {"gence", "gencenin", "genceye", "gencede"}},
      {"gənc", {"gənc", "gəncin", "gənclər", "gəncləri", "gənclərin", "gənclərə"}},
      {"ağsu", {"ağsu", "ağsuda", "ağsunun"}},
      {"bərdə", {"bərdə", "bərdədə", "bərdənin"}},
      // q→ğ before a vowel.
      {"torpaq",
       {"torpaq", "torpağı", "torpağın", "torpağa", "torpaqda", "torpaqlar", "torpaqlarımızı",
        "torpaqlarımızın"}},
      {"qarabaq", {"qarabağ", "qarabağın", "qarabağa", "qarabağda", "qarabağdan"}},
      {"üstünlük", {"üstünlük", "üstünlüyü", "üstünlüyümüzü", "üstünlükdə"}},
      {"ail", {"ailə", "ailənin", "ailəyə", "ailələr", "ailələrimizin", "ailəsi", "ailəsinin"}},
      {"dövlət",
       {"dövlət", "dövlətin", "dövlətə", "dövlətdə", "dövlətlər", "dövlətlərin", "dövlətimiz"}},
      {"görüş", {"görüş", "görüşü", "görüşün", "görüşə", "görüşdə", "görüşlər", "görüşlərdə"}},
      {"moskv", {"moskva", "moskvaya", "moskvada", "moskvanın"}},
      // -iya loanwords: the y is part of the stem, not a dative buffer.
      {"rusiy", {"rusiya", "rusiyanın", "rusiyaya", "rusiyada", "rusiyadan"}},
      {"türkiy", {"türkiyə", "türkiyənin", "türkiyəyə", "türkiyədə"}},
      {"pandemiy", {"pandemiya", "pandemiyası", "pandemiyanın", "pandemiyada"}},
      {"məsəl", {"məsələ", "məsələnin", "məsələyə", "məsələlər", "məsələlərin", "məsələdə"}},
      {"əməkdaşlıq",
       {"əməkdaşlıq", "əməkdaşlığı", "əməkdaşlığın", "əməkdaşlığa", "əməkdaşlıqda",
        "əməkdaşlıqdan"}},
      {"sülh", {"sülh", "sülhün", "sülhə", "sülhdə"}},
      {"hökumət", {"hökumət", "hökumətin", "hökumətə", "hökumətdə", "hökumətlər"}},
      {"səfir", {"səfir", "səfirin", "səfirə", "səfiri", "səfirlər", "səfirlərin"}},
      {"səfirlik", {"səfirlik", "səfirliyi", "səfirliyində", "səfirliyinin", "səfirlikdə"}},
      {"ermənist", {"ermənistan", "ermənistanın", "ermənistana", "ermənistanda"}},
      {"təcavüz", {"təcavüz", "təcavüzü", "təcavüzün"}},
      {"tədbir", {"tədbir", "tədbirin", "tədbirdə", "tədbirlər", "tədbirlərdə"}},
      {"sah", {"sahə", "sahəsi", "sahəsində", "sahələrdə"}},
      {"naxçıv", {"naxçıvan", "naxçıvanın", "naxçıvanda"}},
      // X+V+n+ın and X+V+nın are one parse away: a final -Vn is dropped.
      {"ira", {"iran", "iranın", "irana", "iranda"}},
      {"vət", {"vətən", "vətənin", "vətənə", "vətəndə"}},
      // Copula -dır.
      {"vacib", {"vacib", "vacibdir"}},
  };
  return groups;
}

TEST(AzerbaijaniStemmerTest, InflectedFormsShareTheirStem) {
  std::size_t forms = 0;
  for (const auto& group : Groups()) {
    for (const char* form : group.forms) {
      ++forms;
      EXPECT_EQ(StemAzerbaijani(form), group.stem) << "form: " << form;
    }
  }
  EXPECT_GE(forms, 150u);
}

TEST(AzerbaijaniStemmerTest, ShortWordsAndFunctionWordsAreNotStripped) {
  const std::pair<const char*, const char*> cases[] = {
      {"ada", "ada"},     {"ana", "ana"},         {"ev", "ev"},     {"su", "su"},
      {"adı", "adı"},     {"ilə", "ilə"},         {"üçün", "üçün"}, {"nazir", "nazir"},
      {"xəbər", "xəbər"}, {"mətbuat", "mətbuat"}, {"görə", "görə"}, {"kimi", "kimi"},
      {"2023", "2023"},   {"covid19", "covid19"},
  };
  for (const auto& [word, want] : cases) EXPECT_EQ(StemAzerbaijani(word), want) << word;
}

TEST(AzerbaijaniStemmerTest, EveryStepKeepsAVowelAndTwoLetters) {
  for (const char* w : {"da", "də", "lar", "ların", "dan", "ı", "nın", "ya"}) {
    std::string s = StemAzerbaijani(w);
    EXPECT_FALSE(s.empty()) << w;
  }
  EXPECT_EQ(StemAzerbaijani("suda"), "su");
  EXPECT_EQ(StemAzerbaijani("sudan"), "su");
}

TEST(AzerbaijaniStemmerTest, IsTheAzStemmerThroughStemmerFor) {
  Xapian::Stem az = StemmerFor("az");
  EXPECT_EQ(az("nazirliklərindən"), "nazirlik");
  EXPECT_EQ(az("bayramovun"), "bayramov");
  // Cyrillic words get Snowball Russian in every language.
  EXPECT_EQ(az("министерства"), Xapian::Stem("russian")("министерства"));
  EXPECT_EQ(StemmerFor("en")("ministries"), "ministri");
  EXPECT_EQ(StemmerFor("")("ministries"), "ministries");
}

// Snowball Russian splits the -ей/-ея words in two stems (Сергей серг,
// Сергея серге); through StemmerFor every form of them agrees.
TEST(RussianStemmerTest, AllFormsOfEyWordsShareTheirStem) {
  const std::vector<std::vector<const char*>> groups = {
      {"сергей", "сергея", "сергею", "сергеем", "сергее"},
      {"алексей", "алексея", "алексею", "алексеем"},
      {"андрей", "андрея", "андрею", "андреем"},
      {"музей", "музея", "музею", "музеем", "музеи"},
      {"корея", "кореи", "корею", "кореей"},
      {"идея", "идеи", "идею", "идей", "идее"},
  };
  for (const char* lang : {"ru", "az", "en"}) {
    Xapian::Stem stem = StemmerFor(lang);
    for (const auto& g : groups) {
      for (const char* form : g) EXPECT_EQ(stem(form), stem(g[0])) << lang << " " << form;
    }
  }
  // Other stems are Snowball's own.
  for (const char* w : {"министерства", "переговоры", "неделя", "кофе", "линией"}) {
    EXPECT_EQ(StemmerFor("ru")(w), Xapian::Stem("russian")(w)) << w;
  }
}

TEST(AzerbaijaniStemmerTest, NeverCrashesOnOddInput) {
  for (const char* w : {"", "ə", "ğğğğ", "aaaa", "lərlərlərlər", "\xff\xfe", "dadadada", "ıııı"}) {
    (void)StemAzerbaijani(w);
  }
  SUCCEED();
}

}  // namespace
}  // namespace pressarc
