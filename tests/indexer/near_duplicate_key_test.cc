// The near-duplicate key: a republished copy of a release shares the key of
// the original whatever its attribution, dateline, source line and
// paragraphs; two different releases never do.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "indexer/analysis_internal.h"
#include "indexer/indexer.h"

namespace pressarc {
namespace {

// A release as sentences, and ways of laying them out.
using Sentences = std::vector<std::string>;

// Sentences with `breaks` between them: `breaks[i]` follows sentence i.
std::string Layout(const Sentences& s, const std::vector<std::string>& breaks) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0) out += i - 1 < breaks.size() ? breaks[i - 1] : " ";
    out += s[i];
  }
  return out;
}

// The sentences, `prefix` before the first, `suffix` after the last.
std::string Text(const Sentences& s, const std::vector<std::string>& breaks,
                 const std::string& prefix = "", const std::string& suffix = "") {
  return prefix + Layout(s, breaks) + suffix;
}

const Sentences kAz = {
    "12 mart 2024-cü il tarixində Azərbaycan Respublikasının Xarici İşlər Naziri Ceyhun "
    "Bayramov Bakıda səfərdə olan Gürcüstanın Xarici İşlər Naziri İlya Darçiaşvili ilə görüşüb.",
    "Görüşdə Azərbaycan ilə Gürcüstan arasında strateji tərəfdaşlıq münasibətlərinin hazırkı "
    "vəziyyəti və gələcək perspektivləri müzakirə olunub.",
    "Nazir Ceyhun Bayramov iki ölkə arasında nəqliyyat, enerji və ticarət sahələrində "
    "əməkdaşlığın uğurla inkişaf etdiyini məmnunluqla qeyd edib.",
    "Tərəflər Cənubi Qafqazda sülh və sabitliyin möhkəmləndirilməsi, regional "
    "kommunikasiyaların açılması məsələləri ətrafında fikir mübadiləsi aparıblar.",
    "Gürcüstan naziri Azərbaycanın regionda həyata keçirdiyi bərpa və yenidənqurma işlərini "
    "yüksək qiymətləndirib.",
    "Görüşün sonunda tərəflər qarşılıqlı maraq doğuran digər məsələləri də müzakirə ediblər.",
};
// The ministry's four paragraphs.
const std::vector<std::string> kFourParagraphs = {"\n\n", " ", "\n\n", "\n\n", " "};

const Sentences kRu = {
    "12 марта 2024 года Министр иностранных дел Азербайджанской Республики Джейхун Байрамов "
    "встретился в Баку с Министром иностранных дел Грузии Ильей Дарчиашвили.",
    "В ходе встречи обсуждены текущее состояние и перспективы стратегического партнерства "
    "между Азербайджаном и Грузией.",
    "Министр Джейхун Байрамов с удовлетворением отметил успешное развитие сотрудничества двух "
    "стран в сферах транспорта, энергетики и торговли.",
    "Стороны обменялись мнениями по вопросам укрепления мира и стабильности на Южном Кавказе и "
    "открытия региональных коммуникаций.",
};

const Sentences kEn = {
    "On 12 March 2024, Minister of Foreign Affairs of the Republic of Azerbaijan Jeyhun Bayramov "
    "met in Baku with Minister of Foreign Affairs of Georgia Ilia Darchiashvili.",
    "The sides discussed the current state and prospects of the strategic partnership between "
    "Azerbaijan and Georgia.",
    "Minister Jeyhun Bayramov noted with satisfaction the successful development of cooperation "
    "in transport, energy and trade.",
    "The sides also exchanged views on strengthening peace and stability in the South Caucasus "
    "and opening regional communications.",
};
const std::vector<std::string> kParagraphs = {"\n\n", "\n\n", "\n\n"};

struct CopyCase {
  const char* name;
  std::string original;
  std::string copy;
};

