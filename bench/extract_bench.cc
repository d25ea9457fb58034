// extract_bench: parser speed over a set of HTML files, and optionally the
// extracted text of each (for the AEB scorer).
//
//   extract_bench [--out DIR] [--rounds N] FILE...
//
// Prints pages/s for Gumbo's own parse (gumbo_parse on the raw bytes), for
// the whole ExtractArticle (decode, bound, parse, extract), and for the
// `pressarc extract --json FILE...` command run in this process (reading
// the files, extracting, printing JSON to /dev/null), each with its wall
// and CPU time (user + system) and its ratio to Gumbo's. With --out DIR,
// writes DIR/<id>.txt (the file name up to its first '.') with the article
// text.
#include <fcntl.h>
#include <gumbo.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/app.h"
#include "parser/parser.h"

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Wall and CPU (user + system) seconds of this process.
struct Clock {
  double wall = 0;
  double cpu = 0;
  static Clock Now() {
    struct rusage u {};
    ::getrusage(RUSAGE_SELF, &u);
    auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return {
        std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(),
        tv(u.ru_utime) + tv(u.ru_stime)};
  }
  Clock operator-(const Clock& o) const { return {wall - o.wall, cpu - o.cpu}; }
};

std::string NoVersion() {
  return "";
}

// `pressarc extract --json FILE...` in this process, stdout to /dev/null.
int RunExtractCommand(const std::vector<std::string>& files) {
  std::vector<std::string> args = {"pressarc", "extract", "--quiet", "--json"};
  args.insert(args.end(), files.begin(), files.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  int saved = ::dup(1);
  int null_fd = ::open("/dev/null", O_WRONLY);
  ::dup2(null_fd, 1);
  ::close(null_fd);
  static constexpr pressarc::cli::Registration kCommands[] = {pressarc::cli::RegisterExtract};
  int rc =
      pressarc::cli::RunCommands(static_cast<int>(args.size()), argv.data(), kCommands, NoVersion);
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  return rc;
}

void PrintRow(const char* what, double pages, const Clock& t, const Clock& gumbo) {
  std::printf("%-25s %8.1f pages/s  wall %7.3f s (%5.2fx)  cpu %7.3f s (%5.2fx)\n", what,
              pages / t.wall, t.wall, t.wall / gumbo.wall, t.cpu, t.cpu / gumbo.cpu);
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_dir;
  int rounds = 1;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--out" && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (arg == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--help" || arg == "-h") {
      std::printf("usage: extract_bench [--out DIR] [--rounds N] FILE...\n");
      return 0;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "extract_bench: no input files\n");
    return 2;
  }
  std::vector<std::string> pages;
  std::size_t bytes = 0;
  for (const auto& f : files) {
    pages.push_back(ReadFile(f));
    bytes += pages.back().size();
  }

  // Gumbo alone.
  Clock c0 = Clock::Now();
  for (int r = 0; r < rounds; ++r) {
    for (const auto& p : pages) {
      GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, p.data(), p.size());
      gumbo_destroy_output(&kGumboDefaultOptions, out);
    }
  }
  Clock c1 = Clock::Now();
  // The whole extraction.
  std::size_t text_bytes = 0;
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t k = 0; k < pages.size(); ++k) {
      pressarc::ExtractOptions options;
      pressarc::Article a = pressarc::ExtractArticle(pages[k], options);
      text_bytes += a.text.size();
      if (r == 0 && !out_dir.empty()) {
        std::string name = std::filesystem::path(files[k]).filename().string();
        name = name.substr(0, name.find('.'));
        std::ofstream o(std::filesystem::path(out_dir) / (name + ".txt"), std::ios::binary);
        o << a.text;
      }
    }
  }
  Clock c2 = Clock::Now();
  // The `extract` command, files read from disk.
  for (int r = 0; r < rounds; ++r) {
    if (int rc = RunExtractCommand(files); rc != 0) {
      std::fprintf(stderr, "extract_bench: pressarc extract exited with %d\n", rc);
      return 1;
    }
  }
  Clock c3 = Clock::Now();
  double n = static_cast<double>(pages.size()) * rounds;
  Clock gumbo = c1 - c0;
  std::printf("pages: %zu x %d rounds, %.1f MB\n", pages.size(), rounds, bytes / 1e6);
  PrintRow("gumbo parse only:", n, gumbo, gumbo);
  PrintRow("full extraction:", n, c2 - c1, gumbo);
  PrintRow("pressarc extract --json:", n, c3 - c2, gumbo);
  std::printf("(x = time / gumbo's time; 1.30 = 30%% more than gumbo's parse)\n");
  std::printf("text: %.1f KB per page\n", text_bytes / n / 1e3);
  return 0;
}
