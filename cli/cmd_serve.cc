// `pressarc serve [--listen HOST:PORT]`: the read-only web interface.
#include <CLI/CLI.hpp>
#include <cstdint>
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

// One line on stop: how often the response cache answered.
void PrintCacheStats(const web::CacheStats& stats) {
  const std::uint64_t lookups = stats.hits + stats.misses;
  std::fprintf(stderr,
               "pressarc: stopped; response cache: %llu hits, %llu misses (%.1f%% hits), %llu "
               "evictions\n",
               static_cast<unsigned long long>(stats.hits),
               static_cast<unsigned long long>(stats.misses),
               lookups == 0 ? 0.0 : 100.0 * static_cast<double>(stats.hits) / lookups,
               static_cast<unsigned long long>(stats.evictions));
}

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
  options.cache_bytes = static_cast<std::size_t>(config->serve.cache_mb) << 20;
  web::Site site(options);
  Status served = web::Serve(site, [&](const std::string& where) {
    std::fprintf(stderr, "pressarc: serving %s on http://%s/ (Ctrl-C to stop)\n",
                 options.data_dir.c_str(), where.c_str());
    std::fflush(stderr);
  });
  if (served.ok() && options.cache_bytes > 0) PrintCacheStats(site.cache_stats());
  return served;
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
      "Ctrl-C. Search pages are cached per index revision ([serve] cache_mb, default 64; 0 = "
      "off; X-Cache: hit|miss), so a crawl, import or reindex never leaves a stale page.");
  AddCommonOptions(sub, &ctx.common);
  sub->add_option("--listen", args->listen,
                  "HOST:PORT to listen on (default: [serve] listen, else 127.0.0.1:8080; port 0 "
                  "picks a free port)");
  sub->callback([run, args] { *run = [args](CommandContext& c) { return RunServe(c, *args); }; });
}

}  // namespace pressarc::cli
