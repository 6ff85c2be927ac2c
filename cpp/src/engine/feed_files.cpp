#include "hft/engine/feed_files.h"

#include <array>
#include <vector>

#include "hft/market_data/itch_file.h"
#include "hft/net/pcap.h"
#include "hft/protocol/moldudp64.h"

namespace hft::engine {
namespace {

constexpr std::uint64_t kProgressEvery = 1 << 20;
constexpr std::uint64_t kDay = 1'767'312'000'000'000'000ull;  // 2026-01-02T00:00:00Z in ns
constexpr std::size_t kPacket = protocol::mold::kDefaultMaxPacketSize;

}  // namespace

void write_synthetic_itch(const market_data::SynthOptions& options, const std::string& path,
                          const FeedProgress& progress) {
  market_data::SyntheticFeed feed(options);
  market_data::ItchFileWriter out(path);
  std::array<std::uint8_t, 64> msg{};
  while (const std::size_t n = feed.next(msg.data(), msg.size())) {
    out.write(msg.data(), n);
    if (progress && feed.produced() % kProgressEvery == 0) progress(feed.produced());
  }
  out.close();
  if (progress) progress(feed.produced());
}

void write_synthetic_pcap(const market_data::SynthOptions& options, const std::string& path, const FeedAddress& address,
                          const FeedProgress& progress) {
  namespace mold = protocol::mold;
  market_data::SyntheticFeed feed(options);
  net::PcapWriter out(path);
  const mold::Session session = mold::make_session("HFTSYNTH01");
  std::vector<std::uint8_t> packet(kPacket);
  mold::PacketBuilder builder(packet.data(), packet.size());
  std::uint64_t next_seq = 1;
  builder.start(session, next_seq);
  std::array<std::uint8_t, 64> msg{};
  std::uint64_t stamp = 0;

  const auto flush = [&] {
    const std::size_t n = builder.finish();
    out.write_udp(address.source, address.group, packet.data(), n, kDay + stamp);
    next_seq = builder.next_sequence();
    builder.start(session, next_seq);
  };
  while (const std::size_t n = feed.next(msg.data(), msg.size())) {
    if (!builder.add(msg.data(), n)) {
      flush();
      builder.add(msg.data(), n);
    }
    stamp = feed.last_timestamp_ns();
    if (progress && feed.produced() % kProgressEvery == 0) progress(feed.produced());
  }
  if (!builder.empty()) flush();
  const std::size_t eos = mold::encode_end_of_session(session, next_seq, packet.data(), packet.size());
  out.write_udp(address.source, address.group, packet.data(), eos, kDay + stamp + 1000);
  out.close();
  if (progress) progress(feed.produced());
}

}  // namespace hft::engine
