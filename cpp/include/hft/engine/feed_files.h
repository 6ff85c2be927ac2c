#pragma once
/// @file
/// Market data files for replay and tests: writing a synthetic feed as a
/// NASDAQ binary ITCH file or as a pcap of MoldUDP64 packets. Lives with the
/// engine because it joins three rooms (market data, protocol, net).

#include <cstdint>
#include <functional>
#include <string>

#include "hft/market_data/synthetic_feed.h"
#include "hft/net/udp_frame.h"

namespace hft::engine {

/// Called now and then with the number of messages written so far.
using FeedProgress = std::function<void(std::uint64_t)>;

/// Where a synthetic MoldUDP64 feed is sent from and to.
struct FeedAddress {
  net::UdpEndpoint source{0x0A000001, 40000, {0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};  // 10.0.0.1
  net::UdpEndpoint group{0xE9363701, 26477, net::multicast_mac(0xE9363701)};         // 233.54.55.1
};

/// Writes a binary ITCH file (gzip when `path` ends in .gz).
void write_synthetic_itch(const market_data::SynthOptions& options, const std::string& path,
                          const FeedProgress& progress = {});

/// Writes a pcap of MoldUDP64 packets of session "HFTSYNTH01" (up to 1400
/// bytes each, consecutive sequence numbers from 1, an end-of-session packet
/// last), each stamped with its last message's time on 2026-01-02.
void write_synthetic_pcap(const market_data::SynthOptions& options, const std::string& path,
                          const FeedAddress& address = {}, const FeedProgress& progress = {});

}  // namespace hft::engine
