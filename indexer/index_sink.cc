#include "indexer/indexer.h"

namespace pressarc {

Result<std::unique_ptr<IndexSink>> IndexSink::Open(const std::string& data_dir,
                                                   std::unique_ptr<VersionLog> versions) {
  auto writer = IndexWriter::OpenLive(data_dir);
  if (!writer.ok()) return writer.status();
  return std::make_unique<IndexSink>(std::move(writer.value()), std::move(versions));
}

Result<bool> IndexSink::Add(const Article& article, const ArchiveLocation& where,
                            const std::string& fetched_at) {
  if (article.kind != PageKind::kArticle) return false;
  if (versions_) {
    auto recorded = versions_->Record(ObserveVersion(article, where, fetched_at), &article);
    if (!recorded.ok()) return recorded.status();
  }
  IndexedArticle doc;
  doc.article = article;
  doc.archive = where;
  doc.fetched_at = fetched_at;
  if (versions_) {
    doc.removed = versions_->Removed(article.url) ||
                  (!article.canonical_url.empty() && article.canonical_url != article.url &&
                   versions_->Removed(article.canonical_url));
  }
  auto added = writer_->Add(doc);
  if (!added.ok()) return added.status();
  ++uncommitted_;
  return *added;
}

Result<bool> IndexSink::SetRemoved(const std::string& url, bool removed) {
  auto changed = writer_->SetRemoved(url, removed);
  if (changed.ok() && *changed) ++uncommitted_;
  return changed;
}

Status IndexSink::Commit() {
  if (uncommitted_ == 0) return Status::Ok();
  Status st = writer_->Commit();
  if (st.ok()) uncommitted_ = 0;
  return st;
}

std::optional<IndexedArticle> IndexedFromRecord(const RecordConverter& converter,
                                                const WarcRecord& record,
                                                const std::string& archive_file,
                                                const std::string& forced_source) {
  auto article = converter.Convert(record, forced_source);
  if (!article || article->kind != PageKind::kArticle) return std::nullopt;
  IndexedArticle doc;
  doc.article = std::move(*article);
  doc.archive = {archive_file, record.location.offset};
  doc.fetched_at = record.Date();
  return doc;
}

RecordVisitor IndexingVisitor(BulkIndexer* bulk, const RecordConverter* converter,
                              std::string forced_source, std::uint64_t* records,
                              std::function<void(const std::string& message)> on_bad,
                              VersionObservations* observed,
                              const std::set<std::string>* removed_urls) {
  RecordVisitor visitor;
  visitor.bad = std::move(on_bad);
  visitor.record = [bulk, converter, forced_source = std::move(forced_source), records, observed,
                    removed_urls](std::shared_ptr<const WarcRecord> record,
                                  const std::string& archive_file) {
    ++*records;
    const std::string type = record->Type();
    if (type != "response" && type != "resource") return;
    bulk->Push([converter, record, archive_file, forced_source, observed, removed_urls] {
      auto doc = IndexedFromRecord(*converter, *record, archive_file, forced_source);
      if (doc && observed != nullptr) observed->Add(*doc);
      if (doc && removed_urls != nullptr && !removed_urls->empty()) {
        doc->removed = removed_urls->count(doc->article.url) > 0 ||
                       removed_urls->count(doc->article.canonical_url) > 0;
      }
      return doc;
    });
  };
  return visitor;
}

}  // namespace pressarc

namespace pressarc {

void VersionObservations::Add(const IndexedArticle& doc) {
  spool_.Add(ObserveVersion(doc.article, doc.archive, doc.fetched_at));
}

}  // namespace pressarc
