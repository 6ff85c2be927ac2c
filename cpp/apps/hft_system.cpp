// hft_system: the engine daemon. Validates the configuration, then runs the
// trading pipeline until SIGTERM/SIGINT or a stop command (system_daemon.cpp).
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "hft/config/system_config.h"
#include "hft/core/clock.h"
#include "hft/core/version.h"

#include "system_daemon.h"

namespace {

using hft::apps::kExitInvalidConfig;
using hft::apps::kExitOk;
using hft::apps::kExitUsage;

constexpr const char* kDefaultConfig = "/etc/hft/system_config.json";

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: hft_system [--config FILE] [--check] [--print-config] [--json] [--version] [--help]\n"
               "\n"
               "Runs the trading engine described by FILE (default %s).\n"
               "\n"
               "  --config FILE    system configuration (JSON; symbols_file is read relative to it)\n"
               "  --check          validate the configuration and exit\n"
               "  --print-config   print the validated configuration with defaults filled in\n"
               "  --json           print errors as JSON\n"
               "  --version        print the version and build and exit\n"
               "\n"
               "Runs until SIGTERM/SIGINT or `hft stop`, then cancels open orders, logs out of the\n"
               "venue, flushes the audit log and exits. Prints a JSON line when trading starts and\n"
               "one when it stops; the structured log goes to logging.performance_log_path.\n"
               "\n"
               "exit codes: 0 stopped cleanly, 1 invalid configuration, 2 usage error,\n"
               "            3 could not start, 4 fatal error while running,\n"
               "            5 stopped with orders still open (the venue stopped answering)\n",
               kDefaultConfig);
}

void print_errors(const hft::config::ConfigErrors& errors, bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : errors) {
      out.push_back({{"file", e.file}, {"path", e.path}, {"rule", e.rule}, {"message", e.message}, {"value", e.value}});
    }
    std::cout << nlohmann::json{{"ok", false}, {"errors", out}}.dump(2) << '\n';
    return;
  }
  std::cerr << hft::config::to_string(errors);
  std::cerr << errors.size() << (errors.size() == 1 ? " error" : " errors") << " in the configuration\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = kDefaultConfig;
  bool check = false, print_config = false, json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return kExitOk;
    } else if (arg == "--version") {
      std::printf("hft_system %s (%s)\n", hft::core::version(), hft::core::build_description().c_str());
      return kExitOk;
    } else if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      config_path = arg.substr(std::strlen("--config="));
    } else if (arg == "--check") {
      check = true;
    } else if (arg == "--print-config") {
      print_config = true;
    } else if (arg == "--json") {
      json = true;
    } else {
      std::fprintf(stderr, "hft_system: unknown or incomplete argument '%s'\n", arg.c_str());
      usage(stderr);
      return kExitUsage;
    }
  }

  const auto checked = hft::config::load_system_config(config_path, hft::config::ValidationContext::from_machine());
  if (!checked.ok()) {
    print_errors(checked.errors, json);
    return kExitInvalidConfig;
  }
  if (print_config) {
    std::cout << checked.normalized.dump(2) << '\n';
    return kExitOk;
  }
  if (check) {
    if (json) {
      std::cout << nlohmann::json{{"ok", true}, {"file", config_path}}.dump(2) << '\n';
    } else {
      std::printf("%s: configuration is valid (%zu symbols)\n", config_path.c_str(), checked.config->symbols.size());
    }
    return kExitOk;
  }

  hft::apps::DaemonOptions options;
  options.config_path = config_path;
  return hft::apps::run_daemon(options, checked);
}
