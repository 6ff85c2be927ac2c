// The audit log: cost of an append on the hot thread while the writer thread
// drains to a real file, and how many records per second the writer puts on
// disk. Records are a realistic decision mix (submits, acks, fills, cancels,
// replaces, risk rejects), never one record repeated.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/core/cache.h"
#include "hft/core/clock.h"
#include "hft/core/cpu.h"
#include "hft/core/latency_histogram.h"
#include "hft/core/spsc_ring.h"
#include "hft/trading/audit_log.h"
#include "hft/trading/audit_record.h"

#include "support/batch_timer.h"
#include "support/latency_report.h"
#include "support/placement.h"
#include "support/tsc.h"

namespace hft::bench {
namespace {

namespace fs = std::filesystem;
using core::Clock;
using core::LatencyHistogram;
using trading::AuditLog;
using trading::AuditLogOptions;
using trading::AuditRecord;
using trading::AuditType;

constexpr std::size_t kRecords = 1 << 14;
constexpr std::size_t kMask = kRecords - 1;

/// What a busy session emits: most decisions are submits, acks and cancels,
/// fills come in partials, a few percent are rejects and replaces.
std::vector<AuditRecord> decision_mix() {
  std::mt19937_64 rng(606);
  std::discrete_distribution<int> kind({30, 28, 6, 14, 12, 3, 2, 2, 1, 1, 1});
  constexpr AuditType kTypes[] = {
      AuditType::OrderSubmitted,   AuditType::OrderAcked, AuditType::Fill,
      AuditType::CancelRequested,  AuditType::Canceled,   AuditType::RiskReject,
      AuditType::ReplaceRequested, AuditType::Replaced,   AuditType::OrderRejected,
      AuditType::CancelRejected,   AuditType::Expired,
  };
  std::uniform_int_distribution<std::uint16_t> symbol(1, 8000);
  std::uniform_int_distribution<std::int64_t> ticks(-500, 500);
  std::uniform_int_distribution<std::int32_t> lots(1, 50);
  std::vector<AuditRecord> out(kRecords);
  std::uint64_t id = 1'000'000;
  std::uint64_t tsc = Clock::now();
  for (AuditRecord& r : out) {
    r.type = kTypes[kind(rng)];
    r.side = (rng() & 1) != 0 ? 'B' : 'S';
    r.state = static_cast<std::uint8_t>(1 + rng() % 10);
    r.tsc = tsc += 200 + rng() % 2000;
    r.order_id = ++id;
    r.ref_id = r.type == AuditType::Fill ? rng() : id - rng() % 64;
    r.price = 1'500'000 + ticks(rng) * 100;
    r.qty = lots(rng) * 100;
    r.symbol = symbol(rng);
    r.reason = r.type == AuditType::RiskReject ? static_cast<std::uint16_t>(1 + rng() % 28) : 0;
  }
  return out;
}

/// A temporary directory for one benchmark's segments, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    path_ = fs::temp_directory_path() / ("hft_bench_audit_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string log_path() const { return (path_ / "audit.bin").string(); }

