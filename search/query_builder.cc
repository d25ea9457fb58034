#include "search/query_builder.h"

#include <xapian/unicode.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "config/ascii.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "parser/parser.h"

namespace pressarc::search {

namespace {

bool IsLeapYear(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeapYear(y)) ? 29 : kDays[m - 1];
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<int> ParseIsoDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  std::string_view y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return std::nullopt;
  int yi = ToInt(y), mi = ToInt(m), di = ToInt(d);
  if (yi < 1000 || mi < 1 || mi > 12 || di < 1 || di > DaysInMonth(yi, mi)) return std::nullopt;
  return yi * 10000 + mi * 100 + di;
}

namespace internal {

std::optional<int> ParseDayBound(std::string_view text, bool upper, bool* impossible) {
  *impossible = false;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dash = text.find('-', start);
    parts.push_back(text.substr(start, dash == std::string_view::npos ? text.npos : dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  // YYYYMMDD (Omega's form) is accepted too.
  if (parts.size() == 1 && parts[0].size() == 8 && AllDigits(parts[0])) {
    parts = {text.substr(0, 4), text.substr(4, 2), text.substr(6, 2)};
  }
  if (parts.size() > 3 || parts[0].size() != 4) return std::nullopt;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!AllDigits(parts[i]) || (i > 0 && parts[i].size() > 2)) return std::nullopt;
  }
  int y = ToInt(parts[0]);
  int m = parts.size() > 1 ? ToInt(parts[1]) : (upper ? 12 : 1);
  if (y < 1000 || m < 1 || m > 12) {
    *impossible = true;
    return std::nullopt;
  }
  int d = parts.size() > 2 ? ToInt(parts[2]) : (upper ? DaysInMonth(y, m) : 1);
  if (d < 1 || d > DaysInMonth(y, m)) {
    *impossible = true;
    return std::nullopt;
  }
  return y * 10000 + m * 100 + d;
}

std::string DayValue(int yyyymmdd) {
  return Xapian::sortable_serialise(yyyymmdd);
}

namespace {

// Adds the date terms covering the days [lo, hi] (YYYYMMDD) to *terms:
// whole years as Y terms, whole months as M terms, the other days as D terms.
void CoverDays(DateTermCache& dates, int lo, int hi, std::vector<Xapian::Query>* terms) {
  const std::string year(schema::kPrefixYear), month(schema::kPrefixMonth), day(schema::kPrefixDay);
  for (const auto& [y, y_term] : dates.Terms(year, "", 4, lo / 10000, hi / 10000)) {
    if (lo <= y * 10000 + 101 && hi >= y * 10000 + 1231) {
      terms->emplace_back(y_term);
      continue;
    }
    for (const auto& [m, m_term] : dates.Terms(month, std::to_string(y), 6, lo / 100, hi / 100)) {
      if (m % 100 < 1 || m % 100 > 12) continue;  // not a month: no day of the range
      if (lo <= m * 100 + 1 && hi >= m * 100 + DaysInMonth(y, m % 100)) {
        terms->emplace_back(m_term);
        continue;
      }
      for (const auto& entry : dates.Terms(day, std::to_string(m), 8, lo, hi)) {
        terms->emplace_back(entry.second);
      }
    }
  }
}

}  // namespace

int DateTermNumber(std::string_view term, std::size_t prefix) {
  const std::string_view n = term.substr(std::min(prefix, term.size()));
  if (n.empty() || n.size() > 8 || !AllDigits(n)) return -1;
  return ToInt(n);
}

const std::vector<DateTermCache::Term>& DateTermCache::Read(const std::string& prefix,
                                                            const std::string& lead) {
  const std::string start = prefix + lead;
  auto [it, added] = read_.try_emplace(start);
  if (!added || db_ == nullptr) return it->second;
  // Every term of the prefix already read: those of the lead among them.
  if (auto whole = read_.find(prefix); !lead.empty() && whole != read_.end()) {
    for (const Term& t : whole->second) {
      if (t.term.compare(0, start.size(), start) == 0) it->second.push_back(t);
    }
    return it->second;
  }
  for (auto t = db_->allterms_begin(start); t != db_->allterms_end(start); ++t) {
    std::string term = *t;
    const int n = DateTermNumber(term, prefix.size());
    if (n >= 0) it->second.push_back(Term{n, std::move(term), t.get_termfreq()});
  }
  return it->second;
}

std::vector<std::pair<int, std::string>> DateTermCache::Terms(const std::string& prefix,
                                                              const std::string& lead,
                                                              std::size_t digits, int lo, int hi) {
  std::vector<std::pair<int, std::string>> out;
  for (const Term& t : Read(prefix, lead)) {
    if (t.term.size() == prefix.size() + digits && t.n >= lo && t.n <= hi) {
      out.emplace_back(t.n, t.term);
    }
  }
  return out;
}

std::vector<std::pair<std::string, Xapian::doccount>> DateTermCache::WithFreqs(
    const std::string& prefix, const std::string& lead, std::size_t digits) {
  std::vector<std::pair<std::string, Xapian::doccount>> out;
  for (const Term& t : Read(prefix, lead)) {
    if (t.term.size() == prefix.size() + digits) out.emplace_back(t.term, t.freq);
  }
  return out;
}

Xapian::Query DayRangeQuery(const Xapian::Database* db, std::optional<int> lo,
                            std::optional<int> hi) {
  DateTermCache dates(db);
  return DayRangeQuery(dates, lo, hi);
}

Xapian::Query DayRangeQuery(DateTermCache& dates, std::optional<int> lo, std::optional<int> hi) {
  const std::string year(schema::kPrefixYear);
  std::vector<Xapian::Query> terms;
  if (!dates.Terms(year, "", 4, 0, 9999).empty()) {
    CoverDays(dates, lo.value_or(0), hi.value_or(99991231), &terms);
  }
  if (!terms.empty()) {
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                         Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()), 0.0);
  }
  // No date terms (no index, an index without them, or no day of the range
  // in it): the value range, which is also a non-empty query that matches
  // nothing in the last case.
  if (lo && hi) {
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotDay, DayValue(*lo),
                         DayValue(*hi));
  }
  if (lo) return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotDay, DayValue(*lo));
  return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kSlotDay, DayValue(hi.value_or(0)));
}

