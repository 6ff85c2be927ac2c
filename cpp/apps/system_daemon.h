#pragma once
// hft_system's run: from a validated configuration to a trading engine and
// back to a clean exit. main() parses arguments and validates; this runs.

#include <string>

#include "hft/config/system_config.h"

namespace hft::apps {

/// Exit codes of hft_system (also in --help and docs/engine.md).
enum ExitCode : int {
  kExitOk = 0,             ///< stopped by a signal or a stop command; every order closed
  kExitInvalidConfig = 1,  ///< the configuration was refused
  kExitUsage = 2,          ///< bad arguments
  kExitStartFailed = 3,    ///< could not start: clock, logs, transport, FIX store, control block
  kExitFatal = 4,          ///< an error while running stopped the engine
  kExitOrdersOpen = 5,     ///< stopped, but orders were still open when the venue stopped answering
};

struct DaemonOptions {
  std::string config_path;
  /// Give up waiting for cancels to be confirmed after this long.
  int cancel_timeout_ms{5000};
  /// Give up waiting for the venue's Logout after this long.
  int logout_timeout_ms{2000};
};

/// Runs the engine until SIGTERM/SIGINT or a stop command; returns the exit
/// code. Prints one JSON line to stdout when trading starts ("running") and
/// one when it stops ("stopped"); the rest goes to the performance log.
int run_daemon(const DaemonOptions& options, const config::SystemCheck& checked);

}  // namespace hft::apps