 private:
  fs::path path_;
};

/// The shipped configuration's writer (fsync every 100 ms, 64 MiB segments,
/// block when full), with the writer on the other core when there is one.
AuditLogOptions shipped_options(const TwoCorePlacement& place) {
  AuditLogOptions o;
  o.fsync = AuditLogOptions::Fsync::Interval;
  o.fsync_interval = std::chrono::milliseconds(100);
  o.on_ring_full = AuditLogOptions::RingFull::Block;
  o.instance_name = "bench";
  if (place.pinned()) {
    const std::vector<int> cores = core::allowed_cpus();
    o.writer_cpu = cores[cores.size() - 2];  // TwoCorePlacement's first core
  }
  return o;
}

std::uint64_t backlog(const AuditLog& log) {
  const trading::AuditLogStats s = log.stats();
  return s.appended - (s.records_written - s.overflow_records);
}

/// Records more than one writer batch behind: the producer waits (untimed)
/// for the writer, so samples measure appends into a ring that the writer
/// is draining at full speed on the other core, never the full-ring wait.
constexpr std::uint64_t kMaxBacklog = 8192;

void finish(benchmark::State& state, AuditLog& log, const TwoCorePlacement& place) {
  log.stop();
  const trading::AuditLogStats s = log.stats();
  state.counters["block_events"] = benchmark::Counter(static_cast<double>(s.block_events));
  state.counters["pinned"] = benchmark::Counter(place.pinned() ? 1 : 0);
  if (s.dropped != 0 || s.lost_on_error != 0 || s.records_written != s.appended + s.overflow_records) {
    state.SkipWithError("records were lost");
  }
}

// ---- hot-thread append ----------------------------------------------------------

/// time_batches (batch_timer.h) with an untimed pause between samples while
/// the writer is more than kMaxBacklog records behind.
template <typename Op>
void time_paced_batches(benchmark::State& state, LatencyHistogram& ticks, const AuditLog& log, Op&& op) {
  const std::uint64_t overhead = empty_region_ticks();
  std::size_t i = 0;
  for (int w = 0; w < 2000; ++w) {
    for (std::size_t k = 0; k < kBatch; ++k) op(i++);
    while (backlog(log) > kMaxBacklog) core::cpu_relax();
  }
  ticks.reset();
  for (auto _ : state) {
    const std::uint64_t t0 = Clock::now_ordered();
    for (std::size_t k = 0; k < kBatch; ++k) op(i++);
    const std::uint64_t t1 = Clock::now_ordered();
    const std::uint64_t spent = t1 - t0;
    ticks.record(spent > overhead ? spent - overhead : 0);
    while (backlog(log) > kMaxBacklog) core::cpu_relax();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<benchmark::IterationCount>(kBatch));
  state.counters["timer_overhead_cycles"] = benchmark::Counter(static_cast<double>(overhead));
}

void BM_AuditAppend(benchmark::State& state) {
  const std::vector<AuditRecord> records = decision_mix();
  ScratchDir dir;
  TwoCorePlacement place;
  auto log = std::make_unique<AuditLog>(dir.log_path(), shipped_options(place), tsc_calibration());
  log->start();
  place.pin_second();
  // Through the interface, as the trading core calls it.
  trading::AuditSink* sink = log.get();
  benchmark::DoNotOptimize(sink);
  auto ticks = std::make_unique<LatencyHistogram>();
  time_paced_batches(state, *ticks, *log, [&](std::size_t i) { sink->record(records[i & kMask]); });
  report_ticks(state, *ticks, kBatch);
  finish(state, *log, place);
}
BENCHMARK(BM_AuditAppend);

/// One append per sample: the tail as a single decision sees it, timer cost
/// (two fenced TSC reads) subtracted.
void BM_AuditAppendSingle(benchmark::State& state) {
  const std::vector<AuditRecord> records = decision_mix();
  ScratchDir dir;
  TwoCorePlacement place;
  auto log = std::make_unique<AuditLog>(dir.log_path(), shipped_options(place), tsc_calibration());
  log->start();
  place.pin_second();
  trading::AuditSink* sink = log.get();
  benchmark::DoNotOptimize(sink);
  auto ticks = std::make_unique<LatencyHistogram>();
  const std::uint64_t overhead = empty_region_ticks();
  std::size_t i = 0;
  for (; i < 100'000; ++i) {
    sink->record(records[i & kMask]);
    if ((i & 63) == 0)
      while (backlog(*log) > kMaxBacklog) core::cpu_relax();
  }
  for (auto _ : state) {
    const std::uint64_t t0 = Clock::now_ordered();
    sink->record(records[i++ & kMask]);
    const std::uint64_t t1 = Clock::now_ordered();
    ticks->record(t1 - t0 > overhead ? t1 - t0 - overhead : 0);
    if ((i & 63) == 0)
      while (backlog(*log) > kMaxBacklog) core::cpu_relax();
  }
  state.SetItemsProcessed(state.iterations());
  report_ticks(state, *ticks);
  finish(state, *log, place);
}
BENCHMARK(BM_AuditAppendSingle);

/// Baseline: the bare SPSC ring push of the same 64-byte records, drained by
/// a consumer thread that does nothing with them. The audit append adds the
/// seq stamp, the closed check and a virtual call.
void BM_AuditAppendRingBaseline(benchmark::State& state) {
  const std::vector<AuditRecord> records = decision_mix();
  using Ring = core::SpscRing<AuditRecord, trading::kAuditRingCapacity>;
  auto ring = std::make_unique<Ring>();
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> consumed{0};
  TwoCorePlacement place;
  std::thread consumer([&] {
    place.pin_first();
    std::vector<AuditRecord> batch(4096);
    std::uint64_t n = 0;
    while (!stop.load(std::memory_order_acquire)) {
      const std::size_t k = ring->pop_batch(batch.data(), batch.size());
      n += k;
      consumed.store(n, std::memory_order_release);
      if (k == 0) std::this_thread::sleep_for(std::chrono::microseconds(10));
    }
  });
  place.pin_second();
  std::uint64_t pushed = 0;
  const std::uint64_t overhead = empty_region_ticks();
  auto ticks = std::make_unique<LatencyHistogram>();
  std::size_t i = 0;
  const auto push = [&] {
    for (std::size_t k = 0; k < kBatch; ++k) {
      AuditRecord r = records[i++ & kMask];
      r.seq = i;
      while (!ring->try_push(r)) core::cpu_relax();
    }
    pushed += kBatch;
  };
  const auto pace = [&] {
    while (pushed - consumed.load(std::memory_order_acquire) > kMaxBacklog) core::cpu_relax();
  };
  for (int w = 0; w < 2000; ++w) {
    push();
    pace();
  }
  for (auto _ : state) {
    const std::uint64_t t0 = Clock::now_ordered();
    push();
    const std::uint64_t t1 = Clock::now_ordered();
    ticks->record(t1 - t0 > overhead ? t1 - t0 - overhead : 0);
    pace();
  }
  stop.store(true, std::memory_order_release);
  consumer.join();
  state.SetItemsProcessed(state.iterations() * static_cast<benchmark::IterationCount>(kBatch));
  report_ticks(state, *ticks, kBatch);
}
BENCHMARK(BM_AuditAppendRingBaseline);

// ---- writer throughput ----------------------------------------------------------

/// Records per second from the hot thread's record() to the file: the
/// producer pushes as fast as it can under the Block policy, so the writer
/// is the bottleneck; each iteration ends when the writer has handed every
/// record of it to the kernel.
void writer_throughput(benchmark::State& state, AuditLogOptions::Fsync fsync) {
  constexpr std::uint64_t kPerIteration = 1 << 20;
  const std::vector<AuditRecord> records = decision_mix();
  ScratchDir dir;
  TwoCorePlacement place;
  AuditLogOptions options = shipped_options(place);
  options.fsync = fsync;
  auto log = std::make_unique<AuditLog>(dir.log_path(), options, tsc_calibration());
  log->start();
  place.pin_second();
  std::size_t i = 0;
  std::uint64_t total = 0;
  for (auto _ : state) {
    for (std::uint64_t k = 0; k < kPerIteration; ++k) log->record(records[i++ & kMask]);
    total += kPerIteration;
    while (log->stats().records_written < total) std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
  const auto n = static_cast<double>(total);
  state.SetItemsProcessed(static_cast<std::int64_t>(total));
  state.SetBytesProcessed(static_cast<std::int64_t>(total * sizeof(AuditRecord)));
  state.counters["msg_per_s"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
  const trading::AuditLogStats s = log->stats();
  state.counters["segments"] = benchmark::Counter(static_cast<double>(s.segments));
  state.counters["fsyncs"] = benchmark::Counter(static_cast<double>(s.fsyncs));
  finish(state, *log, place);
}

/// The shipped policy: fsync every 100 ms, so the disk's write-back speed is
/// part of the number (8 × 64 MiB per run).
void BM_AuditWriterThroughput(benchmark::State& state) { writer_throughput(state, AuditLogOptions::Fsync::Interval); }
BENCHMARK(BM_AuditWriterThroughput)->Iterations(8)->UseRealTime()->Unit(benchmark::kMillisecond);

/// fsync never: what the writer thread itself sustains into the page cache.
void BM_AuditWriterThroughputPageCache(benchmark::State& state) {
  writer_throughput(state, AuditLogOptions::Fsync::Never);
}
BENCHMARK(BM_AuditWriterThroughputPageCache)->Iterations(8)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hft::bench
