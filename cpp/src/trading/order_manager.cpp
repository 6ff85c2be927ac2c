#include "hft/trading/order_manager.h"

#include <algorithm>

namespace hft::trading {
namespace {

bool is_local_stop(const Order& o) noexcept {
  return (o.type == OrderType::Stop || o.type == OrderType::StopLimit) && !o.stop_triggered &&
         o.state == OrderState::PendingNew;
}

// Adds a*b into a 64-bit money sum, saturating: exposure only has to be
// conservative, and the risk checks have refused anything near the limits.
std::int64_t notional(Price p, std::int64_t q) noexcept {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(p.raw, q, &r)) return INT64_MAX / 4;
  return r;
}

}  // namespace

OrderManager::OrderManager(std::size_t capacity, std::size_t symbols, OrderIdGenerator ids, OrderGateway& gateway,
                           AuditSink& audit)
    : symbols_(symbols),
      ids_(ids),
      gateway_(gateway),
      audit_(audit),
      pool_(capacity),
      by_id_(capacity),
      done_fifo_(std::make_unique<std::uint32_t[]>(capacity)),
      live_prev_(std::make_unique<std::uint32_t[]>(capacity)),
      live_next_(std::make_unique<std::uint32_t[]>(capacity)),
      // Several fills per order over the orders in memory: old enough ids
      // belong to orders already dropped, whose reports are unknown anyway.
      exec_seen_(capacity * 4),
      exec_fifo_(std::make_unique<std::uint64_t[]>(capacity * 4)),
      exposure_(std::make_unique<Exposure[]>(symbols)) {}

// ---- storage -------------------------------------------------------------------

Order* OrderManager::lookup(OrderId id) noexcept {
  const std::uint32_t i = by_id_.find(id.value);
  return i == core::FlatIndex::kNotFound ? nullptr : &pool_[i];
}

const Order* OrderManager::find(OrderId id) const noexcept { return const_cast<OrderManager*>(this)->lookup(id); }

bool OrderManager::has_room(std::size_t slots) const noexcept {
  return pool_.available() + done_count_ >= reserved_ + slots;
}

Order* OrderManager::allocate() noexcept {
  if (pool_.available() == 0) {
    if (done_count_ == 0) return nullptr;
    // Drop the order that finished longest ago; a report for it later is an
    // unknown order, which is counted and audited like any other.
    const std::uint32_t victim = done_fifo_[done_head_];
    done_head_ = (done_head_ + 1) % pool_.capacity();
    --done_count_;
    Order& old = pool_[victim];
    by_id_.erase(old.cl_ord_id.value);
    pool_.release(&old);
    ++counters_.retired;
  }
  return pool_.acquire();
}

void OrderManager::link_live(Order& o) noexcept {
  const std::uint32_t i = pool_.index_of(&o);
  live_prev_[i] = live_tail_;
  live_next_[i] = kNil;
  if (live_tail_ != kNil) {
    live_next_[live_tail_] = i;
  } else {
    live_head_ = i;
  }
  live_tail_ = i;
  ++live_count_;
  ++exposure_[o.symbol.value].live_orders;
  if (is_local_stop(o)) ++waiting_stops_;
}

void OrderManager::add_exposure(const Order& o, int sign) noexcept {
  std::int64_t qty = o.leaves.value;
  Price price = o.risk_price;
  if (o.pending_cl_ord_id.value != 0) {
    // A replace in flight may end at either terms: count the larger.
    qty = std::max(qty, o.pending_quantity.value - o.cum.value);
    price = std::max(price, o.pending_price);
  }
  Exposure& e = exposure_[o.symbol.value];
  const std::int64_t n = notional(price, qty);
  if (o.side == Side::Buy) {
    e.buy_qty += sign * qty;
    e.buy_notional += sign * n;
  } else {
    e.sell_qty += sign * qty;
    e.sell_notional += sign * n;
  }
  total_open_qty_ += sign * qty;
  total_open_notional_ += sign * n;
}

void OrderManager::finish(Order& o, OrderState terminal, std::uint64_t tsc) noexcept {
  if (is_local_stop(o)) --waiting_stops_;
  add_exposure(o, -1);
  if (o.pending_cl_ord_id.value != 0) {
    --reserved_;
    o.pending_cl_ord_id = OrderId{};
  }
  o.state = terminal;
  o.leaves = Qty{0};
  o.tsc_done = tsc;

  const std::uint32_t i = pool_.index_of(&o);
  const std::uint32_t prev = live_prev_[i];
  const std::uint32_t next = live_next_[i];
  if (prev != kNil) {
    live_next_[prev] = next;
  } else {
    live_head_ = next;
  }
  if (next != kNil) {
    live_prev_[next] = prev;
  } else {
    live_tail_ = prev;
  }
  --live_count_;
  --exposure_[o.symbol.value].live_orders;

  done_fifo_[(done_head_ + done_count_) % pool_.capacity()] = i;
  ++done_count_;
}

