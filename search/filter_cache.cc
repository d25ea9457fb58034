#include "search/filter_cache.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <optional>
#include <utility>

#include "search/match_sample.h"

namespace pressarc::search::internal {
namespace {

using Bitmap = FilterCache::Bitmap;

// Unbuilt entries (use counts only) kept at most; past it they are dropped.
constexpr std::size_t kMaxCounted = 4096;

// A PostingSource over a bitmap: skip_to and check read a word or a few.
class BitmapSource : public Xapian::PostingSource {
 public:
  explicit BitmapSource(std::shared_ptr<const Bitmap> bitmap) : bitmap_(std::move(bitmap)) {
    set_maxweight(0);
  }
  void init(const Xapian::Database&) override {
    current_ = 0;
    ended_ = false;
  }
  Xapian::doccount get_termfreq_min() const override { return bitmap_->min; }
  Xapian::doccount get_termfreq_est() const override { return bitmap_->est; }
  Xapian::doccount get_termfreq_max() const override { return bitmap_->max; }
  void next(double) override { Seek(current_ + 1); }
  void skip_to(Xapian::docid did, double) override {
    if (did > current_) Seek(did);
  }
  bool check(Xapian::docid did, double) override {
    const std::size_t word = did >> 6;
    if (word >= bitmap_->words.size()) {
      current_ = did;
      ended_ = true;
      return true;
    }
    if (((bitmap_->words[word] >> (did & 63)) & 1) == 0) return false;
    current_ = did;
    return true;
  }
  bool at_end() const override { return ended_; }
  Xapian::docid get_docid() const override { return current_; }
  Xapian::PostingSource* clone() const override { return new BitmapSource(bitmap_); }
  std::string get_description() const override { return "pressarc::BitmapSource"; }

 private:
  void Seek(Xapian::docid did) {
    const std::vector<std::uint64_t>& words = bitmap_->words;
    std::size_t i = did >> 6;
    std::uint64_t word = i < words.size() ? words[i] & (~std::uint64_t{0} << (did & 63)) : 0;
    while (word == 0) {
      if (++i >= words.size()) {
        current_ = did;
        ended_ = true;
        return;
      }
      word = words[i];
    }
    current_ =
        static_cast<Xapian::docid>(i * 64 + static_cast<std::size_t>(std::countr_zero(word)));
  }

  std::shared_ptr<const Bitmap> bitmap_;
  Xapian::docid current_ = 0;
  bool ended_ = false;
};

// Whether `q` is made only of terms joined by operators a bitmap can
// evaluate (in a filter, where weights do not count).
bool TermsOnly(const Xapian::Query& q) {
  switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
    case Xapian::Query::LEAF_MATCH_ALL:
    case Xapian::Query::LEAF_MATCH_NOTHING:
      return true;
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX:
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_SCALE_WEIGHT:
      for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
        if (!TermsOnly(q.get_subquery(i))) return false;
      }
      return q.get_num_subqueries() > 0;
    default:
      return false;
  }
}

using Words = std::vector<std::uint64_t>;

Words Postings(const Xapian::Database& db, const std::string& term, std::size_t nwords) {
  Words w(nwords, 0);
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
    const Xapian::docid did = *it;
    if ((did >> 6) < nwords) w[did >> 6] |= std::uint64_t{1} << (did & 63);
  }
  return w;
}

// The documents of a filter from the bitmaps held, if any.
using Held = std::function<std::optional<Words>(const Xapian::Query&)>;

// The documents `q` (TermsOnly) matches; parts already held are not read
// again (a union of languages from each language's bitmap).
Words Evaluate(const Xapian::Database& db, const Xapian::Query& q, std::size_t nwords,
               const Held& held) {
  if (std::optional<Words> w = held(q); w && w->size() == nwords) return std::move(*w);
  switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
      return Postings(db, *q.get_terms_begin(), nwords);
    case Xapian::Query::LEAF_MATCH_ALL:
      return Postings(db, std::string(), nwords);
    case Xapian::Query::OP_SCALE_WEIGHT:
      return Evaluate(db, q.get_subquery(0), nwords, held);
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_FILTER: {
      Words all = Evaluate(db, q.get_subquery(0), nwords, held);
      for (std::size_t i = 1; i < q.get_num_subqueries(); ++i) {
        const Words w = Evaluate(db, q.get_subquery(i), nwords, held);
        for (std::size_t k = 0; k < nwords; ++k) all[k] &= w[k];
      }
      return all;
    }
    case Xapian::Query::OP_AND_NOT: {
      Words left = Evaluate(db, q.get_subquery(0), nwords, held);
      for (std::size_t i = 1; i < q.get_num_subqueries(); ++i) {
        const Words w = Evaluate(db, q.get_subquery(i), nwords, held);
        for (std::size_t k = 0; k < nwords; ++k) left[k] &= ~w[k];
      }
      return left;
    }
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX: {
      Words any(nwords, 0);
      for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
        const Words w = Evaluate(db, q.get_subquery(i), nwords, held);
        for (std::size_t k = 0; k < nwords; ++k) any[k] |= w[k];
      }
      return any;
    }
    default:  // LEAF_MATCH_NOTHING
      return Words(nwords, 0);
  }
}

