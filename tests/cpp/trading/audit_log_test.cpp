// The audit log writer: round trip, wall clock, rotation, restart, fsync
// policies, the ring-full policies and the allocation-free hot path.
#include "hft/trading/audit_log.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "hft/config/system_config.h"
#include "hft/engine/audit_settings.h"

#include "support/allocation_counter.h"
#include "trading/audit_test_support.h"

namespace hft::trading::test {
namespace {

using Fsync = AuditLogOptions::Fsync;
using RingFull = AuditLogOptions::RingFull;

/// Waits (generously) for the writer to have written `n` records: a
/// synchronisation point, not a speed requirement.
void wait_written(const AuditLog& log, std::uint64_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (log.stats().records_written < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_GE(log.stats().records_written, n);
}

TEST(AuditLog, RoundTripOfEveryFieldAndEveryType) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  const std::vector<AuditRecord> given = write_log(base, 3 * kAuditTypeCount);

  AuditReport report;
  const std::vector<AuditRecord> got = read_all({base}, report);
  ASSERT_EQ(got.size(), given.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_TRUE(same_payload(got[i], given[i]));
    EXPECT_EQ(got[i].seq, i + 1);
    EXPECT_TRUE(audit_format::intact(got[i]));
    EXPECT_NE(got[i].wall_ns, 0);
  }
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.records, given.size());
  EXPECT_EQ(report.missing_records, 0u);
  EXPECT_EQ(report.runs, 1u);
  ASSERT_EQ(report.segments.size(), 1u);

  const audit_format::SegmentHeader& h = report.segments[0].header;
  EXPECT_EQ(report.segments[0].file, dir.file("audit-000001.bin"));
  EXPECT_EQ(h.format_version, kAuditFormatVersion);
  EXPECT_EQ(h.record_size, sizeof(AuditRecord));
  EXPECT_EQ(h.segment_index, 1u);
  EXPECT_EQ(h.first_seq, 1u);
  EXPECT_DOUBLE_EQ(h.tsc_hz, calibration().ticks_per_second);
  EXPECT_STREQ(std::string(h.instance, sizeof(h.instance)).c_str(), "test");
  EXPECT_GT(h.created_wall_ns, 0);
  EXPECT_EQ(fs::file_size(dir.file("audit-000001.bin")),
            audit_format::kSegmentHeaderSize + given.size() * sizeof(AuditRecord));
}

TEST(AuditLog, WallClockIsDerivedFromTheTsc) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  AuditLog log(base, options(), calibration());
  log.start();
  const auto before = static_cast<std::int64_t>(core::Clock::realtime_ns());
  AuditRecord r = make_record(1);
  r.tsc = core::Clock::now();
  log.record(r);
  AuditRecord unstamped = make_record(2);
  unstamped.tsc = 0;  // the log stamps it
  log.record(unstamped);
  const auto after = static_cast<std::int64_t>(core::Clock::realtime_ns());
  log.stop();

  AuditReport report;
  const std::vector<AuditRecord> got = read_all({base}, report);
  ASSERT_EQ(got.size(), 2u);
  // Agreement with CLOCK_REALTIME within a millisecond either side: the
  // calibration is good to 0.1 %, and the anchor was taken moments ago.
  constexpr std::int64_t kSlack = 1'000'000;
  for (const AuditRecord& g : got) {
    EXPECT_GE(g.wall_ns, before - kSlack);
    EXPECT_LE(g.wall_ns, after + kSlack);
  }
  EXPECT_NE(got[1].tsc, 0u);
  EXPECT_LE(got[0].wall_ns, got[1].wall_ns);
}

