// ITCH 5.0 decoding on a feed-like message mix: throughput over a whole
// length-prefixed stream (decode only: every field of every message is
// materialised, nothing is applied to a book), per-message decode latency,
// the same stream as MoldUDP64 packets, and encoding for the venue side.
// The baseline is the framing walk alone (length prefixes and type bytes),
// so the ratio shows what field decoding adds on top of touching the bytes.
//
// The stream is generated once, at setup, from a seeded RNG and encoded with
// our encoder:
//  - 4000 locates, activity skewed (half the messages on the 100 busiest);
//  - mix: add 47 %, attributed add 3 %, delete 20 %, cancel 5 %, executed
//    8 %, executed with price 2 %, replace 10 %, trade 2 %, NOII 1.5 %, and
//    the rest cross trades, trading actions, Reg SHO, RPII, system events;
//  - deletes, cancels, executions and replaces name live orders; prices sit
//    around a per-symbol mid, timestamps increase through the day.

#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/core/clock.h"
#include "hft/core/latency_histogram.h"
#include "hft/protocol/itch.h"
#include "hft/protocol/moldudp64.h"

#include "support/batch_timer.h"
#include "support/latency_report.h"

namespace hft::bench {
namespace {

namespace itch = protocol::itch;
namespace mold = protocol::mold;
using core::LatencyHistogram;
using core::Price;
using core::Side;

constexpr std::size_t kMessages = 1 << 16;  // ~2.2 MB of stream: L2/L3-resident, like a hot receive ring
constexpr std::size_t kMask = kMessages - 1;
constexpr std::uint16_t kLocates = 4000;
constexpr std::uint16_t kHotLocates = 100;

struct Feed {
  std::vector<std::uint8_t> stream;           // length-prefixed messages
  std::vector<std::uint32_t> offsets;         // start of each message (after its prefix)
  std::vector<std::uint8_t> sizes;            // each message's length
  std::vector<std::uint8_t> packets;          // the same messages as MoldUDP64 packets, back to back
  std::vector<std::uint32_t> packet_offsets;  // start of each packet; one extra at the end
};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {
    mids_.resize(kLocates + 1);
    std::uniform_int_distribution<std::int64_t> mid(5, 500);
    for (auto& m : mids_) m = mid(rng_) * Price::kScale;
    live_.reserve(1 << 16);
  }

