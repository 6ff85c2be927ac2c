#pragma once
/// @file
/// Text conversions for the core value types. For the edges of the system
/// (configuration, FIX tag values, reports); never on the per-message path.

#include <optional>
#include <string>
#include <string_view>

#include "hft/core/types.h"

namespace hft::core {

/// Parses a decimal price such as "101.25", "-0.0001" or "7". More than four
/// decimals, a sign without digits, or anything out of range gives nullopt:
/// a price is never silently rounded.
std::optional<Price> parse_price(std::string_view text) noexcept;

/// Converts a floating-point value from a configuration file into a price,
/// rounding to the nearest 1e-4. nullopt when not finite or out of range.
std::optional<Price> price_from_double(double value) noexcept;

/// Formats a price with trailing zeros trimmed: "101.25", "-0.0001", "7".
std::string to_string(Price p);

/// Parses a signed decimal integer quantity.
std::optional<Qty> parse_qty(std::string_view text) noexcept;

std::string to_string(Qty q);

/// "buy"/"sell" (case-insensitive), "B"/"S" (ITCH) or "1"/"2" (FIX tag 54).
std::optional<Side> parse_side(std::string_view text) noexcept;

/// "buy" or "sell".
std::string_view to_string(Side s) noexcept;

}  // namespace hft::core
