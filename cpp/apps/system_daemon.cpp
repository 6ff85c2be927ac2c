#include "system_daemon.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hft/core/clock.h"
#include "hft/core/cpu.h"
#include "hft/core/version.h"
#include "hft/engine/audit_settings.h"
#include "hft/engine/control_block_reader.h"
#include "hft/engine/packet_relay.h"
#include "hft/engine/pipeline.h"
#include "hft/engine/pipeline_settings.h"
#include "hft/engine/trading_settings.h"
#include "hft/trading/audit_log.h"
#include "hft/trading/order_id.h"

#include "performance_log.h"

namespace hft::apps {

namespace {

using nlohmann::json;

volatile std::sig_atomic_t g_signals = 0;
volatile std::sig_atomic_t g_last_signal = 0;

void on_signal(int sig) {
  g_last_signal = sig;
  g_signals = g_signals + 1;
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a venue that resets the connection must not kill us
}

std::int64_t wall_ns() { return static_cast<std::int64_t>(core::Clock::realtime_ns()); }

const char* exit_reason_name(engine::ExitReason r) {
  switch (r) {
    case engine::ExitReason::StopCommand:
      return "stop_command";
    case engine::ExitReason::Signal:
      return "signal";
    case engine::ExitReason::Fatal:
      return "fatal";
    case engine::ExitReason::Config:
      return "config";
    case engine::ExitReason::SessionLost:
      return "session_lost";
    case engine::ExitReason::None:
      break;
  }
  return "none";
}

/// One JSON line on stdout: what a supervisor (hft start, systemd's journal)
/// reads to know the engine is up or why it went away.
void announce(const json& j) {
  std::cout << j.dump() << std::endl;  // NOLINT(performance-avoid-endl): a supervisor waits for this line
}

class Daemon {
 public:
  Daemon(const DaemonOptions& options, const config::SystemCheck& checked)
      : options_(options), checked_(checked), c_(*checked.config) {}

  int run() {
    std::string error;
    log_ =
        PerformanceLog::open(c_.logging.performance_log_path, parse_level(c_.logging.level), c_.instance_name, error);
    if (!log_) return refuse(error);
    const int started = start();
    if (started != kExitOk) return started;
    return trade_then_stop();
  }

 private:
  int refuse(const std::string& why) {
    std::fprintf(stderr, "hft_system: %s\n", why.c_str());
    if (log_) {
      log_->write(LogLevel::Error, "error", {{"message", why}});
      log_->write(LogLevel::Info, "stopped",
                  {{"exit_code", kExitStartFailed}, {"exit_reason", "fatal"}, {"reason", why}, {"audit_records", 0}});
    }
    announce({{"event", "stopped"}, {"exit_code", kExitStartFailed}, {"exit_reason", "fatal"}, {"reason", why}});
    return kExitStartFailed;
  }

  int start() {
    clock_ = core::calibrate_tsc();
    if (!clock_.features.invariant) {
      return refuse("the TSC is not invariant on this CPU; latency figures and timers would be wrong");
    }
    std::vector<std::string> strategies;
    for (const auto& s : c_.strategies) strategies.push_back(s.name);
    log_->write(LogLevel::Info, "starting",
                {{"pid", ::getpid()},
                 {"version", core::version()},
                 {"config", options_.config_path},
                 {"layout", c_.cpu.layout == config::CpuConfig::Layout::Pipeline ? "pipeline" : "run_to_completion"},
                 {"transport", c_.network.kernel_bypass == config::NetworkConfig::Transport::Dpdk ? "dpdk" : "kernel"},
                 {"symbols", c_.symbols.size()},
                 {"strategies", strategies},
                 {"clock", core::describe(clock_)}});
    try {
      const std::uint32_t ids = trading::OrderIdGenerator::open(c_.trading.order_id_state_path).session();
      audit_ = std::make_unique<trading::AuditLog>(c_.logging.audit_log_path, engine::audit_log_options(c_), clock_);
      audit_->start();
      engine::audit_config_loaded(*audit_, checked_.normalized.dump(), c_.symbols.size(), core::Clock::now());
      engine::PipelineOptions po = engine::pipeline_options(c_, clock_, ids);
      net::NetOpened<engine::FeedNetwork> network = engine::open_feed_network(c_);
      if (!network) return refuse(network.result.message);
      network_ = std::move(network.value);
      engine::PipelineTransports lines = std::move(network_->transports);
      if (layout_pipeline()) {
        // The same pipeline reads relayed lines; the real ones move to the
        // network core's loop.
        relay_ = std::make_unique<engine::NetworkStage>(std::move(lines), engine::NetworkStage::Options{});
        lines = relay_->engine_side();
      }
      pipeline_ = std::make_unique<engine::Pipeline>(std::move(po), std::move(lines), *audit_, clock_);
    } catch (const std::exception& e) {
      return refuse(e.what());
    }
    const std::vector<int>& engine_cores = layout_pipeline() ? c_.cpu.strategy_cores : c_.cpu.network_cores;
    if (!engine_cores.empty()) pin(engine_cores.front(), "engine");
    if (relay_) {
      relay_thread_ = std::thread([this] {
        pin(c_.cpu.network_cores.front(), "network");
        relay_->run(relay_stop_);
      });
    }
    telemetry_ =
        std::make_unique<TelemetryThread>(*log_, c_.instance_name, std::string{}, c_.logging.telemetry_interval_ms);
    install_signal_handlers();
    pipeline_->start();
    announce({{"event", "running"},
              {"instance", c_.instance_name},
              {"pid", ::getpid()},
              {"control_block", pipeline_->control()->path()},
              {"audit_log", c_.logging.audit_log_path},
              {"performance_log", c_.logging.performance_log_path}});
    return kExitOk;
  }

