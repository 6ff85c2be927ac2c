// hft_venue as a process, as users run it: a QuickFIX initiator trades on
// it over FIX, and our feed handler, on kernel UDP sockets, rebuilds its
// books from the ITCH feed on two lines with drops, duplicates and
// reordering injected on one and drops on the other, re-requesting what both
// lost from the venue's retransmission server. At the close the venue
// prints its own books; they must equal the rebuilt ones level for level.
#include <poll.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "hft/core/clock.h"
#include "hft/market_data/book_manager.h"
#include "hft/market_data/feed_handler.h"
#include "hft/net/kernel_udp_transport.h"

#include "child_process.h"
#include "peer_process.h"
#include "venue/feed_test_support.h"

namespace hft::interop {
namespace {

namespace fs = std::filesystem;
namespace mold = protocol::mold;
using Json = nlohmann::json;

constexpr std::uint32_t kLoopback = 0x7F000001;

std::unique_ptr<net::KernelUdpTransport> udp_on_loopback() {
  net::KernelUdpOptions o;
  o.local = {kLoopback, 0, {}};
  auto t = net::KernelUdpTransport::open(o);
  EXPECT_TRUE(t) << t.result.message;
  return std::move(t.value);
}

using venue::testing::Books;

// Re-requests go to the venue's retransmission port from their own socket;
// the answers come back to it.
struct Requester final : market_data::RetransmitRequester {
  net::KernelUdpTransport* socket{nullptr};
  std::uint16_t server_port{0};
  void request(const mold::Request& r) noexcept override {
    std::uint8_t req[mold::kRequestSize];
    mold::encode_request(r, req, sizeof req);
    const net::TxDatagram d{req, sizeof req, {kLoopback, server_port, {}}};
    socket->tx_burst(&d, 1);
  }
};

TEST(VenueProcess, QuickfixTradesAndTheFeedRebuildsTheVenuesBooks) {
  const fs::path dir = fs::temp_directory_path() / ("hft-venue-proc-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  auto line_a = udp_on_loopback();
  auto line_b = udp_on_loopback();
  auto retrans = udp_on_loopback();
  ASSERT_TRUE(line_a && line_b && retrans);
  // A free port for the venue's retransmission server: bind, read, release.
  std::uint16_t retrans_port = 0;
  {
    auto probe = udp_on_loopback();
    retrans_port = probe->local_endpoint().port;
  }
  const Json config = {
      {"name", "vproc" + std::to_string(::getpid())},
      {"instruments",
       {{{"symbol", "AAPL"}, {"reference_price", 187.25}}, {{"symbol", "MSFT"}, {"reference_price", 415.5}}}},
      {"order_entry",
       {{"host", "127.0.0.1"},
        {"port", 0},
        {"sessions", {{{"sender_comp_id", "VENUE"}, {"target_comp_id", "HFT"}, {"store", (dir / "store").string()}}}}}},
      {"market_data",
       {{"lines",
         {{{"ip", "127.0.0.1"}, {"port", line_a->local_endpoint().port}, {"drop_probability", 0.02}, {"fault_seed", 3}},
          {{"ip", "127.0.0.1"},
           {"port", line_b->local_endpoint().port},
           {"drop", {5, 6, 7, 40}},
           {"duplicate", {9, 10, 200}},
           {"reorder", {12, 300}},
           {"drop_probability", 0.02},
           {"fault_seed", 4}}}},
        {"retransmission", {{"ip", "127.0.0.1"}, {"port", retrans_port}}},
        {"heartbeat_ms", 100}}},
      {"flow", {{"messages_per_second", 3000}, {"seed", 9}}},
  };
  std::ofstream(dir / "venue.json") << config.dump(2);

  ChildProcess venue({HFT_VENUE_BINARY, "--config", (dir / "venue.json").string(), "--shm-dir", dir.string()});
  const auto first = venue.read_line(std::chrono::seconds(20));
  ASSERT_TRUE(first.has_value()) << "hft_venue did not start";
  const Json listening = Json::parse(*first);
  ASSERT_EQ(listening["event"], "listening") << *first;

  Books books;
  Requester requester;
  requester.socket = retrans.get();
  requester.server_port = retrans_port;
  market_data::FeedHandlerOptions fo;
  fo.request_delay_ticks = 0;
  fo.gap_timeout_ticks = 30'000'000'000;  // generous: the test checks completeness, not speed
  market_data::FeedHandler handler(fo, books, requester);
  auto pump = [&] {
    net::RxDatagram rx[32];
    const std::uint64_t now = core::Clock::now();
    const std::pair<net::KernelUdpTransport*, int> sources[] = {{line_a.get(), market_data::kFeedLineA},
                                                                {line_b.get(), market_data::kFeedLineB},
                                                                {retrans.get(), market_data::kFeedLineRetransmission}};
    for (const auto& [socket, line] : sources) {
      const std::size_t n = socket->rx_burst(rx, 32);
      for (std::size_t i = 0; i < n; ++i) handler.on_packet(line, rx[i].payload, rx[i].size, now);
    }
    handler.on_timer(now);
  };

  PeerConfig pc;
  pc.mode = "initiator";
  pc.port = listening["fix_port"];
  pc.sender_comp_id = "HFT";
  pc.target_comp_id = "VENUE";
  pc.store_dir = (dir / "quickfix").string();
  PeerProcess client(pc);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto recent = [&] {
    std::string out;
    const auto& ev = client.events();
    for (std::size_t i = ev.size() > 12 ? ev.size() - 12 : 0; i < ev.size(); ++i) out += ev[i].dump() + "\n";
    return out;
  };
  auto until = [&](const std::function<bool()>& done, const char* what) {
    while (!done()) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "timed out waiting for " << what << "; QuickFIX saw:\n"
                                                            << recent();
      pump();
      client.pump(std::chrono::milliseconds(1));
    }
  };
  until([&] { return !client.find_all(is_event("logon")).empty(); }, "QuickFIX to log on");
  // Marketable orders against the flow's quotes, and one that rests far away.
  client.send("order B1 AAPL 1 100 200");
  client.send("order S1 MSFT 2 100 400");
  client.send("order R1 AAPL 1 100 150");
  until(
      [&] {
        return client.find_all(is_message("app_in", "8")).size() >= 4 &&
               !client.find_all([](const Json& e) { return e.value("exec_type", "") == "F"; }).empty();
      },
      "execution reports with fills");
  for (const Json& e : client.find_all(is_message("app_in", "8")))
    EXPECT_NE(e.value("exec_type", ""), "8") << "no order rejected: " << e.dump();
  EXPECT_TRUE(client.find_all(is_message("admin_in", "3")).empty()) << "the venue sent no session Reject";
  EXPECT_TRUE(client.find_all(is_message("admin_out", "3")).empty()) << "QuickFIX rejected nothing of the venue's";

  // Let the flow trade a while, then close the day.
  const auto trading_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < trading_until) pump();
  ::kill(venue.pid(), SIGTERM);
  until([&] { return books.ended; }, "end of session on the feed");
  std::optional<std::string> line;
  Json closed;
  while ((line = venue.read_line(std::chrono::seconds(10)))) {
    const Json j = Json::parse(*line);
    if (j["event"] == "closed") closed = j;
  }
  ASSERT_TRUE(closed.is_object()) << "the venue printed its close";
  EXPECT_EQ(venue.wait(std::chrono::seconds(10)), 0);
  client.wait_for_event("logout");  // the venue logged QuickFIX out at the close