  // Appends one message of the mix to `out`.
  void next(std::vector<std::uint8_t>& out) {
    ts_ += 1 + rng_() % 2000;  // ~1 µs apart on average
    const int r = static_cast<int>(rng_() % 1000);
    if (live_.size() < 1000 || r < 470) return add(out, false);
    if (r < 500) return add(out, true);
    if (r < 700) {
      itch::OrderDelete m = header<itch::OrderDelete>(live_locate());
      m.ref = take_live();
      return put(out, m);
    }
    if (r < 750) {
      itch::OrderCancel m = header<itch::OrderCancel>(live_locate());
      m.ref = pick_live();
      m.cancelled_shares = 1 + static_cast<std::uint32_t>(rng_() % 100);
      return put(out, m);
    }
    if (r < 830) {
      itch::OrderExecuted m = header<itch::OrderExecuted>(live_locate());
      m.ref = pick_live();
      m.executed_shares = 1 + static_cast<std::uint32_t>(rng_() % 300);
      m.match_number = ++match_;
      return put(out, m);
    }
    if (r < 850) {
      const std::uint16_t loc = live_locate();
      itch::OrderExecutedWithPrice m = header<itch::OrderExecutedWithPrice>(loc);
      m.ref = pick_live();
      m.executed_shares = 1 + static_cast<std::uint32_t>(rng_() % 300);
      m.match_number = ++match_;
      m.printable = rng_() % 4 == 0 ? 'N' : 'Y';
      m.execution_price = price(loc);
      return put(out, m);
    }
    if (r < 950) {
      const std::uint16_t loc = live_locate();
      itch::OrderReplace m = header<itch::OrderReplace>(loc);
      m.original_ref = take_live();
      m.new_ref = ++ref_;
      live_.push_back(m.new_ref);
      locate_of_.resize(ref_ + 1);
      locate_of_[m.new_ref] = loc;
      m.shares = lot();
      m.price = price(loc);
      return put(out, m);
    }
    const std::uint16_t loc = locate();
    if (r < 970) {
      itch::Trade m = header<itch::Trade>(loc);
      m.side = Side::Buy;
      m.shares = lot();
      m.stock = symbol(loc);
      m.price = price(loc);
      m.match_number = ++match_;
      return put(out, m);
    }
    if (r < 985) {
      itch::Noii m = header<itch::Noii>(loc);
      m.paired_shares = rng_() % 1'000'000;
      m.imbalance_shares = rng_() % 100'000;
      m.imbalance_direction = "BSNO"[rng_() % 4];
      m.stock = symbol(loc);
      m.far_price = price(loc);
      m.near_price = price(loc);
      m.current_reference_price = price(loc);
      m.cross_type = 'C';
      m.price_variation_indicator = 'L';
      return put(out, m);
    }
    if (r < 990) {
      itch::CrossTrade m = header<itch::CrossTrade>(loc);
      m.shares = rng_() % 5'000'000;
      m.stock = symbol(loc);
      m.cross_price = price(loc);
      m.match_number = ++match_;
      m.cross_type = 'O';
      return put(out, m);
    }
    if (r < 994) {
      itch::StockTradingAction m = header<itch::StockTradingAction>(loc);
      m.stock = symbol(loc);
      m.trading_state = 'T';
      m.reason = itch::make_alpha<4>("");
      return put(out, m);
    }
    if (r < 997) {
      itch::RegShoRestriction m = header<itch::RegShoRestriction>(loc);
      m.stock = symbol(loc);
      m.reg_sho_action = '1';
      return put(out, m);
    }
    if (r < 999) {
      itch::Rpii m = header<itch::Rpii>(loc);
      m.stock = symbol(loc);
      m.interest_flag = 'A';
      return put(out, m);
    }
    itch::SystemEvent m = header<itch::SystemEvent>(0);
    m.event_code = 'Q';
    return put(out, m);
  }

 private:
  template <typename M>
  M header(std::uint16_t loc) {
    M m{};
    m.locate = loc;
    m.tracking = static_cast<std::uint16_t>(rng_());
    m.timestamp_ns = ts_;
    return m;
  }
  template <typename M>
  void put(std::vector<std::uint8_t>& out, const M& m) {
    const std::size_t at = out.size();
    out.resize(at + M::kSize + 2);
    if (itch::encode_prefixed(m, out.data() + at, M::kSize + 2) == 0) std::abort();
  }
  void add(std::vector<std::uint8_t>& out, bool attributed) {
    const std::uint16_t loc = locate();
    const std::uint64_t ref = ++ref_;
    live_.push_back(ref);
    locate_of_.resize(ref_ + 1);
    locate_of_[ref] = loc;
    const Side side = rng_() % 2 == 0 ? Side::Buy : Side::Sell;
    if (attributed) {
      itch::AddOrderMpid m = header<itch::AddOrderMpid>(loc);
      m.ref = ref;
      m.side = side;
      m.shares = lot();
      m.stock = symbol(loc);
      m.price = price(loc);
      m.attribution = itch::make_alpha<4>("MMKR");
      put(out, m);
    } else {
      itch::AddOrder m = header<itch::AddOrder>(loc);
      m.ref = ref;
      m.side = side;
      m.shares = lot();
      m.stock = symbol(loc);
      m.price = price(loc);
      put(out, m);
    }
  }
  std::uint16_t locate() {
    // Half the flow on the busiest 100 names, the rest spread over all.
    if (rng_() % 2 == 0) return static_cast<std::uint16_t>(1 + rng_() % kHotLocates);
    return static_cast<std::uint16_t>(1 + rng_() % kLocates);
  }
  // The locate of the order the next pick/take will name: remembered so the
  // message carries its order's locate, as on the real feed.
  std::uint16_t live_locate() {
    pick_ = static_cast<std::size_t>(rng_() % live_.size());
    return locate_of_[live_[pick_]];
  }
  std::uint64_t pick_live() { return live_[pick_]; }
  std::uint64_t take_live() {
    const std::uint64_t ref = live_[pick_];
    live_[pick_] = live_.back();
    live_.pop_back();
    return ref;
  }
  std::uint32_t lot() { return 100 * (1 + static_cast<std::uint32_t>(rng_() % 10)); }
  Price price(std::uint16_t loc) {
    const std::int64_t ticks = static_cast<std::int64_t>(rng_() % 101) - 50;
    return Price::from_raw(mids_[loc] + ticks * 100);  // $0.01 ticks
  }
  static itch::Stock symbol(std::uint16_t loc) {
    itch::Stock s = itch::make_stock("");
    for (int i = 0; i < 4; ++i) {
      s[static_cast<std::size_t>(i)] = static_cast<char>('A' + (loc >> (i * 3)) % 26);
    }
    return s;
  }

