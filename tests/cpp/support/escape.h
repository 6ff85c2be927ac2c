#pragma once
/// @file
/// Keeps the optimiser from deleting work whose result a test only inspects
/// through side channels (allocation counts, destructor counts).

namespace hft::test {

/// Pretends `p` is read and written by code the compiler cannot see.
inline void escape(const void* p) noexcept { asm volatile("" : : "g"(p) : "memory"); }

}  // namespace hft::test
