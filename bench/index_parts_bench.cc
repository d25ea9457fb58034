// index_parts_bench: where an indexed page's time goes, stage by stage, on
// one thread: Gumbo's own parse, ExtractArticle, PrepareDocument (analysis),
// and writing into a new index generation (IndexWriter::AddPrepared plus the
// final Publish), with and without the spelling table.
//
//   index_parts_bench [--batch N] FILE...   (N: documents per flush,
//   IndexWriterOptions::batch_size)
//
// Prints milliseconds of this thread's CPU time per document for each stage
// (CPU time, so that other load on the machine does not blur the split). The files are HTML pages
// (e.g. the pages bench/index_bench.sh generates: BENCH_KEEP=1 keeps them).
#include <gumbo.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "indexer/indexer.h"
#include "parser/parser.h"

namespace {

// The calling thread's CPU time.
struct Clock {
  using time_point = double;  // milliseconds
  static time_point now() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double Ms(Clock::time_point a, Clock::time_point b) {
  return b - a;
}

// Writes every prepared document into a new generation under `dir`.
double WriteMs(const std::vector<pressarc::PreparedDocument>& docs, const std::string& dir,
               bool spelling, unsigned batch, double* publish_ms) {
  std::filesystem::remove_all(dir);
  pressarc::IndexWriterOptions options;
  options.spelling = spelling;
  if (batch != 0) options.batch_size = batch;
  auto writer = pressarc::IndexWriter::CreateGeneration(dir, options);
  if (!writer.ok()) {
    std::fprintf(stderr, "index_parts_bench: %s\n", writer.status().message().c_str());
    std::exit(1);
  }
  auto t0 = Clock::now();
  for (const auto& d : docs) {
    auto added = (*writer)->AddPrepared(d);
    if (!added.ok()) {
      std::fprintf(stderr, "index_parts_bench: %s\n", added.status().message().c_str());
      std::exit(1);
    }
  }
  auto t1 = Clock::now();
  pressarc::Status st = (*writer)->Publish();
  auto t2 = Clock::now();
  if (!st.ok()) {
    std::fprintf(stderr, "index_parts_bench: %s\n", st.message().c_str());
    std::exit(1);
  }
  *publish_ms = Ms(t1, t2);
  return Ms(t0, t1);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  unsigned batch = 0;  // IndexWriterOptions' default
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("usage: index_parts_bench [--batch N] FILE...\n");
      return 0;
    }
    if (a == "--batch" && i + 1 < argc) {
      batch = static_cast<unsigned>(std::stoul(argv[++i]));
      continue;
    }
    files.push_back(a);
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: index_parts_bench FILE...\n");
    return 2;
  }
  std::vector<std::string> pages;
  for (const auto& f : files) pages.push_back(ReadFile(f));
  const double n = static_cast<double>(pages.size());

  auto t0 = Clock::now();
  for (const auto& p : pages) {
    GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, p.data(), p.size());
    gumbo_destroy_output(&kGumboDefaultOptions, out);
  }
  auto t1 = Clock::now();
  std::vector<pressarc::IndexedArticle> articles;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    pressarc::ExtractOptions eo;
    eo.url = "https://bench.example.gov/page/" + std::to_string(i);
    eo.content_type = "text/html; charset=utf-8";
    eo.collect_links = false;  // as import and reindex
    pressarc::IndexedArticle a;
    a.article = pressarc::ExtractArticle(pages[i], eo);
    a.article.source = "bench";
    a.fetched_at = "2026-11-26T00:00:00Z";
    articles.push_back(std::move(a));
  }
  auto t2 = Clock::now();
  std::vector<pressarc::PreparedDocument> docs;
  for (const auto& a : articles) {
    auto d = pressarc::PrepareDocument(a);
    if (d.ok()) docs.push_back(std::move(d.value()));
  }
  auto t3 = Clock::now();

  std::string dir = "/tmp/index-parts-bench-" + std::to_string(::getpid());
  double publish = 0, publish_nospell = 0;
  double write = WriteMs(docs, dir, true, batch, &publish);
  double write_nospell = WriteMs(docs, dir, false, batch, &publish_nospell);
  std::filesystem::remove_all(dir);

  std::printf("documents: %zu (%zu indexable)\n", pages.size(), docs.size());
  std::printf("%-44s %8.3f ms/doc\n", "gumbo_parse (raw bytes)", Ms(t0, t1) / n);
  std::printf("%-44s %8.3f ms/doc\n", "ExtractArticle", Ms(t1, t2) / n);
  std::printf("%-44s %8.3f ms/doc\n", "PrepareDocument", Ms(t2, t3) / n);
  std::printf("%-44s %8.3f ms/doc (+ publish %.3f)\n", "AddPrepared, spelling on", write / n,
              publish / n);
  std::printf("%-44s %8.3f ms/doc (+ publish %.3f)\n", "AddPrepared, spelling off",
              write_nospell / n, publish_nospell / n);
  return 0;
}
