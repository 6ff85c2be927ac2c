#pragma once
/// @file
/// Capture files: reading pcap (both byte orders, micro- or nanosecond
/// stamps) and pcapng (section, interface, enhanced and simple packet
/// blocks), and writing pcap. Replay feeds the engine from these; the venue
/// simulator and `hft synth` write them; tshark reads them.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "hft/core/mapped_file.h"
#include "hft/net/udp_frame.h"

namespace hft::net {

inline constexpr std::uint32_t kLinkTypeEthernet = 1;

/// One captured frame; `data` points into the mapped file.
struct CapturedFrame {
  const std::uint8_t* data{nullptr};
  std::size_t size{0};       ///< bytes captured
  std::size_t wire_size{0};  ///< bytes on the wire (more when the capture was cut at snaplen)
  std::uint64_t timestamp_ns{0};
  std::uint32_t link_type{kLinkTypeEthernet};
};

/// What a reader skipped, by reason. Nothing is skipped silently.
struct PcapCounters {
  std::uint64_t frames{0};
  std::uint64_t udp{0};
  std::uint64_t not_ethernet{0};  ///< another link type
  std::uint64_t cut_by_snaplen{0};
  std::uint64_t other_frames{0};  ///< not IPv4/UDP: ARP, IPv6, TCP...
  std::uint64_t fragments{0};
  std::uint64_t bad_frames{0};            ///< truncated or inconsistent headers, bad checksums
  std::uint64_t other_blocks{0};          ///< pcapng blocks that carry no packet
  std::uint64_t bad_blocks{0};            ///< pcapng blocks with an impossible length or header
  std::uint64_t truncated_tail_bytes{0};  ///< a record cut off at the end of the file
};

class PcapReader {
 public:
  enum class Format { Pcap, PcapNg };

  /// Maps and checks `path`. Throws std::runtime_error naming the file and
  /// what is wrong (not a capture file, unsupported version).
  explicit PcapReader(const std::string& path);

  /// The next frame; false at the end of the file.
  bool next_frame(CapturedFrame& out);
  /// The next UDP datagram over IPv4 over Ethernet; other frames are
  /// counted and skipped. `frame` receives the frame it came from.
  bool next_udp(UdpDatagram& out, CapturedFrame& frame);

  Format format() const noexcept { return format_; }
  const PcapCounters& counters() const noexcept { return counters_; }
  const std::string& path() const noexcept { return file_.path(); }

 private:
  bool next_pcap(CapturedFrame& out);
  bool next_pcapng(CapturedFrame& out);
  std::uint32_t u32(std::size_t at) const noexcept;
  std::uint16_t u16(std::size_t at) const noexcept;

  core::MappedFile file_;
  Format format_{Format::Pcap};
  bool swapped_{false};
  bool nanosecond_{false};
  std::uint32_t link_type_{kLinkTypeEthernet};
  std::size_t pos_{0};
  struct Interface {
    std::uint32_t link_type;
    std::uint64_t units_per_second;
  };
  std::vector<Interface> interfaces_;  // pcapng, per section
  PcapCounters counters_;
};

/// Writes a classic pcap with nanosecond stamps and Ethernet link type.
class PcapWriter {
 public:
  /// Creates (truncates) `path`; throws std::runtime_error on failure.
  explicit PcapWriter(const std::string& path, std::uint32_t snaplen = 65535);
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter();

  void write_frame(const std::uint8_t* frame, std::size_t size, std::uint64_t timestamp_ns);
  /// Frames `payload` as Ethernet/IPv4/UDP from `src` to `dst` and writes it.
  void write_udp(const UdpEndpoint& src, const UdpEndpoint& dst, const std::uint8_t* payload, std::size_t size,
                 std::uint64_t timestamp_ns);
  /// Flushes and closes; throws on a write error. The destructor closes
  /// without throwing.
  void close();
  std::uint64_t frames() const noexcept { return frames_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };
  std::string path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  std::vector<std::uint8_t> scratch_;
  std::uint64_t frames_{0};
};

}  // namespace hft::net
