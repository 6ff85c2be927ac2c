#pragma once
/// @file
/// The queue most code would reach for first: a std::deque behind a
/// std::mutex. Bounded like the ring, with the same interface, so a benchmark
/// can run both through one harness and report the ratio.

#include <cstddef>
#include <deque>
#include <mutex>

namespace hft::bench {

template <typename T, std::size_t N>
class MutexDequeQueue {
 public:
  bool try_push(const T& v) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (items_.size() == N) return false;
    items_.push_back(v);
    return true;
  }
  bool try_pop(T& out) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (items_.empty()) return false;
    out = items_.front();
    items_.pop_front();
    return true;
  }
  /// Pushes up to `n` under one lock; returns how many went in.
  std::size_t push_batch(const T* src, std::size_t n) {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::size_t k = 0;
    for (; k < n && items_.size() < N; ++k) items_.push_back(src[k]);
    return k;
  }
  /// Pops up to `max` under one lock; returns how many.
  std::size_t pop_batch(T* dst, std::size_t max) {
    const std::lock_guard<std::mutex> lock(mutex_);
    std::size_t k = 0;
    for (; k < max && !items_.empty(); ++k) {
      dst[k] = items_.front();
      items_.pop_front();
    }
    return k;
  }

 private:
  std::mutex mutex_;
  std::deque<T> items_;
};

}  // namespace hft::bench
