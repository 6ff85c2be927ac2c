#pragma once
/// @file
/// Text forms of the addresses the configuration carries: IPv4 addresses
/// and MAC addresses. (`ipv4_text` and `multicast_mac` live in udp_frame.h.)

#include <array>
#include <cstdint>
#include <string_view>

#include "hft/net/udp_frame.h"

namespace hft::net {

/// Parses dotted-quad "a.b.c.d" into a host-order address; false when
/// malformed (leading zeros and out-of-range parts included).
bool parse_ipv4(std::string_view text, std::uint32_t& out) noexcept;

/// Parses "aa:bb:cc:dd:ee:ff" (either case); false when malformed.
bool parse_mac(std::string_view text, MacAddress& out) noexcept;

/// "aa:bb:cc:dd:ee:ff".
std::array<char, 18> mac_text(const MacAddress& mac) noexcept;

/// True for 224.0.0.0/4.
constexpr bool is_multicast_ipv4(std::uint32_t ip) noexcept { return (ip >> 28) == 0xE; }

}  // namespace hft::net
