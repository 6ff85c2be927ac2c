#pragma once
/// @file
/// The audit log writer: the hot thread hands each 64-byte record to an SPSC
/// ring; a writer thread stamps the wall clock and CRC, writes large batches
/// to segment files, applies the fsync policy and rotates segments. The file
/// layout is in `audit_format.h`; reading back is `audit_reader.h`.
///
///   AuditLog log("/var/lib/hft/audit.bin", options, calibration);
///   log.start();               // throws on a bad path, at start-up only
///   core.run(log);             // hot thread: log.record(r), noexcept
///   log.stop();                // drains, fsyncs, closes

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hft/core/cache.h"
#include "hft/core/clock.h"
#include "hft/core/spsc_ring.h"
#include "hft/trading/audit_format.h"
#include "hft/trading/audit_record.h"

namespace hft::trading {

/// Records between the hot thread and the writer: 16384 × 64 B = 1 MiB.
/// The size is a cache decision: a ring that fits in the hot core's L2
/// (1–2 MiB on current server cores) keeps the slots a burst writes close;
/// a 4 MiB ring measured about 4× the single-call p99 append latency
/// (bench_audit) because each slot was a miss. The writer sustains
/// > 5 M records/s, so the ring only fills while it is stalled; 16384
/// records cover a 160 ms stall (a slow fsync, a host pause) at 100 k
/// decisions/s, far above any configured order rate. What happens beyond
/// that is the configured ring-full policy, counted either way.
inline constexpr std::size_t kAuditRingCapacity = std::size_t{1} << 14;

/// How the writer behaves. The engine fills this from the validated
/// configuration (`hft/engine/audit_settings.h`); tests build it directly.
struct AuditLogOptions {
  /// When records are forced to stable storage: never (the kernel decides;
  /// stop() still syncs), every `fsync_interval`, or after every batch write.
  enum class Fsync : std::uint8_t { Never, Interval, EveryBatch };
  /// What `record()` does when the ring is full: spin until the writer makes
  /// room (no record lost, the hot thread waits), or drop the record and
  /// count it (the hot thread never waits). Either way it is counted.
  enum class RingFull : std::uint8_t { Block, Drop };

  Fsync fsync{Fsync::Interval};
  std::chrono::milliseconds fsync_interval{100};
  /// A segment is closed and the next one opened once it holds this many
  /// bytes (header included); at least one record per segment.
  std::uint64_t segment_bytes{std::uint64_t{64} << 20};
  RingFull on_ring_full{RingFull::Block};
  /// Written into every segment header (truncated to 32 bytes).
  std::string instance_name;
  /// Core to pin the writer thread to; -1 leaves it to the scheduler.
  int writer_cpu{-1};
};

/// Counters of a log, safe to read from any thread while it runs.
struct AuditLogStats {
  std::uint64_t appended{0};          ///< records accepted: every record() call less `dropped`
  std::uint64_t dropped{0};           ///< refused (full ring under Drop, after stop, never started)
  std::uint64_t block_events{0};      ///< record() calls that found the ring full and waited
  std::uint64_t records_written{0};   ///< records handed to the kernel, RingOverflow included
  std::uint64_t overflow_records{0};  ///< RingOverflow records the writer added
  std::uint64_t bytes_written{0};     ///< headers and records
  std::uint64_t segments{0};          ///< segments this log opened
  std::uint32_t segment_index{0};     ///< index of the segment being written
  std::uint64_t fsyncs{0};
  std::int64_t last_fsync_wall_ns{0};  ///< CLOCK_REALTIME of the last completed fsync, 0 if none
  std::uint64_t write_errors{0};       ///< failed write/fsync/open calls (retried)
  int last_errno{0};                   ///< errno of the last failure
  std::uint64_t lost_on_error{0};      ///< records abandoned at stop because the disk kept failing
};

/// Writer of the audit log. `record()` is for exactly one thread (the hot
/// thread); every other member is for the thread that owns the log.
class AuditLog final : public AuditSink {
 public:
  /// `path` is the configured log path: segments go next to it as
  /// `<stem>-<6-digit index><ext>`; an existing directory gets
  /// `audit-NNNNNN.bin` inside it. `clock` must be a calibration
  /// (`core::calibrate_tsc`): it turns TSC stamps into wall-clock time on the
  /// writer thread. Allocates the ring; touches no file until `start()`.
  /// Throws std::invalid_argument for an unusable calibration or options.
  AuditLog(std::string path, AuditLogOptions options, const core::TscCalibration& clock);
  ~AuditLog() override;

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  /// Creates the directory if needed, takes the TSC/wall-clock anchor, opens
  /// the segment after the highest index already there (never overwriting
  /// one) and starts the writer thread. Throws std::system_error naming the
  /// path and the OS error when the file cannot be created,
  /// std::invalid_argument for a writer_cpu outside the allowed cores,
  /// std::logic_error when called twice. Records given before start wait in
  /// the ring.
  void start();

