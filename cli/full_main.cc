// `pressarc-full`: the whole CLI, every command (installed in
// libexec/pressarc/; `pressarc` hands it every command line but search,
// show and stats).
#include "cli/app.h"

int main(int argc, char** argv) {
  return pressarc::cli::RunCli(argc, argv);
}
