#pragma once
// The daemon's structured log (docs/performance_log.md): one JSON object a
// line, appended to logging.performance_log_path. Events come from the main
// thread at start and stop; telemetry comes from a thread of its own that
// reads the control block like any client, so the engine thread never
// formats or writes a line.

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "hft/core/latency_histogram.h"
#include "hft/engine/control_block_reader.h"

namespace hft::apps {

enum class LogLevel { Debug = 0, Info = 1, Warning = 2, Error = 3 };

/// `logging.level` text to a level ("trace" is Debug, "critical" Error).
LogLevel parse_level(const std::string& text) noexcept;

class PerformanceLog {
 public:
  /// Opens `path` for appending (creating its folder); nullptr and `error`
  /// set when it cannot.
  static std::unique_ptr<PerformanceLog> open(const std::string& path, LogLevel threshold, std::string instance,
                                              std::string& error);
  /// Built by open() only.
  struct Private {
    explicit Private() = default;
  };
  PerformanceLog(Private, std::FILE* f, std::string path, LogLevel threshold, std::string instance);
  ~PerformanceLog();
  PerformanceLog(const PerformanceLog&) = delete;
  PerformanceLog& operator=(const PerformanceLog&) = delete;

  /// Writes `{ts, wall_ns, level, event, instance, ...fields}` and flushes.
  /// Thread-safe; below the threshold it writes nothing.
  void write(LogLevel level, const std::string& event, nlohmann::json fields = nlohmann::json::object());
  const std::string& path() const noexcept { return path_; }

 private:
  std::FILE* file_;
  std::string path_;
  LogLevel threshold_;
  std::string instance_;
  std::mutex mutex_;
};

/// Reads the control block every `interval_ms` and writes `telemetry`
/// lines (interval rates and latency percentiles) and `state` lines.
class TelemetryThread {
 public:
  TelemetryThread(PerformanceLog& log, std::string instance, std::string dir, std::int64_t interval_ms);
  ~TelemetryThread();
  TelemetryThread(const TelemetryThread&) = delete;
  TelemetryThread& operator=(const TelemetryThread&) = delete;

  /// Stops the thread after one last snapshot (call after the engine's
  /// final publish).
  void stop();

 private:
  void run();
  void snapshot(engine::ControlBlockReader& reader);

  PerformanceLog& log_;
  std::string instance_;
  std::string dir_;
  std::int64_t interval_ms_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  // Previous snapshot, for interval figures.
  std::vector<std::uint64_t> counters_;
  std::vector<core::LatencyHistogram> histograms_;
  std::uint64_t last_wall_ns_{0};
  int last_state_{-1};
};

}  // namespace hft::apps
