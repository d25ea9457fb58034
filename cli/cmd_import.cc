// `pressarc import [--source NAME] [--json] FILE...`: flags, then each file
// into the archive (ArchiveImporter, archive.h: WARC files copied verbatim,
// HTML files as `resource` records, anything else rejected by its content)
// and each record it holds into the index (IndexingVisitor, indexer.h):
// into a new generation swapped in at the end when the live index is empty or
// small next to the files (OpenForBulkAdd), else into the live one, then
// compacted if grown; then report. Only pages of kind `article` are
// indexed. Source: --source, else the record's Pressarc-Source field, else
// the configured source covering the URL, else the host.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "archive/archive.h"
#include "cli/app.h"
#include "cli/data_dir.h"
#include "cli/watch_jobs.h"
#include "indexer/indexer.h"

namespace pressarc::cli {
namespace {

struct ImportFlags {
  std::string source;
  bool json = false;
  std::vector<std::string> files;
};

struct ImportSummary {
  std::uint64_t files = 0;     // files imported
  std::uint64_t rejected = 0;  // files not imported (reported on stderr)
  std::uint64_t records = 0;
  std::uint64_t articles = 0;
  std::uint64_t indexed = 0;
  std::uint64_t skipped = 0;
  std::uint64_t errors = 0;  // rejected files, bad records, documents not indexed
};

void ReportBad(const std::string& what) {
  std::fprintf(stderr, "pressarc: %s\n", what.c_str());
}

// The bytes of the files to import (what cannot be read counts nothing).
std::uint64_t InputBytes(const std::vector<std::string>& files) {
  std::uint64_t total = 0;
  for (const auto& file : files) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(file, ec);
    if (!ec) total += size;
  }
  return total;
}

// Every file into the archive and its records into the index.
Status ImportAll(const Config& config, const ImportFlags& flags, const std::string& data_dir,
                 ImportSummary* summary) {
  auto converter = RecordConverter::Create(config);
  if (!converter.ok()) return converter.status();
  const LiveIndexSize before = MeasureLive(data_dir);
  // Into an empty or small index: a new generation written by a thread per
  // core, swapped in at the end (OpenForBulkAdd, indexer.h).
  IndexWriterOptions writer_options;
  writer_options.shards = std::min(std::max(1u, std::thread::hardware_concurrency()), 8u);
  auto opened = OpenForBulkAdd(data_dir, InputBytes(flags.files), writer_options);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<IndexWriter>* writer = &opened->writer;
  ArchiveImporter importer({.archive_dir = data_dir + "/archive", .source = flags.source},
                           &*converter);
  Status result;
  VersionObservations observed(data_dir);
  auto versions = VersionLog::Open(data_dir, &*converter);
  if (!versions.ok()) return versions.status();
  // An imported copy of a removed article is indexed as removed.
  const std::set<std::string> removed = (*versions)->RemovedUrls();
  {
    BulkIndexer bulk(writer->get(), 0);
    RecordVisitor visit = IndexingVisitor(
        &bulk, &*converter, flags.source, &summary->records,
        [summary](const std::string& message) {
          ReportBad(message);
          ++summary->errors;
        },
        &observed, &removed);
    for (const auto& file : flags.files) {
      Status st = importer.Import(file, visit);
      if (st.disk_full()) {  // the next files would fail alike: stop here
        result = st;
        break;
      }
      if (st.ok()) {
        ++summary->files;
      } else {
        ReportBad(st.message());
        ++summary->rejected;
        ++summary->errors;
      }
    }
    Status indexed = bulk.Finish();
    if (result.ok()) result = indexed;
    BulkIndexStats st = bulk.stats();
    summary->articles = st.articles;
    summary->indexed = st.indexed;
    summary->errors += st.errors;
  }
  if (Status f = importer.Flush(); !f.ok() && result.ok()) result = f;
  if (result.disk_full()) return result;  // nothing more to write; the rerun finishes
  // Versions before the index (a rerun finds them and adds none).
  if (result.ok()) result = (*versions)->RecordAll(observed.spool());
  // A new generation: compacted, checked and swapped in; the live one: committed.
  if (result.ok()) result = (*writer)->Publish();
  if (result.ok() && !opened->new_generation) {
    writer->reset();  // closed: the compaction reads the live generation
    auto compacted = CompactIfGrown(data_dir, before, summary->indexed);
    if (!compacted.ok()) result = compacted.status();
  }
  summary->skipped = summary->records >= summary->indexed ? summary->records - summary->indexed : 0;
  return result;
}

void PrintSummary(const ImportSummary& s, const WatchJobSummary& watches, double seconds, bool json,
                  bool quiet) {
  if (json) {
    nlohmann::json j = {{"files", s.files},     {"rejected", s.rejected},
                        {"records", s.records}, {"articles", s.articles},
                        {"indexed", s.indexed}, {"skipped", s.skipped},
                        {"errors", s.errors},   {"seconds", std::round(seconds * 1000) / 1000}};
    std::printf("%s\n", WithWatches(j.dump(), watches).c_str());
  } else if (!quiet) {
    std::printf(
        "imported %llu file(s): %llu records, %llu articles, %llu indexed, %llu skipped, %llu "
        "errors (%.1f s)\n",
        static_cast<unsigned long long>(s.files), static_cast<unsigned long long>(s.records),
        static_cast<unsigned long long>(s.articles), static_cast<unsigned long long>(s.indexed),
        static_cast<unsigned long long>(s.skipped), static_cast<unsigned long long>(s.errors),
        seconds);
    PrintWatches(watches);
  }
  std::fflush(stdout);
}

Status RunImport(CommandContext& ctx, const ImportFlags& flags) {
  auto config = ctx.LoadConfig();
  if (!config.ok()) return config.status();
  if (flags.files.empty()) return Status::Usage("import: no files given");
  std::string data_dir = ctx.ResolveDataDir(*config);
  auto lock = DataDirLock::Acquire(data_dir, "import");
  if (!lock.ok()) return lock.status();
  auto start = std::chrono::steady_clock::now();
  ImportSummary s;
  Status status = ImportAll(*config, flags, data_dir, &s);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The watches over what this job added or changed (cli/watch_jobs.h).
  // Not on a full disk: they would only fail too; the next job runs them.
  const WatchJobSummary watches =
      status.disk_full() ? WatchJobSummary{} : RunWatchesAfterJob(*config, data_dir);
  PrintSummary(s, watches, seconds, flags.json, ctx.common.quiet);
  if (!status.ok()) return status;
  if (!watches.disk_full.ok()) return watches.disk_full;
  if (s.rejected == flags.files.size())
    return Status::Runtime("none of the files could be imported");
  if (s.rejected > 0) {
    return Status::Runtime(std::to_string(s.rejected) + " of " +
                           std::to_string(flags.files.size()) + " files were not imported");
  }
  return Status::Ok();
}

}  // namespace