  /// Writes everything recorded before the call, fsyncs, closes the segment
  /// and joins the writer. Call it after the hot thread's last `record()`;
  /// later records are counted as dropped. Idempotent; the destructor calls it.
  void stop() noexcept;

  bool running() const noexcept { return writer_alive_.load(std::memory_order_acquire); }

  /// Hot thread: stamps `seq` (1, 2, ...), and `tsc` when the caller left it
  /// 0, and copies the record into the ring. No allocation, no system call,
  /// no lock. When the ring is full the
  /// configured policy applies; under Block the call returns only once the
  /// record is in the ring (or, with no writer running, counts it dropped).
  void record(const AuditRecord& r) noexcept override;

  AuditLogStats stats() const noexcept;

  /// The configured path this log was built with.
  const std::string& path() const noexcept { return path_; }
  /// File name of segment `index` of this log.
  std::string segment_path(std::uint32_t index) const { return naming_.path(index); }
  const AuditLogOptions& options() const noexcept { return options_; }

 private:
  /// Records the writer moves per write(2): 4096 × 64 B = 256 KiB, large
  /// enough that the syscall costs < 1 ns per record, small enough that a
  /// batch stays in L2.
  static constexpr std::size_t kBatch = 4096;
  using Ring = core::SpscRing<AuditRecord, kAuditRingCapacity>;

  void record_slow(const AuditRecord& r) noexcept;
  void writer_main() noexcept;
  void process_batch(std::size_t n) noexcept;
  void append_overflow_record(std::size_t& n) noexcept;
  bool write_records(const AuditRecord* recs, std::size_t n) noexcept;
  bool write_fully(const void* data, std::size_t n) noexcept;
  /// Creates segment `index` (or the next free one), writes its header and
  /// makes it current; 0, or the errno of the failure with the path tried.
  int open_segment(std::uint32_t index, std::string& failed_path) noexcept;
  bool rotate(std::uint64_t first_seq) noexcept;
  void sync(bool force) noexcept;
  void close_segment() noexcept;
  void note_error(int err) noexcept;
  std::int64_t wall_ns(std::uint64_t tsc) const noexcept;
  audit_format::SegmentHeader make_header(std::uint32_t index) const noexcept;

  // ---- configuration (read-only after start) ----
  std::string path_;
  audit_format::SegmentNaming naming_;
  AuditLogOptions options_;
  core::TscConverter converter_;
  double tsc_hz_{0};
  std::uint64_t records_per_segment_{0};

  // ---- producer side: written only by the hot thread ----
  // next_seq is written on every record; the full-ring counters only on the
  // slow path. They sit apart because the writer polls `dropped` after each
  // batch: sharing next_seq's line would cost the hot thread a cache miss
  // per batch.
  struct alignas(core::kFalseSharingRange) Producer {
    std::atomic<std::uint64_t> next_seq{1};
    Ring* ring{nullptr};              ///< ring_.get(), beside the counter the same call touches
    std::atomic<bool> closed{false};  ///< set by stop(): later records count as dropped
  };
  struct alignas(core::kFalseSharingRange) ProducerSlow {
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::uint64_t> block_events{0};
  };
  Producer hot_;
  ProducerSlow hot_slow_;
  std::unique_ptr<Ring> ring_;

  // ---- control ----
  alignas(core::kFalseSharingRange) std::atomic<bool> stop_requested_{false};
  std::atomic<bool> writer_alive_{false};
  bool started_{false};
  std::thread writer_;

  // ---- writer side: written only by the writer thread (and start/stop) ----
  int fd_{-1};
  std::uint32_t segment_index_{0};
  std::uint64_t segment_records_{0};
  std::uint64_t file_offset_{0};
  std::uint64_t last_seq_written_{0};
  std::uint64_t next_first_seq_{1};  ///< first_seq of the next header
  std::uint64_t reported_dropped_{0};
  std::uint64_t last_sync_mono_ns_{0};
  bool dirty_{false};
  bool abandoned_{false};  ///< stop() gave up on a failing disk: later writes fail at once
  std::uint64_t anchor_tsc_{0};
  std::int64_t anchor_wall_ns_{0};
  std::vector<AuditRecord> batch_;

  // Telemetry published by the writer (relaxed: counters, not synchronisation).
  struct alignas(core::kFalseSharingRange) WriterStats {
    std::atomic<std::uint64_t> records_written{0};
    std::atomic<std::uint64_t> overflow_records{0};
    std::atomic<std::uint64_t> bytes_written{0};
    std::atomic<std::uint64_t> segments{0};
    std::atomic<std::uint32_t> segment_index{0};
    std::atomic<std::uint64_t> fsyncs{0};
    std::atomic<std::int64_t> last_fsync_wall_ns{0};
    std::atomic<std::uint64_t> write_errors{0};
    std::atomic<int> last_errno{0};
    std::atomic<std::uint64_t> lost_on_error{0};
  };
  WriterStats out_;
};

}  // namespace hft::trading
