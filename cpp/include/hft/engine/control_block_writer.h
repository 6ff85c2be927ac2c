#pragma once
/// @file
/// The engine's side of the control block. Created once at start (the only
/// call that allocates or makes system calls besides the destructor), then
/// driven from the engine loop:
///
///   every iteration:  cb.heartbeat(tsc);              // a store, a compare
///                     cb.poll_commands(handler);      // one load when idle
///   on events:        cb.add(Counter::Fills);         // one relaxed store
///                     cb.record_latency(stage, ns);   // histogram bucket
///   on state change:  cb.set_state(...)                // seqlock, ~20 ns
///   on fills / marks: cb.publish_positions(book)       // seqlock over the table
///
/// Every hot call is noexcept, allocation-free and syscall-free.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "hft/core/clock.h"
#include "hft/engine/control_block.h"
#include "hft/engine/control_block_layout.h"

namespace hft::trading {
class PositionBook;
}

namespace hft::engine {

/// How to build a segment.
struct ControlBlockOptions {
  std::string instance{"main"};  ///< `instance.name` from the configuration
  std::string dir;               ///< empty: $HFT_SHM_DIR or /dev/shm
  /// One latency histogram per stage (at most layout::kMaxStages).
  std::vector<std::string> stages = default_latency_stages();
  /// Instrument symbols, index = SymbolId (at most layout::kMaxInstruments).
  std::vector<std::string> instruments;
  /// Extra counters after the standard ones (names, each < 32 bytes).
  std::vector<std::string> extra_counters;
  /// How often the heartbeat refreshes its wall clock (the loop count is
  /// stored on every beat). Readers' staleness resolution.
  std::uint64_t heartbeat_interval_ns{100'000};
  /// The engine's TSC calibration (ticks -> ns for the heartbeat and the
  /// command latency); a default one is measured (~10 ms) when not given.
  const core::TscCalibration* calibration{nullptr};
};

/// A command as the engine sees it while handling it.
struct Command {
  std::uint32_t seq{0};
  CommandKind kind{CommandKind::None};
  KillLevel level{KillLevel::None};
  std::uint32_t client_pid{0};
  std::uint64_t posted_tsc{0};
  std::string_view reason;  ///< valid during the handler call only
};

/// The engine's answer.
struct CommandReply {
  CommandResult result{CommandResult::Ok};
  std::uint32_t detail{0};
};

class ControlBlockWriter {
 public:
  /// Creates `<dir>/hft-<instance>`. Throws ControlError when another live
  /// engine holds it (the message names its pid), or when the directory is
  /// not writable. A segment left by a dead engine is replaced.
  explicit ControlBlockWriter(const ControlBlockOptions& options);
  /// Marks the state Stopped (unless already) and removes the segment.
  ~ControlBlockWriter();
  ControlBlockWriter(const ControlBlockWriter&) = delete;
  ControlBlockWriter& operator=(const ControlBlockWriter&) = delete;

  const std::string& path() const noexcept { return path_; }

  // ---- every loop iteration -------------------------------------------------

  /// Counts a loop iteration; refreshes the wall-clock heartbeat when
  /// `heartbeat_interval_ns` has passed (a vDSO clock read, no syscall).
  void heartbeat(std::uint64_t now_tsc) noexcept {
    loops_ += 1;
    hb_->loops.store(loops_, std::memory_order_relaxed);
    if (now_tsc - last_wall_tsc_ >= wall_interval_ticks_) refresh_wall(now_tsc);
  }

  /// Runs `handler(const Command&) -> CommandReply` for every posted
  /// command, oldest first, and acknowledges each. With nothing posted this
  /// is one load of a line that stays in the engine's cache. Returns the
  /// number handled. The handler must not throw (it runs on the hot path).
  template <class Handler>
  std::size_t poll_commands(Handler&& handler) noexcept {
    const std::uint64_t rung = commands_->doorbell.load(std::memory_order_acquire);
    if (rung == seen_doorbell_) return 0;
    return drain(rung, &call<Handler>, &handler);
  }

  // ---- telemetry ------------------------------------------------------------

  /// Adds to a counter (single writer: a load and a relaxed store, no RMW).
  void add(std::size_t index, std::uint64_t n = 1) noexcept {
    auto& c = counters_[index];
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void add(Counter c, std::uint64_t n = 1) noexcept { add(counter_index(c), n); }
  void add_reject(trading::RejectReason r) noexcept {
    add(Counter::Rejects);
    add(counter_index(r));
  }
  void set(std::size_t index, std::uint64_t value) noexcept {
    counters_[index].store(value, std::memory_order_relaxed);
  }
  std::size_t counter_count() const noexcept { return counter_count_; }

  /// Records one latency sample (ns) into stage `stage`.
  void record_latency(std::size_t stage, std::uint64_t ns) noexcept;
  /// Replaces stage `stage`'s histogram with a copy of `h` (for engines that
  /// keep their own histograms: call it at a telemetry interval, ~28 KB copy).
  void publish_histogram(std::size_t stage, const core::LatencyHistogram& h) noexcept;
  std::size_t stage_count() const noexcept { return stage_count_; }

  // ---- state and positions --------------------------------------------------

  /// Publishes a state change; `reason` is truncated to 95 bytes.
  void set_state(EngineState state, std::string_view reason = {}, ExitReason exit = ExitReason::None,
                 std::uint64_t command_seq = 0) noexcept;
  EngineState state() const noexcept { return state_; }

  /// Copies every instrument's position and the firm totals (one seqlock
  /// write; instruments beyond the segment's capacity are ignored).
  void publish_positions(const trading::PositionBook& book) noexcept;
  /// Lower-level form: `records` has instrument_count() entries.
  void publish_positions(const layout::PositionRecord* records, std::size_t count,
                         const layout::PositionTotalsRecord& totals) noexcept;
  std::size_t instrument_count() const noexcept { return instrument_count_; }

  /// Raw base of the mapping, for tests of the layout.
  const void* base() const noexcept { return base_; }
  std::size_t size() const noexcept { return size_; }

 private:
  using Thunk = CommandReply (*)(void*, const Command&);
  template <class Handler>
  static CommandReply call(void* h, const Command& c) {
    return (*static_cast<std::remove_reference_t<Handler>*>(h))(c);
  }
  std::size_t drain(std::uint64_t rung, Thunk thunk, void* handler) noexcept;
  void refresh_wall(std::uint64_t now_tsc) noexcept;
  void release() noexcept;

  std::string path_;
  int fd_{-1};
  void* base_{nullptr};
  std::size_t size_{0};
  layout::SegmentHeader* header_{nullptr};
  layout::StatusBlock* status_{nullptr};
  layout::HeartbeatBlock* hb_{nullptr};
  layout::CommandBlock* commands_{nullptr};
  layout::AtomicU64* counters_{nullptr};
  unsigned char* histograms_{nullptr};
  std::size_t histogram_stride_{0};
  layout::PositionsBlock* positions_{nullptr};
  std::size_t counter_count_{0};
  std::size_t stage_count_{0};
  std::size_t instrument_count_{0};

  core::TscConverter tsc_;
  std::uint64_t loops_{0};
  std::uint64_t last_wall_tsc_{0};
  std::uint64_t wall_interval_ticks_{0};
  std::uint64_t seen_doorbell_{0};
  EngineState state_{EngineState::Starting};
  KillLevel kill_level_{KillLevel::None};
  layout::StatusRecord status_record_{};
};

}  // namespace hft::engine
