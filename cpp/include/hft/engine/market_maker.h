#pragma once
/// @file
/// A market maker: one bid and one ask per instrument around a fair value
/// (mid or microprice), shifted against the inventory, kept on the tick grid
/// and the lot, and moved only when it matters. Formulas and decisions are
/// in docs/strategies.md.
///
/// Order state is the OMS's: the strategy remembers only which ids are its
/// quotes and reads their state (pending, live, done, replaced) from the
/// trading core, so it cannot drift from what the venue told the OMS.

#include <cstdint>
#include <string>
#include <vector>

#include "hft/engine/strategy.h"
#include "hft/engine/strategy_context.h"

namespace hft::engine {

struct MarketMakerSettings {
  enum class FairValue : std::uint8_t { Mid, Microprice };
  FairValue fair_value{FairValue::Mid};
  /// Distance of each quote from the (skewed) fair value, in ticks (>= 1).
  std::int64_t half_spread_ticks{2};
  /// Shares per quote (rounded down to the instrument's lot).
  std::int64_t quote_size{100};
  /// Largest absolute position this strategy builds per instrument; the side
  /// that would go beyond it is not quoted (or quoted smaller).
  std::int64_t max_position{1000};
  /// Shift of both quotes at |position| = max_position, in ticks; linear in
  /// position / max_position, against the position (long: lower).
  std::int64_t skew_ticks{2};
  /// A live quote moves only when its wanted price is this many ticks away.
  std::int64_t requote_threshold_ticks{1};
  /// A quote stays at least this long before a price move replaces it (fills,
  /// limits and safety cancels do not wait).
  std::uint64_t min_quote_life_ns{500'000};
  /// After a refused request (risk, kill switch, venue), no new order or
  /// replace on that side for this long: no retry storm.
  std::uint64_t reject_backoff_ns{100'000'000};
};

struct MarketMakerCounters {
  std::uint64_t quotes{0};    ///< new quote orders accepted by the core
  std::uint64_t replaces{0};  ///< replaces accepted
  std::uint64_t cancels{0};   ///< cancels sent
  std::uint64_t rejects{0};   ///< requests refused (risk, kill switch, OMS) or rejected by the venue
  std::uint64_t pulls{0};     ///< times both quotes were pulled (halt, stale, crossed, kill)
};

class MarketMaker final : public Strategy {
 public:
  MarketMaker(std::string name, MarketMakerSettings settings, std::vector<SymbolId> symbols);

  std::string_view name() const noexcept override { return name_; }
  void on_start(StrategyContext& ctx) override;
  void on_book_update(StrategyContext& ctx, SymbolId symbol, const market_data::OrderBook& book) noexcept override;
  void on_trading_state(StrategyContext& ctx, SymbolId symbol, char state) noexcept override;
  void on_order_update(StrategyContext& ctx, const OrderUpdate& update) noexcept override;
  void on_timer(StrategyContext& ctx, std::uint64_t now) noexcept override;
  void on_kill(StrategyContext& ctx, trading::KillState state) noexcept override;

  /// The quote order of a side as the OMS knows it (while a replace is in
  /// flight, the order being replaced), 0 when none: for tests and telemetry.
  OrderId quote_id(SymbolId symbol, Side side) const noexcept;
  const MarketMakerCounters& counters() const noexcept { return counters_; }
  const MarketMakerSettings& settings() const noexcept { return settings_; }

 private:
  /// One side's quote. `id` is the order at the venue; while a replace is in
  /// flight `next` is its new id, which becomes `id` when the OMS says
  /// Replaced (and is forgotten when the replace is refused).
  struct Slot {
    OrderId id;
    OrderId next;
    std::uint64_t placed{0};
    std::uint64_t backoff_until{0};
  };
  struct Book {
    SymbolId symbol;
    Slot side[2];  // [0] bid, [1] ask
  };
  /// What one side should show now; qty 0: nothing.
  struct Wanted {
    Price price;
    std::int64_t qty{0};
  };

  Book* find(SymbolId s) noexcept;
  void evaluate(StrategyContext& ctx, Book& b) noexcept;
  void pull(StrategyContext& ctx, Book& b) noexcept;
  void work(StrategyContext& ctx, SymbolId s, Side side, Slot& slot, Wanted w) noexcept;
  void cancel(StrategyContext& ctx, Slot& slot) noexcept;
  /// The OMS's record of the slot's order, following a finished replace;
  /// nullptr (and the slot cleared) once the order is done.
  const trading::Order* refresh(StrategyContext& ctx, Slot& slot) noexcept;

  std::string name_;
  MarketMakerSettings settings_;
  std::vector<Book> books_;
  std::vector<std::int32_t> index_;  // SymbolId -> books_ index, -1: not ours
  std::uint64_t min_life_ticks_{0};
  std::uint64_t backoff_ticks_{0};
  MarketMakerCounters counters_;
};

}  // namespace hft::engine
