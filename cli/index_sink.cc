#include "cli/index_sink.h"

namespace pressarc::cli {

Result<std::unique_ptr<IndexSink>> IndexSink::Open(const std::string& data_dir) {
  auto writer = IndexWriter::OpenLive(data_dir);
  if (!writer.ok()) return writer.status();
  return std::make_unique<IndexSink>(std::move(writer.value()));
}

Result<bool> IndexSink::Add(const Article& article, const ArchiveLocation& where,
                            const std::string& fetched_at) {
  if (article.kind != PageKind::kArticle) return false;
  IndexedArticle doc;
  doc.article = article;
  doc.archive = where;
  doc.fetched_at = fetched_at;
  auto added = writer_->Add(doc);
  if (!added.ok()) return added.status();
  ++uncommitted_;
  return *added;
}

Status IndexSink::Commit() {
  if (uncommitted_ == 0) return Status::Ok();
  Status st = writer_->Commit();
  if (st.ok()) uncommitted_ = 0;
  return st;
}

}  // namespace pressarc::cli
