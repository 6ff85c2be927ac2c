#include "hft/net/udp_frame.h"

#include <cstdio>
#include <cstring>

namespace hft::net {
namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherVlan = 0x8100;

std::uint16_t load16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(static_cast<unsigned>(p[0]) << 8 | p[1]);
}
std::uint32_t load32(const std::uint8_t* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
void store16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void store32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

std::uint16_t fold(std::uint32_t sum) noexcept {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

}  // namespace

std::uint32_t ones_complement_sum(const std::uint8_t* data, std::size_t size, std::uint32_t sum) noexcept {
  std::uint64_t acc = sum;
  std::size_t i = 0;
  for (; i + 1 < size; i += 2) acc += load16(data + i);
  if (i < size) acc += static_cast<std::uint32_t>(data[i]) << 8;
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint32_t>(acc);
}

namespace {

// The shared layers, inlined into the UDP framer (a DPDK hot path) as they
// were before TCP shared them; the public functions below wrap them.
[[gnu::always_inline]] inline std::uint16_t transport_checksum(std::uint32_t src_ip, std::uint32_t dst_ip,
                                                               std::uint8_t protocol, const std::uint8_t* segment,
                                                               std::size_t size) noexcept {
  std::uint8_t pseudo[12];
  store32(pseudo, src_ip);
  store32(pseudo + 4, dst_ip);
  pseudo[8] = 0;
  pseudo[9] = protocol;
  store16(pseudo + 10, static_cast<std::uint16_t>(size));
  const std::uint32_t sum = ones_complement_sum(segment, size, ones_complement_sum(pseudo, sizeof pseudo));
  return static_cast<std::uint16_t>(~fold(sum));
}

[[gnu::always_inline]] inline std::uint8_t* ethernet_ipv4(const Ipv4Header& h, std::size_t l4_size,
                                                          std::uint8_t* out) noexcept {
  std::memcpy(out, h.dst_mac.data(), 6);
  std::memcpy(out + 6, h.src_mac.data(), 6);
  store16(out + 12, kEtherIpv4);

  std::uint8_t* ip = out + kEthernetHeader;
  ip[0] = 0x45;  // version 4, 5 words
  ip[1] = 0;
  store16(ip + 2, static_cast<std::uint16_t>(kIpv4Header + l4_size));
  store16(ip + 4, h.id);
  store16(ip + 6, 0x4000);  // don't fragment
  ip[8] = h.ttl;
  ip[9] = h.protocol;
  store16(ip + 10, 0);
  store32(ip + 12, h.src_ip);
  store32(ip + 16, h.dst_ip);
  store16(ip + 10, static_cast<std::uint16_t>(~fold(ones_complement_sum(ip, kIpv4Header))));
  return ip + kIpv4Header;
}

[[gnu::always_inline]] inline FrameStatus parse_ipv4(const std::uint8_t* frame, std::size_t size,
                                                     Ipv4Packet& out) noexcept {
  if (size < kEthernetHeader) return FrameStatus::Truncated;
  std::size_t off = 12;
  std::uint16_t ether = load16(frame + off);
  off += 2;
  if (ether == kEtherVlan) {
    if (size < off + kVlanTag) return FrameStatus::Truncated;
    ether = load16(frame + off + 2);
    off += kVlanTag;
  }
  if (ether != kEtherIpv4) return FrameStatus::NotIpv4;
  if (size < off + kIpv4Header) return FrameStatus::Truncated;
  const std::uint8_t* ip = frame + off;
  if ((ip[0] >> 4) != 4) return FrameStatus::BadHeader;
  const std::size_t ihl = static_cast<std::size_t>(ip[0] & 0x0f) * 4;
  const std::size_t ip_len = load16(ip + 2);
  if (ihl < kIpv4Header || ip_len < ihl) return FrameStatus::BadHeader;
  if (size < off + ip_len) return FrameStatus::Truncated;  // Ethernet padding may make it longer, never shorter
  if (fold(ones_complement_sum(ip, ihl)) != 0xffff) return FrameStatus::BadChecksum;
  const std::uint16_t frag = load16(ip + 6);
  if ((frag & 0x2000) != 0 || (frag & 0x1fff) != 0) return FrameStatus::Fragment;
  std::memcpy(out.header.dst_mac.data(), frame, 6);
  std::memcpy(out.header.src_mac.data(), frame + 6, 6);
  out.header.src_ip = load32(ip + 12);
  out.header.dst_ip = load32(ip + 16);
  out.header.protocol = ip[9];
  out.header.ttl = ip[8];
  out.header.id = load16(ip + 4);
  out.payload = ip + ihl;
  out.size = ip_len - ihl;
  return FrameStatus::Ok;
}

}  // namespace

std::uint16_t ipv4_transport_checksum(std::uint32_t src_ip, std::uint32_t dst_ip, std::uint8_t protocol,
                                      const std::uint8_t* segment, std::size_t size) noexcept {
  return transport_checksum(src_ip, dst_ip, protocol, segment, size);
}

std::uint8_t* write_ethernet_ipv4(const Ipv4Header& h, std::size_t l4_size, std::uint8_t* out) noexcept {
  return ethernet_ipv4(h, l4_size, out);
}

FrameStatus parse_ethernet_ipv4(const std::uint8_t* frame, std::size_t size, Ipv4Packet& out) noexcept {
  return parse_ipv4(frame, size, out);
}

std::size_t build_udp_frame(const UdpEndpoint& src, const UdpEndpoint& dst, const std::uint8_t* payload,
                            std::size_t size, std::uint8_t* out, std::size_t capacity, std::uint8_t ttl,
                            bool with_udp_checksum) noexcept {
  const std::size_t total = kUdpFrameOverhead + size;
  if (total > capacity || kIpv4Header + kUdpHeader + size > 0xffff) return 0;
  Ipv4Header h;
  h.src_mac = src.mac;
  h.dst_mac = dst.mac;
  h.src_ip = src.ip;
  h.dst_ip = dst.ip;
  h.protocol = kIpProtoUdp;
  h.ttl = ttl;
  std::uint8_t* udp = ethernet_ipv4(h, kUdpHeader + size, out);
  store16(udp, src.port);
  store16(udp + 2, dst.port);
  store16(udp + 4, static_cast<std::uint16_t>(kUdpHeader + size));
  store16(udp + 6, 0);
  if (size != 0) std::memcpy(udp + kUdpHeader, payload, size);
  if (with_udp_checksum) {
    const std::uint16_t c = transport_checksum(src.ip, dst.ip, kIpProtoUdp, udp, kUdpHeader + size);
    store16(udp + 6, c == 0 ? 0xffff : c);  // 0 means "no checksum" on the wire
  }
  return total;
}

FrameStatus parse_udp_frame(const std::uint8_t* frame, std::size_t size, UdpDatagram& out,
                            bool verify_udp_checksum) noexcept {
  Ipv4Packet ip;
  const FrameStatus st = parse_ipv4(frame, size, ip);
  if (st != FrameStatus::Ok) return st;
  if (ip.header.protocol != kIpProtoUdp) return FrameStatus::NotUdp;
  const std::uint8_t* udp = ip.payload;
  if (ip.size < kUdpHeader) return FrameStatus::Truncated;
  const std::size_t udp_len = load16(udp + 4);
  if (udp_len < kUdpHeader || udp_len > ip.size) return FrameStatus::BadHeader;
  if (verify_udp_checksum && load16(udp + 6) != 0 &&
      transport_checksum(ip.header.src_ip, ip.header.dst_ip, kIpProtoUdp, udp, udp_len) != 0) {
    return FrameStatus::BadChecksum;
  }
  out.src.ip = ip.header.src_ip;
  out.dst.ip = ip.header.dst_ip;
  out.dst.mac = ip.header.dst_mac;
  out.src.mac = ip.header.src_mac;
  out.src.port = load16(udp);
  out.dst.port = load16(udp + 2);
  out.payload = udp + kUdpHeader;
  out.size = udp_len - kUdpHeader;
  return FrameStatus::Ok;
}

std::array<char, 16> ipv4_text(std::uint32_t ip) noexcept {
  std::array<char, 16> s{};
  std::snprintf(s.data(), s.size(), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
  return s;
}

MacAddress multicast_mac(std::uint32_t group) noexcept {
  return {0x01,
          0x00,
          0x5e,
          static_cast<std::uint8_t>((group >> 16) & 0x7f),
          static_cast<std::uint8_t>(group >> 8),
          static_cast<std::uint8_t>(group)};
}

}  // namespace hft::net
