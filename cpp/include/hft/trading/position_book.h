#pragma once
/// @file
/// Positions and PnL per instrument and in total, in integer fixed point:
/// prices in 1e-4 units, money in 1e-4 units (price raw × shares). Totals
/// are kept incrementally, so reading the firm's PnL or gross position is
/// O(1) and a fill or a mark costs a few adds.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "hft/core/types.h"

namespace hft::trading {

using core::Price;
using core::Qty;
using core::Side;
using core::SymbolId;

/// Which price unrealised PnL is marked to.
enum class MarkSource : std::uint8_t { Mid, Last };

struct Position {
  std::int64_t net{0};         ///< shares, + long, - short
  std::int64_t open_cost{0};   ///< money paid for the open position (negative for a short)
  std::int64_t realized{0};    ///< money, before fees
  std::int64_t unrealized{0};  ///< net × mark - open_cost, at the last mark
  std::int64_t fees{0};        ///< money charged (negative: rebates earned)
  std::int64_t bought{0};      ///< shares bought today
  std::int64_t sold{0};
  Price bid, ask, last;  ///< latest market prices seen (0: none yet)
  Price mark;            ///< the price unrealised PnL uses now

  /// Average cost of the open position, rounded to 1e-4; 0 when flat.
  Price average_cost() const noexcept {
    if (net == 0) return Price{};
    const core::int128 n = net;
    const core::int128 c = open_cost;
    // Round half away from zero; cost and net share a sign.
    return Price{static_cast<std::int64_t>((c + n / 2) / n)};
  }
};

/// Firm-wide sums, maintained on every change.
struct PositionTotals {
  std::int64_t realized{0};
  std::int64_t unrealized{0};
  std::int64_t fees{0};
  std::int64_t gross_position{0};  ///< Σ |net|
  std::int64_t net_position{0};    ///< Σ net
  std::int64_t gross_notional{0};  ///< Σ |net| × mark
  std::int64_t net_notional{0};    ///< Σ net × mark
  /// The number the daily loss limit is measured against.
  std::int64_t pnl() const noexcept { return realized + unrealized - fees; }
};

class PositionBook {
 public:
  /// `fee_per_share` is charged on every filled share (negative: a rebate).
  PositionBook(std::size_t symbols, MarkSource mark, Price fee_per_share);
  PositionBook(const PositionBook&) = delete;
  PositionBook& operator=(const PositionBook&) = delete;

  /// Books a fill. False (and nothing changed) when the result would not
  /// fit in 64 bits; the caller treats that as a breach.
  bool apply_fill(SymbolId symbol, Side side, Qty quantity, Price price) noexcept;

  /// Best bid and offer from the book (0 for an empty side).
  void on_quote(SymbolId symbol, Price bid, Price ask) noexcept;
  /// A trade printed on the market (ours or anyone's).
  void on_trade(SymbolId symbol, Price price) noexcept;

  /// The price risk checks value orders against: the configured mark, else
  /// the other source, else the last fill; 0 when nothing is known.
  Price reference_price(SymbolId symbol) const noexcept { return positions_[symbol.value].mark; }

  const Position& at(SymbolId symbol) const noexcept { return positions_[symbol.value]; }
  const PositionTotals& totals() const noexcept { return totals_; }
  std::size_t symbols() const noexcept { return symbols_; }
  MarkSource mark_source() const noexcept { return mark_source_; }
  /// Market prices ignored because marking to them would overflow.
  std::uint64_t refused_marks() const noexcept { return refused_marks_; }

 private:
  Price pick_mark(const Position& p) const noexcept;
  void remark(Position& p, Price mark) noexcept;
  void move_mark(Position& p, Price mark) noexcept;
  // Removes a position's share of the totals before a change, adds it back after.
  void contribute(const Position& p, int sign) noexcept;

  std::size_t symbols_;
  MarkSource mark_source_;
  Price fee_per_share_;
  std::unique_ptr<Position[]> positions_;
  PositionTotals totals_;
  std::uint64_t refused_marks_{0};
};

}  // namespace hft::trading
