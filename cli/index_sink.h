// IndexSink: the ArticleSink the crawl job writes to — the live index
// generation (IndexWriter::OpenLive), committed when the crawler calls
// Commit() (in batches of ~200 articles and at the end of the run).
//
// Thread safety: one job, one thread (as ArticleSink).
#pragma once

#include <memory>
#include <string>

#include "crawler/crawler.h"
#include "indexer/indexer.h"

namespace pressarc::cli {

class IndexSink : public ArticleSink {
 public:
  // Opens (creating when missing) DATA/index's live generation.
  static Result<std::unique_ptr<IndexSink>> Open(const std::string& data_dir);
  // Wraps an already open writer (tests).
  explicit IndexSink(std::unique_ptr<IndexWriter> writer) : writer_(std::move(writer)) {}

  Result<bool> Add(const Article& article, const ArchiveLocation& where,
                   const std::string& fetched_at) override;
  Status Commit() override;

 private:
  std::unique_ptr<IndexWriter> writer_;
  std::size_t uncommitted_ = 0;
};

}  // namespace pressarc::cli
