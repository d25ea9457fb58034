// `pressarc serve [--listen HOST:PORT]`: the read-only web interface.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/app.h"
#include "web/web.h"

namespace pressarc::cli {

namespace {

struct ServeArgs {
  std::string listen;  // "" = [serve] listen from the config
};

Status RunServe(CommandContext& ctx, const ServeArgs& args) {
  // The sources too: the article pages read versions with their extraction hints.
  auto config = ctx.LoadConfig();
  if (!config.ok()) return config.status();
  const std::string listen = args.listen.empty() ? config->serve.listen : args.listen;
  web::WebOptions options;
  options.data_dir = ctx.ResolveDataDir(*config);
  options.config = std::make_shared<const Config>(*config);
  if (!SplitListenAddress(listen, &options.host, &options.port)) {
    return Status::Usage("--listen '" + listen + "' is not HOST:PORT",
                         "e.g. --listen 127.0.0.1:8080 (or [::1]:8080)");
  }
  return web::Serve(options, [&](const std::string& where) {
    std::fprintf(stderr, "pressarc: serving %s on http://%s/ (Ctrl-C to stop)\n",
                 options.data_dir.c_str(), where.c_str());
    std::fflush(stderr);
  });
}

}  // namespace

void RegisterServe(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* sub = app.add_subcommand(
      "serve",
      "The read-only web interface and JSON API: search page, articles, archived originals "
      "(sandboxed, never contacting the live site), versions with word diffs, the change log "
      "(/changes), /api/search, /api/articles/ID, /api/articles/ID/history, /api/changes and the "
      "feeds in DATA/feeds. Listens on loopback unless told otherwise; stops on SIGTERM or "
      "Ctrl-C.");
  AddCommonOptions(sub, &ctx.common);
  sub->add_option("--listen", args->listen,
                  "HOST:PORT to listen on (default: [serve] listen, else 127.0.0.1:8080; port 0 "
                  "picks a free port)");
  sub->callback([run, args] { *run = [args](CommandContext& c) { return RunServe(c, *args); }; });
}

}  // namespace pressarc::cli
