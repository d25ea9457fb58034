// Searcher over the live index: query, fold near-duplicates, attach
// translations, snippets, facets and the spelling suggestion.
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <xapian.h>
#include <xapian/unicode.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <exception>
#include <filesystem>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "config/ascii.h"
#include "indexer/indexer.h"
#include "indexer/schema.h"
#include "parser/parser.h"
#include "search/facets.h"
#include "search/filter_cache.h"
#include "search/match_sample.h"
#include "search/query_builder.h"
#include "search/search.h"
#include "search/shards.h"
#include "search/stored_doc.h"
#include "search/top_wdf.h"

namespace pressarc::search {

namespace {

// The suggestion keeps the user's capitals: a corrected word whose typed
// form started with a capital starts with one too.
std::string RestoreCase(const std::string& typed, const std::string& corrected) {
  auto split = [](const std::string& s) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t sp = s.find(' ', start);
      words.push_back(s.substr(start, sp == std::string::npos ? std::string::npos : sp - start));
      if (sp == std::string::npos) break;
      start = sp + 1;
    }
    return words;
  };
  std::vector<std::string> a = split(typed), b = split(corrected);
  if (a.size() != b.size()) return corrected;
  std::string out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string word = b[i];
    if (a[i] != b[i] && !a[i].empty() && !word.empty()) {
      Xapian::Utf8Iterator ta(a[i]), tb(word);
      if (Xapian::Unicode::get_category(*ta) == Xapian::Unicode::UPPERCASE_LETTER &&
          Xapian::Unicode::get_category(*tb) == Xapian::Unicode::LOWERCASE_LETTER) {
        std::string upper;
        Xapian::Unicode::append_utf8(upper, Xapian::Unicode::toupper(*tb));
        ++tb;
        word = upper + std::string(tb.raw(), tb.left());
      }
    }
    if (i) out += ' ';
    out += word;
  }
  return out;
}

// Results below this many make us look for a spelling suggestion.
constexpr std::uint64_t kFewResults = 3;
// Documents the matcher checks at least, so that small totals are exact.
constexpr Xapian::doccount kMinChecked = 200;
// Attempts when the index changes under us (commit or generation swap).
constexpr int kAttempts = 4;

// Snippets are chosen by the query's terms alone. Xapian's background
// model (SNIPPET_BACKGROUND_MODEL) also weighs every other word of the text
// by its frequency in the index: one B-tree lookup per distinct word, which
// made ten snippets cost more than the match itself (2-5 ms of a 7 ms
// search on 100,000 documents).
constexpr unsigned kSnippetFlags = 0;

// Most words of a snippet's text recur from one result to the next.
constexpr std::size_t kMaxMemoStems = 50000;

// The first bytes of a word a query stem must share for the word to stem
// to it (stems keep the start of their word).
constexpr std::size_t kStemHead = 2;

// A stemmer that remembers its answers: snippets stem every word of each
// shown text, and pressarc's stemmers are not free (UTF-32 suffix rules).
// With the query's stems set, a word that starts unlike every one of them
// is returned as it is: it cannot match, and a search in a new process
// (an empty memo) then stems a few words instead of every word of ten texts.
class MemoStem : public Xapian::StemImplementation {
 public:
  explicit MemoStem(Xapian::Stem inner) : inner_(std::move(inner)) {}
  // The stems' first kStemHead bytes (nullptr: stem every word); the
  // vector outlives the snippets made with this stemmer.
  void SetStemHeads(const std::vector<std::string>* heads) { heads_ = heads; }
  std::string operator()(const std::string& word) override {
    if (heads_ != nullptr &&
        std::none_of(heads_->begin(), heads_->end(),
                     [&](const std::string& h) { return word.compare(0, h.size(), h) == 0; })) {
      return word;
    }
    auto it = memo_.find(word);
    if (it != memo_.end()) return it->second;
    if (memo_.size() >= kMaxMemoStems) memo_.clear();
    return memo_.emplace(word, inner_(word)).first->second;
  }
  std::string get_description() const override { return inner_.get_description(); }

 private:
  Xapian::Stem inner_;
  std::unordered_map<std::string, std::string> memo_;
  const std::vector<std::string>* heads_ = nullptr;
};

// The first bytes of the query's stems ("Z" terms), for MemoStem.
std::vector<std::string> StemHeads(const Xapian::Query& query) {
  std::vector<std::string> heads;
  for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
    const std::string& term = *t;
    if (term.size() < 2 || term[0] != schema::kPrefixStem[0]) continue;
    std::string head = term.substr(1, kStemHead);
    if (std::find(heads.begin(), heads.end(), head) == heads.end()) heads.push_back(head);
    // Snowball Russian stems ё as е: a text word may start with either.
    if (head == "е") heads.push_back("ё");
  }
  return heads;
}

// Where in a text a snippet can start looking. Xapian's snippet reads the
// text from its start until just past the first match, tokenising and
// stemming every word on the way: a quarter of a search whose matches sit
// mid-text. So the text is searched first, cheaply, for the query's words
// as the text may spell them: the start (all but the last two bytes, at
// least three) of each stem and word, in lower case or with a capital first
// letter, at the start of a word. The snippet is then taken from a window
// around the first such place; where none is found, or the window gives no
// match after all, from the whole text as before.
class SnippetNeedles {
 public:
  explicit SnippetNeedles(const Xapian::Query& query) : has_terms_(HasWildcard(query)) {
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
      const std::string full = *t;  // TermIterator gives a string by value
      std::string_view term = full;
      // Z (stems), S (title) and ZS prefixes; other capitals are filters.
      if (term.starts_with("ZS")) {
        term.remove_prefix(2);
      } else if (!term.empty() && (term[0] == 'Z' || term[0] == 'S')) {
        term.remove_prefix(1);
      } else if (!term.empty() && term[0] >= 'A' && term[0] <= 'Z') {
        continue;
      }
      has_terms_ = true;
      std::size_t keep = term.size() > 5 ? term.size() - 2 : term.size();
      while (keep > 0 && keep < term.size() &&
             (static_cast<unsigned char>(term[keep]) & 0xC0) == 0x80) {
        --keep;
      }
      if (keep < 3) continue;
      Add(std::string(term.substr(0, keep)));
    }
  }

  // The offset of the first place in `text` where a needle starts a word,
  // or npos.
  std::size_t First(std::string_view text) const {
    std::size_t best = std::string_view::npos;
    for (const auto& needle : needles_) {
      for (std::size_t pos = text.find(needle); pos != std::string_view::npos && pos < best;
           pos = text.find(needle, pos + 1)) {
        if (StartsWord(text, pos)) {
          best = pos;
          break;
        }
      }
    }
    return best;
  }

  bool empty() const { return needles_.empty(); }
  // The query has words or wildcards a snippet can highlight (not only
  // filters and ranges).
  bool has_terms() const { return has_terms_; }

 private:
  void Add(std::string needle) {
    // The needle with its first letter in upper case too (I and İ for i).
    std::size_t i = 0;
    UChar32 c = 0;
    U8_NEXT(needle.data(), i, static_cast<std::int32_t>(needle.size()), c);
    std::vector<UChar32> capitals = {u_toupper(c)};
    if (c == 'i') capitals.push_back(0x130);  // İ
    for (UChar32 upper : capitals) {
      if (upper == c || upper < 0) continue;
      char buf[4];
      std::int32_t n = 0;
      UBool error = false;
      U8_APPEND(buf, n, 4, upper, error);
      if (!error) needles_.push_back(std::string(buf, n) + needle.substr(i));
    }
    needles_.push_back(std::move(needle));
  }

  static bool HasWildcard(const Xapian::Query& q) {
    if (q.get_type() == Xapian::Query::OP_WILDCARD) return true;
    for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
      if (HasWildcard(q.get_subquery(i))) return true;
    }
    return false;
  }

  static bool StartsWord(std::string_view text, std::size_t pos) {
    if (pos == 0) return true;
    std::int32_t i = static_cast<std::int32_t>(pos);
    UChar32 c = 0;
    U8_PREV(text.data(), 0, i, c);
    return c < 0 || !(u_isalnum(c) || c == '_');
  }

  std::vector<std::string> needles_;
  bool has_terms_ = false;
};

LinkedDocument Linked(const StoredArticle& d) {
  return LinkedDocument{d.id, d.canonical_url, d.language, d.source, d.published};
}

// Orders copies: earliest published first (undated last), then first
// archived, then by canonical URL (kSlotLinked): never by docid, which
// differs between one index and shards.
struct CopyRank {
  bool undated;
  std::string published;
  double archived;
  std::string linked;
  Xapian::docid docid;
  bool operator<(const CopyRank& o) const {
    return std::tie(undated, published, archived, linked, docid) <
           std::tie(o.undated, o.published, o.archived, o.linked, o.docid);
  }
};

// The documents one search reads, each read once. Through a remote shard
// every document read is a request and its replies, one at a time: Xapian
// 1.4's remote backend has no batched or pipelined read (MSet::fetch() is
// a no-op there: RemoteDatabase does not implement request_document). A
// search reads some documents twice or more: again when a page is read
// again with more matches (FoldedPage), and a copy's document for its rank
// (Representative) and for the copies listed.
// REQUIRES: the Database is not reopened while a DocReader of it is used.
class DocReader {
 public:
  // `index`: what opened db (its parts, for Prefetch; whether any is remote).
  DocReader(Xapian::Database db, const internal::IndexSet& index)
      : db_(std::move(db)), index_(&index) {}
  Xapian::Document Get(Xapian::docid did) {
    auto it = docs_.find(did);
    if (it != docs_.end()) return it->second;
    // Lazily, as an MSet's get_document() opens it: the docid comes from
    // a match or a posting list of this database.
    Xapian::Document doc = db_.get_document(did, Xapian::DOC_ASSUME_VALID);
    docs_.emplace(did, doc);
    return doc;
  }

