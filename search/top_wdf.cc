#include "search/top_wdf.h"

#include <algorithm>
#include <cfloat>
#include <utility>

namespace pressarc::search::internal {
namespace {

// The documents of a sorted list of docids, as a PostingSource of no
// weight: the left side of the FILTER is read by skip_to to them.
class DocidList : public Xapian::PostingSource {
 public:
  explicit DocidList(std::shared_ptr<const std::vector<Xapian::docid>> docids)
      : docids_(std::move(docids)) {
    set_maxweight(0);
  }
  void init(const Xapian::Database&) override {
    at_ = 0;
    started_ = false;
  }
  Xapian::doccount get_termfreq_min() const override { return Size(); }
  Xapian::doccount get_termfreq_est() const override { return Size(); }
  Xapian::doccount get_termfreq_max() const override { return Size(); }
  void next(double) override {
    if (started_) ++at_;
    started_ = true;
  }
  void skip_to(Xapian::docid did, double) override {
    const auto& d = *docids_;
    const std::size_t from = started_ ? at_ : 0;
    at_ = static_cast<std::size_t>(
        std::lower_bound(d.begin() + static_cast<std::ptrdiff_t>(from), d.end(), did) - d.begin());
    started_ = true;
  }
  bool at_end() const override { return started_ && at_ >= docids_->size(); }
  Xapian::docid get_docid() const override { return (*docids_)[at_]; }
  Xapian::PostingSource* clone() const override { return new DocidList(docids_); }
  std::string get_description() const override { return "pressarc::DocidList"; }

