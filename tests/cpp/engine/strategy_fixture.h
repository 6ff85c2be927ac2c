#pragma once
// Strategies against the real pieces: ITCH messages (built with the
// protocol's encoder) into a BookManager whose listener is a StrategyHost,
// over a TradingCore with a recording gateway. Time is in ns (a 1 GHz
// "TSC"), prices in 1e-4 units; instruments tick at $0.01.
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "hft/engine/strategy_host.h"
#include "hft/market_data/book_manager.h"
#include "hft/protocol/itch.h"
#include "hft/trading/trading_core.h"

#include "trading/core_fixture.h"
#include "trading/fakes.h"

namespace hft::engine::test {

using trading::test::kDollar;
using trading::test::kSecond;
using trading::test::RecordingAudit;
using trading::test::RecordingGateway;
using trading::test::SentMessage;
namespace itch = protocol::itch;

inline constexpr std::uint64_t kMilli = 1'000'000;
inline constexpr std::int64_t kCent = 100;
inline constexpr std::uint16_t kAaplLocate = 7;  // SymbolId 0
inline constexpr std::uint16_t kMsftLocate = 9;  // SymbolId 1
inline constexpr SymbolId kAapl{0};
inline constexpr SymbolId kMsft{1};

inline std::vector<StrategyInstrument> test_instruments() {
  return {{"AAPL", Price{kCent}, 1}, {"MSFT", Price{kCent}, 1}, {"NVDA", Price{kCent}, 1}, {"SPY", Price{kCent}, 1}};
}

inline market_data::BookManagerOptions test_book_options() {
  market_data::BookManagerOptions o;
  o.order_capacity = 4096;
  o.max_levels_per_side = 64;
  o.max_instruments = 64;
  return o;
}

class StrategyTest : public ::testing::Test {
 protected:
  explicit StrategyTest(trading::TradingSettings s = trading::test::small_settings())
      : books(test_book_options()),
        core(s, trading::OrderIdGenerator(3), gateway, audit, trading::test::nanosecond_clock()),
        host(core, books, test_instruments(), trading::test::nanosecond_clock()) {
    books.set_listener(&host);
    directory(kAaplLocate, "AAPL");
    directory(kMsftLocate, "MSFT");
    directory(11, "ZZZZ");  // an instrument the configuration does not have
  }

  /// Adds a strategy, starts the host. Call once per test.
  template <typename S>
  S& start(std::unique_ptr<S> s, std::vector<SymbolId> symbols = {kAapl}) {
    S& ref = *s;
    host.add(std::move(s), symbols);
    host.start();
    return ref;
  }

  template <typename M>
  void send(const M& m) {
    std::uint8_t buf[64];
    const std::size_t n = itch::encode(m, buf, sizeof buf);
    ASSERT_GT(n, 0u);
    host.set_time(now);
    books.apply(buf, n);
  }
  void directory(std::uint16_t locate, const char* name) {
    itch::StockDirectory d;
    d.locate = locate;
    d.stock = itch::make_stock(name);
    d.round_lot_size = 100;
    send(d);
  }
  void add(std::uint16_t locate, std::uint64_t ref, Side side, std::uint32_t shares, std::int64_t price) {
    itch::AddOrder a;
    a.locate = locate;
    a.ref = ref;
    a.side = side;
    a.shares = shares;
    a.price = Price{price};
    send(a);
  }
  void remove(std::uint16_t locate, std::uint64_t ref) {
    itch::OrderDelete d;
    d.locate = locate;
    d.ref = ref;
    send(d);
  }
  void status(std::uint16_t locate, char state) {
    itch::StockTradingAction h;
    h.locate = locate;
    h.stock = itch::make_stock(locate == kAaplLocate ? "AAPL" : "MSFT");
    h.trading_state = state;
    send(h);
  }
  /// Replaces the whole visible book of `locate` with one bid and one ask
  /// level. The strategies hear only the last message (one top-of-book
  /// change to the final book), as they would at the end of a packet that
  /// moved both sides; the steps in between would be one-sided books.
  void quote(std::uint16_t locate, std::int64_t bid, std::uint32_t bid_qty, std::int64_t ask, std::uint32_t ask_qty) {
    Refs& r = refs_[locate];
    books.set_listener(nullptr);
    if (r.bid != 0) remove(locate, r.bid);
    if (r.ask != 0) remove(locate, r.ask);
    r.bid = ++seq_;
    r.ask = ++seq_;
    add(locate, r.bid, Side::Buy, bid_qty, bid);
    books.set_listener(&host);
    add(locate, r.ask, Side::Sell, ask_qty, ask);
  }

