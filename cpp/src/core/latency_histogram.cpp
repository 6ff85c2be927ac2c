#include "hft/core/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace hft::core {

void LatencyHistogram::record_n(std::uint64_t value, std::uint64_t n) noexcept {
  if (n == 0) return;
  if (value > kMaxTrackable) {
    overflow_ += n;
  } else {
    buckets_[bucket_index(value)] += n;
  }
  count_ += n;
  sum_ += value * n;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  for (std::size_t i = 0; i < kBucketCount; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  overflow_ += other.overflow_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void LatencyHistogram::reset() noexcept {
  // Cleared in place: a hot thread may call this, and a temporary would put
  // the whole bucket array on its stack.
  std::fill(buckets_.begin(), buckets_.end(), 0);
  count_ = overflow_ = sum_ = max_ = 0;
  min_ = ~std::uint64_t{0};
}

std::uint64_t LatencyHistogram::percentile(double p) const noexcept {
  if (count_ == 0) return 0;
  if (!(p > 0.0)) return min();  // also catches NaN
  p = std::min(p, 100.0);
  // Rank of the value asked for, 1-based: the p-th percentile is the
  // smallest recorded value with at least p % of the values at or below it.
  const double exact = p / 100.0 * static_cast<double>(count_);
  // p is rarely exact in binary (99.9 * 1000 / 100 = 999.0000000000001), and
  // a plain ceil would then skip to the next rank: at the tail that is the
  // difference between p99.9 and the maximum. Ranks within rounding noise of
  // an integer are taken as that integer.
  const double nearest = std::round(exact);
  const double ranked = std::fabs(exact - nearest) <= 1e-12 * nearest ? nearest : std::ceil(exact);
  std::uint64_t rank = static_cast<std::uint64_t>(ranked);
  rank = std::clamp<std::uint64_t>(rank, 1, count_);

  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBucketCount; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(bucket_upper(i), max_);
  }
  return max_;  // the rank falls among overflowed values
}

}  // namespace hft::core
