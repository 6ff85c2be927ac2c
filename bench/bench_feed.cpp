// The MoldUDP64 feed handler: messages per second through sequencing and A/B
// arbitration, against a baseline that only walks the same packets with
// mold::decode_packet (header, block validation, one byte of each message
// read) in the same run — the ratio is what sequencing costs on top of
// touching the packets.
//
// The feed is generated once, at setup, from a seeded RNG: ITCH 5.0 order
// messages (add 50 %, delete 25 %, executed 10 %, replace 10 %, cancel 5 %;
// ~31 bytes on average) encoded with our encoder and packed into MTU-sized
// (1400-byte) MoldUDP64 packets, ~43 messages a packet, as a busy feed sends
// them. Each pass rewrites the packets' sequence numbers (one 8-byte store a
// packet, in the baseline too) so the handler sees one long session.
//
// Cases:
//  - one line, packets in order (the fast path);
//  - A/B: each packet twice, A then B (the second copy is dropped);
//  - A/B with loss: A loses 1 % of its packets and B runs one packet behind
//    A, so every loss opens a gap that B fills from the buffer path.

#include <array>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/market_data/feed_handler.h"
#include "hft/protocol/itch.h"
#include "hft/protocol/moldudp64.h"

namespace hft::bench {
namespace {

namespace itch = protocol::itch;
namespace mold = protocol::mold;
using market_data::FeedHandler;
using market_data::FeedHandlerOptions;

constexpr std::size_t kMessages = 1 << 16;
const mold::Session kSession = mold::make_session("BENCH00001");

struct Feed {
  std::vector<std::uint8_t> packets;           // back to back
  std::vector<std::uint32_t> offsets;          // start of each packet; one extra at the end
  std::vector<std::uint64_t> first_sequences;  // of each packet, for the first pass
  std::uint64_t messages{0};
};

template <typename M>
M header(std::mt19937_64& rng, std::uint64_t ts) {
  M m{};
  m.locate = static_cast<std::uint16_t>(1 + rng() % 4000);
  m.tracking = static_cast<std::uint16_t>(rng());
  m.timestamp_ns = ts;
  return m;
}

// Encodes the next message of the mix into the builder; false if it did not fit.
bool add_message(mold::PacketBuilder& b, std::mt19937_64& rng, std::uint64_t& ref, std::uint64_t ts) {
  const auto price = core::Price::from_raw(static_cast<std::int64_t>(1'000'000 + rng() % 10'000));
  const std::uint32_t r = static_cast<std::uint32_t>(rng() % 100);
  auto put = [&](const auto& m) {
    return b.emplace([&](std::uint8_t* out, std::size_t cap) { return itch::encode(m, out, cap); });
  };
  const std::uint64_t old = ref > 1000 ? ref - rng() % 1000 : 1;
  if (r < 50) {
    auto m = header<itch::AddOrder>(rng, ts);
    m.ref = ++ref;
    m.side = r % 2 == 0 ? core::Side::Buy : core::Side::Sell;
    m.shares = 100;
    m.stock = itch::make_stock("ABCD");
    m.price = price;
    return put(m);
  }
  if (r < 75) {
    auto m = header<itch::OrderDelete>(rng, ts);
    m.ref = old;
    return put(m);
  }
  if (r < 85) {
    auto m = header<itch::OrderExecuted>(rng, ts);
    m.ref = old;
    m.executed_shares = 100;
    m.match_number = ref;
    return put(m);
  }
  if (r < 95) {
    auto m = header<itch::OrderReplace>(rng, ts);
    m.original_ref = old;
    m.new_ref = ++ref;
    m.shares = 200;
    m.price = price;
    return put(m);
  }
  auto m = header<itch::OrderCancel>(rng, ts);
  m.ref = old;
  m.cancelled_shares = 50;
  return put(m);
}

const Feed& feed() {
  static const Feed f = [] {
    Feed out;
    std::mt19937_64 rng(20240502);
    std::array<std::uint8_t, mold::kDefaultMaxPacketSize> buf{};
    mold::PacketBuilder b(buf.data(), buf.size());
    std::uint64_t seq = 1;
    std::uint64_t ref = 0;
    std::uint64_t ts = 34'200'000'000'000ULL;
    while (out.messages < kMessages) {
      b.start(kSession, seq);
      // Fill the packet; the message that did not fit is dropped, not
      // carried over (the content is synthetic, only sizes matter).
      while (out.messages + b.count() < kMessages && add_message(b, rng, ref, ts += 500)) {
      }
      const std::size_t n = b.finish();
      out.offsets.push_back(static_cast<std::uint32_t>(out.packets.size()));
      out.first_sequences.push_back(seq);
      out.packets.insert(out.packets.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      out.messages += b.count();
      seq = b.next_sequence();
    }
    out.offsets.push_back(static_cast<std::uint32_t>(out.packets.size()));
    return out;
  }();
  return f;
}

// A private copy of the packets whose sequence numbers move on each pass.
class Packets {
 public:
  Packets() : f_(feed()), bytes_(f_.packets) {}
  std::size_t count() const noexcept { return f_.offsets.size() - 1; }
  std::uint64_t messages() const noexcept { return f_.messages; }
  // Sequence numbers for pass `pass` (0-based): the session continues.
  void renumber(std::uint64_t pass) noexcept {
    for (std::size_t i = 0; i < count(); ++i) {
      protocol::store_be64(bytes_.data() + f_.offsets[i] + mold::kSessionSize,
                           f_.first_sequences[i] + pass * f_.messages);
    }
  }
  const std::uint8_t* data(std::size_t i) const noexcept { return bytes_.data() + f_.offsets[i]; }
  std::size_t size(std::size_t i) const noexcept { return f_.offsets[i + 1] - f_.offsets[i]; }

 private:
  const Feed& f_;
  std::vector<std::uint8_t> bytes_;
};

// What a book manager does at least: reads the type byte.
class Sink final : public market_data::MessageSink {
 public:
  void on_message(std::uint64_t, const std::uint8_t* data, std::size_t, std::uint64_t) noexcept override {
    sum += data[0];
    ++messages;
  }
  void on_gap_unrecoverable(std::uint64_t, std::uint64_t count) noexcept override { lost += count; }
  void on_stale(bool) noexcept override {}
  void on_end_of_session() noexcept override {}
  std::uint64_t sum{0};
  std::uint64_t messages{0};
  std::uint64_t lost{0};
};

class Requester final : public market_data::RetransmitRequester {
 public:
  void request(const mold::Request&) noexcept override { ++requests; }
  std::uint64_t requests{0};
};

void report(benchmark::State& state, double messages, const Packets& p) {
  state.counters["msg_per_s"] = benchmark::Counter(messages, benchmark::Counter::kIsRate);
  state.counters["ns_per_msg"] =
      benchmark::Counter(messages, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["msgs_per_packet"] = static_cast<double>(p.messages()) / static_cast<double>(p.count());
  state.SetItemsProcessed(static_cast<std::int64_t>(messages));
}

// Baseline: decode every packet and read each message's type byte.
void BM_FeedDecodeBaseline(benchmark::State& state) {
  Packets p;
  std::uint64_t messages = 0;
  std::uint64_t sum = 0;
  std::uint64_t pass = 0;
  for (auto _ : state) {
    p.renumber(pass++);
    for (std::size_t i = 0; i < p.count(); ++i) {
      const mold::PacketView v = mold::decode_packet(p.data(i), p.size(i));
      for (const mold::MessageBlock m : v) sum += m.data[0];
      messages += v.valid_count;
    }
    benchmark::DoNotOptimize(sum);
  }
  report(state, static_cast<double>(messages), p);
}
BENCHMARK(BM_FeedDecodeBaseline);

FeedHandlerOptions options() {
  FeedHandlerOptions o;
  o.buffer_messages = 1 << 16;
  o.buffer_bytes = 4 << 20;
  return o;
}

// One line, in order: the fast path.
void BM_FeedHandlerInOrder(benchmark::State& state) {
  Packets p;
  Sink sink;
  Requester req;
  FeedHandler h(options(), sink, req);
  std::uint64_t pass = 0;
  std::uint64_t tsc = 0;
  for (auto _ : state) {
    p.renumber(pass++);
    for (std::size_t i = 0; i < p.count(); ++i) h.on_packet(market_data::kFeedLineA, p.data(i), p.size(i), ++tsc);
    benchmark::DoNotOptimize(sink.sum);
  }
  if (sink.messages != pass * p.messages() || h.counters().gaps_detected != 0) {
    state.SkipWithError("the handler did not deliver every message in order");
  }
  report(state, static_cast<double>(sink.messages), p);
}
BENCHMARK(BM_FeedHandlerInOrder);

// A/B: every packet twice; messages counted once.
void BM_FeedHandlerABDuplicates(benchmark::State& state) {
  Packets p;
  Sink sink;
  Requester req;
  FeedHandler h(options(), sink, req);
  std::uint64_t pass = 0;
  std::uint64_t tsc = 0;
  for (auto _ : state) {
    p.renumber(pass++);
    for (std::size_t i = 0; i < p.count(); ++i) {
      h.on_packet(market_data::kFeedLineA, p.data(i), p.size(i), ++tsc);
      h.on_packet(market_data::kFeedLineB, p.data(i), p.size(i), ++tsc);
    }
    benchmark::DoNotOptimize(sink.sum);
  }
  if (sink.messages != pass * p.messages() || h.counters().lines[1].duplicates != sink.messages) {
    state.SkipWithError("A/B arbitration did not drop exactly the B copies");
  }
  report(state, static_cast<double>(sink.messages), p);
}
BENCHMARK(BM_FeedHandlerABDuplicates);

// A/B with 1 % loss on A and B one packet behind: each loss is a gap that
// the buffer holds until B's copy arrives.
void BM_FeedHandlerABWithLoss(benchmark::State& state) {
  Packets p;
  Sink sink;
  Requester req;
  FeedHandler h(options(), sink, req);
  std::vector<bool> lost(p.count());
  std::mt19937_64 rng(7);
  for (std::size_t i = 0; i < lost.size(); ++i) lost[i] = rng() % 100 == 0;
  std::uint64_t pass = 0;
  std::uint64_t tsc = 0;
  for (auto _ : state) {
    p.renumber(pass++);
    for (std::size_t i = 0; i < p.count(); ++i) {
      if (!lost[i]) h.on_packet(market_data::kFeedLineA, p.data(i), p.size(i), ++tsc);
      if (i > 0) h.on_packet(market_data::kFeedLineB, p.data(i - 1), p.size(i - 1), ++tsc);
    }
    const std::size_t last = p.count() - 1;
    h.on_packet(market_data::kFeedLineB, p.data(last), p.size(last), ++tsc);
    benchmark::DoNotOptimize(sink.sum);
  }
  if (sink.messages != pass * p.messages() || sink.lost != 0 || h.counters().gaps_filled_by_lines == 0) {
    state.SkipWithError("line B did not fill every gap of line A");
  }
  state.counters["gaps_per_pass"] =
      static_cast<double>(h.counters().gaps_detected) / static_cast<double>(pass == 0 ? 1 : pass);
  report(state, static_cast<double>(sink.messages), p);
}
BENCHMARK(BM_FeedHandlerABWithLoss);

}  // namespace
}  // namespace hft::bench
