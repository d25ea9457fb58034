#include <CLI/CLI.hpp>

#include "cli/app.h"

namespace pressarc::cli {

void RegisterReindex(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  CLI::App* sub = app.add_subcommand("reindex", "(reindex: not built yet)");
  AddCommonOptions(sub, &ctx.common);
  sub->callback([run] {
    *run = [](CommandContext&) {
      return Status::Runtime("'reindex' is not built yet in this version of pressarc");
    };
  });
}

}  // namespace pressarc::cli
