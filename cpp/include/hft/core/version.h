#pragma once
/// @file
/// Build identification, reported by `hft version` and the daemons.

#include <string>

namespace hft::core {

/// Project version, e.g. "0.1.0".
const char* version() noexcept;

/// One line: compiler, build type, and flags that change performance
/// (-march=native, sanitizers).
std::string build_description();

}  // namespace hft::core
