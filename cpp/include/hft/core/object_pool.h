#pragma once
/// @file
/// Preallocated storage: a pool of reusable objects and a vector that never
/// grows past the capacity it was given at start.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace hft::core {

/// A fixed number of `T` slots allocated once; `acquire` and `release` are
/// O(1) pops and pushes on an index free list and never touch the heap.
/// Single-threaded: one owner thread, like every other piece of state.
template <typename T>
class ObjectPool {
 public:
  explicit ObjectPool(std::size_t capacity)
      : capacity_(checked_capacity(capacity)),
        storage_(std::make_unique<Slot[]>(capacity_)),
        next_free_(std::make_unique<std::uint32_t[]>(capacity_)) {
    for (std::size_t i = 0; i < capacity; ++i) next_free_[i] = static_cast<std::uint32_t>(i + 1);
    next_free_[capacity - 1] = kNone;
    free_head_ = 0;
  }
  ObjectPool(const ObjectPool&) = delete;
  ObjectPool& operator=(const ObjectPool&) = delete;
  ~ObjectPool() {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      for (std::size_t i = 0; i < capacity_; ++i)
        if (storage_[i].live) ptr(i)->~T();
    }
  }

  /// Constructs an object in a free slot; nullptr when the pool is exhausted.
  template <typename... Args>
  T* acquire(Args&&... args) noexcept(std::is_nothrow_constructible_v<T, Args&&...>) {
    if (free_head_ == kNone) return nullptr;
    const std::uint32_t i = free_head_;
    T* p = ::new (static_cast<void*>(storage_[i].bytes)) T(std::forward<Args>(args)...);
    free_head_ = next_free_[i];
    storage_[i].live = true;
    ++in_use_;
    return p;
  }

  /// Destroys `p` and returns its slot. `p` must come from this pool.
  void release(T* p) noexcept {
    const std::uint32_t i = index_of(p);
    p->~T();
    storage_[i].live = false;
    next_free_[i] = free_head_;
    free_head_ = i;
    --in_use_;
  }

  /// Stable small integer for an object of this pool (for compact handles).
  std::uint32_t index_of(const T* p) const noexcept {
    return static_cast<std::uint32_t>(reinterpret_cast<const Slot*>(p) - storage_.get());
  }
  /// The object at `index`, which the caller knows is live (an index it got
  /// from `index_of` and has not released).
  T& operator[](std::uint32_t index) noexcept { return *ptr(index); }
  const T& operator[](std::uint32_t index) const noexcept {
    return *std::launder(reinterpret_cast<const T*>(storage_[index].bytes));
  }
  /// The live object at `index`, or nullptr.
  T* at(std::uint32_t index) noexcept { return index < capacity_ && storage_[index].live ? ptr(index) : nullptr; }

  bool owns(const T* p) const noexcept {
    const auto* s = reinterpret_cast<const Slot*>(p);
    return s >= storage_.get() && s < storage_.get() + capacity_;
  }
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t in_use() const noexcept { return in_use_; }
  std::size_t available() const noexcept { return capacity_ - in_use_; }

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  // Checked before the members allocate, so a bad size is a length_error and
  // not an attempt to allocate it.
  static std::size_t checked_capacity(std::size_t capacity) {
    if (capacity == 0 || capacity >= kNone) throw std::length_error("ObjectPool capacity out of range");
    return capacity;
  }
  struct Slot {
    alignas(T) std::byte bytes[sizeof(T)];
    bool live{false};
  };
  static_assert(offsetof(Slot, bytes) == 0, "a T* must be convertible back to its slot");

  T* ptr(std::size_t i) noexcept { return std::launder(reinterpret_cast<T*>(storage_[i].bytes)); }

  std::size_t capacity_;
  std::unique_ptr<Slot[]> storage_;
  std::unique_ptr<std::uint32_t[]> next_free_;
  std::uint32_t free_head_{kNone};
  std::size_t in_use_{0};
};

/// A vector whose capacity is fixed at construction: `push_back` reports a
/// full vector instead of reallocating, so it is safe on the hot path.
template <typename T>
class FixedVector {
  static_assert(std::is_nothrow_destructible_v<T>);

 public:
  explicit FixedVector(std::size_t capacity) : capacity_(capacity), storage_(std::make_unique<Slot[]>(capacity)) {}
  FixedVector(const FixedVector&) = delete;
  FixedVector& operator=(const FixedVector&) = delete;
  ~FixedVector() { clear(); }

  template <typename... Args>
  T* emplace_back(Args&&... args) noexcept(std::is_nothrow_constructible_v<T, Args&&...>) {
    if (size_ == capacity_) return nullptr;
    T* p = ::new (static_cast<void*>(storage_[size_].bytes)) T(std::forward<Args>(args)...);
    ++size_;
    return p;
  }
  bool push_back(const T& v) noexcept(std::is_nothrow_copy_constructible_v<T>) { return emplace_back(v) != nullptr; }

  void pop_back() noexcept { (*this)[--size_].~T(); }
  /// Removes element `i` by moving the last one into its place: O(1), order
  /// not kept.
  void swap_remove(std::size_t i) noexcept {
    if (i + 1 != size_) (*this)[i] = std::move((*this)[size_ - 1]);
    pop_back();
  }
  void clear() noexcept {
    while (size_ > 0) pop_back();
  }

  T& operator[](std::size_t i) noexcept { return *std::launder(reinterpret_cast<T*>(storage_[i].bytes)); }
  const T& operator[](std::size_t i) const noexcept {
    return *std::launder(reinterpret_cast<const T*>(storage_[i].bytes));
  }
  T* begin() noexcept { return size_ ? &(*this)[0] : nullptr; }
  T* end() noexcept { return size_ ? &(*this)[0] + size_ : nullptr; }
  const T* begin() const noexcept { return size_ ? &(*this)[0] : nullptr; }
  const T* end() const noexcept { return size_ ? &(*this)[0] + size_ : nullptr; }

  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool empty() const noexcept { return size_ == 0; }
  bool full() const noexcept { return size_ == capacity_; }

 private:
  struct Slot {
    alignas(T) std::byte bytes[sizeof(T)];
  };
  std::size_t capacity_;
  std::unique_ptr<Slot[]> storage_;
  std::size_t size_{0};
};

}  // namespace hft::core
