#pragma once
/// @file
/// Big-endian (network order) loads and stores for the binary protocols
/// (ITCH 5.0, MoldUDP64, later OUCH / SoupBinTCP), and the byte view every
/// decoder takes.
///
/// Every access goes through memcpy into a local and a byte swap: wire fields
/// sit at odd offsets (an ITCH order reference starts at byte 11), so casting
/// the buffer to a wider type would be misaligned and would break strict
/// aliasing. GCC and Clang turn memcpy + bswap into one `movbe` or `mov` +
/// `bswap`, so this costs nothing over the undefined-behaviour version.
///
/// None of these check bounds: callers check a message's length once, then
/// read fixed offsets inside it.

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace hft::protocol {

/// A read-only run of bytes (C++17 has no std::span). Non-owning: the bytes
/// belong to the receive buffer, file mapping or packet it points into.
struct ByteView {
  const std::uint8_t* data{nullptr};
  std::size_t size{0};

  constexpr bool empty() const noexcept { return size == 0; }
};

namespace detail {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
inline constexpr bool kHostIsBigEndian = true;
#else
inline constexpr bool kHostIsBigEndian = false;
#endif

constexpr std::uint16_t to_from_be(std::uint16_t v) noexcept { return kHostIsBigEndian ? v : __builtin_bswap16(v); }
constexpr std::uint32_t to_from_be(std::uint32_t v) noexcept { return kHostIsBigEndian ? v : __builtin_bswap32(v); }
constexpr std::uint64_t to_from_be(std::uint64_t v) noexcept { return kHostIsBigEndian ? v : __builtin_bswap64(v); }
}  // namespace detail

/// Reads a big-endian unsigned 16-bit integer at `p`.
inline std::uint16_t load_be16(const std::uint8_t* p) noexcept {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return detail::to_from_be(v);
}

/// Reads a big-endian unsigned 32-bit integer at `p`.
inline std::uint32_t load_be32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return detail::to_from_be(v);
}

/// Reads a big-endian unsigned 48-bit integer (the ITCH timestamp) at `p`.
/// Two loads (2 + 4 bytes) rather than one 8-byte load so the read never
/// passes the end of a message whose timestamp is its last field.
inline std::uint64_t load_be48(const std::uint8_t* p) noexcept {
  return (std::uint64_t{load_be16(p)} << 32) | std::uint64_t{load_be32(p + 2)};
}

/// Reads a big-endian unsigned 64-bit integer at `p`.
inline std::uint64_t load_be64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return detail::to_from_be(v);
}

/// Writes `v` big-endian at `p` (2 bytes).
inline void store_be16(std::uint8_t* p, std::uint16_t v) noexcept {
  v = detail::to_from_be(v);
  std::memcpy(p, &v, sizeof v);
}

/// Writes `v` big-endian at `p` (4 bytes).
inline void store_be32(std::uint8_t* p, std::uint32_t v) noexcept {
  v = detail::to_from_be(v);
  std::memcpy(p, &v, sizeof v);
}

/// Writes the low 48 bits of `v` big-endian at `p` (6 bytes); the caller
/// checks that `v` fits.
inline void store_be48(std::uint8_t* p, std::uint64_t v) noexcept {
  store_be16(p, static_cast<std::uint16_t>(v >> 32));
  store_be32(p + 2, static_cast<std::uint32_t>(v));
}

/// Writes `v` big-endian at `p` (8 bytes).
inline void store_be64(std::uint8_t* p, std::uint64_t v) noexcept {
  v = detail::to_from_be(v);
  std::memcpy(p, &v, sizeof v);
}

// std::byte views of the same helpers, for buffers typed as std::byte (mbufs,
// mapped files). Reading an object's bytes through unsigned char/std::byte is
// always allowed, so the pointer conversion is defined.
inline const std::uint8_t* as_u8(const std::byte* p) noexcept { return reinterpret_cast<const std::uint8_t*>(p); }
inline std::uint8_t* as_u8(std::byte* p) noexcept { return reinterpret_cast<std::uint8_t*>(p); }

inline std::uint16_t load_be16(const std::byte* p) noexcept { return load_be16(as_u8(p)); }
inline std::uint32_t load_be32(const std::byte* p) noexcept { return load_be32(as_u8(p)); }
inline std::uint64_t load_be48(const std::byte* p) noexcept { return load_be48(as_u8(p)); }
inline std::uint64_t load_be64(const std::byte* p) noexcept { return load_be64(as_u8(p)); }
inline void store_be16(std::byte* p, std::uint16_t v) noexcept { store_be16(as_u8(p), v); }
inline void store_be32(std::byte* p, std::uint32_t v) noexcept { store_be32(as_u8(p), v); }
inline void store_be48(std::byte* p, std::uint64_t v) noexcept { store_be48(as_u8(p), v); }
inline void store_be64(std::byte* p, std::uint64_t v) noexcept { store_be64(as_u8(p), v); }

/// The largest value a 48-bit field holds (ITCH timestamps).
inline constexpr std::uint64_t kMaxU48 = (std::uint64_t{1} << 48) - 1;

}  // namespace hft::protocol
