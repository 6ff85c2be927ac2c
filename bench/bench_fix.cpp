// FIX 4.4 tag=value, per message, each call timed on its own: parse of a
// NewOrderSingle and an ExecutionReport (framing with BodyLength and CheckSum
// checks, field index, typed view), and encode of both.
//
// Inputs are a few thousand pre-encoded messages shaped like real order
// flow: full header, Account, a two-party Parties group, varied ids,
// symbols, sides, quantities, prices and sequence numbers, so neither the
// branch predictor nor the length of any value is constant.

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/core/latency_histogram.h"
#include "hft/protocol/fix.h"

#include "support/batch_timer.h"
#include "support/latency_report.h"

namespace hft::bench {
namespace {

using core::LatencyHistogram;
namespace fix = protocol::fix;

constexpr std::size_t kInputs = 1 << 12;
constexpr std::size_t kMask = kInputs - 1;
constexpr std::int64_t kT0 = 1'709'642'096'789'000'000;  // 2024-03-05 12:34:56.789

// Owns the text every view points into.
struct Inputs {
  std::vector<std::string> ids, exec_ids, symbols, times;
  std::vector<fix::NewOrderSingle> orders;
  std::vector<fix::ExecutionReport> reports;

  Inputs() {
    std::mt19937_64 rng(7);
    const char* const names[] = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BRK.B", "JPM", "V"};
    ids.reserve(kInputs);
    exec_ids.reserve(kInputs);
    times.reserve(kInputs);
    for (const char* n : names) symbols.emplace_back(n);
    for (std::size_t i = 0; i < kInputs; ++i) {
      ids.push_back("CL" + std::to_string(100'000 + rng() % 90'000'000));
      exec_ids.push_back("EX" + std::to_string(rng() % 1'000'000'000));
      times.push_back("20240305-12:" + std::to_string(10 + rng() % 50) + ":" + std::to_string(10 + rng() % 50) + "." +
                      std::to_string(100 + rng() % 900));
    }
    for (std::size_t i = 0; i < kInputs; ++i) {
      fix::NewOrderSingle o;
      o.cl_ord_id = ids[i];
      o.symbol = symbols[rng() % symbols.size()];
      o.side = rng() % 2 ? '1' : '2';
      o.transact_time = times[i];
      o.order_qty = static_cast<std::int64_t>(1 + rng() % 5000);
      o.ord_type = rng() % 8 ? '2' : '1';
      o.has_price = o.ord_type == '2';
      o.price = core::Price::from_raw(static_cast<std::int64_t>(10'000 + rng() % 5'000'000));
      o.time_in_force = rng() % 3 ? '0' : '3';
      orders.push_back(o);

      fix::ExecutionReport r;
      r.order_id = ids[(i * 7) & kMask];
      r.exec_id = exec_ids[i];
      r.cl_ord_id = o.cl_ord_id;
      r.exec_type = rng() % 2 ? 'F' : '0';
      r.ord_status = r.exec_type == 'F' ? '1' : '0';
      r.symbol = o.symbol;
      r.side = o.side;
      r.order_qty = o.order_qty;
      r.price = o.has_price ? o.price : core::Price::from_raw(1'000'000);
      r.has_price = true;
      r.last_qty = r.exec_type == 'F' ? 1 + o.order_qty / 2 : 0;
      r.last_px = r.price;
      r.cum_qty = r.last_qty;
      r.leaves_qty = o.order_qty - r.cum_qty;
      r.avg_px = r.price;
      r.transact_time = times[i];
      reports.push_back(r);
    }
  }
};

const Inputs& inputs() {
  static const Inputs in;
  return in;
}

// Encodes every input once into one contiguous stream, as a TCP read would
// hold them; the NewOrderSingles carry Account and a Parties group too.
struct Stream {
  std::vector<std::uint8_t> bytes;
  std::vector<std::size_t> offsets;
};

Stream encode_stream(bool orders) {
  const Inputs& in = inputs();
  fix::Encoder enc("FIX.4.4", "BANKCLIENT01", "HFTENGINE");
  Stream s;
  for (std::size_t i = 0; i < kInputs; ++i) {
    protocol::ByteView v;
    const auto seq = static_cast<std::uint64_t>(1000 + i * 3);
    const std::int64_t now = kT0 + static_cast<std::int64_t>(i) * 1'234'567;
    if (orders) {
      const fix::NewOrderSingle& o = in.orders[i];
      enc.begin("D", seq, now);
      enc.add_str(1, "ACCT-7781");
      enc.add_str(11, o.cl_ord_id);
      enc.add_int(453, 2);
      enc.add_str(448, "TRADER42");
      enc.add_char(447, 'D');
      enc.add_int(452, 11);
      enc.add_str(448, "FIRM01");
      enc.add_char(447, 'D');
      enc.add_int(452, 1);
      enc.add_char(21, '1');
      enc.add_str(55, o.symbol);
      enc.add_char(54, o.side);
      enc.add_str(60, o.transact_time);
      enc.add_int(38, o.order_qty);
      enc.add_char(40, o.ord_type);
      if (o.has_price) enc.add_price(44, o.price);
      enc.add_char(59, o.time_in_force);
      v = enc.finish();
    } else {
      v = enc.encode_execution_report(seq, now, in.reports[i]);
    }
    s.offsets.push_back(s.bytes.size());
    s.bytes.insert(s.bytes.end(), v.data, v.data + v.size);
  }
  s.offsets.push_back(s.bytes.size());
  return s;
}

template <typename T>
void parse_bench(benchmark::State& state, bool orders) {
  const Stream s = encode_stream(orders);
  auto ticks = std::make_unique<LatencyHistogram>();
  auto mv = std::make_unique<fix::MessageView>();
  std::uint64_t good = 0;
  time_each(state, *ticks, [&](std::size_t i) {
    const std::size_t k = i & kMask;
    const std::uint8_t* p = s.bytes.data() + s.offsets[k];
    const std::size_t avail = s.bytes.size() - s.offsets[k];  // more than one message, as in a read buffer
    const fix::FrameResult f = fix::find_message(p, avail);
    T msg;
    if (f.status == fix::FrameStatus::Complete && mv->parse(p, f.length).ok() && msg.parse(*mv).ok()) ++good;
    benchmark::DoNotOptimize(msg);
  });
  if (good != static_cast<std::uint64_t>(state.iterations()) + 20'000) state.SkipWithError("a message failed");
  report_ticks(state, *ticks);
  state.counters["bytes_per_msg"] = static_cast<double>(s.bytes.size()) / static_cast<double>(kInputs);
}

void BM_FixParseNewOrderSingle(benchmark::State& state) { parse_bench<fix::NewOrderSingle>(state, true); }
BENCHMARK(BM_FixParseNewOrderSingle);

void BM_FixParseExecutionReport(benchmark::State& state) { parse_bench<fix::ExecutionReport>(state, false); }
BENCHMARK(BM_FixParseExecutionReport);

void BM_FixEncodeNewOrderSingle(benchmark::State& state) {
  const Inputs& in = inputs();
  auto enc = std::make_unique<fix::Encoder>("FIX.4.4", "HFTENGINE", "BANKCLIENT01");
  auto ticks = std::make_unique<LatencyHistogram>();
  time_each(state, *ticks, [&](std::size_t i) {
    const protocol::ByteView v =
        enc->encode_new_order_single(i + 1, kT0 + static_cast<std::int64_t>(i) * 1'000, in.orders[i & kMask]);
    benchmark::DoNotOptimize(v);
  });
  report_ticks(state, *ticks);
}
BENCHMARK(BM_FixEncodeNewOrderSingle);

void BM_FixEncodeExecutionReport(benchmark::State& state) {
  const Inputs& in = inputs();
  auto enc = std::make_unique<fix::Encoder>("FIX.4.4", "BANKCLIENT01", "HFTENGINE");
  auto ticks = std::make_unique<LatencyHistogram>();
  time_each(state, *ticks, [&](std::size_t i) {
    const protocol::ByteView v =
        enc->encode_execution_report(i + 1, kT0 + static_cast<std::int64_t>(i) * 1'000, in.reports[i & kMask]);
    benchmark::DoNotOptimize(v);
  });
  report_ticks(state, *ticks);
}
BENCHMARK(BM_FixEncodeExecutionReport);

}  // namespace
}  // namespace hft::bench
