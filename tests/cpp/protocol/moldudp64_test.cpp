#include "hft/protocol/moldudp64.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "hft/protocol/itch.h"

namespace hft::protocol::mold {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Session "SESSION001", Sequence Number 256, then `count` (big-endian).
Bytes header_bytes(std::uint8_t count_hi, std::uint8_t count_lo) {
  return Bytes{'S',      'E',     'S',  'S',  'I',  'O',  'N',  '0',  '0', '1',  // Session
               0x00,     0x00,    0x00, 0x00, 0x00, 0x00, 0x01, 0x00,            // Sequence Number 256
               count_hi, count_lo};                                              // Message Count
}

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Keeps the reference numbers of the AddOrders it is handed.
struct AddRefs {
  std::vector<std::uint64_t> refs;
  void on(const itch::AddOrder& a) { refs.push_back(a.ref); }
  template <typename T>
  void on(const T&) {}
};

std::vector<MessageBlock> collect(const PacketView& v) {
  std::vector<MessageBlock> out;
  for (const MessageBlock b : v) out.push_back(b);
  return out;
}

TEST(MoldPacket, DecodesHeaderFieldsAndBlocksFromSpecificationBytes) {
  const Bytes packet = concat(header_bytes(0x00, 0x02), Bytes{
                                                            0x00, 0x03, 'a', 'b', 'c',  // block 1: 3 bytes
                                                            0x00, 0x01, 'z',            // block 2: 1 byte
                                                        });
  const PacketView v = decode_packet(packet.data(), packet.size());
  EXPECT_EQ(v.status, PacketStatus::Ok);
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(std::string_view(v.session.data(), v.session.size()), "SESSION001");
  EXPECT_EQ(v.session, make_session("SESSION001"));
  EXPECT_EQ(v.sequence, 256u);
  EXPECT_EQ(v.count, 2u);
  EXPECT_EQ(v.valid_count, 2u);
  EXPECT_FALSE(v.is_heartbeat());
  EXPECT_FALSE(v.is_end_of_session());
  EXPECT_EQ(v.next_sequence(), 258u);
  EXPECT_EQ(v.blocks, packet.data() + kHeaderSize);
  EXPECT_EQ(v.block_bytes().size, 8u);

  const std::vector<MessageBlock> blocks = collect(v);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].size, 3u);
  EXPECT_EQ(blocks[0].sequence, 256u);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(blocks[0].data), blocks[0].size), "abc");
  EXPECT_EQ(blocks[1].size, 1u);
  EXPECT_EQ(blocks[1].sequence, 257u);
  EXPECT_EQ(blocks[1].data[0], 'z');
  EXPECT_EQ(blocks[1].view().size, 1u);
}

TEST(MoldPacket, EncodeHeaderWritesTheSameBytes) {
  std::array<std::uint8_t, kHeaderSize> out{};
  ASSERT_EQ(encode_header(make_session("SESSION001"), 256, 2, out.data(), out.size()), kHeaderSize);
  EXPECT_EQ(Bytes(out.begin(), out.end()), header_bytes(0x00, 0x02));
  EXPECT_EQ(encode_header(make_session("X"), 1, 1, out.data(), kHeaderSize - 1), 0u);
  EXPECT_EQ(encode_header(make_session("X"), 1, 1, nullptr, 100), 0u);
}

