// `pressarc show [--json] URL-or-ID`: one stored article in full.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/app.h"
#include "search/search.h"

namespace pressarc::cli {

namespace {

struct ShowArgs {
  std::string target;
  bool json = false;
};

Status RunShow(CommandContext& ctx, const ShowArgs& args) {
  auto config = ctx.LoadConfig({.sources = false});  // only data_dir is needed
  if (!config.ok()) return config.status();
  auto searcher = search::Searcher::Open(ctx.ResolveDataDir(*config),
                                         {config->search.shards, config->search.shard_timeout_s});
  if (!searcher.ok()) return searcher.status();
  auto article = (*searcher)->Show(args.target);
  if (!article.ok()) return article.status();
  PrintWarnings(article->warnings);
  std::string out =
      args.json ? search::FormatArticleJson(*article) : search::FormatArticleText(*article);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace

void RegisterShow(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  auto args = std::make_shared<ShowArgs>();
  CLI::App* sub = app.add_subcommand(
      "show",
      "One stored article in full: text, metadata, translations, copies and where its response "
      "is in the archive. Give its id (from search) or any of its URLs.");
  AddCommonOptions(sub, &ctx.common);
  sub->add_option("target", args->target, "URL or id of the article")->required();
  sub->add_flag("--json", args->json, "Print one JSON object");
  sub->callback([run, args] { *run = [args](CommandContext& c) { return RunShow(c, *args); }; });
}

}  // namespace pressarc::cli