void RegisterImport(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  CLI::App* sub = app.add_subcommand(
      "import",
      "Add existing WARC files (pressarc, wget, Heritrix 1.x and 3.x, Browsertrix; WARC/1.1, 1.0, "
      "0.18 or 0.17, gzipped or not) or HTML files to the archive and the index");
  AddCommonOptions(sub, &ctx.common);
  auto flags = std::make_shared<ImportFlags>();
  sub->add_option(
      "--source", flags->source,
      "Source name for everything imported (default: the name a pressarc WARC record "
      "carries, else the configured source whose URLs match, else the host; 'local' "
      "for file:// pages). Recorded with each HTML file archived, so reindex keeps it; "
      "WARC files are kept verbatim, so reindex names their records by the other rules");
  sub->add_flag("--json", flags->json,
                "Print the summary as one JSON object {files, rejected, records, articles, "
                "indexed, skipped, errors}");
  sub->add_option("FILE", flags->files, "WARC or HTML files")->required();
  sub->footer(
      "A file is judged by its content. WARC files are copied verbatim into DATA/archive/ "
      "(import-<hash>-<name>); the same content under another name is not copied again. An HTML "
      "file (one a browser would sniff as HTML: it starts, after blanks, with <!DOCTYPE html, "
      "<html, <head, <body, <p, <div, <!-- or another HTML tag) is archived as a WARC resource "
      "record under its own canonical URL (else file://PATH), dated by its modification time. "
      "Anything else (binaries, tar or ARC files, directories) is reported (\"pressarc: FILE: "
      "not a WARC or HTML file (skipped)\") and not archived. Bad records are reported and "
      "skipped; a WARC file whose first record cannot be read is reported and not archived.\n"
      "Exit codes: 0 success (also when some records were bad); 1 runtime failure, or a file "
      "was not imported (the others are); 2 usage or config error; 75 another job holds the "
      "lock.");
  sub->callback(
      [run, flags] { *run = [flags](CommandContext& c) { return RunImport(c, *flags); }; });
}

}  // namespace pressarc::cli