TEST(AuditLog, RotatesIntoSegmentsWithContinuousSeq) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  AuditLogOptions o = options();
  constexpr std::uint64_t kPerSegment = 100;
  o.segment_bytes = audit_format::kSegmentHeaderSize + kPerSegment * sizeof(AuditRecord);
  const std::vector<AuditRecord> given = write_log(base, 1050, o);

  for (std::uint32_t i = 1; i <= 11; ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "audit-%06u.bin", i);
    ASSERT_TRUE(fs::exists(dir.file(name))) << name;
    const std::uint64_t records = i <= 10 ? kPerSegment : 50;
    EXPECT_EQ(fs::file_size(dir.file(name)), audit_format::kSegmentHeaderSize + records * sizeof(AuditRecord));
  }
  EXPECT_FALSE(fs::exists(dir.file("audit-000012.bin")));

  AuditReport report;
  const std::vector<AuditRecord> got = read_all({base}, report);
  ASSERT_EQ(got.size(), given.size());
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].seq, i + 1);
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.missing_records, 0u);
  EXPECT_EQ(report.runs, 1u);
  ASSERT_EQ(report.segments.size(), 11u);
  for (std::size_t i = 0; i < report.segments.size(); ++i) {
    EXPECT_EQ(report.segments[i].header.segment_index, i + 1);
    EXPECT_EQ(report.segments[i].header.first_seq, 1 + i * kPerSegment);
  }
}

TEST(AuditLog, StatsCountWhatWasWritten) {
  TempDir dir;
  AuditLogOptions o = options();
  o.segment_bytes = audit_format::kSegmentHeaderSize + 10 * sizeof(AuditRecord);
  AuditLog log(dir.file("audit.bin"), o, calibration());
  log.start();
  for (std::uint64_t i = 0; i < 25; ++i) log.record(make_record(i));
  log.stop();
  const AuditLogStats s = log.stats();
  EXPECT_EQ(s.appended, 25u);
  EXPECT_EQ(s.records_written, 25u);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.segments, 3u);
  EXPECT_EQ(s.segment_index, 3u);
  EXPECT_EQ(s.bytes_written, 3 * audit_format::kSegmentHeaderSize + 25 * sizeof(AuditRecord));
  EXPECT_EQ(s.write_errors, 0u);
  EXPECT_EQ(s.lost_on_error, 0u);
  EXPECT_FALSE(log.running());
}

TEST(AuditLog, RestartContinuesSegmentNumberingAndNeverOverwrites) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  AuditLogOptions o = options();
  o.segment_bytes = audit_format::kSegmentHeaderSize + 10 * sizeof(AuditRecord);
  write_log(base, 25, o);  // segments 1..3
  const std::vector<char> third = slurp(dir.file("audit-000003.bin"));
  write_log(base, 5, o);  // a restart: segment 4

  EXPECT_EQ(slurp(dir.file("audit-000003.bin")), third);
  ASSERT_TRUE(fs::exists(dir.file("audit-000004.bin")));
  AuditReport report;
  const std::vector<AuditRecord> got = read_all({base}, report);
  ASSERT_EQ(got.size(), 30u);
  EXPECT_EQ(got[25].seq, 1u);  // a new run numbers from 1 again
  EXPECT_EQ(report.runs, 2u);
  EXPECT_EQ(report.missing_records, 0u);
  EXPECT_EQ(report.out_of_order, 0u);
  EXPECT_TRUE(report.clean());
}

TEST(AuditLog, ADirectoryPathGetsAuditSegmentsInside) {
  TempDir dir;
  write_log(dir.path().string(), 3);
  EXPECT_TRUE(fs::exists(dir.file("audit-000001.bin")));
  AuditReport report;
  EXPECT_EQ(read_all({dir.path().string()}, report).size(), 3u);
}

TEST(AuditLog, CreatesMissingDirectories) {
  TempDir dir;
  const std::string base = dir.file("a/b/log.dat");
  write_log(base, 3);
  EXPECT_TRUE(fs::exists(dir.file("a/b/log-000001.dat")));
}

class AuditFsync : public ::testing::TestWithParam<Fsync> {};

