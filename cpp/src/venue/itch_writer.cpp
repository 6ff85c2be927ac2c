#include "hft/venue/itch_writer.h"

#include <utility>

#include "hft/protocol/itch.h"

namespace hft::venue {

namespace itch = protocol::itch;

namespace {

constexpr std::int64_t kNsPerDay = 86'400'000'000'000;

std::uint64_t since_midnight(std::int64_t ns) noexcept {
  const std::int64_t r = ns % kNsPerDay;
  return static_cast<std::uint64_t>(r < 0 ? r + kNsPerDay : r);
}

// NASDAQ numbers stock locates from 1 and engines read 0 as "none", so the
// locate is the InstrumentId plus one.
std::uint16_t locate_of(InstrumentId i) noexcept { return static_cast<std::uint16_t>(i + 1); }

std::uint32_t shares(std::int64_t qty) noexcept {
  // The engine caps order quantities at the ITCH 32-bit field.
  return static_cast<std::uint32_t>(qty);
}

}  // namespace

ItchWriter::ItchWriter(MoldUdpPublisher& publisher, std::vector<InstrumentConfig> instruments)
    : publisher_(publisher), instruments_(std::move(instruments)) {}

template <typename M>
void ItchWriter::put(const M& m, std::int64_t now_ns) noexcept {
  const bool ok =
      publisher_.emplace([&](std::uint8_t* out, std::size_t room) { return itch::encode(m, out, room); }, now_ns);
  if (!ok) ++dropped_;
}

void ItchWriter::system_event(char code, std::int64_t now_ns) noexcept {
  itch::SystemEvent m;
  m.timestamp_ns = since_midnight(now_ns);
  m.event_code = code;
  put(m, now_ns);
}

void ItchWriter::trading_action(InstrumentId i, TradingState s, std::int64_t now_ns) noexcept {
  itch::StockTradingAction m;
  m.locate = locate_of(i);
  m.timestamp_ns = since_midnight(now_ns);
  m.stock = instruments_[i].symbol;
  m.trading_state = s == TradingState::Halted ? 'H' : 'T';
  m.reason = {' ', ' ', ' ', ' '};
  put(m, now_ns);
}

void ItchWriter::start_of_day(std::int64_t now_ns) noexcept {
  system_event('O', now_ns);
  for (std::size_t i = 0; i < instruments_.size(); ++i) {
    const auto id = static_cast<InstrumentId>(i);
    itch::StockDirectory d;
    d.locate = locate_of(id);
    d.timestamp_ns = since_midnight(now_ns);
    d.stock = instruments_[i].symbol;
    d.market_category = 'Q';
    d.financial_status = 'N';
    d.round_lot_size = static_cast<std::uint32_t>(instruments_[i].lot);
    d.round_lots_only = 'N';
    d.issue_classification = 'C';
    d.issue_subtype = {'Z', ' '};
    d.authenticity = 'T';  // a test venue, never production data
    d.short_sale_threshold = 'N';
    d.ipo_flag = 'N';
    d.luld_reference_price_tier = '1';
    d.etp_flag = 'N';
    d.inverse_indicator = 'N';
    put(d, now_ns);
    trading_action(id, instruments_[i].initial_state, now_ns);
  }
  system_event('S', now_ns);
  system_event('Q', now_ns);
  publisher_.flush(now_ns);
}

void ItchWriter::end_of_day(std::int64_t now_ns) noexcept {
  system_event('M', now_ns);
  system_event('E', now_ns);
  system_event('C', now_ns);
  publisher_.end_of_session(now_ns);
}

void ItchWriter::on_events(const Event* events, std::size_t count) noexcept {
  for (std::size_t i = 0; i < count; ++i)
    if (is_book_event(events[i].kind)) write(events[i]);
}

void ItchWriter::write(const Event& e) noexcept {
  const std::uint64_t ts = since_midnight(e.timestamp_ns);
  switch (e.kind) {
    case EventKind::BookAdd: {
      itch::AddOrder m;
      m.locate = locate_of(e.instrument);
      m.timestamp_ns = ts;
      m.ref = e.order_id;
      m.side = e.side;
      m.shares = shares(e.qty);
      m.stock = instruments_[e.instrument].symbol;
      m.price = e.price;
      put(m, e.timestamp_ns);
      return;
    }
    case EventKind::BookExecuted: {
      itch::OrderExecuted m;
      m.locate = locate_of(e.instrument);
      m.timestamp_ns = ts;
      m.ref = e.order_id;
      m.executed_shares = shares(e.qty);
      m.match_number = e.other;
      put(m, e.timestamp_ns);
      return;
    }
    case EventKind::BookCancel: {
      itch::OrderCancel m;
      m.locate = locate_of(e.instrument);
      m.timestamp_ns = ts;
      m.ref = e.order_id;
      m.cancelled_shares = shares(e.qty);
      put(m, e.timestamp_ns);
      return;
    }
    case EventKind::BookDelete: {
      itch::OrderDelete m;
      m.locate = locate_of(e.instrument);
      m.timestamp_ns = ts;
      m.ref = e.order_id;
      put(m, e.timestamp_ns);
      return;
    }
    case EventKind::BookReplace: {
      itch::OrderReplace m;
      m.locate = locate_of(e.instrument);
      m.timestamp_ns = ts;
      m.original_ref = e.other;
      m.new_ref = e.order_id;
      m.shares = shares(e.qty);
      m.price = e.price;
      put(m, e.timestamp_ns);
      return;
    }
    case EventKind::TradingStatus:
      trading_action(e.instrument, e.trading_state, e.timestamp_ns);
      return;
    default:
      return;
  }
}

}  // namespace hft::venue
