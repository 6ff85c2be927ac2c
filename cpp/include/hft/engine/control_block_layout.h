#pragma once
/// @file
/// The bytes of a control block segment. One engine process writes it; any
/// number of clients map it. Everything a reader needs to find and name the
/// data is in the header (offsets, counts, names), so a reader written in
/// another language needs only this description, not this file.
///
/// Layout version 1 (all integers little-endian, offsets from the start):
///
///   SegmentHeader     at 0            magic, version, sizes, owner, geometry
///   StatusBlock       status_offset   seqlock: state, kill level, exit reason, text
///   HeartbeatBlock    heartbeat_offset wall ns, TSC, loop count (per-field atomics)
///   CommandBlock      commands_offset page aligned, the only part clients write
///   counter names     counter_names_offset   counter_count x char[32]
///   counters          counters_offset        counter_count x u64
///   stage names       stage_names_offset     stage_count x char[32]
///   histograms        histograms_offset      stage_count x HistogramBlock (stride)
///   instrument names  instrument_names_offset instrument_count x char[32]
///   PositionsBlock    positions_offset       seqlock: totals + instrument_count records
///
/// Concurrency: one writer (the engine thread) for everything except the
/// command slots. Multi-field records (status, positions) sit behind a
/// seqlock; single values (counters, buckets, heartbeat fields) are
/// individually atomic. All atomics are lock-free and therefore address-free,
/// so they work across processes mapping the same file.

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "hft/core/latency_histogram.h"