std::vector<Xapian::Query> Subqueries(const Xapian::Query& q, std::size_t from) {
  std::vector<Xapian::Query> subs;
  for (std::size_t i = from; i < q.get_num_subqueries(); ++i) subs.push_back(q.get_subquery(i));
  return subs;
}

// The filters of `filter` (OP_FILTER), each AND or FILTER among them split
// into its parts: a document passes when it matches every part.
std::vector<Xapian::Query> FilterParts(const Xapian::Query& filter) {
  std::vector<Xapian::Query> parts;
  std::vector<Xapian::Query> todo = Subqueries(filter, 1);
  while (!todo.empty()) {
    Xapian::Query q = std::move(todo.back());
    todo.pop_back();
    const auto op = q.get_type();
    if (op == Xapian::Query::OP_AND || op == Xapian::Query::OP_FILTER) {
      for (Xapian::Query& sub : Subqueries(q, 0)) todo.push_back(std::move(sub));
    } else {
      parts.push_back(std::move(q));
    }
  }
  return parts;
}

Xapian::Query SourceOf(std::shared_ptr<const Bitmap> bitmap) {
  return Xapian::Query((new BitmapSource(std::move(bitmap)))->release());
}

}  // namespace

FilterCache::FilterCache(FilterCacheOptions options) : options_(options) {}

Xapian::doccount FilterCache::LeftMax::get() const {
  if (!max_) max_ = BoundsOf(db_, left_).upper;
  return *max_;
}

Xapian::Query FilterCache::Apply(const Xapian::Database& db, const Xapian::Query& query) {
  if (options_.max_bytes == 0 || query.empty()) return query;
  std::string key = db.get_uuid() + "@" + std::to_string(db.get_revision());
  if (key != db_key_) {
    entries_.clear();
    lru_.clear();
    stats_.bytes = 0;
    db_key_ = std::move(key);
  }
  std::optional<Xapian::Query> rewritten = Rewrite(db, query);
  return rewritten ? std::move(*rewritten) : query;
}

std::optional<Xapian::Query> FilterCache::Rewrite(const Xapian::Database& db,
                                                  const Xapian::Query& query) {
  const auto op = query.get_type();
  switch (op) {
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_MAX: {
      std::vector<Xapian::Query> subs = Subqueries(query, 0);
      bool changed = false;
      for (Xapian::Query& sub : subs) {
        if (std::optional<Xapian::Query> rewritten = Rewrite(db, sub)) {
          sub = std::move(*rewritten);
          changed = true;
        }
      }
      if (!changed) return std::nullopt;
      return Xapian::Query(op, subs.begin(), subs.end());
    }
    case Xapian::Query::OP_FILTER: {
      // left FILTER (r1 AND r2 ...): each dense ri at least as common as
      // the left side becomes left AND_NOT (documents ri does not match);
      // the others stay filters of terms (one of them may lead the AND).
      std::optional<Xapian::Query> rewritten = Rewrite(db, query.get_subquery(0));
      const bool changed = rewritten.has_value();
      Xapian::Query left = changed ? std::move(*rewritten) : query.get_subquery(0);
      std::vector<Xapian::Query> kept{left}, excluded;
      const LeftMax left_max(db, query.get_subquery(0));
      std::vector<Xapian::Query> excluded_parts;  // those of `excluded`
      for (const Xapian::Query& r : FilterParts(query)) {
        std::shared_ptr<const Bitmap> complement;
        if (TermsOnly(r)) complement = Lookup(db, r, Use::kFilterPart, left_max);
        if (complement) {
          excluded.push_back(SourceOf(std::move(complement)));
          excluded_parts.push_back(r);
        } else {
          kept.push_back(r);
        }
      }
      // Several parts (a language and a date range): one bitmap of the
      // documents that miss any of them, once it is worth building (from
      // the parts' bitmaps), so that the matcher checks each candidate once.
      if (excluded_parts.size() > 1) {
        const Xapian::Query all(Xapian::Query::OP_AND, excluded_parts.begin(),
                                excluded_parts.end());
        if (std::shared_ptr<const Bitmap> missing = Lookup(db, all, Use::kFilterParts, left_max)) {
          excluded.assign(1, SourceOf(std::move(missing)));
        }
      }
      if (excluded.empty() && !changed) return std::nullopt;
      if (kept.size() > 1) {
        left = Xapian::Query(Xapian::Query::OP_FILTER, kept.begin(), kept.end());
      }
      if (excluded.empty()) return left;
      excluded.insert(excluded.begin(), left);
      return Xapian::Query(Xapian::Query::OP_AND_NOT, excluded.begin(), excluded.end());
    }
    case Xapian::Query::OP_AND_NOT: {
      std::optional<Xapian::Query> rewritten = Rewrite(db, query.get_subquery(0));
      bool changed = rewritten.has_value();
      std::vector<Xapian::Query> subs{changed ? std::move(*rewritten) : query.get_subquery(0)};
      const LeftMax left_max(db, query.get_subquery(0));
      for (const Xapian::Query& r : Subqueries(query, 1)) {
        std::shared_ptr<const Bitmap> bitmap;
        if (TermsOnly(r)) bitmap = Lookup(db, r, Use::kExcluded, left_max);
        changed = changed || bitmap != nullptr;
        subs.push_back(bitmap ? SourceOf(std::move(bitmap)) : r);
      }
      if (!changed) return std::nullopt;
      return Xapian::Query(Xapian::Query::OP_AND_NOT, subs.begin(), subs.end());
    }
    default:
      return std::nullopt;
  }
}

