#pragma once
/// @file
/// Bounded single-producer single-consumer ring: how threads of the engine
/// hand work to each other.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "hft/core/cache.h"

namespace hft::core {

/// Wait-free SPSC queue of `N` slots (a power of two).
///
/// The producer and consumer indices live on their own cache lines, and each
/// side keeps a private copy of the other side's index, refreshed only when
/// the ring looks full (producer) or empty (consumer). In steady state a
/// push or pop therefore touches one shared line: the slot.
///
/// Exactly one thread may call the producer functions (`try_push`,
/// `try_emplace`, `push_batch`) and one the consumer functions (`try_pop`,
/// `front`, `pop`, `pop_batch`). The ring is large when N is: allocate it
/// once at start (`std::make_unique`), never on the stack of a hot thread.
template <typename T, std::size_t N>
class SpscRing {
  static_assert(N >= 2 && (N & (N - 1)) == 0, "SpscRing capacity must be a power of two");
  static_assert(std::is_nothrow_destructible_v<T>);
  static_assert(alignof(T) <= kFalseSharingRange, "over-aligned element type");

 public:
  using value_type = T;
  static constexpr std::size_t kCapacity = N;

  SpscRing() noexcept = default;
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;
  ~SpscRing() {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      while (front() != nullptr) pop();
    }
  }

  /// Constructs an element in place; false when the ring is full.
  template <typename... Args>
  bool try_emplace(Args&&... args) noexcept(std::is_nothrow_constructible_v<T, Args&&...>) {
    const std::size_t head = producer_.index.load(std::memory_order_relaxed);
    if (head - producer_.cached_other == N) {
      producer_.cached_other = consumer_.index.load(std::memory_order_acquire);
      if (head - producer_.cached_other == N) return false;
    }
    ::new (static_cast<void*>(slot(head))) T(std::forward<Args>(args)...);
    producer_.index.store(head + 1, std::memory_order_release);
    return true;
  }

  bool try_push(const T& v) noexcept(std::is_nothrow_copy_constructible_v<T>) { return try_emplace(v); }
  bool try_push(T&& v) noexcept(std::is_nothrow_move_constructible_v<T>) { return try_emplace(std::move(v)); }

  /// Pushes up to `n` elements from `src`; returns how many went in. One
  /// release store publishes them all.
  std::size_t push_batch(const T* src, std::size_t n) noexcept {
    static_assert(std::is_trivially_copyable_v<T>, "push_batch copies bytes");
    const std::size_t head = producer_.index.load(std::memory_order_relaxed);
    std::size_t free_slots = N - (head - producer_.cached_other);
    if (free_slots < n) {
      producer_.cached_other = consumer_.index.load(std::memory_order_acquire);
      free_slots = N - (head - producer_.cached_other);
    }
    const std::size_t k = n < free_slots ? n : free_slots;
    copy_in(head, src, k);
    producer_.index.store(head + k, std::memory_order_release);
    return k;
  }

  /// Moves the oldest element into `out`; false when empty.
  bool try_pop(T& out) noexcept(std::is_nothrow_move_assignable_v<T>) {
    T* p = front();
    if (p == nullptr) return false;
    out = std::move(*p);
    pop();
    return true;
  }

  /// The oldest element, or nullptr when empty. Valid until `pop()`.
  T* front() noexcept {
    const std::size_t tail = consumer_.index.load(std::memory_order_relaxed);
    if (tail == consumer_.cached_other) {
      consumer_.cached_other = producer_.index.load(std::memory_order_acquire);
      if (tail == consumer_.cached_other) return nullptr;
    }
    return slot(tail);
  }

  /// Removes the element `front()` returned. Only after a non-null `front()`.
  void pop() noexcept {
    const std::size_t tail = consumer_.index.load(std::memory_order_relaxed);
    slot(tail)->~T();
    consumer_.index.store(tail + 1, std::memory_order_release);
  }

  /// Pops up to `max` elements into `dst`; returns how many.
  std::size_t pop_batch(T* dst, std::size_t max) noexcept {
    static_assert(std::is_trivially_copyable_v<T>, "pop_batch copies bytes");
    const std::size_t tail = consumer_.index.load(std::memory_order_relaxed);
    std::size_t avail = consumer_.cached_other - tail;
    if (avail < max) {
      consumer_.cached_other = producer_.index.load(std::memory_order_acquire);
      avail = consumer_.cached_other - tail;
    }
    const std::size_t k = max < avail ? max : avail;
    copy_out(tail, dst, k);
    consumer_.index.store(tail + k, std::memory_order_release);
    return k;
  }

  /// Approximate occupancy; exact only when both sides are quiet.
  std::size_t size() const noexcept {
    const std::size_t head = producer_.index.load(std::memory_order_acquire);
    const std::size_t tail = consumer_.index.load(std::memory_order_acquire);
    return head - tail;
  }
  bool empty() const noexcept { return size() == 0; }
  static constexpr std::size_t capacity() noexcept { return N; }

 private:
  static constexpr std::size_t kMask = N - 1;

  T* slot(std::size_t i) noexcept { return std::launder(reinterpret_cast<T*>(storage_ + (i & kMask) * sizeof(T))); }

  void copy_in(std::size_t head, const T* src, std::size_t k) noexcept {
    const std::size_t start = head & kMask;
    const std::size_t first = k < N - start ? k : N - start;
    // memcpy's pointers must be valid even for zero bytes, and an empty batch
    // may come with a null `src`.
    if (first != 0) std::memcpy(storage_ + start * sizeof(T), src, first * sizeof(T));
    if (k != first) std::memcpy(storage_, src + first, (k - first) * sizeof(T));
  }
  void copy_out(std::size_t tail, T* dst, std::size_t k) noexcept {
    const std::size_t start = tail & kMask;
    const std::size_t first = k < N - start ? k : N - start;
    if (first != 0) std::memcpy(dst, storage_ + start * sizeof(T), first * sizeof(T));
    if (k != first) std::memcpy(dst + first, storage_, (k - first) * sizeof(T));
  }

  // Each side's own index and its cached copy of the other side's index share
  // a line that only that side writes.
  struct alignas(kFalseSharingRange) Side {
    std::atomic<std::size_t> index{0};
    std::size_t cached_other{0};
  };

  Side producer_;
  Side consumer_;
  alignas(kFalseSharingRange) std::byte storage_[N * sizeof(T)];
  // Keeps the next object's data off the last slot's line.
  std::byte tail_pad_[kFalseSharingRange]{};
};

}  // namespace hft::core
