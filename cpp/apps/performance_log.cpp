#include "performance_log.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <utility>

#include "hft/core/clock.h"
#include "hft/engine/control_block.h"

namespace hft::apps {

namespace {

using nlohmann::json;

const char* level_name(LogLevel l) noexcept {
  switch (l) {
    case LogLevel::Debug:
      return "debug";
    case LogLevel::Info:
      return "info";
    case LogLevel::Warning:
      return "warning";
    case LogLevel::Error:
      break;
  }
  return "error";
}

std::string iso_time(std::uint64_t wall_ns) {
  const std::time_t secs = static_cast<std::time_t>(wall_ns / 1'000'000'000u);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06uZ", static_cast<unsigned>((wall_ns / 1000u) % 1'000'000u));
  return buf;
}

double dollars(std::int64_t raw) noexcept { return static_cast<double>(raw) / 10'000.0; }

std::string state_name(engine::EngineState s) { return std::string(engine::to_string(s)); }

}  // namespace

LogLevel parse_level(const std::string& text) noexcept {
  if (text == "trace" || text == "debug") return LogLevel::Debug;
  if (text == "warning") return LogLevel::Warning;
  if (text == "error" || text == "critical") return LogLevel::Error;
  return LogLevel::Info;
}

std::unique_ptr<PerformanceLog> PerformanceLog::open(const std::string& path, LogLevel threshold, std::string instance,
                                                     std::string& error) {
  std::error_code ec;
  const std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    error = "cannot open the performance log " + path + ": " + std::strerror(errno) +
            " (set logging.performance_log_path, or HFT_STATE_DIR, to a writable place)";
    return nullptr;
  }
  return std::make_unique<PerformanceLog>(Private{}, f, path, threshold, std::move(instance));
}

PerformanceLog::PerformanceLog(Private, std::FILE* f, std::string path, LogLevel threshold, std::string instance)
    : file_(f), path_(std::move(path)), threshold_(threshold), instance_(std::move(instance)) {}

PerformanceLog::~PerformanceLog() { std::fclose(file_); }

void PerformanceLog::write(LogLevel level, const std::string& event, json fields) {
  if (level < threshold_) return;
  const std::uint64_t now = core::Clock::realtime_ns();
  json line = {
      {"ts", iso_time(now)}, {"wall_ns", now}, {"level", level_name(level)}, {"event", event}, {"instance", instance_}};
  for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  const std::string text = line.dump() + "\n";
  const std::lock_guard<std::mutex> lock(mutex_);
  std::fwrite(text.data(), 1, text.size(), file_);
  std::fflush(file_);
}

TelemetryThread::TelemetryThread(PerformanceLog& log, std::string instance, std::string dir, std::int64_t interval_ms)
    : log_(log), instance_(std::move(instance)), dir_(std::move(dir)), interval_ms_(interval_ms) {
  thread_ = std::thread([this] { run(); });
}

TelemetryThread::~TelemetryThread() { stop(); }

void TelemetryThread::stop() {
  if (!thread_.joinable()) return;
  stop_.store(true, std::memory_order_release);
  thread_.join();
}

void TelemetryThread::run() {
  std::unique_ptr<engine::ControlBlockReader> reader;
  try {
    reader = std::make_unique<engine::ControlBlockReader>(instance_, dir_);
  } catch (const std::exception& e) {
    log_.write(LogLevel::Error, "error", {{"message", std::string("telemetry: ") + e.what()}});
    return;
  }
  last_wall_ns_ = core::Clock::realtime_ns();
  const auto period = std::chrono::milliseconds(interval_ms_);
  auto next = std::chrono::steady_clock::now() + period;
  while (!stop_.load(std::memory_order_acquire)) {
    // Short sleeps so that stop() returns quickly, state changes show within
    // 50 ms, and snapshots keep their period.
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<std::int64_t>(50, interval_ms_)));
    const engine::StatusSnapshot st = reader->status();
    if (static_cast<int>(st.state) != last_state_) {
      last_state_ = static_cast<int>(st.state);
      log_.write(LogLevel::Info, "state", {{"state", state_name(st.state)}, {"reason", st.reason}});
    }
    if (std::chrono::steady_clock::now() >= next) {
      next += period;
      snapshot(*reader);
    }
  }
  const engine::StatusSnapshot st = reader->status();
  if (static_cast<int>(st.state) != last_state_) {
    log_.write(LogLevel::Info, "state", {{"state", state_name(st.state)}, {"reason", st.reason}});
  }
  snapshot(*reader);
}

void TelemetryThread::snapshot(engine::ControlBlockReader& reader) {
  const std::uint64_t now = core::Clock::realtime_ns();
  const double interval_s = static_cast<double>(now - last_wall_ns_) / 1e9;
  last_wall_ns_ = now;

  json counters = json::object();
  json rates = json::object();
  const auto& names = reader.counter_names();
  counters_.resize(names.size(), 0);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::uint64_t v = reader.counter(i);
    counters[names[i]] = v;
    if (v != counters_[i] && interval_s > 0) rates[names[i]] = static_cast<double>(v - counters_[i]) / interval_s;
    counters_[i] = v;
  }

  json latency = json::object();
  const auto& stages = reader.stage_names();
  histograms_.resize(stages.size());
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const core::LatencyHistogram now_h = reader.histogram_copy(s);
    core::LatencyHistogram interval;
    const std::uint64_t* a = now_h.buckets();
    const std::uint64_t* b = histograms_[s].buckets();
    for (std::size_t i = 0; i < core::LatencyHistogram::kBucketCount; ++i) {
      if (a[i] > b[i]) interval.record_n(core::LatencyHistogram::bucket_lower(i), a[i] - b[i]);
    }
    histograms_[s] = now_h;
    json figure = {{"count", interval.count()}};
    if (interval.count() > 0) {
      figure["p50"] = interval.percentile(50);
      figure["p99"] = interval.percentile(99);
      figure["p999"] = interval.percentile(99.9);
      figure["max"] = interval.percentile(100);
    }
    latency[stages[s]] = figure;
  }

  const engine::PositionsSnapshot p = reader.positions();
  json positions = json::array();
  const auto& symbols = reader.instrument_names();
  for (const auto& r : p.instruments) {
    if (r.net == 0 && r.realized == 0 && r.unrealized == 0 && r.fees == 0) continue;
    positions.push_back({{"symbol", r.symbol < symbols.size() ? symbols[r.symbol] : std::to_string(r.symbol)},
                         {"net", r.net},
                         {"realized", dollars(r.realized)},
                         {"unrealized", dollars(r.unrealized)},
                         {"fees", dollars(r.fees)}});
  }
  json pnl = {{"realized", dollars(p.totals.realized)},
              {"unrealized", dollars(p.totals.unrealized)},
              {"fees", dollars(p.totals.fees)},
              {"total", dollars(p.totals.pnl)}};

  log_.write(LogLevel::Info, "telemetry",
             {{"state", state_name(reader.status().state)},
              {"interval_s", interval_s},
              {"counters", counters},
              {"rates", rates},
              {"latency_ns", latency},
              {"positions", positions},
              {"pnl", pnl}});
}

}  // namespace hft::apps
