#pragma once
/// @file
/// A seqlock over an array of 64-bit atomic words in shared memory: one
/// writer that never waits, readers that retry until they copied a record no
/// write overlapped. Every access is an atomic (relaxed) word, so there is no
/// data race in the C++ memory model even while a reader copies mid-write.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "hft/core/cache.h"

namespace hft::engine::seqlock {

using Word = std::atomic<std::uint64_t>;

/// Writer: makes the sequence odd (readers of this record will retry).
inline void begin_write(Word& seq) noexcept {
  const std::uint64_t s = seq.load(std::memory_order_relaxed);
  seq.store(s + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
}

/// Writer: the record is complete again.
inline void end_write(Word& seq) noexcept {
  const std::uint64_t s = seq.load(std::memory_order_relaxed);
  seq.store(s + 1, std::memory_order_release);
}

/// Writer, between begin and end: stores `bytes` (a multiple of 8) from `src`.
inline void store_words(Word* dst, const void* src, std::size_t bytes) noexcept {
  const auto* p = static_cast<const unsigned char*>(src);
  for (std::size_t i = 0; i < bytes / 8; ++i) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + i * 8, 8);
    dst[i].store(w, std::memory_order_relaxed);
  }
}

/// Reader, between read_begin and read_valid: copies `bytes` into `out`.
inline void load_words(const Word* src, void* out, std::size_t bytes) noexcept {
  auto* p = static_cast<unsigned char*>(out);
  for (std::size_t i = 0; i < bytes / 8; ++i) {
    const std::uint64_t w = src[i].load(std::memory_order_relaxed);
    std::memcpy(p + i * 8, &w, 8);
  }
}

/// Reader: starts an attempt; returns the sequence to validate against, or
/// an odd value when the writer is inside (the caller retries).
inline std::uint64_t read_begin(const Word& seq) noexcept { return seq.load(std::memory_order_acquire); }

/// Reader: true when the words copied since read_begin(`start`) are one record.
inline bool read_valid(const Word& seq, std::uint64_t start) noexcept {
  std::atomic_thread_fence(std::memory_order_acquire);
  return (start & 1U) == 0 && seq.load(std::memory_order_relaxed) == start;
}

/// Reader: copies one consistent record via `copy()`, retrying while the
/// writer is active. Never blocks the writer; spins at most `max_tries`
/// (the writer could be descheduled mid-write) and returns false then.
template <class Copy>
bool read(const Word& seq, Copy&& copy, unsigned max_tries = 1U << 20) noexcept {
  for (unsigned i = 0; i < max_tries; ++i) {
    const std::uint64_t start = read_begin(seq);
    if ((start & 1U) == 0) {
      copy();
      if (read_valid(seq, start)) return true;
    }
    core::cpu_relax();
  }
  return false;
}

}  // namespace hft::engine::seqlock
