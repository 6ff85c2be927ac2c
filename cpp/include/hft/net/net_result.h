#pragma once
/// @file
/// How the network room reports failure: a value, never an exception. The
/// message says what failed and how to fix it, in the style of
/// `core::CpuResult`.

#include <memory>
#include <string>
#include <utility>

namespace hft::net {

/// Outcome of a set-up call (EAL start, port open, socket open). An empty
/// message means success.
struct NetResult {
  bool ok{true};
  std::string message;
  explicit operator bool() const noexcept { return ok; }

  static NetResult success() { return {}; }
  static NetResult failure(std::string why) { return {false, std::move(why)}; }
};

/// A created object or the reason there is none.
template <typename T>
struct NetOpened {
  std::unique_ptr<T> value;
  NetResult result;
  explicit operator bool() const noexcept { return value != nullptr; }

  static NetOpened failure(std::string why) { return {nullptr, NetResult::failure(std::move(why))}; }
};

}  // namespace hft::net