TEST_P(AuditFsync, PolicyRunsAndEverythingArrives) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  AuditLog log(base, options(GetParam()), calibration());
  log.start();
  // Three bursts, each written before the next: at least three batches.
  for (std::uint64_t burst = 0; burst < 3; ++burst) {
    for (std::uint64_t i = 0; i < 100; ++i) log.record(make_record(burst * 100 + i));
    wait_written(log, (burst + 1) * 100);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));  // lets an interval pass
  }
  log.stop();
  const AuditLogStats s = log.stats();
  EXPECT_EQ(s.records_written, 300u);
  EXPECT_EQ(s.write_errors, 0u);
  switch (GetParam()) {
    case Fsync::Never:
      EXPECT_EQ(s.fsyncs, 1u);
      break;  // only stop() syncs
    case Fsync::Interval:
      EXPECT_GE(s.fsyncs, 1u);
      break;
    case Fsync::EveryBatch:
      EXPECT_GE(s.fsyncs, 3u);
      break;
  }
  EXPECT_GT(s.last_fsync_wall_ns, 0);
  AuditReport report;
  EXPECT_EQ(read_all({base}, report).size(), 300u);
  EXPECT_TRUE(report.clean());
}

INSTANTIATE_TEST_SUITE_P(Policies, AuditFsync, ::testing::Values(Fsync::Never, Fsync::Interval, Fsync::EveryBatch),
                         [](const auto& p) {
                           switch (p.param) {
                             case Fsync::Never:
                               return std::string("Never");
                             case Fsync::Interval:
                               return std::string("Interval");
                             case Fsync::EveryBatch:
                               return std::string("EveryBatch");
                           }
                           return std::string("Unknown");
                         });

constexpr std::uint64_t kFlood = 16 * kAuditRingCapacity;

/// Makes the writer the slow side, with no timing: the ring is filled to
/// capacity before start(), so the writer begins a whole ring behind and the
/// first push after start() finds it full; then precomputed records follow,
/// a few ns per push against the writer's CRC, write and fsync per batch.
void flood(AuditLog& log) {
  std::vector<AuditRecord> records;
  records.reserve(kFlood);
  for (std::uint64_t i = 0; i < kFlood; ++i) records.push_back(make_record(i));
  for (std::uint64_t i = 0; i < kAuditRingCapacity; ++i) log.record(records[i]);
  log.start();
  for (std::uint64_t i = kAuditRingCapacity; i < kFlood; ++i) log.record(records[i]);
  log.stop();
}

TEST(AuditLog, BlockPolicyLosesNothingUnderASlowWriter) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  AuditLog log(base, options(Fsync::EveryBatch, RingFull::Block), calibration());
  flood(log);

  const AuditLogStats s = log.stats();
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.appended, kFlood);
  EXPECT_EQ(s.records_written, kFlood);
  EXPECT_GT(s.block_events, 0u) << "the ring never filled: the test did not exercise blocking";
  AuditReport report;
  const std::vector<AuditRecord> got = read_all({base}, report);
  ASSERT_EQ(got.size(), kFlood);
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i].seq, i + 1);
  EXPECT_EQ(report.missing_records, 0u);
  EXPECT_EQ(report.ring_dropped, 0u);
}

TEST(AuditLog, DropPolicyCountsDropsAndTheFileSaysHowMany) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  AuditLog log(base, options(Fsync::EveryBatch, RingFull::Drop), calibration());
  flood(log);

  const AuditLogStats s = log.stats();
  EXPECT_GT(s.dropped, 0u) << "the ring never filled: the test did not exercise dropping";
  EXPECT_EQ(s.appended + s.dropped, kFlood);
  EXPECT_EQ(s.block_events, 0u);
  EXPECT_GE(s.overflow_records, 1u);
  EXPECT_EQ(s.records_written, s.appended + s.overflow_records);

  AuditReport report;
  const std::vector<AuditRecord> got = read_all({base}, report);
  const std::vector<AuditRecord> hot = hot_records(got);
  EXPECT_EQ(hot.size(), s.appended);
  EXPECT_TRUE(std::is_sorted(hot.begin(), hot.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; }));
  EXPECT_EQ(report.missing_records, s.dropped - (kFlood - (hot.empty() ? 0 : hot.back().seq)));
  EXPECT_EQ(report.ring_dropped, s.dropped);
  std::uint64_t last_overflow = 0;
  for (const AuditRecord& r : got)
    if (r.seq == audit_format::kWriterSeq) {
      EXPECT_EQ(r.type, AuditType::RingOverflow);
      EXPECT_GE(r.ref_id, last_overflow);  // a running total
      last_overflow = r.ref_id;
      EXPECT_NE(r.wall_ns, 0);
    }
  EXPECT_EQ(last_overflow, s.dropped);
  EXPECT_TRUE(report.clean());
}

