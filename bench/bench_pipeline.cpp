// The whole engine, packet in to order bytes out: recorded ITCH 5.0 in
// MoldUDP64 packets replayed through a DPDK vdev into the Pipeline (feed
// handler, books, strategies, risk, OMS, FIX gateway), orders out as FIX over
// loopback TCP to an in-process venue (the simulator's FIX acceptor and
// matching engine) on the other core, whose execution reports come back
// into the OMS.
//
// Inputs: captures recorded at start-up into a temporary folder from the
// venue simulator's own market: its background flow (mid prices on a random
// walk, passive orders in depth, cancels, aggressive orders that trade,
// replaces) into its matching engine, published by its ITCH writer and
// MoldUDP64 publisher, framed as Ethernet/IPv4/UDP to a multicast group. The
// engine trades the first ten names; the other books it keeps without
// trading them. (The synthetic generator behind `hft synth` was tried first:
// its touch almost never changes price, so a market maker has nothing to
// requote.)
//
// How packets get in: `net_pcap` with `rx_pcap=<capture>`, DPDK's own
// replay device, read through the engine's DpdkUdpTransport (Ethernet/IPv4/
// UDP parsing and checksum checks included). The pcap PMD does not pace by
// capture time: every receive call returns whatever it is asked for. So:
//  - tick-to-trade reads one packet per loop turn (`rx_burst` 1): each
//    packet's clock starts when the engine picks it up, as with live traffic
//    that arrives while the engine waits. With full bursts, a packet would
//    wait for the orders (kernel TCP sends) of the packets before it in the
//    same burst, which is queueing in a saturated engine, not tick-to-trade;
//  - throughput reads bursts of 32, as fast as the engine takes them.
// A pcap vdev reads its file once and DPDK allows one EAL per process, so
// the EAL starts once with a few vdevs per capture and every run takes a
// fresh one (kRunsPerProcess runs of each benchmark per process).
//
// Benchmarks:
//  - BM_PipelineTickToTrade: 5 M messages on 12 instruments, one flow input's
//    events per packet (as a venue that is not saturated publishes). A
//    market maker quotes the ten traded ones (microprice, half spread 1
//    tick, requote threshold 1 tick, no minimum quote life), so top-of-book
//    changes become new orders and replaces. The per-stage histograms are
//    the engine's own StageClock in the control block (what `hft status`
//    shows), read back with ControlBlockReader: counts after warm-up minus
//    counts before it. p50_ns/p99_ns/p999_ns are the tick_to_trade stage:
//    packet picked up -> FIX bytes handed to the TCP socket, for every order
//    a packet caused; single_order_* only packets that caused one order
//    (a packet's second order also waits for the kernel send of its first).
//  - BM_PipelineThroughput: 10 M messages on 100 instruments in 1400-byte
//    packets (the feed at its peak) through the whole engine with the
//    shipped strategy parameters on the ten traded names, as fast as it
//    goes; msg_per_s over everything after the first 10 % of the packets.
//    Every way a message can be lost is counted (feed gaps, gap-buffer
//    overflows, bad packets, frames the transport or the port dropped,
//    messages never delivered); any of them fails the run.
//  - BM_PipelineThroughputNoStageTiming: the same with the pipeline's
//    StageClock off (PipelineOptions::stage_timing), which the daemon cannot
//    do: the price of per-stage telemetry.
//  - BM_PipelineFeedBooksBaseline: the same capture through a vdev of its
//    own into the same transport, FeedHandler and BookManager alone: what
//    strategies, risk, OMS, FIX, stage timing and the loop cost is the
//    difference.

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/core/clock.h"
#include "hft/core/cpu.h"
#include "hft/core/latency_histogram.h"
#include "hft/engine/control_block_reader.h"
#include "hft/engine/pipeline.h"
#include "hft/market_data/book_manager.h"
#include "hft/market_data/feed_handler.h"
#include "hft/market_data/synthetic_feed.h"
#include "hft/net/dpdk_port.h"
#include "hft/net/dpdk_runtime.h"
#include "hft/net/dpdk_udp_transport.h"
#include "hft/net/pcap.h"
#include "hft/protocol/moldudp64.h"
#include "hft/venue/background_flow.h"
#include "hft/venue/event_router.h"
#include "hft/venue/itch_writer.h"
#include "hft/venue/matching_engine.h"
#include "hft/venue/moldudp_publisher.h"
#include "hft/venue/venue_server.h"

#include "support/latency_report.h"
#include "support/tsc.h"

