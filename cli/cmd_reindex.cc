// `pressarc reindex [--json]`: flags, then every record of every WARC file
// in DATA/archive/ (crawled and imported; ForEachArchiveRecord, archive.h)
// into the indexer (IndexingVisitor, indexer.h) and a new
// index generation — parsing on every core, writing on one thread, keeping
// the newest version of each canonical URL (by WARC-Date) — then checks it
// and swaps it in atomically. On any failure the live index stays as it was.
// A document's source is the name its record carries (Pressarc-Source,
// written by crawl and import), else the configured source covering its
// URL, else its host: the config never relabels what the archive names
// (docs/operations.md#source-names).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "archive/archive.h"
#include "cli/app.h"
#include "cli/data_dir.h"
#include "config/log.h"
#include "indexer/indexer.h"

namespace pressarc::cli {
namespace {
struct ReindexFlags {
  bool json = false;
  unsigned threads = 0;
};

Status RunReindex(CommandContext& ctx, const ReindexFlags& flags) {
  auto config = ctx.LoadConfig();
  if (!config.ok()) return config.status();
  std::string data_dir = ctx.ResolveDataDir(*config);
  auto lock = DataDirLock::Acquire(data_dir, "reindex");
  if (!lock.ok()) return lock.status();
  auto start = std::chrono::steady_clock::now();
  auto converter = RecordConverter::Create(*config);
  if (!converter.ok()) return converter.status();

  const std::string archive_dir = data_dir + "/archive";
  auto files = ListArchiveFiles(archive_dir);
  if (!files.ok()) return files.status();
  if (files->empty())
    log::Warn("reindex", "no WARC files in " + archive_dir + ": the new index is empty");

  // As many writers as parsers: on two cores, one writer was the slower end
  // of the pipeline (bench/index_bench.sh).
  IndexWriterOptions writer_options;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  writer_options.shards = std::min(flags.threads == 0 ? cores : flags.threads, 8u);
  auto writer = IndexWriter::CreateGeneration(data_dir, writer_options);
  if (!writer.ok()) return writer.status();
  std::uint64_t records = 0;
  std::uint64_t bad = 0;
  BulkIndexStats stats;
  VersionObservations observed(data_dir);
  auto versions = VersionLog::Open(data_dir, &converter.value());
  if (!versions.ok()) return versions.status();
  // Removed articles stay indexed, as removed (the catalogue's removals).
  const std::set<std::string> removed = (*versions)->RemovedUrls();
  {
    BulkIndexer bulk(writer->get(), flags.threads);
    RecordVisitor visit = IndexingVisitor(
        &bulk, &*converter, "", &records,
        [&bad](const std::string& message) {
          std::fprintf(stderr, "pressarc: %s\n", message.c_str());
          ++bad;
        },
        &observed, &removed);
    // An archive file that cannot be read would silently drop its documents
    // from the new index: fail, and leave the live index as it is.
    Status read = ForEachArchiveRecord(archive_dir, *files, visit);
    Status finished = bulk.Finish();
    stats = bulk.stats();
    if (!read.ok()) {
      // the writer's destructor drops the new generation
      return Status::Runtime(read.message(),
                             "the live index was left unchanged; fix the file's "
                             "permissions and rerun reindex");
    }
    if (!finished.ok()) return finished;
  }
  // The versions are made again from the archive, before the new index is
  // swapped in (one transaction: a failed reindex leaves them as they were).
  if (Status s = (*versions)->Rebuild(observed.spool()); !s.ok()) return s;
  std::uint64_t documents = (*writer)->DocumentCount();
  std::string generation = (*writer)->Generation();
  if (Status s = (*writer)->Publish(); !s.ok()) return s;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (flags.json) {
    nlohmann::json j = {
        {"records", records},          {"articles", stats.articles},
        {"documents", documents},      {"seconds", std::round(seconds * 1000) / 1000},
        {"generation", generation},    {"files", files->size()},
        {"errors", bad + stats.errors}};
    std::printf("%s\n", j.dump().c_str());
  } else if (!ctx.common.quiet) {
    std::printf(
        "reindexed %zu file(s): %llu records, %llu articles, %llu documents in %s (%.1f s)\n",
        files->size(), static_cast<unsigned long long>(records),
        static_cast<unsigned long long>(stats.articles), static_cast<unsigned long long>(documents),
        generation.c_str(), seconds);
  }
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace

void RegisterReindex(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  CLI::App* sub = app.add_subcommand(
      "reindex",
      "Rebuild the index from the archive alone (no network) into a new generation, check it and "
      "swap it in atomically");
  AddCommonOptions(sub, &ctx.common);
  auto flags = std::make_shared<ReindexFlags>();
  sub->add_flag("--json", flags->json,
                "Print the summary as one JSON object {records, articles, documents, seconds, "
                "generation}");
  sub->add_option("--threads", flags->threads,
                  "Parser threads, and as many index writers (default: one per core)");
  sub->footer(
      "Searches running meanwhile keep working: they see the old index until the swap, then the "
      "new one. If reindex fails or is killed, the live index is unchanged; a rerun cleans up.\n"
      "Source names: a page's source is the name recorded with it in the archive (by the crawl "
      "or import that archived it), else the configured source whose URLs cover it, else its "
      "host; so a reindex without the config, or with another, keeps the names.\n"
      "Phrases: when the index replaced has 5,000 documents or more, the new one also holds the "
      "pairs of adjacent words that are both in 5% of them, so that phrases of frequent words "
      "read positions only where the pairs are (same results; docs/index-schema.md).\n"
      "Exit codes: 0 success; 1 runtime failure; 2 usage or config error; 75 another job holds "
      "the lock.");
  sub->callback(
      [run, flags] { *run = [flags](CommandContext& c) { return RunReindex(c, *flags); }; });
}

}  // namespace pressarc::cli
