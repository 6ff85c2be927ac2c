#pragma once
/// @file
/// The L3 order book: every resting order by reference number, with an
/// aggregated L2 view (price levels) kept up to date on every message.
///
/// Two classes share the work:
///  - `OrderStore` owns the storage of *all* books: the resting orders in a
///    hash table keyed by reference number, and a pool of price levels.
///    ITCH reference numbers are unique across instruments for the day, so
///    one table serves every book and a ref can never rest in two books.
///  - `OrderBook` is one instrument: two sorted "ladders" of price levels,
///    one per side, over the store's records.
///
/// Nothing here allocates after construction, throws, locks or reads a
/// clock. Every mutating call returns a `BookUpdate` with a `BookResult`:
/// inconsistent input (unknown ref, over-execution, crossed add, ...) is
/// counted in `BookCounters` and handled by the rule documented on
/// `OrderBook`; a refused call changes nothing, and no call touches an order
/// other than the one it names (beyond relinking its queue neighbours).
///
/// Why this shape (measured with bench/bench_book.cpp; numbers in the issue
/// note). On a feed-like stream the cost is cache misses, not instructions:
/// with 137 k resting orders over 100 books an update costs about twice what
/// it costs when everything is in L1/L2. So the layout is about lines
/// touched per message:
///  - An order lives in its hash slot: a lookup lands on the order itself.
///    A separate index pointing into an order pool (the first version) cost
///    one more miss per message.
///  - The home slot is the reference number itself (high bits folded in),
///    not a scrambled hash: feed refs increase, and most messages name an
///    order added shortly before, so those orders share a few hot lines.
///    With core::FlatIndex's Fibonacci hash, three quarters of `add`'s
///    time was that one load; the switch halved the median update.
///  - Orders and levels are 32-byte records linked by 32-bit slot numbers,
///    two per cache line, all memory touched (pre-faulted) once at start.
///  - Each side is a sorted array of level keys with the best price at the
///    *back*. Real feeds act within a few ticks of the top: the search
///    compares the 8 keys below the best (one line, branch-free) and only
///    falls back to binary search deeper, and inserting or removing a level
///    near the top moves only the entries above it. Best bid/offer is the
///    last entry: O(1). The search and the shifts take about a sixth of
///    book time on the deep stream (perf); a price-indexed ladder could save
///    part of that, but it needs a tick size (ITCH prices under $1 are
///    sub-penny), re-centring as prices move, and a scan for the next best
///    when the top level empties.
///  - Level records come from a pool as large as the order capacity: every
///    level holds at least one order, so levels never run out first.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "hft/core/types.h"