void OrderManager::audit(AuditType type, const Order& o, std::uint64_t ref, Price price, Qty qty, std::uint16_t reason,
                         std::uint64_t tsc) noexcept {
  AuditRecord r;
  r.type = type;
  r.side = static_cast<std::uint8_t>(o.side);
  r.state = static_cast<std::uint8_t>(o.state);
  r.tsc = tsc;
  r.order_id = o.cl_ord_id.value;
  r.ref_id = ref;
  r.price = price.raw;
  r.qty = static_cast<std::int32_t>(qty.value);
  r.symbol = static_cast<std::uint16_t>(o.symbol.value);
  r.reason = reason;
  audit_.record(r);
}

bool OrderManager::seen_exec(std::uint64_t exec_id) noexcept {
  if (exec_id == 0) return false;  // the venue gave none: nothing to compare
  if (exec_seen_.contains(exec_id)) return true;
  const std::size_t cap = exec_seen_.capacity();
  if (exec_count_ == cap) {
    exec_seen_.erase(exec_fifo_[exec_head_]);
    exec_head_ = (exec_head_ + 1) % cap;
    --exec_count_;
  }
  exec_seen_.insert(exec_id, 0);
  exec_fifo_[(exec_head_ + exec_count_) % cap] = exec_id;
  ++exec_count_;
  return false;
}

// ---- requests ------------------------------------------------------------------

SubmitResult OrderManager::submit(const OrderRequest& req, Price risk_price, std::uint64_t tsc) noexcept {
  OrderId id = req.cl_ord_id;
  if (id.value != 0) {
    // Generated ids carry a session >= 1; a caller's id must stay out of
    // that space or a later generated id could repeat it.
    if (OrderIdGenerator::session_of(id) != 0) return {RejectReason::InvalidClientOrderId, nullptr};
    if (by_id_.contains(id.value)) return {RejectReason::DuplicateClientOrderId, nullptr};
  }
  if (!has_room(1)) return {RejectReason::OrderStoreFull, nullptr};
  if (id.value == 0) {
    id = ids_.next();
    if (id.value == 0) return {RejectReason::Overflow, nullptr};
  }
  Order* o = allocate();
  o->cl_ord_id = id;
  o->symbol = req.symbol;
  o->side = req.side;
  o->type = req.type;
  o->tif = req.tif;
  o->state = OrderState::PendingNew;
  o->state_before_request = OrderState::PendingNew;
  o->quantity = req.quantity;
  o->leaves = req.quantity;
  o->price = req.price;
  o->stop_price = req.stop_price;
  o->risk_price = risk_price;
  o->tsc_created = tsc;
  o->flatten = req.flatten;
  if (!by_id_.insert(id.value, pool_.index_of(o))) {
    pool_.release(o);  // unreachable while ids are unique; never store an order we cannot find
    return {RejectReason::DuplicateClientOrderId, nullptr};
  }
  link_live(*o);
  add_exposure(*o, +1);
  ++counters_.submitted;
  audit(AuditType::OrderSubmitted, *o, 0, o->price, o->quantity,
        static_cast<std::uint16_t>(static_cast<unsigned>(o->type) << 8 | static_cast<unsigned>(o->tif)), tsc);
  if (!is_local_stop(*o)) gateway_.send_new(*o);
  return {RejectReason::None, o};
}

void OrderManager::send_cancel(Order& o, OrderId cancel_id, std::uint64_t tsc) noexcept {
  o.state_before_request = o.state;
  o.state = OrderState::PendingCancel;
  o.tsc_request = tsc;
  ++counters_.cancel_requests;
  audit(AuditType::CancelRequested, o, cancel_id.value, Price{}, o.leaves, 0, tsc);
  gateway_.send_cancel(o, cancel_id);
}