TEST(AuditLog, DropsBeforeStartAreDeterministicAndReachTheFile) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  AuditLog log(base, options(Fsync::Never, RingFull::Drop), calibration());
  constexpr std::uint64_t kExtra = 100;
  for (std::uint64_t i = 0; i < kAuditRingCapacity + kExtra; ++i) log.record(make_record(i));
  EXPECT_EQ(log.stats().dropped, kExtra);
  log.start();
  log.stop();

  AuditReport report;
  const std::vector<AuditRecord> got = read_all({base}, report);
  ASSERT_EQ(got.size(), kAuditRingCapacity + 1);
  // The writer notes the drops after the first batch it writes.
  const auto overflow =
      std::find_if(got.begin(), got.end(), [](const AuditRecord& r) { return r.seq == audit_format::kWriterSeq; });
  ASSERT_NE(overflow, got.end());
  EXPECT_EQ(overflow->type, AuditType::RingOverflow);
  EXPECT_EQ(overflow->ref_id, kExtra);
  EXPECT_EQ(hot_records(got).back().seq, kAuditRingCapacity);
  EXPECT_EQ(report.ring_dropped, kExtra);
  // The dropped ones were the last seqs: no gap inside the file.
  EXPECT_EQ(report.missing_records, 0u);
}

TEST(AuditLog, BlockWithNoWriterDropsRatherThanHangs) {
  TempDir dir;
  AuditLog log(dir.file("audit.bin"), options(Fsync::Never, RingFull::Block), calibration());
  for (std::uint64_t i = 0; i < kAuditRingCapacity + 3; ++i) log.record(make_record(i));
  const AuditLogStats s = log.stats();
  EXPECT_EQ(s.dropped, 3u);
  EXPECT_EQ(s.block_events, 3u);
}

TEST(AuditLog, RecordsBeforeStartAreKeptAndAfterStopCounted) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  AuditLog log(base, options(), calibration());
  log.record(make_record(0, AuditType::ConfigLoaded));
  log.start();
  log.record(make_record(1));
  log.stop();
  log.record(make_record(2));
  log.stop();  // idempotent
  EXPECT_EQ(log.stats().dropped, 1u);
  AuditReport report;
  const std::vector<AuditRecord> got = read_all({base}, report);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].type, AuditType::ConfigLoaded);
}

TEST(AuditLog, RecordsOfALogNeverStartedCountAsDropped) {
  TempDir dir;
  AuditLog log(dir.file("audit.bin"), options(), calibration());
  for (std::uint64_t i = 0; i < 5; ++i) log.record(make_record(i));
  log.stop();
  EXPECT_EQ(log.stats().dropped, 5u);
  EXPECT_EQ(log.stats().appended, 0u);
  EXPECT_FALSE(fs::exists(dir.file("audit-000001.bin")));
}

TEST(AuditLog, DestructorDrainsEverything) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  {
    AuditLog log(base, options(), calibration());
    log.start();
    for (std::uint64_t i = 0; i < 5000; ++i) log.record(make_record(i));
  }
  AuditReport report;
  EXPECT_EQ(read_all({base}, report).size(), 5000u);
}