DayRangeProcessor::DayRangeProcessor(DateTermCache* dates)
    : Xapian::RangeProcessor(schema::kSlotDay), dates_(dates) {}

Xapian::Query DayRangeProcessor::operator()(const std::string& begin, const std::string& end) {
  bool bad_begin = false, bad_end = false;
  std::optional<int> lo, hi;
  if (!begin.empty()) {
    lo = ParseDayBound(begin, false, &bad_begin);
    if (!lo && !bad_begin) return Xapian::Query(Xapian::Query::OP_INVALID);
  }
  if (!end.empty()) {
    hi = ParseDayBound(end, true, &bad_end);
    if (!hi && !bad_end) return Xapian::Query(Xapian::Query::OP_INVALID);
  }
  if (bad_begin || bad_end) {
    if (error_.empty()) {
      error_ = "impossible date in range '" + begin + ".." + end + "': '" +
               (bad_begin ? begin : end) + "' is not a calendar date";
    }
    return Xapian::Query::MatchNothing;
  }
  if (lo && hi && *lo > *hi) {
    if (error_.empty()) error_ = "date range '" + begin + ".." + end + "' ends before it starts";
    return Xapian::Query::MatchNothing;
  }
  if (!lo && !hi) return Xapian::Query(Xapian::Query::OP_INVALID);
  DateTermCache none(nullptr);
  Xapian::Query query = DayRangeQuery(dates_ != nullptr ? *dates_ : none, lo, hi);
  ranges_.push_back(Range{lo, hi, query});
  return query;
}

// True when no document can weigh more than 0 under `q`: it is made of
// boolean terms alone (filters: source:, lang:, site:, date terms; their
// prefixes are capitals other than the weighted S title and Z stem
// prefixes), value ranges and match-all. Conservative: false when unsure.
bool Weightless(const Xapian::Query& q) {
  switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM: {
      auto t = q.get_terms_begin();
      if (t == q.get_terms_end() || (*t).empty()) return false;
      const char c = (*t)[0];
      return c >= 'A' && c <= 'Z' && c != 'S' && c != 'Z';
    }
    case Xapian::Query::LEAF_MATCH_ALL:
    case Xapian::Query::LEAF_MATCH_NOTHING:
    case Xapian::Query::OP_VALUE_RANGE:
    case Xapian::Query::OP_VALUE_GE:
    case Xapian::Query::OP_VALUE_LE:
      return true;
    case Xapian::Query::OP_WILDCARD:
    case Xapian::Query::LEAF_POSTING_SOURCE:
      return false;
    default:
      if (q.get_num_subqueries() == 0) return false;
      for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
        if (!Weightless(q.get_subquery(i))) return false;
      }
      return true;
  }
}

