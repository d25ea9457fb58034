// `pressarc extract [--url URL] [--source NAME] [--json] FILE...`: runs the
// parser on local HTML files ("-" = stdin) and prints each Article. Needs no
// data directory. With --source (or when --url's host is a configured
// source's), that source's extraction hints, language, translation key regex,
// time zone and article patterns apply.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "parser/parser.h"

namespace pressarc::cli {
namespace {

struct ExtractArgs {
  std::string url;
  std::string source;
  std::string content_type;
  bool json = false;
  std::vector<std::string> files;
};

Result<std::string> ReadInput(const std::string& path, std::size_t cap) {
  std::string data;
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    data = ss.str();
  } else {
    // Read in chunks up to the cap: sizing the buffer to the cap up front
    // zero-filled 50 MiB per file, most of extract's time on small pages.
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Runtime("cannot read " + path + ": " + std::strerror(errno));
    char chunk[1 << 16];
    while (data.size() < cap && in) {
      std::size_t want = std::min(sizeof chunk, cap - data.size());
      in.read(chunk, static_cast<std::streamsize>(want));
      data.append(chunk, static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) return Status::Runtime("cannot read " + path + ": read error");
  }
  if (data.size() > cap) data.resize(cap);
  return data;
}

nlohmann::json ToJson(const Article& a) {
  auto or_null = [](const std::string& s) -> nlohmann::json {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
  };
  nlohmann::json alternates = nlohmann::json::array();
  for (const auto& alt : a.alternates)
    alternates.push_back({{"url", alt.url}, {"language", alt.language}});
  return {{"url", or_null(a.url)},
          {"canonical_url", or_null(a.canonical_url)},
          {"title", a.title},
          {"published", or_null(a.published)},
          {"language", or_null(a.language)},
          {"text", a.text},
          {"source", or_null(a.source)},
          {"translation_key", or_null(a.translation_key)},
          {"links", a.links},
          {"kind", PageKindName(a.kind)},
          {"description", or_null(a.description)},
          {"feed_links", a.feed_links},
          {"alternates", alternates},
          {"charset", a.charset},
          {"fallback", a.fallback}};
}

void PrintText(const std::string& file, const Article& a) {
  std::string out;
  out += "== " + file + "\n";
  auto field = [&out](const char* name, const std::string& v) {
    out += name;
    out += ": ";
    out += v.empty() ? "-" : v;
    out += '\n';
  };
  field("url", a.url);
  field("canonical", a.canonical_url);
  field("kind", PageKindName(a.kind));
  field("title", a.title);
  field("published", a.published);
  field("language", a.language);
  field("source", a.source);
  field("translation", a.translation_key);
  field("charset", a.charset);
  out += "links: " + std::to_string(a.links.size()) + "\n\n";
  out += a.text;
  out += "\n\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
}

Status RunExtract(CommandContext& ctx, const ExtractArgs& args) {
  ExtractOptions options;
  options.url = args.url;
  options.content_type = args.content_type;
  std::string source_name;
  // The config is optional here: only an explicit --config or --source makes it required.
  bool config_required = !ctx.common.config_path.empty() || !args.source.empty();
  Result<Config> config = ctx.LoadConfig();
  if (!config.ok() && config_required) return config.status();
  if (config.ok()) {
    const SourceConfig* src = nullptr;
    if (!args.source.empty()) {
      src = config->FindSource(args.source);
      if (src == nullptr)
        return Status::Usage("unknown source '" + args.source + "'",
                             "the configured sources are listed in the config file");
    } else if (!args.url.empty()) {
      std::string host = UrlHost(args.url);
      for (const auto& s : config->sources) {
        for (const auto& start : s.start_urls)
          if (!host.empty() && UrlHost(start) == host) src = &s;
        if (src) break;
      }
    }
    if (src) {
      source_name = src->name;
      options = ExtractOptionsForSource(src, args.url, args.content_type);
    }
  }
  Status first_error;
  for (const std::string& file : args.files) {
    Result<std::string> data = ReadInput(file, options.max_input_bytes);
    if (!data.ok()) {
      std::fprintf(stderr, "pressarc: %s\n", data.status().message().c_str());
      if (first_error.ok()) first_error = data.status();
      continue;
    }
    Article a = ExtractArticle(*data, options);
    a.source = source_name;
    if (args.json) {
      std::string line = ToJson(a).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), stdout);
    } else {
      PrintText(file, a);
    }
  }
  std::fflush(stdout);
  if (!first_error.ok())
    return Status::Runtime("some files could not be read (first: " + first_error.message() + ")");
  return Status::Ok();
}

}  // namespace

void RegisterExtract(CLI::App& app, CommandContext& ctx, CommandRun* run) {
  auto args = std::make_shared<ExtractArgs>();
  CLI::App* sub = app.add_subcommand(
      "extract", "Run the parser on local HTML files and print each article (no data dir needed)");
  AddCommonOptions(sub, &ctx.common);
  sub->add_option("--url", args->url, "The URL the page came from (base for links, language, key)");
  sub->add_option("--source", args->source,
                  "Use this configured source's extraction hints, language and patterns");
  sub->add_option("--content-type", args->content_type,
                  "The HTTP Content-Type the page was served with (for its charset)");
  sub->add_flag("--json", args->json, "One JSON object per line");
  sub->add_option("FILE", args->files, "HTML files; - reads standard input")->required();
  sub->callback([run, args] { *run = [args](CommandContext& c) { return RunExtract(c, *args); }; });
}

}  // namespace pressarc::cli
