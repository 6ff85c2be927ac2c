#include "peer_venue.h"

#include <cstdlib>
#include <utility>

#include <quickfix/fix44/ExecutionReport.h>
#include <quickfix/fix44/OrderCancelReject.h>

namespace hft {
namespace interop {
namespace {

// A market order has no price to fill at; the venue uses this one.
const char kMarketFillPrice[] = "100";
// CxlRejResponseTo (434): which request an OrderCancelReject answers.
constexpr char kResponseToCancel = '1';
constexpr char kResponseToReplace = '2';

std::string field_or(const FIX::FieldMap& m, int tag, const std::string& fallback) {
  return m.isSetField(tag) ? m.getField(tag) : fallback;
}

double number(const FIX::FieldMap& m, int tag) { return m.isSetField(tag) ? std::atof(m.getField(tag).c_str()) : 0.0; }

char first_char(const FIX::FieldMap& m, int tag, char fallback) {
  const std::string v = field_or(m, tag, "");
  return v.empty() ? fallback : v[0];
}

bool poss_dup(const FIX::Message& m) {
  return m.getHeader().isSetField(FIX::FIELD::PossDupFlag) && m.getHeader().getField(FIX::FIELD::PossDupFlag) == "Y";
}

FIX::TransactTime now_ms() { return FIX::TransactTime(FIX::UtcTimeStamp(), 3); }

}  // namespace

Venue::Venue(std::string firm) : firm_(std::move(firm)) {}

std::vector<FIX::Message> Venue::on_message(const FIX::Message& m) {
  const std::string type = m.getHeader().getField(FIX::FIELD::MsgType);
  if (type == "D") return new_order(m);
  if (type == "F") return cancel(m);
  if (type == "G") return replace(m);
  return {};
}

Venue::Order* Venue::open_order(const std::string& cl_ord_id) {
  auto it = orders_.find(cl_ord_id);
  if (it == orders_.end()) return nullptr;
  const char s = it->second.status;
  return s == '0' || s == '1' ? &it->second : nullptr;
}

FIX::Message Venue::report(const Order& o, char exec_type, const std::string& orig_cl_ord_id) {
  FIX44::ExecutionReport er{
      FIX::OrderID(o.order_id), FIX::ExecID("E" + std::to_string(next_exec_++)),
      FIX::ExecType(exec_type), FIX::OrdStatus(o.status),
      FIX::Side(o.side),        FIX::LeavesQty(o.status == '0' || o.status == '1' ? o.qty - o.cum_qty : 0),
      FIX::CumQty(o.cum_qty),   FIX::AvgPx(o.avg_px)};
  er.set(FIX::ClOrdID(o.cl_ord_id));
  if (!orig_cl_ord_id.empty()) er.set(FIX::OrigClOrdID(orig_cl_ord_id));
  FIX44::ExecutionReport::NoPartyIDs party;
  party.set(FIX::PartyID(firm_));
  party.set(FIX::PartyIDSource(FIX::PartyIDSource_PROPRIETARY));
  party.set(FIX::PartyRole(FIX::PartyRole_EXECUTING_FIRM));
  er.addGroup(party);
  er.set(FIX::Symbol(o.symbol));
  er.set(FIX::OrderQty(o.qty));
  er.set(FIX::OrdType(o.ord_type));
  if (!o.price.empty()) {
    FIX::Price p;
    p.setString(o.price);
    er.set(p);
  }
  er.set(now_ms());
  return std::move(er);
}

FIX::Message Venue::trade(Order& o, double qty, const std::string& price) {
  const double px = std::atof(price.c_str());
  o.avg_px = (o.avg_px * o.cum_qty + px * qty) / (o.cum_qty + qty);
  o.cum_qty += qty;
  o.status = o.cum_qty >= o.qty ? '2' : '1';
  FIX::Message er = report(o, FIX::ExecType_TRADE, "");
  er.setField(FIX::LastQty(qty));
  FIX::LastPx last_px;
  last_px.setString(price);
  er.setField(last_px);
  return er;
}

FIX::Message Venue::cancel_reject(const FIX::Message& request, const Order* o, char response_to, int reason) {
  // An unknown order has no status of its own: FIX 4.4 answers Rejected.
  FIX44::OrderCancelReject r{
      FIX::OrderID(o != nullptr ? o->order_id : "NONE"), FIX::ClOrdID(field_or(request, FIX::FIELD::ClOrdID, "")),
      FIX::OrigClOrdID(field_or(request, FIX::FIELD::OrigClOrdID, "")),
      FIX::OrdStatus(o != nullptr ? o->status : FIX::OrdStatus_REJECTED), FIX::CxlRejResponseTo(response_to)};
  r.set(FIX::CxlRejReason(reason));
  r.set(FIX::Text(o != nullptr ? "order is not open" : "unknown order"));
  return std::move(r);
}

std::vector<FIX::Message> Venue::new_order(const FIX::Message& m) {
  const std::string id = field_or(m, FIX::FIELD::ClOrdID, "");
  std::vector<FIX::Message> out;
  if (!seen_.insert(id).second) {
    if (poss_dup(m)) return out;  // a resend of an order already handled
    Order dup;
    dup.order_id = "NONE";
    dup.cl_ord_id = id;
    dup.symbol = field_or(m, FIX::FIELD::Symbol, "");
    dup.side = first_char(m, FIX::FIELD::Side, '1');
    dup.ord_type = first_char(m, FIX::FIELD::OrdType, '2');
    dup.qty = number(m, FIX::FIELD::OrderQty);
    dup.status = FIX::OrdStatus_REJECTED;
    FIX::Message er = report(dup, FIX::ExecType_REJECTED, "");
    er.setField(FIX::OrdRejReason(FIX::OrdRejReason_DUPLICATE_ORDER));
    out.push_back(er);
    return out;
  }
  Order o;
  o.order_id = "O" + std::to_string(next_order_++);
  o.cl_ord_id = id;
  o.symbol = field_or(m, FIX::FIELD::Symbol, "");
  o.side = first_char(m, FIX::FIELD::Side, '1');
  o.ord_type = first_char(m, FIX::FIELD::OrdType, '2');
  o.qty = number(m, FIX::FIELD::OrderQty);
  o.price = field_or(m, FIX::FIELD::Price, "");
  o.status = FIX::OrdStatus_NEW;
  Order& stored = orders_[id] = o;
  out.push_back(report(stored, FIX::ExecType_NEW, ""));
  if (auto_fill_) out.push_back(trade(stored, stored.qty, stored.price.empty() ? kMarketFillPrice : stored.price));
  return out;
}

std::vector<FIX::Message> Venue::cancel(const FIX::Message& m) {
  const std::string orig = field_or(m, FIX::FIELD::OrigClOrdID, "");
  const std::string id = field_or(m, FIX::FIELD::ClOrdID, "");
  std::vector<FIX::Message> out;
  Order* o = open_order(orig);
  if (o == nullptr) {
    const auto known = orders_.find(orig);
    const Order* ko = known == orders_.end() ? nullptr : &known->second;
    out.push_back(
        cancel_reject(m, ko, kResponseToCancel,
                      ko != nullptr ? FIX::CxlRejReason_TOO_LATE_TO_CANCEL : FIX::CxlRejReason_UNKNOWN_ORDER));
    return out;
  }
  seen_.insert(id);
  Order canceled = *o;
  orders_.erase(orig);
  canceled.cl_ord_id = id;
  canceled.status = FIX::OrdStatus_CANCELED;
  out.push_back(report(orders_[id] = canceled, FIX::ExecType_CANCELED, orig));
  return out;
}

std::vector<FIX::Message> Venue::replace(const FIX::Message& m) {
  const std::string orig = field_or(m, FIX::FIELD::OrigClOrdID, "");
  const std::string id = field_or(m, FIX::FIELD::ClOrdID, "");
  std::vector<FIX::Message> out;
  Order* o = open_order(orig);
  const double qty = number(m, FIX::FIELD::OrderQty);
  if (o == nullptr || qty <= o->cum_qty) {
    const auto known = orders_.find(orig);
    const Order* ko = known == orders_.end() ? nullptr : &known->second;
    out.push_back(
        cancel_reject(m, ko, kResponseToReplace,
                      ko != nullptr ? FIX::CxlRejReason_TOO_LATE_TO_CANCEL : FIX::CxlRejReason_UNKNOWN_ORDER));
    return out;
  }
  seen_.insert(id);
  Order replaced = *o;
  orders_.erase(orig);
  replaced.cl_ord_id = id;
  replaced.qty = qty;
  replaced.ord_type = first_char(m, FIX::FIELD::OrdType, replaced.ord_type);
  replaced.price = field_or(m, FIX::FIELD::Price, replaced.price);
  out.push_back(report(orders_[id] = replaced, FIX::ExecType_REPLACE, orig));
  return out;
}

bool Venue::fill(const std::string& cl_ord_id, double qty, const std::string& price, std::vector<FIX::Message>& out,
                 std::string& error) {
  Order* o = open_order(cl_ord_id);
  if (o == nullptr) {
    error = "no open order " + cl_ord_id;
    return false;
  }
  const double left = o->qty - o->cum_qty;
  if (qty <= 0) qty = left;
  if (qty > left) {
    error = "fill of " + std::to_string(qty) + " exceeds the " + std::to_string(left) + " left";
    return false;
  }
  const std::string px = !price.empty() ? price : (!o->price.empty() ? o->price : kMarketFillPrice);
  out.push_back(trade(*o, qty, px));
  return true;
}

}  // namespace interop
}  // namespace hft