namespace {

// `q` under the weight scalings the query parser and DayRangeQuery wrap
// around a range (a range weighs nothing).
std::string SerialisedUnscaled(Xapian::Query q) {
  while (q.get_type() == Xapian::Query::OP_SCALE_WEIGHT && q.get_num_subqueries() == 1) {
    q = q.get_subquery(0);
  }
  return q.serialise();
}

struct RangeTaker {
  std::vector<std::pair<std::string, const DayRangeProcessor::Range*>> ranges;
  DayBounds bounds;

  // `q` without the ranges at its top level; nullopt: `q` was one.
  std::optional<Xapian::Query> Take(const Xapian::Query& q) {
    const std::string serialised = SerialisedUnscaled(q);
    for (const auto& [s, range] : ranges) {
      if (s != serialised) continue;
      if (range->lo && (!bounds.first || *range->lo > *bounds.first)) bounds.first = range->lo;
      if (range->hi && (!bounds.last || *range->hi < *bounds.last)) bounds.last = range->hi;
      return std::nullopt;
    }
    const auto type = q.get_type();
    if (type == Xapian::Query::OP_SCALE_WEIGHT && Weightless(q)) {
      // Filters the parser scaled (`0 * (range AND source:x)`): any factor
      // of no weight is no weight.
      std::optional<Xapian::Query> inner = Take(q.get_subquery(0));
      if (!inner) return std::nullopt;
      return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, *inner, 0.0);
    }
    if (type != Xapian::Query::OP_AND && type != Xapian::Query::OP_FILTER) return q;
    std::vector<Xapian::Query> kept;
    bool left_taken = false;
    for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
      std::optional<Xapian::Query> kid = Take(q.get_subquery(i));
      if (kid) kept.push_back(std::move(*kid));
      if (!kid && i == 0) left_taken = true;
    }
    if (kept.empty()) return std::nullopt;
    // A FILTER whose weighed side was a range now weighs nothing.
    if (type == Xapian::Query::OP_FILTER && left_taken) {
      return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                           Xapian::Query(Xapian::Query::OP_AND, kept.begin(), kept.end()), 0.0);
    }
    return Xapian::Query(type, kept.begin(), kept.end());
  }
};

}  // namespace

DayBounds TakeDayRanges(const Xapian::Query& query,
                        const std::vector<DayRangeProcessor::Range>& ranges) {
  RangeTaker taker;
  for (const auto& r : ranges) taker.ranges.emplace_back(SerialisedUnscaled(r.query), &r);
  std::optional<Xapian::Query> without = taker.Take(query);
  if (without) taker.bounds.without = std::move(*without);
  return taker.bounds;
}

// ---- syntax checks --------------------------------------------------------

namespace {

constexpr std::array<std::string_view, 8> kKnownFields = {"title", "source", "lang", "language",
                                                          "site",  "host",   "id",   "status"};

bool IsDoubleQuote(unsigned ch) {
  return ch == '"' || ch == 0x201c || ch == 0x201d;
}
bool IsPhraseGenerator(unsigned ch) {
  return ch < 128 && ch != 0 &&
         std::string_view(".-/:\\@").find(static_cast<char>(ch)) != std::string_view::npos;
}

std::string KnownFieldList() {
  return "title:, source:, lang:, site:, id:, status: and date ranges like "
         "2023-01-01..2023-12-31";
}

}  // namespace

