#include "cli/app.h"

int main(int argc, char** argv) { return pressarc::cli::RunCli(argc, argv); }