RequestResult OrderManager::cancel(OrderId id, std::uint64_t tsc) noexcept {
  Order* o = lookup(id);
  if (o == nullptr) return {RejectReason::UnknownOrder, {}};
  if (is_terminal(o->state)) return {RejectReason::OrderNotLive, {}};
  if (o->state == OrderState::PendingCancel || o->state == OrderState::PendingReplace) {
    return {RejectReason::RequestPending, {}};
  }
  if (is_local_stop(*o)) {
    // Never left the engine: nothing to ask the venue.
    ++counters_.cancel_requests;
    ++counters_.canceled;
    const Qty leaves = o->leaves;
    finish(*o, OrderState::Canceled, tsc);
    audit(AuditType::Canceled, *o, 0, Price{}, leaves, 0, tsc);
    return {RejectReason::None, {}};
  }
  const OrderId cancel_id = ids_.next();
  if (cancel_id.value == 0) return {RejectReason::Overflow, {}};
  send_cancel(*o, cancel_id, tsc);
  return {RejectReason::None, cancel_id};
}

RequestResult OrderManager::replace(OrderId id, Price price, Qty quantity, Price risk_price,
                                    std::uint64_t tsc) noexcept {
  Order* o = lookup(id);
  if (o == nullptr) return {RejectReason::UnknownOrder, {}};
  if (is_terminal(o->state)) return {RejectReason::OrderNotLive, {}};
  if (o->state == OrderState::PendingCancel || o->state == OrderState::PendingReplace) {
    return {RejectReason::RequestPending, {}};
  }
  if (quantity.value <= o->cum.value) return {RejectReason::InvalidQuantity, {}};
  if (price == o->price && quantity == o->quantity) return {RejectReason::NothingToReplace, {}};
  if (!has_room(1)) return {RejectReason::OrderStoreFull, {}};
  const OrderId new_id = ids_.next();
  if (new_id.value == 0) return {RejectReason::Overflow, {}};

  add_exposure(*o, -1);
  o->pending_cl_ord_id = new_id;
  o->pending_price = price;
  o->pending_quantity = quantity;
  o->risk_price = std::max(o->risk_price, risk_price);
  ++reserved_;
  add_exposure(*o, +1);
  ++counters_.replace_requests;
  o->tsc_request = tsc;
  audit(AuditType::ReplaceRequested, *o, new_id.value, price, quantity, 0, tsc);

  if (is_local_stop(*o)) {
    // Not at the venue yet: the new terms take effect at once.
    ExecutionReport done;
    done.kind = ExecKind::Replaced;
    done.cl_ord_id = new_id;
    done.orig_cl_ord_id = o->cl_ord_id;
    done.tsc = tsc;
    o->state_before_request = o->state;
    apply_replaced(*o, done);
    return {RejectReason::None, new_id};
  }
  o->state_before_request = o->state;
  o->state = OrderState::PendingReplace;
  gateway_.send_replace(*o, new_id, price, quantity);
  return {RejectReason::None, new_id};
}

// ---- execution reports ---------------------------------------------------------

ApplyResult OrderManager::anomaly(Anomaly a, const ExecutionReport& r, const Order* o, bool fill_counts) noexcept {
  ++counters_.anomalies[static_cast<std::size_t>(a)];
  AuditRecord rec;
  rec.type = AuditType::ExecAnomaly;
  rec.side = static_cast<std::uint8_t>(r.side);
  rec.state = o != nullptr ? static_cast<std::uint8_t>(o->state) : 0;
  rec.flags = static_cast<std::uint8_t>(r.kind);
  rec.tsc = r.tsc;
  rec.order_id = r.cl_ord_id.value;
  rec.ref_id = r.exec_id;
  rec.price = r.last_px.raw;
  rec.qty = static_cast<std::int32_t>(r.last_qty.value);
  rec.symbol = static_cast<std::uint16_t>(r.symbol.value);
  rec.reason = static_cast<std::uint16_t>(a);
  audit_.record(rec);

  ApplyResult out;
  out.anomaly = a;
  out.order = o;
  if (fill_counts) {
    ++counters_.fills;
    out.fill = FillEffect{true, r.symbol, r.side, r.last_qty, r.last_px};
  }
  return out;
}

