#include "hft/engine/fix_order_gateway.h"

#include <charconv>
#include <utility>

#include "hft/core/clock.h"

namespace hft::engine {

namespace fix = protocol::fix;

namespace {

// Room for the longest uint64 in decimal.
struct IdText {
  char data[24];
  std::size_t size{0};
  explicit IdText(std::uint64_t v) noexcept {
    const auto r = std::to_chars(data, data + sizeof data, v);
    size = static_cast<std::size_t>(r.ptr - data);
  }
  std::string_view view() const noexcept { return {data, size}; }
};

char side_char(core::Side s) noexcept { return s == core::Side::Buy ? '1' : '2'; }

bool has_limit(trading::OrderType t) noexcept {
  return t == trading::OrderType::Limit || t == trading::OrderType::StopLimit;
}
bool has_stop(trading::OrderType t) noexcept {
  return t == trading::OrderType::Stop || t == trading::OrderType::StopLimit;
}

}  // namespace

bool parse_order_id(std::string_view text, trading::OrderId& out) noexcept {
  if (text.empty()) return false;
  std::uint64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size()) return false;
  out = trading::OrderId{v};
  return true;
}

std::uint64_t id_to_u64(std::string_view text) noexcept {
  trading::OrderId numeric;
  if (parse_order_id(text, numeric)) return numeric.value;
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// ---------------------------------------------------------------- gateway

FixOrderGateway::FixOrderGateway(std::vector<std::string> symbols, std::string account)
    : symbols_(std::move(symbols)), account_(std::move(account)) {}

std::string_view FixOrderGateway::symbol_of(const trading::Order& order) noexcept {
  if (order.symbol.value >= symbols_.size()) {
    ++counters_.unknown_symbol;
    return {};
  }
  return symbols_[order.symbol.value];
}

void FixOrderGateway::refused(trading::ExecKind kind, const trading::Order& order,
                              trading::OrderId request_id) noexcept {
  if (unsent_count_ == unsent_.size()) {
    ++counters_.unsent_overflow;
    return;
  }
  trading::ExecutionReport& r = unsent_[unsent_count_++];
  r = trading::ExecutionReport{};
  r.kind = kind;
  r.cl_ord_id = kind == trading::ExecKind::Rejected ? order.cl_ord_id : request_id;
  r.orig_cl_ord_id = kind == trading::ExecKind::Rejected ? trading::OrderId{} : order.cl_ord_id;
  r.venue_order_id = order.venue_order_id;
  r.symbol = order.symbol;
  r.side = order.side;
  r.leaves = kind == trading::ExecKind::Rejected ? trading::Qty{} : order.leaves;
  r.cum = order.cum;
  r.venue_reason = kNotSentReason;
  r.tsc = core::Clock::now();
}

template <typename Build>
bool FixOrderGateway::send(Build&& build) noexcept {
  if (session_ == nullptr) {
    ++counters_.not_sent;
    return false;
  }
  // Not queued while offline: an order the venue would see minutes later at
  // a stale price is worse than one never sent.
  const fix::SendStatus s = session_->send(now_ns_, build);
  if (s != fix::SendStatus::Sent) {
    ++counters_.not_sent;
    return false;
  }
  return true;
}

void FixOrderGateway::send_new(const trading::Order& order) noexcept {
  if (stages_ != nullptr) stages_->gateway();
  const std::string_view symbol = symbol_of(order);
  if (symbol.empty()) return;
  const IdText id(order.cl_ord_id.value);
  const bool sent = send([&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
    e.begin("D", seq, t);
    e.add_str(11, id.view());
    if (!account_.empty()) e.add_str(1, account_);
    e.add_str(55, symbol);
    e.add_char(54, side_char(order.side));
    e.add_utc_timestamp(60, t);
    e.add_int(38, order.quantity.value);
    e.add_char(40, static_cast<char>(order.type));
    if (has_limit(order.type)) e.add_price(44, order.price);
    if (has_stop(order.type)) e.add_price(99, order.stop_price);
    e.add_char(59, static_cast<char>(order.tif));
    return e.finish();
  });
  if (sent) {
    ++counters_.new_orders;
  } else {
    refused(trading::ExecKind::Rejected, order, order.cl_ord_id);
  }
}

namespace {

// The ids and names a cancel (F) and a cancel/replace (G) both carry.
struct Amendment {
  std::string_view orig_cl_ord_id;
  std::string_view cl_ord_id;
  std::string_view venue_order_id;
  std::string_view account;
  std::string_view symbol;
};

// F and G open the same way: which order (41, 11, 37 when the venue named
// it), whose (1), what (55, 54) and when (60).
void begin_amendment(fix::Encoder& e, std::string_view msg_type, std::uint64_t seq, std::int64_t t,
                     const trading::Order& order, const Amendment& a) noexcept {
  e.begin(msg_type, seq, t);
  e.add_str(41, a.orig_cl_ord_id);
  e.add_str(11, a.cl_ord_id);
  if (order.venue_order_id != 0) e.add_str(37, a.venue_order_id);
  if (!a.account.empty()) e.add_str(1, a.account);
  e.add_str(55, a.symbol);
  e.add_char(54, side_char(order.side));
  e.add_utc_timestamp(60, t);
}

}  // namespace

void FixOrderGateway::send_cancel(const trading::Order& order, trading::OrderId cancel_id) noexcept {
  if (stages_ != nullptr) stages_->gateway();
  const std::string_view symbol = symbol_of(order);
  if (symbol.empty()) return;
  const IdText orig(order.cl_ord_id.value);
  const IdText id(cancel_id.value);
  const IdText venue_id(order.venue_order_id);
  const bool sent = send([&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
    begin_amendment(e, "F", seq, t, order, {orig.view(), id.view(), venue_id.view(), account_, symbol});
    e.add_int(38, order.quantity.value);
    return e.finish();
  });
  if (sent) {
    ++counters_.cancels;
  } else {
    refused(trading::ExecKind::CancelRejected, order, cancel_id);
  }
}

void FixOrderGateway::send_replace(const trading::Order& order, trading::OrderId new_id, trading::Price price,
                                   trading::Qty quantity) noexcept {
  if (stages_ != nullptr) stages_->gateway();
  const std::string_view symbol = symbol_of(order);
  if (symbol.empty()) return;
  const IdText orig(order.cl_ord_id.value);
  const IdText id(new_id.value);
  const IdText venue_id(order.venue_order_id);
  const bool sent = send([&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
    begin_amendment(e, "G", seq, t, order, {orig.view(), id.view(), venue_id.view(), account_, symbol});
    e.add_int(38, quantity.value);
    e.add_char(40, static_cast<char>(order.type));
    if (has_limit(order.type)) e.add_price(44, price);
    if (has_stop(order.type)) e.add_price(99, order.stop_price);
    e.add_char(59, static_cast<char>(order.tif));
    return e.finish();
  });
  if (sent) {
    ++counters_.replaces;
  } else {
    refused(trading::ExecKind::ReplaceRejected, order, new_id);
  }
}

// ---------------------------------------------------------------- translator

FixExecutionTranslator::FixExecutionTranslator(std::vector<std::string> symbols, ExecutionReportSink& sink)
    : symbols_(std::move(symbols)), sink_(sink) {}

trading::SymbolId FixExecutionTranslator::symbol_id(std::string_view symbol) const noexcept {
  // A handful of instruments: a scan beats a hash map and never allocates.
  // The OMS finds the order by id anyway; the symbol is a cross-check.
  for (std::size_t i = 0; i < symbols_.size(); ++i)
    if (symbols_[i] == symbol) return trading::SymbolId{static_cast<std::uint32_t>(i)};
  return trading::SymbolId{};
}

fix::AppResult FixExecutionTranslator::on_application(const fix::MessageView& message, fix::MsgType type,
                                                      const fix::Header& header, std::int64_t now_ns) noexcept {
  switch (type) {
    case fix::MsgType::ExecutionReport:
      if (stages_ != nullptr) stages_->report_read();
      return on_report(message);
    case fix::MsgType::OrderCancelReject:
      if (stages_ != nullptr) stages_->report_read();
      return on_cancel_reject(message);
    case fix::MsgType::BusinessMessageReject:
      ++counters_.business_rejects;
      return fix::AppResult::accepted();
    default:
      return SessionApplication::on_application(message, type, header, now_ns);
  }
}

fix::AppResult FixExecutionTranslator::on_report(const fix::MessageView& message) noexcept {
  fix::ExecutionReport er;
  if (const fix::ParseError e = er.parse(message); !e.ok()) {
    ++counters_.rejected;
    return fix::AppResult::reject(e);
  }
  trading::ExecutionReport r;
  switch (er.exec_type) {
    case '0':
      r.kind = trading::ExecKind::New;
      break;
    case '8':
      r.kind = trading::ExecKind::Rejected;
      break;
    case 'F':
      r.kind = trading::ExecKind::Trade;
      break;
    case '4':
      r.kind = trading::ExecKind::Canceled;
      break;
    case '5':
      r.kind = trading::ExecKind::Replaced;
      break;
    case 'C':
      r.kind = trading::ExecKind::Expired;
      break;
    default:  // pending new/cancel/replace, status, restated, done for day
      ++counters_.ignored;
      return fix::AppResult::accepted();
  }
  if (!parse_order_id(er.cl_ord_id, r.cl_ord_id)) {
    ++counters_.bad_cl_ord_id;
    return fix::AppResult::accepted();
  }
  if (!er.orig_cl_ord_id.empty()) parse_order_id(er.orig_cl_ord_id, r.orig_cl_ord_id);
  r.venue_order_id = id_to_u64(er.order_id);
  r.exec_id = id_to_u64(er.exec_id);
  r.symbol = symbol_id(er.symbol);
  r.side = er.side == '1' ? core::Side::Buy : core::Side::Sell;
  r.last_qty = trading::Qty{er.last_qty};
  r.last_px = er.last_px;
  r.leaves = trading::Qty{er.leaves_qty};
  r.cum = trading::Qty{er.cum_qty};
  r.venue_reason = er.ord_rej_reason >= 0 ? static_cast<std::uint16_t>(er.ord_rej_reason) : 0;
  r.tsc = core::Clock::now();
  ++counters_.execution_reports;
  sink_.on_execution_report(r);
  return fix::AppResult::accepted();
}

fix::AppResult FixExecutionTranslator::on_cancel_reject(const fix::MessageView& message) noexcept {
  fix::OrderCancelReject cr;
  if (const fix::ParseError e = cr.parse(message); !e.ok()) {
    ++counters_.rejected;
    return fix::AppResult::reject(e);
  }
  trading::ExecutionReport r;
  // CxlRejResponseTo: 1 = cancel request, 2 = cancel/replace request.
  r.kind = cr.cxl_rej_response_to == '2' ? trading::ExecKind::ReplaceRejected : trading::ExecKind::CancelRejected;
  if (!parse_order_id(cr.cl_ord_id, r.cl_ord_id)) {
    ++counters_.bad_cl_ord_id;
    return fix::AppResult::accepted();
  }
  parse_order_id(cr.orig_cl_ord_id, r.orig_cl_ord_id);
  r.venue_order_id = id_to_u64(cr.order_id);
  r.venue_reason = cr.cxl_rej_reason >= 0 ? static_cast<std::uint16_t>(cr.cxl_rej_reason) : 0;
  r.tsc = core::Clock::now();
  ++counters_.cancel_rejects;
  sink_.on_execution_report(r);
  return fix::AppResult::accepted();
}

void FixExecutionTranslator::on_event(const fix::SessionEvent& event) noexcept {
  switch (event.type) {
    case fix::SessionEventType::LoggedOn:
      sink_.on_venue_session(true);
      break;
    // A Logout from the venue ends the session before the connection goes:
    // the session drops it itself (Disconnecting), and the later close of
    // the socket finds it already down, so Disconnected alone would miss it.
    case fix::SessionEventType::LoggedOut:
    case fix::SessionEventType::Disconnecting:
    case fix::SessionEventType::Disconnected:
      sink_.on_venue_session(false);
      break;
    default:
      break;
  }
}

}  // namespace hft::engine