void ExpectSameKey(const std::vector<CopyCase>& cases) {
  for (const auto& c : cases) {
    const std::string key = NearDuplicateKey(c.original);
    EXPECT_EQ(key.size(), 16u) << c.name;
    EXPECT_EQ(NearDuplicateKey(c.copy), key) << c.name << "\n" << c.copy;
  }
}

void ExpectDifferentKeys(const std::vector<CopyCase>& cases) {
  for (const auto& c : cases) {
    EXPECT_NE(NearDuplicateKey(c.copy), NearDuplicateKey(c.original)) << c.name << "\n"
                                                                      << c.original << "\n---\n"
                                                                      << c.copy;
  }
}

TEST(NearDuplicateKeyTest, AzerbaijaniAttributionsAndDatelinesAreNotPartOfTheKey) {
  const std::string original = Text(kAz, kFourParagraphs);
  auto copy = [&](const std::string& prefix, const std::string& suffix = "") {
    return Text(kAz, kFourParagraphs, prefix, suffix);
  };
  ExpectSameKey({
      {"APA-nın məlumatına görə", original, copy("APA-nın məlumatına görə, ")},
      {"Report-un məlumatına görə", original, copy("Report-un məlumatına görə, ")},
      {"Trend-in məlumatına görə", original, copy("Trend-in məlumatına görə, ")},
      {"verdiyi məlumata görə", original,
       copy("Xarici İşlər Nazirliyinin mətbuat xidmətindən APA-ya verilən məlumata görə, ")},
      {"AZƏRTAC xəbər verir ki", original, copy("AZƏRTAC xəbər verir ki, ")},
      {"xəbər verir ki without a comma", original, copy("AZƏRTAC xəbər verir ki ")},
      {"istinadən xəbər verir ki", original,
       copy("Metbuat.az “Report”a istinadən xəbər verir ki, ")},
      {"dateline line", original, copy("Bakı, 12 mart, AZƏRTAC\n")},
      {"dateline sentence", original, copy("Bakı, 12 mart, AZƏRTAC. ")},
      {"dateline and attribution", original, copy("Bakı, 12 mart, AZƏRTAC xəbər verir ki, ")},
      {"dateline with a dash", original, copy("Bakı, 12 mart (APA) – ")},
      {"agency with a slash", original, copy("Bakı. 12 mart. REPORT.AZ/ ")},
      {"attribution paragraph", Text(kAz, {"\n\n", " ", "\n\n", "\n\n", " "}),
       Text(kAz, {"\n\nMetbuat.az xəbər verir ki, bu barədə Xarici İşlər Nazirliyinin mətbuat "
                  "xidmətindən məlumat verilib.\n\n",
                  " ", "\n\n", "\n\n", " "})},
      {"source line", original, copy("", "\n\nMənbə: mfa.gov.az")},
      {"long source line", original,
       copy("", "\nMənbə: Azərbaycan Respublikası Xarici İşlər Nazirliyinin rəsmi internet saytı")},
      {"share buttons", original, copy("", "\n\nPaylaş\n\nFacebook Twitter WhatsApp")},
  });
}

