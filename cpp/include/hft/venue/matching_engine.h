#pragma once
/// @file
/// The venue's matching engine: price-time priority limit order books for
/// many instruments, with market, IOC, FOK, stop and stop-limit orders,
/// cancel, cancel/replace, halts and self-match prevention.
///
/// One thread drives it; each input call (`submit`, `cancel`, `replace`,
/// `set_trading_state`) runs to completion, emits its events to the
/// `EventSink` (matching_events.h) and returns a short `InputResult`. The
/// engine reads no clock (the caller passes a timestamp), iterates no hash
/// table and never allocates after construction: the same inputs give the
/// same events, byte for byte. Full rules: docs/venue.md "Matching engine".
///
/// Layout (measured with bench/bench_matching.cpp):
///  - Orders live in one table of 64-byte slots; slot = id & mask, with the
///    table at least twice the order capacity. A new id skips forward past
///    slots still held by older orders, so lookup by venue order id is one
///    index and a compare, and orders entered close in time share lines.
///  - Each price level is a 32-byte record holding an intrusive doubly
///    linked FIFO of its orders (slot numbers as links).
///  - Each side of a book is a sorted array of level keys with the best at
///    the back: matching pops from the back, adds near the touch search and
///    shift only the few entries above them.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "hft/core/types.h"
#include "hft/venue/matching_events.h"
#include "hft/venue/matching_types.h"

namespace hft::venue {

/// A live order as seen from outside (a copy).
struct OrderInfo {
  VenueOrderId order_id{0};
  ClientOrderId client_order_id{0};
  ParticipantId participant{0};
  InstrumentId instrument{0};
  core::Side side{core::Side::Buy};
  OrderType type{OrderType::Limit};
  TimeInForce tif{TimeInForce::Day};
  bool waiting_stop{false};  ///< a Stop/StopLimit not triggered yet (off book)
  core::Price price{};
  core::Price stop_price{};
  std::int64_t leaves{0};
  std::int64_t executed{0};
};

/// One aggregated price level.
struct LevelInfo {
  core::Price price{};
  std::int64_t qty{0};
  std::uint32_t orders{0};
};

class MatchingEngine {
 public:
  /// Allocates every table from `config` (instruments are copied). Throws
  /// std::invalid_argument for a configuration it cannot run (no
  /// instruments, tick or lot <= 0, capacities 0 or above 2^30): it is a
  /// start-up error, never a hot-path one. `sink` must outlive the engine.
  MatchingEngine(const MatchingConfig& config, EventSink& sink);
  MatchingEngine(const MatchingEngine&) = delete;
  MatchingEngine& operator=(const MatchingEngine&) = delete;
  ~MatchingEngine();

  /// A new order: Accepted (or Rejected), then its fills, the fills of the
  /// orders it met, book events, its cancel or BookAdd, then any stops
  /// its trades triggered, in trigger order.
  InputResult submit(const NewOrder& order, std::int64_t timestamp_ns) noexcept;
  /// Cancels the rest of a live order (resting or waiting stop).
  InputResult cancel(const CancelRequest& request, std::int64_t timestamp_ns) noexcept;
  /// Cancel/replace; see docs/venue.md for when priority and id are kept.
  InputResult replace(const ReplaceRequest& request, std::int64_t timestamp_ns) noexcept;
  /// Halt or resume one instrument; emits TradingStatus when it changes.
  InputResult set_trading_state(InstrumentId instrument, TradingState state, std::int64_t timestamp_ns) noexcept;

  // ---- Queries (not for the hot path of another thread: single writer) ----

  std::size_t instrument_count() const noexcept { return instruments_.size(); }
  const InstrumentConfig& instrument(InstrumentId i) const noexcept { return instruments_[i]; }
  TradingState trading_state(InstrumentId i) const noexcept { return books_[i].state; }
  /// Price of the instrument's last trade; nullopt before the first.
  std::optional<core::Price> last_trade(InstrumentId i) const noexcept;
  /// Best level of a side (empty LevelInfo when the side is empty).
  LevelInfo best(InstrumentId i, core::Side side) const noexcept;
  /// Number of price levels on a side, and level `depth` (0 = best).
  std::size_t level_count(InstrumentId i, core::Side side) const noexcept;
  LevelInfo level(InstrumentId i, core::Side side, std::size_t depth) const noexcept;
  /// A live order (resting or waiting stop) by venue id.
  std::optional<OrderInfo> find(VenueOrderId id) const noexcept;
  /// Calls `f(const OrderInfo&)` for every resting order of a side, best
  /// level first, in time priority within a level (a snapshot for the feed).
  template <typename F>
  void visit_side(InstrumentId i, core::Side side, F&& f) const;
  /// Orders live (resting + waiting stops) across all instruments.
  std::size_t live_orders() const noexcept { return live_; }
  std::size_t order_capacity() const noexcept { return capacity_; }
  /// Sequence number the next event will carry.
  std::uint64_t next_sequence() const noexcept { return seq_ + 1; }
  /// Match number the next trade will carry.
  std::uint64_t next_match_number() const noexcept { return match_ + 1; }

 private:
  static constexpr std::uint32_t kNone = 0xFFFF'FFFFu;
  enum class SlotState : std::uint8_t { Free = 0, Active = 1, Resting = 2, Stop = 3 };

