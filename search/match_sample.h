// Internal to search/: how many documents a query matches, and what they
// count by facet, from a sample spread evenly over the whole index, for
// when Xapian's own estimate is not exact.
//
// Xapian estimates an AND by taking its parts as independent (the product
// of their shares of the index), and does not correct the estimate from
// the matches it reads. Words of one language, or of one topic, are not
// independent: at a million documents `Azerbaycan prezident` was estimated
// at 10,000 matches and holds 74,242; `görüş source:mfa-az` 200,000 and
// holds 53,902. The total shown, and facet counts scaled to it, were off
// by those factors. Counting every match exactly costs a full read of the
// query (4-14 ms at a million); a sample costs about its share of that.
//
// The sample is one run of `block` docids in every `stride` * `block`
// (DocidSample, a PostingSource), 16 runs spread over the whole index: old and new
// documents, every crawl. The first matches in docid order would not be: an
// index built crawl by crawl has its years and sources in runs of docids.
// The stride is chosen from Xapian's upper bound (never below the truth) so
// that about `target` matches are read, and the sample is read again,
// denser, when it holds fewer than a quarter of that; it never holds more
// than 1 docid in `min_stride`. Queries whose upper bound is small are
// counted whole. The sample is put into every AND of the query (Sampled),
// so that no part of the query is read outside it.
//
// Local databases only: a remote server cannot run a PostingSource. With
// several local databases each is sampled in its own docids, alike.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <vector>

namespace pressarc::search::internal {

struct SampleOptions {
  Xapian::doccount target = 250;  // matches to read (std. error ~ 1/sqrt(target): 6%)
  // Runs of consecutive docids the sample is made of. Each costs a seek in
  // every posting list of the query, so fewer, longer runs are cheaper;
  // more, shorter ones follow the index's docid order more closely.
  Xapian::docid blocks = 16;
  // A run costs a seek in every posting list of the query (~20 us a run for
  // a word's three forms and a source at a million documents): a wide OR (a
  // wildcard's or a word's many forms) gets fewer runs (at least 4), at most
  // this many runs times terms. 0: no limit.
  std::uint64_t max_seeks = 512;
  // The sample holds at most 1 in `min_stride` docids: its cost is at most
  // that share of counting every match. Few matches of costly candidates
  // (a phrase of two common words: 635 of 54,527 candidates at a million)
  // are then estimated from fewer than `target`. Queries whose upper bound
  // is at most 4 * target are counted whole instead.
  Xapian::docid min_stride = 32;
};

// One run of `block` docids in every period of `stride` * `block` docids,
// at a place in the period that varies from period to period (a hash of
// its number). Adds no weight; stride 1 is every docid.
class DocidSample : public Xapian::PostingSource {
 public:
  DocidSample(Xapian::docid stride, Xapian::docid block);
  void init(const Xapian::Database& db) override;
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return est_; }
  Xapian::doccount get_termfreq_max() const override { return max_; }
  void next(double min_wt) override;
  void skip_to(Xapian::docid did, double min_wt) override;
  bool at_end() const override { return at_end_; }
  Xapian::docid get_docid() const override { return current_; }
  Xapian::PostingSource* clone() const override;
  std::string get_description() const override;

  // The docids from 1 to `last` that the sample holds.
  static std::uint64_t Held(Xapian::docid last, Xapian::docid stride, Xapian::docid block);
  // Whether the sample holds `did`.
  static bool Holds(Xapian::docid did, Xapian::docid stride, Xapian::docid block);

 private:
  void Seek(Xapian::docid did);  // to the first sampled docid >= did

  Xapian::docid stride_, block_;
  Xapian::docid last_ = 0, current_ = 0;
  Xapian::doccount est_ = 0, max_ = 0;
  bool at_end_ = false;
};

// A sample: every `stride`-th run of `block` docids.
struct SampleShape {
  Xapian::docid stride = 1;
  Xapian::docid block = 1;
};

// Xapian's estimate of how many documents `query` matches, and its bounds,
// from posting list frequencies alone (no posting is read).
struct MatchBounds {
  Xapian::doccount lower = 0, estimated = 0, upper = 0;
};
MatchBounds BoundsOf(const Xapian::Database& db, const Xapian::Query& query);

struct MatchCount {
  std::uint64_t estimate = 0;  // within [lower, upper] of Xapian's bounds
  bool exact = false;
  SampleShape shape;  // of the sample counted (stride 1: every match)
};

// The matches of `query`, whose bounds Xapian gave as [lower, upper]:
// exact when they are equal or when upper <= 4 * target (every match read),
// else from the sample, scaled by the share of docids it holds.
MatchCount CountMatches(const Xapian::Database& db, const Xapian::Query& query, std::uint64_t lower,
                        std::uint64_t upper, const SampleOptions& options = {});

// The sample of about `target` of `expected` matches (rounded up to whole
// strides: never more) in `blocks` runs over docids 1..`last` (fewer for
// many `terms`: options.max_seeks), of at most 1 in options.min_stride
// docids (stride 1: every docid).
SampleShape ShapeFor(std::uint64_t expected, Xapian::docid last, const SampleOptions& options,
                     std::uint64_t terms = 1);

// The documents of `query` that `sample` (a DocidSample) holds, with the
// sample put into every AND of the query and under every OR: Xapian's skip_to
// on an AND goes to its next match however far, so a sample only at the top
// (`query FILTER sample`) bounds nothing below it. `Bakı OR Gəncə OR Şuşa`
// at a million documents is an OR of three ANDs (the forms of each language
// FILTER its language); one of them, with few matches, was walked whole
// (12 ms) by a sample holding 30 docids.
Xapian::Query Sampled(const Xapian::Query& query, const Xapian::Query& sample);

// Every match of `query` in the sample `shape` (stride 1: every match),
// each shown to `spies`.
std::uint64_t CountSampled(const Xapian::Database& db, const Xapian::Query& query,
                           SampleShape shape, const std::vector<Xapian::MatchSpy*>& spies = {});

// The share of the docids 1..db.get_lastdocid() `shape` holds (1 for
// stride 1). With several databases, each taken as holding an equal part.
double SampledShare(const Xapian::Database& db, SampleShape shape);

// Docids 1..last per database (the last docid over the databases).
Xapian::docid LastPerDatabase(const Xapian::Database& db);

}  // namespace pressarc::search::internal
