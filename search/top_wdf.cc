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

std::optional<Narrowed> TopWdfCache::Narrow(const Xapian::Database& db,
                                            const Xapian::Query& query) {
  if (options_.max_words == 0 || query.get_type() != Xapian::Query::LEAF_TERM) return std::nullopt;
  const Xapian::TermIterator t = query.get_terms_begin();
  if (t == query.get_terms_end()) return std::nullopt;
  const std::string term = *t;
  const Xapian::doccount termfreq = db.get_termfreq(term);
  if (termfreq < options_.min_termfreq) return std::nullopt;
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
  out.termfreq = termfreq;
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

int PercentOf(double weight, double greatest) {
  if (greatest <= 0) return 100;
  // As Xapian's matcher and MSet: one subquery of one matched.
  double scale = 1.0;
  scale /= greatest;
  const double factor = scale * 100.0;
  int percent = static_cast<int>(weight * factor + 100.0 * DBL_EPSILON);
  return std::clamp(percent, 0, 100);
}

}  // namespace pressarc::search::internal
