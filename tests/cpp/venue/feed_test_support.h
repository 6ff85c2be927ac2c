#pragma once
// What the venue's feed tests share: a transport that keeps what is sent,
// and a sink that builds books from what the feed handler delivers.
#include <cstdint>
#include <vector>

#include "hft/market_data/book_manager.h"
#include "hft/market_data/feed_handler.h"
#include "hft/net/datagram_transport.h"

namespace hft::venue::testing {

/// Keeps every datagram "sent", with where it went; receives nothing.
class Wire final : public net::DatagramTransport {
 public:
  struct Datagram {
    std::vector<std::uint8_t> bytes;
    net::UdpEndpoint to;
  };
  std::size_t rx_burst(net::RxDatagram*, std::size_t) noexcept override { return 0; }
  std::size_t tx_burst(const net::TxDatagram* in, std::size_t n) noexcept override {
    for (std::size_t i = 0; i < n; ++i)
      sent.push_back({{in[i].payload, in[i].payload + in[i].size}, in[i].destination});
    return n;
  }
  const net::TransportCounters& counters() const noexcept override { return counters_; }
  std::vector<net::NamedCounter> device_counters() const override { return {}; }
  net::UdpEndpoint local_endpoint() const noexcept override { return {}; }
  const char* kind() const noexcept override { return "test"; }

  /// Datagrams sent to `line`, in order.
  std::vector<Datagram> on(const net::UdpEndpoint& line) const {
    std::vector<Datagram> out;
    for (const auto& d : sent)
      if (d.to.ip == line.ip && d.to.port == line.port) out.push_back(d);
    return out;
  }
  std::vector<Datagram> sent;

 private:
  net::TransportCounters counters_{};
};

/// Applies delivered messages to a BookManager, as the engine does.
struct Books final : market_data::MessageSink {
  market_data::BookManager manager;
  std::uint64_t delivered{0};
  std::uint64_t lost{0};
  bool ended{false};
  void on_message(std::uint64_t, const std::uint8_t* d, std::size_t n, std::uint64_t) noexcept override {
    manager.apply(d, n);
    ++delivered;
  }
  void on_gap_unrecoverable(std::uint64_t, std::uint64_t count) noexcept override { lost += count; }
  void on_stale(bool) noexcept override {}
  void on_end_of_session() noexcept override { ended = true; }
};

}  // namespace hft::venue::testing