TEST(AuditLog, HotRecordAllocatesNothing) {
  TempDir dir;
  for (const RingFull policy : {RingFull::Block, RingFull::Drop}) {
    AuditLog log(dir.file(policy == RingFull::Block ? "block.bin" : "drop.bin"), options(Fsync::Never, policy),
                 calibration());
    log.start();
    std::vector<AuditRecord> records;
    for (std::uint64_t i = 0; i < 4096; ++i) records.push_back(make_record(i));
    {
      // Twice the ring: the full-ring path (spin or drop) runs too.
      hft::test::AllocationCounter counter;
      for (std::uint64_t i = 0; i < 2 * kAuditRingCapacity; ++i) log.record(records[i % records.size()]);
      EXPECT_EQ(counter.allocations(), 0u);
      EXPECT_EQ(counter.bytes(), 0u);
    }
    log.stop();
  }
}

TEST(AuditLog, StartFailsWithAClearError) {
  TempDir dir;
  spit(dir.file("plain_file"), {'x'});
  AuditLog log(dir.file("plain_file/sub/audit.bin"), options(), calibration());
  try {
    log.start();
    FAIL() << "start() should have thrown";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("plain_file/sub"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(log.running());
}

TEST(AuditLog, StartTwiceIsALogicError) {
  TempDir dir;
  AuditLog log(dir.file("audit.bin"), options(), calibration());
  log.start();
  EXPECT_THROW(log.start(), std::logic_error);
  log.stop();
}

TEST(AuditLog, RejectsAnEmptyCalibrationAndTinySegments) {
  TempDir dir;
  EXPECT_THROW(AuditLog(dir.file("audit.bin"), options(), core::TscCalibration{}), std::invalid_argument);
  AuditLogOptions o = options();
  o.segment_bytes = 100;
  EXPECT_THROW(AuditLog(dir.file("audit.bin"), o, calibration()), std::invalid_argument);
}

TEST(AuditLog, SkipsSegmentNamesTakenByOthers) {
  TempDir dir;
  write_segment(dir.file("audit-000007.bin"), 7, 1, 2);
  write_log(dir.file("audit.bin"), 4);
  EXPECT_TRUE(fs::exists(dir.file("audit-000008.bin")));
}

TEST(AuditSegmentNaming, SplitsPathsAndRecognisesItsSegments) {
  using audit_format::SegmentNaming;
  const SegmentNaming a = SegmentNaming::from_path("var/state/audit.bin");
  EXPECT_EQ(a.directory, "var/state");
  EXPECT_EQ(a.stem, "audit");
  EXPECT_EQ(a.extension, ".bin");
  EXPECT_EQ(a.path(42), "var/state/audit-000042.bin");
  EXPECT_EQ(a.index_of("audit-000042.bin"), 42u);
  EXPECT_EQ(a.index_of("audit-42.bin"), 0u);
  EXPECT_EQ(a.index_of("audit-000042.dat"), 0u);
  EXPECT_EQ(a.index_of("other-000042.bin"), 0u);
  EXPECT_EQ(a.index_of("audit-00004x.bin"), 0u);

  const SegmentNaming b = SegmentNaming::from_path("log");
  EXPECT_EQ(b.directory, ".");
  EXPECT_EQ(b.path(1), "./log-000001");
  const SegmentNaming c = SegmentNaming::from_path("/x.y/.hidden");
  EXPECT_EQ(c.directory, "/x.y");
  EXPECT_EQ(c.stem, ".hidden");
  EXPECT_EQ(c.extension, "");
}

TEST(AuditSettings, TranslatesTheConfiguration) {
  config::SystemConfig c;
  c.instance_name = "paper";
  c.logging.audit.fsync = config::AuditConfig::Fsync::EveryBatch;
  c.logging.audit.fsync_interval_ms = 250;
  c.logging.audit.segment_size_mb = 8;
  c.logging.audit.on_ring_full = config::AuditConfig::RingFull::Drop;
  const AuditLogOptions o = engine::audit_log_options(c);
  EXPECT_EQ(o.fsync, Fsync::EveryBatch);
  EXPECT_EQ(o.fsync_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(o.segment_bytes, 8u << 20);
  EXPECT_EQ(o.on_ring_full, RingFull::Drop);
  EXPECT_EQ(o.instance_name, "paper");
}

}  // namespace
}  // namespace hft::trading::test
