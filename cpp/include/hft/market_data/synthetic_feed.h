#pragma once
/// @file
/// A deterministic generator of valid, self-consistent ITCH 5.0: the stock
/// directory first, then a realistic mix of adds, cancels, deletes,
/// executions, replaces, hidden trades and imbalance messages over deep
/// books whose prices follow a random walk, and the system events that open
/// and close the day. Every execution, cancel, delete and replace refers to
/// an order that is resting with at least that many shares, and no add
/// crosses the other side, so a correct book never reports an
/// inconsistency on it. The same seed gives the same bytes.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hft::market_data {

struct SynthOptions {
  std::uint64_t seed{1};
  std::uint64_t messages{1'000'000};  ///< total, system events and directory included
  std::uint32_t symbols{10};          ///< at most 65535 (the ITCH stock locate range)
  /// Resting orders per instrument the flow hovers around; deep books.
  std::uint32_t orders_per_symbol{400};
};

/// Tickers the generator uses: the engine's shipped symbols first (so a
/// generated feed trades what `config/symbol_config.json` configures),
/// then synthetic names.
std::string synthetic_ticker(std::uint32_t index);

class SyntheticFeed {
 public:
  /// Throws std::invalid_argument for 0 or more than 65535 symbols, or
  /// fewer messages than the opening sequence needs.
  explicit SyntheticFeed(const SynthOptions& options);
  SyntheticFeed(const SyntheticFeed&) = delete;
  SyntheticFeed& operator=(const SyntheticFeed&) = delete;
  ~SyntheticFeed();

  /// Encodes the next message (no length prefix) into `out` (at least 64
  /// bytes) and returns its size; 0 once `messages` have been produced.
  std::size_t next(std::uint8_t* out, std::size_t capacity);
  /// Time stamp (ns since midnight) of the message `next` produced last.
  std::uint64_t last_timestamp_ns() const noexcept;
  std::uint64_t produced() const noexcept;
  const SynthOptions& options() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace hft::market_data
