#pragma once
// In-memory stand-ins for the trading core's two outlets (venue gateway and
// audit sink), so tests can assert on what left and what was recorded.
#include <cstdint>
#include <vector>

#include "hft/trading/audit_record.h"
#include "hft/trading/order_request.h"

namespace hft::trading::test {

struct SentMessage {
  enum class Kind { New, Cancel, Replace } kind;
  OrderId cl_ord_id;   ///< the order's id
  OrderId request_id;  ///< cancel/replace request id (0 for new)
  SymbolId symbol;
  Side side;
  OrderType type;
  TimeInForce tif;
  Price price;
  Qty quantity;
};

class RecordingGateway final : public OrderGateway {
 public:
  explicit RecordingGateway(std::size_t reserve = 1 << 16) { sent.reserve(reserve); }
  void send_new(const Order& o) noexcept override {
    sent.push_back({SentMessage::Kind::New, o.cl_ord_id, {}, o.symbol, o.side, o.type, o.tif, o.price, o.quantity});
  }
  void send_cancel(const Order& o, OrderId cancel_id) noexcept override {
    sent.push_back(
        {SentMessage::Kind::Cancel, o.cl_ord_id, cancel_id, o.symbol, o.side, o.type, o.tif, o.price, o.leaves});
  }
  void send_replace(const Order& o, OrderId new_id, Price price, Qty quantity) noexcept override {
    sent.push_back({SentMessage::Kind::Replace, o.cl_ord_id, new_id, o.symbol, o.side, o.type, o.tif, price, quantity});
  }
  std::size_t count(SentMessage::Kind k) const {
    std::size_t n = 0;
    for (const SentMessage& m : sent) n += m.kind == k ? 1 : 0;
    return n;
  }
  std::vector<SentMessage> sent;
};

class RecordingAudit final : public AuditSink {
 public:
  explicit RecordingAudit(std::size_t reserve = 1 << 16) { records.reserve(reserve); }
  void record(const AuditRecord& r) noexcept override {
    if (records.size() < records.capacity()) records.push_back(r);  // never reallocate on a hot path
  }
  std::size_t count(AuditType t) const {
    std::size_t n = 0;
    for (const AuditRecord& r : records) n += r.type == t ? 1 : 0;
    return n;
  }
  const AuditRecord* last(AuditType t) const {
    for (auto it = records.rbegin(); it != records.rend(); ++it)
      if (it->type == t) return &*it;
    return nullptr;
  }
  std::vector<AuditRecord> records;
};

}  // namespace hft::trading::test
