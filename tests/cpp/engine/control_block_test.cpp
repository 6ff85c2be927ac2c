// Control block: layout and versioning, snapshots, heartbeat staleness,
// ownership of the segment, and the writer's hot calls.

#include <fcntl.h>

#include <chrono>
#include <cstring>
#include <fstream>

#include <sys/stat.h>

#include "hft/engine/control_block_seqlock.h"
#include "hft/trading/position_book.h"

#include "control_block_fixture.h"
#include "support/allocation_counter.h"

namespace hft::engine::test {
namespace {

using layout::SegmentHeader;

TEST_F(ControlBlockTest, HeaderDescribesTheLayout) {
  ControlBlockWriter w(options());
  EXPECT_EQ(w.path(), dir_ + "/hft-test");
  struct stat st {};
  ASSERT_EQ(::stat(w.path().c_str(), &st), 0);
  const auto& h = *static_cast<const SegmentHeader*>(w.base());
  EXPECT_EQ(h.magic, layout::kMagic);
  EXPECT_EQ(std::memcmp(&h.magic, "HFTCTRL1", 8), 0);
  EXPECT_EQ(h.layout_version, layout::kLayoutVersion);
  EXPECT_EQ(h.total_bytes, static_cast<std::uint64_t>(st.st_size));
  EXPECT_EQ(h.engine_pid, ::getpid());
  EXPECT_EQ(h.tsc_hz, 1'000'000'000U);
  EXPECT_EQ(h.ready.load(), 1U);
  EXPECT_EQ(h.commands_offset % layout::kPage, 0U);
  EXPECT_EQ(h.bucket_count, core::LatencyHistogram::kBucketCount);
  EXPECT_EQ(h.counter_count, kCounterCount);
  EXPECT_EQ(h.stage_count, default_latency_stages().size());
  EXPECT_EQ(h.instrument_count, 3U);
  EXPECT_STREQ(h.instance, "test");
  const auto g = layout::compute_geometry(h.counter_count, h.stage_count, h.instrument_count);
  EXPECT_EQ(g.total_bytes, h.total_bytes);
  EXPECT_EQ(g.histograms_offset, h.histograms_offset);
  EXPECT_LE(h.positions_offset + sizeof(layout::PositionsBlock) + 3 * sizeof(layout::PositionRecord), h.total_bytes);

  ControlBlockReader r("test", dir_);
  EXPECT_EQ(r.counter_names()[0], "loop_iterations");
  EXPECT_EQ(r.counter_names()[counter_index(Counter::Fills)], "fills");
  EXPECT_EQ(r.counter_names()[counter_index(trading::RejectReason::PriceBand)], "reject.price_band");
  EXPECT_EQ(r.stage_names(), default_latency_stages());
  EXPECT_EQ(r.instrument_names(), (std::vector<std::string>{"AAPL", "MSFT", "NVDA"}));
  EXPECT_EQ(r.counter_index_of("orders_sent"), counter_index(Counter::OrdersSent));
  EXPECT_TRUE(r.writable());
}

TEST_F(ControlBlockTest, ReaderRefusesOtherVersionsAndGarbage) {
  {
    ControlBlockWriter w(options());
    // Corrupt the version in the file (through a separate writable mapping).
    const int fd = ::open(w.path().c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    const std::uint32_t v = layout::kLayoutVersion + 1;
    ASSERT_EQ(::pwrite(fd, &v, sizeof v, offsetof(SegmentHeader, layout_version)), static_cast<ssize_t>(sizeof v));
    ::close(fd);
    try {
      ControlBlockReader r("test", dir_);
      FAIL() << "attached to a segment of another layout version";
    } catch (const ControlError& e) {
      EXPECT_NE(std::string(e.what()).find("layout version 2"), std::string::npos) << e.what();
    }
  }
  std::ofstream(dir_ + "/hft-junk") << std::string(8192, 'x');
  EXPECT_THROW(ControlBlockReader("junk", dir_), ControlError);
  std::ofstream(dir_ + "/hft-tiny") << "x";
  EXPECT_THROW(ControlBlockReader("tiny", dir_), ControlError);
}

TEST_F(ControlBlockTest, NoEngineIsAClearError) {
  try {
    ControlBlockReader r("nobody", dir_);
    FAIL();
  } catch (const ControlError& e) {
    EXPECT_NE(std::string(e.what()).find("no engine is running as instance 'nobody'"), std::string::npos);
  }
}

TEST_F(ControlBlockTest, InstanceNamesAreChecked) {
  EXPECT_THROW(control_path("", dir_), ControlError);
  EXPECT_THROW(control_path("../etc", dir_), ControlError);
  EXPECT_THROW(control_path("a b", dir_), ControlError);
  EXPECT_THROW(control_path(std::string(64, 'a'), dir_), ControlError);
  EXPECT_EQ(control_path("prod-1.a_b", "/x"), "/x/hft-prod-1.a_b");
}

TEST_F(ControlBlockTest, ShmDirComesFromTheEnvironment) {
  ::setenv("HFT_SHM_DIR", dir_.c_str(), 1);
  EXPECT_EQ(control_dir(), dir_);
  ::unsetenv("HFT_SHM_DIR");
  EXPECT_EQ(control_dir(), "/dev/shm");
  EXPECT_EQ(control_dir("/elsewhere"), "/elsewhere");
}

TEST_F(ControlBlockTest, ReaderSeesStateCountersHistogramsAndPositions) {
  ControlBlockWriter w(options());
  ControlBlockReader r("test", dir_);
  EXPECT_EQ(r.status().state, EngineState::Starting);

  w.set_state(EngineState::Running, "trading");
  w.add(Counter::MessagesIn, 1000);
  w.add(Counter::OrdersSent);
  w.add_reject(trading::RejectReason::MaxPosition);
  for (std::uint64_t ns = 1; ns <= 1000; ++ns) w.record_latency(5, ns);
  w.record_latency(0, std::uint64_t{1} << 40);  // overflow

  trading::PositionBook book(3, trading::MarkSource::Last, core::Price{});
  book.apply_fill(core::SymbolId{1}, core::Side::Buy, core::Qty{100}, core::Price{1'500'000});
  book.on_trade(core::SymbolId{1}, core::Price{1'510'000});
  w.publish_positions(book);

  const StatusSnapshot s = r.status();
  EXPECT_EQ(s.state, EngineState::Running);
  EXPECT_EQ(s.kill_level, KillLevel::None);
  EXPECT_EQ(s.reason, "trading");
  EXPECT_TRUE(s.owner_alive);
  EXPECT_EQ(r.counter(counter_index(Counter::MessagesIn)), 1000U);
  EXPECT_EQ(r.counter(counter_index(Counter::OrdersSent)), 1U);
  EXPECT_EQ(r.counter(counter_index(Counter::Rejects)), 1U);
  EXPECT_EQ(r.counter(counter_index(trading::RejectReason::MaxPosition)), 1U);

  const auto& h = r.histogram(5);
  EXPECT_EQ(h.count.load(), 1000U);
  EXPECT_EQ(h.min.load(), 1U);
  EXPECT_EQ(h.max.load(), 1000U);
  EXPECT_EQ(h.sum.load(), 500500U);
  const core::LatencyHistogram copy = r.histogram_copy(5);
  EXPECT_EQ(copy.count(), 1000U);
  const auto p50 = copy.percentile(50);
  EXPECT_GE(p50, 496U);
  EXPECT_LE(p50, 504U);
  EXPECT_EQ(r.histogram(0).overflow.load(), 1U);
  EXPECT_EQ(r.histogram(1).count.load(), 0U);

  // publish_histogram mirrors an engine-side histogram.
  core::LatencyHistogram mine;
  for (const std::uint64_t v : {10U, 20U, 30U}) mine.record(v);
  w.publish_histogram(2, mine);
  EXPECT_EQ(r.histogram(2).count.load(), 3U);
  EXPECT_EQ(r.histogram(2).buckets[20].load(), 1U);
  EXPECT_EQ(r.histogram(2).sum.load(), 60U);

  const PositionsSnapshot p = r.positions();
  ASSERT_EQ(p.instruments.size(), 3U);
  EXPECT_EQ(p.instruments[1].symbol, 1U);
  EXPECT_EQ(p.instruments[1].net, 100);
  EXPECT_EQ(p.instruments[1].average_cost, 1'500'000);
  EXPECT_EQ(p.instruments[1].last, 1'510'000);
  EXPECT_EQ(p.instruments[1].unrealized, 100 * 10'000);
  EXPECT_EQ(p.instruments[0].net, 0);
  EXPECT_EQ(p.totals.unrealized, 100 * 10'000);
  EXPECT_EQ(p.totals.gross_position, 100);
  EXPECT_EQ(p.totals.pnl, book.totals().pnl());
  EXPECT_EQ(p.publishes, 1U);
  EXPECT_EQ(r.position_records()[1].net, 100);

  w.set_state(EngineState::Halted, "manual");
  EXPECT_EQ(r.status().kill_level, KillLevel::Halt);
  w.set_state(EngineState::Running);
  EXPECT_EQ(r.status().kill_level, KillLevel::None);
}

TEST_F(ControlBlockTest, HeartbeatAgesAndGoesStale) {
  auto o = options();
  o.heartbeat_interval_ns = 0;  // refresh the wall clock on every beat
  ControlBlockWriter w(o);
  ControlBlockReader r("test", dir_);
  w.heartbeat(core::Clock::now());
  w.heartbeat(core::Clock::now());
  const StatusSnapshot s = r.status();
  EXPECT_EQ(s.loops, 2U);
  EXPECT_FALSE(r.stale(std::chrono::nanoseconds(std::chrono::seconds(30)).count()));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_GE(r.heartbeat_age_ns(), 30'000'000U);
  EXPECT_TRUE(r.stale(10'000'000));
  w.heartbeat(core::Clock::now());
  EXPECT_LT(r.heartbeat_age_ns(), 30'000'000'000U);
  EXPECT_EQ(r.status().loops, 3U);
}

TEST_F(ControlBlockTest, HeartbeatRefreshesWallClockOnlyEveryInterval) {
  auto o = options();
  o.heartbeat_interval_ns = 3'600'000'000'000ULL;  // an hour: never within this test
  ControlBlockWriter w(o);
  ControlBlockReader r("test", dir_);
  const std::uint64_t first = r.status().heartbeat_wall_ns;
  for (int i = 0; i < 1000; ++i) w.heartbeat(core::Clock::now());
  EXPECT_EQ(r.status().heartbeat_wall_ns, first);
  EXPECT_EQ(r.status().loops, 1000U);
}

TEST_F(ControlBlockTest, SecondWriterForALiveInstanceIsRefused) {
  ControlBlockWriter w(options());
  try {
    ControlBlockWriter again(options());
    FAIL() << "two writers for one instance";
  } catch (const ControlError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("already running (pid " + std::to_string(::getpid())), std::string::npos) << what;
  }
  // The refused attempt left the live segment intact.
  ControlBlockReader r("test", dir_);
  EXPECT_EQ(r.info().engine_pid, ::getpid());
}

TEST_F(ControlBlockTest, CleanExitRemovesTheSegment) {
  std::string path;
  {
    ControlBlockWriter w(options());
    path = w.path();
    ControlBlockReader r("test", dir_);
    w.set_state(EngineState::Stopping, "bye", ExitReason::Signal);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), std::filesystem::directory_iterator{}), 0);
  ControlBlockWriter again(options());  // the name is free again
}

TEST_F(ControlBlockTest, ReaderKeepsTheFinalStateAfterTheEngineLeaves) {
  auto w = std::make_unique<ControlBlockWriter>(options());
  ControlBlockReader r("test", dir_);
  w->set_state(EngineState::Stopping, "stop", ExitReason::StopCommand);
  w.reset();
  const StatusSnapshot s = r.status();
  EXPECT_EQ(s.state, EngineState::Stopped);
  EXPECT_EQ(s.exit_reason, ExitReason::StopCommand);
}

TEST_F(ControlBlockTest, HotCallsDoNotAllocate) {
  ControlBlockWriter w(options());
  ControlBlockReader r("test", dir_);
  trading::PositionBook book(3, trading::MarkSource::Last, core::Price{});
  const PendingCommand pending = r.post(CommandKind::Kill, KillLevel::Halt, "alloc test");
  ASSERT_EQ(pending.status, CommandStatus::Acknowledged);
  core::LatencyHistogram h;
  h.record(5);

  std::size_t handled = 0;
  {
    hft::test::AllocationCounter counter;
    for (int i = 0; i < 100; ++i) {
      w.heartbeat(core::Clock::now());
      handled += w.poll_commands([&](const Command& c) { return apply_default(w, c); });
      w.add(Counter::MessagesIn);
      w.add_reject(trading::RejectReason::OrderRate);
      w.record_latency(1, 100 + static_cast<std::uint64_t>(i));
    }
    w.set_state(EngineState::Running, "a reason that is long enough to matter for any small-string buffer");
    w.publish_positions(book);
    w.publish_histogram(0, h);
    EXPECT_EQ(counter.allocations(), 0U);
  }
  EXPECT_EQ(handled, 1U);
  EXPECT_EQ(r.wait(pending).status, CommandStatus::Acknowledged);
}

// Seqlock: a reader copying while the writer publishes never sees a mix of
// two records. Every field of record i is derived from i.
TEST_F(ControlBlockTest, SnapshotsAreNeverTorn) {
  ControlBlockWriter w(options());
  ControlBlockReader r("test", dir_);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    layout::PositionRecord recs[3]{};
    char text[64];
    for (std::int64_t i = 1; !done.load(std::memory_order_relaxed); ++i) {
      for (auto& rec : recs) {
        rec.net = rec.realized = rec.unrealized = rec.fees = rec.bought = rec.sold = i;
        rec.average_cost = rec.mark = rec.bid = rec.ask = rec.last = i;
      }
      const layout::PositionTotalsRecord t{i, i, i, i, i, i, i, i};
      w.publish_positions(recs, 3, t);
      const int n = std::snprintf(text, sizeof text, "%lld-%lld-%lld", static_cast<long long>(i),
                                  static_cast<long long>(i), static_cast<long long>(i));
      w.set_state(EngineState::Running, std::string_view(text, static_cast<std::size_t>(n)), ExitReason::None,
                  static_cast<std::uint64_t>(i));
    }
  });
  std::size_t checked = 0;
  std::size_t bad = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  while (std::chrono::steady_clock::now() < end || checked < 1000) {
    const PositionsSnapshot p = r.positions();
    const std::int64_t i = p.totals.realized;
    for (const std::int64_t v : {p.totals.unrealized, p.totals.fees, p.totals.pnl, p.totals.net_notional})
      bad += v != i;
    for (const auto& rec : p.instruments) {
      for (const std::int64_t v : {rec.net, rec.realized, rec.fees, rec.sold, rec.average_cost, rec.last}) {
        bad += v != i;
      }
    }
    const StatusSnapshot s = r.status();
    if (s.last_command_seq != 0) {
      const std::string k = std::to_string(s.last_command_seq);
      bad += s.reason != k + "-" + k + "-" + k;
    }
    ++checked;
  }
  done = true;
  writer.join();
  EXPECT_EQ(bad, 0U) << "torn snapshots in " << checked << " reads";
}

}  // namespace
}  // namespace hft::engine::test
