#pragma once
/// @file
/// `${NAME}` / `${NAME:-default}` expansion for path values, so one shipped
/// configuration serves a packaged install (/var/lib/hft) and a checkout.

#include <functional>
#include <optional>
#include <string>

namespace hft::config {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// Expands every `${NAME}` and `${NAME:-default}` in `text`. A variable that is
/// unset (or empty, for the `:-` form) with no default, or an unterminated or
/// malformed reference, leaves `error` saying which and returns nullopt.
/// `$` not followed by `{` is kept as it is.
std::optional<std::string> expand_env(const std::string& text, const EnvLookup& lookup, std::string& error);

}  // namespace hft::config