namespace hft::market_data {

using core::Price;
using core::Side;

/// Outcome of a book operation. The first four values mean the operation
/// was applied (see `applied`); every other value means nothing changed.
/// Values other than Ok are counted in `BookCounters`.
enum class BookResult : std::uint8_t {
  Ok = 0,             ///< applied as asked
  Crossed = 1,        ///< applied; the new order crosses or locks the opposite best (counted)
  Overexecuted = 2,   ///< applied; execution clamped to the resting shares, order removed
  Overcancelled = 3,  ///< applied; cancel clamped to the resting shares, order removed
  UnknownRef = 4,     ///< no resting order has this reference number
  WrongBook = 5,      ///< the reference rests in another instrument's book
  DuplicateRef = 6,   ///< add/replace with a reference number already resting (in any book)
  InvalidRef = 7,     ///< reference number 0 (it marks an empty slot in the store)
  ZeroShares = 8,     ///< 0 shares to add, execute, cancel or replace with
  InvalidPrice = 9,   ///< a resting price <= 0
  InvalidSide = 10,   ///< a side byte other than 'B' or 'S'
  StoreFull = 11,     ///< every order slot of the store is in use
  LevelsFull = 12,    ///< the side already holds max_levels_per_side price levels
};
inline constexpr std::size_t kBookResultCount = 13;

/// True when the operation changed the book (possibly with a counted anomaly).
constexpr bool applied(BookResult r) noexcept { return r <= BookResult::Overcancelled; }

/// Stable lower-case name ("unknown_ref", ...), for logs and counters.
std::string_view to_string(BookResult r) noexcept;

/// How often each kind of inconsistent input was seen by one book. Field
/// names match `to_string` of the result that counts them.
struct BookCounters {
  std::uint64_t crossed_add{0};    ///< BookResult::Crossed (add or replace)
  std::uint64_t overexecution{0};  ///< BookResult::Overexecuted
  std::uint64_t overcancel{0};     ///< BookResult::Overcancelled
  std::uint64_t unknown_ref{0};    ///< BookResult::UnknownRef
  std::uint64_t wrong_book{0};     ///< BookResult::WrongBook
  std::uint64_t duplicate_ref{0};  ///< BookResult::DuplicateRef
  std::uint64_t invalid_ref{0};    ///< BookResult::InvalidRef
  std::uint64_t zero_shares{0};    ///< BookResult::ZeroShares
  std::uint64_t invalid_price{0};  ///< BookResult::InvalidPrice
  std::uint64_t invalid_side{0};   ///< BookResult::InvalidSide
  std::uint64_t store_full{0};     ///< BookResult::StoreFull
  std::uint64_t levels_full{0};    ///< BookResult::LevelsFull
  /// Sum over every kind.
  std::uint64_t total() const noexcept;
  /// The count for one result; 0 for Ok.
  std::uint64_t of(BookResult r) const noexcept;
};

/// What a mutating call did. 24 bytes, returned by value.
struct BookUpdate {
  /// The order's resting price (its new price for a replace). For
  /// `execute_with_price` the execution price given by the caller. Zero when
  /// the call was refused.
  Price price{};
  /// Shares the call moved: added (add, replace), executed, or cancelled
  /// (a delete cancels everything that rested). 0 when refused.
  std::uint32_t shares{0};
  /// Shares still resting on the order afterwards; 0 once it left the book.
  std::uint32_t remaining{0};
  BookResult result{BookResult::Ok};
  /// Side of the order; meaningful only when applied.
  Side side{Side::Buy};
  /// True when the best bid or best ask changed in price or in total shares.
  /// Always false for a refused call.
  bool top_changed{false};

  bool ok() const noexcept { return applied(result); }
};

/// One aggregated price level (L2), or an empty side.
struct Level {
  Price price{};            ///< 0 for an empty side
  std::uint64_t shares{0};  ///< sum of the resting shares at this price
  std::uint32_t orders{0};  ///< number of resting orders at this price
  bool empty() const noexcept { return orders == 0; }
  bool operator==(const Level& o) const noexcept {
    return price == o.price && shares == o.shares && orders == o.orders;
  }
  bool operator!=(const Level& o) const noexcept { return !(*this == o); }
};

/// A resting order as seen from outside (a copy, not a handle).
struct OrderView {
  std::uint64_t ref{0};
  Price price{};
  std::uint32_t shares{0};
  Side side{Side::Buy};
  std::uint32_t book{0};  ///< `OrderBook::id()` of the book it rests in
};

/// ITCH 5.0 market participant id of an attributed add ('F'): four ASCII
/// bytes as on the wire. Accepted and ignored by the book.
struct Mpid {
  char code[4]{' ', ' ', ' ', ' '};
};

class OrderBook;

/// The storage every book of a feed shares: the resting orders, kept in a
/// hash table keyed by reference number, and the price-level pool, all sized
/// once at construction. Single-threaded, like the books that use it. Must
/// outlive its books.
///
/// Each order lives *in* its hash slot (open addressing, linear probing,
/// backward-shift deletion): finding an order by reference is one probe that
/// lands on the order itself, not an index entry pointing elsewhere. When a
/// deletion shifts an order back to an earlier slot, the two queue
/// neighbours (or the level's head/tail) that point at it are updated, so
/// queue links stay slot numbers.
///
/// The home slot is the reference number with its high bits folded in,
/// `(ref ^ (ref >> log2(slots))) & mask`, not a scrambling hash: feed
/// references increase through the day and nearly every delete, cancel,
/// execution and replace names an order added shortly before, so the
/// orders touched most often sit in a few hot cache lines. Folding the high
/// bits in keeps refs that differ only above the mask (a stride of 2^k) off
/// a single slot.
class OrderStore {
 public:
  /// Room for `capacity` resting orders across all books (in at least twice
  /// as many slots, so probes stay short) and as many price levels. Throws
  /// std::length_error when capacity is 0 or above 2^30: it is a start-up
  /// size from configuration.
  explicit OrderStore(std::size_t capacity);
  OrderStore(const OrderStore&) = delete;
  OrderStore& operator=(const OrderStore&) = delete;
  ~OrderStore();