  // Reads the documents of `dids` that are on remote shards and not read
  // yet, a thread per shard, each on its shard's own connection: their
  // round trips overlap instead of following one another (a document is
  // one round trip of the remote protocol). Nothing when fewer than two
  // shards hold any of them (Get reads them when asked). A shard's error
  // (Xapian::NetworkError) is thrown here, as Get would throw it.
  void Prefetch(const std::vector<Xapian::docid>& dids) {
    const std::vector<internal::IndexSet::Part>& parts = index_->Parts();
    if (parts.size() < 2 || db_.size() != parts.size()) return;
    const std::size_t n = parts.size();
    std::vector<std::vector<Xapian::docid>> wanted(n);
    std::unordered_set<Xapian::docid> listed;
    for (Xapian::docid did : dids) {
      if (did == 0 || docs_.count(did) != 0 || !listed.insert(did).second) continue;
      const std::size_t k = (did - 1) % n;
      if (parts[k].remote) wanted[k].push_back(did);
    }
    std::vector<std::size_t> busy;
    for (std::size_t k = 0; k < n; ++k) {
      if (!wanted[k].empty()) busy.push_back(k);
    }
    if (busy.size() < 2) return;
    std::vector<std::vector<Xapian::Document>> read(n);
    std::vector<std::exception_ptr> errors(n);
    // Each thread touches its own part only (Xapian's objects are not
    // thread safe, distinct databases are independent).
    auto work = [&](std::size_t k) {
      try {
        const Xapian::Database& part = parts[k].db;
        for (Xapian::docid did : wanted[k]) {
          read[k].push_back(part.get_document(static_cast<Xapian::docid>((did - 1) / n + 1),
                                              Xapian::DOC_ASSUME_VALID));
        }
      } catch (...) {
        errors[k] = std::current_exception();
      }
    };
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < busy.size(); ++i) threads.emplace_back(work, busy[i]);
    work(busy[0]);
    for (auto& t : threads) t.join();
    for (std::size_t k : busy) {
      if (errors[k]) std::rethrow_exception(errors[k]);
    }
    for (std::size_t k : busy) {
      for (std::size_t j = 0; j < read[k].size(); ++j) {
        docs_.emplace(wanted[k][j], std::move(read[k][j]));
      }
    }
  }

  // Reads the values in `slots` of the documents `dids` (those not read
  // yet) a slot at a time, in docid order, through one value-stream cursor
  // per slot: neighbouring lookups share the B-tree's upper blocks. A
  // Document's get_value looks up each value through one cursor for every
  // slot, so its lookups alternate between the slots' parts of the table:
  // about 2.4 block reads a value at a million documents, against one or
  // two here. On remote shards nothing is read here: a remote document
  // comes with its values (Prefetch), and a value stream is not served.
  void ReadValues(std::vector<Xapian::docid> dids, std::initializer_list<Xapian::valueno> slots) {
    if (index_->has_remote() || dids.empty()) return;
    std::sort(dids.begin(), dids.end());
    dids.erase(std::unique(dids.begin(), dids.end()), dids.end());
    for (Xapian::valueno slot : slots) {
      for (Xapian::docid did : dids) {
        if (did == 0 || values_.count(ValueKey{did, slot}) != 0) continue;
        values_.emplace(ValueKey{did, slot}, CursorAt(slot, did).At(did));
      }
    }
  }

  // Keeps `value` as `did`'s in `slot`, read elsewhere.
  void Remember(Xapian::docid did, Xapian::valueno slot, std::string value) {
    values_.try_emplace(ValueKey{did, slot}, std::move(value));
  }

  // The value of `did` in `slot` ("" when it has none): read by ReadValues,
  // else through the document.
  std::string Value(Xapian::docid did, Xapian::valueno slot) {
    auto it = values_.find(ValueKey{did, slot});
    if (it != values_.end()) return it->second;
    return Get(did).get_value(slot);
  }

 private:
  // A cursor of `slot` that can read `did`: the last one, kept while the
  // docids asked of it rise (opening one reads the slot's first block, and
  // a search reads a slot in several passes: refetched pages, copies).
  internal::ValueCursor& CursorAt(Xapian::valueno slot, Xapian::docid did) {
    auto it = cursors_.find(slot);
    if (it == cursors_.end() || it->second.second >= did) {
      it = cursors_.insert_or_assign(slot, std::make_pair(internal::ValueCursor(db_, slot), did))
               .first;
    }
    it->second.second = did;
    return it->second.first;
  }

  using ValueKey = std::pair<Xapian::docid, Xapian::valueno>;
  Xapian::Database db_;
  const internal::IndexSet* index_;
  std::unordered_map<Xapian::docid, Xapian::Document> docs_;
  std::map<ValueKey, std::string> values_;
  // Each slot's cursor and the last docid asked of it (CursorAt).
  std::map<Xapian::valueno, std::pair<internal::ValueCursor, Xapian::docid>> cursors_;
};

// Terms with their frequencies (term, documents), in term order.
using TermFreqList = std::vector<std::pair<std::string, Xapian::doccount>>;

// The documents of `terms` together, when no document has two of them (a
// date term of each kind per document).
std::uint64_t DocumentsOf(const TermFreqList& terms) {
  std::uint64_t n = 0;
  for (const auto& term : terms) n += term.second;
  return n;
}

// Every docid of Groups()'s lists.
std::vector<Xapian::docid> AllOf(const std::map<std::string, std::vector<Xapian::docid>>& groups) {
  std::vector<Xapian::docid> out;
  for (const auto& [key, dids] : groups) out.insert(out.end(), dids.begin(), dids.end());
  return out;
}

// The values RankOf reads (DocReader::ReadValues).
constexpr std::initializer_list<Xapian::valueno> kRankSlots = {
    schema::kSlotPublished, schema::kSlotArchived, schema::kSlotLinked};

CopyRank RankOf(DocReader& docs, Xapian::docid did) {
  std::string published = docs.Value(did, schema::kSlotPublished);
  std::string archived = docs.Value(did, schema::kSlotArchived);
  return CopyRank{published.empty(), published,
                  archived.empty() ? 0.0 : Xapian::sortable_unserialise(archived),
                  docs.Value(did, schema::kSlotLinked), did};
}

// Listed documents in an order that does not depend on docids.
void SortLinked(std::vector<LinkedDocument>* docs) {
  std::sort(docs->begin(), docs->end(), [](const LinkedDocument& a, const LinkedDocument& b) {
    return std::tie(a.url, a.language, a.id) < std::tie(b.url, b.language, b.id);
  });
}

