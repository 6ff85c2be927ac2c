#pragma once
/// @file
/// Fixed-memory log-linear latency histogram (HdrHistogram-style layout).

#include <array>
#include <cstddef>
#include <cstdint>

namespace hft::core {

/// Counts values (normally nanoseconds) into 128 linear sub-buckets per power
/// of two. Values below 256 are exact; above, a bucket spans 1/128 to 1/256
/// of its value, so any reported value is within 0.79 % of what was recorded.
/// Tracks values up to 2^34 - 1 (about 17 s); larger ones are counted as
/// overflow and still move max().
///
/// One writer, no allocation, no locks: `record` is a count-leading-zeros, two
/// shifts and an increment. The bucket array is contiguous so Python can view
/// it without a copy.
class LatencyHistogram {
 public:
  static constexpr unsigned kSubBucketBits = 7;
  static constexpr std::uint64_t kSubBuckets = 1ULL << kSubBucketBits;  // 128
  static constexpr unsigned kMaxValueBits = 34;
  static constexpr std::uint64_t kMaxTrackable = (1ULL << kMaxValueBits) - 1;
  /// 256 exact buckets, then 128 for each octave from 2^8 to 2^33.
  static constexpr std::size_t kBucketCount = (kMaxValueBits - kSubBucketBits + 1) * kSubBuckets;

  /// Bucket index for a value no greater than kMaxTrackable.
  static constexpr std::size_t bucket_index(std::uint64_t v) noexcept {
    const unsigned msb = 63U - static_cast<unsigned>(__builtin_clzll(v | 1ULL));
    const unsigned shift = msb > kSubBucketBits ? msb - kSubBucketBits : 0U;
    return (static_cast<std::size_t>(shift) << kSubBucketBits) + static_cast<std::size_t>(v >> shift);
  }
  /// Smallest value that lands in bucket `i`.
  static constexpr std::uint64_t bucket_lower(std::size_t i) noexcept {
    const std::size_t shift = i < 2 * kSubBuckets ? 0 : (i >> kSubBucketBits) - 1;
    const std::size_t base = i - (shift << kSubBucketBits);
    return static_cast<std::uint64_t>(base) << shift;
  }
  /// Largest value that lands in bucket `i`.
  static constexpr std::uint64_t bucket_upper(std::size_t i) noexcept {
    const std::size_t shift = i < 2 * kSubBuckets ? 0 : (i >> kSubBucketBits) - 1;
    return bucket_lower(i) + ((std::uint64_t{1} << shift) - 1);
  }

  void record(std::uint64_t value) noexcept {
    if (value > kMaxTrackable) {
      ++overflow_;
    } else {
      ++buckets_[bucket_index(value)];
    }
    ++count_;
    sum_ += value;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }

  /// Records `n` occurrences of `value` (for merging pre-aggregated data).
  void record_n(std::uint64_t value, std::uint64_t n) noexcept;

  /// Adds every count of `other` into this histogram.
  void merge(const LatencyHistogram& other) noexcept;
  void reset() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t overflow_count() const noexcept { return overflow_; }
  /// 0 when empty.
  std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
  std::uint64_t max() const noexcept { return max_; }
  double mean() const noexcept { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }

  /// Value at percentile `p` in [0, 100]: the highest value equivalent to the
  /// bucket holding the p-th value, capped at max(); 0 when empty. Overflowed
  /// values report max().
  std::uint64_t percentile(double p) const noexcept;

  const std::uint64_t* buckets() const noexcept { return buckets_.data(); }
  static constexpr std::size_t bucket_count() noexcept { return kBucketCount; }

 private:
  std::array<std::uint64_t, kBucketCount> buckets_{};
  std::uint64_t count_{0};
  std::uint64_t overflow_{0};
  std::uint64_t sum_{0};
  std::uint64_t min_{~std::uint64_t{0}};
  std::uint64_t max_{0};
};

static_assert(LatencyHistogram::bucket_index(LatencyHistogram::kMaxTrackable) == LatencyHistogram::kBucketCount - 1);
static_assert(LatencyHistogram::bucket_index(255) == 255 && LatencyHistogram::bucket_index(256) == 256);
static_assert(LatencyHistogram::bucket_lower(LatencyHistogram::bucket_index(1000)) <= 1000 &&
              LatencyHistogram::bucket_upper(LatencyHistogram::bucket_index(1000)) >= 1000);

}  // namespace hft::core