  /// The resting order with reference `ref`, in whichever book; nullopt if
  /// none. O(1): one probe sequence, usually one cache line.
  std::optional<OrderView> find(std::uint64_t ref) const noexcept;

  std::size_t capacity() const noexcept { return capacity_; }
  /// Orders resting across all books.
  std::size_t size() const noexcept { return size_; }
  bool full() const noexcept { return size_ == capacity_; }
  /// Price levels in use across all books.
  std::size_t levels_in_use() const noexcept { return levels_in_use_; }
  /// Starts loading the cache line a call naming `ref` reads first: a
  /// caller holding a batch of decoded messages can issue this a few
  /// messages ahead so the probe finds the order in cache.
  void prefetch(std::uint64_t ref) const noexcept { __builtin_prefetch(&slots_[home(ref)]); }
  /// Books created on this store so far (ids are 0 .. books() - 1).
  std::uint32_t books() const noexcept { return next_book_id_; }

 private:
  friend class OrderBook;
  static constexpr std::uint32_t kNil = ~std::uint32_t{0};

  // A resting order, or an empty slot when ref == 0 (so a ref of 0 is
  // refused as invalid input). 32 bytes, two per cache line. Its price
  // lives in its level, which every operation touches anyway for the L2
  // totals.
  struct Order {
    std::uint64_t ref;
    std::uint32_t shares;
    std::uint32_t level;  // index into levels_
    std::uint32_t prev;   // FIFO neighbours (slot numbers) within the level, kNil at the ends
    std::uint32_t next;
    std::uint32_t book;
    Side side;
  };
  // An aggregated price level with the FIFO of its orders: 32 bytes.
  struct PriceLevel {
    std::int64_t price;
    std::uint64_t shares;
    std::uint32_t orders;
    std::uint32_t head;  // oldest order (first to trade); free-list link while free
    std::uint32_t tail;  // newest order
  };
  static_assert(sizeof(Order) == 32 && sizeof(PriceLevel) == 32, "records are sized to pack two per cache line");

  std::size_t home(std::uint64_t ref) const noexcept { return static_cast<std::size_t>(ref ^ (ref >> bits_)) & mask_; }
  // The slot holding `ref`, or kNil (always for ref 0).
  std::uint32_t lookup(std::uint64_t ref) const noexcept {
    for (std::size_t i = home(ref);; i = (i + 1) & mask_) {
      const std::uint64_t k = slots_[i].ref;
      if (k == 0) return kNil;  // tested first: ref 0 is never found
      if (k == ref) return static_cast<std::uint32_t>(i);
    }
  }
  // The slot holding `ref` (found = true) or the empty slot it would take.
  // `ref` must not be 0.
  std::uint32_t probe(std::uint64_t ref, bool& found) const noexcept {
    for (std::size_t i = home(ref);; i = (i + 1) & mask_) {
      const std::uint64_t k = slots_[i].ref;
      if (k == ref || k == 0) {
        found = k != 0;
        return static_cast<std::uint32_t>(i);
      }
    }
  }
  // Empties slot `i` (an order already unlinked from its level) and shifts
  // later members of its probe run back, re-pointing their queue links.
  void erase_slot(std::uint32_t i) noexcept;

  std::uint32_t acquire_level() noexcept {
    const std::uint32_t i = free_level_;
    free_level_ = levels_[i].head;
    ++levels_in_use_;
    return i;
  }
  void release_level(std::uint32_t i) noexcept {
    levels_[i].head = free_level_;
    free_level_ = i;
    --levels_in_use_;
  }
  OrderView view(std::uint32_t i) const noexcept {
    const Order& o = slots_[i];
    return OrderView{o.ref, Price{levels_[o.level].price}, o.shares, o.side, o.book};
  }

