#pragma once
/// @file
/// Ethernet II / IPv4 / UDP framing: building a frame around a payload (for
/// a DPDK port, a pcap capture or a replay file) and finding the payload of
/// a received frame. Network code never looks past the UDP header: what the
/// payload means is the protocol room's business.
///
/// The Ethernet/IPv4 layer and the pseudo-header checksum are exposed on
/// their own so the TCP framer (tcp_pcap.h) shares them instead of copying.

#include <array>
#include <cstddef>
#include <cstdint>

namespace hft::net {

inline constexpr std::size_t kEthernetHeader = 14;
inline constexpr std::size_t kVlanTag = 4;
inline constexpr std::size_t kIpv4Header = 20;  ///< without options (we never send any)
inline constexpr std::size_t kUdpHeader = 8;
inline constexpr std::size_t kUdpFrameOverhead = kEthernetHeader + kIpv4Header + kUdpHeader;

inline constexpr std::uint8_t kIpProtoTcp = 6;
inline constexpr std::uint8_t kIpProtoUdp = 17;

using MacAddress = std::array<std::uint8_t, 6>;

/// An IPv4 address and port, host byte order.
struct UdpEndpoint {
  std::uint32_t ip{0};
  std::uint16_t port{0};
  MacAddress mac{};
};

/// Builds `[Ethernet][IPv4][UDP][payload]` into `out`; returns the frame
/// length, or 0 when `capacity` is too small or the payload too large for
/// one IPv4 datagram. The IPv4 header checksum is filled in; the UDP
/// checksum too unless `udp_checksum` is false (0 is legal for IPv4 and what
/// NICs with offload expect to fill).
std::size_t build_udp_frame(const UdpEndpoint& src, const UdpEndpoint& dst, const std::uint8_t* payload,
                            std::size_t size, std::uint8_t* out, std::size_t capacity, std::uint8_t ttl = 64,
                            bool udp_checksum = true) noexcept;

/// What `parse_udp_frame` found.
enum class FrameStatus : std::uint8_t {
  Ok,
  Truncated,    ///< shorter than its headers say
  NotIpv4,      ///< another EtherType (ARP, IPv6, ...)
  NotUdp,       ///< another IP protocol
  Fragment,     ///< an IPv4 fragment (market data never fragments; counted, not reassembled)
  BadHeader,    ///< IPv4 version/IHL or lengths inconsistent
  BadChecksum,  ///< IPv4 header or UDP checksum wrong
};

/// A received datagram: addresses in host order, payload pointing into the frame.
struct UdpDatagram {
  UdpEndpoint src;
  UdpEndpoint dst;
  const std::uint8_t* payload{nullptr};
  std::size_t size{0};
};

/// Finds the UDP payload of an Ethernet frame (one 802.1Q tag allowed).
/// Verifies the IPv4 header checksum, and the UDP checksum when non-zero.
FrameStatus parse_udp_frame(const std::uint8_t* frame, std::size_t size, UdpDatagram& out,
                            bool verify_udp_checksum = true) noexcept;

/// The Internet checksum (RFC 1071) of `size` bytes, folded, not inverted,
/// starting from `sum`.
std::uint32_t ones_complement_sum(const std::uint8_t* data, std::size_t size, std::uint32_t sum = 0) noexcept;

// ---- shared by the UDP and TCP framers ------------------------------------

/// Addresses and protocol of an IPv4 packet, host byte order.
struct Ipv4Header {
  MacAddress src_mac{};
  MacAddress dst_mac{};
  std::uint32_t src_ip{0};
  std::uint32_t dst_ip{0};
  std::uint8_t protocol{0};
  std::uint8_t ttl{64};
  std::uint16_t id{0};  ///< identification; 0 is fine with don't-fragment set
};

/// Writes `[Ethernet][IPv4]` (no options, don't-fragment, header checksum
/// filled in) for a packet carrying `l4_size` bytes after the IPv4 header.
/// `out` must hold kEthernetHeader + kIpv4Header bytes; returns the first
/// byte after the IPv4 header. The caller has checked that
/// kIpv4Header + l4_size fits in 16 bits.
std::uint8_t* write_ethernet_ipv4(const Ipv4Header& h, std::size_t l4_size, std::uint8_t* out) noexcept;

/// An IPv4 packet inside a received frame; `payload` points into the frame.
struct Ipv4Packet {
  Ipv4Header header;
  const std::uint8_t* payload{nullptr};  ///< first byte after the IPv4 header (and its options)
  std::size_t size{0};                   ///< bytes after the IPv4 header, Ethernet padding excluded
};

/// Finds the IPv4 packet in an Ethernet frame (one 802.1Q tag allowed) and
/// verifies the header checksum; never looks at the protocol, so it answers
/// Ok, Truncated, NotIpv4, BadHeader, BadChecksum or Fragment.
FrameStatus parse_ethernet_ipv4(const std::uint8_t* frame, std::size_t size, Ipv4Packet& out) noexcept;

/// The TCP or UDP checksum of `segment` (header and payload) over the IPv4
/// pseudo-header, inverted, ready to store. Run over a segment that already
/// holds its checksum it returns 0 exactly when that checksum is right.
std::uint16_t ipv4_transport_checksum(std::uint32_t src_ip, std::uint32_t dst_ip, std::uint8_t protocol,
                                      const std::uint8_t* segment, std::size_t size) noexcept;

/// "a.b.c.d" of a host-order address.
std::array<char, 16> ipv4_text(std::uint32_t ip) noexcept;

/// Multicast group MAC for an IPv4 group address (01:00:5e + low 23 bits).
MacAddress multicast_mac(std::uint32_t group) noexcept;

}  // namespace hft::net