TEST(MoldPacket, HeartbeatIsAHeaderWithCountZero) {
  std::array<std::uint8_t, 64> out{};
  const Session s = make_session("HB");
  ASSERT_EQ(encode_heartbeat(s, 0x0102'0304'0506'0708ULL, out.data(), out.size()), kHeaderSize);
  const Bytes expected{' ',  ' ',  ' ',  ' ',  ' ',  ' ',  ' ',  ' ',  'H',  'B',
                       0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x00, 0x00};
  EXPECT_EQ(Bytes(out.begin(), out.begin() + kHeaderSize), expected);

  const PacketView v = decode_packet(out.data(), kHeaderSize);
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(v.is_heartbeat());
  EXPECT_FALSE(v.is_end_of_session());
  EXPECT_EQ(v.count, 0u);
  EXPECT_EQ(v.sequence, 0x0102'0304'0506'0708ULL);
  EXPECT_EQ(v.next_sequence(), v.sequence);
  EXPECT_TRUE(v.begin() == v.end());
  EXPECT_EQ(encode_heartbeat(s, 1, out.data(), 19), 0u);
}

TEST(MoldPacket, EndOfSessionIsCountFFFFAndCarriesNoBlocks) {
  std::array<std::uint8_t, 64> out{};
  ASSERT_EQ(encode_end_of_session(make_session("SESSION001"), 256, out.data(), out.size()), kHeaderSize);
  EXPECT_EQ(Bytes(out.begin(), out.begin() + kHeaderSize), header_bytes(0xFF, 0xFF));

  const PacketView v = decode_packet(out.data(), kHeaderSize);
  EXPECT_TRUE(v.ok());
  EXPECT_TRUE(v.is_end_of_session());
  EXPECT_FALSE(v.is_heartbeat());
  EXPECT_EQ(v.count, kEndOfSessionCount);
  EXPECT_EQ(v.valid_count, 0u);
  EXPECT_EQ(v.next_sequence(), 256u);  // next expected, not 256 + 65535
  EXPECT_TRUE(collect(v).empty());

  // Bytes after an end-of-session header are not messages.
  const PacketView extra = decode_packet(out.data(), kHeaderSize + 4);
  EXPECT_EQ(extra.status, PacketStatus::TrailingBytes);
  EXPECT_TRUE(extra.is_end_of_session());
  EXPECT_TRUE(collect(extra).empty());
}

TEST(MoldPacket, ABlockRunningPastTheEndIsTruncatedAndOnlyWholeBlocksAreGiven) {
  const Bytes packet = concat(header_bytes(0x00, 0x03), Bytes{
                                                            0x00, 0x02, 'a', 'b',      // block 1
                                                            0x00, 0x01, 'c',           // block 2
                                                            0x00, 0x0A, 'd', 'e', 'f'  // block 3: 10 promised, 3 there
                                                        });
  const PacketView v = decode_packet(packet.data(), packet.size());
  EXPECT_EQ(v.status, PacketStatus::Truncated);
  EXPECT_TRUE(v.has_header());
  EXPECT_EQ(v.count, 3u);
  EXPECT_EQ(v.valid_count, 2u);
  EXPECT_EQ(v.blocks_size, 7u);
  EXPECT_EQ(collect(v).size(), 2u);
  EXPECT_EQ(v.next_sequence(), 258u);  // message 258 is missing: the next packet shows a gap
}

TEST(MoldPacket, ACountLargerThanTheBlocksPresentIsTruncated) {
  const Bytes packet = concat(header_bytes(0x00, 0x05), Bytes{0x00, 0x01, 'a', 0x00, 0x01, 'b'});
  const PacketView v = decode_packet(packet.data(), packet.size());
  EXPECT_EQ(v.status, PacketStatus::Truncated);
  EXPECT_EQ(v.valid_count, 2u);
  EXPECT_EQ(collect(v).size(), 2u);

  // Cut inside a length prefix.
  const Bytes half_prefix = concat(header_bytes(0x00, 0x02), Bytes{0x00, 0x01, 'a', 0x00});
  const PacketView h = decode_packet(half_prefix.data(), half_prefix.size());
  EXPECT_EQ(h.status, PacketStatus::Truncated);
  EXPECT_EQ(h.valid_count, 1u);
  EXPECT_EQ(h.blocks_size, 3u);

  // A count with no blocks at all.
  const Bytes bare = header_bytes(0x00, 0x01);
  EXPECT_EQ(decode_packet(bare.data(), bare.size()).status, PacketStatus::Truncated);
}

TEST(MoldPacket, BytesAfterTheCountedBlocksAreTrailing) {
  const Bytes packet = concat(header_bytes(0x00, 0x01), Bytes{0x00, 0x01, 'a', 0x00, 0x01, 'b'});
  const PacketView v = decode_packet(packet.data(), packet.size());
  EXPECT_EQ(v.status, PacketStatus::TrailingBytes);
  EXPECT_EQ(v.valid_count, 1u);
  EXPECT_EQ(collect(v).size(), 1u);
}

TEST(MoldPacket, ZeroLengthBlocksAreMessages) {
  const Bytes packet = concat(header_bytes(0x00, 0x02), Bytes{0x00, 0x00, 0x00, 0x00});
  const PacketView v = decode_packet(packet.data(), packet.size());
  EXPECT_TRUE(v.ok());
  const std::vector<MessageBlock> blocks = collect(v);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].size, 0u);
  EXPECT_EQ(blocks[1].sequence, 257u);
}

TEST(MoldPacket, LessThanAHeaderIsTooShort) {
  const Bytes packet = header_bytes(0x00, 0x00);
  for (std::size_t n = 0; n < kHeaderSize; ++n) {
    const PacketView v = decode_packet(packet.data(), n);
    EXPECT_EQ(v.status, PacketStatus::TooShort);
    EXPECT_FALSE(v.has_header());
    EXPECT_FALSE(v.is_heartbeat());
    EXPECT_TRUE(v.begin() == v.end());
  }
  EXPECT_EQ(decode_packet(nullptr, 100).status, PacketStatus::TooShort);
  EXPECT_EQ(decode_packet(ByteView{}).status, PacketStatus::TooShort);
}

TEST(MoldPacket, StatusNames) {
  EXPECT_STREQ(to_string(PacketStatus::Ok), "ok");
  EXPECT_STREQ(to_string(PacketStatus::TooShort), "too_short");
  EXPECT_STREQ(to_string(PacketStatus::Truncated), "truncated");
  EXPECT_STREQ(to_string(PacketStatus::TrailingBytes), "trailing_bytes");
}

TEST(MoldSession, PadsOnTheLeftAndKeepsTheLastTenCharacters) {
  const Session s = make_session("20240501");
  EXPECT_EQ(std::string_view(s.data(), s.size()), "  20240501");
  const Session full = make_session("ABCDEFGHIJ");
  EXPECT_EQ(std::string_view(full.data(), full.size()), "ABCDEFGHIJ");
  const Session longer = make_session("XXABCDEFGHIJ");
  EXPECT_EQ(longer, full);
}

// ---------------------------------------------------------------------------
// Re-request packets
// ---------------------------------------------------------------------------

TEST(MoldRequest, RoundTripsAndMatchesSpecificationBytes) {
  const Bytes wire{'S',  'E',  'S',  'S',  'I',  'O',  'N',  '0',  '0', '1',  // Session
                   0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x2A,            // Sequence Number 2^32 + 42
                   0x01, 0x2C};                                               // Requested Message Count 300
  Request r;
  ASSERT_TRUE(decode_request(wire.data(), wire.size(), r));
  EXPECT_EQ(r.session, make_session("SESSION001"));
  EXPECT_EQ(r.sequence, 0x1'0000'002AULL);
  EXPECT_EQ(r.count, 300u);

  std::array<std::uint8_t, kRequestSize> out{};
  ASSERT_EQ(encode_request(r, out.data(), out.size()), kRequestSize);
  EXPECT_EQ(Bytes(out.begin(), out.end()), wire);

  Request back;
  ASSERT_TRUE(decode_request(out.data(), out.size(), back));
  EXPECT_EQ(back, r);
  EXPECT_FALSE(back != r);
}

TEST(MoldRequest, WrongSizeOrShortCapacityIsRefused) {
  std::array<std::uint8_t, kRequestSize + 1> buf{};
  Request r;
  EXPECT_FALSE(decode_request(buf.data(), kRequestSize - 1, r));
  EXPECT_FALSE(decode_request(buf.data(), kRequestSize + 1, r));
  EXPECT_FALSE(decode_request(nullptr, kRequestSize, r));
  EXPECT_EQ(encode_request(r, buf.data(), kRequestSize - 1), 0u);
}

// ---------------------------------------------------------------------------
// PacketBuilder
// ---------------------------------------------------------------------------

TEST(MoldBuilder, FillsUpToItsCapacityThenRefuses) {
  std::array<std::uint8_t, 100> buf{};
  PacketBuilder b(buf.data(), buf.size());
  b.start(make_session("SESSION001"), 1000);
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.size(), kHeaderSize);
  Bytes msg(10);
  int added = 0;
  for (std::uint8_t i = 0; i < 20; ++i) {
    std::fill(msg.begin(), msg.end(), i);
    if (!b.add(msg.data(), msg.size())) break;
    ++added;
  }
  EXPECT_EQ(added, 6);  // 20 + 6 × 12 = 92; a seventh would make 104
  EXPECT_EQ(b.size(), 92u);
  EXPECT_EQ(b.room(), 6u);
  EXPECT_FALSE(b.add(msg.data(), 7));  // refused: nothing changes
  EXPECT_EQ(b.count(), 6u);
  EXPECT_TRUE(b.add(ByteView{msg.data(), 6}));  // exactly fills 100
  EXPECT_EQ(b.room(), 0u);
  EXPECT_FALSE(b.add(nullptr, 0));  // even an empty block needs its 2-byte length
  EXPECT_EQ(b.next_sequence(), 1007u);

  const std::size_t n = b.finish();
  EXPECT_EQ(n, 100u);
  const PacketView v = decode_packet(buf.data(), n);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.session, make_session("SESSION001"));
  EXPECT_EQ(v.sequence, 1000u);
  EXPECT_EQ(v.count, 7u);
  const std::vector<MessageBlock> blocks = collect(v);
  ASSERT_EQ(blocks.size(), 7u);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(blocks[i].size, 10u);
    EXPECT_EQ(blocks[i].data[9], i);
    EXPECT_EQ(blocks[i].sequence, 1000u + i);
  }
  EXPECT_EQ(blocks[6].size, 6u);
  EXPECT_EQ(v.next_sequence(), b.next_sequence());
}

