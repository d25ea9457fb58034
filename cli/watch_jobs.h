// The end of a job (crawl, import, `watch run`): the watches are run over
// what the job added or changed (search/watch.h), and the `[alerts] command`
// is run once per watch with new matches, with that watch's JSON
// (WatchReportJson) on stdin and PRESSARC_WATCH=NAME in its environment;
// its stdout goes to our stderr, so a job's --json output stays clean. A
// command that fails or outlives `timeout_s` (then its process group is
// killed) is logged and counted; it never fails the job. Alerts are stored
// with the run's report and forgotten once delivered, so an alert cut off by
// a kill is delivered by the next job (at least once).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "config/config.h"
#include "config/status.h"
#include "search/watch.h"

namespace pressarc::cli {

struct WatchJobSummary {
  bool ran = false;                             // there were watches to run
  std::map<std::string, std::uint64_t> counts;  // watch → new matches
  std::uint64_t alerts_sent = 0;                // commands that exited 0
  std::uint64_t alerts_failed = 0;              // commands that failed or timed out
  Status disk_full;  // Status::DiskFull when a feed or the store met a full disk, else Ok
};

// Delivers the store's pending alerts with `options` (none when the command
// is empty: they are then forgotten).
void DeliverAlerts(search::WatchStore& store, const AlertOptions& options,
                   WatchJobSummary* summary);

// Rewrites DATA/feeds/changes.atom (search/watch.h WriteChangesFeed);
// errors are logged, except a full disk, which is returned (not logged).
Status WriteChangesFeed(const std::string& data_dir);

// The hook crawl and import call at their end: rewrites the change log's
// feed (WriteChangesFeed), runs the watches, if any were
// ever added (DATA/watches.sqlite exists), and delivers the alerts. Errors
// are logged, never returned: the job has succeeded already. A full disk
// stops it and is left in `disk_full` instead (the job exits 1 with it; the
// next job writes what is missing).
WatchJobSummary RunWatchesAfterJob(const Config& config, const std::string& data_dir);

// A job's JSON summary (one object) with "watches": {NAME: new matches} added.
std::string WithWatches(const std::string& summary_json, const WatchJobSummary& watches);
// Prometheus metric families for the crawl's textfile (docs/operations.md):
// pressarc_watch_new_matches{watch} and pressarc_watch_alerts{result} (gauges,
// the last job's counts); "" when no watch ran.
std::string WatchMetrics(const WatchJobSummary& watches);
// "watches: a 2 new, b 0 new" on stdout, when there are watches.
void PrintWatches(const WatchJobSummary& watches);

}  // namespace pressarc::cli
