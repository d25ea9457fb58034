// extract_bench: parser speed over a set of HTML files, and optionally the
// extracted text of each (for the AEB scorer).
//
//   extract_bench [--out DIR] [--rounds N] FILE...
//
// Prints pages/s for Gumbo's own parse (gumbo_parse on the raw bytes) and for
// the whole ExtractArticle (decode, bound, parse, extract), and the ratio
// extraction time / Gumbo time. With --out DIR, writes DIR/<id>.txt (the
// file name up to its first '.') with the article text.
#include <gumbo.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parser/parser.h"

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
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
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    for (const auto& p : pages) {
      GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, p.data(), p.size());
      gumbo_destroy_output(&kGumboDefaultOptions, out);
    }
  }
  auto t1 = std::chrono::steady_clock::now();
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
  auto t2 = std::chrono::steady_clock::now();
  double n = static_cast<double>(pages.size()) * rounds;
  double gumbo_s = Seconds(t0, t1), extract_s = Seconds(t1, t2);
  std::printf("pages: %zu x %d rounds, %.1f MB\n", pages.size(), rounds, bytes / 1e6);
  std::printf("gumbo parse only:   %8.1f pages/s\n", n / gumbo_s);
  std::printf("full extraction:    %8.1f pages/s\n", n / extract_s);
  std::printf("extraction / gumbo: %8.2f (time ratio; 1.30 = extraction adds 30%%)\n",
              extract_s / gumbo_s);
  std::printf("text: %.1f KB per page\n", text_bytes / n / 1e3);
  return 0;
}
