// `pressarc-full`: the whole CLI, every command (installed in
// libexec/pressarc/; `pressarc` hands it every command line but search,
// show and stats).
#include "cli/app.h"

#ifdef PRESSARC_JEMALLOC
// jemalloc's options, read at its start (cli/CMakeLists.txt links it): one
// arena per CPU instead of four. With four, a crawl's threads spread over
// eight arenas on two cores, each keeping its own pages: a resumed crawl
// peaked at 115 MiB, against 36 MiB with glibc's malloc and 39 MiB with
// this (bench/crawl_state_bench.py); indexing runs as fast either way.
// MALLOC_CONF in the environment still overrides it.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "percpu_arena:percpu";
}
#endif

int main(int argc, char** argv) {
  return pressarc::cli::RunCli(argc, argv);
}