Status CheckQuerySyntax(std::string_view query) {
  std::string q(query);
  Xapian::Utf8Iterator it(q), end;
  bool in_quotes = false;
  int depth = 0;
  bool prev_word = false;         // the previous code point was a word character
  bool after_phrase_gen = false;  // a word, then one of . - / : \ @
  while (it != end) {
    unsigned ch = *it;
    if (IsDoubleQuote(ch)) {
      in_quotes = !in_quotes;
      ++it;
      prev_word = after_phrase_gen = false;
      continue;
    }
    if (in_quotes) {
      ++it;
      continue;
    }
    if (Xapian::Unicode::is_wordchar(ch)) {
      bool can_be_field = !after_phrase_gen && !prev_word;
      std::string word;
      Xapian::Utf8Iterator p = it;
      while (p != end && Xapian::Unicode::is_wordchar(*p)) {
        Xapian::Unicode::append_utf8(word, *p);
        ++p;
      }
      if (can_be_field && p != end && *p == ':') {
        Xapian::Utf8Iterator next = p;
        ++next;
        if (next != end && *next > ' ' && *next != ')') {
          std::string field = AsciiLower(word);
          bool known =
              std::find(kKnownFields.begin(), kKnownFields.end(), word) != kKnownFields.end();
          if (!known && !AllDigits(word) && field != "http" && field != "https") {
            if (std::find(kKnownFields.begin(), kKnownFields.end(), field) != kKnownFields.end()) {
              return Status::Usage("query error: prefixes are lower-case: write '" + field +
                                   ":' instead of '" + word + ":'");
            }
            return Status::Usage("query error: unknown prefix '" + word + ":'",
                                 "known prefixes: " + KnownFieldList());
          }
        }
      }
      it = p;
      prev_word = true;
      after_phrase_gen = false;
      continue;
    }
    if (ch == '(') {
      ++depth;
    } else if (ch == ')') {
      if (--depth < 0) return Status::Usage("query error: unbalanced parenthesis: ')' without '('");
    }
    after_phrase_gen = prev_word && IsPhraseGenerator(ch);
    prev_word = false;
    ++it;
  }
  if (in_quotes) {
    return Status::Usage("query error: unbalanced quote: a phrase is opened with \" but not closed",
                         "close the phrase with a second \", e.g. \"foreign ministry\"");
  }
  if (depth > 0) return Status::Usage("query error: unbalanced parenthesis: '(' without ')'");
  return Status::Ok();
}

// ---- field processors -------------------------------------------------------

namespace {

// A boolean filter on `prefix + lower-cased value`.
class TermFieldProcessor : public Xapian::FieldProcessor {
 public:
  explicit TermFieldProcessor(std::string prefix) : prefix_(std::move(prefix)) {}
  Xapian::Query operator()(const std::string& value) override {
    return Xapian::Query(prefix_ + AsciiLower(value));
  }

 private:
  std::string prefix_;
};

// status:removed matches the articles their sites took down (XSTATUS);
// status:live the others, including those of an index written before the
// term (which has no XSTATUSremoved). Anything else is a query error, kept
// in `error` (as DayRangeProcessor does): throwing from a field processor
// leaks the query parser's partial term (Xapian 1.4.22).
class StatusFieldProcessor : public Xapian::FieldProcessor {
 public:
  explicit StatusFieldProcessor(std::string* error) : error_(error) {}
  Xapian::Query operator()(const std::string& value) override {
    const std::string status = AsciiLower(value);
    const std::string removed =
        std::string(schema::kPrefixStatus) + std::string(schema::kStatusRemoved);
    if (status == schema::kStatusRemoved) return Xapian::Query(removed);
    if (status == schema::kStatusLive) {
      return Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll,
                           Xapian::Query(removed));
    }
    if (error_->empty()) {
      *error_ = "status: is 'live' or 'removed', not '" + value.substr(0, 40) + "'";
    }
    return Xapian::Query(std::string(schema::kPrefixStatus) + "?");  // no document has it
  }

 private:
  std::string* error_;
};

// site:HOST matches the host and its subdomains; a URL is reduced to its host.
class SiteFieldProcessor : public Xapian::FieldProcessor {
 public:
  explicit SiteFieldProcessor(Xapian::Database db) : db_(std::move(db)) {}
  Xapian::Query operator()(const std::string& value) override {
    std::string host;
    if (value.find("://") != std::string::npos) {
      host = UrlHost(value);
    } else {
      host = AsciiLower(value.substr(0, value.find('/')));
      host = host.substr(0, host.find(':'));
    }
    while (!host.empty() && host.back() == '.') host.pop_back();
    const std::string prefix(schema::kPrefixHost);
    std::vector<Xapian::Query> terms = {Xapian::Query(prefix + host)};
    if (!host.empty()) {
      const std::string suffix = "." + host;
      for (auto t = db_.allterms_begin(prefix); t != db_.allterms_end(prefix); ++t) {
        const std::string term = *t;
        if (term.size() > prefix.size() + suffix.size() &&
            term.compare(term.size() - suffix.size(), suffix.size(), suffix) == 0) {
          terms.emplace_back(term);
        }
      }
    }
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }

 private:
  Xapian::Database db_;
};

