#pragma once
/// @file
/// All the books of one ITCH feed, by stock locate: built from the stock
/// directory (R), kept current by every order message, with each
/// instrument's trading status, Reg SHO state, last imbalance (NOII) and
/// trades kept beside its book. The strategy layer hears about top-of-book
/// changes and trades through `BookListener`, with no allocation.
///
/// Books are created when the directory names an instrument (before the
/// open); that is the only allocation, once per instrument per day. Every
/// later message is applied with no allocation, lock or exception.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "hft/market_data/order_book.h"
#include "hft/protocol/itch.h"

namespace hft::market_data {

namespace itch = protocol::itch;

/// What a trade callback reports.
enum class TradeKind : std::uint8_t {
  Execution = 'E',           ///< a displayed order executed (E)
  ExecutionWithPrice = 'C',  ///< executed at a price other than its display price (C)
  NonDisplayed = 'P',        ///< a trade against a hidden order (P)
  Cross = 'Q',               ///< an opening/closing/halt cross (Q)
};

/// Receives book events; called on the feed thread, must not block.
class BookListener {
 public:
  virtual ~BookListener() = default;
  /// The best bid or offer of `locate` changed in price or size.
  virtual void on_top_of_book(std::uint16_t /*locate*/, const Level& /*bid*/, const Level& /*ask*/) noexcept {}
  /// A trade printed. `aggressor` is the side that took liquidity (the
  /// opposite of the resting order's side; Buy for a cross).
  virtual void on_trade(std::uint16_t /*locate*/, Price /*price*/, std::uint32_t /*shares*/, Side /*aggressor*/,
                        TradeKind /*kind*/) noexcept {}
  /// Trading status of `locate` changed (H): 'T' trading, 'H' halted, 'P'
  /// paused, 'Q' quotation only.
  virtual void on_trading_state(std::uint16_t /*locate*/, char /*state*/) noexcept {}
};

/// What is known of one instrument besides its book.
struct InstrumentState {
  itch::Stock stock{};
  char market_category{' '};
  std::uint32_t round_lot{0};
  char trading_state{' '};  ///< ' ' until the first H message
  char reg_sho{' '};        ///< last Reg SHO action (Y): '0', '1', '2'
  bool stale{false};        ///< messages that may have touched this book were lost
  std::uint64_t trades{0};
  std::uint64_t traded_shares{0};
  Price last_trade{};
  itch::Noii last_imbalance{};
  bool has_imbalance{false};
};

struct BookManagerOptions {
  /// Resting orders across all books (the shared OrderStore).
  std::size_t order_capacity{1 << 22};
  /// Price levels per side per book. Each book preallocates two ladders of
  /// this many 8-byte keys, so this times the instruments is memory.
  std::size_t max_levels_per_side{1 << 12};
  /// Books at most; directory entries beyond are counted and ignored, so a
  /// hostile directory cannot allocate without bound.
  std::size_t max_instruments{16384};
};

/// Feed-level counts. Book inconsistencies are summed over all books.
struct BookFeedCounters {
  std::uint64_t messages{0};
  std::array<std::uint64_t, 256> per_type{};
  itch::DecodeCounters decode;
  std::uint64_t unknown_locate{0};  ///< an order or status message for a locate with no directory entry
  std::uint64_t directory_full{0};  ///< directory entries beyond max_instruments (ignored)
  std::array<std::uint64_t, kBookResultCount> book{};  ///< by BookResult (index 0 = applied cleanly)
  std::uint64_t top_changes{0};
  char last_system_event{' '};
};

class BookManager {
 public:
  explicit BookManager(const BookManagerOptions& options = {}, BookListener* listener = nullptr);
  BookManager(const BookManager&) = delete;
  BookManager& operator=(const BookManager&) = delete;

  /// Decodes and applies one ITCH message (no length prefix).
  itch::DecodeResult apply(const std::uint8_t* message, std::size_t size) noexcept;
  /// Applies a buffer of length-prefixed messages; returns the bytes used.
  std::size_t apply_stream(const std::uint8_t* data, std::size_t size) noexcept;

  /// The book of `locate`, or nullptr when the directory never named it.
  const OrderBook* book(std::uint16_t locate) const noexcept;
  const InstrumentState* instrument(std::uint16_t locate) const noexcept;
  /// Locate of a ticker from the directory ("AAPL"); nullopt if unknown.
  std::optional<std::uint16_t> locate_of(std::string_view symbol) const noexcept;
  /// Locates with a directory entry, in the order they were named.
  const std::vector<std::uint16_t>& locates() const noexcept { return named_; }

  /// Marks every instrument stale (the feed handler lost messages it cannot
  /// attribute), or clears the mark.
  void set_all_stale(bool stale) noexcept;

  const BookFeedCounters& counters() const noexcept { return counters_; }
  const OrderStore& store() const noexcept { return store_; }
  void set_listener(BookListener* listener) noexcept { listener_ = listener; }

  // ITCH handlers (public so `itch::decode` can call them).
  void on(const itch::SystemEvent& m) noexcept;
  void on(const itch::StockDirectory& m) noexcept;
  void on(const itch::StockTradingAction& m) noexcept;
  void on(const itch::RegShoRestriction& m) noexcept;
  void on(const itch::AddOrder& m) noexcept;
  void on(const itch::AddOrderMpid& m) noexcept;
  void on(const itch::OrderExecuted& m) noexcept;
  void on(const itch::OrderExecutedWithPrice& m) noexcept;
  void on(const itch::OrderCancel& m) noexcept;
  void on(const itch::OrderDelete& m) noexcept;
  void on(const itch::OrderReplace& m) noexcept;
  void on(const itch::Trade& m) noexcept;
  void on(const itch::CrossTrade& m) noexcept;
  void on(const itch::Noii& m) noexcept;
  /// Every other type: counted, nothing to keep for the books.
  template <typename M>
  void on(const M&) noexcept {}

 private:
  struct Entry {
    std::unique_ptr<OrderBook> book;
    InstrumentState state;
  };
  Entry* entry(std::uint16_t locate) noexcept;
  void after(std::uint16_t locate, Entry& e, const BookUpdate& u) noexcept;
  /// Prefetches for the message at `at` (if complete); returns the next offset.
  std::size_t prefetch_at(const std::uint8_t* data, std::size_t size, std::size_t at) const noexcept;
  void trade(std::uint16_t locate, Entry& e, Price price, std::uint32_t shares, Side aggressor,
             TradeKind kind) noexcept;

  BookManagerOptions options_;
  BookListener* listener_;
  OrderStore store_;
  std::vector<Entry> entries_;  // by locate; Entry::book null until named
  std::vector<std::uint16_t> named_;
  BookFeedCounters counters_;
};

}  // namespace hft::market_data
