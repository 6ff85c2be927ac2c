// FIX 4.4 tag=value, per message, each call timed on its own: parse of a
// NewOrderSingle and an ExecutionReport (framing with BodyLength and CheckSum
// checks, field index, typed view), and encode of both (header, body,
// BodyLength, CheckSum). QuickFIX parsing and building the same messages in
// the same run is the baseline (BM_QuickFix*).
//
// Inputs are the seeded corpus of bench/support/fix_corpus.h: 4096 distinct
// messages of each type, as venues and their clients send them (optional
// header fields, Account, Parties groups, varied ids, symbols, prices,
// quantities, times and field orders). Parse benchmarks read them from one
// contiguous stream, as a TCP read would hold them; before timing, every
// message is checked to read back the values it was made from, by our parser
// and by QuickFIX, and every encoded message to parse back to its values.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/core/latency_histogram.h"
#include "hft/protocol/fix.h"

#include "support/batch_timer.h"
#include "support/fix_corpus.h"
#include "support/latency_report.h"

#if defined(HFT_BENCH_HAVE_QUICKFIX)
#include "quickfix_baseline.h"
#endif

namespace hft::bench {
namespace {

using core::LatencyHistogram;
namespace fix = protocol::fix;
namespace corpus = fix_corpus;

constexpr std::size_t kInputs = 1 << 12;
constexpr std::size_t kMask = kInputs - 1;
constexpr int kWarmup = 20'000;  // time_each's default

const corpus::Corpus& inputs() {
  static const corpus::Corpus c = corpus::make_corpus(kInputs, 20'240'305);
  return c;
}

// Every message of one type back to back, as a TCP read would hold them.
struct Stream {
  std::vector<std::uint8_t> bytes;
  std::vector<std::size_t> offsets;
};

Stream stream_of(const std::vector<std::string>& wire) {
  Stream s;
  for (const std::string& m : wire) {
    s.offsets.push_back(s.bytes.size());
    s.bytes.insert(s.bytes.end(), m.begin(), m.end());
  }
  return s;
}

core::Price px(std::int64_t raw) { return core::Price::from_raw(raw); }

// Our typed values for each corpus entry (views into the corpus's strings).
fix::NewOrderSingle typed(const corpus::Order& o) {
  fix::NewOrderSingle n;
  n.cl_ord_id = o.cl_ord_id;
  n.account = o.account;
  n.symbol = o.symbol;
  n.side = o.side;
  n.transact_time = o.transact_time;
  n.order_qty = o.order_qty;
  n.ord_type = o.ord_type;
  n.has_price = o.has_price;
  n.price = px(o.price);
  n.has_stop_px = o.has_stop_px;
  n.stop_px = px(o.stop_px);
  n.time_in_force = o.time_in_force;
  return n;
}

fix::ExecutionReport typed(const corpus::Report& r) {
  fix::ExecutionReport e;
  e.order_id = r.order_id;
  e.cl_ord_id = r.cl_ord_id;
  e.orig_cl_ord_id = r.orig_cl_ord_id;
  e.exec_id = r.exec_id;
  e.exec_type = r.exec_type;
  e.ord_status = r.ord_status;
  e.account = r.account;
  e.symbol = r.symbol;
  e.side = r.side;
  e.order_qty = r.order_qty;
  e.has_price = r.has_price;
  e.price = px(r.price);
  e.last_qty = r.last_qty;
  e.last_px = px(r.last_px);
  e.leaves_qty = r.leaves_qty;
  e.cum_qty = r.cum_qty;
  e.avg_px = px(r.avg_px);
  e.transact_time = r.transact_time;
  e.text = r.text;
  e.ord_rej_reason = r.ord_rej_reason;
  return e;
}

// What a parsed view must say about its corpus entry (header included when
// `with_header`: the encoders write their own).
bool same(const fix::NewOrderSingle& n, const corpus::Order& o, bool with_header) {
  const bool header = !with_header || (n.header.sender_comp_id == o.header.sender_comp_id &&
                                       n.header.target_comp_id == o.header.target_comp_id &&
                                       n.header.msg_seq_num == static_cast<std::int64_t>(o.header.msg_seq_num) &&
                                       n.header.sending_time == o.header.sending_time);
  return header && n.cl_ord_id == o.cl_ord_id && n.account == o.account && n.symbol == o.symbol && n.side == o.side &&
         n.transact_time == o.transact_time && n.order_qty == o.order_qty && n.ord_type == o.ord_type &&
         n.has_price == o.has_price && (!o.has_price || n.price.raw == o.price) && n.has_stop_px == o.has_stop_px &&
         (!o.has_stop_px || n.stop_px.raw == o.stop_px) && n.time_in_force == o.time_in_force;
}

bool same(const fix::ExecutionReport& e, const corpus::Report& r, bool with_header) {
  const bool header = !with_header || (e.header.sender_comp_id == r.header.sender_comp_id &&
                                       e.header.target_comp_id == r.header.target_comp_id &&
                                       e.header.msg_seq_num == static_cast<std::int64_t>(r.header.msg_seq_num) &&
                                       e.header.sending_time == r.header.sending_time);
  return header && e.order_id == r.order_id && e.cl_ord_id == r.cl_ord_id && e.orig_cl_ord_id == r.orig_cl_ord_id &&
         e.exec_id == r.exec_id && e.exec_type == r.exec_type && e.ord_status == r.ord_status &&
         e.account == r.account && e.symbol == r.symbol && e.side == r.side && e.order_qty == r.order_qty &&
         e.has_price == r.has_price && (!r.has_price || e.price.raw == r.price) && e.last_qty == r.last_qty &&
         (r.last_qty == 0 || e.last_px.raw == r.last_px) && e.leaves_qty == r.leaves_qty && e.cum_qty == r.cum_qty &&
         e.avg_px.raw == r.avg_px && e.transact_time == r.transact_time && e.text == r.text &&
         e.ord_rej_reason == r.ord_rej_reason;
}

// Frames, indexes and reads one message of `bytes` as T.
template <typename T>
bool read(const std::uint8_t* p, std::size_t n, fix::MessageView& mv, T& out) {
  const fix::FrameResult f = fix::find_message(p, n);
  return f.status == fix::FrameStatus::Complete && mv.parse(p, f.length).ok() && out.parse(mv).ok();
}

template <typename T>
bool read(std::string_view text, fix::MessageView& mv, T& out) {
  return read(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), mv, out);
}

template <typename T>
bool read(protocol::ByteView v, fix::MessageView& mv, T& out) {
  return read(v.data, v.size, mv, out);
}

// ---------------------------------------------------------------- parse

template <typename T, typename Spec>
void parse_bench(benchmark::State& state, const std::vector<std::string>& wire, const std::vector<Spec>& specs) {
  const Stream s = stream_of(wire);
  auto mv = std::make_unique<fix::MessageView>();
  for (std::size_t k = 0; k < kInputs; ++k) {
    T msg;
    if (!read(wire[k], *mv, msg) || !same(msg, specs[k], true)) {
      state.SkipWithError(("corpus message " + std::to_string(k) + " does not read back").c_str());
      return;
    }
  }
  auto ticks = std::make_unique<LatencyHistogram>();
  std::uint64_t good = 0;
  time_each(state, *ticks, [&](std::size_t i) {
    const std::size_t k = i & kMask;
    const std::uint8_t* p = s.bytes.data() + s.offsets[k];
    const std::size_t avail = s.bytes.size() - s.offsets[k];  // more than one message, as in a read buffer
    T msg;
    if (read(p, avail, *mv, msg)) ++good;
    benchmark::DoNotOptimize(msg);
  });
  if (good != static_cast<std::uint64_t>(state.iterations()) + kWarmup) state.SkipWithError("a message failed");
  report_ticks(state, *ticks);
  state.counters["bytes_per_msg"] = static_cast<double>(s.bytes.size()) / static_cast<double>(kInputs);
}

void BM_FixParseNewOrderSingle(benchmark::State& state) {
  parse_bench<fix::NewOrderSingle>(state, inputs().order_wire, inputs().orders);
}
BENCHMARK(BM_FixParseNewOrderSingle);

void BM_FixParseExecutionReport(benchmark::State& state) {
  parse_bench<fix::ExecutionReport>(state, inputs().report_wire, inputs().reports);
}
BENCHMARK(BM_FixParseExecutionReport);

// ---------------------------------------------------------------- encode

// One session's encoder: fixed comp IDs, the corpus's values and times.
constexpr std::string_view kClient = "BANKCLIENT01";
constexpr std::string_view kVenue = "HFTVENUE";

template <typename T, typename Spec, typename Encode>
void encode_bench(benchmark::State& state, const std::vector<Spec>& specs, Encode encode) {
  std::vector<T> values;
  for (const Spec& s : specs) values.push_back(typed(s));
  auto mv = std::make_unique<fix::MessageView>();
  for (std::size_t k = 0; k < kInputs; ++k) {
    T back;
    if (!read(encode(k + 1, values[k], specs[k]), *mv, back) || !same(back, specs[k], false)) {
      state.SkipWithError(("corpus message " + std::to_string(k) + " does not encode and read back").c_str());
      return;
    }
  }
  auto ticks = std::make_unique<LatencyHistogram>();
  std::size_t bytes = 0;
  time_each(state, *ticks, [&](std::size_t i) {
    const std::size_t k = i & kMask;
    const protocol::ByteView v = encode(i + 1, values[k], specs[k]);
    bytes += v.size;
    benchmark::DoNotOptimize(v);
  });
  report_ticks(state, *ticks);
  state.counters["bytes_per_msg"] = static_cast<double>(bytes) / static_cast<double>(state.iterations() + kWarmup);
}

void BM_FixEncodeNewOrderSingle(benchmark::State& state) {
  auto enc = std::make_unique<fix::Encoder>("FIX.4.4", kClient, kVenue);
  encode_bench<fix::NewOrderSingle>(state, inputs().orders,
                                    [&](std::size_t seq, const fix::NewOrderSingle& n, const corpus::Order& o) {
                                      return enc->encode_new_order_single(seq, o.header.sending_time_ns, n);
                                    });
}
BENCHMARK(BM_FixEncodeNewOrderSingle);

void BM_FixEncodeExecutionReport(benchmark::State& state) {
  auto enc = std::make_unique<fix::Encoder>("FIX.4.4", kVenue, kClient);
  encode_bench<fix::ExecutionReport>(state, inputs().reports,
                                     [&](std::size_t seq, const fix::ExecutionReport& e, const corpus::Report& r) {
                                       return enc->encode_execution_report(seq, r.header.sending_time_ns, e);
                                     });
}
BENCHMARK(BM_FixEncodeExecutionReport);

// ---------------------------------------------------------------- QuickFIX

#if defined(HFT_BENCH_HAVE_QUICKFIX)

bool same(const quickfix::OrderFields& q, const corpus::Order& o) {
  const auto price = [](std::int64_t raw) { return static_cast<double>(raw) / 10'000.0; };
  const auto near = [](double a, double b) { return a - b < 1e-9 && b - a < 1e-9; };
  return q.sender_comp_id == o.header.sender_comp_id && q.msg_seq_num == static_cast<int>(o.header.msg_seq_num) &&
         q.sending_time == o.header.sending_time && q.cl_ord_id == o.cl_ord_id && q.account == o.account &&
         q.symbol == o.symbol && q.side == o.side && q.transact_time == o.transact_time &&
         near(q.order_qty, static_cast<double>(o.order_qty)) && q.ord_type == o.ord_type &&
         q.has_price == o.has_price && (!o.has_price || near(q.price, price(o.price))) &&
         q.has_stop_px == o.has_stop_px && q.time_in_force == o.time_in_force;
}

bool same(const quickfix::ReportFields& q, const corpus::Report& r) {
  const auto near = [](double a, double b) { return a - b < 1e-9 && b - a < 1e-9; };
  return q.sender_comp_id == r.header.sender_comp_id && q.msg_seq_num == static_cast<int>(r.header.msg_seq_num) &&
         q.order_id == r.order_id && q.exec_id == r.exec_id && q.exec_type == r.exec_type &&
         q.ord_status == r.ord_status && q.cl_ord_id == r.cl_ord_id && q.account == r.account &&
         near(q.cum_qty, static_cast<double>(r.cum_qty)) && near(q.leaves_qty, static_cast<double>(r.leaves_qty)) &&
         near(q.avg_px, static_cast<double>(r.avg_px) / 10'000.0) && q.text == r.text &&
         q.ord_rej_reason == static_cast<int>(r.ord_rej_reason);
}

template <typename Fields, typename Spec, typename Parse>
void quickfix_parse_bench(benchmark::State& state, const std::vector<std::string>& wire, const std::vector<Spec>& specs,
                          Parse parse) {
  const quickfix::Parser parser(true);
  for (std::size_t k = 0; k < kInputs; ++k) {
    Fields f;
    if (!parse(parser, wire[k], f) || !same(f, specs[k])) {
      state.SkipWithError(("QuickFIX does not read corpus message " + std::to_string(k)).c_str());
      return;
    }
  }
  // Validation is on: a wrong CheckSum must be refused, as ours refuses it.
  std::string bad = wire[0];
  bad[bad.size() - 2] = bad[bad.size() - 2] == '0' ? '1' : '0';
  Fields ignored;
  if (parse(parser, bad, ignored)) {
    state.SkipWithError("QuickFIX accepted a wrong CheckSum: validation is off");
    return;
  }
  auto ticks = std::make_unique<LatencyHistogram>();
  std::uint64_t good = 0;
  time_each(state, *ticks, [&](std::size_t i) {
    Fields f;
    if (parse(parser, wire[i & kMask], f)) ++good;
    benchmark::DoNotOptimize(f);
  });
  if (good != static_cast<std::uint64_t>(state.iterations()) + kWarmup) state.SkipWithError("a message failed");
  report_ticks(state, *ticks);
}

void BM_QuickFixParseNewOrderSingle(benchmark::State& state) {
  quickfix_parse_bench<quickfix::OrderFields>(
      state, inputs().order_wire, inputs().orders,
      [](const quickfix::Parser& p, const std::string& w, quickfix::OrderFields& f) { return p.parse_order(w, f); });
}
BENCHMARK(BM_QuickFixParseNewOrderSingle);

void BM_QuickFixParseExecutionReport(benchmark::State& state) {
  quickfix_parse_bench<quickfix::ReportFields>(
      state, inputs().report_wire, inputs().reports,
      [](const quickfix::Parser& p, const std::string& w, quickfix::ReportFields& f) { return p.parse_report(w, f); });
}
BENCHMARK(BM_QuickFixParseExecutionReport);

template <typename T, typename Spec, typename Encode>
void quickfix_encode_bench(benchmark::State& state, const std::vector<Spec>& specs, Encode encode) {
  auto mv = std::make_unique<fix::MessageView>();
  for (std::size_t k = 0; k < kInputs; ++k) {
    T back;
    if (!read(std::string_view(encode(k + 1, specs[k])), *mv, back) || !same(back, specs[k], false)) {
      state.SkipWithError(("QuickFIX's message " + std::to_string(k) + " does not read back").c_str());
      return;
    }
  }
  auto ticks = std::make_unique<LatencyHistogram>();
  std::size_t bytes = 0;
  time_each(state, *ticks, [&](std::size_t i) {
    const std::string& text = encode(i + 1, specs[i & kMask]);
    bytes += text.size();
    benchmark::DoNotOptimize(text.data());
  });
  report_ticks(state, *ticks);
  state.counters["bytes_per_msg"] = static_cast<double>(bytes) / static_cast<double>(state.iterations() + kWarmup);
}

void BM_QuickFixEncodeNewOrderSingle(benchmark::State& state) {
  quickfix::Encoder enc{std::string(kClient), std::string(kVenue)};
  quickfix_encode_bench<fix::NewOrderSingle>(state, inputs().orders,
                                             [&](std::size_t seq, const corpus::Order& o) -> const std::string& {
                                               return enc.encode_order(seq, o.header.sending_time_ns, o);
                                             });
}
BENCHMARK(BM_QuickFixEncodeNewOrderSingle);

void BM_QuickFixEncodeExecutionReport(benchmark::State& state) {
  quickfix::Encoder enc{std::string(kVenue), std::string(kClient)};
  quickfix_encode_bench<fix::ExecutionReport>(state, inputs().reports,
                                              [&](std::size_t seq, const corpus::Report& r) -> const std::string& {
                                                return enc.encode_report(seq, r.header.sending_time_ns, r);
                                              });
}
BENCHMARK(BM_QuickFixEncodeExecutionReport);

#endif  // HFT_BENCH_HAVE_QUICKFIX

}  // namespace
}  // namespace hft::bench
