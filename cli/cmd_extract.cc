#include <CLI/CLI.hpp>

#include "cli/app.h"

namespace pressarc::cli {

void RegisterExtract(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  CLI::App* sub = app.add_subcommand("extract", "(extract: not built yet)");
  AddCommonOptions(sub, &ctx.common);
  sub->callback([run] {
    *run = [](CommandContext&) {
      return Status::Runtime("'extract' is not built yet in this version of pressarc");
    };
  });
}

}  // namespace pressarc::cli