TEST(NearDuplicateKeyTest, RussianAndEnglishAttributionsAndDatelinesAreNotPartOfTheKey) {
  const std::string ru = Text(kRu, kParagraphs);
  const std::string en = Text(kEn, kParagraphs);
  Sentences ru_suffix = kRu;
  ru_suffix[0].back() = ',';
  ru_suffix[0] += " сообщает ТАСС.";
  Sentences en_suffix = kEn;
  en_suffix[1].back() = ',';
  en_suffix[1] += " Trend reports.";
  ExpectSameKey({
      {"Как сообщает", ru, Text(kRu, kParagraphs, "Как сообщает Report, ")},
      {"сообщает, что", ru, Text(kRu, kParagraphs, "Trend сообщает, что ")},
      {"передает со ссылкой на", ru,
       Text(kRu, kParagraphs, "Report передает со ссылкой на пресс-службу МИД, что ")},
      {"по данным", ru, Text(kRu, kParagraphs, "По данным АПА, ")},
      {"сообщает ТАСС at the end", ru, Text(ru_suffix, kParagraphs)},
      {"dateline", ru, Text(kRu, kParagraphs, "Баку, 12 марта – АЗЕРТАДЖ. ")},
      {"dateline with slashes", ru, Text(kRu, kParagraphs, "Баку. 12 марта. /Тренд/. ")},
      {"Об этом сообщает", ru,
       Text(kRu, kParagraphs, "", "\nОб этом сообщает пресс-служба МИД Азербайджана.")},
      {"according to", en, Text(kEn, kParagraphs, "According to APA, ")},
      {"dateline (Report)", en, Text(kEn, kParagraphs, "Baku, March 12 (Report) ")},
      {"informs citing", en,
       Text(kEn, kParagraphs, "Report informs citing the ministry's press service that ")},
      {"reports at the end", en, Text(en_suffix, kParagraphs)},
      {"Source line", en, Text(kEn, kParagraphs, "", "\n\nSource: mfa.gov.az")},
      {"This was reported", en,
       Text(kEn, kParagraphs, "", "\n\nThis was reported by the press service of the Ministry.")},
  });
}

TEST(NearDuplicateKeyTest, ParagraphBreaksDoNotChangeTheKey) {
  const std::string original = Text(kAz, kFourParagraphs);
  ExpectSameKey({
      {"two paragraphs", original, Text(kAz, {" ", " ", "\n\n", " ", " "})},
      {"a paragraph per sentence", original, Text(kAz, {"\n\n", "\n\n", "\n\n", "\n\n", "\n\n"})},
      {"one paragraph", original, Text(kAz, {" ", " ", " ", " ", " "})},
      {"line breaks and spaces", original, Text(kAz, {"\n", " \n ", "\r\n", "\n \n", " \n"})},
      {"two paragraphs and an attribution", original,
       Text(kAz, {" ", " ", "\n\n", " ", " "}, "APA-nın məlumatına görə, ")},
      {"ru in one paragraph", Text(kRu, kParagraphs), Text(kRu, {" ", " ", " "})},
  });
  // Every layout of the sentences.
  const std::string key = NearDuplicateKey(original);
  for (unsigned mask = 0; mask < 32; ++mask) {
    std::vector<std::string> breaks;
    for (unsigned i = 0; i < 5; ++i) breaks.push_back(mask & (1u << i) ? "\n\n" : " ");
    EXPECT_EQ(NearDuplicateKey(Text(kAz, breaks)), key) << mask;
  }
}

