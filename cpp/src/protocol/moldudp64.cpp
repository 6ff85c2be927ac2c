#include "hft/protocol/moldudp64.h"

namespace hft::protocol::mold {

const char* to_string(PacketStatus s) noexcept {
  switch (s) {
    case PacketStatus::Ok:
      return "ok";
    case PacketStatus::TooShort:
      return "too_short";
    case PacketStatus::Truncated:
      return "truncated";
    case PacketStatus::TrailingBytes:
      return "trailing_bytes";
  }
  return "unknown";
}

std::size_t encode_header(const Session& session, std::uint64_t sequence, std::uint16_t count, std::uint8_t* out,
                          std::size_t capacity) noexcept {
  if (out == nullptr || capacity < kHeaderSize) return 0;
  std::memcpy(out, session.data(), kSessionSize);
  store_be64(out + kSessionSize, sequence);
  store_be16(out + kSessionSize + 8, count);
  return kHeaderSize;
}

std::size_t encode_heartbeat(const Session& session, std::uint64_t next_sequence, std::uint8_t* out,
                             std::size_t capacity) noexcept {
  return encode_header(session, next_sequence, 0, out, capacity);
}

std::size_t encode_end_of_session(const Session& session, std::uint64_t next_sequence, std::uint8_t* out,
                                  std::size_t capacity) noexcept {
  return encode_header(session, next_sequence, kEndOfSessionCount, out, capacity);
}

bool decode_request(const std::uint8_t* p, std::size_t n, Request& out) noexcept {
  if (p == nullptr || n != kRequestSize) return false;
  std::memcpy(out.session.data(), p, kSessionSize);
  out.sequence = load_be64(p + kSessionSize);
  out.count = load_be16(p + kSessionSize + 8);
  return true;
}

std::size_t encode_request(const Request& r, std::uint8_t* out, std::size_t capacity) noexcept {
  // Same shape as a downstream header; only the meaning of the count differs.
  return encode_header(r.session, r.sequence, r.count, out, capacity);
}

PacketBuilder::PacketBuilder(std::uint8_t* buffer, std::size_t capacity) noexcept
    : buffer_(buffer != nullptr && capacity >= kHeaderSize ? buffer : nullptr),
      capacity_(buffer_ != nullptr ? capacity : 0),
      size_(buffer_ != nullptr ? kHeaderSize : 0) {}

void PacketBuilder::start(const Session& session, std::uint64_t first_sequence) noexcept {
  session_ = session;
  first_sequence_ = first_sequence;
  count_ = 0;
  size_ = buffer_ != nullptr ? kHeaderSize : 0;
}

bool PacketBuilder::add(const std::uint8_t* message, std::size_t size) noexcept {
  if (!can_add_one() || size > kMaxMessageSize || size > capacity_ - size_ - kBlockPrefixSize) return false;
  if (size != 0) {
    if (message == nullptr) return false;
    std::memcpy(buffer_ + size_ + kBlockPrefixSize, message, size);
  }
  commit(size);
  return true;
}

void PacketBuilder::commit(std::size_t n) noexcept {
  store_be16(buffer_ + size_, static_cast<std::uint16_t>(n));
  size_ += kBlockPrefixSize + n;
  ++count_;
}

std::size_t PacketBuilder::room() const noexcept {
  if (!can_add_one()) return 0;
  const std::size_t r = capacity_ - size_ - kBlockPrefixSize;
  return r < kMaxMessageSize ? r : kMaxMessageSize;
}

std::size_t PacketBuilder::finish() noexcept {
  if (buffer_ == nullptr) return 0;
  encode_header(session_, first_sequence_, count_, buffer_, capacity_);
  return size_;
}

}  // namespace hft::protocol::mold
