// `pressarc stats [--json]`: counts by source, language and year; archive
// size; last crawl.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/app.h"
#include "search/search.h"

namespace pressarc::cli {

namespace {

Status RunStats(CommandContext& ctx, bool json) {
  auto config =
      ctx.LoadConfig();  // the whole config: docs/operations.md checks a config with stats
  if (!config.ok()) return config.status();
  auto stats = search::CollectStats(ctx.ResolveDataDir(*config),
                                    {config->search.shards, config->search.shard_timeout_s});
  if (!stats.ok()) return stats.status();
  PrintWarnings(stats->warnings);
  std::string out = json ? search::FormatStatsJson(*stats) : search::FormatStatsText(*stats);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace

void RegisterStats(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  auto json = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand(
      "stats", "Documents by source, language and year; archive size; the last crawl");
  AddCommonOptions(sub, &ctx.common);
  sub->add_flag("--json", *json, "Print one JSON object");
  sub->callback([run, json] { *run = [json](CommandContext& c) { return RunStats(c, *json); }; });
}

}  // namespace pressarc::cli
