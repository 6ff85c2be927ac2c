#pragma once
/// @file
/// MoldUDP64 1.00: the UDP framing NASDAQ carries ITCH in.
///
/// Downstream packet (all integers big-endian):
///
///   offset 0   Session          10 bytes ASCII
///   offset 10  Sequence Number  u64  sequence of the first message; for a
///                                    heartbeat or end of session, the next
///                                    sequence the server will send
///   offset 18  Message Count    u16  0 = heartbeat, 0xFFFF = end of session
///   offset 20  Message Blocks   each a u16 length then that many bytes
///
/// Request packet (client to re-request server), 20 bytes: Session,
/// Sequence Number (first message wanted), Requested Message Count (u16).
/// The answer is ordinary downstream packets.
///
/// The message block region has the same framing as a NASDAQ binary ITCH
/// file, so `PacketView::block_bytes()` can go straight to
/// `itch::decode_stream`. Nothing here allocates or throws; decoders read only
/// inside the bytes they are given.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

#include "hft/protocol/byte_order.h"

namespace hft::protocol::mold {

inline constexpr std::size_t kSessionSize = 10;
/// Downstream header: session, sequence number, message count.
inline constexpr std::size_t kHeaderSize = 20;
/// Request packet: session, sequence number, requested count.
inline constexpr std::size_t kRequestSize = 20;
/// The length in front of every message block.
inline constexpr std::size_t kBlockPrefixSize = 2;
/// Message Count of an end-of-session packet.
inline constexpr std::uint16_t kEndOfSessionCount = 0xFFFF;
/// Most messages one packet can carry (0xFFFF means end of session).
inline constexpr std::uint16_t kMaxMessagesPerPacket = 0xFFFE;
/// Largest message a block can carry (its length is a u16).
inline constexpr std::size_t kMaxMessageSize = 0xFFFF;
/// Default whole-packet size (UDP payload) for builders: under a 1500-byte
/// Ethernet MTU less IPv4 + UDP headers (1472), with room for VLAN or
/// tunnel headers so a packet is never fragmented.
inline constexpr std::size_t kDefaultMaxPacketSize = 1400;

/// The 10-byte session name, raw bytes as on the wire.
using Session = std::array<char, kSessionSize>;

/// `s` as a Session: right-justified and padded with spaces on the left (the
/// SoupBinTCP convention; NASDAQ's sessions are 10 characters, so there is
/// usually no padding), cut to the last 10 characters if longer.
constexpr Session make_session(std::string_view s) noexcept {
  Session out{};
  if (s.size() > kSessionSize) s.remove_prefix(s.size() - kSessionSize);
  const std::size_t pad = kSessionSize - s.size();
  for (std::size_t i = 0; i < kSessionSize; ++i) out[i] = i < pad ? ' ' : s[i - pad];
  return out;
}

/// What `decode_packet` found.
enum class PacketStatus : std::uint8_t {
  Ok,             ///< header plus exactly Message Count complete blocks
  TooShort,       ///< fewer than kHeaderSize bytes: no field is valid
  Truncated,      ///< a block runs past the end, or fewer blocks than the count; the complete ones before it are usable
  TrailingBytes,  ///< all counted blocks are complete but bytes follow them
};

/// "ok", "too_short", "truncated", "trailing_bytes".
const char* to_string(PacketStatus s) noexcept;

/// One message block of a packet.
struct MessageBlock {
  const std::uint8_t* data{nullptr};  ///< the message, after its length
  std::uint16_t size{0};
  std::uint64_t sequence{0};  ///< the message's sequence number

  ByteView view() const noexcept { return ByteView{data, size}; }
};

/// Walks the validated blocks of a packet (input iterator; `*it` is by value).
class MessageIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = MessageBlock;
  using difference_type = std::ptrdiff_t;
  using pointer = const MessageBlock*;
  using reference = MessageBlock;

  MessageIterator() noexcept = default;
  MessageIterator(const std::uint8_t* block, std::uint64_t sequence) noexcept : p_(block), sequence_(sequence) {}