  // 64 bytes: one cache line per order.
  struct Slot {
    VenueOrderId id{0};  // 0 when free
    ClientOrderId client{0};
    std::int64_t price{0};       // limit price raw (0 for market)
    std::int64_t stop_price{0};  // raw
    std::uint32_t leaves{0};
    std::uint32_t executed{0};
    std::uint32_t prev{kNone};  // FIFO (resting), stop list (Stop), trigger queue (Active)
    std::uint32_t next{kNone};
    std::uint32_t level{kNone};  // level record while resting
    ParticipantId participant{0};
    InstrumentId instrument{0};
    core::Side side{core::Side::Buy};
    OrderType type{OrderType::Limit};
    TimeInForce tif{TimeInForce::Day};
    SlotState state{SlotState::Free};
    std::uint8_t pad[2]{};
  };
  static_assert(sizeof(Slot) == 64);

  struct Level {
    std::int64_t price{0};
    std::int64_t qty{0};
    std::uint32_t head{kNone};
    std::uint32_t tail{kNone};
    std::uint32_t count{0};
    std::uint32_t pad{0};
  };
  static_assert(sizeof(Level) == 32);

  // One side of one book: level keys sorted ascending with the best at the
  // back. The key is the price for bids and minus the price for asks, so
  // "better" is "greater" on both sides.
  struct Ladder {
    std::int64_t* keys{nullptr};
    std::uint32_t* levels{nullptr};
    std::uint32_t size{0};
  };

  struct Book {
    Ladder side[2];                        // [0] bids, [1] asks
    std::uint32_t stops[2]{kNone, kNone};  // waiting stops by trigger order: [0] buy, [1] sell
    std::int64_t last_trade{0};
    bool has_last_trade{false};
    TradingState state{TradingState::Trading};
  };

  // Trades of one aggressor's sweep, for stop triggering.
  struct Sweep {
    std::int64_t high{0};
    std::int64_t low{0};
    std::int64_t last{0};
    bool traded{false};
    bool self_cancelled{false};  // the incoming rest is cancelled for self-match
    bool collared{false};
  };

  static constexpr std::size_t side_index(core::Side s) noexcept { return s == core::Side::Sell ? 1 : 0; }
  static constexpr std::int64_t key_of(core::Side s, std::int64_t price) noexcept {
    return s == core::Side::Sell ? -price : price;
  }

  // Events.
  Event& emit(EventKind kind, InstrumentId instrument) noexcept;
  Event& emit_order(EventKind kind, const Slot& o) noexcept;
  void reject(InputKind input, RejectReason reason, VenueOrderId target, ClientOrderId client,
              ParticipantId participant, InstrumentId instrument) noexcept;
  void flush() noexcept;

  // Orders.
  Slot* lookup(VenueOrderId id) noexcept;
  std::uint32_t allocate_slot() noexcept;
  void free_slot(std::uint32_t s) noexcept;

  // Ladders and levels.
  std::uint32_t find_position(const Ladder& l, std::int64_t key) const noexcept;
  bool has_room_for(const Ladder& l, std::int64_t key) const noexcept;
  void rest(std::uint32_t s) noexcept;
  void unlink(std::uint32_t s) noexcept;
  void erase_level_if_empty(Ladder& l, std::int64_t key, std::uint32_t level) noexcept;

  // Matching.
  void execute_incoming(std::uint32_t s) noexcept;
  bool fok_can_fill(const Slot& o, std::int64_t limit) const noexcept;
  void match(std::uint32_t s, std::int64_t limit, Sweep& sweep) noexcept;
  void trade(Slot& aggressor, std::uint32_t resting, Level& level, Sweep& sweep) noexcept;
  void cancel_rest(std::uint32_t s, CancelReason reason) noexcept;
  void drop_resting(std::uint32_t s, CancelReason reason) noexcept;
  void enqueue_trigger(std::uint32_t s) noexcept;
  void finish_sweep(Book& b, const Sweep& sweep) noexcept;
  void drain_triggers() noexcept;

  // Stops.
  void insert_stop(std::uint32_t s) noexcept;
  void remove_stop(std::uint32_t s) noexcept;
  bool stop_already_triggered(const Book& b, core::Side side, std::int64_t stop) const noexcept;

  RejectReason validate_qty(const InstrumentConfig& ins, core::Qty qty) const noexcept;
  InputResult replace_stop(Slot& o, const ReplaceRequest& r) noexcept;
  InputResult replace_resting(std::uint32_t s, const ReplaceRequest& r) noexcept;

  EventSink* sink_;
  std::vector<InstrumentConfig> instruments_;
  std::vector<Book> books_;
  std::vector<Slot> slots_;
  std::uint64_t slot_mask_{0};
  std::vector<Level> levels_;
  std::vector<std::uint32_t> free_levels_;
  std::size_t free_level_count_{0};
  std::vector<std::int64_t> ladder_keys_;
  std::vector<std::uint32_t> ladder_levels_;
  std::uint32_t max_levels_{0};
  std::vector<Event> stage_;
  std::size_t staged_{0};
  SelfMatchMode self_match_{SelfMatchMode::CancelResting};
  std::size_t capacity_{0};
  std::size_t live_{0};
  std::uint64_t seq_{0};
  std::uint64_t match_{0};
  VenueOrderId next_id_{1};
  std::int64_t now_{0};
  std::uint32_t trigger_head_{kNone};
  std::uint32_t trigger_tail_{kNone};
};

template <typename F>
void MatchingEngine::visit_side(InstrumentId i, core::Side side, F&& f) const {
  const Ladder& l = books_[i].side[side_index(side)];
  for (std::uint32_t k = l.size; k-- > 0;) {
    for (std::uint32_t s = levels_[l.levels[k]].head; s != kNone; s = slots_[s].next) {
      const std::optional<OrderInfo> info = find(slots_[s].id);
      f(*info);
    }
  }
}

}  // namespace hft::venue