ApplyResult OrderManager::apply(const ExecutionReport& r) noexcept {
  const bool on_request = r.kind == ExecKind::Canceled || r.kind == ExecKind::CancelRejected ||
                          r.kind == ExecKind::Replaced || r.kind == ExecKind::ReplaceRejected;
  const OrderId target = on_request && r.orig_cl_ord_id.value != 0 ? r.orig_cl_ord_id : r.cl_ord_id;
  Order* o = lookup(target);

  if (r.kind == ExecKind::Trade) {
    if (seen_exec(r.exec_id)) return anomaly(Anomaly::DuplicateExecId, r, o, false);
    const bool sane = r.last_qty.value > 0 && r.last_px.raw > 0 && r.symbol.value < symbols_;
    if (!sane) return anomaly(Anomaly::InvalidFill, r, o, false);
    if (o == nullptr) return anomaly(Anomaly::UnknownOrder, r, nullptr, true);
    if (o->symbol != r.symbol || o->side != r.side) return anomaly(Anomaly::FieldMismatch, r, o, true);
    if (is_terminal(o->state)) return anomaly(Anomaly::FillAfterDone, r, o, true);
    // A stop we still hold was never sent: the venue cannot have traded it.
    if (is_local_stop(*o)) return anomaly(Anomaly::InvalidTransition, r, o, true);
    return apply_trade(*o, r);
  }
  if (o == nullptr) return anomaly(Anomaly::UnknownOrder, r, nullptr, false);
  if (is_local_stop(*o)) return anomaly(Anomaly::InvalidTransition, r, o, false);

  const OrderState s = o->state;
  const bool pending_request = s == OrderState::PendingCancel || s == OrderState::PendingReplace;
  ApplyResult out;
  out.order = o;
  switch (r.kind) {
    case ExecKind::New:
      if (s == OrderState::PendingNew) {
        o->state = OrderState::New;
      } else if (pending_request && o->state_before_request == OrderState::PendingNew) {
        o->state_before_request = OrderState::New;
      } else if (o->tsc_acked != 0 ||
                 !(s == OrderState::PartiallyFilled || s == OrderState::Filled || pending_request)) {
        return anomaly(Anomaly::InvalidTransition, r, o, false);
      }
      // Otherwise the ack came after the first fill: late, not wrong.
      o->venue_order_id = r.venue_order_id;
      o->tsc_acked = r.tsc;
      ++counters_.acked;
      audit(AuditType::OrderAcked, *o, r.venue_order_id, o->price, o->leaves, 0, r.tsc);
      return out;

    case ExecKind::Rejected:
      if (s != OrderState::PendingNew && !(pending_request && o->state_before_request == OrderState::PendingNew)) {
        return anomaly(Anomaly::InvalidTransition, r, o, false);
      }
      ++counters_.venue_rejects;
      finish(*o, OrderState::Rejected, r.tsc);
      audit(AuditType::OrderRejected, *o, r.venue_reason, o->price, o->quantity, 0, r.tsc);
      return out;

    case ExecKind::Canceled:
    case ExecKind::Expired: {
      if (is_terminal(s)) return anomaly(Anomaly::InvalidTransition, r, o, false);
      const Qty leaves = o->leaves;
      const bool expired = r.kind == ExecKind::Expired;
      ++(expired ? counters_.expired : counters_.canceled);
      finish(*o, expired ? OrderState::Expired : OrderState::Canceled, r.tsc);
      audit(expired ? AuditType::Expired : AuditType::Canceled, *o, r.venue_order_id, Price{}, leaves, 0, r.tsc);
      return out;
    }

    case ExecKind::CancelRejected:
      if (s == OrderState::PendingCancel) {
        o->state = o->state_before_request;
      } else if (!is_terminal(s)) {
        return anomaly(Anomaly::InvalidTransition, r, o, false);
      }
      // On a done order this is the venue's "too late to cancel": expected.
      ++counters_.cancel_rejects;
      audit(AuditType::CancelRejected, *o, r.cl_ord_id.value, Price{}, o->leaves, r.venue_reason, r.tsc);
      if (r.venue_reason == kCxlRejUnknownOrder && !is_terminal(o->state)) {
        // The venue does not know the order (it restarted, or lost its
        // book): nothing of it works there, so it is done here too, and the
        // audit log says so. Left live it would be cancelled again forever.
        const Qty leaves = o->leaves;
        ++counters_.canceled;
        finish(*o, OrderState::Canceled, r.tsc);
        audit(AuditType::Canceled, *o, 0, Price{}, leaves, r.venue_reason, r.tsc);
      }
      return out;

    case ExecKind::ReplaceRejected:
      if (s == OrderState::PendingReplace) {
        add_exposure(*o, -1);
        o->state = o->state_before_request;
        o->pending_cl_ord_id = OrderId{};
        --reserved_;
        add_exposure(*o, +1);
      } else if (!is_terminal(s)) {
        return anomaly(Anomaly::InvalidTransition, r, o, false);
      }
      ++counters_.replace_rejects;
      audit(AuditType::ReplaceRejected, *o, r.cl_ord_id.value, Price{}, o->leaves, r.venue_reason, r.tsc);
      return out;

    case ExecKind::Replaced:
      if (s != OrderState::PendingReplace) return anomaly(Anomaly::InvalidTransition, r, o, false);
      return apply_replaced(*o, r);

    case ExecKind::Trade:
      break;
  }
  return out;
}