  std::mt19937_64 rng_;
  std::vector<std::int64_t> mids_;
  std::vector<std::uint64_t> live_;
  std::vector<std::uint16_t> locate_of_;
  std::size_t pick_{0};
  std::uint64_t ref_{0};
  std::uint64_t match_{0};
  std::uint64_t ts_{34'200'000'000'000ULL};  // 09:30
};

const Feed& feed() {
  static const Feed f = [] {
    Feed out;
    Generator gen(20240501);
    for (std::size_t i = 0; i < kMessages; ++i) gen.next(out.stream);
    out.offsets.reserve(kMessages);
    for (std::size_t off = 0; off < out.stream.size();) {
      const std::size_t len = protocol::load_be16(out.stream.data() + off);
      out.offsets.push_back(static_cast<std::uint32_t>(off + 2));
      out.sizes.push_back(static_cast<std::uint8_t>(len));
      off += 2 + len;
    }
    // Pack the same messages into MTU-sized MoldUDP64 packets.
    std::array<std::uint8_t, mold::kDefaultMaxPacketSize> buf{};
    mold::PacketBuilder b(buf.data(), buf.size());
    std::uint64_t seq = 1;
    b.start(mold::make_session("20240501"), seq);
    auto flush = [&] {
      const std::size_t n = b.finish();
      out.packet_offsets.push_back(static_cast<std::uint32_t>(out.packets.size()));
      out.packets.insert(out.packets.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      seq = b.next_sequence();
      b.start(mold::make_session("20240501"), seq);
    };
    for (std::size_t i = 0; i < out.offsets.size(); ++i) {
      if (!b.add(out.stream.data() + out.offsets[i], out.sizes[i])) {
        flush();
        b.add(out.stream.data() + out.offsets[i], out.sizes[i]);
      }
    }
    if (!b.empty()) flush();
    out.packet_offsets.push_back(static_cast<std::uint32_t>(out.packets.size()));
    return out;
  }();
  return f;
}

// Materialises every decoded message (all fields stored), the most a
// consumer can ask of the decoder; a book handler reads fewer fields.
struct SinkHandler {
  template <typename M>
  void on(const M& m) noexcept {
    benchmark::DoNotOptimize(m);
  }
};

void report_throughput(benchmark::State& state, double messages) {
  state.counters["msg_per_s"] = benchmark::Counter(messages, benchmark::Counter::kIsRate);
  state.counters["ns_per_msg"] =
      benchmark::Counter(messages, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetItemsProcessed(static_cast<std::int64_t>(messages));
}

void BM_ItchDecodeStream(benchmark::State& state) {
  const Feed& f = feed();
  SinkHandler h;
  itch::DecodeCounters c;
  for (auto _ : state) {
    itch::decode_stream(f.stream.data(), f.stream.size(), h, c);
  }
  if (c.errors() != 0) state.SkipWithError("the generated stream did not decode cleanly");
  report_throughput(state, static_cast<double>(c.messages));
  state.counters["bytes_per_msg"] = static_cast<double>(f.stream.size()) / static_cast<double>(kMessages);
}
BENCHMARK(BM_ItchDecodeStream);

// Baseline: the same walk over length prefixes, reading only the type byte.
void BM_ItchFramingBaseline(benchmark::State& state) {
  const Feed& f = feed();
  std::uint64_t messages = 0;
  std::uint64_t sum = 0;
  for (auto _ : state) {
    const std::uint8_t* p = f.stream.data();
    const std::size_t n = f.stream.size();
    for (std::size_t off = 0; n - off >= 2;) {
      const std::size_t len = protocol::load_be16(p + off);
      if (len > n - off - 2) break;
      sum += p[off + 2];
      ++messages;
      off += 2 + len;
    }
    benchmark::DoNotOptimize(sum);
  }
  report_throughput(state, static_cast<double>(messages));
}
BENCHMARK(BM_ItchFramingBaseline);

// Per message, timed in batches of kBatch consecutive messages of the mix.
void BM_ItchDecodeLatency(benchmark::State& state) {
  const Feed& f = feed();
  SinkHandler h;
  std::uint64_t bad = 0;
  auto ticks = std::make_unique<LatencyHistogram>();
  time_batches(state, *ticks, [&](std::size_t i) {
    const std::size_t k = i & kMask;
    bad += itch::decode(f.stream.data() + f.offsets[k], f.sizes[k], h) != itch::DecodeResult::Ok ? 1u : 0u;
  });
  if (bad != 0) state.SkipWithError("a message did not decode");
  report_ticks(state, *ticks, kBatch);
}
BENCHMARK(BM_ItchDecodeLatency);

// UDP payloads in: MoldUDP64 header and block validation, then ITCH decode.
void BM_MoldItchPacketDecode(benchmark::State& state) {
  const Feed& f = feed();
  SinkHandler h;
  itch::DecodeCounters c;
  std::uint64_t bad_packets = 0;
  const std::size_t packets = f.packet_offsets.size() - 1;
  for (auto _ : state) {
    for (std::size_t i = 0; i < packets; ++i) {
      const std::uint8_t* p = f.packets.data() + f.packet_offsets[i];
      const mold::PacketView v = mold::decode_packet(p, f.packet_offsets[i + 1] - f.packet_offsets[i]);
      bad_packets += v.ok() ? 0u : 1u;
      itch::decode_stream(v.block_bytes(), h, c);
    }
  }
  if (bad_packets != 0 || c.errors() != 0) state.SkipWithError("the packets did not decode cleanly");
  report_throughput(state, static_cast<double>(c.messages));
  state.counters["msgs_per_packet"] = static_cast<double>(kMessages) / static_cast<double>(packets);
}
BENCHMARK(BM_MoldItchPacketDecode);

// The venue side: encoding the busiest message into a packet buffer.
void BM_ItchEncodeAddOrder(benchmark::State& state) {
  std::vector<itch::AddOrder> orders(4096);
  std::mt19937_64 rng(5);
  for (std::size_t i = 0; i < orders.size(); ++i) {
    itch::AddOrder& m = orders[i];
    m.locate = static_cast<std::uint16_t>(1 + rng() % kLocates);
    m.tracking = static_cast<std::uint16_t>(rng());
    m.timestamp_ns = 34'200'000'000'000ULL + i * 1000;
    m.ref = i + 1;
    m.side = rng() % 2 == 0 ? Side::Buy : Side::Sell;
    m.shares = 100 * (1 + static_cast<std::uint32_t>(rng() % 10));
    m.stock = itch::make_stock("ABCD");
    m.price = Price::from_raw(static_cast<std::int64_t>(1'000'000 + rng() % 10'000));
  }
  std::array<std::uint8_t, 64 * itch::AddOrder::kSize> out{};
  std::uint64_t bytes = 0;
  auto ticks = std::make_unique<LatencyHistogram>();
  time_batches(state, *ticks, [&](std::size_t i) {
    bytes += itch::encode(orders[i & 4095], out.data() + (i & 63) * itch::AddOrder::kSize, itch::AddOrder::kSize);
  });
  benchmark::DoNotOptimize(out.data());
  benchmark::DoNotOptimize(bytes);
  report_ticks(state, *ticks, kBatch);
}
BENCHMARK(BM_ItchEncodeAddOrder);

}  // namespace
}  // namespace hft::bench