Xapian::Query OrOfTerms(std::string_view prefix, const std::vector<std::string>& values,
                        bool lower) {
  std::vector<Xapian::Query> terms;
  for (const auto& v : values)
    terms.emplace_back(std::string(prefix) + (lower ? AsciiLower(v) : v));
  return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

Status CheckOptions(const SearchOptions& options) {
  std::optional<int> from, to;
  if (!options.from.empty()) {
    from = ParseIsoDay(options.from);
    if (!from) {
      return Status::Usage("--from '" + options.from + "' is not a date",
                           "dates are YYYY-MM-DD and must exist, e.g. 2023-02-28");
    }
  }
  if (!options.to.empty()) {
    to = ParseIsoDay(options.to);
    if (!to) {
      return Status::Usage("--to '" + options.to + "' is not a date",
                           "dates are YYYY-MM-DD and must exist, e.g. 2023-02-28");
    }
  }
  if (from && to && *from > *to) {
    return Status::Usage("--from " + options.from + " is after --to " + options.to);
  }
  for (const auto& lang : options.languages) {
    if (lang.empty() || lang.size() > 12 || !std::all_of(lang.begin(), lang.end(), [](char c) {
          return std::isalpha(static_cast<unsigned char>(c)) || c == '-';
        })) {
      return Status::Usage("--lang '" + lang + "' is not a language code",
                           "use ISO 639-1 codes such as az, ru, en");
    }
  }
  for (const auto& source : options.sources) {
    if (source.empty() || source.find_first_of(" \t\r\n") != std::string::npos) {
      return Status::Usage("--source '" + source + "' is not a source name");
    }
  }
  if (options.limit > 100000) return Status::Usage("--limit must be at most 100000");
  return Status::Ok();
}

void ConfigureParser(Xapian::QueryParser& qp, const Xapian::Database& db,
                     const SearchOptions& options, DayRangeProcessor* days,
                     std::string* status_error) {
  qp.set_database(db);
  qp.set_default_op(options.match_any ? Xapian::Query::OP_OR : Xapian::Query::OP_AND);
  qp.set_max_expansion(options.wildcard_limit, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                       Xapian::QueryParser::FLAG_WILDCARD);
  qp.add_prefix("title", std::string(schema::kPrefixTitle));
  const std::string source(schema::kPrefixSource), lang(schema::kPrefixLanguage),
      id(schema::kPrefixId);
  const std::string lang_group = "lang", site_group = "site";
  qp.add_boolean_prefix("source", (new TermFieldProcessor(source))->release());
  qp.add_boolean_prefix("lang", (new TermFieldProcessor(lang))->release());
  qp.add_boolean_prefix("language", (new TermFieldProcessor(lang))->release(), &lang_group);
  qp.add_boolean_prefix("site", (new SiteFieldProcessor(db))->release());
  qp.add_boolean_prefix("host", (new SiteFieldProcessor(db))->release(), &site_group);
  qp.add_boolean_prefix("id", (new TermFieldProcessor(id))->release());
  qp.add_boolean_prefix("status", (new StatusFieldProcessor(status_error))->release());
  qp.add_rangeprocessor(days);
}

}  // namespace

namespace {

bool IsOperatorWord(std::string_view w) {
  return w == "AND" || w == "OR" || w == "NOT" || w == "XOR" || w == "NEAR" || w == "ADJ" ||
         w.starts_with("NEAR/") || w.starts_with("ADJ/");
}

// The value of a boolean prefix (source:, lang:, site:...) is kept as typed.
bool HasBooleanPrefix(std::string_view chunk) {
  std::size_t lead = 0;
  while (lead < chunk.size() && (chunk[lead] == '+' || chunk[lead] == '-')) ++lead;
  const std::size_t colon = chunk.find(':', lead);
  if (colon == std::string_view::npos) return false;
  const std::string_view name = chunk.substr(lead, colon - lead);
  return name != "title" &&
         std::find(kKnownFields.begin(), kKnownFields.end(), name) != kKnownFields.end();
}

// Quotes, brackets and spaces separate a query's chunks.
bool IsChunkBreak(char c) {
  return std::string_view("\" \t\n\r()").find(c) != std::string_view::npos;
}

}  // namespace

std::string ExactQueryText(std::string_view query, std::string_view lang) {
  std::string out;
  out.reserve(query.size() + 8);
  bool in_quotes = false;
  std::size_t i = 0;
  while (i < query.size()) {
    const char c = query[i];
    if (IsChunkBreak(c)) {
      if (c == '"') in_quotes = !in_quotes;
      out += c;
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < query.size() && !IsChunkBreak(query[end])) ++end;
    const std::string_view chunk = query.substr(i, end - i);
    i = end;
    if (in_quotes) {
      out += FoldDiacritics(FoldCase(chunk, lang));  // positions are on the folded forms
    } else if (IsOperatorWord(chunk) || HasBooleanPrefix(chunk)) {
      out.append(chunk);
    } else {
      out += FoldCase(chunk, lang);
    }
  }
  return out;
}

