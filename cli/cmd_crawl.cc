// `pressarc crawl`: one incremental crawl job (see crawler/crawler.h) with
// the live index as its sink, under the data directory lock.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>

#include "cli/app.h"
#include "cli/data_dir.h"
#include "cli/metrics.h"
#include "cli/watch_jobs.h"
#include "config/log.h"
#include "crawler/crawler.h"
#include "indexer/indexer.h"

namespace pressarc::cli {
namespace {

// SIGINT (Ctrl-C) and SIGTERM (systemd stop) end the crawl cleanly: what is in
// flight is finished, archived and indexed. The handler is reset on entry, so
// a second signal ends the process at once (as kill -9 would: the next run
// resumes all the same).
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

void OnStopSignal(int sig) {
  g_signal.store(sig);
  g_stop.store(true);
}

void InstallStopHandlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = &OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND | SA_RESTART;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

struct CrawlFlags {
  std::vector<std::string> sources;
  long long max_pages = 0;
  bool json = false;
  std::string metrics_file;
};

void PrintHuman(const CrawlSummary& s) {
  const CrawlCounters& c = s.total;
  std::printf(
      "crawl: %lld fetched, %lld new, %lld updated, %lld unchanged, %lld removed, "
      "%lld restored, %lld failed, %lld robots-denied, %lld out-of-scope, %lld indexed in "
      "%.1f s\n",
      static_cast<long long>(c.fetched), static_cast<long long>(c.new_articles),
      static_cast<long long>(c.updated), static_cast<long long>(c.unchanged),
      static_cast<long long>(c.removed), static_cast<long long>(c.restored),
      static_cast<long long>(c.failed), static_cast<long long>(c.robots_denied),
      static_cast<long long>(c.out_of_scope), static_cast<long long>(c.indexed), s.seconds);
  if (s.per_source.size() > 1) {
    for (const auto& [name, p] : s.per_source) {
      std::printf(
          "  %s: %lld fetched, %lld new, %lld updated, %lld unchanged, %lld removed, %lld "
          "restored, %lld failed\n",
          name.c_str(), static_cast<long long>(p.fetched), static_cast<long long>(p.new_articles),
          static_cast<long long>(p.updated), static_cast<long long>(p.unchanged),
          static_cast<long long>(p.removed), static_cast<long long>(p.restored),
          static_cast<long long>(p.failed));
    }
  }
  if (c.failed > 0) {
    std::printf("%lld pages failed (they are retried in the next run)%s\n",
                static_cast<long long>(c.failed), s.failures.empty() ? "" : ":");
    std::size_t shown = 0;
    for (const auto& f : s.failures) {
      if (++shown > 10) break;
      std::printf("  %s\n", f.c_str());
    }
    if (c.failed > 10) std::printf("  ... and %lld more\n", static_cast<long long>(c.failed - 10));
  }
}

Status RunCrawlCommand(CommandContext& ctx, const CrawlFlags& flags) {
  auto config = ctx.LoadConfig();
  if (!config.ok()) return config.status();
  if (config->sources.empty()) {
    return Status::Usage(
        "no sources configured" +
            (config->path.empty() ? std::string(" (no config file found)") : " in " + config->path),
        "add [[sources]] tables (name, start_urls) to the config, or pass --config FILE");
  }
  for (const auto& name : flags.sources) {
    if (!config->FindSource(name)) {
      std::string names;
      for (const auto& s : config->sources) names += (names.empty() ? "" : ", ") + s.name;
      return Status::Usage("unknown source '" + name + "'", "configured sources: " + names);
    }
  }
  if (flags.max_pages < 0) return Status::Usage("--max-pages must be 0 (no limit) or more");
  std::string data_dir = ctx.ResolveDataDir(*config);
  auto lock = DataDirLock::Acquire(data_dir, "crawl");
  if (!lock.ok()) return lock.status();
  // Versions are recorded where articles enter the index; earlier versions
  // are read back through the converter to count an edit's words.
  auto converter = RecordConverter::Create(*config);
  if (!converter.ok()) return converter.status();
  auto versions = VersionLog::Open(data_dir, &converter.value());
  if (!versions.ok()) return versions.status();
  auto sink = IndexSink::Open(data_dir, std::move(versions.value()));
  if (!sink.ok()) return sink.status();
  const LiveIndexSize before = MeasureLive(data_dir);

  CrawlRequest request;
  request.data_dir = data_dir;
  request.sources = flags.sources;
  request.max_pages = flags.max_pages;
  request.progress = !ctx.common.quiet && !ctx.common.verbose && ::isatty(STDERR_FILENO) == 1;
  request.stop = &g_stop;
  InstallStopHandlers();
  auto summary = RunCrawl(*config, request, sink->get());
  if (!summary.ok()) {
    if (!flags.metrics_file.empty()) {
      CrawlSummary empty;
      Status m = WriteMetricsFile(flags.metrics_file, empty, false);
      if (!m.ok()) log::Error("crawl", m.message());
    }
    return summary.status();
  }
  // Scheduled crawls add a few documents at a time to an index that a
  // reindex or an import compacted; its split blocks are compacted again
  // once it has grown a third beyond its size (not after a stop: the user
  // wants the job to end).
  sink->reset();
  if (!summary->stopped) {
    auto compacted = CompactIfGrown(
        data_dir, before,
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, summary->total.indexed)));
    if (!compacted.ok() && compacted.status().disk_full()) return compacted.status();
    if (!compacted.ok()) {
      log::Warn("crawl",
                "the index could not be compacted (it is intact): " + compacted.status().message());
    }
  }
  // The watches over what this job added or changed (cli/watch_jobs.h).
  const WatchJobSummary watches = RunWatchesAfterJob(*config, data_dir);

