#include "hft/market_data/order_book.h"

#include <cstring>
#include <limits>
#include <stdexcept>

namespace hft::market_data {
namespace {

constexpr std::int64_t kSentinel = std::numeric_limits<std::int64_t>::min();

// How many keys below (and including) the best `search` compares before it
// falls back to binary search: one cache line of keys. On the bench's stream
// (adds at a geometric distance from the touch) about nine searches in ten
// (92 %) end inside it.
constexpr std::uint32_t kWindow = 8;

// Branch hints: refusals are rare on a real feed; keep them off the
// fall-through path so the common case is straight-line code.
inline bool unlikely(bool b) noexcept { return __builtin_expect(b, 0) != 0; }

// The pieces every message runs (probe, ladder search, queue links) are
// forced inline into the public calls: GCC kept them out of line, and the
// calls with their spills cost about 5 % of an in-cache update
// (BM_BookStreamInCache).
#define HFT_BOOK_INLINE inline __attribute__((always_inline))

}  // namespace

std::string_view to_string(BookResult r) noexcept {
  switch (r) {
    case BookResult::Ok:
      return "ok";
    case BookResult::Crossed:
      return "crossed_add";
    case BookResult::Overexecuted:
      return "overexecution";
    case BookResult::Overcancelled:
      return "overcancel";
    case BookResult::UnknownRef:
      return "unknown_ref";
    case BookResult::WrongBook:
      return "wrong_book";
    case BookResult::DuplicateRef:
      return "duplicate_ref";
    case BookResult::InvalidRef:
      return "invalid_ref";
    case BookResult::ZeroShares:
      return "zero_shares";
    case BookResult::InvalidPrice:
      return "invalid_price";
    case BookResult::InvalidSide:
      return "invalid_side";
    case BookResult::StoreFull:
      return "store_full";
    case BookResult::LevelsFull:
      return "levels_full";
  }
  return "unknown";
}

std::uint64_t BookCounters::of(BookResult r) const noexcept {
  switch (r) {
    case BookResult::Ok:
      return 0;
    case BookResult::Crossed:
      return crossed_add;
    case BookResult::Overexecuted:
      return overexecution;
    case BookResult::Overcancelled:
      return overcancel;
    case BookResult::UnknownRef:
      return unknown_ref;
    case BookResult::WrongBook:
      return wrong_book;
    case BookResult::DuplicateRef:
      return duplicate_ref;
    case BookResult::InvalidRef:
      return invalid_ref;
    case BookResult::ZeroShares:
      return zero_shares;
    case BookResult::InvalidPrice:
      return invalid_price;
    case BookResult::InvalidSide:
      return invalid_side;
    case BookResult::StoreFull:
      return store_full;
    case BookResult::LevelsFull:
      return levels_full;
  }
  return 0;
}

std::uint64_t BookCounters::total() const noexcept {
  return crossed_add + overexecution + overcancel + unknown_ref + wrong_book + duplicate_ref + invalid_ref +
         zero_shares + invalid_price + invalid_side + store_full + levels_full;
}

// ---- OrderStore ----------------------------------------------------------------

namespace {
std::size_t checked_store_capacity(std::size_t capacity) {
  if (capacity == 0 || capacity > (std::size_t{1} << 30)) throw std::length_error("OrderStore capacity out of range");
  return capacity;
}
}  // namespace

OrderStore::OrderStore(std::size_t capacity) : capacity_(checked_store_capacity(capacity)) {
  std::size_t slots = 16;
  bits_ = 4;
  while (slots < capacity_ * 2) {
    slots <<= 1;
    ++bits_;
  }
  mask_ = slots - 1;
  // make_unique<T[]> value-initialises (zeroes) the arrays: every page is
  // written here, at start, so the hot path never takes a page fault, and
  // every slot starts empty (ref 0).
  slots_ = std::make_unique<Order[]>(slots);
  levels_ = std::make_unique<PriceLevel[]>(capacity_);
  // The level free list runs through the records (`head` of a free level):
  // no side array, O(1) pop and push. Every level holds at least one order,
  // so `capacity_` levels can never run out.
  for (std::size_t i = 0; i + 1 < capacity_; ++i) levels_[i].head = static_cast<std::uint32_t>(i + 1);
  levels_[capacity_ - 1].head = kNil;
  free_level_ = 0;
}

OrderStore::~OrderStore() = default;

std::optional<OrderView> OrderStore::find(std::uint64_t ref) const noexcept {
  if (ref == 0) return std::nullopt;
  const std::uint32_t i = lookup(ref);
  if (i == kNil) return std::nullopt;
  return view(i);
}

HFT_BOOK_INLINE void OrderStore::erase_slot(std::uint32_t i) noexcept {
  --size_;
  std::size_t hole = i;
  for (std::size_t j = (hole + 1) & mask_; slots_[j].ref != 0; j = (j + 1) & mask_) {
    const std::size_t want = home(slots_[j].ref);
    // Move j into the hole unless its home lies cyclically in (hole, j].
    const bool stays = hole <= j ? (hole < want && want <= j) : (hole < want || want <= j);
    if (stays) continue;
    // The order changes slot: whoever points at it follows. At a load of
    // at most one half most runs are a slot or two, so this is rare.
    Order& moved = slots_[hole];
    moved = slots_[j];
    const auto to = static_cast<std::uint32_t>(hole);
    if (moved.prev != kNil) {
      slots_[moved.prev].next = to;
    } else {
      levels_[moved.level].head = to;
    }
    if (moved.next != kNil) {
      slots_[moved.next].prev = to;
    } else {
      levels_[moved.level].tail = to;
    }
    hole = j;
  }
  slots_[hole].ref = 0;
}

// ---- OrderBook: construction -------------------------------------------------------

namespace {
std::uint32_t checked_levels(std::size_t n) {
  if (n == 0 || n > (std::size_t{1} << 24)) throw std::length_error("OrderBook max_levels_per_side out of range");
  return static_cast<std::uint32_t>(n);
}
}  // namespace

OrderBook::OrderBook(OrderStore& store, std::size_t max_levels_per_side)
    : store_(&store),
      slots_(store.slots_.get()),
      levels_(store.levels_.get()),
      max_levels_(checked_levels(max_levels_per_side)),
      id_(store.next_book_id_++) {
  for (Ladder& l : sides_) {
    // Slot 0 is the sentinel, 1..max the levels.
    // kWindow - 1 sentinels below slot 0, slot 0 (a sentinel), 1..max the levels.
    l.key_storage = std::make_unique<std::int64_t[]>(std::size_t{max_levels_} + kWindow);
    for (std::uint32_t i = 0; i < kWindow; ++i) l.key_storage[i] = kSentinel;
    l.keys = l.key_storage.get() + (kWindow - 1);
    l.level = std::make_unique<std::uint32_t[]>(std::size_t{max_levels_} + 1);
    l.level[0] = kNil;
  }
}

OrderBook::OrderBook(OrderBook&& other) noexcept
    : store_(other.store_),
      slots_(other.slots_),
      levels_(other.levels_),
      sides_{std::move(other.sides_[0]), std::move(other.sides_[1])},
      max_levels_(other.max_levels_),
      id_(other.id_),
      orders_(other.orders_),
      counters_(other.counters_) {
  other.store_ = nullptr;
  other.orders_ = 0;
  for (Ladder& l : other.sides_) l.count = 0;
}

OrderBook::~OrderBook() {
  if (store_ != nullptr) clear();
}

// ---- OrderBook: the ladders ---------------------------------------------------------

HFT_BOOK_INLINE std::uint32_t OrderBook::search(const Ladder& l, std::int64_t key) noexcept {
  // Near the top, where nearly all the activity is: count how many of the
  // kWindow keys below the best are greater. Branch-free: a scan that stops
  // at the first smaller key mispredicts its exit on most messages; this
  // took an in-cache update from 26 to 22 ns (BM_BookUpdateInCache). The
  // sentinels make it safe on a short ladder.
  const std::int64_t* top = l.keys + l.count;
  std::uint32_t greater = 0;
  for (std::uint32_t j = 0; j < kWindow; ++j) greater += top[-static_cast<std::ptrdiff_t>(j)] > key ? 1u : 0u;
  if (__builtin_expect(greater < kWindow, 1)) return l.count - greater;
  // Deep in the book: branchless binary search for the last k[p] <= key in
  // [0, count - kWindow]; k[0] <= key holds (sentinel) and the window's
  // lowest key, k[count - kWindow + 1], is greater.
  const std::int64_t* k = l.keys;
  std::uint32_t base = 0;
  std::uint32_t n = l.count - kWindow + 1;
  while (n > 1) {
    const std::uint32_t half = n / 2;
    base = k[base + half] <= key ? base + half : base;
    n -= half;
  }
  return base;
}

HFT_BOOK_INLINE std::uint32_t OrderBook::level_for(Ladder& l, std::uint32_t pos, bool found, std::int64_t key,
                                                   std::int64_t price) noexcept {
  if (found) return l.level[pos];
  // A new level goes in at pos + 1: only the entries above it move, which
  // near the top of the book is a handful.
  const std::uint32_t li = store_->acquire_level();
  PriceLevel& lv = levels_[li];
  lv.price = price;
  lv.shares = 0;
  lv.orders = 0;
  lv.head = kNil;
  lv.tail = kNil;
  const std::uint32_t at = pos + 1;
  const std::size_t above = l.count - pos;
  if (above != 0) {
    std::memmove(&l.keys[at + 1], &l.keys[at], above * sizeof(std::int64_t));
    std::memmove(&l.level[at + 1], &l.level[at], above * sizeof(std::uint32_t));
  }
  l.keys[at] = key;
  l.level[at] = li;
  ++l.count;
  return li;
}

void OrderBook::erase_level(Side side, std::uint32_t li) noexcept {
  Ladder& l = ladder(side);
  // The emptied level is usually the best one (executions and cancels at
  // the touch); otherwise find it by its key. (Remembering each level's
  // insert position as a hint saved the search for a third of deep removals
  // but nothing measurable on the whole stream, so it is not done.)
  const std::uint32_t pos = l.level[l.count] == li ? l.count : search(l, key_of(side, levels_[li].price));
  const std::size_t above = l.count - pos;
  if (above != 0) {
    std::memmove(&l.keys[pos], &l.keys[pos + 1], above * sizeof(std::int64_t));
    std::memmove(&l.level[pos], &l.level[pos + 1], above * sizeof(std::uint32_t));
  }
  --l.count;
  store_->release_level(li);
}

// ---- OrderBook: queue links ------------------------------------------------------------

HFT_BOOK_INLINE void OrderBook::link(std::uint32_t oi, std::uint32_t li) noexcept {
  Order& o = slots_[oi];
  PriceLevel& lv = levels_[li];
  o.level = li;
  o.prev = lv.tail;
  o.next = kNil;
  if (lv.tail != kNil) {
    slots_[lv.tail].next = oi;
  } else {
    lv.head = oi;
  }
  lv.tail = oi;
  lv.shares += o.shares;
  ++lv.orders;
}

HFT_BOOK_INLINE void OrderBook::unlink(std::uint32_t oi) noexcept {
  Order& o = slots_[oi];
  PriceLevel& lv = levels_[o.level];
  if (o.prev != kNil) {
    slots_[o.prev].next = o.next;
  } else {
    lv.head = o.next;
  }
  if (o.next != kNil) {
    slots_[o.next].prev = o.prev;
  } else {
    lv.tail = o.prev;
  }
  lv.shares -= o.shares;
  if (--lv.orders == 0) erase_level(o.side, o.level);
}

// ---- OrderBook: refusals (cold) ----------------------------------------------------------

__attribute__((cold, noinline)) BookUpdate OrderBook::refuse(BookResult r) noexcept {
  switch (r) {
    case BookResult::Ok:
    case BookResult::Crossed:
    case BookResult::Overexecuted:
    case BookResult::Overcancelled:
      break;  // applied results are counted where they happen
    case BookResult::UnknownRef:
      ++counters_.unknown_ref;
      break;
    case BookResult::WrongBook:
      ++counters_.wrong_book;
      break;
    case BookResult::DuplicateRef:
      ++counters_.duplicate_ref;
      break;
    case BookResult::InvalidRef:
      ++counters_.invalid_ref;
      break;
    case BookResult::ZeroShares:
      ++counters_.zero_shares;
      break;
    case BookResult::InvalidPrice:
      ++counters_.invalid_price;
      break;
    case BookResult::InvalidSide:
      ++counters_.invalid_side;
      break;
    case BookResult::StoreFull:
      ++counters_.store_full;
      break;
    case BookResult::LevelsFull:
      ++counters_.levels_full;
      break;
  }
  BookUpdate u;
  u.result = r;
  return u;
}

namespace {

// The documented check order for calls naming a resting order: arguments
// (ref 0, zero shares), then the ref (unknown, other book).
BookResult refusal_for_existing(std::uint64_t ref, bool zero_shares, bool found) noexcept {
  if (ref == 0) return BookResult::InvalidRef;
  if (zero_shares) return BookResult::ZeroShares;
  return found ? BookResult::WrongBook : BookResult::UnknownRef;
}

}  // namespace

// ---- OrderBook: mutations ------------------------------------------------------------------

BookUpdate OrderBook::add(std::uint64_t ref, Side side, std::uint32_t shares, Price price) noexcept {
  const bool bad_side = side != Side::Buy && side != Side::Sell;
  if (unlikely(ref == 0 || bad_side || shares == 0 || price.raw <= 0)) {
    if (ref == 0) return refuse(BookResult::InvalidRef);
    if (bad_side) return refuse(BookResult::InvalidSide);
    return refuse(shares == 0 ? BookResult::ZeroShares : BookResult::InvalidPrice);
  }
  OrderStore& st = *store_;
  // The probe is the likely cache miss: issue it first so the ladder search
  // below runs while it is in flight.
  bool exists = false;
  const std::uint32_t oi = st.probe(ref, exists);
  if (unlikely(st.size_ == st.capacity_)) return refuse(exists ? BookResult::DuplicateRef : BookResult::StoreFull);

  const std::size_t si = side_index(side);
  Ladder& l = sides_[si];
  const std::int64_t key = key_of(side, price.raw);
  const std::uint32_t pos = search(l, key);
  const bool found = l.keys[pos] == key;  // never true at pos 0: no key equals the sentinel
  if (unlikely(!found && l.count == max_levels_))
    return refuse(exists ? BookResult::DuplicateRef : BookResult::LevelsFull);
  if (unlikely(exists)) return refuse(BookResult::DuplicateRef);

  // Nothing can fail from here on.
  ++st.size_;
  const bool top = pos == l.count;  // joins the best level, or becomes it
  const std::uint32_t li = level_for(l, pos, found, key, price.raw);
  Order& o = slots_[oi];
  o.ref = ref;
  o.shares = shares;
  o.book = id_;
  o.side = side;
  link(oi, li);
  ++orders_;

  BookUpdate u;
  u.price = price;
  u.shares = shares;
  u.remaining = shares;
  u.side = side;
  u.top_changed = top;
  // Locked or crossed: at or through the opposite best (on the key scale
  // "through" is ">=" on both sides).
  const Ladder& opp = sides_[si ^ 1u];
  if (unlikely(opp.count != 0 && key >= -opp.keys[opp.count])) {
    ++counters_.crossed_add;
    u.result = BookResult::Crossed;
  }
  return u;
}

HFT_BOOK_INLINE BookUpdate OrderBook::reduce(std::uint32_t oi, std::uint32_t shares, BookResult clamped) noexcept {
  Order& o = slots_[oi];
  PriceLevel& lv = levels_[o.level];
  BookUpdate u;
  u.price = Price{lv.price};
  u.side = o.side;
  u.top_changed = is_best(o);
  if (shares < o.shares) {
    // Partial: the order keeps its place in the queue.
    o.shares -= shares;
    lv.shares -= shares;
    u.shares = shares;
    u.remaining = o.shares;
    return u;
  }
  u.shares = o.shares;  // clamped to what rests
  if (unlikely(shares > o.shares)) {
    u.result = clamped;
    if (clamped == BookResult::Overexecuted) {
      ++counters_.overexecution;
    } else {
      ++counters_.overcancel;
    }
  }
  unlink(oi);
  store_->erase_slot(oi);  // may move other orders: `o` is not used after this
  --orders_;
  return u;
}

BookUpdate OrderBook::execute(std::uint64_t ref, std::uint32_t shares) noexcept {
  const std::uint32_t oi = store_->lookup(ref);
  if (unlikely(oi == kNil || shares == 0 || slots_[oi].book != id_))
    return refuse(refusal_for_existing(ref, shares == 0, oi != kNil));
  return reduce(oi, shares, BookResult::Overexecuted);
}

BookUpdate OrderBook::execute_with_price(std::uint64_t ref, std::uint32_t shares, Price price) noexcept {
  BookUpdate u = execute(ref, shares);
  if (u.ok()) u.price = price;
  return u;
}

BookUpdate OrderBook::cancel(std::uint64_t ref, std::uint32_t shares) noexcept {
  const std::uint32_t oi = store_->lookup(ref);
  if (unlikely(oi == kNil || shares == 0 || slots_[oi].book != id_))
    return refuse(refusal_for_existing(ref, shares == 0, oi != kNil));
  return reduce(oi, shares, BookResult::Overcancelled);
}

BookUpdate OrderBook::remove(std::uint64_t ref) noexcept {
  const std::uint32_t oi = store_->lookup(ref);
  if (unlikely(oi == kNil || slots_[oi].book != id_)) return refuse(refusal_for_existing(ref, false, oi != kNil));
  return reduce(oi, slots_[oi].shares, BookResult::Ok);
}

BookUpdate OrderBook::replace(std::uint64_t old_ref, std::uint64_t new_ref, std::uint32_t shares,
                              Price price) noexcept {
  OrderStore& st = *store_;
  if (unlikely(old_ref == 0 || new_ref == 0 || shares == 0 || price.raw <= 0)) {
    if (old_ref == 0 || new_ref == 0) return refuse(BookResult::InvalidRef);
    return refuse(shares == 0 ? BookResult::ZeroShares : BookResult::InvalidPrice);
  }
  const std::uint32_t oi = st.lookup(old_ref);
  if (unlikely(oi == kNil || slots_[oi].book != id_)) return refuse(refusal_for_existing(old_ref, false, oi != kNil));
  if (unlikely(new_ref != old_ref && st.lookup(new_ref) != kNil)) return refuse(BookResult::DuplicateRef);

  const Order& o = slots_[oi];
  const Side side = o.side;
  Ladder& l = ladder(side);
  const std::int64_t key = key_of(side, price.raw);
  std::uint32_t pos = search(l, key);
  bool found = l.keys[pos] == key;
  const PriceLevel& old_level = levels_[o.level];
  // A new level is needed only when none rests at the new price; the old
  // order's level frees a ladder entry if it is about to empty.
  if (unlikely(!found && l.count == max_levels_ && old_level.orders > 1)) return refuse(BookResult::LevelsFull);

  // All checks passed: nothing below can fail, so the replace is atomic.
  const bool old_top = is_best(o);
  const bool unchanged_total = old_level.price == price.raw && o.shares == shares;
  const std::uint32_t count_before = l.count;
  unlink(oi);
  // The new reference has its own home slot. Erasing first keeps the size
  // below capacity, so the insert always finds room (the duplicate check
  // ran above); the erase may move other orders, so `o` is dead from here.
  st.erase_slot(oi);
  bool exists = false;
  const std::uint32_t ni = st.probe(new_ref, exists);
  ++st.size_;
  if (l.count != count_before) {
    // The old level emptied and left the ladder: positions above it moved.
    pos = search(l, key);
    found = l.keys[pos] == key;
  }
  const bool new_top = pos == l.count;
  const std::uint32_t li = level_for(l, pos, found, key, price.raw);
  Order& n = slots_[ni];
  n.ref = new_ref;
  n.shares = shares;
  n.book = id_;
  n.side = side;
  link(ni, li);

  BookUpdate u;
  u.price = price;
  u.shares = shares;
  u.remaining = shares;
  u.side = side;
  // The best moves unless the order re-queued at the top with the same
  // price and size (the best keeps its price and total).
  u.top_changed = (old_top || new_top) && !(old_top && unchanged_total);
  const Ladder& opp = sides_[side_index(side) ^ 1u];
  if (unlikely(opp.count != 0 && key >= -opp.keys[opp.count])) {
    ++counters_.crossed_add;
    u.result = BookResult::Crossed;
  }
  return u;
}

void OrderBook::clear() noexcept {
  // Order by order from the best level down, through the same unlink and
  // slot erase as a delete: an erase may move other orders, so the queue is
  // re-read from the level each time rather than walked.
  for (Ladder& l : sides_) {
    while (l.count != 0) {
      const std::uint32_t oi = levels_[l.level[l.count]].head;
      unlink(oi);
      store_->erase_slot(oi);
    }
  }
  orders_ = 0;
}

// ---- OrderBook: views -----------------------------------------------------------------------

std::size_t OrderBook::depth(Side side, std::size_t n, Level* out) const noexcept {
  const Ladder& l = ladder(side);
  const std::size_t count = l.count < n ? l.count : n;
  for (std::size_t k = 0; k < count; ++k) {
    const PriceLevel& lv = levels_[l.level[l.count - k]];
    out[k] = Level{Price{lv.price}, lv.shares, lv.orders};
  }
  return count;
}

Level OrderBook::level_at(Side side, Price price) const noexcept {
  const Ladder& l = ladder(side);
  const std::int64_t key = key_of(side, price.raw);
  const std::uint32_t pos = search(l, key);
  if (l.keys[pos] != key) return Level{};
  const PriceLevel& lv = levels_[l.level[pos]];
  return Level{Price{lv.price}, lv.shares, lv.orders};
}

std::uint32_t OrderBook::head_at(Side side, Price price) const noexcept {
  const Ladder& l = ladder(side);
  const std::int64_t key = key_of(side, price.raw);
  const std::uint32_t pos = search(l, key);
  return l.keys[pos] == key ? levels_[l.level[pos]].head : kNil;
}

std::optional<OrderView> OrderBook::order(std::uint64_t ref) const noexcept {
  const std::uint32_t oi = store_->lookup(ref);
  if (oi == kNil || slots_[oi].book != id_) return std::nullopt;
  return store_->view(oi);
}

bool OrderBook::check_invariants() const noexcept {
  if (store_ == nullptr) return orders_ == 0;
  std::size_t orders = 0;
  for (std::size_t si = 0; si < 2; ++si) {
    const Ladder& l = sides_[si];
    const Side side = si == 0 ? Side::Buy : Side::Sell;
    if (l.count > max_levels_) return false;
    for (std::uint32_t i = 0; i < kWindow; ++i)
      if (l.key_storage[i] != kSentinel) return false;
    for (std::uint32_t p = 1; p <= l.count; ++p) {
      if (l.keys[p] <= l.keys[p - 1]) return false;  // strictly ascending: one level per price
      const std::uint32_t li = l.level[p];
      const PriceLevel& lv = levels_[li];
      if (lv.price <= 0 || key_of(side, lv.price) != l.keys[p] || lv.orders == 0) return false;
      std::uint64_t shares = 0;
      std::uint32_t n = 0;
      std::uint32_t prev = kNil;
      for (std::uint32_t oi = lv.head; oi != kNil; oi = slots_[oi].next) {
        const Order& o = slots_[oi];
        if (o.prev != prev || o.level != li || o.book != id_ || o.side != side || o.shares == 0) return false;
        if (store_->lookup(o.ref) != oi) return false;
        shares += o.shares;
        prev = oi;
        if (++n > lv.orders) return false;  // also stops a cycle
      }
      if (prev != lv.tail || n != lv.orders || shares != lv.shares) return false;
      orders += n;
    }
  }
  return orders == orders_;
}

}  // namespace hft::market_data
