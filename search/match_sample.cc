#include "search/match_sample.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

namespace pressarc::search::internal {

DocidSample::DocidSample(Xapian::docid stride, Xapian::docid block)
    : stride_(std::max<Xapian::docid>(1, stride)), block_(std::max<Xapian::docid>(1, block)) {
  set_maxweight(0);
}

void DocidSample::init(const Xapian::Database& db) {
  last_ = db.get_lastdocid();
  current_ = 0;
  at_end_ = last_ == 0;
  const std::uint64_t held = Held(last_, stride_, block_);
  const std::uint64_t docs = db.get_doccount();
  max_ = static_cast<Xapian::doccount>(std::min<std::uint64_t>(held, docs));
  // Deleted documents are spread like the rest: the held share of them.
  // Never all of them: with an estimate equal to the document count, Xapian
  // 1.4 read past the end of the posting list of a term in every document
  // ("Unexpected end of posting list").
  est_ = last_ == 0
             ? 0
             : static_cast<Xapian::doccount>(static_cast<double>(docs) * static_cast<double>(held) /
                                             static_cast<double>(last_));
  if (est_ >= docs && docs > 0) est_ = docs - 1;
}

namespace {

// Where period `p`'s run starts within it: from a hash of p (splitmix64's
// finaliser), the same in every process. Runs at the same place in every
// period would alias with anything periodic in the docids (batches of a
// build, a crawl's order): at a million documents the phrase "foreign
// affairs" was estimated at twice its matches that way.
std::uint64_t Offset(std::uint64_t p, std::uint64_t period, std::uint64_t block) {
  if (period <= block) return 0;
  std::uint64_t z = p + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return z % (period - block + 1);
}

}  // namespace

std::uint64_t DocidSample::Held(Xapian::docid last, Xapian::docid stride, Xapian::docid block) {
  stride = std::max<Xapian::docid>(1, stride);
  block = std::max<Xapian::docid>(1, block);
  const std::uint64_t period = std::uint64_t{stride} * block;
  const std::uint64_t whole = last / period;
  const std::uint64_t rest = last % period;
  const std::uint64_t offset = Offset(whole, period, block);
  return whole * block + (rest > offset ? std::min<std::uint64_t>(rest - offset, block) : 0);
}

bool DocidSample::Holds(Xapian::docid did, Xapian::docid stride, Xapian::docid block) {
  stride = std::max<Xapian::docid>(1, stride);
  block = std::max<Xapian::docid>(1, block);
  if (did == 0) return false;
  const std::uint64_t period = std::uint64_t{stride} * block;
  const std::uint64_t zero = did - 1;
  const std::uint64_t in_period = zero % period;
  const std::uint64_t offset = Offset(zero / period, period, block);
  return in_period >= offset && in_period < offset + block;
}

void DocidSample::Seek(Xapian::docid did) {
  const std::uint64_t period = std::uint64_t{stride_} * block_;
  const std::uint64_t zero = did - 1;  // docids from 0
  const std::uint64_t p = zero / period;
  const std::uint64_t start = p * period + Offset(p, period, block_);
  std::uint64_t next = zero;
  if (zero < start) {
    next = start;
  } else if (zero >= start + block_) {
    next = (p + 1) * period + Offset(p + 1, period, block_);
  }
  if (next + 1 > last_) {
    at_end_ = true;
    current_ = last_;
    return;
  }
  current_ = static_cast<Xapian::docid>(next + 1);
}

void DocidSample::next(double) {
  Seek(current_ + 1);
}

void DocidSample::skip_to(Xapian::docid did, double) {
  if (did > current_) Seek(did);
}

Xapian::PostingSource* DocidSample::clone() const {
  return new DocidSample(stride_, block_);
}

std::string DocidSample::get_description() const {
  return "pressarc::DocidSample(" + std::to_string(stride_) + ", " + std::to_string(block_) + ")";
}

SampleShape ShapeFor(std::uint64_t expected, Xapian::docid last, const SampleOptions& options,
                     std::uint64_t terms) {
  if (options.target == 0 || last == 0) return {};
  std::uint64_t stride =
      std::max<std::uint64_t>((expected + options.target - 1) / options.target, options.min_stride);
  stride = std::min<std::uint64_t>(stride, last);
  if (stride <= 1) return {};
  std::uint64_t runs = std::max<Xapian::docid>(1, options.blocks);
  terms = std::max<std::uint64_t>(1, terms);
  if (options.max_seeks > 0 && runs * terms > options.max_seeks) {
    runs = std::clamp<std::uint64_t>(options.max_seeks / terms, std::min<std::uint64_t>(4, runs),
                                     runs);
  }
  const std::uint64_t block = std::max<std::uint64_t>(1, last / (stride * runs));
  return {static_cast<Xapian::docid>(stride), static_cast<Xapian::docid>(block)};
}

Xapian::docid LastPerDatabase(const Xapian::Database& db) {
  const std::uint64_t parts = std::max<std::size_t>(1, db.size());
  return static_cast<Xapian::docid>((std::uint64_t{db.get_lastdocid()} + parts - 1) / parts);
}

double SampledShare(const Xapian::Database& db, SampleShape shape) {
  if (shape.stride <= 1) return 1;
  const Xapian::docid last = LastPerDatabase(db);
  if (last == 0) return 1;
  return static_cast<double>(DocidSample::Held(last, shape.stride, shape.block)) /
         static_cast<double>(last);
}

MatchBounds BoundsOf(const Xapian::Database& db, const Xapian::Query& query) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  const Xapian::MSet m = enquire.get_mset(0, 0, Xapian::doccount{0});
  return {m.get_matches_lower_bound(), m.get_matches_estimated(), m.get_matches_upper_bound()};
}

