#include "hft/market_data/book_manager.h"

#include <cstring>

namespace hft::market_data {

BookManager::BookManager(const BookManagerOptions& options, BookListener* listener)
    : options_(options), listener_(listener), store_(options.order_capacity), entries_(65536) {
  named_.reserve(1024);
}

BookManager::Entry* BookManager::entry(std::uint16_t locate) noexcept {
  Entry& e = entries_[locate];
  if (!e.book) {
    ++counters_.unknown_locate;
    return nullptr;
  }
  return &e;
}

const OrderBook* BookManager::book(std::uint16_t locate) const noexcept { return entries_[locate].book.get(); }

const InstrumentState* BookManager::instrument(std::uint16_t locate) const noexcept {
  const Entry& e = entries_[locate];
  return e.book ? &e.state : nullptr;
}

std::optional<std::uint16_t> BookManager::locate_of(std::string_view symbol) const noexcept {
  for (const std::uint16_t l : named_) {
    if (itch::trimmed(entries_[l].state.stock) == symbol) return l;
  }
  return std::nullopt;
}

void BookManager::set_all_stale(bool stale) noexcept {
  for (const std::uint16_t l : named_) entries_[l].state.stale = stale;
}

itch::DecodeResult BookManager::apply(const std::uint8_t* message, std::size_t size) noexcept {
  const itch::DecodeResult r = itch::decode(message, size, *this);
  counters_.decode.record(r, size > 0 ? message[0] : 0);
  if (r == itch::DecodeResult::Ok) {
    ++counters_.messages;
    ++counters_.per_type[message[0]];
  }
  return r;
}

std::size_t BookManager::apply_stream(const std::uint8_t* data, std::size_t size) noexcept {
  // Messages naming a resting order (E C X D U) carry its reference at the
  // same offset; starting the load of its hash slot a few messages ahead
  // hides most of the cache miss the book would otherwise wait for.
  constexpr std::size_t kAhead = 8;
  std::size_t ahead = 0;  // offset of the next message to prefetch for
  for (std::size_t k = 0; k < kAhead; ++k) ahead = prefetch_at(data, size, ahead);
  std::size_t at = 0;
  while (size - at >= 2) {
    const std::size_t len = static_cast<std::size_t>(data[at]) << 8 | data[at + 1];
    if (size - at - 2 < len) break;
    apply(data + at + 2, len);
    at += 2 + len;
    ahead = prefetch_at(data, size, ahead);
  }
  return at;
}

std::size_t BookManager::prefetch_at(const std::uint8_t* data, std::size_t size, std::size_t at) const noexcept {
  if (at > size || size - at < 2) return at;
  const std::size_t len = static_cast<std::size_t>(data[at]) << 8 | data[at + 1];
  if (size - at - 2 < len) return at;
  const std::uint8_t* m = data + at + 2;
  if (len >= 19) {
    switch (m[0]) {
      case 'E':
      case 'C':
      case 'X':
      case 'D':
      case 'U':
        store_.prefetch(protocol::load_be64(m + 11));
        break;
      default:
        break;
    }
  }
  return at + 2 + len;
}

void BookManager::after(std::uint16_t locate, Entry& e, const BookUpdate& u) noexcept {
  ++counters_.book[static_cast<std::size_t>(u.result)];
  if (u.top_changed) {
    ++counters_.top_changes;
    if (listener_ != nullptr) listener_->on_top_of_book(locate, e.book->best_bid(), e.book->best_ask());
  }
}

void BookManager::trade(std::uint16_t locate, Entry& e, Price price, std::uint32_t shares, Side aggressor,
                        TradeKind kind) noexcept {
  ++e.state.trades;
  e.state.traded_shares += shares;
  e.state.last_trade = price;
  if (listener_ != nullptr) listener_->on_trade(locate, price, shares, aggressor, kind);
}

// ---- messages ------------------------------------------------------------------

void BookManager::on(const itch::SystemEvent& m) noexcept { counters_.last_system_event = m.event_code; }

void BookManager::on(const itch::StockDirectory& m) noexcept {
  Entry& e = entries_[m.locate];
  if (!e.book) {
    if (named_.size() >= options_.max_instruments) {
      ++counters_.directory_full;
      return;
    }
    // The directory precedes trading: the one allocation of an instrument.
    try {
      e.book = std::make_unique<OrderBook>(store_, options_.max_levels_per_side);
    } catch (...) {
      ++counters_.unknown_locate;  // out of memory at start of day: the instrument stays unknown
      return;
    }
    named_.push_back(m.locate);
  }
  e.state.stock = m.stock;
  e.state.market_category = m.market_category;
  e.state.round_lot = m.round_lot_size;
}

void BookManager::on(const itch::StockTradingAction& m) noexcept {
  if (Entry* e = entry(m.locate)) {
    e->state.trading_state = m.trading_state;
    if (listener_ != nullptr) listener_->on_trading_state(m.locate, m.trading_state);
  }
}

void BookManager::on(const itch::RegShoRestriction& m) noexcept {
  if (Entry* e = entry(m.locate)) e->state.reg_sho = m.reg_sho_action;
}

void BookManager::on(const itch::AddOrder& m) noexcept {
  if (Entry* e = entry(m.locate)) after(m.locate, *e, e->book->add(m.ref, m.side, m.shares, m.price));
}

void BookManager::on(const itch::AddOrderMpid& m) noexcept {
  if (Entry* e = entry(m.locate)) after(m.locate, *e, e->book->add(m.ref, m.side, m.shares, m.price));
}

void BookManager::on(const itch::OrderExecuted& m) noexcept {
  if (Entry* e = entry(m.locate)) {
    const BookUpdate u = e->book->execute(m.ref, m.executed_shares);
    after(m.locate, *e, u);
    if (u.ok()) trade(m.locate, *e, u.price, u.shares, core::opposite(u.side), TradeKind::Execution);
  }
}

void BookManager::on(const itch::OrderExecutedWithPrice& m) noexcept {
  if (Entry* e = entry(m.locate)) {
    const BookUpdate u = e->book->execute_with_price(m.ref, m.executed_shares, m.execution_price);
    after(m.locate, *e, u);
    // A non-printable execution is reported again in a later cross: not a
    // trade to print now.
    if (u.ok() && m.printable == 'Y') {
      trade(m.locate, *e, m.execution_price, u.shares, core::opposite(u.side), TradeKind::ExecutionWithPrice);
    }
  }
}

void BookManager::on(const itch::OrderCancel& m) noexcept {
  if (Entry* e = entry(m.locate)) after(m.locate, *e, e->book->cancel(m.ref, m.cancelled_shares));
}

void BookManager::on(const itch::OrderDelete& m) noexcept {
  if (Entry* e = entry(m.locate)) after(m.locate, *e, e->book->remove(m.ref));
}

void BookManager::on(const itch::OrderReplace& m) noexcept {
  if (Entry* e = entry(m.locate)) after(m.locate, *e, e->book->replace(m.original_ref, m.new_ref, m.shares, m.price));
}

void BookManager::on(const itch::Trade& m) noexcept {
  // The resting side of a hidden order is reported; the aggressor is the other.
  if (Entry* e = entry(m.locate))
    trade(m.locate, *e, m.price, m.shares, core::opposite(m.side), TradeKind::NonDisplayed);
}

void BookManager::on(const itch::CrossTrade& m) noexcept {
  if (Entry* e = entry(m.locate)) {
    if (m.shares > 0) {
      const auto shares = static_cast<std::uint32_t>(m.shares > UINT32_MAX ? UINT32_MAX : m.shares);
      trade(m.locate, *e, m.cross_price, shares, Side::Buy, TradeKind::Cross);
    }
  }
}

void BookManager::on(const itch::Noii& m) noexcept {
  if (Entry* e = entry(m.locate)) {
    e->state.last_imbalance = m;
    e->state.has_imbalance = true;
  }
}

}  // namespace hft::market_data
