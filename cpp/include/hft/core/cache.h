#pragma once
/// @file
/// Cache-line constants used to keep independently written data apart.

#include <cstddef>

namespace hft::core {

/// x86-64 and most Arm server cores use 64-byte lines; adjacent-line
/// prefetch pulls pairs, so separated hot fields sit two lines apart.
inline constexpr std::size_t kCacheLine = 64;
inline constexpr std::size_t kFalseSharingRange = 2 * kCacheLine;

/// Tells the CPU this is a spin-wait loop (fewer pipeline flushes, and the
/// sibling hyper-thread gets the core).
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

}  // namespace hft::core