  std::size_t capacity_;
  std::size_t mask_{0};
  unsigned bits_{0};
  std::size_t size_{0};
  std::unique_ptr<Order[]> slots_;
  std::unique_ptr<PriceLevel[]> levels_;
  std::uint32_t free_level_{kNil};
  std::size_t levels_in_use_{0};
  std::uint32_t next_book_id_{0};
};

/// The book of one instrument over a shared `OrderStore`.
///
/// Rules for inconsistent input. A call is refused, changing nothing, by the
/// first of these checks that fails, in this order:
///  1. the arguments alone: a ref of 0 (old or new): InvalidRef; a side
///     other than 'B'/'S': InvalidSide; 0 shares: ZeroShares; a price <= 0:
///     InvalidPrice;
///  2. the refs against the store: the named order does not rest anywhere:
///     UnknownRef; it rests in another book: WrongBook; the new ref of an add
///     or replace already rests (in any book): DuplicateRef, and the resting
///     order is untouched;
///  3. capacity: no free order slot: StoreFull; a new price level on a side
///     already holding max_levels_per_side levels: LevelsFull.
/// Applied, but counted:
///  - an execution or cancel of more shares than rest is clamped to what
///    rests and the order leaves the book: Overexecuted / Overcancelled;
///  - an add or replace priced at or through the opposite best (a locked or
///    crossed book) is still added, because real feeds cross briefly
///    (auctions, a missed message): Crossed.
/// The price of `execute_with_price` is reported, not checked.
class OrderBook {
 public:
  /// A book on `store` holding at most `max_levels_per_side` price levels on
  /// each side (1 .. 2^24). The book gets the next id of the store. Throws
  /// std::length_error for a bad size (start-up only).
  OrderBook(OrderStore& store, std::size_t max_levels_per_side);
  /// Takes over `other`'s orders and levels (they stay in the store under
  /// the same id); `other` is left empty, only fit to be destroyed.
  OrderBook(OrderBook&& other) noexcept;
  OrderBook& operator=(OrderBook&&) = delete;
  OrderBook(const OrderBook&) = delete;
  OrderBook& operator=(const OrderBook&) = delete;
  /// Returns the book's resting orders to the store.
  ~OrderBook();

  // ---- Mutations (ITCH 5.0 message in brackets) ------------------------------

  /// Add order (A): a new order at the back of its price level's queue.
  BookUpdate add(std::uint64_t ref, Side side, std::uint32_t shares, Price price) noexcept;
  /// Add order with MPID attribution (F): same as `add`; the MPID is ignored.
  BookUpdate add(std::uint64_t ref, Side side, std::uint32_t shares, Price price, Mpid /*mpid*/) noexcept {
    return add(ref, side, shares, price);
  }
  /// Order executed (E): `shares` trade at the resting price. `price` in the
  /// result is the resting price, `remaining` what is left; at 0 the order
  /// leaves the book.
  BookUpdate execute(std::uint64_t ref, std::uint32_t shares) noexcept;
  /// Order executed with price (C): as `execute`, but the trade printed at
  /// `price` (returned in the result); the book effect is the same.
  BookUpdate execute_with_price(std::uint64_t ref, std::uint32_t shares, Price price) noexcept;
  /// Order cancel (X): `shares` fewer rest; the order keeps its priority.
  /// Cancelling all of them removes the order.
  BookUpdate cancel(std::uint64_t ref, std::uint32_t shares) noexcept;
  /// Order delete (D): the order leaves the book; `shares` in the result is
  /// what rested.
  BookUpdate remove(std::uint64_t ref) noexcept;
  /// Order replace (U): `old_ref` leaves, `new_ref` joins the back of the
  /// queue at `price` with `shares`, on the same side (priority is lost even
  /// at an unchanged price). All checks run before anything changes, so a
  /// refused replace leaves the old order resting. `new_ref == old_ref` is
  /// accepted (the order re-queues).
  BookUpdate replace(std::uint64_t old_ref, std::uint64_t new_ref, std::uint32_t shares, Price price) noexcept;

  /// Removes every order of this book (a reset); counters are kept.
  void clear() noexcept;

  // ---- Views -------------------------------------------------------------------

  /// Best bid: O(1). `empty()` when no bids rest.
  Level best_bid() const noexcept { return best(sides_[0]); }
  /// Best ask (offer): O(1). `empty()` when no asks rest.
  Level best_ask() const noexcept { return best(sides_[1]); }
  Level best(Side side) const noexcept { return best(ladder(side)); }