// Replaces Xapian's HTML escaping with plain text and the \x01/\x02
// highlight markers with `on`/`off`; newlines become spaces.
std::string CleanSnippet(const std::string& html, const std::string& on, const std::string& off) {
  std::string out;
  out.reserve(html.size());
  for (std::size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (c == '&') {
      static const std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
      bool matched = false;
      for (const auto& [entity, ch] : kEntities) {
        if (html.compare(i, entity.size(), entity) == 0) {
          out += ch;
          i += entity.size() - 1;
          matched = true;
          break;
        }
      }
      if (!matched) out += c;
    } else if (c == '\x01') {
      out += on;
    } else if (c == '\x02') {
      out += off;
    } else if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// At most `bytes` of `text`, cut on a UTF-8 character boundary.
std::string_view Utf8Prefix(std::string_view text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  while (bytes > 0 && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) --bytes;
  return text.substr(0, bytes);
}

// Text with control characters (our markers included) turned into spaces.
std::string SafeText(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\x01' || c == '\x02' || c == '\x1b') c = ' ';
  }
  return out;
}

// The first `length` bytes of `text`, cut after a word, with "…" when cut;
// escaped as Xapian's snippets are (for CleanSnippet).
std::string LeadSnippet(std::string_view text, std::size_t length) {
  std::string_view lead = Utf8Prefix(text, length);
  const bool cut = lead.size() < text.size();
  if (cut) {
    const std::size_t space = lead.find_last_of(" \n\t");
    if (space != std::string_view::npos && space > 0) lead = lead.substr(0, space);
    while (!lead.empty() &&
           (lead.back() == ' ' || lead.back() == ',' || lead.back() == ';' || lead.back() == ':')) {
      lead.remove_suffix(1);
    }
  }
  std::string out;
  out.reserve(lead.size() + 8);
  for (char c : SafeText(lead)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  const bool sentence_end =
      !lead.empty() && (lead.back() == '.' || lead.back() == '!' || lead.back() == '?');
  if (cut && !sentence_end) out += "…";
  return out;
}

// Most frequent first (ties by value), or by value descending (years).
void SortFacet(std::vector<FacetValue>* values, bool by_value_desc) {
  std::sort(values->begin(), values->end(), [&](const FacetValue& a, const FacetValue& b) {
    if (by_value_desc) return a.value > b.value;
    if (a.count != b.count) return a.count > b.count;
    return a.value < b.value;
  });
}

class XapianSearcher : public Searcher {
 public:
  XapianSearcher(std::string data_dir, internal::IndexSet index)
      : data_dir_(std::move(data_dir)), index_(std::move(index)), db_(index_.Db()) {}

  Result<SearchResponse> Search(const SearchOptions& options) override {
    if (Status s = ValidateSearchOptions(options); !s.ok()) return s;
    filters_.NewSearch();
    top_wdf_.NewSearch();
    auto r = WithRetry<SearchResponse>([&] { return DoSearch(options); });
    if (r.ok()) r->warnings = index_.warnings();
    return r;
  }

  Result<StoredArticle> Show(std::string_view url_or_id) override {
    auto r = WithRetry<StoredArticle>([&] { return DoShow(url_or_id); });
    if (r.ok()) r->warnings = index_.warnings();
    return r;
  }

  std::optional<std::string> FindId(std::string_view url) override {
    auto id = WithRetry<std::string>([&]() -> Result<std::string> {
      auto did = FindByUrl(std::string(url));
      if (!did) return std::string();
      return internal::ReadLinkedDoc(db_.get_document(*did)).id;
    });
    if (!id.ok() || id->empty()) return std::nullopt;
    return *id;
  }

  std::uint64_t DocumentCount() override {
    auto r = WithRetry<std::uint64_t>(
        [&]() -> Result<std::uint64_t> { return static_cast<std::uint64_t>(db_.get_doccount()); });
    return r.ok() ? *r : 0;
  }

 private:
  template <typename T, typename F>
  Result<T> WithRetry(F&& body) {
    std::string last;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      try {
        return body();
      } catch (const Xapian::NetworkError& e) {
        // A shard went down or timed out: open again, leaving out the
        // shards that do not answer now (warnings).
        last = e.get_description();
        try {
          if (Status s = index_.Open(); !s.ok()) return s;
          UseDb();
        } catch (const Xapian::Error& oe) {
          last = oe.get_msg();
        }
        continue;
      } catch (const Xapian::DatabaseModifiedError& e) {
        last = e.get_msg();
      } catch (const Xapian::DatabaseOpeningError& e) {
        last = e.get_msg();
      } catch (const Xapian::DatabaseCorruptError& e) {
        return Status::Runtime("the index is damaged: " + e.get_msg(),
                               "rebuild it from the archive with pressarc reindex");
      } catch (const Xapian::Error& e) {
        return Status::Runtime("index error: " + e.get_description());
      }
      // The stub may name a new generation: open afresh (reopen() does not
      // re-read it; a remote shard's server reads its stub per connection).
      try {
        if (Status s = index_.Open(); !s.ok()) return s;
        UseDb();
      } catch (const Xapian::Error& e) {
        last = e.get_msg();
      }
    }
    return Status::Runtime("the index kept changing while reading it: " + last,
                           "try again when the running reindex has finished");
  }

  // One match, as the matcher gave it.
  struct Match {
    Xapian::docid did = 0;
    double weight = 0;
    int percent = 0;
    Xapian::Document doc;
    // Read by Fetch only where the order needs them (OrderFetched): in
    // relevance order the date of a match whose weight another shares, and
    // the canonical URL of a match still tied; neither when the matcher
    // broke the ties (MatcherOrdersTies, local databases).
    std::string published;  // kSlotPublished ("" = undated)
    std::string linked;     // kSlotLinked: canonical URL (ties)
    std::string dup_key;    // kSlotDupKey ("" = none)
  };

  // All documents sharing `term` (or, when no document has the term, the
  // value `value` in `slot`), at most `cap`.
  std::vector<Xapian::docid> Group(const std::string& term, unsigned slot, const std::string& value,
                                   std::size_t cap) {
    std::vector<Xapian::docid> out;
    // One B-tree lookup: a term no document has gives an empty list.
    Xapian::PostingIterator p = db_.postlist_begin(term);
    if (p != db_.postlist_end(term)) {
      for (; p != db_.postlist_end(term) && out.size() < cap; ++p) out.push_back(*p);
      return out;
    }
    Xapian::Enquire enquire(db_);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, value, value));
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(cap));
    for (auto it = mset.begin(); it != mset.end(); ++it) out.push_back(*it);
    return out;
  }

  // Group() for each of `keys` at once: one match of all their terms,
  // sorted by the slot (the key: the sort key of each match) and then by
  // docid, as Group lists them; one round trip per shard instead of one per
  // key. A key the match leaves out or may have cut short goes through
  // Group() after all.
  std::map<std::string, std::vector<Xapian::docid>> Groups(std::string_view prefix, bool boolean,
                                                           unsigned slot,
                                                           const std::set<std::string>& keys,
                                                           std::size_t cap) {
    std::map<std::string, std::vector<Xapian::docid>> out;
    if (keys.empty()) return out;
    auto term = [&](const std::string& key) {
      return boolean ? BooleanTerm(prefix, key) : std::string(prefix) + key;
    };
    if (!index_.has_remote()) {
      // Locally a key's posting list is one B-tree lookup, the keys in term
      // order; the match below would also read the slot's value of every
      // document found, to sort them by key (block reads: 25 against 71
      // for a page of ten at a million documents).
      for (const auto& key : keys) out[key] = Group(term(key), slot, key, cap);
      return out;
    }
    std::vector<Xapian::Query> terms;
    for (const auto& key : keys) terms.emplace_back(term(key));
    Xapian::Enquire enquire(db_);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_sort_by_value(slot, false);
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    const auto n =
        static_cast<Xapian::doccount>(std::min<std::size_t>(keys.size() * cap, 1u << 20));
    const Xapian::MSet mset = enquire.get_mset(0, n);
    const bool cut = mset.size() >= n;
    std::string last;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      last = it.get_sort_key();
      std::vector<Xapian::docid>& group = out[last];
      if (group.size() < cap) group.push_back(*it);
    }
    for (const auto& key : keys) {
      auto it = out.find(key);
      const bool whole = it != out.end() && (!cut || key < last || it->second.size() >= cap);
      if (!whole) out[key] = Group(term(key), slot, key, cap);
    }
    return out;
  }

  std::vector<Xapian::docid> Copies(const Xapian::Document& doc, std::size_t cap) {
    return CopiesOfKey(doc.get_value(schema::kSlotDupKey), cap);
  }

  // The documents with near-duplicate key `key` ("": none), at most `cap`.
  std::vector<Xapian::docid> CopiesOfKey(const std::string& key, std::size_t cap) {
    if (key.empty()) return {};
    return Group(std::string(schema::kPrefixDupKey) + key, schema::kSlotDupKey, key, cap);
  }

  // The documents of a translation key read for `cap` translations.
  static std::size_t TranslationCap(std::size_t cap) { return cap * 4 + 1; }

  // `full`: read each document's stored JSON (for its published date), not
  // just the cheap fields.
  // `groups`: the documents of translation keys, read before (Groups()).
  std::vector<LinkedDocument> Translations(
      DocReader& docs, Xapian::docid self, const StoredArticle& self_doc, std::size_t cap,
      bool full = false,
      const std::map<std::string, std::vector<Xapian::docid>>* groups = nullptr) {
    std::vector<LinkedDocument> out;
    std::string key = docs.Value(self, schema::kSlotTranslation);
    if (key.empty()) return out;
    std::set<std::string> seen = {self_doc.canonical_url};
    const std::vector<Xapian::docid>* group = nullptr;
    if (groups != nullptr) {
      auto known = groups->find(key);
      if (known != groups->end()) group = &known->second;
    }
    std::vector<Xapian::docid> read;  // the key's documents, when `groups` lacks them
    if (group == nullptr) {
      read = Group(BooleanTerm(schema::kPrefixTranslation, key), schema::kSlotTranslation, key,
                   TranslationCap(cap));
      group = &read;
      docs.Prefetch(read);  // `groups` were read ahead by the caller
    }
    for (Xapian::docid did : *group) {
      if (did == self) continue;
      Xapian::Document other_doc = docs.Get(did);
      StoredArticle other =
          full ? internal::ReadStoredDoc(other_doc)
               : internal::ReadLinkedDoc(other_doc, docs.Value(did, schema::kSlotLinked));
      if (other.source != self_doc.source || other.language == self_doc.language) continue;
      if (!seen.insert(other.canonical_url).second) continue;
      out.push_back(Linked(other));
      if (out.size() >= cap) break;
    }
    std::sort(out.begin(), out.end(), [](const LinkedDocument& a, const LinkedDocument& b) {
      return std::tie(a.language, a.url) < std::tie(b.language, b.url);
    });
    return out;
  }

  // The copy to show for a collapsed result: the earliest published copy
  // that matches the query.
  // `complete`: `group` holds every copy (it was not cut at its cap).
  // The collapse count does not say whether other copies match: the
  // matcher drops documents that cannot make the page before it counts
  // them as collapsed (a copy republished a year later, sorted newest
  // first, hid its matching original), and a date window (DateWindow) does
  // not see copies outside it.
  Xapian::docid Representative(DocReader& docs, const Match& it, const Xapian::Query& query,
                               const std::vector<Xapian::docid>& group, bool complete) {
    if (group.size() < 2) return it.did;
    std::vector<Xapian::docid> ranked = group;
    ranked.push_back(it.did);
    docs.ReadValues(std::move(ranked), kRankSlots);
    CopyRank best = RankOf(docs, it.did);
    if (complete && std::none_of(group.begin(), group.end(),
                                 [&](Xapian::docid did) { return RankOf(docs, did) < best; })) {
      return it.did;  // no copy ranks before this one, matching or not
    }
    const std::string& key = it.dup_key;
    std::string term = std::string(schema::kPrefixDupKey) + key;
    Xapian::Query same = db_.term_exists(term) ? Xapian::Query(term)
                                               : Xapian::Query(Xapian::Query::OP_VALUE_RANGE,
                                                               schema::kSlotDupKey, key, key);
    Xapian::Enquire enquire(db_);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, same));
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    Xapian::MSet matching = enquire.get_mset(0, static_cast<Xapian::doccount>(group.size()));
    for (auto m = matching.begin(); m != matching.end(); ++m) {
      CopyRank r = RankOf(docs, *m);
      if (r < best) best = r;
    }
    return best.docid;
  }

  Result<SearchResponse> DoSearch(const SearchOptions& options) {
    auto built = internal::BuildQuery(db_, options, Pairs(), DateTerms());
    if (!built.ok()) return built.status();

    // An index with length-normalised wdfs (schema.h) is weighed without
    // reading document lengths: the same ranking as BM25 on raw wdfs.
    const bool normalised =
        db_.get_metadata(std::string(schema::kMetadataWdf)) == schema::kWdfNormalised;
    DocReader docs(db_, index_);
    // The matcher reads two-word phrases of pair words through their pair
    // terms, no position read (WithoutPairedPositions: the same matches,
    // weights and percentages); the snippets still look for the phrase.
    auto run = [&](const Xapian::Query& query, Xapian::doccount maxitems, Xapian::MatchSpy* spy) {
      return Fetch(docs, WithoutPairedPositions(query), maxitems, options.sort, normalised, spy,
                   built->days);
    };

    SearchResponse response;
    response.query = options.query;
    Page page;
    bool windowed = false;
    // The query's matches (copies included), counted once for the date
    // window, the total and the facets.
    std::optional<Count> whole;
    // A window expected to hold twice the page, else one expected to hold
    // sixteen times it, else the whole index.
    for (double margin : {2.0, 16.0}) {
      auto window = DateWindow(*built, options, margin, &whole);
      if (!window) break;
      page = FoldedPage(run, window->query, options, /*exact_total=*/false);
      windowed = page.shown.size() == options.limit;
      if (windowed) {
        response.total = page.Scaled(window->total);
        response.total_estimated = options.fold_copies || !window->exact;
        break;
      }
    }
    if (!windowed) {
      page = FoldedPage(run, built->query, options, /*exact_total=*/true);
      if (!whole) {
        // Complete: the matcher returned every match, so its count is exact.
        whole = page.complete ? Count{page.estimated, true}
                              : Matches(built->query, page.estimated, page.lower, page.upper);
      }
      response.total = page.Total(whole->n);
      // Past the matches read, copies are folded by the share among those read.
      response.total_estimated = !page.complete && (options.fold_copies || !whole->exact);
    }
    const std::vector<std::string> stem_heads = StemHeads(built->query);
    const SnippetNeedles needles(built->query);
    const std::string on = options.highlight_markers ? std::string(1, kMarkOn)
                           : options.highlight       ? "\x1b[1m"
                                                     : "";
    const std::string off = options.highlight_markers ? std::string(1, kMarkOff)
                            : options.highlight       ? "\x1b[0m"
                                                      : "";
    // The copy shown for each result, what it stores and its copies.
    struct Shown {
      Xapian::docid did;
      StoredArticle stored;
      std::vector<Xapian::docid> group;
    };
    std::vector<Shown> shown_docs;
    const std::size_t cap = options.max_linked + 1;
    std::set<std::string> dup_keys;
    for (const Match& it : page.shown) {
      if (!it.dup_key.empty()) dup_keys.insert(it.dup_key);
    }
    auto copies = Groups(schema::kPrefixDupKey, false, schema::kSlotDupKey, dup_keys, cap);
    // What a copy must match to be shown instead: the query, its date ranges
    // read from the few copies' day values rather than checked term by term
    // (a third of `2023-05..` went into checking its nine terms).
    Xapian::Query copies_match = built->query;
    if (built->days.first || built->days.last) {
      const Xapian::Query days =
          internal::DayRangeQuery(nullptr, built->days.first, built->days.last);
      copies_match = built->days.without.empty()
                         ? days
                         : Xapian::Query(Xapian::Query::OP_FILTER, built->days.without, days);
    }
    docs.Prefetch(AllOf(copies));  // the copies' ranks (Representative) and the copies listed
    for (const Match& it : page.shown) {
      std::vector<Xapian::docid> group;
      if (!it.dup_key.empty()) group = std::move(copies[it.dup_key]);
      Xapian::docid did = options.fold_copies
                              ? Representative(docs, it, copies_match, group, group.size() < cap)
                              : it.did;
      StoredArticle stored = internal::ReadStoredDoc(did == it.did ? it.doc : docs.Get(did));
      shown_docs.push_back(Shown{did, std::move(stored), std::move(group)});
    }
    std::vector<Xapian::docid> shown_dids;
    for (const Shown& s : shown_docs) shown_dids.push_back(s.did);
    docs.ReadValues(shown_dids, {schema::kSlotTranslation, schema::kSlotStatus});
    std::set<std::string> translation_keys;
    for (const Shown& s : shown_docs) {
      std::string key = docs.Value(s.did, schema::kSlotTranslation);
      if (!key.empty()) translation_keys.insert(std::move(key));
    }
    const auto translated = Groups(schema::kPrefixTranslation, true, schema::kSlotTranslation,
                                   translation_keys, TranslationCap(options.max_linked));
    docs.Prefetch(AllOf(translated));
    {
      // The translations' canonical URLs, languages and sources (ReadLinkedDoc).
      std::vector<Xapian::docid> others = AllOf(translated);
      std::erase_if(others, [&](Xapian::docid did) {
        return std::find(shown_dids.begin(), shown_dids.end(), did) != shown_dids.end();
      });
      docs.ReadValues(std::move(others), {schema::kSlotLinked});
    }
    const bool snippets = built->has_words && needles.has_terms();
    const Xapian::MSet mset = snippets ? SnippetMSet(built->query, shown_docs) : Xapian::MSet();
    // Percentages are relative to the best match of the whole query: in
    // date order the matcher's own are relative to the best it happened to
    // read, which differs between one index and shards.
    std::optional<Xapian::MSet> best;
    if (options.sort != SortOrder::kRelevance && !page.shown.empty()) {
      best = WeighedEnquire(WithoutPairedPositions(built->query), normalised).get_mset(0, 1);
    }
    std::uint32_t rank = options.offset;
    for (std::size_t k = 0; k < page.shown.size(); ++k) {
      const Match& it = page.shown[k];
      const Xapian::docid shown = shown_docs[k].did;
      const StoredArticle& stored = shown_docs[k].stored;
      const std::vector<Xapian::docid>& group = shown_docs[k].group;

      SearchHit hit;
      hit.rank = ++rank;
      hit.id = stored.id;
      hit.url = stored.canonical_url;
      hit.title = stored.title;
      hit.published = stored.published;
      hit.language = stored.language;
      hit.source = stored.source;
      if (docs.Value(shown, schema::kSlotStatus) == schema::kStatusRemoved) hit.status = "removed";
      hit.score = it.weight;
      hit.percent = best ? best->convert_to_percent(it.weight) : it.percent;
      // The snippet: around the matches in the text, or, without words to
      // match or a match in the text (a title match), the text's beginning
      // (Xapian would give the end of it: with no word weighing anything,
      // its last window is as good as its first).
      const std::string_view text = stored.text;
      std::string snippet;
      if (snippets) {
        const Xapian::Stem& stemmer = SnippetStemmer(stored.language, &stem_heads);
        snippet = WindowSnippet(mset, text, needles, options, stemmer);
        if (snippet.empty()) {
          snippet = mset.snippet(SafeText(text), options.snippet_bytes, stemmer,
                                 kSnippetFlags | Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH, "\x01",
                                 "\x02", "…");
        }
      }
      if (snippet.empty()) snippet = LeadSnippet(text, options.snippet_bytes);
      hit.snippet = CleanSnippet(snippet, on, off);
      for (Xapian::docid did : group) {
        if (did == shown || hit.copies.size() >= options.max_linked) continue;
        hit.copies.push_back(
            Linked(internal::ReadLinkedDoc(docs.Get(did), docs.Value(did, schema::kSlotLinked))));
      }
      SortLinked(&hit.copies);
      hit.translations = Translations(docs, shown, stored, options.max_linked, false, &translated);
      response.hits.push_back(std::move(hit));
    }
    for (auto& [lang, stemmer] : stemmers_) stemmer.second->SetStemHeads(nullptr);
    AddVersionCounts(&response.hits);

    if (options.facets) response.facets = CountFacets(built->query, whole);
    if (response.total < kFewResults && built->has_words) {
      response.suggestion = Suggest(options, response.total);
    }
    return response;
  }

  // The matches whose term weights choose the snippets' windows: the shown
  // documents alone (by their XID terms). Xapian's snippet weighs each
  // query term by its largest possible contribution to a document's weight
  // (the weighting scheme's bound), and BM25's bound depends on each
  // database's own bound of the term's wdf: for a query of several terms
  // (an OR, several words, or one word expanding to its stem and folded
  // forms) it weighed them differently through shards than in one index,
  // and another passage of the same text could be chosen. BM25 with k1 = 0
  // ignores the wdf: each term weighs its idf (rarer terms more), from the
  // whole collection's counts, the same through shards as in one index.
  // On local databases no document is matched: the weights are set when
  // the query's posting lists are opened, before the matcher would read
  // any (get_mset of no item), and the filter of XID terms would only cost
  // a B-tree lookup per shown document. A remote server returns them with
  // its matches, so through shards the shown documents are matched.
  template <typename ShownDocs>
  Xapian::MSet SnippetMSet(const Xapian::Query& query, const ShownDocs& shown) {
    if (!index_.has_remote()) {
      Xapian::Enquire enquire(db_);
      enquire.set_query(query);
      enquire.set_weighting_scheme(Xapian::BM25Weight(0, 0, 1, 0, 0.5));
      return enquire.get_mset(0, 0, Xapian::doccount{0});
    }
    std::vector<Xapian::Query> ids;
    for (const auto& s : shown) ids.emplace_back(std::string(schema::kPrefixId) + s.stored.id);
    Xapian::Enquire enquire(db_);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query,
                                    Xapian::Query(Xapian::Query::OP_OR, ids.begin(), ids.end())));
    enquire.set_weighting_scheme(Xapian::BM25Weight(0, 0, 1, 0, 0.5));
    const auto n = static_cast<Xapian::doccount>(ids.size() + 1);
    return enquire.get_mset(0, n, n);
  }

  // Whether a match spy sees the matches' docids: on one local database.
  // A remote server runs no spy of ours; over several databases (directory
  // shards) a spy is shown each sub-database's own docid, not the one the
  // matcher returns.
  bool SpiesSeeDocids() const { return OneLocalDatabase(); }

  // Records the documents the matcher finds, up to `cap` (a match spy sees
  // every match the matcher counts). SpiesSeeDocids() only.
  class MatchedDocids : public Xapian::MatchSpy {
   public:
    explicit MatchedDocids(std::size_t cap) : cap_(cap) {}
    void operator()(const Xapian::Document& doc, double) override {
      if (docids.size() <= cap_) docids.push_back(doc.get_docid());
    }
    bool complete() const { return docids.size() <= cap_; }
    std::vector<Xapian::docid> docids;

   private:
    std::size_t cap_;
  };

  // Records the matches the matcher weighs that may still be among the
  // `keep` heaviest (at or above the keep-th weight seen so far), so that
  // every match of the keep-th's final weight is among them: the matcher
  // shows a spy every candidate at or above its own threshold, which never
  // passes the keep-th weight. At most about `cap` are kept (`overflow()`
  // beyond). SpiesSeeDocids() only.
  class HeaviestMatches : public Xapian::MatchSpy {
   public:
    HeaviestMatches(std::size_t keep, std::size_t cap) : keep_(keep), cap_(cap) {}
    void operator()(const Xapian::Document& doc, double wt) override {
      if (wt < floor_ || overflow_) return;
      seen_.emplace_back(wt, doc.get_docid());
      if (top_.size() < keep_) {
        top_.push(wt);
      } else if (wt > top_.top()) {
        top_.pop();
        top_.push(wt);
      }
      if (top_.size() == keep_) floor_ = top_.top();
      if (seen_.size() > 2 * cap_ + keep_) Prune();
    }
    // The docids recorded of weight `wt`, ascending.
    std::vector<Xapian::docid> Of(double wt) const {
      std::vector<Xapian::docid> out;
      for (const auto& [w, did] : seen_) {
        if (w == wt) out.push_back(did);
      }
      std::sort(out.begin(), out.end());
      return out;
    }
    bool overflow() const { return overflow_; }

   private:
    void Prune() {
      std::erase_if(seen_, [&](const auto& e) { return e.first < floor_; });
      overflow_ = seen_.size() > cap_;
    }
    std::size_t keep_, cap_;
    double floor_ = -1;
    bool overflow_ = false;
    std::priority_queue<double, std::vector<double>, std::greater<>> top_;
    std::vector<std::pair<double, Xapian::docid>> seen_;
  };

  // The snippet of a window of `text` around the first place the query's
  // words may be (SnippetNeedles), or "" (no such place, or no match there).
  std::string WindowSnippet(const Xapian::MSet& mset, std::string_view text,
                            const SnippetNeedles& needles, const SearchOptions& options,
                            const Xapian::Stem& stemmer) {
    const std::size_t length = options.snippet_bytes;
    if (needles.empty() || text.size() <= 2 * length) return "";
    const std::size_t first = needles.First(text);
    if (first == std::string_view::npos || first < length) return "";
    // From the start of the sentence the match is in (when it starts within
    // a snippet's length before it), else from a word a snippet's length
    // before it; to well past it (a snippet ends within its length of the
    // match it is built around).
    std::size_t begin = first - length;
    bool mid_sentence = true;
    for (std::size_t k = first; k > begin; --k) {
      const char c = text[k - 1];
      if (c == '\n' || ((c == ' ') && k >= 2 &&
                        (text[k - 2] == '.' || text[k - 2] == '!' || text[k - 2] == '?'))) {
        begin = k;
        mid_sentence = false;
        break;
      }
    }
    if (mid_sentence) {
      const std::size_t space = text.find(' ', begin);
      if (space == std::string_view::npos || space >= first) return "";
      begin = space + 1;
    }
    std::size_t end = std::min(text.size(), first + 8 * length);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    const std::string window = SafeText(text.substr(begin, end - begin));
    std::string snippet = mset.snippet(window, length, stemmer,
                                       kSnippetFlags | Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH,
                                       "\x01", "\x02", "…");
    if (snippet.empty()) return "";
    // Xapian took the window's start for the text's: mark a cut sentence.
    if (mid_sentence && !snippet.starts_with("…")) {
      std::string plain;
      for (char c : snippet.substr(0, 64)) {
        if (c != '\x01' && c != '\x02') plain += c;
      }
      const std::size_t n = std::min<std::size_t>(16, plain.size());
      if (window.compare(0, n, plain, 0, n) == 0) snippet = "…" + snippet;
    }
    // And a cut text at the end (Xapian ends a snippet that reaches the end
    // of what it was given as it ends the text: without "…").
    if (end < text.size() && !snippet.ends_with("…") && !snippet.ends_with(".") &&
        !snippet.ends_with("!") && !snippet.ends_with("?")) {
      snippet += "…";
    }
    return snippet;
  }

  // The first matches of a query, in the order asked for.
  struct Fetched {
    std::vector<Match> items;
    bool complete = false;  // `items` holds every match
    std::uint64_t estimated = 0, lower = 0, upper = 0;
  };

  // An Enquire for `query` weighed as search weighs: an index with
  // length-normalised wdfs (schema.h, `normalised`) without reading
  // document lengths, the same ranking as BM25 on raw wdfs.
  Xapian::Enquire WeighedEnquire(const Xapian::Query& query, bool normalised) {
    Xapian::Enquire enquire(db_);
    enquire.set_query(Filtered(query));
    if (normalised) {
      enquire.set_weighting_scheme(
          Xapian::BM25Weight(schema::kBm25K1 * schema::kWdfScale, 0, 1, 0, 0.5));
    }
    return enquire;
  }

  // Whether `a` comes before `b` in `sort`, before ties are broken. The
  // matcher orders the same way (its sort is by the kSlotPublished value,
  // which a remote server runs), then by docid.
  static bool Before(const Match& a, const Match& b, SortOrder sort) {
    switch (sort) {
      case SortOrder::kRelevance:  // ties in weight: newest first, undated last
        if (a.weight != b.weight) return a.weight > b.weight;
        return a.published > b.published;
      case SortOrder::kNewest:
        if (a.published != b.published) return a.published > b.published;
        return a.weight > b.weight;
      case SortOrder::kOldest:  // undated last
        if (a.published.empty() != b.published.empty()) return b.published.empty();
        if (a.published != b.published) return a.published < b.published;
        return a.weight > b.weight;
    }
    return false;
  }
  static bool Tied(const Match& a, const Match& b, SortOrder sort) {
    return !Before(a, b, sort) && !Before(b, a, sort);
  }

  // A match as the matcher ranked it, and the matcher's counts.
  struct Hit {
    Xapian::docid did = 0;
    double weight = 0;
    int percent = 0;
    std::optional<std::string> published;  // its kSlotPublished value, when read
  };
  struct Ranked {
    std::vector<Hit> hits;
    std::uint64_t estimated = 0, lower = 0, upper = 0;
  };
  static Ranked RankedOf(const Xapian::MSet& m) {
    Ranked r;
    for (auto it = m.begin(); it != m.end(); ++it) {
      r.hits.push_back(Hit{*it, it.get_weight(), it.get_percent(), {}});
    }
    r.estimated = m.get_matches_estimated();
    r.lower = m.get_matches_lower_bound();
    r.upper = m.get_matches_upper_bound();
    return r;
  }

  // The first `n` matches of a weighed `query` in relevance order, ties in
  // weight newest first, on one local database: what Xapian's relevance-then-
  // value sort gives, without its reading the date of every candidate
  // that weighs as much as the heaviest it holds (callgrind: a fifth of a
  // common word's instructions at a million documents). Matched in
  // relevance order alone (ties by docid), one match more than asked, a spy
  // recording the heaviest candidates: when the extra match weighs less
  // than the n-th, the n matches are the page; otherwise the dates of the
  // matches of the n-th's weight (HeaviestMatches has them all) are read
  // in docid order and the newest taken. When they are too many to keep,
  // matched again as Xapian sorts.
  Ranked RelevanceThenNewest(const Xapian::Query& query, Xapian::doccount n, bool normalised,
                             Xapian::MatchSpy* spy, const internal::DayBounds& days) {
    constexpr std::size_t kMaxTied = 1u << 16;
    Xapian::Enquire enquire = WeighedEnquire(query, normalised);
    const Xapian::Query filtered = enquire.get_query();
    const Xapian::doccount read = n + 1;
    const Xapian::doccount check = std::max<Xapian::doccount>(kMinChecked, read);
    // A frequent word, alone or with filters, is matched among its
    // documents of highest wdf when they hold the matches read
    // (search/top_wdf.h): the same ones.
    std::optional<internal::NarrowableWord> word;
    std::optional<internal::Narrowed> narrowed;
    if (normalised && OneLocalDatabase()) {
      word = top_wdf_.WordOf(db_, filtered);
      if (word) narrowed = top_wdf_.Narrow(db_, filtered, *word);
    }
    if (narrowed && narrowed->documents < read) narrowed.reset();
    std::optional<HeaviestMatches> heaviest;
    Ranked first;
    if (narrowed) {
      enquire.set_query(narrowed->query);
      enquire.add_matchspy(&heaviest.emplace(read, kMaxTied));
      first = RankedOf(enquire.get_mset(0, read, check));
      if (first.hits.size() < read) {  // the filters left fewer in the list
        narrowed.reset();
        enquire.clear_matchspies();
        enquire.set_query(filtered);
      }
    }
    if (!narrowed) {
      if (spy != nullptr) enquire.add_matchspy(spy);
      enquire.add_matchspy(&heaviest.emplace(read, kMaxTied));
      first = RankedOf(enquire.get_mset(0, read, check));
    }
    if (narrowed) WholeMatchPercents(word->terms, &first);
    if (word && !word->alone) ProveBounds(filtered, narrowed.has_value(), check, &first);
    if (narrowed && word->alone) first.estimated = first.lower = first.upper = narrowed->termfreq;
    if (n == 0 || first.hits.size() <= n || first.hits[n].weight < first.hits[n - 1].weight) {
      if (first.hits.size() > n) first.hits.resize(n);
      return first;
    }
    const double edge = first.hits[n - 1].weight;
    std::size_t above = 0;
    while (first.hits[above].weight > edge) ++above;
    const std::vector<Xapian::docid> tied = heaviest->Of(edge);
    // The matcher gave n - above + 1 of them: the spy must hold as many.
    if (heaviest->overflow() || tied.size() <= n - above) {
      enquire.clear_matchspies();  // `spy` saw this query's matches once
      enquire.set_sort_by_relevance_then_value(schema::kSlotPublished, true);
      Ranked all = RankedOf(enquire.get_mset(0, n));
      if (narrowed) WholeMatchPercents(word->terms, &all);
      all.estimated = first.estimated, all.lower = first.lower, all.upper = first.upper;
      return all;
    }
    const int percent = first.hits[n - 1].percent;
    first.hits.resize(above);
    for (auto& [published, did] : NewestOf(tied, n - above, days))
      first.hits.push_back(Hit{did, edge, percent, std::move(published)});
    return first;
  }

  // The percentages of a match of a word narrowed to its documents of
  // highest wdf (TopWdfCache::Narrow) as the whole match gives them: each
  // match weighs its share of the heaviest (the first of `r`, read from the
  // first match); `terms`: NarrowableWord::terms.
  static void WholeMatchPercents(std::size_t terms, Ranked* r) {
    const double greatest = r->hits.empty() ? 0 : r->hits.front().weight;
    for (Hit& h : r->hits) h.percent = internal::PercentOf(h.weight, greatest, terms);
  }

  // The bounds of a narrowable word with filters (`filtered`), whole or
  // `narrowed`, matched checking at least `check`, as the matcher proves
  // them whatever the order it reads in (internal::ProvenBounds): the same
  // both ways.
  void ProveBounds(const Xapian::Query& filtered, bool narrowed, Xapian::doccount check,
                   Ranked* r) {
    const auto b = internal::ProvenBounds(
        db_, filtered,
        {static_cast<Xapian::doccount>(r->lower), static_cast<Xapian::doccount>(r->estimated),
         static_cast<Xapian::doccount>(r->upper)},
        narrowed, check);
    r->lower = b.lower;
    r->estimated = b.estimated;
    r->upper = b.upper;
  }

  // The `t` newest of `docids` (ascending), undated last, equal dates by
  // docid, each with its publication value: the values of
  // NewestCandidates read in one pass over the value stream.
  std::vector<std::pair<std::string, Xapian::docid>> NewestOf(
      const std::vector<Xapian::docid>& docids, std::size_t t, const internal::DayBounds& days) {
    const std::vector<Xapian::docid> candidates = NewestCandidates(docids, t, days);
    std::vector<std::pair<std::string, Xapian::docid>> dated;
    dated.reserve(candidates.size());
    internal::ValueCursor published(db_, schema::kSlotPublished);
    for (Xapian::docid did : candidates) dated.emplace_back(published.At(did), did);
    const std::size_t keep = std::min(t, dated.size());
    std::partial_sort(dated.begin(), dated.begin() + static_cast<std::ptrdiff_t>(keep), dated.end(),
                      [](const auto& a, const auto& b) {
                        if (a.first != b.first) return a.first > b.first;
                        return a.second < b.second;
                      });
    dated.resize(keep);
    return dated;
  }

  // Of `docids` (ascending), fewer (ascending) among which their `t`
  // newest are: those of the newest months (M terms) up to the month that
  // completes `t`. Every other one is of an older month, so older (the
  // term and the value are the same publication date). A common word's
  // matches of the heaviest weight were hundreds, and the publication
  // value of each was a block read of its own (611 of the 1,076 block
  // reads of `transport 2020..2021` at a million); the postings of a few
  // months are read instead, of the months `days` reach (every match is
  // within them). All of `docids` when the M terms do not hold every dated
  // document (an index written without them), when the dated among them
  // are fewer than `t` (the undated come last), or when the months read
  // would cost more than the values (kPostingsPerValue postings decoded in
  // place of each value: a word whose tied matches are all years old).
  std::vector<Xapian::docid> NewestCandidates(const std::vector<Xapian::docid>& docids,
                                              std::size_t t, const internal::DayBounds& days) {
    constexpr std::uint64_t kPostingsPerValue = 128;
    if (t == 0 || docids.size() <= t || !MonthTermsHoldDates()) return docids;
    const int first_month = days.first ? *days.first / 100 : 0;
    const int last_month = days.last ? *days.last / 100 : 999999;
    std::uint64_t budget = kPostingsPerValue * docids.size();
    std::vector<Xapian::docid> newer;  // of the months newer than the t-th's, and of its month
    const TermFreqList& months = MonthTerms();
    for (auto m = months.rbegin(); m != months.rend(); ++m) {
      const int month = internal::DateTermNumber(m->first, schema::kPrefixMonth.size());
      if (month > last_month) continue;
      if (month < first_month || m->second > budget) break;
      budget -= m->second;
      const std::vector<Xapian::docid> in_month = Among(m->first, docids);
      newer.insert(newer.end(), in_month.begin(), in_month.end());
      if (newer.size() >= t) {
        std::sort(newer.begin(), newer.end());
        return newer;
      }
    }
    return docids;
  }

  // Of `docids` (ascending), those in the posting list of `term`
  // (ascending): each side skips to the other's next.
  std::vector<Xapian::docid> Among(const std::string& term,
                                   const std::vector<Xapian::docid>& docids) const {
    std::vector<Xapian::docid> out;
    Xapian::PostingIterator p = db_.postlist_begin(term);
    const Xapian::PostingIterator end = db_.postlist_end(term);
    auto d = docids.begin();
    while (d != docids.end() && p != end) {
      if (*p < *d) {
        p.skip_to(*d);
      } else if (*p > *d) {
        d = std::lower_bound(d, docids.end(), *p);
      } else {
        out.push_back(*d);
        ++d;
        ++p;
      }
    }
    return out;
  }

  // Whether every document with a publication value has its M term
  // (NewestCandidates): as many as values. Once per opening (UseDb).
  bool MonthTermsHoldDates() {
    if (!month_terms_hold_dates_) {
      month_terms_hold_dates_ =
          DocumentsOf(MonthTerms()) == db_.get_value_freq(schema::kSlotPublished);
    }
    return *month_terms_hold_dates_;
  }

  // Whether Fetch's matches of `query` in `sort` come from the matcher in
  // their whole order, ties broken as Before() and then by the kSlotLinked
  // value (canonical URL): the relevance order of a query whose every
  // weight is 0 (filters alone: date order, every document of a day tied)
  // on local databases, sorted by a KeyMaker of both values; through
  // remote shards, in every order (DateThenLinked). Then a
  // page needs no second read for ties. Not for weighed queries: the
  // KeyMaker reads both values of nearly every match (+20-60% for a common
  // word).
  bool MatcherOrdersTies(const Xapian::Query& query, SortOrder sort) const {
    if (!internal::Weightless(query)) return false;
    return index_.has_remote() || sort == SortOrder::kRelevance;
  }

  // The documents with a publication date (a kSlotPublished value).
  static Xapian::Query Dated() {
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotPublished, "0");
  }

  // The first `count` matches of `q` in kSlotLinked (canonical URL) order,
  // at least `checked` of them counted: a value sort, which a remote server
  // runs.
  Xapian::MSet ByLinked(const Xapian::Query& q, Xapian::doccount count, Xapian::doccount checked,
                        bool normalised) {
    Xapian::Enquire enquire = WeighedEnquire(q, normalised);
    enquire.set_sort_by_value(schema::kSlotLinked, false);
    return enquire.get_mset(0, count, checked);
  }

  // Through remote shards, the first `n` matches of a weightless `query`
  // (filters alone: every weight 0) in date order, newest (or oldest)
  // first, undated last, ties in publication broken by the kSlotLinked
  // value, as the KeyMaker of MatcherOrdersTies orders them on local
  // databases (a remote server runs no KeyMaker). The matcher's first n
  // dated matches by publication; the places from the first match that
  // shares the n-th's publication are filled with the matches of that
  // publication sorted by the kSlotLinked value (a value sort, which a
  // remote server runs); when fewer are dated, the undated ones follow in
  // kSlotLinked order. No document is read for it (a day's releases all
  // tie: reading them all was a round trip each).
  Ranked DateThenLinked(const Xapian::Query& query, Xapian::doccount n, bool newest,
                        bool normalised) {
    const Xapian::Query dated(Xapian::Query::OP_FILTER, query, Dated());
    Xapian::Enquire enquire = WeighedEnquire(newest ? query : dated, normalised);
    enquire.set_sort_by_value_then_relevance(schema::kSlotPublished, newest);
    const Xapian::MSet first = enquire.get_mset(0, n, std::max<Xapian::doccount>(kMinChecked, n));
    Ranked r = RankedOf(first);
    if (!newest) {
      // Oldest first, those are the dated matches; the undated follow, and
      // are counted with them.
      const auto rest =
          static_cast<Xapian::doccount>(n - std::min<Xapian::doccount>(n, first.size()));
      const Xapian::MSet u =
          ByLinked(Xapian::Query(Xapian::Query::OP_AND_NOT, query, Dated()), rest,
                   std::max<Xapian::doccount>(kMinChecked, rest), normalised);
      for (auto it = u.begin(); it != u.end(); ++it) r.hits.push_back(Hit{*it, 0, 0, {}});
      r.estimated += u.get_matches_estimated();
      r.lower += u.get_matches_lower_bound();
      r.upper += u.get_matches_upper_bound();
    }
    // Fewer than n: every match (Fetch orders them).
    if (n == 0 || first.size() < n) return r;
    const std::string edge = first[n - 1].get_sort_key();
    std::size_t before = 0;
    for (auto it = first.begin(); it != first.end() && it.get_sort_key() != edge; ++it) ++before;
    const auto places = static_cast<Xapian::doccount>(n - before);
    const std::vector<Xapian::docid> group = PublishedAtByLinked(query, edge, places, normalised);
    const Hit at_edge = r.hits[n - 1];
    r.hits.resize(before);
    for (Xapian::docid did : group) r.hits.push_back(Hit{did, at_edge.weight, at_edge.percent, {}});
    return r;
  }

  // The first `places` matches of a weightless `query` published at `edge`
  // (a kSlotPublished value; "": undated), in kSlotLinked order. Dated:
  // among the matches of the edge's day (its D term), sorted once by
  // publication to find those at the edge and once by kSlotLinked; a value
  // range on the publication was read over the whole value stream by each
  // server (30 ms at a million), a day term's postings are few. A day of
  // more than kMaxDay matches, or a month whose documents do not all have
  // their D term (an index written before them): the value range.
  std::vector<Xapian::docid> PublishedAtByLinked(const Xapian::Query& query,
                                                 const std::string& edge, Xapian::doccount places,
                                                 bool normalised) {
    constexpr Xapian::doccount kMaxDay = 4096;
    auto by_linked = [&](const Xapian::Query& q, Xapian::doccount count) {
      const Xapian::MSet m = ByLinked(q, count, count, normalised);
      return std::vector<Xapian::docid>(m.begin(), m.end());
    };
    if (edge.empty()) {  // undated: last in either order
      return by_linked(Xapian::Query(Xapian::Query::OP_AND_NOT, query, Dated()), places);
    }
    std::set<Xapian::docid> at_edge;
    Xapian::doccount day_matches = kMaxDay;
    const Xapian::Query that_day(
        Xapian::Query::OP_FILTER, query,
        Xapian::Query(std::string(schema::kPrefixDay) + edge.substr(0, 8)));
    if (DaysHoldTheMonth(edge.substr(0, 6))) {
      Xapian::Enquire dated = WeighedEnquire(that_day, normalised);
      dated.set_sort_by_value(schema::kSlotPublished, true);
      const Xapian::MSet published = dated.get_mset(0, kMaxDay, kMaxDay);
      day_matches = published.size();
      for (auto it = published.begin(); it != published.end(); ++it) {
        if (it.get_sort_key() == edge) at_edge.insert(*it);
      }
    }
    if (day_matches < kMaxDay && !at_edge.empty()) {
      std::vector<Xapian::docid> out;
      for (Xapian::docid did : by_linked(that_day, day_matches)) {
        if (out.size() == places) break;
        if (at_edge.count(did) != 0) out.push_back(did);
      }
      return out;
    }
    const Xapian::Query range(Xapian::Query::OP_VALUE_RANGE, schema::kSlotPublished, edge, edge);
    return by_linked(Xapian::Query(Xapian::Query::OP_FILTER, query, range), places);
  }

  // The first `maxitems` matches of `query` in the order `sort`, ties
  // broken by canonical URL rather than by docid (which differs between
  // one index and shards). Sorted by the publication value, which a
  // remote shard can run (it cannot run a KeyMaker); in relevance order on
  // local databases, by publication and then the kSlotLinked value
  // (MatcherOrdersTies). Oldest first reads the dated matches, then the
  // undated ones (a value sort ascending would put them first).
  Fetched Fetch(DocReader& docs, const Xapian::Query& query, Xapian::doccount maxitems,
                SortOrder sort, bool normalised, Xapian::MatchSpy* spy,
                const internal::DayBounds& days) {
    Xapian::MultiValueKeyMaker newest_then_linked;
    newest_then_linked.add_value(schema::kSlotPublished, /*reverse=*/true);
    newest_then_linked.add_value(schema::kSlotLinked);
    auto get = [&](const Xapian::Query& q, Xapian::doccount n, SortOrder order) {
      Xapian::Enquire enquire = WeighedEnquire(q, normalised);
      if (spy != nullptr) enquire.add_matchspy(spy);
      switch (order) {
        case SortOrder::kRelevance:
          if (MatcherOrdersTies(q, order) && !index_.has_remote()) {
            enquire.set_sort_by_relevance_then_key(&newest_then_linked, false);
          } else {
            enquire.set_sort_by_relevance_then_value(schema::kSlotPublished, true);
          }
          break;
        case SortOrder::kNewest:
          enquire.set_sort_by_value_then_relevance(schema::kSlotPublished, true);
          break;
        case SortOrder::kOldest:
          enquire.set_sort_by_value_then_relevance(schema::kSlotPublished, false);
          break;
      }
      return enquire.get_mset(0, n, std::max<Xapian::doccount>(kMinChecked, n));
    };
    Fetched f;
    auto add = [&](const Ranked& r) {
      std::vector<Xapian::docid> dids;
      for (const Hit& h : r.hits) dids.push_back(h.did);
      docs.Prefetch(dids);
      docs.ReadValues(dids, {schema::kSlotDupKey});
      for (const Hit& h : r.hits) {
        // The date NewestOf read, for OrderFetched.
        if (h.published) docs.Remember(h.did, schema::kSlotPublished, *h.published);
        Match x;
        x.did = h.did;
        x.weight = h.weight;
        x.percent = h.percent;
        x.doc = docs.Get(x.did);
        x.dup_key = docs.Value(x.did, schema::kSlotDupKey);
        f.items.push_back(std::move(x));
      }
      f.estimated += r.estimated;
      f.lower += r.lower;
      f.upper += r.upper;
    };
    if (sort == SortOrder::kRelevance && SpiesSeeDocids() && !MatcherOrdersTies(query, sort)) {
      add(RelevanceThenNewest(query, maxitems, normalised, spy, days));
    } else if (index_.has_remote() && MatcherOrdersTies(query, sort)) {
      add(DateThenLinked(query, maxitems, sort != SortOrder::kOldest, normalised));
    } else if (sort != SortOrder::kOldest) {
      add(RankedOf(get(query, maxitems, sort)));
    } else {
      add(RankedOf(get(Xapian::Query(Xapian::Query::OP_FILTER, query, Dated()), maxitems, sort)));
      const auto rest = static_cast<Xapian::doccount>(maxitems - f.items.size());
      add(RankedOf(get(Xapian::Query(Xapian::Query::OP_AND_NOT, query, Dated()), rest,
                       SortOrder::kRelevance)));
    }
    f.complete = f.items.size() < maxitems;
    // On local databases the matcher's order is the whole order when it
    // broke the ties itself (by the KeyMaker; through remote shards
    // DateThenLinked leaves a date's matches to be ordered here).
    if (index_.has_remote() || !MatcherOrdersTies(query, sort)) {
      OrderFetched(docs, sort, &f.items);
    }
    return f;
  }

  // Sorts `items` as Before() does, ties by canonical URL. Reads the
  // values the order needs and no more (each is a block read or two at a
  // million documents): the date of every match in date order, in
  // relevance order only of the matches whose weight another shares; the
  // canonical URL only of the matches still tied.
  static void OrderFetched(DocReader& docs, SortOrder sort, std::vector<Match>* items) {
    auto read = [&](const std::vector<Match*>& wanted, Xapian::valueno slot,
                    std::string Match::*field) {
      std::vector<Xapian::docid> dids;
      for (const Match* x : wanted) dids.push_back(x->did);
      docs.ReadValues(dids, {slot});
      for (Match* x : wanted) x->*field = docs.Value(x->did, slot);
    };
    std::vector<Match*> dated;
    if (sort == SortOrder::kRelevance) {
      std::map<double, std::size_t> weights;
      for (const Match& x : *items) ++weights[x.weight];
      for (Match& x : *items) {
        if (weights[x.weight] > 1) dated.push_back(&x);
      }
    } else {
      for (Match& x : *items) dated.push_back(&x);
    }
    read(dated, schema::kSlotPublished, &Match::published);
    auto before = [&](const Match& a, const Match& b) { return Before(a, b, sort); };
    std::stable_sort(items->begin(), items->end(), before);
    // Each run of tied matches, by canonical URL.
    for (auto run = items->begin(); run != items->end();) {
      auto end =
          std::find_if(run + 1, items->end(), [&](const Match& x) { return before(*run, x); });
      if (end - run > 1) {
        std::vector<Match*> tied;
        for (auto it = run; it != end; ++it) tied.push_back(&*it);
        read(tied, schema::kSlotLinked, &Match::linked);
        std::stable_sort(run, end,
                         [](const Match& a, const Match& b) { return a.linked < b.linked; });
      }
      run = end;
    }
  }

  // A page of results: the matches shown, in order.
  struct Page {
    std::vector<Match> shown;
    std::uint64_t estimated = 0;         // the matcher's estimate (copies included)
    std::uint64_t lower = 0, upper = 0;  // and its bounds
    bool complete = false;               // every match was read
    std::uint64_t groups = 0;            // if complete: the matches, copies folded
    double kept_share = 1;               // of the matches read, the share not folded away
    // The total to report for `matches` (copies included) matches.
    std::uint64_t Total(std::uint64_t matches) const { return complete ? groups : Scaled(matches); }
    // `matches` of which the same share is folded away as of those read.
    std::uint64_t Scaled(std::uint64_t matches) const {
      return static_cast<std::uint64_t>(std::llround(static_cast<double>(matches) * kept_share));
    }
  };

  // The page asked for (offset, limit), with republished copies folded into
  // one result (fold_copies): the first of a group in the order is the
  // group's place, as Xapian's collapse keeps the best-ranked document of a
  // key. Folded here, not by the matcher: a collapse key makes the matcher
  // read the near-duplicate key of every candidate (a sixth of the work of
  // matching a common word on 100,000 documents), while copies are rare and
  // only the results read need their keys. The matches are read from the
  // first, a little more than the page, and read again with twice as many
  // when copies leave the page short, or when the last match read ties with
  // the last one shown (a tie is broken by canonical URL, so all of the
  // tied must be read: all the matches at once when they are few; not when
  // the matcher broke the ties itself, MatcherOrdersTies). Small totals
  // stay exact: when the matcher counted every match (up to kMinChecked),
  // all are read and folded (`exact_total`; not for a date window's query,
  // whose total is the whole query's, scaled). Without folding (--all),
  // every match is its own result.
  template <typename Run>
  Page FoldedPage(Run& run, const Xapian::Query& query, const SearchOptions& options,
                  bool exact_total) {
    Page page;
    constexpr std::uint64_t kMaxFetch = 1u << 30;
    constexpr std::uint64_t kMaxTieRead = 4096;
    const std::uint64_t wanted = std::uint64_t{options.offset} + options.limit;
    auto fetch = static_cast<Xapian::doccount>(
        std::min(kMaxFetch, options.fold_copies ? wanted + wanted / 2 + 10 : wanted + 1));
    for (;;) {
      // Without remote shards, a spy of our own records the matches the
      // matcher counts, so that a small total is folded without matching
      // again (a remote server cannot run it: then the matches are read again).
      MatchedDocids all(kMinChecked);
      Fetched m = run(query, fetch, SpiesSeeDocids() ? &all : nullptr);
      page.complete = m.complete;
      std::unordered_set<std::string> keys;
      std::vector<std::size_t> kept;  // indexes in m.items
      for (std::size_t i = 0; i < m.items.size(); ++i) {
        const std::string& key = m.items[i].dup_key;
        if (!options.fold_copies || key.empty() || keys.insert(key).second) kept.push_back(i);
      }
      const bool more = fetch < kMaxFetch;
      if ((kept.size() >= wanted || page.complete || !more)) {
        // The last match read ties with the last one shown: read more.
        const std::size_t last_shown =
            wanted == 0 || kept.empty() ? 0 : kept[std::min<std::size_t>(wanted, kept.size()) - 1];
        if (!page.complete && more && !m.items.empty() && !MatcherOrdersTies(query, options.sort) &&
            Tied(m.items[last_shown], m.items.back(), options.sort)) {
          // Each read sorts every match again: when the matches are few
          // (as in a date window whose documents share a day), all of them.
          std::uint64_t next = 2ull * fetch;
          if (m.upper < kMaxTieRead) next = std::max<std::uint64_t>(next, m.upper + 1);
          fetch = static_cast<Xapian::doccount>(std::min<std::uint64_t>(kMaxFetch, next));
          continue;
        }
        page.groups = kept.size();
        // The matcher counted every match (at most kMinChecked): fold the
        // ones past the page too, for an exact total: those the spy saw,
        // else read again.
        if (exact_total && !page.complete && m.lower == m.upper && m.upper <= kMinChecked &&
            m.upper >= fetch) {
          if (index_.has_remote()) {
            // No spy ran: the matcher folds them, by the near-duplicate key
            // it sends with each match (no document is read; one round trip
            // per shard instead of one per match).
            page.groups = options.fold_copies ? FoldedCount(query, m.upper) : m.upper;
            page.complete = true;
          } else if (!all.complete() || all.docids.size() != m.upper) {
            fetch = static_cast<Xapian::doccount>(m.upper + 1);
            continue;
          }
          std::set<Xapian::docid> in_page;
          for (const Match& x : m.items) in_page.insert(x.did);
          for (Xapian::docid did : all.docids) {
            if (in_page.count(did) != 0) continue;
            const std::string key = db_.get_document(did).get_value(schema::kSlotDupKey);
            if (!options.fold_copies || key.empty() || keys.insert(key).second) ++page.groups;
          }
          page.complete = true;
        }
        page.estimated = m.estimated;
        page.lower = m.lower;
        page.upper = m.upper;
        page.kept_share = m.items.empty() ? 1.0
                                          : static_cast<double>(kept.size()) /
                                                static_cast<double>(m.items.size());
        for (std::uint64_t k = options.offset; k < kept.size() && k < wanted; ++k) {
          page.shown.push_back(std::move(m.items[kept[k]]));
        }
        return page;
      }
      fetch = static_cast<Xapian::doccount>(std::min<std::uint64_t>(kMaxFetch, 2ull * fetch));
    }
  }

  // The matches of `query` (at most `matches`, all of them counted by the
  // matcher) with copies folded: Xapian's collapse on the near-duplicate
  // key, which keeps every match without a key. When the matcher's count
  // turns out to exceed `matches` (the index changed), the unfolded count.
  std::uint64_t FoldedCount(const Xapian::Query& query, std::uint64_t matches) {
    Xapian::Enquire enquire(db_);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_collapse_key(schema::kSlotDupKey, 1);
    const auto n = static_cast<Xapian::doccount>(matches + 1);
    const Xapian::MSet folded = enquire.get_mset(0, n, n);
    return folded.size() < n ? folded.size() : matches;
  }

  // How many documents a query matches (Matches).
  struct Count {
    std::uint64_t n = 0;
    bool exact = false;
  };

  struct Window {
    Xapian::Query query;  // the query restricted to the window's months and days
    std::uint64_t total;  // the whole query's estimated matches (copies included)
    bool exact;           // total is exact
  };

  // The M terms with their frequencies, oldest first, from the date terms
  // read once per opening of the databases (DateTerms), as the D terms of
  // a month are (MonthDays): they are the same for every query, and
  // through a remote shard a walk of the terms is a message per term.
  const TermFreqList& MonthTerms() {
    if (!month_terms_) {
      month_terms_ = DateTerms()->WithFreqs(std::string(schema::kPrefixMonth), "", 6);
    }
    return *month_terms_;
  }

  // Results in date order (newest or oldest first, or a query whose every
  // weight is 0, as filters alone) come from the newest (oldest) months
  // first: the sort would otherwise read the date of every match. The
  // window is the fewest months, from that end, expected to hold `margin`
  // times the results asked for (offset + limit), judged by the share of
  // the index the query matches, its last month cut to the days needed
  // (MonthDays): the sort reads the date of every match in the window, a
  // month of a large index is thousands of documents, and a page's ties in
  // date are read again (FoldedPage). Every document inside sorts before
  // every one outside (the M and D terms and the sort value are the same
  // publication date), so when the window fills the page, the page is
  // exact. Only the months the query's date ranges reach are read (a range
  // in the past no longer widens the window to the whole index), a month
  // they cut by its days inside them; a window inside the ranges is
  // searched without them (their Y/M/D terms checked for every match cost
  // a third of `2023-05..`). nullopt: search the whole index (few matches,
  // no month terms, relevance order).
  // `*whole`: the whole query's matches, counted here unless already.
  std::optional<Window> DateWindow(const internal::BuiltQuery& built, const SearchOptions& options,
                                   double margin, std::optional<Count>* whole) {
    if (options.limit == 0) return std::nullopt;
    // Relevance order is date order (newest first) when every weight is 0.
    if (options.sort == SortOrder::kRelevance && !internal::Weightless(built.query))
      return std::nullopt;
    const bool newest_first = options.sort != SortOrder::kOldest;
    const std::uint64_t wanted = std::uint64_t{options.offset} + options.limit;
    // The months the query's date ranges reach, from the end read first.
    const std::optional<int> first = built.days.first, last = built.days.last;
    // YYYYMM; -1, outside every range, for a term of another indexer's.
    auto month_of = [](const std::string& term) {
      return internal::DateTermNumber(term, schema::kPrefixMonth.size());
    };
    TermFreqList months;  // oldest first
    for (const auto& month : MonthTerms()) {
      const int yyyymm = month_of(month.first);
      if ((first && yyyymm * 100 + 31 < *first) || (last && yyyymm * 100 + 1 > *last)) continue;
      months.push_back(month);
    }
    if (newest_first) std::reverse(months.begin(), months.end());
    // A month the ranges cut is read by its days inside them.
    auto in_range = [&](const std::string& day_term) {
      const int day = internal::DateTermNumber(day_term, schema::kPrefixDay.size());
      return (!first || day >= *first) && (!last || day <= *last);
    };
    auto cut = [&](int yyyymm) {
      return (first && yyyymm * 100 + 1 < *first) || (last && yyyymm * 100 + 31 > *last);
    };
    double docs = 0;         // the documents the ranges hold
    bool docs_exact = true;  // every month they cut has its D terms
    for (const auto& [term, freq] : months) {
      const bool month_cut = cut(month_of(term));
      const auto days = month_cut ? MonthDays(term, freq) : TermFreqList{};
      if (days.empty()) docs += freq;
      docs_exact = docs_exact && !(month_cut && days.empty());
      for (const auto& [day, day_freq] : days) docs += in_range(day) ? day_freq : 0;
    }
    // A query of date ranges alone matches the documents of their days: its
    // Y, M and D terms are disjoint, so their frequencies count it exactly.
    if (!*whole && built.days.without.empty() && docs_exact && !months.empty()) {
      *whole = Count{static_cast<std::uint64_t>(docs), true};
    }
    // Else the total as the whole search would estimate it (copies included).
    if (!*whole) {
      Xapian::Enquire count(db_);
      count.set_query(built.query);
      count.set_weighting_scheme(Xapian::BoolWeight());
      const Xapian::doccount check = std::max<Xapian::doccount>(
          kMinChecked, static_cast<Xapian::doccount>(std::min<std::uint64_t>(wanted, 1u << 30)));
      const Xapian::MSet counted = count.get_mset(0, 0, check);
      *whole = Matches(built.query, counted.get_matches_estimated(),
                       counted.get_matches_lower_bound(), counted.get_matches_upper_bound());
    }
    const Count matches = **whole;
    const std::uint64_t total = matches.n;
    if (total < 4 * wanted + kMinChecked || docs == 0) return std::nullopt;

    const double share = std::min(1.0, static_cast<double>(total) / docs);
    const double goal = margin * static_cast<double>(wanted);
    std::vector<Xapian::Query> window;
    double expected = 0;
    bool short_of_ranges = false;  // part of the ranges is left out
    bool inside = true;            // every term of the window is inside the ranges
    for (const auto& [term, freq] : months) {
      if (expected >= goal) {
        short_of_ranges = true;
        break;
      }
      const bool whole_month = !cut(month_of(term));
      if (whole_month && expected + share * freq <= goal) {
        window.emplace_back(term);
        expected += share * freq;
        continue;
      }
      // The last month, or one the ranges cut: its days, from the same end.
      auto days = MonthDays(term, freq);
      if (days.empty()) {  // an index written without D terms
        window.emplace_back(term);
        expected += share * freq;
        inside = inside && whole_month;
        continue;
      }
      if (newest_first) std::reverse(days.begin(), days.end());
      for (const auto& [day, day_freq] : days) {
        if (!in_range(day)) continue;
        if (expected >= goal) {
          short_of_ranges = true;
          break;
        }
        window.emplace_back(day);
        expected += share * day_freq;
      }
      if (short_of_ranges) break;
    }
    if (window.empty() || !short_of_ranges) return std::nullopt;
    Xapian::Query in_window(Xapian::Query::OP_OR, window.begin(), window.end());
    // Inside the ranges, the window says all they do: they are not read.
    Xapian::Query query(Xapian::Query::OP_FILTER, built.query, in_window);
    if (inside && built.days.without.empty()) {  // the query was ranges alone
      query = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, in_window, 0.0);
    } else if (inside) {
      query = Xapian::Query(Xapian::Query::OP_FILTER, built.days.without, in_window);
    }
    return Window{query, total, matches.exact};
  }

  // Whether every document of the month YYYYMM has its D term (MonthDays).
  bool DaysHoldTheMonth(const std::string& yyyymm) {
    const std::string month = std::string(schema::kPrefixMonth) + yyyymm;
    for (const auto& [term, freq] : MonthTerms()) {
      if (term == month) return !MonthDays(term, freq).empty();
    }
    return false;
  }

  // The D terms of the month whose M term is `month` (of `freq`
  // documents), oldest first, from the date terms read once per opening
  // (DateTerms); none when they do not hold its every document (an index
  // written without them).
  TermFreqList MonthDays(const std::string& month, Xapian::doccount freq) {
    TermFreqList days = DateTerms()->WithFreqs(std::string(schema::kPrefixDay),
                                               month.substr(schema::kPrefixMonth.size()), 8);
    if (DocumentsOf(days) != freq) return {};
    return days;
  }

  // How many documents `query` matches, of which the matcher gave
  // `estimated` within [lower, upper]: on local databases, when the bounds
  // differ, from a sample spread over the index (search/match_sample.h):
  // Xapian's estimate of an AND takes its words as independent, and was off
  // by 7x for two words of one language at a million documents. Through a
  // remote shard (which cannot run the sample's PostingSource), the
  // matcher's estimate.
  Count Matches(const Xapian::Query& query, std::uint64_t estimated, std::uint64_t lower,
                std::uint64_t upper) {
    if (index_.has_remote()) return {estimated, lower == upper};
    const internal::MatchCount c =
        internal::CountMatches(db_, Filtered(WithoutPairedPositions(query)), lower, upper);
    return {c.estimate, c.exact};
  }

  // Counts of the matches (copies included, as match spies see documents
  // before collapsing) by source, language, year, month and status: exact up to
  // 10,000 matches, above that estimated from a sample (search/facets.h). A
  // pass of its own: no weights, no sort key, no collapse key to read.
  // `whole`: the query's matches, when the search counted them.
  Facets CountFacets(const Xapian::Query& query, const std::optional<Count>& whole) {
    internal::FacetOptions options;
    options.local_only = !index_.has_remote();
    Facets f = internal::CountFacets(db_, Filtered(WithoutPairedPositions(query)), options,
                                     whole ? std::optional<std::uint64_t>(whole->n) : std::nullopt);
    SortFacet(&f.sources, false);
    SortFacet(&f.languages, false);
    SortFacet(&f.years, true);
    SortFacet(&f.statuses, false);
    return f;
  }

  // A corrected query, when it finds more than the query as typed.
  std::optional<std::string> Suggest(const SearchOptions& options, std::uint64_t total) {
    // The remote backend has no spelling data: the local index's (and the
    // directory shards') words; the corrected query is counted on all.
    if (index_.SpellingDb().size() == 0) return std::nullopt;
    std::string corrected = internal::CorrectSpelling(index_.SpellingDb(), options);
    if (corrected.empty() || corrected == options.query) return std::nullopt;
    SearchOptions other = options;
    other.query = corrected;
    auto built = internal::BuildQuery(db_, other, Pairs(), DateTerms());
    if (!built.ok()) return std::nullopt;
    Xapian::Enquire enquire(db_);
    enquire.set_query(built->query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    Xapian::MSet mset = enquire.get_mset(0, 1, kMinChecked);
    if (mset.get_matches_estimated() <= total) return std::nullopt;
    return RestoreCase(options.query, corrected);
  }

  std::optional<Xapian::docid> FindByTerm(const std::string& term) {
    auto p = db_.postlist_begin(term);
    if (p == db_.postlist_end(term)) return std::nullopt;
    return *p;
  }

  std::optional<Xapian::docid> FindByUrl(const std::string& url) {
    std::vector<std::string> candidates;
    std::string normal = NormalizeUrl(url);
    if (!normal.empty()) candidates.push_back(normal);
    if (normal != url) candidates.push_back(url);
    // The indexer adds U terms for the canonical and the fetched URL.
    for (const auto& c : candidates) {
      if (auto d = FindByTerm(std::string(schema::kPrefixId) + DocumentId(c))) return d;
      if (auto d = FindByTerm(BooleanTerm(schema::kPrefixUrl, c))) return d;
    }
    return std::nullopt;
  }

  Result<StoredArticle> DoShow(std::string_view url_or_id) {
    std::string key(url_or_id);
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.front()))) key.erase(0, 1);
    if (key.starts_with("id:")) key.erase(0, 3);
    if (key.empty()) return Status::Usage("show: give a URL or an id");
    std::optional<Xapian::docid> did;
    bool is_id = key.size() == 16 && std::all_of(key.begin(), key.end(), [](char c) {
                   return std::isxdigit(static_cast<unsigned char>(c));
                 });
    if (is_id) {
      did = FindByTerm(std::string(schema::kPrefixId) + AsciiLower(key));
    } else {
      did = FindByUrl(key);
    }
    if (!did) {
      std::string where = "in the index";
      const std::vector<std::string> down = index_.down();
      if (!down.empty()) {
        where += " (it may be on a shard that is down:";
        for (const auto& name : down) where += " " + name;
        where += ")";
      }
      return Status::Runtime(
          "no article with " + std::string(is_id ? "id" : "URL") + " '" + key + "' " + where,
          down.empty() ? "find articles with pressarc search; ids are the 16-hex-digit "
                         "\"id\" of search --json"
                       : "start the shard's server (xapian-tcpsrv), or check [search] shards");
    }
    Xapian::Document doc = db_.get_document(*did);
    StoredArticle s = internal::ReadStoredDoc(doc);
    StoredArticle a;
    a.id = s.id;
    a.url = s.url;
    a.canonical_url = s.canonical_url;
    a.title = s.title;
    a.published = s.published;
    a.language = s.language;
    a.text = s.text;
    a.source = s.source;
    a.translation_key = s.translation_key;
    a.fetched_at = s.fetched_at;
    a.archive_file = s.archive_file;
    a.archive_offset = s.archive_offset;
    if (doc.get_value(schema::kSlotStatus) == schema::kStatusRemoved) a.status = "removed";
    AddHistory(&a);
    // The translations' and copies' documents are read before use: through
    // remote shards, a thread per shard (DocReader::Prefetch).
    DocReader docs(db_, index_);
    a.translations = Translations(docs, *did, s, 100, true);
    const std::vector<Xapian::docid> copies = Copies(doc, 101);
    docs.Prefetch(copies);
    for (Xapian::docid copy : copies) {
      if (copy != *did) a.copies.push_back(Linked(internal::ReadStoredDoc(docs.Get(copy))));
    }
    SortLinked(&a.copies);
    return a;
  }

  // The snippet stemmer for documents of `lang`, kept for the searcher's
  // life, stemming only words that may stem to one of `heads`.
  const Xapian::Stem& SnippetStemmer(const std::string& lang,
                                     const std::vector<std::string>* heads) {
    auto it = stemmers_.find(lang);
    if (it == stemmers_.end()) {
      auto* memo = new MemoStem(StemmerFor(lang));
      it = stemmers_.emplace(lang, std::make_pair(Xapian::Stem(memo), memo)).first;
    }
    it->second.second->SetStemHeads(heads);
    return it->second.first;
  }

  // The catalogue, opened read-only on first use; nullptr when there is none.
  Catalogue* Versions() {
    if (!catalogue_tried_) {
      catalogue_tried_ = true;
      auto c = Catalogue::OpenReadOnly(data_dir_ + "/state.sqlite");
      if (c.ok()) catalogue_ = std::move(c.value());
    }
    return catalogue_.get();
  }

  void AddVersionCounts(std::vector<SearchHit>* hits) {
    if (hits->empty() || !Versions()) return;
    std::vector<std::string> urls;
    for (const auto& h : *hits) urls.push_back(h.url);
    const std::map<std::string, int> counts = catalogue_->VersionCounts(urls);
    for (auto& h : *hits) {
      auto it = counts.find(h.url);
      if (it != counts.end()) h.versions = it->second;
      if (catalogue_->Removed(h.url)) h.status = "removed";
    }
  }

  void AddHistory(StoredArticle* a) {
    std::vector<ArticleVersion> versions;
    if (Versions()) versions = catalogue_->Versions(a->canonical_url);
    for (const auto& v : versions) a->history.push_back({v.version, v.fetched_at});
    if (a->history.empty()) a->history.push_back({1, a->fetched_at});
    a->versions = static_cast<int>(a->history.size());
    if (!catalogue_) return;
    std::optional<RemovalState> gone = catalogue_->Removed(a->canonical_url);
    if (!gone && a->url != a->canonical_url) gone = catalogue_->Removed(a->url);
    if (gone) {
      a->status = "removed";
      a->removed_at = gone->removed_at;
    }
  }

  std::string data_dir_;
  std::unique_ptr<Catalogue> catalogue_;
  bool catalogue_tried_ = false;
  // The searched database is one local index, not shards: its docids are
  // the matcher's (for spies and bitmaps) and its metadata is every document's.
  bool OneLocalDatabase() const { return !index_.has_remote() && db_.size() == 1; }

  // After index_.Open(): the databases it opened, and no term counts read
  // from the ones before.
  void UseDb() {
    db_ = index_.Db();
    month_terms_.reset();
    month_terms_hold_dates_.reset();
    pair_words_.reset();
    date_terms_.reset();
  }

  internal::DateTermCache* DateTerms() {
    if (!date_terms_) date_terms_.emplace(&db_);
    return &*date_terms_;
  }

  // The pair words every searched document was indexed with
  // (ParseUserQuery): the words in the lists of every database searched,
  // the local index and each shard, read once per opening (UseDb). Each
  // list is read through the connection that searches its database, so it
  // is that of the generation searched: a shard's reindex writes a new
  // list into a new generation, which a searcher sees when it opens the
  // databases again. None when a part is itself several databases.
  const PairWords* Pairs() {
    if (!pair_words_) {
      // One local index is a single part too.
      const std::string key(schema::kMetadataPairWords);
      std::optional<PairWords> common;
      if (index_.Parts().size() == db_.size()) {
        for (const auto& part : index_.Parts()) {
          PairWords words = PairWords::Parse(part.db.get_metadata(key));
          common = common ? common->Intersect(words) : std::move(words);
          if (common->empty()) break;
        }
      }
      pair_words_ = common ? std::move(*common) : PairWords();
    }
    return &*pair_words_;
  }

  // `query` with its dense filters read from bitmaps (search/filter_cache.h):
  // the same matches, weights and estimates. Only on one local database.
  Xapian::Query Filtered(const Xapian::Query& query) {
    if (!OneLocalDatabase()) return query;
    return filters_.Apply(db_, query);
  }

  internal::IndexSet index_;
  Xapian::Database db_;  // index_.Db(): the local index and the shards that answer
  internal::FilterCache filters_;
  internal::TopWdfCache top_wdf_;  // a frequent word's documents of highest wdf
  // The M terms of the date terms (MonthTerms) and whether they hold every
  // dated document; cleared by UseDb.
  std::optional<TermFreqList> month_terms_;
  std::optional<bool> month_terms_hold_dates_;  // MonthTermsHoldDates()
  std::optional<PairWords> pair_words_;         // Pairs(); cleared by UseDb
  // The date terms of db_, read once per opening (cleared by UseDb).
  std::optional<internal::DateTermCache> date_terms_;
  // By document language; the MemoStem is owned by its Xapian::Stem.
  std::map<std::string, std::pair<Xapian::Stem, MemoStem*>> stemmers_;
};

}  // namespace

