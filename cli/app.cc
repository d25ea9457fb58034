#include "cli/app.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/version.h"
#include "config/log.h"

namespace pressarc::cli {
namespace fs = std::filesystem;

Result<Config> CommandContext::LoadConfig(const ConfigParseOptions& options) const {
  if (!common.config_path.empty()) return LoadConfigFile(common.config_path, options);
  if (fs::exists("pressarc.toml")) return LoadConfigFile("pressarc.toml", options);
  Config config;
  return config;
}

std::string CommandContext::ResolveDataDir(const Config& config) const {
  if (!common.data_dir.empty()) return common.data_dir;
  if (!config.data_dir.empty()) {
    fs::path p(config.data_dir);
    if (p.is_relative() && !config.path.empty()) {
      p = fs::path(config.path).parent_path() / p;
    }
    return p.lexically_normal().string();
  }
  return "pressarc-data";
}

void AddCommonOptions(CLI::App* sub, CommonOptions* options) {
  sub->option_defaults()->group("Common options");
  sub->add_option("--data", options->data_dir,
                  "Data directory (default: data_dir from the config, else ./pressarc-data)");
  sub->add_option("--config", options->config_path,
                  "Config file (default: ./pressarc.toml if present, else built-in defaults)");
  sub->add_flag("-v,--verbose", options->verbose, "Log progress details on stderr");
  sub->add_flag("-q,--quiet", options->quiet, "Log errors only");
  sub->add_option("--log-format", options->log_format, "Log line format on stderr")
      ->check(CLI::IsMember({"text", "json"}));
  sub->option_defaults()->group("Options");
}

namespace {

void ApplyLogging(const CommonOptions& common) {
  log::SetFormat(common.log_format == "json" ? log::Format::kJson : log::Format::kText);
  if (common.quiet) {
    log::SetLevel(log::Level::kError);
  } else if (common.verbose) {
    log::SetLevel(log::Level::kInfo);
  } else {
    log::SetLevel(log::Level::kWarn);
  }
}

int ReportError(const Status& status) {
  std::fprintf(stderr, "pressarc: %s\n", status.message().c_str());
  if (!status.hint().empty()) std::fprintf(stderr, "hint: %s\n", status.hint().c_str());
  return status.exit_code() == 0 ? kExitRuntime : status.exit_code();
}

}  // namespace

int RunCommands(int argc, char** argv, std::span<const Registration> commands,
                std::string (*version_text)()) {
  CLI::App app{
      "pressarc: archive the press releases of government ministries (WARC) and search them "
      "(Xapian).",
      "pressarc"};
  app.require_subcommand(1);
  // The text is printed by the handler below (computed only when asked for).
  app.set_version_flag("--version", std::string("pressarc " PRESSARC_VERSION));
  app.footer(
      "Exit codes: 0 success; 1 runtime failure (including \"no index yet\"); 2 usage, config or\n"
      "query error; 75 another job holds the data directory's lock.\n"
      "Run 'pressarc COMMAND --help' for the options of one command.");

  CommandContext ctx;
  CommandRun run;
  for (Registration add : commands) add(app, ctx, &run);

  std::vector<char*> args(argv, argv + argc);
  if (argc > 2 && std::find(ctx.free_word_commands.begin(), ctx.free_word_commands.end(),
                            argv[1]) != ctx.free_word_commands.end()) {
    auto separator = std::find_if(args.begin() + 2, args.end(),
                                  [](const char* a) { return std::strcmp(a, "--") == 0; });
    if (separator != args.end()) {
      ctx.words_after_separator.assign(separator + 1, args.end());
      args.erase(separator, args.end());
    }
  }

  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    std::cout << version_text();
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "pressarc: %s\n", e.what());
    std::fprintf(stderr, "hint: run 'pressarc --help' for usage\n");
    return kExitUsage;
  }
  if (!run) return kExitUsage;
  ApplyLogging(ctx.common);
  try {
    Status status = run(ctx);
    if (!status.ok()) return ReportError(status);
    return kExitOk;
  } catch (const std::exception& e) {
    return ReportError(Status::Runtime(std::string("unexpected error: ") + e.what()));
  }
}

bool UseColor(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string(term) == "dumb") return false;
  return isatty(STDOUT_FILENO) == 1;
}

Result<std::string> JoinQueryWords(const CommandContext& ctx,
                                   const std::vector<std::string>& words,
                                   const std::vector<std::string>& extras,
                                   const std::string& command) {
  std::string query;
  auto add_word = [&](const std::string& w) { query += (query.empty() ? "" : " ") + w; };
  for (const auto& w : words) add_word(w);
  for (const auto& e : extras) {
    if (e.starts_with("--") || e.size() < 2) {
      return Status::Usage("unknown option '" + e + "'",
                           "run 'pressarc " + command +
                               " --help'; put '--' before query words that start with '-'");
    }
    add_word(e);
  }
  for (const auto& w : ctx.words_after_separator) add_word(w);
  return query;
}

void PrintWarnings(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::fprintf(stderr, "pressarc: warning: %s\n", w.c_str());
}

}  // namespace pressarc::cli