namespace hft::engine::layout {

/// "HFTCTRL1" read as a little-endian u64.
inline constexpr std::uint64_t kMagic = 0x314C525443544648ULL;
/// Bumped on any incompatible change; readers refuse other versions.
inline constexpr std::uint32_t kLayoutVersion = 1;
inline constexpr std::size_t kNameBytes = 32;
inline constexpr std::size_t kReasonBytes = 96;
inline constexpr std::size_t kInstanceBytes = 64;
inline constexpr std::size_t kCommandSlots = 16;
inline constexpr std::size_t kMaxStages = 32;
inline constexpr std::size_t kMaxInstruments = 4096;
inline constexpr std::size_t kMaxCounters = 1024;
inline constexpr std::size_t kPage = 4096;

using AtomicU64 = std::atomic<std::uint64_t>;
using AtomicU32 = std::atomic<std::uint32_t>;
static_assert(AtomicU64::is_always_lock_free && AtomicU32::is_always_lock_free,
              "shared-memory atomics must be lock-free to be address-free");
static_assert(sizeof(AtomicU64) == 8 && sizeof(AtomicU32) == 4);

struct SegmentHeader {
  std::uint64_t magic;
  std::uint32_t layout_version;
  std::uint32_t header_bytes;
  std::uint64_t total_bytes;
  /// 0 while the engine initialises, 1 once every section is valid (release).
  AtomicU32 ready;
  std::int32_t engine_pid;
  std::uint64_t start_wall_ns;  ///< CLOCK_REALTIME at creation
  std::uint64_t start_tsc;
  std::uint64_t tsc_hz;  ///< the engine's calibrated TSC rate (0: not given)
  std::uint64_t heartbeat_interval_ns;
  char instance[kInstanceBytes];
  // Geometry.
  std::uint32_t counter_count;
  std::uint32_t stage_count;
  std::uint32_t bucket_count;  ///< core::LatencyHistogram::kBucketCount
  std::uint32_t sub_bucket_bits;
  std::uint32_t max_value_bits;
  std::uint32_t instrument_count;
  std::uint32_t command_slot_count;
  std::uint32_t name_bytes;
  std::uint64_t status_offset;
  std::uint64_t heartbeat_offset;
  std::uint64_t commands_offset;
  std::uint64_t commands_bytes;
  std::uint64_t counter_names_offset;
  std::uint64_t counters_offset;
  std::uint64_t stage_names_offset;
  std::uint64_t histograms_offset;
  std::uint64_t histogram_stride;
  std::uint64_t instrument_names_offset;
  std::uint64_t positions_offset;
  std::uint64_t position_stride;
};

/// The engine's state as one consistent record (read under the seqlock).
struct StatusRecord {
  std::uint8_t state;       ///< EngineState
  std::uint8_t kill_level;  ///< KillLevel in force (None when running)
  std::uint16_t exit_reason;
  std::uint32_t reserved;
  std::uint64_t changed_wall_ns;   ///< when `state` last changed
  std::uint64_t last_command_seq;  ///< the last command that changed the state
  char reason[kReasonBytes];       ///< why: the kill reason, the fatal error, ...
};
static_assert(sizeof(StatusRecord) % 8 == 0);

struct alignas(64) StatusBlock {
  AtomicU64 seq;  ///< odd while the writer is inside
  AtomicU64 words[sizeof(StatusRecord) / 8];
};

struct alignas(64) HeartbeatBlock {
  AtomicU64 wall_ns;  ///< CLOCK_REALTIME of the latest beat (refreshed every interval)
  AtomicU64 tsc;      ///< TSC of the latest beat
  AtomicU64 loops;    ///< loop iterations so far (every beat)
};

/// A command slot's state word: sequence (32) | client pid (24) | phase (8).
/// Every transition is a CAS on the whole word, so a slot reused for a new
/// command can never be mistaken for the old one (no ABA).
enum class SlotPhase : std::uint8_t {
  Free = 0,
  Claimed = 1,  ///< a client is filling it in
  Posted = 2,   ///< ready for the engine
  Taken = 3,    ///< the engine is executing it
  Done = 4,     ///< answered; the client frees it after reading the answer
};

constexpr std::uint64_t slot_word(std::uint32_t seq, std::uint32_t pid, SlotPhase phase) noexcept {
  return (std::uint64_t{seq} << 32) | (std::uint64_t{pid & 0xFFFFFFU} << 8) | static_cast<std::uint64_t>(phase);
}
constexpr SlotPhase slot_phase(std::uint64_t w) noexcept { return static_cast<SlotPhase>(w & 0xFFU); }
constexpr std::uint32_t slot_pid(std::uint64_t w) noexcept { return static_cast<std::uint32_t>((w >> 8) & 0xFFFFFFU); }
constexpr std::uint32_t slot_seq(std::uint64_t w) noexcept { return static_cast<std::uint32_t>(w >> 32); }

struct alignas(64) CommandSlot {
  AtomicU64 word;
  // Written by the client between Claimed and Posted.
  std::uint8_t kind;   ///< CommandKind
  std::uint8_t level;  ///< KillLevel
  std::uint16_t reserved0;
  std::uint32_t reserved1;
  std::uint64_t posted_tsc;
  std::uint64_t posted_wall_ns;
  char reason[kReasonBytes];
  // Written by the engine between Taken and Done. Atomic because a client
  // that gave up may have its slot reclaimed while it still reads them.
  AtomicU32 result;  ///< CommandResult
  AtomicU32 detail;  ///< engine-specific: e.g. the kill trigger blocking a resume
  AtomicU64 ack_wall_ns;
  AtomicU64 ack_tsc;
  AtomicU32 state_after;  ///< EngineState once the command was applied
};

struct alignas(kPage) CommandBlock {
  alignas(64) AtomicU32 next_seq;  ///< clients fetch_add to number their commands
  /// Bumped by a client after posting: the engine's "anything new?" is one
  /// load of this line, which stays in its cache until a client writes.
  alignas(64) AtomicU64 doorbell;
  alignas(64) AtomicU64 acked;  ///< commands answered (engine-written)
  AtomicU64 last_ack_seq;
  CommandSlot slots[kCommandSlots];
};
static_assert(sizeof(CommandBlock) % kPage == 0);

/// A stage's histogram, bucket layout identical to core::LatencyHistogram.
struct alignas(64) HistogramBlock {
  AtomicU64 count;
  AtomicU64 overflow;
  AtomicU64 sum;
  AtomicU64 min;  ///< ~0 while empty
  AtomicU64 max;
  AtomicU64 reserved[3];
  AtomicU64 buckets[core::LatencyHistogram::kBucketCount];
};

/// Money and prices in 1e-4 units, quantities in shares (as the trading core).
struct PositionRecord {
  std::uint32_t symbol;  ///< index into the instrument names
  std::uint32_t reserved;
  std::int64_t net;
  std::int64_t realized;
  std::int64_t unrealized;
  std::int64_t fees;
  std::int64_t bought;
  std::int64_t sold;
  std::int64_t average_cost;
  std::int64_t mark;
  std::int64_t bid;
  std::int64_t ask;
  std::int64_t last;
};
static_assert(sizeof(PositionRecord) == 96);

struct PositionTotalsRecord {
  std::int64_t realized;
  std::int64_t unrealized;
  std::int64_t fees;
  std::int64_t pnl;  ///< realized + unrealized - fees
  std::int64_t gross_position;
  std::int64_t net_position;
  std::int64_t gross_notional;
  std::int64_t net_notional;
};
static_assert(sizeof(PositionTotalsRecord) == 64);

/// Seqlock over the totals and every instrument's record; the records follow
/// this block directly, `position_stride` bytes apart.
struct alignas(64) PositionsBlock {
  AtomicU64 seq;
  AtomicU64 publishes;  ///< times the engine published (a reader's "changed?")
  AtomicU64 reserved[6];
  AtomicU64 totals[sizeof(PositionTotalsRecord) / 8];
};

/// Where each section lives for a given geometry.
struct Geometry {
  std::size_t counter_count{0};
  std::size_t stage_count{0};
  std::size_t instrument_count{0};

  std::size_t status_offset{0};
  std::size_t heartbeat_offset{0};
  std::size_t commands_offset{0};
  std::size_t counter_names_offset{0};
  std::size_t counters_offset{0};
  std::size_t stage_names_offset{0};
  std::size_t histograms_offset{0};
  std::size_t instrument_names_offset{0};
  std::size_t positions_offset{0};
  std::size_t total_bytes{0};
};

/// Computes section offsets (each 64-byte aligned, commands page aligned so
/// they can be mapped writable on their own).
Geometry compute_geometry(std::size_t counters, std::size_t stages, std::size_t instruments) noexcept;

}  // namespace hft::engine::layout
