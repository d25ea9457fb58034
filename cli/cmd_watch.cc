// `pressarc watch add|list|rm|show|run`: saved searches (search/watch.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/watch_jobs.h"
#include "search/watch.h"

namespace pressarc::cli {

namespace {

struct WatchArgs {
  std::string name;
  std::vector<std::string> words;
  search::WatchQuery query;
  bool json = false;
  std::size_t limit = 20;
};

void Print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

Result<std::unique_ptr<search::WatchStore>> OpenStore(CommandContext& ctx, Config* config_out) {
  auto config = ctx.LoadConfig({.sources = false});
  if (!config.ok()) return config.status();
  if (config_out) *config_out = *config;
  return search::WatchStore::Open(ctx.ResolveDataDir(*config));
}

std::string Describe(const search::WatchQuery& q) {
  std::string out = q.query;
  auto add = [&](const std::string& flag, const std::string& value) {
    out += (out.empty() ? "" : " ") + flag + (value.empty() ? "" : " " + value);
  };
  for (const auto& l : q.languages) add("--lang", l);
  for (const auto& s : q.sources) add("--source", s);
  if (!q.from.empty()) add("--from", q.from);
  if (!q.to.empty()) add("--to", q.to);
  if (q.match_any) add("--any", "");
  if (q.all) add("--all", "");
  return out;
}

Status Add(CommandContext& ctx, WatchArgs args, const std::vector<std::string>& extras) {
  auto query = JoinQueryWords(ctx, args.words, extras, "watch add");
  if (!query.ok()) return query.status();
  args.query.query = *query;
  // Usage errors before anything is opened or created.
  if (Status s = search::ValidateWatchName(args.name); !s.ok()) return s;
  if (Status s = search::ValidateWatchQuery(args.query); !s.ok()) return s;
  auto store = OpenStore(ctx, nullptr);
  if (!store.ok()) return store.status();
  if (Status s = (*store)->Add(args.name, args.query); !s.ok()) return s;
  if (!ctx.common.quiet) {
    Print("watch " + args.name + " added; feed: " + (*store)->FeedPath(args.name) + "\n");
  }
  return Status::Ok();
}

Status List(CommandContext& ctx, const WatchArgs& args) {
  auto store = OpenStore(ctx, nullptr);
  if (!store.ok()) return store.status();
  auto watches = (*store)->List();
  if (!watches.ok()) return watches.status();
  std::string out;
  if (args.json) {
    out = "{\"watches\":[";
    for (std::size_t i = 0; i < watches->size(); ++i) {
      const auto& w = (*watches)[i];
      out += (i ? "," : "") + search::WatchJson(w, (*store)->FeedPath(w.name));
    }
    out += "]}\n";
  } else {
    for (const auto& w : *watches) {
      out += w.name + "\t" + Describe(w.query) + "\t" + std::to_string(w.matches) + " matches\t" +
             (w.last_run.empty() ? "never run" : "last run " + w.last_run) + "\n";
    }
  }
  Print(out);
  return Status::Ok();
}

Status Remove(CommandContext& ctx, const WatchArgs& args) {
  auto store = OpenStore(ctx, nullptr);
  if (!store.ok()) return store.status();
  if (Status s = (*store)->Remove(args.name); !s.ok()) return s;
  if (!ctx.common.quiet) Print("watch " + args.name + " removed\n");
  return Status::Ok();
}

std::string MatchText(const search::WatchMatch& m) {
  return (m.published.empty() ? std::string("undated") : m.published.substr(0, 10)) + "  " +
         m.source + "  " + (m.status == "removed" ? "[removed] " : "") + m.title + "\n  " + m.url +
         "\n  " + m.snippet + "\n";
}

Status Show(CommandContext& ctx, const WatchArgs& args) {
  auto store = OpenStore(ctx, nullptr);
  if (!store.ok()) return store.status();
  auto watch = (*store)->Get(args.name);
  if (!watch.ok()) return watch.status();
  auto matches = (*store)->Recent(args.name, args.limit);
  if (!matches.ok()) return matches.status();
  std::string out;
  if (args.json) {
    std::string w = search::WatchJson(*watch, (*store)->FeedPath(args.name));
    w.pop_back();  // the closing brace: the recent matches join the object
    out = w + ",\"recent\":[";
    for (std::size_t i = 0; i < matches->size(); ++i) {
      out += (i ? "," : "") + search::WatchMatchJson((*matches)[i]);
    }
    out += "]}\n";
  } else {
    out = watch->name + ": " + Describe(watch->query) + "\n" + std::to_string(watch->matches) +
          " matches; created " + watch->created_at + "; " +
          (watch->last_run.empty() ? "never run" : "last run " + watch->last_run) +
          "\nfeed: " + (*store)->FeedPath(args.name) + "\n";
    for (const auto& m : *matches) out += "\n" + MatchText(m);
  }
  Print(out);
  return Status::Ok();
}

Status Run(CommandContext& ctx, const WatchArgs& args) {
  Config config;
  auto store = OpenStore(ctx, &config);
  if (!store.ok()) return store.status();
  auto result = (*store)->Run();
  if (!result.ok()) return result.status();
  WatchJobSummary summary;
  DeliverAlerts(**store, config.alerts, &summary);
  if (Status s = WriteChangesFeed(ctx.ResolveDataDir(config)); s.disk_full()) return s;
  std::string out;
  if (args.json) {
    std::string counts, reports;
    for (const auto& r : result->reports) {
      counts +=
          std::string(counts.empty() ? "" : ",") + "\"" + r.name + "\":" + std::to_string(r.count);
      if (r.count > 0) reports += (reports.empty() ? "" : ",") + search::WatchReportJson(r);
    }
    out = "{\"watches\":{" + counts + "},\"reports\":[" + reports +
          "],\"changed\":" + std::to_string(result->changed) + "}\n";
  } else if (!ctx.common.quiet) {
    for (const auto& r : result->reports) {
      out += r.name + ": " + std::to_string(r.count) + " new\n";
      for (const auto& m : r.matches) out += MatchText(m);
    }
  }
  Print(out);
  return Status::Ok();
}

void AddQueryOptions(CLI::App* sub, WatchArgs* args) {
  sub->add_option("--lang", args->query.languages,
                  "Only documents in this language (ISO 639-1; repeatable: any of them)")
      ->allow_extra_args(false);
  sub->add_option("--source", args->query.sources,
                  "Only documents of this source (repeatable: any of them)")
      ->allow_extra_args(false);
  sub->add_option("--from", args->query.from, "Published on or after this day (YYYY-MM-DD)");
  sub->add_option("--to", args->query.to, "Published on or before this day (YYYY-MM-DD)");
  sub->add_flag("--any", args->query.match_any, "Match any word instead of all words");
  sub->add_flag("--all", args->query.all,
                "Report near-duplicate copies too (default: a copy of a release already "
                "reported is not reported again)");
}

}  // namespace

void RegisterWatch(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  ctx.free_word_commands.push_back("watch");
  CLI::App* watch = app.add_subcommand(
      "watch",
      "Saved searches: each run (and every crawl and import, at its end) reports the documents "
      "that newly match, once per watch, in DATA/feeds/NAME.atom and to the [alerts] command");
  watch->require_subcommand(1);
  auto args = std::make_shared<WatchArgs>();

  CLI::App* add = watch->add_subcommand(
      "add",
      "Save a watch: NAME (letters, digits, '_', '-'; at most 64; not 'changes') and a query in "
      "the language "
      "of 'pressarc search'. Documents already indexed are not reported; its feed is created "
      "empty. A bad query exits 2 and saves nothing");
  AddCommonOptions(add, &ctx.common);
  add->add_option("name", args->name, "Watch name")->required();
  add->add_option("query", args->words, "Query words (joined with spaces)");
  AddQueryOptions(add, args.get());
  add->allow_extras();
  add->callback([run, args, add] {
    std::vector<std::string> extras = add->remaining();
    *run = [args, extras](CommandContext& c) { return Add(c, *args, extras); };
  });

  CLI::App* list = watch->add_subcommand("list", "List the watches");
  AddCommonOptions(list, &ctx.common);
  list->add_flag("--json", args->json,
                 "One JSON object {\"watches\": [{name, query, lang, source, from, to, any, all, "
                 "created_at, last_run, matches, feed}]}");
  list->callback([run, args] { *run = [args](CommandContext& c) { return List(c, *args); }; });

  CLI::App* rm = watch->add_subcommand("rm", "Delete a watch, its record and its feed");
  AddCommonOptions(rm, &ctx.common);
  rm->add_option("name", args->name, "Watch name")->required();
  rm->callback([run, args] { *run = [args](CommandContext& c) { return Remove(c, *args); }; });

  CLI::App* show = watch->add_subcommand("show", "A watch and its recent matches, newest first");
  AddCommonOptions(show, &ctx.common);
  show->add_option("name", args->name, "Watch name")->required();
  show->add_option("--limit", args->limit, "Matches to show")->capture_default_str();
  show->add_flag("--json", args->json,
                 "One JSON object: the watch (as in list) plus \"recent\": [{id, url, title, "
                 "published, language, source, snippet, reported_at}]");
  show->callback([run, args] { *run = [args](CommandContext& c) { return Show(c, *args); }; });

  CLI::App* run_cmd = watch->add_subcommand(
      "run",
      "Run every watch over what changed in the index since its last run: report the new "
      "matches, rewrite the feeds (and DATA/feeds/changes.atom), run the [alerts] command. "
      "Watches search the local index only, not the [search] shards");
  AddCommonOptions(run_cmd, &ctx.common);
  run_cmd->add_flag("--json", args->json,
                    "One JSON object {\"watches\": {NAME: new matches}, \"reports\": [{watch, "
                    "query, new, matches: [...]}] (watches with new matches), \"changed\"}");
  run_cmd->callback([run, args] { *run = [args](CommandContext& c) { return Run(c, *args); }; });
  watch->footer(
      "Exit codes: 0 success; 1 runtime failure; 2 usage error (bad name, name in use, unknown "
      "watch, bad query).");
}

}  // namespace pressarc::cli
