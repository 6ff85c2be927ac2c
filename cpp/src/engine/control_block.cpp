// Names, paths and geometry shared by the control block's writer and readers.

#include "hft/engine/control_block.h"

#include <cstdlib>

#include "hft/engine/control_block_layout.h"

namespace hft::engine {

std::string_view to_string(EngineState s) noexcept {
  switch (s) {
    case EngineState::Starting:
      return "starting";
    case EngineState::Running:
      return "running";
    case EngineState::Reducing:
      return "reducing";
    case EngineState::Halted:
      return "halted";
    case EngineState::Stopping:
      return "stopping";
    case EngineState::Stopped:
      return "stopped";
  }
  return "unknown";
}

std::string_view to_string(ExitReason r) noexcept {
  switch (r) {
    case ExitReason::None:
      return "none";
    case ExitReason::StopCommand:
      return "stop_command";
    case ExitReason::Signal:
      return "signal";
    case ExitReason::Fatal:
      return "fatal";
    case ExitReason::Config:
      return "config";
    case ExitReason::SessionLost:
      return "session_lost";
  }
  return "unknown";
}

std::string_view to_string(CommandKind k) noexcept {
  switch (k) {
    case CommandKind::None:
      return "none";
    case CommandKind::Kill:
      return "kill";
    case CommandKind::Resume:
      return "resume";
    case CommandKind::Stop:
      return "stop";
  }
  return "unknown";
}

std::string_view to_string(KillLevel l) noexcept {
  switch (l) {
    case KillLevel::None:
      return "none";
    case KillLevel::Reduce:
      return "reduce";
    case KillLevel::Halt:
      return "halt";
  }
  return "unknown";
}

std::string_view to_string(CommandResult r) noexcept {
  switch (r) {
    case CommandResult::Ok:
      return "ok";
    case CommandResult::Refused:
      return "refused";
    case CommandResult::Unsupported:
      return "unsupported";
    case CommandResult::Invalid:
      return "invalid";
  }
  return "unknown";
}

std::string_view to_string(CommandStatus s) noexcept {
  switch (s) {
    case CommandStatus::Acknowledged:
      return "acknowledged";
    case CommandStatus::Timeout:
      return "timeout";
    case CommandStatus::NotDelivered:
      return "not_delivered";
    case CommandStatus::NoEngine:
      return "no_engine";
    case CommandStatus::ReadOnly:
      return "read_only";
  }
  return "unknown";
}

std::string counter_name(std::size_t index) {
  static constexpr std::string_view kBase[kBaseCounterCount] = {
      "loop_iterations", "packets_in",   "messages_in",      "sequence_gaps",     "book_updates", "signals",
      "orders_sent",     "cancels_sent", "replaces_sent",    "execution_reports", "fills",        "rejects",
      "venue_rejects",   "kill_trips",   "commands_handled", "market_data_drops"};
  if (index < kBaseCounterCount) return std::string(kBase[index]);
  if (index < kCounterCount) {
    const auto r = static_cast<trading::RejectReason>(index - kRejectCounterBase);
    return "reject." + std::string(trading::to_string(r));
  }
  return "counter_" + std::to_string(index);
}

std::vector<std::string> default_latency_stages() {
  // The tick-to-trade path in order, then the whole of it, then the
  // reverse path (execution report in -> positions updated), then the
  // transport's write (StageClock's order).
  return {"md_decode", "book_update", "strategy", "risk", "order_encode", "tick_to_trade", "exec_report", "order_send"};
}

std::string control_dir(const std::string& dir) {
  if (!dir.empty()) return dir;
  if (const char* env = std::getenv("HFT_SHM_DIR"); env != nullptr && *env != '\0') return env;
  return "/dev/shm";
}

std::string control_path(const std::string& instance, const std::string& dir) {
  if (instance.empty() || instance.size() >= layout::kInstanceBytes) {
    throw ControlError("control block: instance name must be 1 to " + std::to_string(layout::kInstanceBytes - 1) +
                       " characters, got '" + instance + "'");
  }
  for (const char c : instance) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok || instance == "." || instance == "..") {
      throw ControlError("control block: instance name '" + instance +
                         "' may hold only letters, digits, '.', '_' and '-'");
    }
  }
  return control_dir(dir) + "/hft-" + instance;
}

namespace layout {

namespace {
constexpr std::size_t align_up(std::size_t v, std::size_t a) noexcept { return (v + a - 1) / a * a; }
}  // namespace

Geometry compute_geometry(std::size_t counters, std::size_t stages, std::size_t instruments) noexcept {
  Geometry g;
  g.counter_count = counters;
  g.stage_count = stages;
  g.instrument_count = instruments;
  std::size_t at = align_up(sizeof(SegmentHeader), 64);
  g.status_offset = at;
  at = align_up(at + sizeof(StatusBlock), 64);
  g.heartbeat_offset = at;
  at = align_up(at + sizeof(HeartbeatBlock), kPage);
  g.commands_offset = at;
  at += sizeof(CommandBlock);
  g.counter_names_offset = at;
  at = align_up(at + counters * kNameBytes, 64);
  g.counters_offset = at;
  at = align_up(at + counters * 8, 64);
  g.stage_names_offset = at;
  at = align_up(at + stages * kNameBytes, 64);
  g.histograms_offset = at;
  at += stages * sizeof(HistogramBlock);
  g.instrument_names_offset = at;
  at = align_up(at + instruments * kNameBytes, 64);
  g.positions_offset = at;
  at += sizeof(PositionsBlock) + instruments * sizeof(PositionRecord);
  g.total_bytes = align_up(at, kPage);
  return g;
}

}  // namespace layout
}  // namespace hft::engine