ApplyResult OrderManager::apply_trade(Order& o, const ExecutionReport& r) noexcept {
  ++counters_.fills;
  ApplyResult out;
  out.order = &o;
  out.fill = FillEffect{true, r.symbol, r.side, r.last_qty, r.last_px};

  const bool overfill = r.last_qty > o.leaves;
  const Qty applied = overfill ? o.leaves : r.last_qty;
  add_exposure(o, -1);
  o.cum += applied;
  o.leaves -= applied;
  o.fill_notional += static_cast<core::int128>(r.last_px.raw) * applied.value;
  o.tsc_last_fill = r.tsc;
  if (o.venue_order_id == 0) o.venue_order_id = r.venue_order_id;
  if (o.leaves.value == 0) {
    ++counters_.filled_orders;
    add_exposure(o, +1);  // finish() takes the (now empty) exposure back off
    finish(o, OrderState::Filled, r.tsc);
  } else {
    if (o.state == OrderState::PendingCancel || o.state == OrderState::PendingReplace) {
      o.state_before_request = OrderState::PartiallyFilled;
    } else {
      o.state = OrderState::PartiallyFilled;
    }
    add_exposure(o, +1);
  }
  audit(AuditType::Fill, o, r.exec_id, r.last_px, r.last_qty, 0, r.tsc);
  if (overfill) {
    // Booked in full above (positions); the order itself stops at Filled.
    ApplyResult a = anomaly(Anomaly::Overfill, r, &o, false);
    a.fill = out.fill;
    return a;
  }
  return out;
}

ApplyResult OrderManager::apply_replaced(Order& old, const ExecutionReport& r) noexcept {
  // A copy: once `old` is done, making room for the new order may drop it.
  const Order prev = old;
  const bool local = is_local_stop(old);

  finish(old, OrderState::Replaced, r.tsc);  // releases the reserved slot
  Order* n = allocate();                     // cannot fail: the slot was reserved
  n->cl_ord_id = prev.pending_cl_ord_id;
  n->venue_order_id = r.venue_order_id != 0 ? r.venue_order_id : prev.venue_order_id;
  n->orig_cl_ord_id = prev.cl_ord_id;
  n->symbol = prev.symbol;
  n->side = prev.side;
  n->type = prev.type;
  n->tif = prev.tif;
  n->stop_price = prev.stop_price;
  n->stop_triggered = prev.stop_triggered;
  n->risk_price = prev.risk_price;
  n->quantity = prev.pending_quantity;
  n->cum = prev.cum;
  // Fills on the old terms may have reached the new quantity: FIX then has
  // the venue ack the replace with nothing left, and the order is done.
  n->leaves = Qty{std::max<std::int64_t>(0, prev.pending_quantity.value - prev.cum.value)};
  n->price = prev.pending_price;
  n->fill_notional = prev.fill_notional;
  n->state = local ? OrderState::PendingNew : (prev.cum.value > 0 ? OrderState::PartiallyFilled : OrderState::New);
  n->state_before_request = n->state;
  n->tsc_created = prev.tsc_created;
  n->tsc_acked = local ? 0 : r.tsc;
  n->tsc_last_fill = prev.tsc_last_fill;
  // The new id came from our generator and caller ids live outside its
  // space, so it is not in the index yet.
  by_id_.insert(n->cl_ord_id.value, pool_.index_of(n));
  link_live(*n);
  add_exposure(*n, +1);
  ++counters_.replaced;
  audit(AuditType::Replaced, *n, prev.cl_ord_id.value, n->price, n->leaves, 0, r.tsc);
  if (n->leaves.value == 0) {
    ++counters_.filled_orders;
    finish(*n, OrderState::Filled, r.tsc);
  }
  if (r.cl_ord_id.value != 0 && r.cl_ord_id != n->cl_ord_id) {
    return anomaly(Anomaly::FieldMismatch, r, n, false);
  }
  ApplyResult out;
  out.order = n;
  return out;
}

}  // namespace hft::trading
