// hft_venue: the venue simulator as a process. Reads config/venue.json,
// listens for FIX, publishes ITCH over MoldUDP64 (kernel UDP), answers
// re-requests, runs the background flow, and reports through a control
// block (`hft venue status`, `hft venue stop`). SIGINT, SIGTERM or a stop
// command close the day: sessions logged out, end-of-session sent.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "hft/config/venue_config.h"
#include "hft/core/clock.h"
#include "hft/core/version.h"
#include "hft/engine/control_block_writer.h"
#include "hft/net/address.h"
#include "hft/net/kernel_udp_transport.h"
#include "hft/venue/venue_server.h"

#include "venue_options.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInvalidConfig = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRuntime = 3;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

void usage(std::FILE* out) {
  std::fprintf(out,
               "usage: hft_venue --config FILE [--check] [--print-config] [--json] [--shm-dir DIR] [--version] "
               "[--help]\n"
               "\n"
               "Venue simulator: matching engine, ITCH 5.0 over MoldUDP64, FIX 4.4 order entry, background flow.\n"
               "Prints one JSON line when it listens; runs until SIGINT/SIGTERM or `hft venue stop`.\n"
               "\n"
               "  --config FILE    venue configuration (config/venue.json)\n"
               "  --check          validate the configuration and exit\n"
               "  --print-config   print the validated configuration with defaults filled in\n"
               "  --json           errors as JSON\n"
               "  --shm-dir DIR    where the control block goes (default $HFT_SHM_DIR or /dev/shm)\n"
               "\n"
               "exit codes: 0 ok, 1 invalid configuration, 2 usage error, 3 runtime failure\n");
}

std::int64_t wall_ns() { return static_cast<std::int64_t>(hft::core::Clock::realtime_ns()); }

hft::net::NetOpened<hft::net::KernelUdpTransport> open_udp(const std::string& ip, std::uint16_t port,
                                                           const hft::config::VenueConfig& c) {
  hft::net::KernelUdpOptions o;
  if (!hft::net::parse_ipv4(ip, o.local.ip))
    return hft::net::NetOpened<hft::net::KernelUdpTransport>::failure("bad address " + ip);
  o.local.port = port;
  o.interface = c.md_interface;
  o.multicast_loop = c.md_multicast_loop;
  return hft::net::KernelUdpTransport::open(o);
}

// Counters the status view shows, as monotonic control-block counters.
enum Extra : std::size_t { kEvents, kFeedMessages, kFeedPackets, kRetransmitted, kFlowInputs, kExtraCount };

}  // namespace

