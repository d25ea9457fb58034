// `pressarc changes [--since DATE|DURATION] [--source NAME]... [--kind KIND]...
// [--format text|json|jsonl|atom]`: the log of new and edited (and removed and
// restored) articles, newest first (search.h LoadChanges).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "cli/app.h"
#include "config/iso_time.h"
#include "search/search.h"
#include "search/watch.h"

namespace pressarc::cli {
namespace {

struct ChangesArgs {
  std::string since;
  std::vector<std::string> sources;
  std::vector<std::string> kinds;
  std::string format = "text";
  std::size_t limit = 0;
  std::string color = "auto";
};

Result<ChangeFilter> BuildFilter(const ChangesArgs& args) {
  ChangeFilter filter;
  if (!args.since.empty()) {
    auto since = search::ParseSince(args.since, static_cast<std::int64_t>(std::time(nullptr)));
    if (!since.ok()) return since.status();
    filter.since = *since;
  }
  for (const auto& k : args.kinds) {
    auto kind = ParseChangeKind(k);
    if (!kind) {
      return Status::Usage("unknown --kind '" + k + "'",
                           "kinds are new, edited, removed and restored");
    }
    filter.kinds.push_back(*kind);
  }
  filter.sources = args.sources;
  filter.limit = args.limit;
  return filter;
}

Status RunChanges(CommandContext& ctx, const ChangesArgs& args) {
  auto filter = BuildFilter(args);
  if (!filter.ok()) return filter.status();
  auto config = ctx.LoadConfig({.sources = false});  // only data_dir is needed
  if (!config.ok()) return config.status();
  auto events = search::LoadChanges(ctx.ResolveDataDir(*config), *filter);
  if (!events.ok()) return events.status();
  if (args.format == "atom") {
    const std::string feed =
        search::ChangesAtom(*events, IsoUtc(static_cast<std::int64_t>(std::time(nullptr))));
    std::fwrite(feed.data(), 1, feed.size(), stdout);
    std::fflush(stdout);
    return Status::Ok();
  }
  search::OutputFormat format = search::OutputFormat::kText;
  if (args.format == "json") format = search::OutputFormat::kJson;
  if (args.format == "jsonl") format = search::OutputFormat::kJsonl;
  search::FormatOptions options;
  options.color = format == search::OutputFormat::kText && UseColor(args.color);
  const std::string out = search::FormatChanges(*events, format, options);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace

void RegisterChanges(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  auto args = std::make_shared<ChangesArgs>();
  CLI::App* sub = app.add_subcommand(
      "changes",
      "The log of what changed on the sites: new, edited, removed and restored articles, "
      "newest first");
  AddCommonOptions(sub, &ctx.common);
  sub->add_option("--since", args->since,
                  "Only events from this UTC day (YYYY-MM-DD) or this long ago (7d, 24h, 30m, "
                  "2w) on");
  sub->add_option("--source", args->sources, "Only this source (repeatable)");
  sub->add_option("--kind", args->kinds,
                  "Only events of this kind: new, edited, removed, restored (repeatable)");
  sub->add_option("--format", args->format,
                  "Output format: text (default), json, jsonl, atom (an Atom 1.0 feed)")
      ->check(CLI::IsMember({"text", "json", "jsonl", "atom"}));
  sub->add_option("--limit", args->limit, "At most this many events (0 = all)");
  sub->add_option("--color", args->color, "Colour the text: auto (a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  sub->footer(
      "An event: {kind, at (UTC), id, url, title, source, language, version, words_added, "
      "words_removed, excerpt}; json prints an array of them, jsonl one per line. The first "
      "archived version of an article is its `new` event; each later version an `edited` one, "
      "with the words it added and removed and the changed passage as excerpt. An archived "
      "article that answered as gone on two visits at least an hour apart is `removed` (words 0, "
      "its last version's title); one that answers again is `restored`. atom prints the events "
      "as an Atom 1.0 feed; DATA/feeds/changes.atom (the last 100 events) is rewritten at the "
      "end of every crawl, import and `watch run`.\n"
      "Exit codes: 0 success (an empty log too); 1 runtime failure; 2 usage error (bad "
      "--since, --kind or --format).");
  sub->callback([run, args] { *run = [args](CommandContext& c) { return RunChanges(c, *args); }; });
}

}  // namespace pressarc::cli