TEST(MoldBuilder, StartDiscardsAndAnEmptyPacketIsAHeartbeat) {
  std::array<std::uint8_t, kDefaultMaxPacketSize> buf{};
  PacketBuilder b(buf.data(), buf.size());
  b.start(make_session("S"), 5);
  const std::uint8_t x = 1;
  ASSERT_TRUE(b.add(&x, 1));
  b.start(make_session("S"), 9);
  EXPECT_EQ(b.count(), 0u);
  const std::size_t n = b.finish();
  EXPECT_EQ(n, kHeaderSize);
  const PacketView v = decode_packet(buf.data(), n);
  EXPECT_TRUE(v.is_heartbeat());
  EXPECT_EQ(v.sequence, 9u);
}

TEST(MoldBuilder, RefusesMessagesLongerThanABlockCanSay) {
  std::vector<std::uint8_t> big(kMaxMessageSize + 100);
  std::vector<std::uint8_t> buf(kMaxMessageSize + 200);
  PacketBuilder b(buf.data(), buf.size());
  b.start(make_session("S"), 1);
  EXPECT_FALSE(b.add(big.data(), kMaxMessageSize + 1));
  EXPECT_EQ(b.room(), kMaxMessageSize);
  EXPECT_TRUE(b.add(big.data(), kMaxMessageSize));
  EXPECT_FALSE(b.add(nullptr, 5));
}