int main(int argc, char** argv) {
  std::string config_path, shm_dir;
  bool check = false, print_config = false, json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      return kExitOk;
    } else if (arg == "--version") {
      std::printf("hft_venue %s (%s)\n", hft::core::version(), hft::core::build_description().c_str());
      return kExitOk;
    } else if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg == "--shm-dir" && i + 1 < argc) {
      shm_dir = argv[++i];
    } else if (arg == "--check") {
      check = true;
    } else if (arg == "--print-config") {
      print_config = true;
    } else if (arg == "--json") {
      json = true;
    } else {
      std::fprintf(stderr, "hft_venue: unknown or incomplete argument '%s'\n", arg.c_str());
      usage(stderr);
      return kExitUsage;
    }
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "hft_venue: --config FILE is required\n");
    return kExitUsage;
  }
  const auto checked = hft::config::load_venue_config(config_path, hft::config::ValidationContext::from_machine());
  if (!checked.ok()) {
    if (json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : checked.errors) out.push_back({{"path", e.path}, {"rule", e.rule}, {"message", e.message}});
      std::cout << nlohmann::json{{"ok", false}, {"errors", out}}.dump(2) << '\n';
    } else {
      std::cerr << hft::config::to_string(checked.errors);
    }
    return kExitInvalidConfig;
  }
  if (print_config) {
    std::cout << checked.normalized.dump(2) << '\n';
    return kExitOk;
  }
  if (check) {
    std::printf("%s: configuration is valid (%zu instruments)\n", config_path.c_str(),
                checked.config->instruments.size());
    return kExitOk;
  }
  const hft::config::VenueConfig& c = *checked.config;

  try {
    auto feed = open_udp(c.md_local_ip, 0, c);
    if (!feed) throw std::runtime_error("market data socket: " + feed.result.message);
    std::unique_ptr<hft::net::KernelUdpTransport> retransmission;
    if (c.retransmission_port != 0) {
      auto r = open_udp(c.retransmission_ip, static_cast<std::uint16_t>(c.retransmission_port), c);
      if (!r) throw std::runtime_error("retransmission socket: " + r.result.message);
      retransmission = std::move(r.value);
    }
    const std::int64_t start = wall_ns();
    hft::venue::VenueServer server(hft::apps::venue_options(c), *feed.value, retransmission.get(), start);

    hft::engine::ControlBlockOptions cbo;
    cbo.instance = c.name;
    if (!shm_dir.empty()) cbo.dir = shm_dir;
    cbo.extra_counters = {"venue.events", "feed.messages", "feed.packets", "feed.retransmitted", "flow.inputs"};
    hft::engine::ControlBlockWriter control(cbo);
    const std::size_t extra0 = hft::engine::kCounterCount;  // extras follow the standard counters

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const hft::venue::VenueStatus first = server.status();
    std::cout << nlohmann::json{{"event", "listening"},
                                {"fix_port", first.fix_port},
                                {"retransmission_port", c.retransmission_port},
                                {"control_block", control.path()},
                                {"pid", ::getpid()}}
                     .dump()
              << std::endl;
    control.set_state(hft::engine::EngineState::Running, "open");

    bool stop_requested = false;
    std::uint64_t last[kExtraCount] = {};
    std::int64_t next_publish = 0;
    while (g_stop == 0 && !stop_requested) {
      const std::int64_t now = wall_ns();
      const bool work = server.poll(now);
      control.heartbeat(hft::core::Clock::now());
      control.poll_commands([&](const hft::engine::Command& cmd) {
        if (cmd.kind == hft::engine::CommandKind::Stop) {
          stop_requested = true;
          return hft::engine::CommandReply{hft::engine::CommandResult::Ok, 0};
        }
        // A venue has no kill switch: kill and resume are for engines.
        return hft::engine::CommandReply{hft::engine::CommandResult::Unsupported, 0};
      });
      if (now >= next_publish) {
        next_publish = now + 100'000'000;
        const hft::venue::VenueStatus s = server.status();
        const std::uint64_t values[kExtraCount] = {s.events, s.feed.messages, s.feed.packets,
                                                   s.feed.messages_retransmitted, s.flow_inputs};
        for (std::size_t k = 0; k < kExtraCount; ++k) {
          control.add(extra0 + k, values[k] - last[k]);
          last[k] = values[k];
        }
      }
      if (!work) std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    control.set_state(hft::engine::EngineState::Stopping, "closing",
                      stop_requested ? hft::engine::ExitReason::StopCommand : hft::engine::ExitReason::Signal);
    const std::int64_t closing = wall_ns();
    server.begin_close(closing);
    while (server.status().sessions_logged_on > 0 && wall_ns() - closing < 3'000'000'000) {
      server.poll(wall_ns());
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    server.finish_close(wall_ns());
    const hft::venue::VenueStatus end = server.status();
    // The venue's own books at the close, so a test (or an operator) can
    // compare them with what a feed handler rebuilt.
    nlohmann::json books = nlohmann::json::object();
    for (std::size_t i = 0; i < c.instruments.size(); ++i) {
      nlohmann::json sides = nlohmann::json::object();
      for (const auto side : {hft::core::Side::Buy, hft::core::Side::Sell}) {
        nlohmann::json levels = nlohmann::json::array();
        for (const auto& [price, qty] : server.depth(static_cast<hft::venue::InstrumentId>(i), side, 100000))
          levels.push_back({price.raw, qty});
        sides[side == hft::core::Side::Buy ? "bids" : "asks"] = std::move(levels);
      }
      books[c.instruments[i].symbol] = std::move(sides);
    }
    std::cout << nlohmann::json{{"event", "closed"},
                                {"books", books},
                                {"events", end.events},
                                {"feed_messages", end.feed.messages},
                                {"feed_packets", end.feed.packets},
                                {"retransmitted", end.feed.messages_retransmitted},
                                {"flow_inputs", end.flow_inputs}}
                     .dump()
              << std::endl;
    control.set_state(hft::engine::EngineState::Stopped, "closed",
                      stop_requested ? hft::engine::ExitReason::StopCommand : hft::engine::ExitReason::Signal);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hft_venue: %s\n", e.what());
    return kExitRuntime;
  }
  return kExitOk;
}