std::string QueryLanguage(const SearchOptions& options) {
  if (options.languages.size() == 1) return AsciiLower(options.languages[0]);
  return "";
}

std::string CorrectSpelling(const Xapian::Database& db, const SearchOptions& options) {
  return SuggestSpelling(db, options.query, QueryLanguage(options));
}

namespace {

// Exact words: one parse, no stemmer, the words case-folded only.
Result<Xapian::Query> ParseExact(Xapian::QueryParser& qp, std::string_view query,
                                 std::string_view lang, unsigned flags,
                                 const PairWords* pair_words) {
  if (std::all_of(query.begin(), query.end(),
                  [](char c) { return std::isspace(static_cast<unsigned char>(c)); })) {
    return Xapian::Query();
  }
  try {
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_NONE);
    Xapian::Query q = qp.parse_query(ExactQueryText(query, lang), flags);
    return pair_words == nullptr ? q : FilterPhrasesByPairs(q, *pair_words);
  } catch (const Xapian::QueryParserError& e) {
    return Status::Usage("bad query: " + e.get_msg(),
                         "see 'pressarc search --help' for the query syntax");
  } catch (const Xapian::Error& e) {
    return Status::Runtime("query failed: " + e.get_description());
  }
}

}  // namespace

Result<BuiltQuery> BuildQuery(const Xapian::Database& db, const SearchOptions& options,
                              const PairWords* pair_words, DateTermCache* dates) {
  if (Status s = ValidateSearchOptions(options); !s.ok()) return s;
  const std::string lang = QueryLanguage(options);

  BuiltQuery built;
  built.stemmer = StemmerFor(lang);
  Xapian::QueryParser qp;
  DateTermCache read_here(&db);
  if (dates == nullptr) dates = &read_here;
  DayRangeProcessor days(dates);
  std::string status_error;
  ConfigureParser(qp, db, options, &days, &status_error);
  const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD |
                         Xapian::QueryParser::FLAG_PURE_NOT;
  auto parsed = options.exact
                    ? ParseExact(qp, options.query, lang, flags, pair_words)
                    : ParseUserQuery(qp, options.query, lang, flags, {"title"}, &db, pair_words);
  if (!parsed.ok()) {
    if (parsed.status().message().find("Unknown range operation") != std::string::npos) {
      return Status::Usage(
          "query error: a range must be dates, like 2023-01-01..2023-12-31, 2023..2024 or "
          "2023-05..");
    }
    return Status::Usage("query error: " + parsed.status().message(), parsed.status().hint());
  }
  if (!days.error().empty()) return Status::Usage("query error: " + days.error());
  if (!status_error.empty()) return Status::Usage("query error: " + status_error);
  Xapian::Query words = *parsed;
  built.has_words = !words.empty();

  std::vector<Xapian::Query> filters;
  if (!options.languages.empty()) {
    filters.push_back(OrOfTerms(schema::kPrefixLanguage, options.languages, true));
  }
  if (!options.sources.empty()) {
    filters.push_back(OrOfTerms(schema::kPrefixSource, options.sources, false));
  }
  std::vector<DayRangeProcessor::Range> ranges = days.ranges();
  if (!options.from.empty() || !options.to.empty()) {
    const std::optional<int> from = ParseIsoDay(options.from), to = ParseIsoDay(options.to);
    filters.push_back(DayRangeQuery(*dates, from, to));
    ranges.push_back(DayRangeProcessor::Range{from, to, filters.back()});
  }
  const bool filtered = !filters.empty();
  if (!options.ids.empty()) filters.push_back(OrOfTerms(schema::kPrefixId, options.ids, false));
  if (words.empty() && !filtered) {
    return Status::Usage("empty query: give words to search for, or filters",
                         "e.g. pressarc search 'vaccine' or pressarc search --lang ru");
  }
  Xapian::Query query = words.empty() ? Xapian::Query::MatchAll : words;
  if (!filters.empty()) {
    query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                          Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
  }
  built.query = query;
  built.days = TakeDayRanges(query, ranges);
  return built;
}

}  // namespace internal

Status ValidateSearchOptions(const SearchOptions& options) {
  if (Status s = internal::CheckOptions(options); !s.ok()) return s;
  return internal::CheckQuerySyntax(options.query);
}

}  // namespace pressarc::search
