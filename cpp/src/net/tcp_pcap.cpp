#include "hft/net/tcp_pcap.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace hft::net {
namespace {

constexpr std::size_t kMssOptionSize = 4;  // kind 2, length 4, 16-bit value
constexpr std::size_t kMaxTcpHeader = kTcpHeader + kMssOptionSize;

std::uint16_t get16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(static_cast<unsigned>(p[0]) << 8 | p[1]);
}
std::uint32_t get32(const std::uint8_t* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
void put16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

TcpFrameStatus from_ip_status(FrameStatus s) noexcept {
  switch (s) {
    case FrameStatus::Ok:
      return TcpFrameStatus::Ok;
    case FrameStatus::Truncated:
      return TcpFrameStatus::Truncated;
    case FrameStatus::NotIpv4:
      return TcpFrameStatus::NotIpv4;
    case FrameStatus::NotUdp:
      break;  // parse_ethernet_ipv4 never looks at the protocol
    case FrameStatus::Fragment:
      return TcpFrameStatus::Fragment;
    case FrameStatus::BadHeader:
      return TcpFrameStatus::BadHeader;
    case FrameStatus::BadChecksum:
      return TcpFrameStatus::BadChecksum;
  }
  return TcpFrameStatus::BadHeader;
}

}  // namespace

std::size_t build_tcp_frame(const TcpEndpoint& src, const TcpEndpoint& dst, const TcpSegmentHeader& h,
                            const std::uint8_t* payload, std::size_t size, std::uint8_t* out,
                            std::size_t capacity) noexcept {
  const std::size_t header = h.mss_option != 0 ? kMaxTcpHeader : kTcpHeader;
  const std::size_t segment = header + size;
  if (kIpv4Header + segment > 0xffff || kEthernetHeader + kIpv4Header + segment > capacity) return 0;
  Ipv4Header ip;
  ip.src_mac = src.mac;
  ip.dst_mac = dst.mac;
  ip.src_ip = src.ip;
  ip.dst_ip = dst.ip;
  ip.protocol = kIpProtoTcp;
  ip.id = h.ip_id;
  std::uint8_t* tcp = write_ethernet_ipv4(ip, segment, out);
  put16(tcp, src.port);
  put16(tcp + 2, dst.port);
  put32(tcp + 4, h.seq);
  put32(tcp + 8, h.ack);
  tcp[12] = static_cast<std::uint8_t>((header / 4) << 4);  // data offset in 32-bit words
  tcp[13] = h.flags;
  put16(tcp + 14, h.window);
  put16(tcp + 16, 0);  // checksum, filled below
  put16(tcp + 18, 0);  // urgent pointer
  if (h.mss_option != 0) {
    tcp[20] = 2;
    tcp[21] = kMssOptionSize;
    put16(tcp + 22, h.mss_option);
  }
  if (size != 0) std::memcpy(tcp + header, payload, size);
  put16(tcp + 16, ipv4_transport_checksum(src.ip, dst.ip, kIpProtoTcp, tcp, segment));
  return kEthernetHeader + kIpv4Header + segment;
}

TcpFrameStatus parse_tcp_frame(const std::uint8_t* frame, std::size_t size, TcpSegment& out) noexcept {
  Ipv4Packet ip;
  const FrameStatus st = parse_ethernet_ipv4(frame, size, ip);
  if (st != FrameStatus::Ok) return from_ip_status(st);
  if (ip.header.protocol != kIpProtoTcp) return TcpFrameStatus::NotTcp;
  if (ip.size < kTcpHeader) return TcpFrameStatus::Truncated;
  const std::uint8_t* tcp = ip.payload;
  const std::size_t header = static_cast<std::size_t>(tcp[12] >> 4) * 4;
  if (header < kTcpHeader || header > ip.size) return TcpFrameStatus::BadHeader;
  if (ipv4_transport_checksum(ip.header.src_ip, ip.header.dst_ip, kIpProtoTcp, tcp, ip.size) != 0) {
    return TcpFrameStatus::BadChecksum;
  }
  out.src.ip = ip.header.src_ip;
  out.dst.ip = ip.header.dst_ip;
  out.src.mac = ip.header.src_mac;
  out.dst.mac = ip.header.dst_mac;
  out.src.port = get16(tcp);
  out.dst.port = get16(tcp + 2);
  out.seq = get32(tcp + 4);
  out.ack = get32(tcp + 8);
  out.flags = tcp[13];
  out.window = get16(tcp + 14);
  out.payload = tcp + header;
  out.size = ip.size - header;
  return TcpFrameStatus::Ok;
}

// ---- TcpStreamCapture -------------------------------------------------------

TcpStreamCapture::TcpStreamCapture(PcapWriter& out, const TcpEndpoint& client, const TcpEndpoint& server)
    : TcpStreamCapture(out, client, server, Options{}) {}

