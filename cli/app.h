// CLI: the `pressarc` command and its subcommands (the interface contract in
// design.md and README.md: commands, flags, output, exit codes).
//
// Each subcommand lives in cli/cmd_<name>.cc and registers itself through
// one Register* function below. Two executables share this code: `pressarc`
// (cli/main.cc) serves search, show, stats and watch itself and hands every other
// command line, unchanged, to the full CLI `pressarc-full` (cli/full_main.cc,
// installed in libexec), so that a search never loads the crawler's
// libraries. Results go to stdout, diagnostics to
// stderr. Errors come back as Status values; RunCommands turns them into one line
// "pressarc: ..." (plus an optional hint line) and the exit code:
// 0 ok, 1 runtime failure, 2 usage/config/query error, 75 lock held.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/status.h"

namespace CLI {
class App;
}

namespace pressarc::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLocked = 75;

// Options every subcommand accepts.
struct CommonOptions {
  std::string data_dir;     // --data; "" = config's data_dir, else ./pressarc-data
  std::string config_path;  // --config; "" = ./pressarc.toml if present, else built-in defaults
  bool verbose = false;     // --verbose: info-level log lines
  bool quiet = false;       // --quiet: errors only
  std::string log_format = "text";  // --log-format text|json
};

struct CommandContext {
  CommonOptions common;
  // Loads the config per the rules above; errors are kUsage naming file, line, key.
  // `options.sources = false` for commands that need only data_dir.
  Result<Config> LoadConfig(const ConfigParseOptions& options = {}) const;
  // --data, else config.data_dir (relative to the config file's folder), else ./pressarc-data.
  std::string ResolveDataDir(const Config& config) const;
  // Commands that take free words (search) name themselves here when they
  // register; for them RunCommands takes everything after a "--" off the
  // command line into words_after_separator. (CLI11 gives the words after
  // "--" to a positional only while it is still empty: "search a -- -b"
  // was an error.)
  std::vector<std::string> free_word_commands;
  std::vector<std::string> words_after_separator;
};

// Writes "pressarc: warning: W" on stderr for each warning (shards left out).
void PrintWarnings(const std::vector<std::string>& warnings);

// What a chosen subcommand runs after parsing.
using CommandRun = std::function<Status(CommandContext&)>;

// Adds --data, --config, --verbose, --quiet, --log-format to a subcommand.
void AddCommonOptions(CLI::App* sub, CommonOptions* options);

// --color auto|always|never: auto is a terminal on stdout, without NO_COLOR
// and with a TERM other than "dumb".
bool UseColor(const std::string& mode);

// The query of `search` or `watch add`: its words, the unknown options CLI11
// left over (words like -covid, an excluded word), and the words after
// "--", joined by spaces. kUsage for a left-over "--option" (naming
// `command` in the hint).
Result<std::string> JoinQueryWords(const CommandContext& ctx,
                                   const std::vector<std::string>& words,
                                   const std::vector<std::string>& extras,
                                   const std::string& command);

// Each adds its subcommand to `app`; when it is chosen, *run is set.
using Registration = void (*)(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterCrawl(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterReindex(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterImport(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterSearch(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterShow(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterExtract(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterStats(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterHistory(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterChanges(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterWatch(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterServe(CLI::App& app, CommandContext& ctx, CommandRun* run);

// The `pressarc` command with the given subcommands (the top level, its
// help text, --help and --version are the same whichever are given):
// parses argv, runs the chosen subcommand, returns the exit code.
// `version_text` is called for --version only.
int RunCommands(int argc, char** argv, std::span<const Registration> commands,
                std::string (*version_text)());

// The whole CLI, every subcommand; returns the exit code. Used by the full
// executable (cli/full_main.cc) and by tests. Defined in cli/full_cli.cc,
// which links libcurl: code that must not load it uses RunCommands.
int RunCli(int argc, char** argv);

// "pressarc 0.1.0" plus the versions of libcurl, Xapian, ICU and Gumbo
// (cli/full_cli.cc).
std::string VersionText();

}  // namespace pressarc::cli