Xapian::Query Sampled(const Xapian::Query& query, const Xapian::Query& sample) {
  using Q = Xapian::Query;
  std::vector<Q> subs;
  for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
    subs.push_back(query.get_subquery(i));
  }
  auto compound = [](const Q& q) { return q.get_num_subqueries() > 0; };
  const auto op = query.get_type();
  switch (op) {
    case Q::OP_OR:
    case Q::OP_XOR:
    case Q::OP_MAX:
      for (Q& sub : subs) sub = Sampled(sub, sample);
      return Q(op, subs.begin(), subs.end());
    case Q::OP_AND:
    case Q::OP_FILTER:
      for (Q& sub : subs) {
        if (compound(sub)) sub = Sampled(sub, sample);
      }
      subs.push_back(sample);
      return Q(op, subs.begin(), subs.end());
    case Q::OP_AND_NOT:
    case Q::OP_AND_MAYBE:
      subs[0] = Sampled(subs[0], sample);
      return Q(op, subs.begin(), subs.end());
    case Q::OP_SCALE_WEIGHT:  // weights are not counted
      return Sampled(subs[0], sample);
    default:  // terms, phrases, synonyms, value ranges, sources
      return Q(Q::OP_AND, query, sample);
  }
}

std::uint64_t CountSampled(const Xapian::Database& db, const Xapian::Query& query,
                           SampleShape shape, const std::vector<Xapian::MatchSpy*>& spies) {
  Xapian::Enquire enquire(db);
  if (shape.stride <= 1) {
    enquire.set_query(query);
  } else {
    const Xapian::Query sample((new DocidSample(shape.stride, shape.block))->release());
    enquire.set_query(Sampled(query, sample));
  }
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
  for (Xapian::MatchSpy* spy : spies) enquire.add_matchspy(spy);
  return enquire.get_mset(0, 0, std::max<Xapian::doccount>(1, db.get_doccount()))
      .get_matches_estimated();
}

MatchCount CountMatches(const Xapian::Database& db, const Xapian::Query& query, std::uint64_t lower,
                        std::uint64_t upper, const SampleOptions& options) {
  if (lower >= upper) return {upper, true, {}};
  if (upper <= 4 * std::uint64_t{options.target}) {
    return {std::clamp(CountSampled(db, query, {}), lower, upper), true, {}};
  }
  const Xapian::docid last = LastPerDatabase(db);
  const auto terms = static_cast<std::uint64_t>(
      std::distance(query.get_unique_terms_begin(), query.get_unique_terms_end()));
  SampleShape shape = ShapeFor(upper, last, options, terms);
  for (int attempt = 0;; ++attempt) {
    const std::uint64_t counted = CountSampled(db, query, shape);
    if (shape.stride <= 1) return {std::clamp(counted, lower, upper), true, {}};
    const double scaled = static_cast<double>(counted) / SampledShare(db, shape);
    // Too few in the sample to say much (the upper bound was far above the
    // matches): once, a denser one, at most 32 times the reading and never
    // denser than 1 in options.min_stride.
    if (counted * 4 < options.target && attempt == 0) {
      const Xapian::docid denser = std::max<Xapian::docid>(
          ShapeFor(static_cast<std::uint64_t>(scaled), last, options).stride, shape.stride / 32);
      if (denser < shape.stride) {
        shape = ShapeFor(std::uint64_t{denser} * options.target, last, options, terms);
        continue;
      }
    }
    const auto estimate = static_cast<std::uint64_t>(std::llround(scaled));
    return {std::clamp(estimate, lower, upper), false, shape};
  }
}

}  // namespace pressarc::search::internal
