// hft_venue: the venue simulator (matching engine, ITCH publisher, FIX
// acceptor). This build identifies itself; the simulator's servers are
// wired in by the venue layer.
#include <cstdio>
#include <string>

#include "hft/core/version.h"

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: hft_venue [--version] [--help]\n\n"
          "Venue simulator: matching engine, ITCH 5.0 market data over MoldUDP64, FIX 4.4 order entry.\n\n"
          "exit codes: 0 ok, 2 usage error, 3 runtime failure\n");
      return 0;
    }
    if (arg == "--version") {
      std::printf("hft_venue %s (%s)\n", hft::core::version(), hft::core::build_description().c_str());
      return 0;
    }
    std::fprintf(stderr, "hft_venue: unknown argument '%s' (see --help)\n", arg.c_str());
    return 2;
  }
  std::fprintf(stderr, "hft_venue: this build has no simulator servers yet; see --help\n");
  return 3;
}
