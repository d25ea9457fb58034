// `pressarc`: the one command users run.
//
// search, show, stats and watch are served in this process, which links only what
// they need (Xapian, ICU, SQLite, toml++, the C++ runtime; ICU and SQLite
// from their static archives, toml++ header-only, so that ld.so maps only
// Xapian and the C++ runtime), so that a search starts as fast as Xapian's
// own `quest`. Every other command line (crawl,
// import, reindex, extract, the top-level --help and --version, mistakes)
// is handed unchanged to the full CLI with execv(2): same pid, same argv,
// same output and exit codes, and the crawler's libraries (libcurl with its
// TLS, Kerberos and LDAP dependencies, libxml2, Gumbo) are loaded only
// there. The full CLI is found beside this executable (the build tree), else
// in PRESSARC_LIBEXEC_REL relative to it (an installed tree).
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "cli/app.h"

#ifndef PRESSARC_LIBEXEC_REL
#define PRESSARC_LIBEXEC_REL "../libexec/pressarc"
#endif

namespace {

constexpr const char* kFullName = "pressarc-full";

// The folder of this executable (from /proc/self/exe), "" when unknown.
std::string SelfDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string path(buf, static_cast<std::size_t>(n));
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

// Replaces this process with the full CLI given `argv`; returns only on
// failure, with the exit code.
int ExecFull(char** argv) {
  const std::string dir = SelfDir();
  const std::vector<std::string> candidates = {dir + "/" + kFullName,
                                               dir + "/" + PRESSARC_LIBEXEC_REL + "/" + kFullName};
  for (const auto& path : candidates) {
    if (access(path.c_str(), X_OK) != 0) continue;
    execv(path.c_str(), argv);
    std::fprintf(stderr, "pressarc: cannot run %s: %s\n", path.c_str(), std::strerror(errno));
    return pressarc::cli::kExitRuntime;
  }
  std::fprintf(stderr, "pressarc: %s not found (looked in %s and %s)\n", kFullName,
               candidates[0].c_str(), candidates[1].c_str());
  std::fprintf(stderr, "hint: reinstall pressarc (cmake --install BUILD_DIR)\n");
  return pressarc::cli::kExitRuntime;
}

char** g_argv = nullptr;

// --version inside a search/show/stats/watch command line (CLI11 accepts it
// after "--"): the full CLI prints the libraries' versions.
std::string FullVersionText() {
  char* args[] = {g_argv[0], const_cast<char*>("--version"), nullptr};
  std::fflush(stdout);
  std::_Exit(ExecFull(args));
}

// The commands served in this process, by name.
struct Served {
  std::string_view name;
  pressarc::cli::Registration add;
};
constexpr Served kServed[] = {{"search", pressarc::cli::RegisterSearch},
                              {"show", pressarc::cli::RegisterShow},
                              {"stats", pressarc::cli::RegisterStats},
                              {"watch", pressarc::cli::RegisterWatch}};

bool IsServedHere(std::string_view arg) {
  for (const Served& s : kServed) {
    if (arg == s.name) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !IsServedHere(argv[1])) return ExecFull(argv);
  g_argv = argv;
  std::vector<pressarc::cli::Registration> commands;
  for (const Served& s : kServed) commands.push_back(s.add);
  return pressarc::cli::RunCommands(argc, argv, commands, FullVersionText);
}
