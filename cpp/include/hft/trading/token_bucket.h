#pragma once
/// @file
/// Order-rate limit on the TSC clock: a token bucket refilled continuously
/// at `rate` tokens per second, holding at most one second's worth. Integer
/// arithmetic in units of 1/ticks_per_second of a token, so no rounding
/// drift and no floating point on the hot path.

#include <cstdint>

namespace hft::trading {

class TokenBucket {
 public:
  /// `rate` tokens per second (> 0), clock of `ticks_per_second` (> 0);
  /// starts full.
  TokenBucket(std::uint64_t rate, std::uint64_t ticks_per_second) noexcept
      : rate_(rate), unit_(ticks_per_second), capacity_(rate * ticks_per_second), level_(capacity_) {}

  /// Takes a token if one is available at `now`.
  bool try_take(std::uint64_t now) noexcept {
    refill(now);
    if (level_ < unit_) return false;
    level_ -= unit_;
    return true;
  }

  /// Whole tokens available at `now` (refills; does not take).
  std::uint64_t available(std::uint64_t now) noexcept {
    refill(now);
    return level_ / unit_;
  }

 private:
  void refill(std::uint64_t now) noexcept {
    if (now <= last_) return;  // the TSC is monotonic per core; ignore a step back
    // Past one second the bucket is full anyway; clamping keeps rate × ticks
    // far from overflow after a long idle.
    const std::uint64_t elapsed = now - last_ < unit_ ? now - last_ : unit_;
    last_ = now;
    const std::uint64_t add = elapsed * rate_;
    level_ = capacity_ - level_ < add ? capacity_ : level_ + add;
  }

  std::uint64_t rate_;
  std::uint64_t unit_;
  std::uint64_t capacity_;
  std::uint64_t level_;
  std::uint64_t last_{0};
};

}  // namespace hft::trading