  /// Writes up to `n` levels of `side` into `out`, best first; returns how
  /// many were written. No allocation: the caller owns `out`.
  std::size_t depth(Side side, std::size_t n, Level* out) const noexcept;
  /// The level at `price` on `side`; `empty()` when none rests there.
  Level level_at(Side side, Price price) const noexcept;
  /// The resting order `ref` if it rests in this book. O(1).
  std::optional<OrderView> order(std::uint64_t ref) const noexcept;
  /// Calls `f(const OrderView&)` for each order at `price` on `side`, in
  /// queue (time priority) order.
  template <typename F>
  void for_each_order_at(Side side, Price price, F&& f) const noexcept(noexcept(f(OrderView{})));

  std::size_t bid_levels() const noexcept { return sides_[0].count; }
  std::size_t ask_levels() const noexcept { return sides_[1].count; }
  std::size_t levels(Side side) const noexcept { return ladder(side).count; }
  /// Orders resting in this book.
  std::size_t order_count() const noexcept { return orders_; }
  std::size_t max_levels_per_side() const noexcept { return max_levels_; }
  /// The id stored in this book's orders (distinct per store).
  std::uint32_t id() const noexcept { return id_; }
  const BookCounters& counters() const noexcept { return counters_; }

  /// Walks every structure and checks that it agrees with itself: ladders
  /// sorted, level totals equal to their orders, FIFO links symmetric, each
  /// order found under its ref. For tests and post-mortems: O(orders).
  bool check_invariants() const noexcept;

 private:
  using Order = OrderStore::Order;
  using PriceLevel = OrderStore::PriceLevel;
  static constexpr std::uint32_t kNil = OrderStore::kNil;

  // One side: level keys sorted ascending with the best at index `count`.
  // Keys are the price for bids and the negated price for asks, so "better"
  // is "greater" on both sides and one code path serves both. keys[1..count]
  // are the levels; keys[-7..0] hold INT64_MIN, so the 8-key window below
  // the best that `search` reads is always in bounds.
  struct Ladder {
    std::unique_ptr<std::int64_t[]> key_storage;
    std::int64_t* keys{nullptr};             // key_storage + 7
    std::unique_ptr<std::uint32_t[]> level;  // level pool index, parallel to keys
    std::uint32_t count{0};
  };

  static std::size_t side_index(Side s) noexcept { return s == Side::Sell ? 1u : 0u; }
  static std::int64_t key_of(Side s, std::int64_t price) noexcept { return s == Side::Sell ? -price : price; }
  Ladder& ladder(Side s) noexcept { return sides_[side_index(s)]; }
  const Ladder& ladder(Side s) const noexcept { return sides_[side_index(s)]; }
  Level best(const Ladder& l) const noexcept {
    if (l.count == 0) return Level{};
    const PriceLevel& pl = levels_[l.level[l.count]];
    return Level{Price{pl.price}, pl.shares, pl.orders};
  }
  // Position p in [0, count] with keys[p] <= key < keys[p + 1].
  static std::uint32_t search(const Ladder& l, std::int64_t key) noexcept;
  // Slot of the first order queued at `price`, or kNil.
  std::uint32_t head_at(Side side, Price price) const noexcept;

  // Shared tails of the operations.
  BookUpdate reduce(std::uint32_t oi, std::uint32_t shares, BookResult clamped) noexcept;
  void link(std::uint32_t oi, std::uint32_t li) noexcept;
  void unlink(std::uint32_t oi) noexcept;
  std::uint32_t level_for(Ladder& l, std::uint32_t pos, bool found, std::int64_t key, std::int64_t price) noexcept;
  void erase_level(Side side, std::uint32_t li) noexcept;
  bool is_best(const Order& o) const noexcept {
    const Ladder& l = ladder(o.side);
    return l.level[l.count] == o.level;
  }
  // The cold path: counts `r` and returns the refused update.
  BookUpdate refuse(BookResult r) noexcept;

  OrderStore* store_;
  // The store's pools, cached: their addresses never change, and keeping
  // them here saves a dependent load on every call.
  Order* slots_;
  PriceLevel* levels_;
  Ladder sides_[2];  // [0] bids, [1] asks
  std::uint32_t max_levels_;
  std::uint32_t id_;
  std::size_t orders_{0};
  BookCounters counters_{};
};

template <typename F>
void OrderBook::for_each_order_at(Side side, Price price, F&& f) const noexcept(noexcept(f(OrderView{}))) {
  for (std::uint32_t i = head_at(side, price); i != kNil; i = slots_[i].next) f(store_->view(i));
}

}  // namespace hft::market_data
