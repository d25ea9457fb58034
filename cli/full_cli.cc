// The whole CLI: every subcommand, and --version with the libraries'
// versions. Linked into the full executable (and the tests), never into
// `pressarc` itself (cli/main.cc), which must not load libcurl.
#include <curl/curl.h>
#include <unicode/uvernum.h>
#include <xapian.h>

#include <string>

#include "cli/app.h"
#include "cli/version.h"

#ifndef PRESSARC_GUMBO_VERSION
#define PRESSARC_GUMBO_VERSION "0.10.1"
#endif

namespace pressarc::cli {

std::string VersionText() {
  std::string out = "pressarc " PRESSARC_VERSION "\n";
  out += std::string("libcurl ") + curl_version_info(CURLVERSION_NOW)->version + "\n";
  out += std::string("Xapian ") + Xapian::version_string() + "\n";
  out += std::string("ICU ") + U_ICU_VERSION + "\n";
  out += std::string("Gumbo ") + PRESSARC_GUMBO_VERSION + "\n";
  return out;
}

int RunCli(int argc, char** argv) {
  static constexpr Registration kAll[] = {RegisterCrawl,  RegisterReindex, RegisterImport,
                                          RegisterSearch, RegisterShow,    RegisterExtract,
                                          RegisterStats,  RegisterHistory, RegisterChanges,
                                          RegisterWatch,  RegisterServe};
  return RunCommands(argc, argv, kAll, VersionText);
}

}  // namespace pressarc::cli
