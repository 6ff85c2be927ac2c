#pragma once
/// @file
/// DPDK device argument strings (`net_memif0,role=server,socket=/run/x.sock`)
/// split into the device name and its `key=value` pairs, so that set-up code
/// can act on them before the EAL does (a stale memif socket, a pcap file's
/// folder).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hft::net {

struct DevArgs {
  std::string name;  ///< the device name before the first comma, e.g. `net_memif0`
  std::vector<std::pair<std::string, std::string>> values;

  /// The value of `key`, or `fallback` when it is absent.
  std::string get(std::string_view key, std::string_view fallback = {}) const;
};

/// Splits `text` at commas; an item without '=' gets an empty value.
DevArgs parse_devargs(std::string_view text);

}  // namespace hft::net
