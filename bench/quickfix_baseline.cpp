// Built as C++14: QuickFIX's headers have dynamic exception specifications.
#include "quickfix_baseline.h"

#include <ctime>
#include <utility>

#include <quickfix/Exceptions.h>
#include <quickfix/FixFields.h>
#include <quickfix/Message.h>

namespace hft {
namespace bench {
namespace quickfix {

namespace {

constexpr double kPriceScale = 10'000.0;

template <typename F>
auto get(const FIX::FieldMap& m) {
  F f;
  m.getField(f);
  return f.getValue();
}

// An optional field: false (and `out` untouched) when absent.
template <typename F, typename T>
bool get_if(const FIX::FieldMap& m, T& out) {
  F f;
  if (!m.getFieldIfSet(f)) return false;
  out = f.getValue();
  return true;
}

template <typename Out>
void read_header(const FIX::Message& msg, Out& out) {
  const FIX::Header& h = msg.getHeader();
  out.sender_comp_id = get<FIX::SenderCompID>(h);
  out.target_comp_id = get<FIX::TargetCompID>(h);
  out.msg_seq_num = get<FIX::MsgSeqNum>(h);
  // Kept as text, as our view keeps it.
  out.sending_time = h.getField(FIX::FIELD::SendingTime);
  get_if<FIX::PossDupFlag>(h, out.poss_dup);
}

FIX::UtcTimeStamp timestamp(std::int64_t ns) {
  const std::int64_t sec = ns / 1'000'000'000;
  const auto ms = static_cast<int>(ns % 1'000'000'000 / 1'000'000);
  return FIX::UtcTimeStamp(static_cast<std::time_t>(sec), ms, 3);
}

void fill_header(FIX::Message& msg, const char* msg_type, const std::string& sender, const std::string& target,
                 std::uint64_t seq_num, std::int64_t sending_time_ns) {
  FIX::Header& h = msg.getHeader();
  h.setField(FIX::BeginString("FIX.4.4"));
  h.setField(FIX::MsgType(msg_type));
  h.setField(FIX::SenderCompID(sender));
  h.setField(FIX::TargetCompID(target));
  h.setField(FIX::MsgSeqNum(static_cast<int>(seq_num)));
  h.setField(FIX::SendingTime(timestamp(sending_time_ns), 3));
}

}  // namespace

bool Parser::parse_order(const std::string& wire, OrderFields& out) const {
  try {
    FIX::Message msg;
    msg.setString(wire, validate_);
    read_header(msg, out);
    out.cl_ord_id = get<FIX::ClOrdID>(msg);
    get_if<FIX::Account>(msg, out.account);
    out.symbol = get<FIX::Symbol>(msg);
    out.side = get<FIX::Side>(msg);
    out.transact_time = msg.getField(FIX::FIELD::TransactTime);
    out.order_qty = get<FIX::OrderQty>(msg);
    out.ord_type = get<FIX::OrdType>(msg);
    out.has_price = get_if<FIX::Price>(msg, out.price);
    out.has_stop_px = get_if<FIX::StopPx>(msg, out.stop_px);
    get_if<FIX::TimeInForce>(msg, out.time_in_force);
    return true;
  } catch (const FIX::Exception&) {
    return false;
  }
}

bool Parser::parse_report(const std::string& wire, ReportFields& out) const {
  try {
    FIX::Message msg;
    msg.setString(wire, validate_);
    read_header(msg, out);
    out.order_id = get<FIX::OrderID>(msg);
    out.exec_id = get<FIX::ExecID>(msg);
    out.exec_type = get<FIX::ExecType>(msg);
    out.ord_status = get<FIX::OrdStatus>(msg);
    out.symbol = get<FIX::Symbol>(msg);
    out.side = get<FIX::Side>(msg);
    out.leaves_qty = get<FIX::LeavesQty>(msg);
    out.cum_qty = get<FIX::CumQty>(msg);
    out.avg_px = get<FIX::AvgPx>(msg);
    get_if<FIX::ClOrdID>(msg, out.cl_ord_id);
    get_if<FIX::OrigClOrdID>(msg, out.orig_cl_ord_id);
    get_if<FIX::Account>(msg, out.account);
    get_if<FIX::OrderQty>(msg, out.order_qty);
    out.has_price = get_if<FIX::Price>(msg, out.price);
    get_if<FIX::LastQty>(msg, out.last_qty);
    get_if<FIX::LastPx>(msg, out.last_px);
    if (msg.isSetField(FIX::FIELD::TransactTime)) out.transact_time = msg.getField(FIX::FIELD::TransactTime);
    get_if<FIX::Text>(msg, out.text);
    get_if<FIX::OrdRejReason>(msg, out.ord_rej_reason);
    return true;
  } catch (const FIX::Exception&) {
    return false;
  }
}

Encoder::Encoder(std::string sender_comp_id, std::string target_comp_id)
    : sender_(std::move(sender_comp_id)), target_(std::move(target_comp_id)) {}

const std::string& Encoder::encode_order(std::uint64_t seq_num, std::int64_t sending_time_ns,
                                         const fix_corpus::Order& o) {
  FIX::Message msg;
  fill_header(msg, "D", sender_, target_, seq_num, sending_time_ns);
  msg.setField(FIX::ClOrdID(o.cl_ord_id));
  if (!o.account.empty()) msg.setField(FIX::Account(o.account));
  msg.setField(FIX::Symbol(o.symbol));
  msg.setField(FIX::Side(o.side));
  // The text as given, as our encoder copies it (cheaper for QuickFIX than
  // formatting a UtcTimeStamp).
  msg.setField(FIX::FIELD::TransactTime, o.transact_time);
  msg.setField(FIX::OrderQty(static_cast<double>(o.order_qty)));
  msg.setField(FIX::OrdType(o.ord_type));
  if (o.has_price) msg.setField(FIX::Price(static_cast<double>(o.price) / kPriceScale));
  if (o.has_stop_px) msg.setField(FIX::StopPx(static_cast<double>(o.stop_px) / kPriceScale));
  msg.setField(FIX::TimeInForce(o.time_in_force));
  return msg.toString(out_);
}

const std::string& Encoder::encode_report(std::uint64_t seq_num, std::int64_t sending_time_ns,
                                          const fix_corpus::Report& r) {
  FIX::Message msg;
  fill_header(msg, "8", sender_, target_, seq_num, sending_time_ns);
  msg.setField(FIX::OrderID(r.order_id));
  if (!r.cl_ord_id.empty()) msg.setField(FIX::ClOrdID(r.cl_ord_id));
  if (!r.orig_cl_ord_id.empty()) msg.setField(FIX::OrigClOrdID(r.orig_cl_ord_id));
  msg.setField(FIX::ExecID(r.exec_id));
  msg.setField(FIX::ExecType(r.exec_type));
  msg.setField(FIX::OrdStatus(r.ord_status));
  if (!r.account.empty()) msg.setField(FIX::Account(r.account));
  msg.setField(FIX::Symbol(r.symbol));
  msg.setField(FIX::Side(r.side));
  if (r.order_qty != 0) msg.setField(FIX::OrderQty(static_cast<double>(r.order_qty)));
  if (r.has_price) msg.setField(FIX::Price(static_cast<double>(r.price) / kPriceScale));
  if (r.last_qty != 0) {
    msg.setField(FIX::LastQty(static_cast<double>(r.last_qty)));
    msg.setField(FIX::LastPx(static_cast<double>(r.last_px) / kPriceScale));
  }
  msg.setField(FIX::LeavesQty(static_cast<double>(r.leaves_qty)));
  msg.setField(FIX::CumQty(static_cast<double>(r.cum_qty)));
  msg.setField(FIX::AvgPx(static_cast<double>(r.avg_px) / kPriceScale));
  if (r.ord_rej_reason >= 0) msg.setField(FIX::OrdRejReason(static_cast<int>(r.ord_rej_reason)));
  if (!r.transact_time.empty()) msg.setField(FIX::FIELD::TransactTime, r.transact_time);
  if (!r.text.empty()) msg.setField(FIX::Text(r.text));
  return msg.toString(out_);
}

}  // namespace quickfix
}  // namespace bench
}  // namespace hft
