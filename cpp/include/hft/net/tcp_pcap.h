#pragma once
/// @file
/// TCP in capture files: framing a TCP segment as Ethernet/IPv4/TCP, finding
/// the segment in a captured frame, and TcpStreamCapture, which turns the two
/// directions of one TCP connection's byte stream into frames a pcap reader
/// (ours, tshark) follows as a real connection: three-way handshake, data
/// segments no larger than the MSS with consistent sequence and
/// acknowledgement numbers and checksums, an ACK for every write, and a FIN
/// exchange at close.
///
/// Like the rest of the network room it moves bytes: what a byte stream
/// means (FIX, SoupBinTCP) is for the caller to know.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hft/net/pcap.h"
#include "hft/net/udp_frame.h"

namespace hft::net {

inline constexpr std::size_t kTcpHeader = 20;  ///< without options
inline constexpr std::size_t kTcpFrameOverhead = kEthernetHeader + kIpv4Header + kTcpHeader;

/// TCP header flag bits.
namespace tcp_flags {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
}  // namespace tcp_flags

/// An IPv4 address, port and MAC, host byte order: the same triple as UDP.
using TcpEndpoint = UdpEndpoint;

/// The header fields of one segment to build.
struct TcpSegmentHeader {
  std::uint32_t seq{0};
  std::uint32_t ack{0};
  std::uint8_t flags{0};  ///< tcp_flags bits
  std::uint16_t window{65535};
  std::uint16_t mss_option{0};  ///< non-zero: add the MSS option (SYN segments carry it)
  std::uint16_t ip_id{0};
};

/// Builds `[Ethernet][IPv4][TCP][payload]` into `out` with both checksums;
/// returns the frame length, or 0 when `capacity` is too small or the
/// segment does not fit one IPv4 packet.
std::size_t build_tcp_frame(const TcpEndpoint& src, const TcpEndpoint& dst, const TcpSegmentHeader& h,
                            const std::uint8_t* payload, std::size_t size, std::uint8_t* out,
                            std::size_t capacity) noexcept;

/// A received segment: addresses in host order, payload pointing into the frame.
struct TcpSegment {
  TcpEndpoint src;
  TcpEndpoint dst;
  std::uint32_t seq{0};
  std::uint32_t ack{0};
  std::uint8_t flags{0};
  std::uint16_t window{0};
  const std::uint8_t* payload{nullptr};
  std::size_t size{0};
};

/// What `parse_tcp_frame` found.
enum class TcpFrameStatus : std::uint8_t {
  Ok,
  Truncated,    ///< shorter than its headers say
  NotIpv4,      ///< another EtherType
  NotTcp,       ///< another IP protocol
  Fragment,     ///< an IPv4 fragment (not reassembled)
  BadHeader,    ///< IPv4 or TCP header lengths inconsistent
  BadChecksum,  ///< IPv4 header or TCP checksum wrong
};

/// Finds the TCP segment of an Ethernet frame (one 802.1Q tag allowed) and
/// verifies the IPv4 header and TCP checksums.
TcpFrameStatus parse_tcp_frame(const std::uint8_t* frame, std::size_t size, TcpSegment& out) noexcept;

/// Which way bytes travel on a captured connection.
enum class TcpDirection : std::uint8_t {
  ClientToServer,  ///< from the endpoint that sent the SYN
  ServerToClient,
};

/// Writes one TCP connection into a PcapWriter. Usage:
///
///   PcapWriter file(path);
///   TcpStreamCapture tcp(file, client, server);
///   tcp.open(t0);                                          // SYN, SYN-ACK, ACK
///   tcp.write(TcpDirection::ClientToServer, bytes, n, t1); // data + the peer's ACK
///   tcp.close(TcpDirection::ClientToServer, t9);           // FIN, FIN-ACK, ACK
///
/// Several captures may share one PcapWriter (one per connection). Calls
/// out of order (data before open(), anything after close()) throw
/// std::logic_error: a capture that silently skipped the handshake would
/// not be a TCP connection to the reader.
class TcpStreamCapture {
 public:
  struct Options {
    std::uint16_t mss{1460};  ///< largest payload per segment (Ethernet MTU 1500 less 40)
    std::uint32_t client_isn{0x10000000};
    std::uint32_t server_isn{0x20000000};
    std::uint16_t window{65535};
    bool ack_each_write{true};  ///< the receiver ACKs every write, as a real stack would soon after
  };

  TcpStreamCapture(PcapWriter& out, const TcpEndpoint& client, const TcpEndpoint& server);
  TcpStreamCapture(PcapWriter& out, const TcpEndpoint& client, const TcpEndpoint& server, const Options& options);

  /// The three-way handshake, all three frames stamped `timestamp_ns`.
  void open(std::uint64_t timestamp_ns);
  /// `size` bytes sent in direction `dir`, cut into segments of at most
  /// the MSS (PSH on the last one), each carrying the sender's next
  /// sequence number and acknowledging everything the other side has sent.
  void write(TcpDirection dir, const std::uint8_t* data, std::size_t size, std::uint64_t timestamp_ns);
  /// Orderly release: `closer` sends FIN, the other side answers FIN-ACK,
  /// `closer` ACKs.
  void close(TcpDirection closer, std::uint64_t timestamp_ns);

  /// The sequence number the side sending in `dir` uses next.
  std::uint32_t next_seq(TcpDirection dir) const noexcept;
  /// Payload bytes written so far in `dir`.
  std::uint64_t bytes(TcpDirection dir) const noexcept;

 private:
  struct Side {
    TcpEndpoint endpoint;
    std::uint32_t next_seq{0};
    std::uint64_t bytes{0};
    std::uint16_t ip_id{0};
  };
  enum class State : std::uint8_t { Closed, Open, Finished };

  Side& from(TcpDirection dir) noexcept;
  Side& to(TcpDirection dir) noexcept;
  void emit(Side& src, const Side& dst, std::uint8_t flags, std::uint16_t mss_option, const std::uint8_t* payload,
            std::size_t size, std::uint64_t timestamp_ns);

  PcapWriter& out_;
  Options options_;
  Side client_;
  Side server_;
  State state_{State::Closed};
  std::vector<std::uint8_t> scratch_;
};

}  // namespace hft::net