  MessageBlock operator*() const noexcept { return MessageBlock{p_ + kBlockPrefixSize, load_be16(p_), sequence_}; }
  MessageIterator& operator++() noexcept {
    p_ += kBlockPrefixSize + load_be16(p_);
    ++sequence_;
    return *this;
  }
  MessageIterator operator++(int) noexcept {
    MessageIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const MessageIterator& o) const noexcept { return p_ == o.p_; }
  bool operator!=(const MessageIterator& o) const noexcept { return p_ != o.p_; }

 private:
  const std::uint8_t* p_{nullptr};
  std::uint64_t sequence_{0};
};

/// A decoded downstream packet: header fields and a view of its blocks. Does
/// not own the bytes; valid while the packet buffer is.
struct PacketView {
  PacketStatus status{PacketStatus::TooShort};
  Session session{};
  std::uint64_t sequence{0};            ///< first message's sequence (next expected for heartbeat / end of session)
  std::uint16_t count{0};               ///< Message Count as sent
  std::uint16_t valid_count{0};         ///< complete blocks (== count when Ok or TrailingBytes)
  const std::uint8_t* blocks{nullptr};  ///< first block (its length prefix)
  std::size_t blocks_size{0};           ///< bytes of the valid_count complete blocks

  bool ok() const noexcept { return status == PacketStatus::Ok; }
  bool has_header() const noexcept { return status != PacketStatus::TooShort; }
  bool is_heartbeat() const noexcept { return has_header() && count == 0; }
  bool is_end_of_session() const noexcept { return has_header() && count == kEndOfSessionCount; }
  /// The sequence number after the last usable message: `sequence +
  /// valid_count`, or `sequence` for a heartbeat / end of session. After a
  /// truncated packet this is short of what the server sent, so the next
  /// packet shows up as a gap and gets re-requested.
  std::uint64_t next_sequence() const noexcept { return is_end_of_session() ? sequence : sequence + valid_count; }

  MessageIterator begin() const noexcept { return MessageIterator(blocks, sequence); }
  MessageIterator end() const noexcept { return MessageIterator(blocks + blocks_size, sequence + valid_count); }
  /// The complete blocks, length prefixes included: input for
  /// `itch::decode_stream`.
  ByteView block_bytes() const noexcept { return ByteView{blocks, blocks_size}; }
};

/// Decodes the downstream packet in [p, p + n): reads the header and checks
/// the blocks against the count before anything is handed out, so a packet
/// that was cut short yields only the messages that are whole. Never reads
/// outside [p, p + n).
inline PacketView decode_packet(const std::uint8_t* p, std::size_t n) noexcept {
  PacketView v;
  if (p == nullptr || n < kHeaderSize) return v;
  std::memcpy(v.session.data(), p, kSessionSize);
  v.sequence = load_be64(p + kSessionSize);
  v.count = load_be16(p + kSessionSize + 8);
  v.blocks = p + kHeaderSize;
  const std::size_t avail = n - kHeaderSize;
  if (v.count == kEndOfSessionCount) {
    v.status = avail == 0 ? PacketStatus::Ok : PacketStatus::TrailingBytes;
    return v;
  }
  std::size_t off = 0;
  std::uint16_t k = 0;
  while (k < v.count && avail - off >= kBlockPrefixSize) {
    const std::size_t len = load_be16(v.blocks + off);
    if (len > avail - off - kBlockPrefixSize) break;
    off += kBlockPrefixSize + len;
    ++k;
  }
  v.valid_count = k;
  v.blocks_size = off;
  if (k < v.count) {
    v.status = PacketStatus::Truncated;
  } else {
    v.status = off == avail ? PacketStatus::Ok : PacketStatus::TrailingBytes;
  }
  return v;
}

/// `decode_packet` over a ByteView.
inline PacketView decode_packet(ByteView bytes) noexcept { return decode_packet(bytes.data, bytes.size); }

/// Writes a downstream header. Returns kHeaderSize, or 0 when `capacity` is
/// short or `out` is null.
std::size_t encode_header(const Session& session, std::uint64_t sequence, std::uint16_t count, std::uint8_t* out,
                          std::size_t capacity) noexcept;

/// A heartbeat: header only, count 0, `next_sequence` = the next message the
/// server will send. Returns kHeaderSize or 0.
std::size_t encode_heartbeat(const Session& session, std::uint64_t next_sequence, std::uint8_t* out,
                             std::size_t capacity) noexcept;

