#pragma once
/// @file
/// FIX UTCTimestamp reading, for the session layer's SendingTime checks.

#include <cstdint>
#include <string_view>

namespace hft::protocol::fix {

/// Parses a UTCTimestamp, "YYYYMMDD-HH:MM:SS" with an optional fraction of
/// 3, 6 or 9 digits, into nanoseconds since the Unix epoch. Returns false
/// for anything else (wrong length, non-digits, month 13, second 61, ...);
/// second 60 is accepted for a leap second and read as 59.999999999 + 1 ns.
bool parse_utc_timestamp(std::string_view text, std::int64_t& ns_since_epoch) noexcept;

}  // namespace hft::protocol::fix