TcpStreamCapture::TcpStreamCapture(PcapWriter& out, const TcpEndpoint& client, const TcpEndpoint& server,
                                   const Options& options)
    : out_(out), options_(options), scratch_(kEthernetHeader + kIpv4Header + kMaxTcpHeader + options.mss) {
  // An MSS that cannot fit one IPv4 packet would make build_tcp_frame fail
  // on the first full segment; refuse it here where the cause is plain.
  if (options.mss == 0 || kIpv4Header + kMaxTcpHeader + options.mss > 0xffff) {
    throw std::invalid_argument("TcpStreamCapture: MSS " + std::to_string(options.mss) +
                                " does not fit one IPv4 packet");
  }
  client_.endpoint = client;
  server_.endpoint = server;
  client_.next_seq = options.client_isn;
  server_.next_seq = options.server_isn;
}

TcpStreamCapture::Side& TcpStreamCapture::from(TcpDirection dir) noexcept {
  return dir == TcpDirection::ClientToServer ? client_ : server_;
}

TcpStreamCapture::Side& TcpStreamCapture::to(TcpDirection dir) noexcept {
  return dir == TcpDirection::ClientToServer ? server_ : client_;
}

std::uint32_t TcpStreamCapture::next_seq(TcpDirection dir) const noexcept {
  return dir == TcpDirection::ClientToServer ? client_.next_seq : server_.next_seq;
}

std::uint64_t TcpStreamCapture::bytes(TcpDirection dir) const noexcept {
  return dir == TcpDirection::ClientToServer ? client_.bytes : server_.bytes;
}

void TcpStreamCapture::emit(Side& src, const Side& dst, std::uint8_t flags, std::uint16_t mss_option,
                            const std::uint8_t* payload, std::size_t size, std::uint64_t timestamp_ns) {
  TcpSegmentHeader h;
  h.seq = src.next_seq;
  // Only the very first SYN acknowledges nothing.
  h.ack = (flags & tcp_flags::kAck) != 0 ? dst.next_seq : 0;
  h.flags = flags;
  h.window = options_.window;
  h.mss_option = mss_option;
  h.ip_id = src.ip_id++;
  const std::size_t n = build_tcp_frame(src.endpoint, dst.endpoint, h, payload, size, scratch_.data(), scratch_.size());
  if (n == 0) throw std::logic_error("TcpStreamCapture: segment does not fit its frame buffer");
  out_.write_frame(scratch_.data(), n, timestamp_ns);
  // SYN and FIN take one sequence number each; so does every payload byte.
  src.next_seq += static_cast<std::uint32_t>(size);
  if ((flags & (tcp_flags::kSyn | tcp_flags::kFin)) != 0) ++src.next_seq;
  src.bytes += size;
}

void TcpStreamCapture::open(std::uint64_t timestamp_ns) {
  if (state_ != State::Closed) throw std::logic_error("TcpStreamCapture: open() called twice");
  emit(client_, server_, tcp_flags::kSyn, options_.mss, nullptr, 0, timestamp_ns);
  emit(server_, client_, tcp_flags::kSyn | tcp_flags::kAck, options_.mss, nullptr, 0, timestamp_ns);
  emit(client_, server_, tcp_flags::kAck, 0, nullptr, 0, timestamp_ns);
  state_ = State::Open;
}

void TcpStreamCapture::write(TcpDirection dir, const std::uint8_t* data, std::size_t size, std::uint64_t timestamp_ns) {
  if (state_ != State::Open) throw std::logic_error("TcpStreamCapture: write() outside open() .. close()");
  if (size == 0) return;
  Side& src = from(dir);
  Side& dst = to(dir);
  for (std::size_t off = 0; off < size;) {
    const std::size_t n = size - off < options_.mss ? size - off : options_.mss;
    const bool last = off + n == size;
    emit(src, dst, static_cast<std::uint8_t>(tcp_flags::kAck | (last ? tcp_flags::kPsh : 0)), 0, data + off, n,
         timestamp_ns);
    off += n;
  }
  if (options_.ack_each_write) emit(dst, src, tcp_flags::kAck, 0, nullptr, 0, timestamp_ns);
}

void TcpStreamCapture::close(TcpDirection closer, std::uint64_t timestamp_ns) {
  if (state_ != State::Open) throw std::logic_error("TcpStreamCapture: close() without an open connection");
  Side& a = from(closer);
  Side& b = to(closer);
  emit(a, b, tcp_flags::kFin | tcp_flags::kAck, 0, nullptr, 0, timestamp_ns);
  emit(b, a, tcp_flags::kFin | tcp_flags::kAck, 0, nullptr, 0, timestamp_ns);
  emit(a, b, tcp_flags::kAck, 0, nullptr, 0, timestamp_ns);
  state_ = State::Finished;
}

}  // namespace hft::net
