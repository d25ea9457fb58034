// `pressarc search [options] QUERY...`: full-text search over the index.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cli/app.h"
#include "search/search.h"

namespace pressarc::cli {

namespace {

struct SearchArgs {
  std::vector<std::string> words;
  std::vector<std::string> languages;
  std::vector<std::string> sources;
  std::string from;
  std::string to;
  std::string sort = "relevance";
  std::uint32_t limit = 10;
  std::uint32_t offset = 0;
  bool any = false;
  bool all = false;
  bool exact = false;
  bool facets = false;
  bool json = false;
  std::string format;  // "" = text (or json with --json)
  bool bom = false;
  std::string color = "auto";
};

void WriteOut(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

Status RunSearch(CommandContext& ctx, const SearchArgs& args,
                 const std::vector<std::string>& extras) {
  search::SearchOptions options;
  // Words like -covid (excluded words) reach us as unknown options.
  auto query = JoinQueryWords(ctx, args.words, extras, "search");
  if (!query.ok()) return query.status();
  options.query = *query;
  options.languages = args.languages;
  options.sources = args.sources;
  options.from = args.from;
  options.to = args.to;
  options.sort = args.sort == "newest"   ? search::SortOrder::kNewest
                 : args.sort == "oldest" ? search::SortOrder::kOldest
                                         : search::SortOrder::kRelevance;
  options.limit = args.limit;
  options.offset = args.offset;
  options.match_any = args.any;
  options.fold_copies = !args.all;
  options.exact = args.exact;
  options.facets = args.facets;

  search::OutputFormat format = search::OutputFormat::kText;
  std::string name = args.format;
  if (args.json) {
    if (!name.empty() && name != "json") {
      return Status::Usage("--json and --format " + name + " contradict each other");
    }
    name = "json";
  }
  if (name == "json") format = search::OutputFormat::kJson;
  if (name == "jsonl") format = search::OutputFormat::kJsonl;
  if (name == "csv") format = search::OutputFormat::kCsv;
  search::FormatOptions format_options;
  format_options.color = format == search::OutputFormat::kText && UseColor(args.color);
  format_options.csv_bom = args.bom;
  options.highlight = format_options.color;

  // Usage errors first, so that a bad query is reported even without an index.
  if (Status s = search::ValidateSearchOptions(options); !s.ok()) return s;
  if (options.query.empty() && options.languages.empty() && options.sources.empty() &&
      options.from.empty() && options.to.empty()) {
    return Status::Usage("empty query: give words to search for, or filters",
                         "e.g. pressarc search vaccine, or pressarc search --lang ru");
  }

  auto config = ctx.LoadConfig({.sources = false});  // only data_dir is needed
  if (!config.ok()) return config.status();
  auto searcher = search::Searcher::Open(ctx.ResolveDataDir(*config),
                                         {config->search.shards, config->search.shard_timeout_s});
  if (!searcher.ok()) return searcher.status();
  auto response = (*searcher)->Search(options);
  if (!response.ok()) return response.status();
  PrintWarnings(response->warnings);
  WriteOut(search::FormatSearch(*response, format, format_options));
  return Status::Ok();
}

}  // namespace

void RegisterSearch(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  auto args = std::make_shared<SearchArgs>();
  ctx.free_word_commands.push_back("search");
  CLI::App* sub = app.add_subcommand(
      "search",
      "Full-text search. QUERY uses Xapian's syntax: all words required; \"a phrase\", AND, OR, "
      "NOT, -word, word*, title:word, source:NAME, site:HOST, lang:az, id:ID, status:removed "
      "(articles their sites took down) or status:live, and date ranges 2023-01-01..2023-12-31, "
      "2023..2024, 2023-05.., ..2023 (inclusive). Put '--' before words starting with '-'.");
  AddCommonOptions(sub, &ctx.common);
  sub->add_option("query", args->words, "Query words (joined with spaces)");
  sub->add_option("--lang", args->languages,
                  "Only documents in this language (ISO 639-1; repeatable: any of them)")
      ->allow_extra_args(false);
  sub->add_option("--source", args->sources,
                  "Only documents of this source (repeatable: any of them)")
      ->allow_extra_args(false);
  sub->add_option("--from", args->from, "Published on or after this day (YYYY-MM-DD)");
  sub->add_option("--to", args->to, "Published on or before this day (YYYY-MM-DD)");
  sub->add_option("--sort", args->sort, "Order of results")
      ->check(CLI::IsMember({"relevance", "newest", "oldest"}))
      ->capture_default_str();
  sub->add_option("--limit", args->limit, "Results to show")->capture_default_str();
  sub->add_option("--offset", args->offset, "Results to skip (paging)")->capture_default_str();
  sub->add_flag("--any", args->any, "Match any word instead of all words");
  sub->add_flag("--all", args->all, "Show every near-duplicate copy as its own result");
  sub->add_flag("--exact", args->exact,
                "Exact words: match each word as written (case aside): no stemming, no diacritic "
                "folding, no transliteration");
  sub->add_flag("--facets", args->facets,
                "Also count the matches by source, language, year, month and status (live, "
                "removed)");
  sub->add_flag("--json", args->json, "Same as --format json");
  sub->add_option("--format", args->format, "Output format (default text)")
      ->check(CLI::IsMember({"text", "json", "jsonl", "csv"}));
  sub->add_flag("--bom", args->bom,
                "CSV: start with a UTF-8 byte order mark (Excel needs it to read UTF-8)");
  sub->add_option("--color", args->color, "Bold titles and matches on a terminal")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  sub->allow_extras();
  sub->callback([run, args, sub] {
    std::vector<std::string> extras = sub->remaining();
    *run = [args, extras](CommandContext& c) { return RunSearch(c, *args, extras); };
  });
}

}  // namespace pressarc::cli
