#pragma once
/// @file
/// Counts heap allocations made by the current thread, so tests can assert
/// that a hot path does not allocate.
///
///   hft::test::AllocationCounter counter;
///   book.apply(msg);
///   EXPECT_EQ(counter.allocations(), 0u);
///
/// Every test executable built by hft_add_gtest links a replacement of all
/// global operator new/delete forms that feeds these counts.

#include <cstdint>

namespace hft::test {

/// Running totals of the calling thread, counted only while at least one
/// AllocationCounter is alive on that thread.
struct AllocationTotals {
  std::uint64_t allocations{0};
  std::uint64_t deallocations{0};
  std::uint64_t bytes{0};  ///< bytes requested by the counted allocations
};

namespace detail {
AllocationTotals thread_totals() noexcept;
void begin_counting() noexcept;
void end_counting() noexcept;
}  // namespace detail

/// Counts what the constructing thread allocates between construction and the
/// query. Scopes nest: an outer counter also sees what an inner one saw.
/// Allocations by other threads are never counted. Use it on the thread that
/// created it.
class AllocationCounter {
 public:
  AllocationCounter() noexcept {
    detail::begin_counting();
    start_ = detail::thread_totals();
  }
  ~AllocationCounter() { detail::end_counting(); }
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;

  std::uint64_t allocations() const noexcept { return detail::thread_totals().allocations - start_.allocations; }
  std::uint64_t deallocations() const noexcept { return detail::thread_totals().deallocations - start_.deallocations; }
  std::uint64_t bytes() const noexcept { return detail::thread_totals().bytes - start_.bytes; }

 private:
  AllocationTotals start_{};
};

/// True when this executable's operator new reports to AllocationCounter (it
/// is false only if the replacement was not linked in).
bool allocation_hooks_installed() noexcept;

}  // namespace hft::test