/// An end-of-session packet: header only, count 0xFFFF. Returns kHeaderSize
/// or 0.
std::size_t encode_end_of_session(const Session& session, std::uint64_t next_sequence, std::uint8_t* out,
                                  std::size_t capacity) noexcept;

/// A re-request: `count` messages from `sequence` on.
struct Request {
  Session session{};
  std::uint64_t sequence{0};
  std::uint16_t count{0};

  bool operator==(const Request& o) const noexcept {
    return session == o.session && sequence == o.sequence && count == o.count;
  }
  bool operator!=(const Request& o) const noexcept { return !(*this == o); }
};

/// Decodes a request packet; false unless `n` is exactly kRequestSize.
bool decode_request(const std::uint8_t* p, std::size_t n, Request& out) noexcept;

/// Writes a request packet. Returns kRequestSize, or 0 when `capacity` is
/// short or `out` is null.
std::size_t encode_request(const Request& r, std::uint8_t* out, std::size_t capacity) noexcept;

/// Packs messages into one downstream packet in a caller-owned buffer (a TX
/// slot, a DPDK mbuf): no allocation and no copy of the finished packet.
///
///   PacketBuilder b(buf, mold::kDefaultMaxPacketSize);
///   b.start(session, next_seq);
///   while (b.emplace([&](std::uint8_t* o, std::size_t c) { return itch::encode(msg, o, c); })) ...
///   send(buf, b.finish());
///   next_seq = b.next_sequence();
class PacketBuilder {
 public:
  /// Builds into [buffer, buffer + capacity). A capacity below kHeaderSize
  /// (or a null buffer) makes a builder that takes nothing and finishes to 0.
  PacketBuilder(std::uint8_t* buffer, std::size_t capacity) noexcept;

  /// Begins a new packet whose first message gets `first_sequence`;
  /// discards anything added since the last start.
  void start(const Session& session, std::uint64_t first_sequence) noexcept;

  /// Appends one message block; false (and nothing changes) when it does not
  /// fit the capacity, is longer than 65535 bytes, or the packet already
  /// holds kMaxMessagesPerPacket messages.
  bool add(const std::uint8_t* message, std::size_t size) noexcept;
  bool add(ByteView message) noexcept { return add(message.data, message.size); }

  /// Appends a message that `encode(out, room)` writes in place, returning
  /// its size or 0 when `room` is too small (the ITCH encoders' contract).
  /// False (nothing changes) when it did not fit.
  template <typename Encode>
  bool emplace(Encode&& encode) noexcept {
    if (!can_add_one()) return false;
    std::size_t room = capacity_ - size_ - kBlockPrefixSize;
    if (room > kMaxMessageSize) room = kMaxMessageSize;
    std::uint8_t* const out = buffer_ + size_ + kBlockPrefixSize;
    const std::size_t n = encode(out, room);
    if (n == 0 || n > room) return false;
    commit(n);
    return true;
  }

  /// Writes the header (with the current count) and returns the packet's
  /// size in bytes, 0 for an unusable builder. Call again after more adds to
  /// rewrite it; a packet with no messages is a heartbeat.
  std::size_t finish() noexcept;

  /// Messages added since start().
  std::uint16_t count() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  /// Bytes the packet has so far, header included.
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  /// Largest message that still fits (0 when none does).
  std::size_t room() const noexcept;
  std::uint64_t first_sequence() const noexcept { return first_sequence_; }
  /// The sequence number the message after this packet gets.
  std::uint64_t next_sequence() const noexcept { return first_sequence_ + count_; }
  const std::uint8_t* data() const noexcept { return buffer_; }

 private:
  bool can_add_one() const noexcept {
    return buffer_ != nullptr && count_ < kMaxMessagesPerPacket && capacity_ - size_ >= kBlockPrefixSize;
  }
  void commit(std::size_t n) noexcept;

  std::uint8_t* buffer_;
  std::size_t capacity_;
  std::size_t size_{0};
  std::uint16_t count_{0};
  Session session_{};
  std::uint64_t first_sequence_{0};
};

}  // namespace hft::protocol::mold
