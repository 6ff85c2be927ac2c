#include "support/batch_timer.h"

#include <algorithm>
#include <array>

namespace hft::bench {

std::uint64_t empty_region_ticks() {
  static const std::uint64_t median = [] {
    std::array<std::uint64_t, 10'001> s{};
    for (auto& v : s) {
      const std::uint64_t t0 = core::Clock::now_ordered();
      const std::uint64_t t1 = core::Clock::now_ordered();
      v = t1 - t0;
    }
    std::nth_element(s.begin(), s.begin() + s.size() / 2, s.end());
    return s[s.size() / 2];
  }();
  return median;
}

}  // namespace hft::bench
