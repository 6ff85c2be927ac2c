#pragma once
/// @file
/// Busy-wait for the two-thread benchmarks. Pinned to their own cores the
/// threads only spin; sharing a core (one allowed CPU) they must yield or the
/// waiter would burn the other side's time slice.

#include <thread>

#include "hft/core/cache.h"

namespace hft::bench {

class Spin {
 public:
  explicit Spin(bool may_yield) noexcept : may_yield_(may_yield) {}
  void wait() noexcept {
    core::cpu_relax();
    if (may_yield_ && ++spins_ % 64 == 0) std::this_thread::yield();
  }

 private:
  bool may_yield_;
  unsigned spins_{0};
};

}  // namespace hft::bench
