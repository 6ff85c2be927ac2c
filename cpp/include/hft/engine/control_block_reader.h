#pragma once
/// @file
/// A client's side of the control block: attach to a running engine by
/// instance name, read consistent snapshots without ever blocking it, and
/// send commands that are acknowledged exactly once.
///
/// The data sections are mapped read-only; only the command page is mapped
/// writable, so a bug in a client cannot corrupt what the engine publishes.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hft/engine/control_block.h"
#include "hft/engine/control_block_layout.h"

namespace hft::engine {

/// The header's fixed facts, copied once at attach.
struct SegmentInfo {
  std::string path;
  std::string instance;
  std::uint32_t layout_version{0};
  std::uint64_t total_bytes{0};
  std::int32_t engine_pid{0};
  std::uint64_t start_wall_ns{0};
  std::uint64_t tsc_hz{0};
  std::uint64_t heartbeat_interval_ns{0};
  std::size_t counter_count{0};
  std::size_t stage_count{0};
  std::size_t bucket_count{0};
  std::size_t instrument_count{0};
};

/// One consistent view of the state record and the heartbeat.
struct StatusSnapshot {
  EngineState state{EngineState::Starting};
  KillLevel kill_level{KillLevel::None};
  ExitReason exit_reason{ExitReason::None};
  std::uint64_t changed_wall_ns{0};
  std::uint64_t last_command_seq{0};
  std::string reason;
  std::uint64_t heartbeat_wall_ns{0};
  std::uint64_t loops{0};
  /// Now (CLOCK_REALTIME) minus the heartbeat's wall time; 0 if in the future.
  std::uint64_t heartbeat_age_ns{0};
  std::uint64_t commands_acked{0};
  bool owner_alive{false};  ///< the engine's pid still exists
};

struct PositionsSnapshot {
  layout::PositionTotalsRecord totals{};
  std::vector<layout::PositionRecord> instruments;
  std::uint64_t publishes{0};
};

/// The client's view of a command's fate.
struct CommandAck {
  CommandStatus status{CommandStatus::NotDelivered};
  CommandResult result{CommandResult::Ok};  ///< meaningful when Acknowledged
  std::uint32_t detail{0};
  std::uint32_t seq{0};
  EngineState state_after{EngineState::Starting};
  std::uint64_t round_trip_ns{0};  ///< post to acknowledgement seen, this client's clock
  std::uint64_t engine_ns{0};      ///< post to the engine's acknowledgement, by TSC
};

/// A command posted but not yet acknowledged (see ControlBlockReader::post).
struct PendingCommand {
  std::size_t slot{0};
  std::uint32_t seq{0};
  std::uint64_t posted_tsc{0};
  std::uint64_t posted_ns{0};                         ///< CLOCK_MONOTONIC
  CommandStatus status{CommandStatus::NotDelivered};  ///< Acknowledged = posted fine
};

class ControlBlockReader {
 public:
  /// Maps `<dir>/hft-<instance>`. Throws ControlError: no such segment (no
  /// engine under that name), wrong magic or layout version, or still
  /// initialising. When the command page cannot be opened for writing the
  /// reader still attaches; commands then report ReadOnly.
  explicit ControlBlockReader(const std::string& instance, const std::string& dir = {});
  ~ControlBlockReader();
  ControlBlockReader(const ControlBlockReader&) = delete;
  ControlBlockReader& operator=(const ControlBlockReader&) = delete;
  ControlBlockReader(ControlBlockReader&& other) noexcept;
  ControlBlockReader& operator=(ControlBlockReader&& other) = delete;

  const SegmentInfo& info() const noexcept { return info_; }
  bool writable() const noexcept { return cmd_base_ != nullptr; }

  /// State + heartbeat; never blocks the writer (retries a torn copy).
  StatusSnapshot status() const;
  /// Age of the heartbeat in ns (CLOCK_REALTIME now minus the last beat).
  std::uint64_t heartbeat_age_ns() const noexcept;
  /// True when the heartbeat is older than `threshold_ns` or the owner died.
  bool stale(std::uint64_t threshold_ns) const noexcept;
  bool owner_alive() const noexcept;

  /// The counters array (counter_count() values, live).
  const layout::AtomicU64* counters() const noexcept { return counters_; }
  std::uint64_t counter(std::size_t i) const noexcept { return counters_[i].load(std::memory_order_relaxed); }
  const std::vector<std::string>& counter_names() const noexcept { return counter_names_; }
  /// Index of a counter by name; counter_count() when there is none.
  std::size_t counter_index_of(std::string_view name) const noexcept;

  /// Stage `s`'s histogram block (live).
  const layout::HistogramBlock& histogram(std::size_t s) const noexcept;
  const std::vector<std::string>& stage_names() const noexcept { return stage_names_; }
  /// Copies stage `s` into a LatencyHistogram (buckets, count, min, max).
  core::LatencyHistogram histogram_copy(std::size_t s) const;

  const std::vector<std::string>& instrument_names() const noexcept { return instrument_names_; }
  /// A consistent copy of totals and every instrument's record.
  PositionsSnapshot positions() const;
  /// The live (possibly mid-update) position records, for zero-copy views.
  const layout::PositionRecord* position_records() const noexcept;

  /// Sends a command and waits for its acknowledgement up to `timeout`.
  /// Never loses a kill silently: the result says whether it was delivered.
  CommandAck send(CommandKind kind, KillLevel level, std::string_view reason,
                  std::chrono::nanoseconds timeout = std::chrono::seconds(2));
  /// The two halves of send(), for callers that time or batch them.
  PendingCommand post(CommandKind kind, KillLevel level, std::string_view reason,
                      std::chrono::nanoseconds timeout = std::chrono::seconds(2));
  CommandAck wait(const PendingCommand& pending, std::chrono::nanoseconds timeout = std::chrono::seconds(2));

  /// Raw mapping, for zero-copy views (Python) and layout tests.
  const void* base() const noexcept { return base_; }

 private:
  void release() noexcept;

  SegmentInfo info_;
  void* base_{nullptr};
  std::size_t size_{0};
  void* cmd_base_{nullptr};  ///< writable mapping of the command page(s)
  std::size_t cmd_size_{0};
  const layout::StatusBlock* status_{nullptr};
  const layout::HeartbeatBlock* hb_{nullptr};
  layout::CommandBlock* commands_{nullptr};
  const layout::CommandBlock* commands_ro_{nullptr};
  const layout::AtomicU64* counters_{nullptr};
  const unsigned char* histograms_{nullptr};
  std::size_t histogram_stride_{0};
  const layout::PositionsBlock* positions_{nullptr};
  std::size_t position_stride_{0};
  std::vector<std::string> counter_names_;
  std::vector<std::string> stage_names_;
  std::vector<std::string> instrument_names_;
  double ns_per_tick_{1.0};
};

}  // namespace hft::engine
