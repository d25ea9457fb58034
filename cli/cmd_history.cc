// `pressarc history [--format text|json] [--version N] URL-or-ID`: every
// version of one article, with word-level diffs between consecutive ones,
// computed from the archived records (search.h LoadHistory).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/app.h"
#include "search/search.h"

namespace pressarc::cli {
namespace {

struct HistoryArgs {
  std::string target;
  std::string format = "text";
  int version = 0;
  std::string color = "auto";
};

Status RunHistory(CommandContext& ctx, const HistoryArgs& args) {
  if (args.version < 0) return Status::Usage("--version must be 1 or more");
  auto config = ctx.LoadConfig();
  if (!config.ok()) return config.status();
  auto converter = RecordConverter::Create(*config);
  if (!converter.ok()) return converter.status();
  search::HistoryOptions options;
  options.only = args.version;
  auto history = search::LoadHistory(ctx.ResolveDataDir(*config), *converter, args.target, options);
  if (!history.ok()) return history.status();
  search::FormatOptions format;
  format.color = args.format == "text" && UseColor(args.color);
  const std::string out = args.format == "json" ? search::FormatHistoryJson(*history)
                                                : search::FormatHistoryText(*history, format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace

void RegisterHistory(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  auto args = std::make_shared<HistoryArgs>();
  CLI::App* sub = app.add_subcommand(
      "history",
      "Every version of one article (a change of its title, date or text), with word-level "
      "diffs between consecutive versions, read from the archive");
  AddCommonOptions(sub, &ctx.common);
  sub->add_option("target", args->target, "URL or id of the article")->required();
  sub->add_option("--format", args->format, "Output format (default text)")
      ->check(CLI::IsMember({"text", "json"}));
  sub->add_option("--version", args->version, "Print version N whole (1 = the first)");
  sub->add_option("--color", args->color, "Colour the diff: auto (a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  sub->footer(
      "Text: each version's fetch time, title, date and digest, then what changed as [-removed "
      "words-]{+added words+} with a few words of context (red and green on a terminal). "
      "JSON: {id, url, status, versions: [{version, fetched_at, title, published, digest, "
      "archive: {file, offset}, diff: null | [{op: equal|insert|delete, text}]}]}.\n"
      "A version is a distinct extracted article: changes of boilerplate, markup or white "
      "space make none.\n"
      "Exit codes: 0 success; 1 unknown article or runtime failure; 2 usage error.");
  sub->callback([run, args] { *run = [args](CommandContext& c) { return RunHistory(c, *args); }; });
}

}  // namespace pressarc::cli