 private:
  Xapian::doccount Size() const { return static_cast<Xapian::doccount>(docids_->size()); }
  std::shared_ptr<const std::vector<Xapian::docid>> docids_;
  std::size_t at_ = 0;
  bool started_ = false;
};

}  // namespace

TopWdfCache::TopWdfCache(TopWdfOptions options) : options_(options) {}

std::optional<NarrowableWord> TopWdfCache::WordOf(const Xapian::Database& db,
                                                  const Xapian::Query& query) const {
  // The left of each OP_FILTER and OP_AND_NOT, down to the term.
  Xapian::Query q = query;
  NarrowableWord w;
  w.alone = true;
  while ((q.get_type() == Xapian::Query::OP_FILTER || q.get_type() == Xapian::Query::OP_AND_NOT) &&
         q.get_num_subqueries() > 0) {
    q = q.get_subquery(0);
    w.alone = false;
  }
  auto term_of = [](const Xapian::Query& leaf) -> std::optional<std::string> {
    if (leaf.get_type() != Xapian::Query::LEAF_TERM) return std::nullopt;
    const Xapian::TermIterator t = leaf.get_terms_begin();
    if (t == leaf.get_terms_end()) return std::nullopt;
    return *t;
  };
  if (auto term = term_of(q)) {
    w.term = std::move(*term);
  } else if (q.get_type() == Xapian::Query::OP_OR) {
    // Forms of a word of which the index holds one: it weighs as that one.
    w.terms = q.get_num_subqueries();
    for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
      auto form = term_of(q.get_subquery(i));
      if (!form) return std::nullopt;
      if (db.get_termfreq(*form) == 0) continue;
      if (!w.term.empty()) return std::nullopt;
      w.term = std::move(*form);
    }
    if (w.term.empty()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  w.termfreq = db.get_termfreq(w.term);
  if (w.termfreq < options_.min_termfreq) return std::nullopt;
  return w;
}

std::optional<Narrowed> TopWdfCache::Narrow(const Xapian::Database& db,
                                            const Xapian::Query& query) {
  const std::optional<NarrowableWord> word = WordOf(db, query);
  if (!word) return std::nullopt;
  return Narrow(db, query, *word);
}

std::optional<Narrowed> TopWdfCache::Narrow(const Xapian::Database& db, const Xapian::Query& query,
                                            const NarrowableWord& word) {
  if (options_.max_words == 0) return std::nullopt;
  const std::string& term = word.term;
  std::string key = db.get_uuid() + "@" + std::to_string(db.get_revision());
  if (key != db_key_) {
    entries_.clear();
    lru_.clear();
    db_key_ = std::move(key);
  }
  auto [it, fresh] = entries_.try_emplace(term);
  Entry& e = it->second;
  if (fresh) {
    lru_.push_front(term);
    e.lru = lru_.begin();
  } else {
    lru_.splice(lru_.begin(), lru_, e.lru);
  }
  if (e.last_search != search_) {
    e.last_search = search_;
    ++e.uses;
  }
  if (!e.list && !e.worthless && e.uses >= options_.min_uses) {
    e.list = Build(db, term);
    e.worthless = e.list == nullptr;
  }
  while (entries_.size() > options_.max_words) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  auto kept = entries_.find(term);
  if (kept == entries_.end() || !kept->second.list) return std::nullopt;
  const auto& list = kept->second.list;
  Narrowed out;
  out.documents = static_cast<Xapian::doccount>(list->size());
  out.termfreq = word.termfreq;
  out.query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                            Xapian::Query((new DocidList(list))->release()));
  return out;
}

// Every document of `term` whose wdf is at least the keep-th highest, in
// docid order; null when they are more than max_factor * keep.
std::shared_ptr<const std::vector<Xapian::docid>> TopWdfCache::Build(
    const Xapian::Database& db, const std::string& term) const {
  std::vector<std::pair<Xapian::termcount, Xapian::docid>> postings;
  postings.reserve(db.get_termfreq(term));
  for (auto p = db.postlist_begin(term); p != db.postlist_end(term); ++p) {
    postings.emplace_back(p.get_wdf(), *p);
  }
  if (postings.size() <= options_.keep) return nullptr;
  std::vector<Xapian::termcount> wdfs;
  wdfs.reserve(postings.size());
  for (const auto& [wdf, did] : postings) wdfs.push_back(wdf);
  const auto nth = wdfs.begin() + static_cast<std::ptrdiff_t>(options_.keep - 1);
  std::nth_element(wdfs.begin(), nth, wdfs.end(), std::greater<>());
  const Xapian::termcount lowest = *nth;
  auto list = std::make_shared<std::vector<Xapian::docid>>();
  for (const auto& [wdf, did] : postings) {
    if (wdf >= lowest) list->push_back(did);
  }
  if (list->size() > std::size_t{options_.max_factor} * options_.keep) return nullptr;
  return list;  // postings come in docid order
}

MatchBounds ProvenBounds(const Xapian::Database& db, const Xapian::Query& query,
                         const MatchBounds& matched, bool narrowed, Xapian::doccount min_checked) {
  if (!narrowed && matched.lower == matched.upper) return matched;  // every match counted
  if (narrowed && matched.lower < min_checked) {
    // The list held fewer: are there fewer in all? A forward boolean
    // match on one database stops at min_checked matches.
    Xapian::Enquire count(db);
    count.set_query(query);
    count.set_weighting_scheme(Xapian::BoolWeight());
    const Xapian::MSet m = count.get_mset(0, 1, min_checked);
    if (m.get_matches_lower_bound() == m.get_matches_upper_bound()) {
      const Xapian::doccount n = m.get_matches_lower_bound();
      return {n, n, n};
    }
  }
  MatchBounds b = BoundsOf(db, query);
  b.lower = std::min(std::max(b.lower, min_checked), b.upper);
  b.estimated = std::clamp(b.estimated, b.lower, b.upper);
  return b;
}

int PercentOf(double weight, double greatest, std::size_t terms) {
  if (greatest <= 0) return 100;
  // As Xapian's matcher and MSet: one subquery of `terms` matched.
  double scale = 1.0 / static_cast<double>(std::max<std::size_t>(terms, 1));
  scale /= greatest;
  const double factor = scale * 100.0;
  int percent = static_cast<int>(weight * factor + 100.0 * DBL_EPSILON);
  return std::clamp(percent, 0, 100);
}

}  // namespace pressarc::search::internal
