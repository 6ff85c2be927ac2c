#pragma once
/// @file
/// Client order ids that are unique across restarts: a session number read
/// from and advanced in a state file at start, in the top 24 bits, and a
/// counter in the low 40. Generating one is an increment and an or.

#include <cstdint>
#include <string>

#include "hft/core/types.h"

namespace hft::trading {

class OrderIdGenerator {
 public:
  static constexpr unsigned kCounterBits = 40;
  static constexpr std::uint64_t kMaxCounter = (std::uint64_t{1} << kCounterBits) - 1;
  static constexpr std::uint32_t kMaxSession = (1u << 24) - 1;

  /// A generator for a known session number (tests, replay). 1 <= session
  /// <= kMaxSession, else std::invalid_argument.
  explicit OrderIdGenerator(std::uint32_t session);

  /// Reads the last session number from `state_path` (absent file: 0),
  /// stores the next one durably (write to a temporary file, fsync, rename,
  /// fsync the folder) and returns a generator for it. Throws
  /// std::runtime_error naming the path and the reason on I/O failure, a
  /// malformed file, or an exhausted session space.
  static OrderIdGenerator open(const std::string& state_path);

  /// The next id; OrderId{0} once the counter is exhausted (2^40 orders), so
  /// the OMS can refuse instead of repeating an id.
  core::OrderId next() noexcept {
    if (counter_ == kMaxCounter) return core::OrderId{0};
    return core::OrderId{prefix_ | ++counter_};
  }

  std::uint32_t session() const noexcept { return static_cast<std::uint32_t>(prefix_ >> kCounterBits); }
  std::uint64_t issued() const noexcept { return counter_; }

  /// The session an id was issued in (0 for an id not from a generator).
  static std::uint32_t session_of(core::OrderId id) noexcept {
    return static_cast<std::uint32_t>(id.value >> kCounterBits);
  }

 private:
  std::uint64_t prefix_;
  std::uint64_t counter_{0};
};

}  // namespace hft::trading