namespace hft::bench {
namespace {

namespace md = market_data;
namespace mold = protocol::mold;
using core::Clock;
using core::LatencyHistogram;

// ---- the recorded captures --------------------------------------------------

// The venue's feed: one multicast group, as exchanges publish.
const net::UdpEndpoint kFeedSource{0x0A000001, 40000, {0x02, 0, 0, 0, 0, 1}};  // 10.0.0.1
constexpr std::uint32_t kGroup = 0xE9363701;                                   // 233.54.55.1
constexpr std::uint16_t kFeedPort = 26477;
constexpr std::uint32_t kEngineIp = 0x0A000002;  // 10.0.0.2
// The recorded day starts at 09:30 on 2026-01-01 (capture and ITCH stamps).
constexpr std::int64_t kOpenNs = 1'767'225'600'000'000'000LL + 34'200'000'000'000LL;

constexpr std::uint32_t kSymbols = 100;
constexpr std::uint32_t kTraded = 10;  // the engine trades synthetic_ticker(0..9)
constexpr std::int64_t kLot = 100;
constexpr int kRunsPerProcess = 4;

enum class Kind : std::uint8_t { TickToTrade, Throughput, ThroughputNoStages, FeedBooks };
constexpr std::array<Kind, 4> kKinds{Kind::TickToTrade, Kind::Throughput, Kind::ThroughputNoStages, Kind::FeedBooks};
constexpr std::size_t index_of(Kind k) noexcept { return static_cast<std::size_t>(k); }

std::vector<venue::InstrumentConfig> venue_instruments(std::uint32_t count) {
  std::vector<venue::InstrumentConfig> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    venue::InstrumentConfig ic;
    ic.symbol = venue::InstrumentConfig::symbol_of(md::synthetic_ticker(i));
    ic.lot = kLot;
    out.push_back(ic);
  }
  return out;
}

struct CaptureSpec {
  const char* file;
  std::uint64_t seed;
  std::uint32_t symbols;   ///< instruments in the feed (the engine trades the first kTraded)
  std::uint64_t messages;  ///< ITCH messages to record (the day's frame included)
  /// Flow inputs between two flushes of the publisher: 1 sends every
  /// input's events in a packet of their own, as a venue that is not
  /// saturated does; many fill packets to the MTU, as at the feed's peak.
  std::uint32_t inputs_per_packet_batch;
  /// Packets before the measurement starts (books filling, caches warming).
  double warm_fraction;
};

// About 4.4 M packets of one flow input's events each (1 to a few
// messages), 10 of the 12 instruments traded: about 200 k orders after
// warm-up, enough for a stable p99.9.
CaptureSpec tick_to_trade_spec() { return {"tick_to_trade.pcap", 7, 12, 5'000'000, 1, 0.2}; }

// 10 M messages in full 1400-byte packets.
CaptureSpec throughput_spec() { return {"throughput.pcap", 2026, kSymbols, 10'000'000, 1024, 0.1}; }

struct Capture {
  std::string path;
  std::uint64_t packets{0};
  std::uint64_t messages{0};
  std::uint64_t warm_packets{0};
};

/// The publisher's datagrams, framed as Ethernet/IPv4/UDP from the venue to
/// the group, into a pcap file stamped with the venue's clock.
class PcapRecorder final : public net::DatagramTransport {
 public:
  PcapRecorder(const std::string& path, const std::int64_t& now) : out_(path), now_(now) {}
  std::size_t rx_burst(net::RxDatagram*, std::size_t) noexcept override { return 0; }
  std::size_t tx_burst(const net::TxDatagram* in, std::size_t count) noexcept override {
    for (std::size_t i = 0; i < count; ++i) {
      net::UdpEndpoint dst = in[i].destination;
      dst.mac = net::multicast_mac(dst.ip);
      try {
        out_.write_udp(kFeedSource, dst, in[i].payload, in[i].size, static_cast<std::uint64_t>(now_));
      } catch (const std::exception&) {
        ++counters_.tx_errors;  // write_capture refuses a capture with a missing packet
        continue;
      }
      ++counters_.tx_datagrams;
    }
    return count;
  }
  const net::TransportCounters& counters() const noexcept override { return counters_; }
  std::vector<net::NamedCounter> device_counters() const override { return {}; }
  net::UdpEndpoint local_endpoint() const noexcept override { return kFeedSource; }
  const char* kind() const noexcept override { return "pcap"; }
  void close() { out_.close(); }