  EXPECT_EQ(books.lost, 0u);
  EXPECT_GT(handler.counters().gaps_filled_by_retransmission, 0u) << "both lines lost packets";
  EXPECT_GT(handler.counters().lines[market_data::kFeedLineB].duplicates, 0u);
  EXPECT_GT(closed["feed_messages"].get<std::uint64_t>(), 1000u);
  for (const auto& [symbol, sides] : closed["books"].items()) {
    const auto locate = books.manager.locate_of(symbol);
    ASSERT_TRUE(locate.has_value()) << symbol;
    const market_data::OrderBook* book = books.manager.book(*locate);
    ASSERT_NE(book, nullptr);
    for (const auto side : {core::Side::Buy, core::Side::Sell}) {
      const Json& want = sides[side == core::Side::Buy ? "bids" : "asks"];
      std::vector<market_data::Level> got(want.size() + 1);
      ASSERT_EQ(book->depth(side, got.size(), got.data()), want.size()) << symbol;
      for (std::size_t k = 0; k < want.size(); ++k) {
        EXPECT_EQ(got[k].price.raw, want[k][0].get<std::int64_t>()) << symbol << " level " << k;
        EXPECT_EQ(got[k].shares, want[k][1].get<std::uint64_t>()) << symbol << " level " << k;
      }
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hft::interop
