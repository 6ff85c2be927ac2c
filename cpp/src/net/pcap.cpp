#include "hft/net/pcap.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "hft/core/types.h"

namespace hft::net {
namespace {

constexpr std::uint32_t kPcapMicro = 0xa1b2c3d4;
constexpr std::uint32_t kPcapNano = 0xa1b23c4d;
constexpr std::uint32_t kNgSectionHeader = 0x0A0D0D0A;
constexpr std::uint32_t kNgByteOrderMagic = 0x1A2B3C4D;
constexpr std::uint32_t kNgInterface = 1;
constexpr std::uint32_t kNgSimplePacket = 3;
constexpr std::uint32_t kNgEnhancedPacket = 6;
constexpr std::uint16_t kNgOptTsResol = 9;
constexpr std::size_t kPcapGlobalHeader = 24;
constexpr std::size_t kPcapRecordHeader = 16;

std::uint32_t load_le32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}

std::size_t pad4(std::size_t n) noexcept { return (n + 3) & ~std::size_t{3}; }

}  // namespace

std::uint32_t PcapReader::u32(std::size_t at) const noexcept {
  const std::uint32_t v = load_le32(file_.data() + at);
  return swapped_ ? __builtin_bswap32(v) : v;
}

std::uint16_t PcapReader::u16(std::size_t at) const noexcept {
  std::uint16_t v;
  std::memcpy(&v, file_.data() + at, 2);
  return swapped_ ? __builtin_bswap16(v) : v;
}

PcapReader::PcapReader(const std::string& path) : file_(path) {
  if (file_.size() < 4) bad(path, "too short to be a pcap or pcapng file");
  const std::uint32_t magic = load_le32(file_.data());
  if (magic == kNgSectionHeader) {
    format_ = Format::PcapNg;
    if (file_.size() < 12) bad(path, "pcapng section header cut short");
    const std::uint32_t order = load_le32(file_.data() + 8);
    if (order != kNgByteOrderMagic && order != __builtin_bswap32(kNgByteOrderMagic)) {
      bad(path, "pcapng section header has no valid byte-order magic");
    }
    swapped_ = order != kNgByteOrderMagic;
    return;  // blocks, the section header included, are walked by next_pcapng
  }
  if (magic == kPcapMicro || magic == kPcapNano) {
    swapped_ = false;
  } else if (magic == __builtin_bswap32(kPcapMicro) || magic == __builtin_bswap32(kPcapNano)) {
    swapped_ = true;
  } else {
    bad(path, "not a pcap or pcapng file (unknown magic number)");
  }
  if (file_.size() < kPcapGlobalHeader) bad(path, "pcap global header cut short");
  nanosecond_ = (swapped_ ? __builtin_bswap32(magic) : magic) == kPcapNano;
  if (u16(4) != 2) bad(path, "unsupported pcap major version " + std::to_string(u16(4)));
  link_type_ = u32(20) & 0x0fffffff;  // the top bits carry FCS information
  pos_ = kPcapGlobalHeader;
}

bool PcapReader::next_pcap(CapturedFrame& out) {
  const std::size_t size = file_.size();
  if (pos_ == size) return false;
  if (size - pos_ < kPcapRecordHeader) {
    counters_.truncated_tail_bytes += size - pos_;
    pos_ = size;
    return false;
  }
  const std::uint64_t sec = u32(pos_);
  const std::uint64_t frac = u32(pos_ + 4);
  const std::size_t captured = u32(pos_ + 8);
  const std::size_t wire = u32(pos_ + 12);
  if (size - pos_ - kPcapRecordHeader < captured) {
    counters_.truncated_tail_bytes += size - pos_;
    pos_ = size;
    return false;
  }
  out.data = file_.data() + pos_ + kPcapRecordHeader;
  out.size = captured;
  out.wire_size = wire;
  out.timestamp_ns = sec * 1'000'000'000u + (nanosecond_ ? frac : frac * 1000u);
  out.link_type = link_type_;
  pos_ += kPcapRecordHeader + captured;
  return true;
}

