#include "hft/net/address.h"

#include <cstdio>

namespace hft::net {
namespace {

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool parse_ipv4(std::string_view text, std::uint32_t& out) noexcept {
  std::uint32_t ip = 0;
  std::size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part != 0) {
      if (pos >= text.size() || text[pos] != '.') return false;
      ++pos;
    }
    const std::size_t start = pos;
    unsigned value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
      value = value * 10 + static_cast<unsigned>(text[pos] - '0');
      ++pos;
    }
    const std::size_t digits = pos - start;
    if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) return false;
    ip = ip << 8 | value;
  }
  if (pos != text.size()) return false;
  out = ip;
  return true;
}

bool parse_mac(std::string_view text, MacAddress& out) noexcept {
  if (text.size() != 17) return false;
  MacAddress mac{};
  for (std::size_t i = 0; i < 6; ++i) {
    const int hi = hex_digit(text[i * 3]);
    const int lo = hex_digit(text[i * 3 + 1]);
    if (hi < 0 || lo < 0) return false;
    if (i < 5 && text[i * 3 + 2] != ':') return false;
    mac[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  out = mac;
  return true;
}

std::array<char, 18> mac_text(const MacAddress& m) noexcept {
  std::array<char, 18> s{};
  std::snprintf(s.data(), s.size(), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return s;
}

}  // namespace hft::net