 private:
  net::PcapWriter out_;
  const std::int64_t& now_;
  net::TransportCounters counters_;
};

/// Records the venue's own market: the background flow (mid prices on a
/// random walk, passive orders in depth, cancels, aggressive orders that
/// trade, replaces) into the matching engine, whose book events the ITCH
/// writer publishes through the MoldUDP64 publisher into the capture. A
/// real venue's message mix and packets, with books that move at the touch
/// (what makes a market maker requote), on a simulated clock so that
/// recording takes seconds, not a trading day.
Capture write_capture(const std::string& dir, const CaptureSpec& spec) {
  Capture c;
  c.path = dir + "/" + spec.file;
  std::int64_t now = kOpenNs;
  PcapRecorder recorder(c.path, now);
  venue::PublisherOptions po;
  po.lines = {{kGroup, kFeedPort, {}}};
  po.max_batch_delay_ns = 0;     // on_timer sends what the last batch of inputs published
  po.heartbeat_interval_ns = 0;  // never idle: the clock only moves with inputs
  po.history_messages = 1 << 10;
  po.history_bytes = 1 << 16;
  venue::MoldUdpPublisher publisher(po, recorder);
  const std::vector<venue::InstrumentConfig> instruments = venue_instruments(spec.symbols);
  venue::ItchWriter writer(publisher, instruments);
  venue::EventRouter router(writer, nullptr, 4);
  venue::MatchingConfig mc;
  mc.order_capacity = 1 << 17;
  mc.max_levels_per_side = 1 << 12;
  mc.instruments = instruments.data();
  mc.instrument_count = instruments.size();
  venue::MatchingEngine engine(mc, router);
  venue::EngineFlowTarget target(engine);
  venue::BackgroundFlowOptions fo;
  fo.seed = spec.seed;
  // Deep books: up to 250 resting orders a side within 20 ticks behind the
  // touch (50 k resting orders over 100 instruments).
  fo.max_orders_per_side = 250;
  fo.max_live_orders = std::size_t{spec.symbols} * 2 * 250 + 1024;
  fo.depth_ticks = 20;
  fo.max_distance_ticks = 50;
  fo.initial_depth = 10;
  fo.max_per_step = 4 * spec.inputs_per_packet_batch + 4096;  // the first step also seeds the books
  // One input per simulated microsecond: steps of a whole number of inputs.
  fo.messages_per_second = 1'000'000;
  std::mt19937_64 rng(spec.seed);
  for (std::uint32_t i = 0; i < spec.symbols; ++i) {
    venue::FlowInstrument fi;
    fi.id = static_cast<venue::InstrumentId>(i);
    fi.tick = core::Price{100};
    fi.lot = kLot;
    fi.initial_mid = core::Price::from_units(static_cast<std::int64_t>(10 + rng() % 490));  // $10 to $500
    fo.instruments.push_back(fi);
  }
  venue::BackgroundFlow flow(fo, target);
  router.set_other_sink(&flow);
  writer.start_of_day(now);
  publisher.flush(now);
  const std::int64_t step_ns = std::int64_t{1'000} * spec.inputs_per_packet_batch;
  while (publisher.counters().messages < spec.messages) {
    now += step_ns;
    flow.step(now);
    publisher.on_timer(now);
  }
  publisher.flush(now);
  recorder.close();
  if (recorder.counters().tx_errors != 0 || writer.dropped() != 0 || flow.counters().dropped_due != 0) {
    throw std::runtime_error("recording " + c.path + ": packets, messages or flow inputs were lost");
  }
  c.packets = publisher.counters().datagrams_sent;
  c.messages = publisher.counters().messages;
  c.warm_packets = static_cast<std::uint64_t>(static_cast<double>(c.packets) * spec.warm_fraction);
  return c;
}

// ---- one EAL, a few pcap vdevs per capture ----------------------------------

const char* vdev_prefix(Kind k) noexcept {
  switch (k) {
    case Kind::TickToTrade:
      return "net_pcap_tt";
    case Kind::Throughput:
      return "net_pcap_tp";
    case Kind::ThroughputNoStages:
      return "net_pcap_tn";
    case Kind::FeedBooks:
      return "net_pcap_fb";
  }
  return "net_pcap_x";
}

/// The captures, the EAL and the cores: set up once per process, on first use.
class Rig {
 public:
  static Rig& get() {
    static Rig rig;
    return rig;
  }
  bool ok() const noexcept { return error_.empty(); }
  const std::string& error() const noexcept { return error_; }
  const std::string& dir() const noexcept { return dir_; }
  const Capture& capture(Kind k) const noexcept { return k == Kind::TickToTrade ? tick_to_trade_ : throughput_; }
  /// The core the venue's thread runs on; -1 with a single allowed CPU (the
  /// venue is then polled from the engine's loop).
  int venue_core() const noexcept { return venue_core_; }

  /// The next unused vdev replaying `k`'s capture, as a UDP transport that
  /// accepts the feed's group; nullptr with `why` set when none is left.
  std::unique_ptr<net::DpdkUdpTransport> open_line(Kind k, std::string& why) {
    int& used = used_[index_of(k)];
    if (used >= kRunsPerProcess) {
      why = "every recorded capture of this benchmark was replayed already (" + std::to_string(kRunsPerProcess) +
            " runs per process; a pcap vdev reads its file once)";
      return nullptr;
    }
    net::DpdkPortOptions po;
    po.name = vdev_prefix(k) + std::to_string(used++);
    po.mempool_size = 4095;
    net::NetOpened<net::DpdkPort> port = net::DpdkPort::open(*eal_, po);
    if (!port) {
      why = port.result.message;
      return nullptr;
    }
    net::DpdkUdpOptions uo;
    uo.local = {kEngineIp, kFeedPort, {}};
    uo.multicast_groups = {kGroup};
    return std::make_unique<net::DpdkUdpTransport>(std::move(port.value), uo);
  }

  ~Rig() {
    eal_.reset();  // every port was closed by its run
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

 private:
  Rig() {
    // Memory-backed when possible: the captures are about 1 GB, and on a
    // disk the kernel writes them back while the engine reads them, stealing
    // one of two cores in the middle of a measurement.
    const char* tmp = std::getenv("TMPDIR");
    const std::array<std::string, 2> bases{"/dev/shm", tmp != nullptr && *tmp != '\0' ? tmp : "/tmp"};
    for (const std::string& base : bases) {
      std::string pattern = base + "/hft-bench-pipeline-XXXXXX";
      if (::mkdtemp(pattern.data()) != nullptr) {
        dir_ = pattern;
        break;
      }
    }
    if (dir_.empty()) {
      error_ = "cannot create a folder for the captures in /dev/shm or $TMPDIR";
      return;
    }
    try {
      tick_to_trade_ = write_capture(dir_, tick_to_trade_spec());
      throughput_ = write_capture(dir_, throughput_spec());
    } catch (const std::exception& e) {
      error_ = std::string("writing the captures: ") + e.what();
      return;
    }
    // The engine on the last allowed core, the venue on the one before
    // (core 0 takes most interrupts on small VMs).
    const std::vector<int> cpus = core::allowed_cpus();
    if (cpus.empty()) {
      error_ = "no allowed CPU";
      return;
    }
    const int engine_core = cpus.back();
    venue_core_ = cpus.size() >= 2 ? cpus[cpus.size() - 2] : -1;
    net::EalOptions o;
    o.cores = {engine_core};  // the EAL pins this (the benchmark) thread there
    o.memory_mb = 256;
    o.no_pci = true;
    o.file_prefix = "hft-bench-pipeline-" + std::to_string(::getpid());
    o.log_level = "*:error";
    for (const Kind k : kKinds) {
      for (int i = 0; i < kRunsPerProcess; ++i) {
        o.vdevs.push_back(vdev_prefix(k) + std::to_string(i) + ",rx_pcap=" + capture(k).path);
      }
    }
    net::NetOpened<net::DpdkRuntime> eal = net::DpdkRuntime::start(o);
    if (!eal) {
      error_ = eal.result.message;
      return;
    }
    eal_ = std::move(eal.value);
  }

  std::string error_;
  std::string dir_;
  Capture tick_to_trade_;
  Capture throughput_;
  int venue_core_{-1};
  std::array<int, kKinds.size()> used_{};
  std::unique_ptr<net::DpdkRuntime> eal_;
};

/// Line A as the pipeline sees it: the replay port, closed until the FIX
/// session is logged on and the strategies run, so that no packet is read
/// before there is somewhere for its orders to go. Owned by the pipeline;
/// the port itself stays with the benchmark, which reads its counters after.
class GatedLine final : public net::DatagramTransport {
 public:
  explicit GatedLine(net::DatagramTransport& inner) noexcept : inner_(inner) {}
  void open() noexcept { open_ = true; }
  std::size_t rx_burst(net::RxDatagram* out, std::size_t max) noexcept override {
    return open_ ? inner_.rx_burst(out, max) : 0;
  }
  std::size_t tx_burst(const net::TxDatagram* in, std::size_t count) noexcept override {
    return inner_.tx_burst(in, count);
  }
  const net::TransportCounters& counters() const noexcept override { return inner_.counters(); }
  std::vector<net::NamedCounter> device_counters() const override { return inner_.device_counters(); }
  net::UdpEndpoint local_endpoint() const noexcept override { return inner_.local_endpoint(); }
  const char* kind() const noexcept override { return inner_.kind(); }

 private:
  net::DatagramTransport& inner_;
  bool open_{false};
};

/// The venue's market data goes nowhere: the engine's feed is the capture.
class NullTransport final : public net::DatagramTransport {
 public:
  std::size_t rx_burst(net::RxDatagram*, std::size_t) noexcept override { return 0; }
  std::size_t tx_burst(const net::TxDatagram*, std::size_t count) noexcept override {
    counters_.tx_datagrams += count;
    return count;
  }
  const net::TransportCounters& counters() const noexcept override { return counters_; }
  std::vector<net::NamedCounter> device_counters() const override { return {}; }
  net::UdpEndpoint local_endpoint() const noexcept override { return {}; }
  const char* kind() const noexcept override { return "null"; }

 private:
  net::TransportCounters counters_;
};

std::int64_t wall_ns() noexcept { return static_cast<std::int64_t>(Clock::realtime_ns()); }

std::vector<std::string> traded_tickers() {
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < kTraded; ++i) out.push_back(md::synthetic_ticker(i));
  return out;
}

// ---- the venue: FIX acceptor and matching engine on the other core -----------

class Venue {
 public:
  explicit Venue(int core) {
    venue::VenueServerOptions vo;
    vo.instruments = venue_instruments(kTraded);
    vo.order_capacity = 1 << 16;
    vo.max_levels_per_side = 1 << 12;
    vo.fix_host = "127.0.0.1";
    vo.fix_port = 0;
    venue::VenueServerOptions::Session s;
    s.settings.role = protocol::fix::SessionRole::Acceptor;
    s.settings.sender_comp_id = "VENUE";
    s.settings.target_comp_id = "HFT";
    s.store.max_messages = 1 << 16;
    s.store.data_bytes = 16 << 20;
    vo.sessions.push_back(s);
    vo.feed.history_messages = 1 << 12;  // nobody re-requests the venue's own feed here
    vo.feed.history_bytes = 1 << 20;
    vo.flow_enabled = false;  // the book at the venue is our quotes only: nothing to fill them
    server_ = std::make_unique<venue::VenueServer>(vo, feed_, nullptr, wall_ns());
    if (core >= 0) {
      thread_ = std::thread([this, core] {
        (void)core::pin_current_thread(core);
        // Busy while there is traffic, asleep when idle: an idle poll of the
        // venue is a non-blocking accept4, in which Linux allocates and frees
        // a socket and inode every call; spinning on that would load the
        // kernel (and the cache the engine's core shares) far more than a
        // venue on another machine does.
        while (!stop_.load(std::memory_order_relaxed)) {
          if (!server_->poll(wall_ns())) std::this_thread::sleep_for(std::chrono::microseconds(20));
        }
      });
    }
  }
  ~Venue() {
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
  }
  Venue(const Venue&) = delete;
  Venue& operator=(const Venue&) = delete;

  std::uint16_t port() const { return server_->status().fix_port; }
  /// With one CPU the venue shares the engine's loop.
  void poll_if_inline() {
    if (!thread_.joinable()) server_->poll(wall_ns());
  }

 private:
  NullTransport feed_;
  std::unique_ptr<venue::VenueServer> server_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// ---- the engine --------------------------------------------------------------

trading::TradingSettings trading_settings() {
  // Limits far above what the run reaches: the benchmark measures the
  // checks, not their refusals. Positions stay flat (the venue's book holds
  // only our own quotes, and self-match prevention cancels instead of
  // trading), so position and loss limits never bind either.
  trading::TradingSettings s;
  for (std::uint32_t i = 0; i < kTraded; ++i) s.instruments.push_back({core::Price{100}, 1, 1'000'000, true});
  s.risk.max_total_position = 10'000'000;
  s.risk.max_notional_exposure = 1'000'000'000LL * 10'000;
  s.risk.max_orders_per_second = 1'000'000'000;
  s.risk.max_daily_loss = 100'000'000LL * 10'000;
  s.risk.max_order_quantity = 10'000;
  s.risk.max_order_notional = 100'000'000LL * 10'000;
  s.risk.max_open_orders = 1'000;
  s.risk.price_band_bps = 1'000;
  // The detector keeps this many reject times (8 bytes each): high enough
  // never to trip, small enough not to allocate gigabytes.
  s.kill.reject_storm_count = 100'000;
  s.kill.market_data_stale_ns = 3'600'000'000'000;
  s.order_capacity = 1 << 16;
  s.mark = trading::MarkSource::Mid;
  return s;
}

std::vector<engine::StrategySpec> tick_to_trade_strategies() {
  // Every top-of-book move of a tick or more requotes, at once: as many
  // decisions as the feed allows, each a sample.
  engine::StrategySpec mm;
  mm.name = "mm";
  mm.type = "market_maker";
  for (std::uint32_t i = 0; i < kTraded; ++i) mm.symbols.push_back(core::SymbolId{i});
  mm.market_maker.fair_value = engine::MarketMakerSettings::FairValue::Microprice;
  mm.market_maker.half_spread_ticks = 1;
  mm.market_maker.quote_size = 100;
  mm.market_maker.max_position = 100'000;
  mm.market_maker.skew_ticks = 0;
  mm.market_maker.requote_threshold_ticks = 1;
  mm.market_maker.min_quote_life_ns = 0;
  return {mm};
}

std::vector<engine::StrategySpec> throughput_strategies() {
  // The shipped configuration's parameters (config/system_config.json:
  // mm_core and taker_imbalance), spread over all ten traded instruments.
  engine::StrategySpec mm;
  mm.name = "mm_core";
  mm.type = "market_maker";
  for (std::uint32_t i = 0; i < 6; ++i) mm.symbols.push_back(core::SymbolId{i});
  mm.market_maker.fair_value = engine::MarketMakerSettings::FairValue::Microprice;
  mm.market_maker.half_spread_ticks = 2;
  mm.market_maker.quote_size = 100;
  mm.market_maker.max_position = 1'000;
  mm.market_maker.skew_ticks = 2;
  mm.market_maker.requote_threshold_ticks = 1;
  mm.market_maker.min_quote_life_ns = 500'000;
  engine::StrategySpec lt;
  lt.name = "taker_imbalance";
  lt.type = "liquidity_taker";
  for (std::uint32_t i = 6; i < kTraded; ++i) lt.symbols.push_back(core::SymbolId{i});
  lt.liquidity_taker.levels = 3;
  lt.liquidity_taker.imbalance_threshold_bps = 4'000;
  lt.liquidity_taker.order_size = 100;
  lt.liquidity_taker.max_position = 500;
  lt.liquidity_taker.cooldown_ns = 50'000'000;
  return {mm, lt};
}

md::BookManagerOptions book_options() {
  md::BookManagerOptions o;
  o.order_capacity = 1 << 20;
  o.max_levels_per_side = 1 << 12;
  return o;
}

struct NullAudit final : trading::AuditSink {
  void record(const trading::AuditRecord&) noexcept override {}
};

/// One pipeline against one venue, for one benchmark run.
class Engine {
 public:
  Engine(std::unique_ptr<net::DpdkUdpTransport> line, std::vector<engine::StrategySpec> strategies,
         std::size_t rx_burst, bool stage_timing, int venue_core)
      : line_(std::move(line)), venue_(venue_core) {
    static int runs = 0;
    instance_ = "bench-pipeline-" + std::to_string(::getpid()) + "-" + std::to_string(runs++);
    engine::PipelineOptions po;
    for (const std::string& t : traded_tickers()) po.instruments.push_back({t, core::Price{100}, 1});
    po.trading = trading_settings();
    po.strategies = std::move(strategies);
    po.books = book_options();
    po.fix.host = "127.0.0.1";
    po.fix.port = venue_.port();
    po.fix.reconnect_interval_ms = 50;
    po.session.sender_comp_id = "HFT";
    po.session.target_comp_id = "VENUE";
    po.store.max_messages = 1 << 16;
    po.store.data_bytes = 16 << 20;
    engine::ControlBlockOptions cb;
    cb.instance = instance_;
    cb.dir = Rig::get().dir();
    po.control = cb;
    po.stage_timing = stage_timing;
    po.rx_burst = rx_burst;
    engine::PipelineTransports t;
    auto gate = std::make_unique<GatedLine>(*line_);
    gate_ = gate.get();
    t.line_a = std::move(gate);
    pipeline_ = std::make_unique<engine::Pipeline>(std::move(po), std::move(t), audit_, tsc_calibration());
    reader_ = std::make_unique<engine::ControlBlockReader>(instance_, Rig::get().dir());
  }
  ~Engine() {
    pipeline_.reset();  // before the port its gate reads
    line_.reset();
  }
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Logs on, starts the strategies, then opens line A. False (and `why`)
  /// when the session does not come up within 10 s.
  bool start(std::string& why) {
    pipeline_->start();
    const std::int64_t give_up = wall_ns() + 10'000'000'000;
    while (!(pipeline_->venue_up() && pipeline_->strategies_started())) {
      if (wall_ns() > give_up) {
        why = "the FIX session did not log on: " + pipeline_->initiator().last_error();
        return false;
      }
      poll();
    }
    gate_->open();
    return true;
  }

  void poll() {
    venue_.poll_if_inline();
    pipeline_->poll(wall_ns());
  }

  engine::Pipeline& pipeline() noexcept { return *pipeline_; }
  const engine::ControlBlockReader& reader() const noexcept { return *reader_; }
  const net::DpdkUdpTransport& line() const noexcept { return *line_; }

 private:
  std::unique_ptr<net::DpdkUdpTransport> line_;
  Venue venue_;
  NullAudit audit_;
  std::string instance_;
  GatedLine* gate_{nullptr};
  std::unique_ptr<engine::Pipeline> pipeline_;
  std::unique_ptr<engine::ControlBlockReader> reader_;
};

/// The engine and its venue, logged on and with line A open; nullptr and
/// `why` when any part does not start (the constructors throw on a port in
/// use, a control block held by another engine, bad options).
std::unique_ptr<Engine> start_engine(std::unique_ptr<net::DpdkUdpTransport> line,
                                     std::vector<engine::StrategySpec> strategies, std::size_t rx_burst,
                                     bool stage_timing, std::string& why) {
  std::unique_ptr<Engine> e;
  try {
    e = std::make_unique<Engine>(std::move(line), std::move(strategies), rx_burst, stage_timing,
                                 Rig::get().venue_core());
  } catch (const std::exception& ex) {
    why = ex.what();
    return nullptr;
  }
  if (!e->start(why)) return nullptr;
  return e;
}

/// What a stage histogram gained between two copies. Each bucket's count
/// is recorded at the bucket's upper bound, so percentiles read as from the
/// original (both report a bucket's highest value) and max/mean err high by
/// at most the bucket width (< 0.8 %).
std::unique_ptr<LatencyHistogram> since(const LatencyHistogram& after, const LatencyHistogram& before) {
  auto d = std::make_unique<LatencyHistogram>();
  for (std::size_t i = 0; i < LatencyHistogram::kBucketCount; ++i) {
    const std::uint64_t n = after.buckets()[i] - before.buckets()[i];
    if (n != 0) d->record_n(LatencyHistogram::bucket_upper(i), n);
  }
  const std::uint64_t over = after.overflow_count() - before.overflow_count();
  if (over != 0) d->record_n(LatencyHistogram::kMaxTrackable + 1, over);
  return d;
}

std::vector<std::unique_ptr<LatencyHistogram>> stage_copies(const engine::ControlBlockReader& r) {
  std::vector<std::unique_ptr<LatencyHistogram>> out;
  for (std::size_t s = 0; s < r.stage_names().size(); ++s) {
    out.push_back(std::make_unique<LatencyHistogram>(r.histogram_copy(s)));
  }
  return out;
}

/// Calls `turn()`, which returns the packets line A has delivered so far,
/// until they reach `target`; false when 5 s pass without a new packet (the
/// capture ended short). A pcap device answers every poll until its file
/// ends, so a stall is an error, not a slow producer.
template <typename Turn>
bool run_to(std::uint64_t target, Turn&& turn) {
  const auto guard = static_cast<std::uint64_t>(5e9 / ns_per_tick());
  std::uint64_t seen = turn();
  std::uint64_t progress = Clock::now();
  while (seen < target) {
    const std::uint64_t n = turn();
    const std::uint64_t now = Clock::now();
    if (n != seen) {
      seen = n;
      progress = now;
    } else if (now - progress > guard) {
      return false;
    }
  }
  return true;
}

void put(benchmark::State& state, const std::string& name, double value) {
  state.counters[name] = benchmark::Counter(value);
}

void put(benchmark::State& state, const std::string& name, std::uint64_t value) {
  put(state, name, static_cast<double>(value));
}

std::uint64_t risk_rejects(const trading::TradingCounters& t) {
  std::uint64_t n = 0;
  for (std::size_t r = 1; r < t.rejects.size(); ++r) n += t.rejects[r];
  return n;
}

std::uint64_t book_errors(const md::BookFeedCounters& b) {
  std::uint64_t n = b.decode.unknown_type + b.decode.bad_length + b.decode.bad_field + b.decode.truncated;
  for (std::size_t r = 1; r < md::kBookResultCount; ++r) n += b.book[r];
  return n;
}

/// Every way a packet or message of the capture can fail to reach the
/// books, as counters; returns their sum.
std::uint64_t report_drops(benchmark::State& state, const md::FeedCounters& f, const net::DpdkUdpTransport& line,
                           std::uint64_t expected_messages) {
  const net::TransportCounters& t = line.counters();
  const net::PortStats p = line.port().stats();
  const net::PortDrops& d = line.port().drops();
  std::uint64_t bad_packets = 0;
  for (const md::FeedLineCounters& l : f.lines) bad_packets += l.bad_packets + l.wrong_session;
  const std::uint64_t rx_dropped = t.rx_wrong_protocol + t.rx_wrong_address + t.rx_bad_frame + t.rx_errors +
                                   d.rx_multi_segment + p.rx_missed + p.rx_no_mbuf + p.rx_errors;
  const std::uint64_t undelivered = expected_messages > f.delivered ? expected_messages - f.delivered : 0;
  put(state, "feed_gaps", f.gaps_detected);
  put(state, "feed_messages_lost", f.messages_lost);
  put(state, "feed_buffer_overflows", f.buffer_overflows);
  put(state, "feed_bad_packets", bad_packets);
  put(state, "rx_dropped", rx_dropped);
  put(state, "undelivered", undelivered);
  const std::uint64_t drops = f.messages_lost + f.buffer_overflows + bad_packets + rx_dropped + undelivered;
  put(state, "drops", drops);
  return drops;
}

// ---- tick to trade -------------------------------------------------------------

void BM_PipelineTickToTrade(benchmark::State& state) {
  Rig& rig = Rig::get();
  if (!rig.ok()) {
    state.SkipWithError(rig.error().c_str());
    return;
  }
  std::string why;
  auto line = rig.open_line(Kind::TickToTrade, why);
  if (!line) {
    state.SkipWithError(why.c_str());
    return;
  }
  const Capture& cap = rig.capture(Kind::TickToTrade);
  const auto started = start_engine(std::move(line), tick_to_trade_strategies(), 1, true, why);
  if (!started) {
    state.SkipWithError(why.c_str());
    return;
  }
  Engine& engine = *started;
  engine::Pipeline& p = engine.pipeline();
  std::vector<std::unique_ptr<LatencyHistogram>> before;
  std::uint64_t open_max = 0;
  std::uint64_t warm_messages = 0;
  engine::FixOrderGatewayCounters warm_gateway;
  std::uint64_t warm_reports = 0;
  // Orders per packet, from the tick_to_trade sample count: with one packet
  // per loop turn, the samples a turn adds are the orders its packet caused.
  const std::vector<std::string>& stages = engine.reader().stage_names();
  const auto t2t_index =
      static_cast<std::size_t>(std::find(stages.begin(), stages.end(), "tick_to_trade") - stages.begin());
  if (t2t_index == stages.size()) {
    state.SkipWithError("the control block has no tick_to_trade stage");
    return;
  }
  const engine::layout::AtomicU64& t2t_count = engine.reader().histogram(t2t_index).count;
  const engine::layout::AtomicU64& t2t_sum = engine.reader().histogram(t2t_index).sum;
  auto single = std::make_unique<LatencyHistogram>();  // packets that caused exactly one order
  std::uint64_t samples_seen = 0;
  std::uint64_t sum_seen = 0;
  std::uint64_t packets_with_orders = 0;
  std::uint64_t later_orders = 0;  // second and later orders of a packet
  const auto turn = [&] {
    engine.poll();
    open_max = std::max<std::uint64_t>(open_max, p.open_orders());
    const std::uint64_t n = t2t_count.load(std::memory_order_relaxed);
    if (n != samples_seen) {
      ++packets_with_orders;
      later_orders += n - samples_seen - 1;
      const std::uint64_t sum = t2t_sum.load(std::memory_order_relaxed);
      // One order: the sum moved by exactly its latency.
      if (n - samples_seen == 1) single->record(sum - sum_seen);
      samples_seen = n;
      sum_seen = sum;
    }
    return p.counters().packets;
  };
  for (auto _ : state) {
    // Warm-up: books fill to depth, caches and branch predictors settle.
    if (!run_to(cap.warm_packets, turn)) {
      state.SkipWithError("the capture ended early");
      break;
    }
    before = stage_copies(engine.reader());
    packets_with_orders = 0;
    later_orders = 0;
    single->reset();
    warm_messages = p.feed().counters().delivered;
    warm_gateway = p.gateway().counters();
    warm_reports = p.translator().counters().execution_reports;
    open_max = 0;
    const std::uint64_t t0 = Clock::now();
    if (!run_to(cap.packets, turn)) state.SkipWithError("the capture ended early");
    state.SetIterationTime(static_cast<double>(Clock::now() - t0) * ns_per_tick() * 1e-9);
  }
  if (before.empty()) return;
  const auto after = stage_copies(engine.reader());
  const std::vector<std::string>& names = engine.reader().stage_names();
  for (std::size_t s = 0; s < names.size() && s < before.size(); ++s) {
    const auto d = since(*after[s], *before[s]);
    put(state, names[s] + "_p50_ns", d->percentile(50.0));
    put(state, names[s] + "_p99_ns", d->percentile(99.0));
    put(state, names[s] + "_p999_ns", d->percentile(99.9));
    put(state, names[s] + "_samples", d->count());
    if (names[s] == "tick_to_trade") report_ns(state, *d);
  }
  // What the measured part did (warm-up excluded), then the run's totals.
  const engine::FixOrderGatewayCounters& g = p.gateway().counters();
  put(state, "packets", cap.packets - cap.warm_packets);
  put(state, "messages", p.feed().counters().delivered - warm_messages);
  put(state, "new_orders", g.new_orders - warm_gateway.new_orders);
  put(state, "replaces", g.replaces - warm_gateway.replaces);
  put(state, "cancels", g.cancels - warm_gateway.cancels);
  put(state, "exec_reports", p.translator().counters().execution_reports - warm_reports);
  put(state, "not_sent", g.not_sent);
  put(state, "venue_rejects", p.counters().venue_rejects);
  put(state, "risk_rejects", risk_rejects(p.core().counters()));
  put(state, "open_orders_max", open_max);
  put(state, "packets_with_orders", packets_with_orders);
  // Each of these waited for the kernel send of the order before it.
  put(state, "later_orders_of_a_packet", later_orders);
  // Tick-to-trade of packets that caused one order: the engine's path
  // without another order's kernel send in front.
  put(state, "single_order_p50_ns", single->percentile(50.0));
  put(state, "single_order_p99_ns", single->percentile(99.0));
  put(state, "single_order_p999_ns", single->percentile(99.9));
  put(state, "single_order_samples", single->count());
  put(state, "book_errors", book_errors(p.books().counters()));
  if (report_drops(state, p.feed().counters(), engine.line(), cap.messages) != 0 && !state.error_occurred()) {
    state.SkipWithError("market data was dropped (see the drop counters)");
  }
}
BENCHMARK(BM_PipelineTickToTrade)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// ---- sustained throughput --------------------------------------------------------

void report_rate(benchmark::State& state, std::uint64_t messages, std::uint64_t ticks) {
  const double seconds = static_cast<double>(ticks) * ns_per_tick() * 1e-9;
  state.SetIterationTime(seconds);
  put(state, "msg_per_s", seconds > 0 ? static_cast<double>(messages) / seconds : 0.0);
  put(state, "ns_per_msg", messages > 0 ? seconds * 1e9 / static_cast<double>(messages) : 0.0);
  put(state, "messages", messages);
}

void run_throughput(benchmark::State& state, Kind kind, bool stage_timing) {
  Rig& rig = Rig::get();
  if (!rig.ok()) {
    state.SkipWithError(rig.error().c_str());
    return;
  }
  std::string why;
  auto line = rig.open_line(kind, why);
  if (!line) {
    state.SkipWithError(why.c_str());
    return;
  }
  const Capture& cap = rig.capture(kind);
  const auto started = start_engine(std::move(line), throughput_strategies(), 32, stage_timing, why);
  if (!started) {
    state.SkipWithError(why.c_str());
    return;
  }
  Engine& engine = *started;
  engine::Pipeline& p = engine.pipeline();
  std::uint64_t messages = 0;
  std::uint64_t ticks = 0;
  std::uint64_t orders_before = 0;
  const auto turn = [&] {
    engine.poll();
    return p.counters().packets;
  };
  for (auto _ : state) {
    if (!run_to(cap.warm_packets, turn)) {
      state.SkipWithError("the capture ended early");
      break;
    }
    const std::uint64_t warm_messages = p.feed().counters().delivered;
    const auto& g0 = p.gateway().counters();
    orders_before = g0.new_orders + g0.replaces + g0.cancels;
    const std::uint64_t t0 = Clock::now();
    if (!run_to(cap.packets, turn)) state.SkipWithError("the capture ended early");
    ticks = Clock::now() - t0;
    messages = p.feed().counters().delivered - warm_messages;
  }
  report_rate(state, messages, ticks);
  const engine::FixOrderGatewayCounters& g = p.gateway().counters();
  put(state, "orders_out", g.new_orders + g.replaces + g.cancels - orders_before);
  put(state, "book_updates_to_strategies", p.host().counters().book_updates);
  put(state, "exec_reports", p.translator().counters().execution_reports);
  put(state, "risk_rejects", risk_rejects(p.core().counters()));
  put(state, "venue_rejects", p.counters().venue_rejects);
  put(state, "not_sent", g.not_sent);
  put(state, "open_orders_end", p.open_orders());
  put(state, "book_errors", book_errors(p.books().counters()));
  if (report_drops(state, p.feed().counters(), engine.line(), cap.messages) != 0 && !state.error_occurred()) {
    state.SkipWithError("market data was dropped (see the drop counters)");
  }
}

// The engine as the daemon runs it: stage timing on.
void BM_PipelineThroughput(benchmark::State& state) { run_throughput(state, Kind::Throughput, true); }
BENCHMARK(BM_PipelineThroughput)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// The same without the StageClock marks (one TSC read per market data
// message, more per order): what per-stage telemetry costs in throughput.
void BM_PipelineThroughputNoStageTiming(benchmark::State& state) {
  run_throughput(state, Kind::ThroughputNoStages, false);
}
BENCHMARK(BM_PipelineThroughputNoStageTiming)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

// ---- baseline: feed handler and books alone, same capture, same transport --------

struct BooksOnly final : md::MessageSink {
  explicit BooksOnly(md::BookManager& b) : books(b) {}
  void on_message(std::uint64_t, const std::uint8_t* data, std::size_t size, std::uint64_t) noexcept override {
    books.apply(data, size);
  }
  void on_gap_unrecoverable(std::uint64_t, std::uint64_t) noexcept override {}
  void on_stale(bool) noexcept override {}
  void on_end_of_session() noexcept override {}
  md::BookManager& books;
};

struct NoRetransmission final : md::RetransmitRequester {
  void request(const mold::Request&) noexcept override { ++requests; }
  std::uint64_t requests{0};
};

void BM_PipelineFeedBooksBaseline(benchmark::State& state) {
  Rig& rig = Rig::get();
  if (!rig.ok()) {
    state.SkipWithError(rig.error().c_str());
    return;
  }
  std::string why;
  auto line = rig.open_line(Kind::FeedBooks, why);
  if (!line) {
    state.SkipWithError(why.c_str());
    return;
  }
  const Capture& cap = rig.capture(Kind::FeedBooks);
  auto books = std::make_unique<md::BookManager>(book_options());
  BooksOnly sink(*books);
  NoRetransmission requester;
  auto feed = std::make_unique<md::FeedHandler>(md::FeedHandlerOptions{}, sink, requester);
  std::array<net::RxDatagram, 32> rx{};
  std::uint64_t packets = 0;
  // The pipeline's receive loop without the rest of the pipeline: one TSC
  // read per burst, every packet to the feed handler, its timer per turn.
  const auto turn = [&] {
    const std::size_t n = line->rx_burst(rx.data(), rx.size());
    const std::uint64_t tsc = Clock::now();
    for (std::size_t i = 0; i < n; ++i) feed->on_packet(md::kFeedLineA, rx[i].payload, rx[i].size, tsc);
    feed->on_timer(tsc);
    packets += n;
    return packets;
  };
  std::uint64_t messages = 0;
  std::uint64_t ticks = 0;
  for (auto _ : state) {
    if (!run_to(cap.warm_packets, turn)) {
      state.SkipWithError("the capture ended early");
      break;
    }
    const std::uint64_t warm_messages = feed->counters().delivered;
    const std::uint64_t t0 = Clock::now();
    if (!run_to(cap.packets, turn)) state.SkipWithError("the capture ended early");
    ticks = Clock::now() - t0;
    messages = feed->counters().delivered - warm_messages;
  }
  report_rate(state, messages, ticks);
  put(state, "book_errors", book_errors(books->counters()));
  if (report_drops(state, feed->counters(), *line, cap.messages) != 0 && !state.error_occurred()) {
    state.SkipWithError("market data was dropped (see the drop counters)");
  }
}
BENCHMARK(BM_PipelineFeedBooksBaseline)->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hft::bench
