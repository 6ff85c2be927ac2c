#include "hft/net/devargs.h"

namespace hft::net {

std::string DevArgs::get(std::string_view key, std::string_view fallback) const {
  for (const auto& [k, v] : values) {
    if (k == key) return v;
  }
  return std::string(fallback);
}

DevArgs parse_devargs(std::string_view text) {
  DevArgs out;
  bool first = true;
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (first) {
      out.name = std::string(item);
      first = false;
    } else if (!item.empty()) {
      const std::size_t eq = item.find('=');
      if (eq == std::string_view::npos) {
        out.values.emplace_back(std::string(item), std::string());
      } else {
        out.values.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
      }
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace hft::net