  if (!flags.metrics_file.empty()) {
    Status m =
        WriteMetricsFile(flags.metrics_file, *summary, !summary->stopped, WatchMetrics(watches));
    if (!m.ok()) log::Error("crawl", "metrics file: " + m.message());
  }
  if (flags.json) {
    std::printf("%s\n", WithWatches(CrawlSummaryJson(*summary), watches).c_str());
  } else if (!ctx.common.quiet) {
    PrintHuman(*summary);
    PrintWatches(watches);
  }
  std::fflush(stdout);
  if (!watches.disk_full.ok()) return watches.disk_full;
  if (summary->stopped) {
    return Status::Runtime(std::string("crawl stopped by ") +
                               (g_signal.load() == SIGTERM ? "SIGTERM" : "SIGINT") +
                               ": what was fetched is archived and indexed",
                           "the next crawl resumes where this one stopped");
  }
  return Status::Ok();
}

}  // namespace

void RegisterCrawl(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  CLI::App* sub = app.add_subcommand(
      "crawl",
      "Run one incremental crawl job over the configured sources: fetch politely, archive in "
      "WARC, extract and index new and changed articles, print a summary");
  AddCommonOptions(sub, &ctx.common);
  auto flags = std::make_shared<CrawlFlags>();
  sub->add_option("--source", flags->sources,
                  "Crawl only this source (repeatable; default: all configured sources)");
  sub->add_option("--max-pages", flags->max_pages,
                  "Stop after this many page requests in this run (0 = no limit); the rest stays "
                  "queued for the next run");
  sub->add_flag("--json", flags->json, "Print the summary as one JSON object");
  sub->add_option("--metrics-file", flags->metrics_file,
                  "Write Prometheus metrics (textfile collector format) to this file");
  sub->footer(
      "SIGTERM or Ctrl-C stops the crawl cleanly: requests in flight are finished, archived "
      "and indexed, the summary says \"stopped\", and the next run resumes (a second signal "
      "stops it at once, losing nothing either).\n\n"
      "Exit codes: 0 success (also when some pages failed: they are listed and retried next "
      "run); 1 runtime failure, or stopped by a signal; 2 usage or config error; 75 another job "
      "holds the lock.");
  sub->callback(
      [run, flags] { *run = [flags](CommandContext& c) { return RunCrawlCommand(c, *flags); }; });
}

}  // namespace pressarc::cli
