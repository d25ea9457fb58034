// Tests of `pressarc extract` run as a process (the real binary).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/test_util.h"

extern char** environ;

namespace pressarc::cli {
namespace {

struct ChildRun {
  int exit_code = -1;
  long max_rss_kib = 0;
};

// Runs the binary with `args`, output to /dev/null; its exit code and peak RSS.
ChildRun RunQuiet(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string binary = PRESSARC_BINARY;
  argv.push_back(binary.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ChildRun run;
  if (posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    struct rusage usage {};
    if (wait4(pid, &status, 0, &usage) == pid && WIFEXITED(status)) {
      run.exit_code = WEXITSTATUS(status);
      run.max_rss_kib = usage.ru_maxrss;
    }
  }
  posix_spawn_file_actions_destroy(&actions);
  return run;
}

// Reading a small page must not zero-fill a buffer of the input cap
// (ExtractOptions::max_input_bytes, 50 MiB): that was 80% of extract's CPU,
// and shows as a peak RSS above the cap.
TEST(Extract, SmallPageDoesNotTouchAnInputCapSizedBuffer) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory makes peak RSS meaningless here";
#endif
  testing::TempDir dir;
  std::string page = dir.path() + "/page.html";
  std::ofstream(page) << "<html><head><title>T</title></head><body><p>Hello there.</p></body>"
                         "</html>\n";
  ChildRun run = RunQuiet({"extract", "--json", page});
  ASSERT_EQ(run.exit_code, 0);
  EXPECT_LT(run.max_rss_kib, 40 * 1024) << "peak RSS " << run.max_rss_kib << " KiB";
}

}  // namespace
}  // namespace pressarc::cli