std::shared_ptr<const FilterCache::Bitmap> FilterCache::Lookup(const Xapian::Database& db,
                                                               const Xapian::Query& filter, Use use,
                                                               const LeftMax& left_max) {
  const bool complement = use != Use::kExcluded;
  if (entries_.size() >= kMaxCounted) {
    std::erase_if(entries_, [](const auto& e) { return e.second.bitmap == nullptr; });
    if (entries_.size() >= kMaxCounted) return nullptr;
  }
  const std::string key = (complement ? "!" : "") + filter.get_description();
  Entry& entry = entries_[key];
  if (entry.last_search != search_) {
    entry.last_search = search_;
    ++entry.uses;
  }
  if (!entry.bitmap && (entry.uses < options_.min_uses || entry.sparse)) return nullptr;
  // Not worth it for few candidates; and a FILTER's filter must be as
  // common as its left side, not to take the lead of Xapian's AND from it.
  const Xapian::doccount candidates = left_max.get();
  if (candidates < options_.min_candidates) return nullptr;
  const Xapian::doccount at_least = use == Use::kFilterPart ? candidates : 0;
  if (entry.bitmap) {
    const Xapian::doccount count =
        complement ? db.get_doccount() - entry.bitmap->est : entry.bitmap->est;
    if (count < at_least) return nullptr;
    lru_.splice(lru_.begin(), lru_, entry.lru);
    ++stats_.used;
    return entry.bitmap;
  }
  const MatchBounds e = BoundsOf(db, filter);
  const Xapian::doccount n = db.get_doccount();
  if (static_cast<double>(e.estimated) < options_.min_share * static_cast<double>(n)) {
    entry.sparse = true;
    return nullptr;
  }
  if (e.estimated < at_least) return nullptr;
  const std::size_t nwords = db.get_lastdocid() / 64 + 1;
  if (nwords * sizeof(std::uint64_t) > options_.max_bytes) return nullptr;
  auto bitmap = std::make_shared<Bitmap>();
  bitmap->words = Evaluate(db, filter, nwords, [this](const Xapian::Query& q) {
    std::optional<Words> words;
    const std::string description = q.get_description();
    if (auto it = entries_.find(description); it != entries_.end() && it->second.bitmap) {
      words = it->second.bitmap->words;
    } else if (it = entries_.find("!" + description); it != entries_.end() && it->second.bitmap) {
      words = it->second.bitmap->words;
      for (std::uint64_t& w : *words) w = ~w;
    }
    return words;
  });
  if (complement) {
    for (std::uint64_t& w : bitmap->words) w = ~w;
    bitmap->words[0] &= ~std::uint64_t{1};  // docid 0 is none
    bitmap->min = n - e.upper;
    bitmap->est = n - e.estimated;
    bitmap->max = n - e.lower;
  } else {
    bitmap->min = e.lower;
    bitmap->est = e.estimated;
    bitmap->max = e.upper;
  }
  ++stats_.built;
  ++stats_.used;
  stats_.bytes += nwords * sizeof(std::uint64_t);
  lru_.push_front(key);
  entry.lru = lru_.begin();
  entry.bitmap = std::move(bitmap);
  std::shared_ptr<const Bitmap> result = entry.bitmap;
  Evict();
  return result;
}

void FilterCache::Evict() {
  while (stats_.bytes > options_.max_bytes && !lru_.empty()) {
    auto it = entries_.find(lru_.back());
    lru_.pop_back();
    if (it == entries_.end() || !it->second.bitmap) continue;
    stats_.bytes -= it->second.bitmap->words.size() * sizeof(std::uint64_t);
    ++stats_.evicted;
    entries_.erase(it);
  }
}

}  // namespace pressarc::search::internal