Result<std::unique_ptr<Searcher>> Searcher::Open(const std::string& data_dir,
                                                 const OpenOptions& options) {
  namespace fs = std::filesystem;
  const std::string stub = IndexPaths::Stub(data_dir);
  std::error_code ec;
  if (options.shards.empty() && !fs::exists(data_dir, ec)) {
    return Status::Runtime("no index yet: data directory '" + data_dir + "' does not exist",
                           "run pressarc crawl (or pressarc import FILE...) first, or pass --data");
  }
  if (options.shards.empty() && !fs::exists(stub, ec)) {
    return Status::Runtime("no index yet in '" + data_dir + "'",
                           "run pressarc crawl (or pressarc import FILE...) first");
  }
  std::string last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    try {
      internal::IndexSet index(data_dir, options);
      if (Status s = index.Open(); !s.ok()) return s;
      return std::unique_ptr<Searcher>(new XapianSearcher(data_dir, std::move(index)));
    } catch (const Xapian::DatabaseOpeningError& e) {
      last = e.get_msg();  // a generation swap in progress: try again
    } catch (const Xapian::Error& e) {
      return Status::Runtime("cannot open the index " + stub + ": " + e.get_description());
    }
  }
  return Status::Runtime("cannot open the index " + stub + ": " + last,
                         "rebuild it with pressarc reindex");
}

}  // namespace pressarc::search