bool PcapReader::next_pcapng(CapturedFrame& out) {
  const std::size_t size = file_.size();
  while (pos_ < size) {
    if (size - pos_ < 12) {
      counters_.truncated_tail_bytes += size - pos_;
      pos_ = size;
      return false;
    }
    std::uint32_t type = load_le32(file_.data() + pos_);
    if (type == kNgSectionHeader) {
      // Each section states its own byte order.
      const std::uint32_t order = load_le32(file_.data() + pos_ + 8);
      if (order != kNgByteOrderMagic && order != __builtin_bswap32(kNgByteOrderMagic)) {
        ++counters_.bad_blocks;
        counters_.truncated_tail_bytes += size - pos_;
        pos_ = size;
        return false;
      }
      swapped_ = order != kNgByteOrderMagic;
      interfaces_.clear();
    } else {
      type = u32(pos_);
    }
    const std::size_t length = u32(pos_ + 4);
    if (length < 12 || length % 4 != 0) {
      // Nothing after a corrupt length can be framed: count what is left
      // and stop, keeping everything read so far.
      ++counters_.bad_blocks;
      counters_.truncated_tail_bytes += size - pos_;
      pos_ = size;
      return false;
    }
    if (size - pos_ < length) {
      counters_.truncated_tail_bytes += size - pos_;
      pos_ = size;
      return false;
    }
    const std::size_t body = pos_ + 8;
    const std::size_t end = pos_ + length - 4;
    pos_ += length;

    if (type == kNgInterface) {
      if (end - body < 8) {
        // Still an interface: later blocks number interfaces by position.
        ++counters_.bad_blocks;
        interfaces_.push_back(Interface{0, 1'000'000});
        continue;
      }
      Interface itf{u16(body), 1'000'000};
      // Options: look for if_tsresol.
      for (std::size_t o = body + 8; o + 4 <= end;) {
        const std::uint16_t code = u16(o);
        const std::size_t len = u16(o + 2);
        if (code == 0) break;
        if (code == kNgOptTsResol && len >= 1 && o + 4 < end) {
          const std::uint8_t r = file_.data()[o + 4];
          std::uint64_t units = 1;
          if ((r & 0x80) == 0) {
            for (int i = 0; i < (r & 0x7f) && i < 19; ++i) units *= 10;
          } else {
            units = std::uint64_t{1} << ((r & 0x7f) < 63 ? (r & 0x7f) : 63);
          }
          itf.units_per_second = units;
        }
        o += 4 + pad4(len);
      }
      interfaces_.push_back(itf);
      continue;
    }
    if (type == kNgEnhancedPacket) {
      if (end - body < 20) {
        ++counters_.bad_frames;
        continue;
      }
      const std::uint32_t id = u32(body);
      const std::uint64_t ts = static_cast<std::uint64_t>(u32(body + 4)) << 32 | u32(body + 8);
      const std::size_t captured = u32(body + 12);
      if (id >= interfaces_.size() || end - body - 20 < captured) {
        ++counters_.bad_frames;
        continue;
      }
      const Interface& itf = interfaces_[id];
      out.data = file_.data() + body + 20;
      out.size = captured;
      out.wire_size = u32(body + 16);
      const std::uint64_t ups = itf.units_per_second;
      out.timestamp_ns = ups == 1'000'000'000u
                             ? ts
                             : static_cast<std::uint64_t>(static_cast<core::uint128>(ts) * 1'000'000'000u / ups);
      out.link_type = itf.link_type;
      return true;
    }
    if (type == kNgSimplePacket) {
      if (end - body < 4 || interfaces_.empty()) {
        ++counters_.bad_frames;
        continue;
      }
      const std::size_t wire = u32(body);
      const std::size_t room = end - body - 4;
      out.data = file_.data() + body + 4;
      out.size = wire < room ? wire : room;
      out.wire_size = wire;
      out.timestamp_ns = 0;  // simple packet blocks carry no time
      out.link_type = interfaces_[0].link_type;
      return true;
    }
    if (type != kNgSectionHeader) ++counters_.other_blocks;
  }
  return false;
}

bool PcapReader::next_frame(CapturedFrame& out) {
  const bool got = format_ == Format::Pcap ? next_pcap(out) : next_pcapng(out);
  if (got) ++counters_.frames;
  return got;
}

bool PcapReader::next_udp(UdpDatagram& out, CapturedFrame& frame) {
  while (next_frame(frame)) {
    if (frame.link_type != kLinkTypeEthernet) {
      ++counters_.not_ethernet;
      continue;
    }
    if (frame.size < frame.wire_size) {
      ++counters_.cut_by_snaplen;
      continue;
    }
    switch (parse_udp_frame(frame.data, frame.size, out)) {
      case FrameStatus::Ok:
        ++counters_.udp;
        return true;
      case FrameStatus::NotIpv4:
      case FrameStatus::NotUdp:
        ++counters_.other_frames;
        break;
      case FrameStatus::Fragment:
        ++counters_.fragments;
        break;
      case FrameStatus::Truncated:
      case FrameStatus::BadHeader:
      case FrameStatus::BadChecksum:
        ++counters_.bad_frames;
        break;
    }
  }
  return false;
}

// ---- writer ------------------------------------------------------------------

PcapWriter::PcapWriter(const std::string& path, std::uint32_t snaplen)
    : path_(path), file_(std::fopen(path.c_str(), "wb")), scratch_(kUdpFrameOverhead + 65536) {
  if (!file_) throw std::runtime_error(path + ": cannot create: " + std::strerror(errno));
  std::setvbuf(file_.get(), nullptr, _IOFBF, 1 << 20);
  std::uint8_t header[kPcapGlobalHeader] = {};
  const std::uint32_t magic = kPcapNano;
  const std::uint16_t major = 2;
  const std::uint16_t minor = 4;
  const std::uint32_t link = kLinkTypeEthernet;
  std::memcpy(header, &magic, 4);
  std::memcpy(header + 4, &major, 2);
  std::memcpy(header + 6, &minor, 2);
  std::memcpy(header + 16, &snaplen, 4);
  std::memcpy(header + 20, &link, 4);
  if (std::fwrite(header, 1, sizeof header, file_.get()) != sizeof header) {
    throw std::runtime_error(path + ": write failed: " + std::strerror(errno));
  }
}

PcapWriter::~PcapWriter() = default;

void PcapWriter::write_frame(const std::uint8_t* frame, std::size_t size, std::uint64_t timestamp_ns) {
  if (!file_) throw std::runtime_error(path_ + ": written after close");
  std::uint8_t rec[kPcapRecordHeader];
  const auto sec = static_cast<std::uint32_t>(timestamp_ns / 1'000'000'000u);
  const auto nsec = static_cast<std::uint32_t>(timestamp_ns % 1'000'000'000u);
  const auto len = static_cast<std::uint32_t>(size);
  std::memcpy(rec, &sec, 4);
  std::memcpy(rec + 4, &nsec, 4);
  std::memcpy(rec + 8, &len, 4);
  std::memcpy(rec + 12, &len, 4);
  if (std::fwrite(rec, 1, sizeof rec, file_.get()) != sizeof rec || std::fwrite(frame, 1, size, file_.get()) != size) {
    throw std::runtime_error(path_ + ": write failed: " + std::strerror(errno));
  }
  ++frames_;
}

void PcapWriter::write_udp(const UdpEndpoint& src, const UdpEndpoint& dst, const std::uint8_t* payload,
                           std::size_t size, std::uint64_t timestamp_ns) {
  const std::size_t n = build_udp_frame(src, dst, payload, size, scratch_.data(), scratch_.size());
  if (n == 0)
    throw std::runtime_error(path_ + ": UDP payload of " + std::to_string(size) + " bytes does not fit a frame");
  write_frame(scratch_.data(), n, timestamp_ns);
}

void PcapWriter::close() {
  if (!file_) return;
  std::FILE* f = file_.release();
  const bool ok = std::fflush(f) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) throw std::runtime_error(path_ + ": write failed at close: " + std::strerror(errno));
}

}  // namespace hft::net