TEST(MoldBuilder, StopsAtTheLastCountBelowEndOfSession) {
  std::vector<std::uint8_t> buf(kHeaderSize + 2 * std::size_t{kMaxMessagesPerPacket} + 64);
  PacketBuilder b(buf.data(), buf.size());
  b.start(make_session("S"), 1);
  for (std::uint32_t i = 0; i < kMaxMessagesPerPacket; ++i) ASSERT_TRUE(b.add(nullptr, 0)) << i;
  EXPECT_FALSE(b.add(nullptr, 0));  // 0xFFFF would read as end of session
  const PacketView v = decode_packet(buf.data(), b.finish());
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.count, kMaxMessagesPerPacket);
  EXPECT_FALSE(v.is_end_of_session());
}

TEST(MoldBuilder, ABufferSmallerThanAHeaderTakesNothing) {
  std::array<std::uint8_t, kHeaderSize - 1> buf{};
  PacketBuilder b(buf.data(), buf.size());
  b.start(make_session("S"), 1);
  const std::uint8_t x = 1;
  EXPECT_FALSE(b.add(&x, 1));
  EXPECT_FALSE(b.emplace([](std::uint8_t*, std::size_t) { return std::size_t{1}; }));
  EXPECT_EQ(b.finish(), 0u);
  EXPECT_EQ(b.room(), 0u);
  PacketBuilder null_builder(nullptr, 1000);
  EXPECT_FALSE(null_builder.add(&x, 1));
  EXPECT_EQ(null_builder.finish(), 0u);
}

