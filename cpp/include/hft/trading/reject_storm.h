#pragma once
/// @file
/// Detects a reject storm: `count` rejects within `window` ticks. Keeps the
/// times of the last `count` rejects in a ring, so each reject is O(1).

#include <cstddef>
#include <cstdint>
#include <memory>

namespace hft::trading {

class RejectStormDetector {
 public:
  RejectStormDetector(std::size_t count, std::uint64_t window_ticks)
      : count_(count == 0 ? 1 : count), window_(window_ticks), times_(std::make_unique<std::uint64_t[]>(count_)) {}

  /// Records a reject at `now`; true when it completes a storm.
  bool on_reject(std::uint64_t now) noexcept {
    times_[next_] = now;
    next_ = (next_ + 1) % count_;
    if (seen_ < count_) ++seen_;
    return holds(now);
  }

  /// True while the last `count` rejects all lie within the window of `now`.
  bool holds(std::uint64_t now) const noexcept {
    if (seen_ < count_) return false;
    const std::uint64_t oldest = times_[next_];  // the slot written longest ago
    return now - oldest <= window_;
  }

 private:
  std::size_t count_;
  std::uint64_t window_;
  std::unique_ptr<std::uint64_t[]> times_;
  std::size_t next_{0};
  std::size_t seen_{0};
};

}  // namespace hft::trading
