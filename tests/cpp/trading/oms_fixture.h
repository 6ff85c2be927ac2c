#pragma once
// A small OMS with recording outlets and helpers that play the venue's side.
#include <gtest/gtest.h>

#include "hft/trading/order_manager.h"

#include "trading/fakes.h"

namespace hft::trading::test {

inline constexpr Price kPx{1'000'000};  // $100.00

class OmsTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kCapacity = 64;
  static constexpr std::size_t kSymbols = 4;

  RecordingGateway gateway;
  RecordingAudit audit;
  OrderManager oms{kCapacity, kSymbols, OrderIdGenerator(7), gateway, audit};
  std::uint64_t clock{1000};
  std::uint64_t next_exec{1};

  OrderId submit(Side side = Side::Buy, std::int64_t qty = 100, Price price = kPx, OrderType type = OrderType::Limit,
                 Price stop = Price{}, SymbolId symbol = SymbolId{0}) {
    OrderRequest r;
    r.symbol = symbol;
    r.side = side;
    r.type = type;
    r.quantity = Qty{qty};
    r.price = price;
    r.stop_price = stop;
    const SubmitResult s = oms.submit(r, price.raw > 0 ? price : kPx, ++clock);
    EXPECT_EQ(s.reason, RejectReason::None);
    return s.order != nullptr ? s.order->cl_ord_id : OrderId{};
  }

  ExecutionReport report(ExecKind kind, OrderId id) {
    const Order* o = oms.find(id);
    ExecutionReport r;
    r.kind = kind;
    r.cl_ord_id = id;
    r.venue_order_id = 9000 + id.value % 1000;
    if (o != nullptr) {
      r.symbol = o->symbol;
      r.side = o->side;
    }
    r.tsc = ++clock;
    return r;
  }

  ApplyResult ack(OrderId id) { return oms.apply(report(ExecKind::New, id)); }

  ApplyResult fill(OrderId id, std::int64_t qty, Price px = kPx, std::uint64_t exec_id = 0) {
    ExecutionReport r = report(ExecKind::Trade, id);
    r.last_qty = Qty{qty};
    r.last_px = px;
    r.exec_id = exec_id != 0 ? exec_id : next_exec++;
    return oms.apply(r);
  }

  /// A report answering a cancel or replace request for `id`.
  ApplyResult answer(ExecKind kind, OrderId id, OrderId request_id = {}) {
    ExecutionReport r = report(kind, id);
    r.orig_cl_ord_id = id;
    r.cl_ord_id = request_id;
    return oms.apply(r);
  }

  OrderState state(OrderId id) const { return oms.find(id)->state; }
};

}  // namespace hft::trading::test