TEST(NearDuplicateKeyTest, DifferentReleasesNeverShareTheKey) {
  const std::string opening =
      "Azərbaycan Respublikası Xarici İşlər Nazirliyi beynəlxalq hüququn norma və prinsiplərinə, "
      "o cümlədən BMT Nizamnaməsinə sadiqliyini bir daha təsdiq edir.";
  const std::string first_paragraph =
      "Azərbaycan Respublikasının Xarici İşlər Naziri Ceyhun Bayramov bu gün Brüsseldə keçirilən "
      "beynəlxalq konfransın işində iştirak edib və bir sıra ikitərəfli görüşlər keçirib. "
      "Konfransda regional təhlükəsizlik, enerji təhlükəsizliyi və nəqliyyat dəhlizlərinin "
      "inkişafı ilə bağlı geniş müzakirələr aparılıb. "
      "Nazir konfransın plenar iclasında çıxış edərək Azərbaycanın sülh gündəliyi barədə "
      "iştirakçılara ətraflı məlumat verib.";
  // The same boilerplate closing sentences as most meeting releases.
  const std::string closing =
      " Tərəflər qarşılıqlı maraq doğuran digər məsələlər ətrafında da fikir mübadiləsi "
      "aparıblar.";
  ExpectDifferentKeys({
      {"a shared boilerplate opening sentence",
       opening + "\n\nNazirlik Ermənistanın sərhəddə törətdiyi son təxribatı qətiyyətlə pisləyir "
                 "və bunu sülh prosesinə zərbə hesab edir.",
       opening + "\n\nNazirlik Avropa Parlamentinin qəbul etdiyi qətnaməni qərəzli və reallığı "
                 "əks etdirməyən sənəd kimi qiymətləndirir."},
      {"the same first paragraph",
       first_paragraph +
           "\n\nBayramov Belçikanın xarici işlər naziri ilə görüşüb və iki ölkə arasında "
           "siyasi dialoqu müzakirə edib." +
           closing,
       first_paragraph +
           "\n\nBayramov Avropa İttifaqının Xarici Əlaqələr Xidmətinin rəhbəri ilə görüşüb və "
           "viza rejiminin sadələşdirilməsini müzakirə edib." +
           closing},
      {"the same first paragraph, the rest not yet published", first_paragraph,
       first_paragraph + "\n\nBayramov Belçikanın xarici işlər naziri ilə görüşüb və iki ölkə "
                         "arasında siyasi dialoqu müzakirə edib."},
      {"another meeting with the same closing", Text(kAz, kFourParagraphs),
       "12 mart 2024-cü il tarixində Azərbaycan Respublikasının Xarici İşlər Naziri Ceyhun "
       "Bayramov Bakıda səfərdə olan Ermənistanın Xarici İşlər Naziri Ararat Mirzoyan ilə "
       "görüşüb.\n\n" +
           Layout(Sentences(kAz.begin() + 1, kAz.end()), {" ", "\n\n", "\n\n", " "})},
      {"a translation", Text(kEn, kParagraphs), Text(kRu, kParagraphs)},
  });
}

TEST(NearDuplicateKeyTest, ShortTextsUseAllTheirWords) {
  EXPECT_EQ(NearDuplicateKey(""), "");
  EXPECT_EQ(NearDuplicateKey(" \n\n … — "), "");
  EXPECT_EQ(NearDuplicateKey("Lavrov gəldi.").size(), 16u);
  ExpectSameKey({
      {"attribution", "Lavrov Bakıya gəldi.", "APA-nın məlumatına görə, Lavrov Bakıya gəldi."},
      {"dateline", "Lavrov Bakıya gəldi.", "Bakı, 12 mart, AZƏRTAC. Lavrov Bakıya gəldi."},
      {"lines", "Lavrov Bakıya gəldi. Görüş başladı.", "Lavrov Bakıya gəldi.\nGörüş başladı."},
  });
  ExpectDifferentKeys({
      {"one word", "Lavrov Bakıya gəldi.", "Lavrov Bakıdan getdi."},
      {"a shorter text", "Lavrov Bakıya gəldi.", "Lavrov Bakıya gəldi. Görüş başladı."},
      {"same attribution", "APA-nın məlumatına görə, Lavrov gəldi.",
       "APA-nın məlumatına görə, Bayramov getdi."},
      {"nothing but a dateline", "Bakı, 12 mart, AZƏRTAC.", "Bakı, 13 mart, AZƏRTAC."},
      {"nothing but a source line", "Mənbə: APA", "Mənbə: Report"},
  });
}

// Fewer than four sentences of 8 words: all sentences of 2 or more words make
// the key, so that notices differing in a short sentence never fold.
TEST(NearDuplicateKeyTest, TextsWithFewLongSentencesUseAllTheirSentences) {
  const std::string hotline =
      "Təcili konsulluq məsələləri ilə bağlı vətəndaşlar səfirliyin qaynar xəttinə gecə-gündüz "
      "müraciət edə bilərlər.";
  std::string talks;
  for (int i = 0; i < 10; ++i) talks += "Tərəflər regional məsələləri müzakirə ediblər. ";
  const std::string two_long = kAz[0] + "\n\n" + kAz[3] + " Görüş başa çatıb.";
  ExpectDifferentKeys({
      {"a short sentence and the same long one", "Səfirlik 8 martda bağlı olacaq.\n\n" + hotline,
       "Səfirlik 21 martda bağlı olacaq.\n\n" + hotline},
      {"one short sentence more", "Lavrov Bakıya gəlib. " + hotline,
       "Lavrov Bakıya gəlib. Lavrov danışıb. " + hotline},
      {"many short sentences, one of them different", talks + "Nazir Lavrov Bakıya gəlib. " + talks,
       talks + "Nazir Bayramov Parisə gedib. " + talks},
  });
  ExpectSameKey({
      {"share button", two_long, two_long + "\n\nPaylaş"},
      {"attribution and source line", two_long,
       "APA-nın məlumatına görə, " + two_long + "\nMənbə: mfa.gov.az"},
      {"one paragraph", two_long, kAz[0] + " " + kAz[3] + "\nGörüş başa çatıb."},
  });
}