TEST(MoldBuilder, EmplacesItchMessagesInPlaceAndTheBlocksDecodeAsAnItchStream) {
  std::array<std::uint8_t, kDefaultMaxPacketSize> buf{};
  PacketBuilder b(buf.data(), buf.size());
  b.start(make_session("20240501"), 42);
  itch::AddOrder m{};
  m.locate = 7;
  m.stock = itch::make_stock("AAPL");
  m.price = core::Price::from_units(190);
  m.shares = 100;
  std::uint64_t ref = 1;
  for (;;) {
    m.ref = ref;
    const bool ok = b.emplace([&](std::uint8_t* out, std::size_t room) { return itch::encode(m, out, room); });
    if (!ok) break;
    ++ref;
  }
  const std::size_t fitted = (kDefaultMaxPacketSize - kHeaderSize) / (itch::AddOrder::kSize + 2);
  EXPECT_EQ(b.count(), fitted);  // 36 adds of 38 bytes in 1400
  EXPECT_LE(b.finish(), kDefaultMaxPacketSize);
  // A refused emplace changed nothing.
  EXPECT_EQ(b.size(), kHeaderSize + fitted * (itch::AddOrder::kSize + 2));

  const PacketView v = decode_packet(buf.data(), b.finish());
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.count, fitted);
  AddRefs handler;
  itch::DecodeCounters counters;
  EXPECT_EQ(itch::decode_stream(v.block_bytes(), handler, counters), v.blocks_size);
  EXPECT_EQ(counters.messages, fitted);
  EXPECT_EQ(counters.errors(), 0u);
  ASSERT_EQ(handler.refs.size(), fitted);
  EXPECT_EQ(handler.refs.front(), 1u);
  EXPECT_EQ(handler.refs.back(), fitted);
}

TEST(MoldBuilder, AnEncoderThatFailsLeavesThePacketAsItWas) {
  std::array<std::uint8_t, 64> buf{};
  PacketBuilder b(buf.data(), buf.size());
  b.start(make_session("S"), 1);
  EXPECT_FALSE(b.emplace([](std::uint8_t*, std::size_t) { return std::size_t{0}; }));
  EXPECT_FALSE(b.emplace([](std::uint8_t*, std::size_t room) { return room + 1; }));  // claims more than allowed
  EXPECT_EQ(b.count(), 0u);
  EXPECT_EQ(b.size(), kHeaderSize);
  EXPECT_TRUE(b.emplace([](std::uint8_t* out, std::size_t) {
    out[0] = 0xAB;
    return std::size_t{1};
  }));
  EXPECT_EQ(b.count(), 1u);
}

// ---------------------------------------------------------------------------
// Random input
// ---------------------------------------------------------------------------

TEST(MoldRobustness, RandomPacketsNeverCrashAndOnlyWholeBlocksAreGiven) {
  std::mt19937_64 rng(77);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> pct(0, 99);
  for (int iter = 0; iter < 100'000; ++iter) {
    Bytes buf(static_cast<std::size_t>(rng() % 160));
    for (auto& x : buf) x = static_cast<std::uint8_t>(byte(rng));
    if (buf.size() >= kHeaderSize && pct(rng) < 70) {
      // Plausible packets: a small count and short blocks, so the walk goes
      // deep rather than stopping at the first huge length.
      buf[18] = 0;
      buf[19] = static_cast<std::uint8_t>(pct(rng) % 12);
      for (std::size_t off = kHeaderSize; off + 1 < buf.size();) {
        buf[off] = 0;
        buf[off + 1] = static_cast<std::uint8_t>(pct(rng) % 20);
        off += 2 + std::size_t{buf[off + 1]};
      }
    }
    const std::unique_ptr<std::uint8_t[]> exact(new std::uint8_t[buf.size() + 1]);
    std::copy(buf.begin(), buf.end(), exact.get());
    const std::size_t n = buf.size();
    const PacketView v = decode_packet(exact.get(), n);
    if (n < kHeaderSize) {
      ASSERT_EQ(v.status, PacketStatus::TooShort);
      continue;
    }
    ASSERT_NE(v.status, PacketStatus::TooShort);
    ASSERT_LE(v.blocks_size, n - kHeaderSize);
    if (!v.is_end_of_session()) {
      ASSERT_LE(v.valid_count, v.count);
    }
    std::size_t seen = 0;
    std::size_t bytes = 0;
    for (const MessageBlock b : v) {
      ASSERT_GE(b.data, exact.get() + kHeaderSize);
      ASSERT_LE(b.data + b.size, exact.get() + n);
      ASSERT_EQ(b.sequence, v.sequence + seen);
      bytes += 2 + b.size;
      ++seen;
    }
    ASSERT_EQ(seen, v.valid_count);
    ASSERT_EQ(bytes, v.blocks_size);
    if (v.status == PacketStatus::Ok) {
      ASSERT_EQ(v.blocks_size, n - kHeaderSize);
    }
  }
}

}  // namespace
}  // namespace hft::protocol::mold