  void poll_once() {
    pipeline_->poll(wall_ns());
    if (pipeline_->venue_up() != venue_up_) {
      // Rare (a logon or a loss): the only line the engine thread writes.
      venue_up_ = pipeline_->venue_up();
      log_->write(venue_up_ ? LogLevel::Info : LogLevel::Warning, "session",
                  {{"name", engine::order_session(c_)->name}, {"up", venue_up_}});
    }
  }

  int trade_then_stop() {
    engine::ExitReason why = engine::ExitReason::None;
    std::string reason;
    int code = kExitOk;
    try {
      while (g_signals == 0 && !pipeline_->stop_requested()) poll_once();
      why = g_signals != 0 ? engine::ExitReason::Signal : engine::ExitReason::StopCommand;
      reason = g_signals != 0 ? std::string("signal ") + std::to_string(static_cast<int>(g_last_signal))
                              : pipeline_->stop_reason();
    } catch (const std::exception& e) {
      why = engine::ExitReason::Fatal;
      reason = e.what();
      code = kExitFatal;
      log_->write(LogLevel::Error, "error", {{"message", reason}});
    }
    const int signals_at_stop = g_signals;
    // A second signal means "now": skip the waits, still flush the audit log.
    const auto patient = [&] { return g_signals <= signals_at_stop; };

    std::size_t open = 0;
    try {
      pipeline_->begin_shutdown();
      log_->write(LogLevel::Info, "shutdown", {{"phase", "cancel"}, {"open_orders", pipeline_->open_orders()}});
      const std::int64_t cancel_deadline = wall_ns() + std::int64_t{options_.cancel_timeout_ms} * 1'000'000;
      while (pipeline_->open_orders() > 0 && pipeline_->venue_up() && wall_ns() < cancel_deadline && patient()) {
        poll_once();
      }
      open = pipeline_->open_orders();
      log_->write(open == 0 ? LogLevel::Info : LogLevel::Error, "shutdown",
                  {{"phase", "cancelled"}, {"open_orders", open}});
      if (pipeline_->venue_up()) {
        pipeline_->logout(wall_ns());
        const std::int64_t logout_deadline = wall_ns() + std::int64_t{options_.logout_timeout_ms} * 1'000'000;
        while (pipeline_->initiator().connected() && wall_ns() < logout_deadline && patient()) poll_once();
      }
      log_->write(LogLevel::Info, "shutdown", {{"phase", "logout"}, {"open_orders", open}});
    } catch (const std::exception& e) {
      log_->write(LogLevel::Error, "error", {{"message", std::string("during shutdown: ") + e.what()}});
      if (code == kExitOk) code = kExitFatal;
    }
    if (open > 0 && code == kExitOk) code = kExitOrdersOpen;
    if (open > 0 && reason.find("open") == std::string::npos) {
      reason += "; " + std::to_string(open) + " orders still open (venue not answering)";
    }
    pipeline_->finish(why, reason);
    json relay = json::array();
    if (relay_) {
      relay_stop_.store(true);
      relay_thread_.join();
      for (std::size_t i = 0; i < 3; ++i) {
        const engine::RelayCounters& r = relay_->counters(i);
        relay.push_back(
            {{"relayed", r.relayed.load()}, {"ring_full", r.ring_full.load()}, {"too_long", r.too_long.load()}});
      }
    }
    telemetry_->stop();
    audit_->stop();
    const trading::AuditLogStats a = audit_->stats();
    log_->write(a.lost_on_error == 0 ? LogLevel::Info : LogLevel::Error, "shutdown",
                {{"phase", "audit_flushed"},
                 {"open_orders", open},
                 {"audit_records", a.records_written},
                 {"audit_lost", a.lost_on_error + a.dropped}});
    json stopped = {{"exit_code", code},
                    {"exit_reason", exit_reason_name(why)},
                    {"reason", reason},
                    {"open_orders", open},
                    {"audit_records", a.records_written}};
    if (relay_) stopped["relay"] = relay;
    stopped["latency_ns"] = session_latency();
    log_->write(code == kExitOk ? LogLevel::Info : LogLevel::Error, "stopped", stopped);
    json line = stopped;
    line["event"] = "stopped";
    line["books"] = books();
    line["end_of_session"] = pipeline_->feed().end_of_session();
    announce(line);
    return code;
  }

