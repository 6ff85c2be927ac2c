#pragma once
/// @file
/// A fixed-capacity hash index from a 64-bit key to a 32-bit slot number:
/// open addressing with linear probing and backward-shift deletion, so a
/// lookup touches one or two cache lines and nothing allocates after
/// construction. Used for "order by client order id" and "execution id seen".

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>

namespace hft::core {

/// Maps non-zero `uint64_t` keys to `uint32_t` values. Key 0 marks an empty
/// slot and cannot be stored (`insert` refuses it). The table has a power of
/// two of slots, at least twice `capacity`, so probes stay short at full load.
class FlatIndex {
 public:
  static constexpr std::uint32_t kNotFound = ~std::uint32_t{0};

  explicit FlatIndex(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0 || capacity > (std::size_t{1} << 30)) throw std::length_error("FlatIndex capacity out of range");
    std::size_t slots = 16;
    while (slots < capacity * 2) slots <<= 1;
    mask_ = slots - 1;
    shift_ = 64;
    for (std::size_t s = slots; s > 1; s >>= 1) --shift_;
    slots_ = std::make_unique<Slot[]>(slots);
  }

  /// The value for `key`, or kNotFound.
  std::uint32_t find(std::uint64_t key) const noexcept {
    if (key == 0) return kNotFound;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == key) return s.value;
      if (s.key == 0) return kNotFound;
    }
  }

  bool contains(std::uint64_t key) const noexcept { return find(key) != kNotFound; }

  /// Adds `key`; false when it is 0, already present, or the index is full.
  bool insert(std::uint64_t key, std::uint32_t value) noexcept {
    if (key == 0 || size_ == capacity_) return false;
    std::size_t i = home(key);
    for (; slots_[i].key != 0; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return false;
    }
    slots_[i] = Slot{key, value};
    ++size_;
    return true;
  }

  /// Removes `key`; false when absent. Later entries of the probe run are
  /// shifted back so no tombstones accumulate.
  bool erase(std::uint64_t key) noexcept {
    if (key == 0) return false;
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) break;
      if (slots_[i].key == 0) return false;
    }
    std::size_t hole = i;
    for (std::size_t j = (hole + 1) & mask_; slots_[j].key != 0; j = (j + 1) & mask_) {
      const std::size_t want = home(slots_[j].key);
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const bool stays = hole <= j ? (hole < want && want <= j) : (hole < want || want <= j);
      if (!stays) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Slot{};
    --size_;
    return true;
  }

  void clear() noexcept {
    for (std::size_t i = 0; i <= mask_; ++i) slots_[i] = Slot{};
    size_ = 0;
  }

  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  bool full() const noexcept { return size_ == capacity_; }

 private:
  struct Slot {
    std::uint64_t key{0};
    std::uint32_t value{0};
  };
  // Fibonacci hashing: sequential ids (the common case) spread evenly.
  std::size_t home(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
  }

  std::size_t capacity_;
  std::size_t mask_{0};
  unsigned shift_{0};
  std::size_t size_{0};
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace hft::core
