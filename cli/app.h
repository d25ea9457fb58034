// CLI: the `pressarc` command and its subcommands (the interface contract in
// design.md and README.md: commands, flags, output, exit codes).
//
// Each subcommand lives in cli/cmd_<name>.cc and registers itself through
// one Register* function below. Results go to stdout, diagnostics to
// stderr. Errors come back as Status values; RunCli turns them into one line
// "pressarc: ..." (plus an optional hint line) and the exit code:
// 0 ok, 1 runtime failure, 2 usage/config/query error, 75 lock held.
#pragma once

#include <functional>
#include <memory>
#include <string>

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
  Result<Config> LoadConfig() const;
  // --data, else config.data_dir (relative to the config file's folder), else ./pressarc-data.
  std::string ResolveDataDir(const Config& config) const;
};

// What a chosen subcommand runs after parsing.
using CommandRun = std::function<Status(CommandContext&)>;

// Adds --data, --config, --verbose, --quiet, --log-format to a subcommand.
void AddCommonOptions(CLI::App* sub, CommonOptions* options);

// Each adds its subcommand to `app`; when it is chosen, *run is set.
void RegisterCrawl(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterReindex(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterImport(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterSearch(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterShow(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterExtract(CLI::App& app, CommandContext& ctx, CommandRun* run);
void RegisterStats(CLI::App& app, CommandContext& ctx, CommandRun* run);

// The whole CLI; returns the exit code. Used by main() and by tests.
int RunCli(int argc, char** argv);

// "pressarc 0.1.0" plus the versions of libcurl, Xapian, ICU and Gumbo.
std::string VersionText();

}  // namespace pressarc::cli
