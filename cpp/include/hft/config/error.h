#pragma once
/// @file
/// A configuration problem, located precisely enough to fix without reading
/// the validator: file, key path, rule, and the value that broke it.

#include <string>
#include <vector>

namespace hft::config {

struct ConfigError {
  std::string file;     ///< the file the value came from ("<memory>" when none)
  std::string path;     ///< key path, e.g. `risk.max_position_size`, `cpu.network_cores[1]`
  std::string rule;     ///< machine-readable rule name, e.g. `minimum`, `unknown_key`, `cpu.roles_disjoint`
  std::string message;  ///< what the rule requires, in words
  std::string value;    ///< the offending value as JSON text; empty when the key is missing

  /// `file: path: message (rule: R, got: V)` — one line, for terminals and logs.
  std::string to_string() const;
};

using ConfigErrors = std::vector<ConfigError>;

/// Joins errors one per line.
std::string to_string(const ConfigErrors& errors);

}  // namespace hft::config
