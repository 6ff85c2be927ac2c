#pragma once
/// @file
/// An element type that records its own construction and destruction, for
/// checking that containers destroy every object exactly once.

#include <cstddef>
#include <cstdint>
#include <memory>

namespace hft::test {

/// Ledger shared by the Tracked objects of one test. Sized up front so the
/// bookkeeping itself never allocates (tests also count allocations).
class LifetimeLedger {
 public:
  explicit LifetimeLedger(std::size_t max_objects)
      : alive_(std::make_unique<bool[]>(max_objects)), capacity_(max_objects) {}

  std::size_t constructed() const noexcept { return next_id_; }
  std::size_t destroyed() const noexcept { return destroyed_; }
  std::size_t live() const noexcept { return next_id_ - destroyed_; }
  /// Destructions of an object that was already destroyed, or never built.
  std::size_t errors() const noexcept { return errors_; }

  std::size_t born() noexcept {
    const std::size_t id = next_id_++;
    if (id < capacity_) {
      alive_[id] = true;
    } else {
      ++errors_;  // ledger too small: a test bug, reported as an error
    }
    return id;
  }
  void died(std::size_t id) noexcept {
    if (id >= capacity_ || !alive_[id]) {
      ++errors_;
      return;
    }
    alive_[id] = false;
    ++destroyed_;
  }

 private:
  std::unique_ptr<bool[]> alive_;
  std::size_t capacity_;
  std::size_t next_id_{0};
  std::size_t destroyed_{0};
  std::size_t errors_{0};
};

/// Carries a value; every construction (including copies and moves) is a new
/// object in the ledger and must be matched by exactly one destruction.
class Tracked {
 public:
  Tracked(LifetimeLedger& ledger, std::int64_t value) noexcept : ledger_(&ledger), id_(ledger.born()), value_(value) {}
  Tracked(const Tracked& o) noexcept : ledger_(o.ledger_), id_(ledger_->born()), value_(o.value_) {}
  Tracked(Tracked&& o) noexcept : ledger_(o.ledger_), id_(ledger_->born()), value_(o.value_) { o.value_ = -1; }
  Tracked& operator=(const Tracked& o) noexcept {
    value_ = o.value_;
    return *this;
  }
  Tracked& operator=(Tracked&& o) noexcept {
    value_ = o.value_;
    o.value_ = -1;
    return *this;
  }
  ~Tracked() { ledger_->died(id_); }

  std::int64_t value() const noexcept { return value_; }

 private:
  LifetimeLedger* ledger_;
  std::size_t id_;
  std::int64_t value_;
};

}  // namespace hft::test
