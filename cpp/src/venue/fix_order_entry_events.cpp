// Matching-engine events of one participant into the reports a venue sends:
// ExecutionReports (New, Trade, Canceled, Replaced, Triggered, Rejected) and
// OrderCancelRejects.

#include <algorithm>

#include "hft/venue/fix_order_entry.h"

namespace hft::venue {

namespace fix = protocol::fix;

void FixOrderEntry::on_events(const Event* events, std::size_t count) noexcept {
  for (std::size_t i = 0; i < count; ++i) on_engine_event(events[i]);
}

void FixOrderEntry::on_engine_event(const Event& e) noexcept {
  Order* o = e.participant == participant_ ? order_of(e.client_order_id) : nullptr;
  if (o == nullptr) {
    ++counters_.stray_events;
    return;
  }
  switch (e.kind) {
    case EventKind::Accepted:
      on_accepted(e, *o);
      break;
    case EventKind::Rejected:
      on_rejected(e, *o);
      break;
    case EventKind::Fill:
      on_fill(e, *o);
      break;
    case EventKind::Cancelled:
      on_cancelled(e, *o);
      break;
    case EventKind::Replaced:
      on_replaced(e, *o);
      break;
    case EventKind::Triggered:
      on_triggered(e, *o);
      break;
    default:
      ++counters_.stray_events;  // book events are the ITCH writer's
      break;
  }
}

void FixOrderEntry::on_accepted(const Event& e, Order& o) noexcept {
  o.venue_id = e.order_id;
  o.status = ord_status::kNew;
  send_report(report_of(o, exec_type::kNew, e.timestamp_ns), e.timestamp_ns);
}

void FixOrderEntry::on_rejected(const Event& e, Order& o) noexcept {
  const std::uint32_t s = slot_of(o);
  const bool ours = pending_.slot == s;
  switch (e.input) {
    case InputKind::NewOrder: {
      if (!ours || pending_.kind != Pending::Kind::New) break;
      o.status = ord_status::kRejected;
      ExecReportFields f = report_of(o, exec_type::kRejected, e.timestamp_ns);
      f.order_id = 0;  // never entered the book: "NONE"
      f.leaves_qty = 0;
      f.ord_rej_reason = ord_rej_reason_of(e.reject);
      f.text = to_string(e.reject);
      ++counters_.orders_rejected;
      send_report(f, e.timestamp_ns);
      finish(o, ord_status::kRejected);
      return;
    }
    case InputKind::Cancel:
    case InputKind::Replace: {
      const Pending::Kind want = e.input == InputKind::Cancel ? Pending::Kind::Cancel : Pending::Kind::Replace;
      if (!ours || pending_.kind != want) break;
      reject_cancel(s, pending_.cl_ord_id, o.cl_ord_id(), e.input == InputKind::Cancel ? '1' : '2',
                    cxl_rej_reason_of(e.reject), to_string(e.reject), e.timestamp_ns);
      return;
    }
    case InputKind::TradingState:
      break;
  }
  ++counters_.stray_events;
}

void FixOrderEntry::on_fill(const Event& e, Order& o) noexcept {
  o.cum_qty += e.qty;
  o.notional += core::int128{e.price.raw} * e.qty;
  o.status = e.leaves == 0 ? ord_status::kFilled : ord_status::kPartiallyFilled;
  ExecReportFields f = report_of(o, exec_type::kTrade, e.timestamp_ns);
  f.last_qty = e.qty;
  f.last_px = e.price;
  f.leaves_qty = e.leaves;
  f.trd_match_id = e.other;
  ++counters_.fills;
  send_report(f, e.timestamp_ns);
  if (e.leaves == 0) finish(o, ord_status::kFilled);
}

void FixOrderEntry::on_cancelled(const Event& e, Order& o) noexcept {
  o.status = ord_status::kCanceled;
  ExecReportFields f = report_of(o, exec_type::kCanceled, e.timestamp_ns);
  f.leaves_qty = 0;
  if (e.cancel_reason == CancelReason::User && pending_.kind == Pending::Kind::Cancel && pending_.slot == slot_of(o)) {
    // The answer to a cancel request carries the request's ClOrdID.
    f.cl_ord_id = pending_.cl_ord_id;
    f.orig_cl_ord_id = o.cl_ord_id();
  } else {
    f.text = to_string(e.cancel_reason);  // ioc, fill_or_kill, self_match, no_liquidity, ...
  }
  send_report(f, e.timestamp_ns);
  finish(o, ord_status::kCanceled);
}

void FixOrderEntry::on_replaced(const Event& e, Order& o) noexcept {
  const std::uint32_t s = slot_of(o);
  const bool answer = pending_.kind == Pending::Kind::Replace && pending_.slot == s;
  o.venue_id = e.order_id;  // a new id when priority was lost
  o.order_qty = e.qty;
  o.price = e.price;
  if (answer) o.stop_price = pending_.stop_price;
  o.status = e.leaves == 0 ? ord_status::kFilled : o.cum_qty > 0 ? ord_status::kPartiallyFilled : ord_status::kNew;
  ExecReportFields f = report_of(o, exec_type::kReplaced, e.timestamp_ns);
  f.leaves_qty = e.leaves;
  if (answer) {
    f.cl_ord_id = pending_.cl_ord_id;
    f.orig_cl_ord_id = o.cl_ord_id();
  }
  send_report(f, e.timestamp_ns);
  // From here on the order answers to its new ClOrdID.
  if (answer) index(s, pending_.cl_ord_id);
  if (e.leaves == 0) finish(o, ord_status::kFilled);
}

void FixOrderEntry::on_triggered(const Event& e, Order& o) noexcept {
  ExecReportFields f = report_of(o, exec_type::kTriggered, e.timestamp_ns);
  f.text = "stop triggered";
  send_report(f, e.timestamp_ns);
}

// ---------------------------------------------------------------- reports

ExecReportFields FixOrderEntry::report_of(const Order& o, char exec_type, std::int64_t transact_ns) noexcept {
  ExecReportFields f;
  f.order_id = o.venue_id;
  f.exec_id = exec_ids_.next();
  f.cl_ord_id = o.cl_ord_id();
  f.exec_type = exec_type;
  f.ord_status = o.status;
  f.symbol = symbols_[o.instrument].view();
  f.side = o.fix_side;
  f.order_qty = o.order_qty;
  f.ord_type = fix_ord_type(o.type);
  f.time_in_force = fix_time_in_force(o.tif);
  f.price = o.price;
  f.has_price = o.type == OrderType::Limit || o.type == OrderType::StopLimit;
  f.stop_px = o.stop_price;
  f.has_stop_px = o.type == OrderType::Stop || o.type == OrderType::StopLimit;
  f.leaves_qty = o.live ? std::max<std::int64_t>(0, o.order_qty - o.cum_qty) : 0;
  f.cum_qty = o.cum_qty;
  f.avg_px = average_price(o.notional, o.cum_qty);
  f.transact_time_ns = transact_ns;
  return f;
}

void FixOrderEntry::send_report(const ExecReportFields& f, std::int64_t now_ns) noexcept {
  if (session_ == nullptr) {
    ++counters_.reports_lost;
    return;
  }
  // Queued while the client is away: the fill reaches it by resend.
  const fix::SendStatus st = session_->send(
      now_ns,
      [&f](fix::Encoder& e, std::uint64_t seq, std::int64_t t) { return encode_execution_report(e, seq, t, f); }, true);
  if (st == fix::SendStatus::Sent) {
    ++counters_.reports_sent;
  } else if (st == fix::SendStatus::Queued) {
    ++counters_.reports_queued;
  } else {
    ++counters_.reports_lost;
  }
}

void FixOrderEntry::send_cancel_reject(const CancelRejectFields& f, std::int64_t now_ns) noexcept {
  ++counters_.cancel_rejects;
  if (session_ == nullptr) {
    ++counters_.reports_lost;
    return;
  }
  const fix::SendStatus st = session_->send(
      now_ns, [&f](fix::Encoder& e, std::uint64_t seq, std::int64_t t) { return encode_cancel_reject(e, seq, t, f); },
      true);
  if (st == fix::SendStatus::Sent) {
    ++counters_.reports_sent;
  } else if (st == fix::SendStatus::Queued) {
    ++counters_.reports_queued;
  } else {
    ++counters_.reports_lost;
  }
}

void FixOrderEntry::reject_new_order(std::string_view cl_ord_id, std::string_view symbol, char side, std::int64_t qty,
                                     char ord_type, char tif, std::int32_t reason, std::string_view text,
                                     std::int64_t now_ns) noexcept {
  ExecReportFields f;
  f.order_id = 0;
  f.exec_id = exec_ids_.next();
  f.cl_ord_id = cl_ord_id;
  f.exec_type = exec_type::kRejected;
  f.ord_status = ord_status::kRejected;
  f.symbol = symbol;
  f.side = side;
  f.order_qty = qty;
  f.ord_type = ord_type;
  f.time_in_force = tif;
  f.transact_time_ns = now_ns;
  f.ord_rej_reason = reason;
  f.text = text;
  ++counters_.orders_rejected;
  send_report(f, now_ns);
}

void FixOrderEntry::reject_cancel(std::uint32_t slot, std::string_view cl_ord_id, std::string_view orig_cl_ord_id,
                                  char response_to, std::int32_t reason, std::string_view text,
                                  std::int64_t now_ns) noexcept {
  CancelRejectFields f;
  if (slot != kNone) {
    f.order_id = table_[slot].venue_id;
    f.ord_status = table_[slot].status;
  }
  f.cl_ord_id = cl_ord_id;
  f.orig_cl_ord_id = orig_cl_ord_id;
  f.response_to = response_to;
  f.reason = reason;
  f.transact_time_ns = now_ns;
  f.text = text;
  send_cancel_reject(f, now_ns);
}

}  // namespace hft::venue