  // ---- the venue's answers ----
  trading::ExecutionReport report(trading::ExecKind kind, OrderId id) {
    const trading::Order* o = core.orders().find(id);
    trading::ExecutionReport r;
    r.kind = kind;
    r.cl_ord_id = id;
    if (o != nullptr) {
      r.symbol = o->symbol;
      r.side = o->side;
    }
    r.tsc = now;
    return r;
  }
  void ack(OrderId id) { host.on_execution_report(report(trading::ExecKind::New, id)); }
  void fill(OrderId id, std::int64_t qty, std::int64_t px) {
    trading::ExecutionReport r = report(trading::ExecKind::Trade, id);
    r.last_qty = Qty{qty};
    r.last_px = Price{px};
    r.exec_id = ++exec_;
    host.on_execution_report(r);
  }
  void venue_reject(OrderId id) { host.on_execution_report(report(trading::ExecKind::Rejected, id)); }
  /// Answers every request the gateway has sent and nobody answered yet: new
  /// orders acked (IOCs expired), cancels done, replaces done.
  void answer_all() {
    for (; answered_ < gateway.sent.size(); ++answered_) {
      const SentMessage m = gateway.sent[answered_];
      switch (m.kind) {
        case SentMessage::Kind::New:
          ack(m.cl_ord_id);
          if (m.tif == trading::TimeInForce::Ioc)
            host.on_execution_report(report(trading::ExecKind::Expired, m.cl_ord_id));
          break;
        case SentMessage::Kind::Cancel: {
          trading::ExecutionReport r = report(trading::ExecKind::Canceled, m.request_id);
          r.orig_cl_ord_id = m.cl_ord_id;
          r.symbol = m.symbol;
          r.side = m.side;
          host.on_execution_report(r);
          break;
        }
        case SentMessage::Kind::Replace: {
          trading::ExecutionReport r = report(trading::ExecKind::Replaced, m.request_id);
          r.orig_cl_ord_id = m.cl_ord_id;
          r.symbol = m.symbol;
          r.side = m.side;
          host.on_execution_report(r);
          break;
        }
      }
    }
  }
  /// Messages sent since the last call.
  std::vector<SentMessage> sent_since_mark() {
    std::vector<SentMessage> out(gateway.sent.begin() + static_cast<std::ptrdiff_t>(mark_), gateway.sent.end());
    mark_ = gateway.sent.size();
    return out;
  }
  void mark() { mark_ = gateway.sent.size(); }
  const trading::Order* live(OrderId id) const {
    const trading::Order* o = core.orders().find(id);
    return o != nullptr && trading::is_live(o->state) ? o : nullptr;
  }
  std::size_t live_orders(Side side) const {
    std::size_t n = 0;
    core.orders().for_each_live([&](const trading::Order& o) { n += o.side == side ? 1 : 0; });
    return n;
  }

  RecordingGateway gateway;
  RecordingAudit audit;
  market_data::BookManager books;
  trading::TradingCore core;
  StrategyHost host;
  std::uint64_t now{kSecond};

 private:
  struct Refs {
    std::uint64_t bid{0}, ask{0};
  };
  std::map<std::uint16_t, Refs> refs_;
  std::uint64_t seq_{1'000'000};
  std::uint64_t exec_{0};
  std::size_t answered_{0};
  std::size_t mark_{0};
};

}  // namespace hft::engine::test
