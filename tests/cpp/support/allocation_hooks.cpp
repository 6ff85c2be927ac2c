// Replacement of every global operator new/delete form (C++17). Memory comes
// from malloc so the replacement cannot recurse into itself; the counters are
// plain thread_locals with constant initialisation, so touching them never
// allocates either.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#include "support/allocation_counter.h"

namespace {

struct ThreadState {
  std::uint32_t depth;  // live AllocationCounters on this thread
  hft::test::AllocationTotals totals;
};

thread_local ThreadState t_state{0, {0, 0, 0}};

void note_allocation(std::size_t size) noexcept {
  if (t_state.depth == 0) return;
  ++t_state.totals.allocations;
  t_state.totals.bytes += size;
}

void note_deallocation(const void* p) noexcept {
  if (p != nullptr && t_state.depth != 0) ++t_state.totals.deallocations;
}

void* try_allocate(std::size_t size, std::size_t alignment) noexcept {
  if (size == 0) size = 1;  // every new must return a distinct pointer
  if (alignment <= alignof(std::max_align_t)) return std::malloc(size);
  void* p = nullptr;
  // posix_memalign needs at least pointer alignment; aligned_alloc would also
  // need the size rounded up to the alignment.
  const std::size_t a = alignment < sizeof(void*) ? sizeof(void*) : alignment;
  return posix_memalign(&p, a, size) == 0 ? p : nullptr;
}

// The throwing forms retry through the new-handler, as the standard's do.
void* allocate_or_throw(std::size_t size, std::size_t alignment) {
  for (;;) {
    if (void* p = try_allocate(size, alignment)) {
      note_allocation(size);
      return p;
    }
    const std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void* allocate_nothrow(std::size_t size, std::size_t alignment) noexcept {
  try {
    return allocate_or_throw(size, alignment);
  } catch (...) {
    return nullptr;
  }
}

void release(void* p) noexcept {
  note_deallocation(p);
  std::free(p);
}

constexpr std::size_t kDefault = alignof(std::max_align_t);
std::size_t to_size(std::align_val_t a) noexcept { return static_cast<std::size_t>(a); }

}  // namespace

namespace hft::test {
namespace detail {

AllocationTotals thread_totals() noexcept { return t_state.totals; }
void begin_counting() noexcept { ++t_state.depth; }
void end_counting() noexcept { --t_state.depth; }

}  // namespace detail

bool allocation_hooks_installed() noexcept {
  // A counted scope around one allocation the compiler cannot remove.
  AllocationCounter counter;
  void* volatile p = ::operator new(1);
  ::operator delete(p);
  return counter.allocations() == 1;
}

}  // namespace hft::test

void* operator new(std::size_t size) { return allocate_or_throw(size, kDefault); }
void* operator new[](std::size_t size) { return allocate_or_throw(size, kDefault); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate_nothrow(size, kDefault); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return allocate_nothrow(size, kDefault); }
void* operator new(std::size_t size, std::align_val_t a) { return allocate_or_throw(size, to_size(a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return allocate_or_throw(size, to_size(a)); }
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_nothrow(size, to_size(a));
}
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate_nothrow(size, to_size(a));
}

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
