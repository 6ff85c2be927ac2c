#include "hft/core/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "support/allocation_counter.h"

namespace hft::core {
namespace {

using H = LatencyHistogram;

// The histogram is 28 KiB: tests keep it off the stack like the engine does.
std::unique_ptr<H> make() { return std::make_unique<H>(); }

/// What percentile() must report for a sample whose value is `v`, given the
/// largest recorded value.
std::uint64_t reported(std::uint64_t v, std::uint64_t max) {
  return std::min(H::bucket_upper(H::bucket_index(v)), max);
}

/// Reference percentile on raw samples: the smallest value with at least p %
/// of the samples at or below it. `per_million` keeps the rank exact.
std::uint64_t reference(const std::vector<std::uint64_t>& sorted, std::uint64_t per_million) {
  const std::uint64_t n = sorted.size();
  std::uint64_t rank = (per_million * n + 999'999) / 1'000'000;  // ceil
  rank = std::clamp<std::uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

TEST(LatencyHistogram, EmptyReportsZeros) {
  const auto h = make();
  EXPECT_EQ(h->count(), 0u);
  EXPECT_EQ(h->overflow_count(), 0u);
  EXPECT_EQ(h->min(), 0u);
  EXPECT_EQ(h->max(), 0u);
  EXPECT_EQ(h->mean(), 0.0);
  for (const double p : {0.0, 50.0, 99.9, 100.0}) EXPECT_EQ(h->percentile(p), 0u);
  for (std::size_t i = 0; i < H::bucket_count(); ++i) ASSERT_EQ(h->buckets()[i], 0u);
}

TEST(LatencyHistogram, ValuesBelow256AreExact) {
  for (std::uint64_t v = 0; v < 256; ++v) {
    ASSERT_EQ(H::bucket_index(v), v);
    ASSERT_EQ(H::bucket_lower(v), v);
    ASSERT_EQ(H::bucket_upper(v), v);
  }
  const auto h = make();
  for (std::uint64_t v = 0; v < 256; ++v) h->record(v);
  h->record(1'000'000);  // so the cap at max() hides nothing
  for (std::uint64_t v = 0; v < 256; ++v) {
    // Rank v+1 of 257 samples is the value v.
    const double p = (static_cast<double>(v) + 0.5) / 257.0 * 100.0;
    ASSERT_EQ(h->percentile(p), v) << "p=" << p;
  }
}

TEST(LatencyHistogram, EveryBucketIsContiguousWithTheNext) {
  EXPECT_EQ(H::bucket_lower(0), 0u);
  for (std::size_t i = 0; i < H::bucket_count(); ++i) {
    const std::uint64_t lo = H::bucket_lower(i);
    const std::uint64_t hi = H::bucket_upper(i);
    ASSERT_LE(lo, hi) << i;
    ASSERT_EQ(H::bucket_index(lo), i) << i;
    ASSERT_EQ(H::bucket_index(hi), i) << i;
    if (i + 1 < H::bucket_count()) {
      ASSERT_EQ(H::bucket_lower(i + 1), hi + 1) << i;
    }
    // The layout's promise: a bucket spans at most 1/128 of its lowest value.
    if (lo >= 256) {
      ASSERT_LE((hi - lo + 1) * 128, lo) << i;
    }
  }
  EXPECT_EQ(H::bucket_upper(H::bucket_count() - 1), H::kMaxTrackable);
}

TEST(LatencyHistogram, RelativeErrorAtMostOnePercentFromOneNanosecondToTenSeconds) {
  std::vector<std::uint64_t> values;
  for (unsigned b = 0; b < H::kMaxValueBits; ++b) {
    const std::uint64_t p2 = std::uint64_t{1} << b;
    for (const std::uint64_t v : {p2 - 1, p2, p2 + 1}) values.push_back(v);
  }
  for (std::size_t i = 0; i < H::bucket_count(); i += 7) {
    values.push_back(H::bucket_lower(i));
    values.push_back(H::bucket_upper(i));
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> log10_ns(0.0, 10.0);  // 1 ns .. 10 s
  for (int i = 0; i < 20'000; ++i) values.push_back(static_cast<std::uint64_t>(std::pow(10.0, log10_ns(rng))));
  values.push_back(10'000'000'000ULL);

  const auto h = make();
  for (const std::uint64_t v : values) {
    if (v == 0 || v > 10'000'000'000ULL) continue;
    // Two samples of v and one far above: the median is v's bucket, reported
    // through the same path as any percentile.
    h->reset();
    h->record(v);
    h->record(v);
    h->record(H::kMaxTrackable);
    const std::uint64_t got = h->percentile(50.0);
    ASSERT_GE(got, v);
    ASSERT_LE(static_cast<double>(got - v), 0.01 * static_cast<double>(v)) << v;
  }
}

TEST(LatencyHistogram, PercentilesMatchASortedReferenceOnRandomData) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> latency(std::log(600.0), 0.9);
  for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{1000}, std::size_t{100'003}}) {
    const auto h = make();
    std::vector<std::uint64_t> samples;
    for (std::size_t i = 0; i < n; ++i) {
      const auto v = static_cast<std::uint64_t>(latency(rng));
      samples.push_back(v);
      h->record(v);
    }
    std::sort(samples.begin(), samples.end());
    const std::uint64_t max = samples.back();
    EXPECT_EQ(h->min(), samples.front());
    EXPECT_EQ(h->max(), max);
    for (const std::uint64_t pm :
         {1ULL, 10'000ULL, 250'000ULL, 500'000ULL, 900'000ULL, 990'000ULL, 999'000ULL, 999'900ULL, 1'000'000ULL}) {
      const double p = static_cast<double>(pm) / 10'000.0;
      EXPECT_EQ(h->percentile(p), reported(reference(samples, pm), max)) << "n=" << n << " p=" << p;
    }
  }
}

TEST(LatencyHistogram, TailPercentileOfARoundCountIsNotTheMaximum) {
  // 99.9 % of 1000 is the 999th value; binary rounding of 99.9 must not push
  // the rank to the 1000th.
  const auto h = make();
  for (std::uint64_t v = 1; v <= 1000; ++v) h->record(v < 1000 ? v % 200 : 1'000'000);
  EXPECT_EQ(h->percentile(99.9), 199u);
  EXPECT_EQ(h->percentile(100.0), 1'000'000u);
}

TEST(LatencyHistogram, PercentileArgumentIsClamped) {
  const auto h = make();
  for (std::uint64_t v = 10; v <= 50; v += 10) h->record(v);
  EXPECT_EQ(h->percentile(0.0), 10u);
  EXPECT_EQ(h->percentile(-5.0), 10u);
  EXPECT_EQ(h->percentile(std::nan("")), 10u);
  EXPECT_EQ(h->percentile(150.0), 50u);
  EXPECT_EQ(h->percentile(20.0), 10u);
  EXPECT_EQ(h->percentile(20.1), 20u);
}

TEST(LatencyHistogram, OverflowIsCountedAndReportsMax) {
  const auto h = make();
  h->record(100);
  h->record(H::kMaxTrackable);
  h->record(H::kMaxTrackable + 1);
  h->record(60'000'000'000ULL);
  EXPECT_EQ(h->count(), 4u);
  EXPECT_EQ(h->overflow_count(), 2u);
  EXPECT_EQ(h->max(), 60'000'000'000ULL);
  EXPECT_EQ(h->percentile(25.0), 100u);
  EXPECT_EQ(h->percentile(50.0), H::kMaxTrackable);
  EXPECT_EQ(h->percentile(75.0), 60'000'000'000ULL);
  EXPECT_EQ(h->percentile(100.0), 60'000'000'000ULL);
  std::uint64_t in_buckets = 0;
  for (std::size_t i = 0; i < H::bucket_count(); ++i) in_buckets += h->buckets()[i];
  EXPECT_EQ(in_buckets, 2u);
}

TEST(LatencyHistogram, MinMaxMean) {
  const auto h = make();
  for (const std::uint64_t v : {300u, 100u, 200u}) h->record(v);
  EXPECT_EQ(h->min(), 100u);
  EXPECT_EQ(h->max(), 300u);
  EXPECT_DOUBLE_EQ(h->mean(), 200.0);
}

TEST(LatencyHistogram, RecordNEqualsRepeatedRecord) {
  const auto a = make();
  const auto b = make();
  a->record_n(1234, 5);
  a->record_n(7, 0);  // nothing, not even min()
  a->record_n(H::kMaxTrackable + 5, 2);
  for (int i = 0; i < 5; ++i) b->record(1234);
  for (int i = 0; i < 2; ++i) b->record(H::kMaxTrackable + 5);
  EXPECT_EQ(a->count(), b->count());
  EXPECT_EQ(a->overflow_count(), b->overflow_count());
  EXPECT_EQ(a->min(), 1234u);
  EXPECT_EQ(a->max(), b->max());
  EXPECT_DOUBLE_EQ(a->mean(), b->mean());
  for (std::size_t i = 0; i < H::bucket_count(); ++i) ASSERT_EQ(a->buckets()[i], b->buckets()[i]);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> latency(std::log(2'000.0), 1.5);
  const auto a = make();
  const auto b = make();
  const auto all = make();
  for (int i = 0; i < 50'000; ++i) {
    const auto v = static_cast<std::uint64_t>(latency(rng)) * (i % 1000 == 0 ? 100'000 : 1);
    (i % 3 == 0 ? *a : *b).record(v);
    all->record(v);
  }
  a->merge(*b);
  EXPECT_EQ(a->count(), all->count());
  EXPECT_EQ(a->overflow_count(), all->overflow_count());
  EXPECT_EQ(a->min(), all->min());
  EXPECT_EQ(a->max(), all->max());
  EXPECT_DOUBLE_EQ(a->mean(), all->mean());
  for (std::size_t i = 0; i < H::bucket_count(); ++i) ASSERT_EQ(a->buckets()[i], all->buckets()[i]);
  for (const double p : {50.0, 99.0, 99.9}) EXPECT_EQ(a->percentile(p), all->percentile(p));
}

TEST(LatencyHistogram, MergingAnEmptyHistogramChangesNothing) {
  const auto a = make();
  const auto empty = make();
  a->record(500);
  a->merge(*empty);
  EXPECT_EQ(a->count(), 1u);
  EXPECT_EQ(a->min(), 500u);
  EXPECT_EQ(a->max(), 500u);
  empty->merge(*a);
  EXPECT_EQ(empty->min(), 500u);
}

TEST(LatencyHistogram, ResetForgetsEverything) {
  const auto h = make();
  h->record(5);
  h->record(H::kMaxTrackable + 1);
  h->reset();
  EXPECT_EQ(h->count(), 0u);
  EXPECT_EQ(h->overflow_count(), 0u);
  EXPECT_EQ(h->min(), 0u);
  EXPECT_EQ(h->max(), 0u);
  EXPECT_EQ(h->percentile(50.0), 0u);
  for (std::size_t i = 0; i < H::bucket_count(); ++i) ASSERT_EQ(h->buckets()[i], 0u);
  h->record(77);
  EXPECT_EQ(h->min(), 77u);
  EXPECT_EQ(h->max(), 77u);
}

TEST(LatencyHistogram, RecordingAndQueryingDoNotAllocate) {
  const auto h = make();
  const auto other = make();
  test::AllocationCounter counter;
  for (std::uint64_t v = 1; v < 1'000'000; v += 997) h->record(v);
  h->record_n(5, 3);
  other->merge(*h);
  std::uint64_t sink = h->percentile(99.0) + other->percentile(50.0);
  h->reset();
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_GT(sink, 0u);
}

}  // namespace
}  // namespace hft::core