  /// The books as the feed left them, every level, in the venue's own
  /// "closed" format, so an operator or a test can compare them.
  json books() const {
    json out = json::object();
    std::vector<market_data::Level> levels(static_cast<std::size_t>(c_.market_data.book_levels_per_side));
    for (const config::SymbolConfig& s : c_.symbols) {
      const auto locate = pipeline_->books().locate_of(s.symbol);
      const market_data::OrderBook* book = locate ? pipeline_->books().book(*locate) : nullptr;
      if (book == nullptr) continue;
      json sides = json::object();
      for (const auto side : {core::Side::Buy, core::Side::Sell}) {
        json list = json::array();
        const std::size_t n = book->depth(side, levels.size(), levels.data());
        for (std::size_t i = 0; i < n; ++i) list.push_back({levels[i].price.raw, levels[i].shares});
        sides[side == core::Side::Buy ? "bids" : "asks"] = std::move(list);
      }
      out[s.symbol] = std::move(sides);
    }
    return out;
  }

  /// Each stage's percentiles over the whole session, from the control
  /// block's histograms (what `hft status` shows at that moment).
  json session_latency() const {
    json out = json::object();
    try {
      const engine::ControlBlockReader reader(c_.instance_name);
      for (std::size_t s = 0; s < reader.stage_names().size(); ++s) {
        const core::LatencyHistogram h = reader.histogram_copy(s);
        json f = {{"count", h.count()}};
        if (h.count() > 0) {
          f["p50"] = h.percentile(50);
          f["p99"] = h.percentile(99);
          f["p999"] = h.percentile(99.9);
          f["max"] = h.max();
        }
        out[reader.stage_names()[s]] = f;
      }
    } catch (const std::exception& e) {
      out["error"] = e.what();
    }
    return out;
  }

  bool layout_pipeline() const noexcept { return c_.cpu.layout == config::CpuConfig::Layout::Pipeline; }

  void pin(int core, const char* what) {
    const core::CpuResult pinned = core::pin_current_thread(core);
    if (!pinned)
      log_->write(LogLevel::Warning, "error",
                  {{"message", std::string(what) + " thread not pinned: " + pinned.message}});
  }

  const DaemonOptions& options_;
  const config::SystemCheck& checked_;
  const config::SystemConfig& c_;
  core::TscCalibration clock_{};
  std::unique_ptr<PerformanceLog> log_;
  std::unique_ptr<trading::AuditLog> audit_;
  // Declared after the audit log: the pipeline records into it until it goes.
  std::unique_ptr<engine::FeedNetwork> network_;
  // The relay owns the real transports (pipeline layout): declared after the
  // DPDK runtime that must outlive its port, before the pipeline that reads it.
  std::unique_ptr<engine::NetworkStage> relay_;
  std::atomic<bool> relay_stop_{false};
  std::thread relay_thread_;
  std::unique_ptr<engine::Pipeline> pipeline_;
  std::unique_ptr<TelemetryThread> telemetry_;
  bool venue_up_{false};
};

}  // namespace

int run_daemon(const DaemonOptions& options, const config::SystemCheck& checked) {
  Daemon daemon(options, checked);
  return daemon.run();
}

}  // namespace hft::apps