TEST(NearDuplicateKeyTest, RepublishedCopyWithAttributionSharesTheKey) {
  std::string original =
      "Azərbaycan Respublikasının Xarici İşlər Naziri Ceyhun Bayramov Rusiya "
      "Federasiyasının "
      "Xarici İşlər Naziri Sergey Lavrov ilə görüşüb.\n\n"
      "Görüşdə iki ölkə arasında əməkdaşlığın gündəliyində duran məsələlər, regional "
      "təhlükəsizlik "
      "və sülh prosesi müzakirə olunub.\n\n"
      "Tərəflər gələcək görüşlərin tarixləri barədə razılığa gəliblər və əlaqələrin "
      "inkişafını "
      "qeyd ediblər.";
  std::string copy =
      "Metbuat.az xəbər verir ki, Azərbaycan Respublikasının Xarici İşlər Naziri Ceyhun "
      "Bayramov "
      "Rusiya Federasiyasının Xarici İşlər Naziri Sergey Lavrov ilə görüşüb.\n\n"
      "Görüşdə iki ölkə arasında “əməkdaşlığın” gündəliyində duran məsələlər, regional "
      "təhlükəsizlik və sülh prosesi müzakirə olunub.\n\n"
      "Tərəflər gələcək görüşlərin tarixləri barədə razılığa gəliblər və əlaqələrin "
      "inkişafını "
      "qeyd ediblər.\n\nPaylaş";
  std::string other =
      "Nazirlik yeni səfirlər barədə məlumat yayıb və onların təyinatı ilə bağlı sərəncam "
      "imzalanıb və qüvvəyə minib.\n\nDigər məlumatlar sonra veriləcək və ictimaiyyətə "
      "açıqlanacaq.";
  EXPECT_EQ(NearDuplicateKey(original), NearDuplicateKey(copy));
  EXPECT_NE(NearDuplicateKey(original), NearDuplicateKey(other));
}

// PrepareDocument makes the key from the text as it folds it for its terms
// (Turkic I and İ in "az"): the same key as from the original text.
TEST(NearDuplicateKeyOfCaseFolded, SameKeyFromTheTextFoldedInAnyLanguage) {
  const std::vector<std::string> texts = {
      "İlham Əliyev İSTANBULDA Ilham Aliyev ilə görüşüb. Bakı, 12 mart, AZƏRTAC. "
      "Iki ölkə arasında İqtisadi əməkdaşlıq məsələləri müzakirə olunub və razılaşma "
      "imzalanıb.",
      "Mi\xCC\x87nistry and MINISTRY of Foreign Affairs IRAN. The sides discussed the "
      "İstanbul process in Baku, and signed an agreement on energy and transport.",
      "Сергей ЛАВРОВ и Джейхун Байрамов обсудили сотрудничество в Баку. Стороны "
      "подписали соглашение о развитии экономического сотрудничества."};
  for (const auto& text : texts) {
    for (const char* lang : {"az", "tr", "en", "ru", ""}) {
      EXPECT_EQ(internal::NearDuplicateKeyOfCaseFolded(FoldCase(text, lang)),
                NearDuplicateKey(text))
          << lang << ": " << text;
    }
  }
}

}  // namespace
}  // namespace pressarc
