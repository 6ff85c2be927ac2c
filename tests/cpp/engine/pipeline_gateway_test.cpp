// The FIX order gateway and execution-report translator against an
// in-memory acceptor session (no sockets): what the core sends is what the
// venue parses, and what the venue reports is what the core receives.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hft/core/clock.h"
#include "hft/engine/fix_order_gateway.h"

namespace hft::engine {
namespace {

namespace fix = protocol::fix;

std::int64_t wall_ns() { return static_cast<std::int64_t>(core::Clock::realtime_ns()); }

// One direction of an in-memory connection: bytes wait until pumped.
struct Wire final : fix::SessionTransport {
  std::vector<std::uint8_t> pending;
  void send_bytes(protocol::ByteView b) noexcept override { pending.insert(pending.end(), b.data, b.data + b.size); }
  void close_connection() noexcept override {}
  bool pump(fix::Session& to) {
    if (pending.empty()) return false;
    std::size_t off = 0;
    while (off < pending.size()) {
      const fix::ReceiveSpace room = to.receive_buffer();
      const std::size_t n = std::min(room.size, pending.size() - off);
      std::memcpy(room.data, pending.data() + off, n);
      off += n;
      to.on_received(n, wall_ns());
    }
    pending.clear();
    return true;
  }
};

// The venue side: keeps what it parsed.
struct FakeVenue final : fix::SessionApplication {
  std::vector<std::string> types;
  fix::NewOrderSingle nos;
  fix::OrderCancelRequest cancel;
  fix::OrderCancelReplaceRequest replace;
  std::vector<std::string> ids;  // ClOrdID of each, copied (views die with the message)
  std::vector<std::string> orig_ids;
  std::vector<std::string> symbols;
  fix::AppResult on_application(const fix::MessageView& m, fix::MsgType type, const fix::Header&,
                                std::int64_t) noexcept override {
    fix::ParseError e{};
    switch (type) {
      case fix::MsgType::NewOrderSingle:
        e = nos.parse(m);
        ids.emplace_back(nos.cl_ord_id);
        orig_ids.emplace_back();
        symbols.emplace_back(nos.symbol);
        break;
      case fix::MsgType::OrderCancelRequest:
        e = cancel.parse(m);
        ids.emplace_back(cancel.cl_ord_id);
        orig_ids.emplace_back(cancel.orig_cl_ord_id);
        symbols.emplace_back(cancel.symbol);
        break;
      case fix::MsgType::OrderCancelReplaceRequest:
        e = replace.parse(m);
        ids.emplace_back(replace.cl_ord_id);
        orig_ids.emplace_back(replace.orig_cl_ord_id);
        symbols.emplace_back(replace.symbol);
        break;
      default:
        return fix::AppResult::business_reject(fix::BusinessRejectReason::UnsupportedMessageType);
    }
    if (!e.ok()) return fix::AppResult::reject(e);
    types.emplace_back(fix::msg_type_str(type));
    return fix::AppResult::accepted();
  }
};

struct Recorder final : ExecutionReportSink {
  std::vector<trading::ExecutionReport> reports;
  std::vector<bool> sessions;
  void on_execution_report(const trading::ExecutionReport& r) noexcept override { reports.push_back(r); }
  void on_venue_session(bool up) noexcept override { sessions.push_back(up); }
};

class FixOrderGatewayTest : public ::testing::Test {
 protected:
  FixOrderGatewayTest()
      : engine_store(fix::SessionStore::in_memory(store_options(), wall_ns())),
        venue_store(fix::SessionStore::in_memory(store_options(), wall_ns())),
        translator({"AAPL", "MSFT"}, recorder),
        engine(settings(fix::SessionRole::Initiator, "HFT", "VENUE"), *engine_store, to_venue, translator),
        venue(settings(fix::SessionRole::Acceptor, "VENUE", "HFT"), *venue_store, to_engine, venue_app),
        gateway({"AAPL", "MSFT"}, "ACC1") {
    gateway.bind(engine);
  }
  static fix::StoreOptions store_options() {
    fix::StoreOptions o;
    o.max_messages = 256;
    o.data_bytes = 1 << 16;
    return o;
  }
  static fix::SessionSettings settings(fix::SessionRole role, const char* sender, const char* target) {
    fix::SessionSettings s;
    s.role = role;
    s.sender_comp_id = sender;
    s.target_comp_id = target;
    return s;
  }
  void pump() {
    for (int i = 0; i < 8; ++i) {
      const bool a = to_venue.pump(venue);
      const bool b = to_engine.pump(engine);
      if (!a && !b) return;
    }
  }
  void logon() {
    venue.connected(wall_ns());
    engine.connected(wall_ns());
    pump();
    ASSERT_TRUE(engine.logged_on());
    ASSERT_TRUE(venue.logged_on());
    gateway.set_time(wall_ns());
  }
  void venue_sends(const std::function<protocol::ByteView(fix::Encoder&, std::uint64_t, std::int64_t)>& build) {
    ASSERT_EQ(venue.send(wall_ns(), build), fix::SendStatus::Sent);
    pump();
  }
  static trading::Order order(std::uint64_t id, std::uint32_t symbol) {
    trading::Order o;
    o.cl_ord_id = trading::OrderId{id};
    o.symbol = trading::SymbolId{symbol};
    o.side = core::Side::Sell;
    o.type = trading::OrderType::Limit;
    o.tif = trading::TimeInForce::Ioc;
    o.quantity = trading::Qty{300};
    o.price = core::Price{4'155'000};
    o.venue_order_id = 77;
    return o;
  }

  std::unique_ptr<fix::SessionStore> engine_store, venue_store;
  Wire to_venue, to_engine;
  Recorder recorder;
  FakeVenue venue_app;
  FixExecutionTranslator translator;
  fix::Session engine;
  fix::Session venue;
  FixOrderGateway gateway;
};

TEST_F(FixOrderGatewayTest, NotLoggedOnNothingIsSentAndItIsCounted) {
  gateway.send_new(order(5, 0));
  EXPECT_EQ(gateway.counters().not_sent, 1u);
  EXPECT_EQ(gateway.counters().new_orders, 0u);
  gateway.send_cancel(order(5, 0), trading::OrderId{7});
  // Handed back as local rejects so the OMS does not wait for the venue.
  std::vector<trading::ExecutionReport> back;
  gateway.drain_unsent([&](const trading::ExecutionReport& r) { back.push_back(r); });
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].kind, trading::ExecKind::Rejected);
  EXPECT_EQ(back[0].cl_ord_id.value, 5u);
  EXPECT_EQ(back[0].venue_reason, kNotSentReason);
  EXPECT_EQ(back[1].kind, trading::ExecKind::CancelRejected);
  EXPECT_EQ(back[1].cl_ord_id.value, 7u);
  EXPECT_EQ(back[1].orig_cl_ord_id.value, 5u);
  EXPECT_EQ(gateway.unsent(), 0u);
  gateway.send_new(order(6, 9));  // outside the instrument table
  EXPECT_EQ(gateway.counters().unknown_symbol, 1u);
}

TEST_F(FixOrderGatewayTest, NewCancelReplaceReachTheVenueWithOmsIdsAndSymbols) {
  logon();
  const std::uint64_t big = (std::uint64_t{3} << 40) | 12345;  // session bits + counter, as the OMS makes them
  gateway.send_new(order(big, 1));
  gateway.send_cancel(order(big, 1), trading::OrderId{big + 1});
  gateway.send_replace(order(big, 1), trading::OrderId{big + 2}, core::Price{4'154'900}, trading::Qty{200});
  pump();
  ASSERT_EQ(venue_app.types, (std::vector<std::string>{"D", "F", "G"}));
  EXPECT_EQ(venue_app.ids[0], std::to_string(big));
  EXPECT_EQ(venue_app.ids[1], std::to_string(big + 1));
  EXPECT_EQ(venue_app.orig_ids[1], std::to_string(big));
  EXPECT_EQ(venue_app.ids[2], std::to_string(big + 2));
  EXPECT_EQ(venue_app.orig_ids[2], std::to_string(big));
  for (const auto& s : venue_app.symbols) EXPECT_EQ(s, "MSFT");
  EXPECT_EQ(venue_app.nos.side, '2');
  EXPECT_EQ(venue_app.nos.order_qty, 300);
  EXPECT_EQ(venue_app.nos.ord_type, '2');
  EXPECT_EQ(venue_app.nos.time_in_force, '3');
  EXPECT_EQ(venue_app.nos.price.raw, 4'155'000);
  EXPECT_EQ(venue_app.nos.account, "ACC1");
  EXPECT_EQ(venue_app.replace.order_qty, 200);
  EXPECT_EQ(venue_app.replace.price.raw, 4'154'900);
  EXPECT_EQ(venue_app.cancel.order_id, "77");
  EXPECT_EQ(gateway.counters().new_orders, 1u);
  EXPECT_EQ(gateway.counters().cancels, 1u);
  EXPECT_EQ(gateway.counters().replaces, 1u);
  EXPECT_EQ(gateway.counters().not_sent, 0u);
}

TEST_F(FixOrderGatewayTest, ReportsAndCancelRejectsBecomeTradingReports) {
  logon();
  ASSERT_EQ(recorder.sessions, std::vector<bool>{true});
  auto er = [](char exec_type, const char* id, const char* orig) {
    return [=](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
      e.begin("8", seq, t);
      e.add_str(37, "V-9");
      e.add_str(11, id);
      if (orig[0] != 0) e.add_str(41, orig);
      e.add_str(17, exec_type == 'F' ? "1001" : "E-x");
      e.add_char(150, exec_type);
      e.add_char(39, exec_type == 'F' ? '1' : '0');
      e.add_str(55, "MSFT");
      e.add_char(54, '2');
      e.add_int(38, 300);
      e.add_int(151, exec_type == 'F' ? 200 : 300);
      e.add_int(14, exec_type == 'F' ? 100 : 0);
      e.add_price(6, core::Price{0});
      if (exec_type == 'F') {
        e.add_int(32, 100);
        e.add_price(31, core::Price{4'155'100});
      }
      if (exec_type == '8') e.add_int(103, 3);
      return e.finish();
    };
  };
  venue_sends(er('0', "42", ""));
  venue_sends(er('F', "42", ""));
  venue_sends(er('4', "43", "42"));
  venue_sends(er('8', "44", ""));
  venue_sends(er('6', "45", "42"));      // pending cancel: nothing for the core
  venue_sends(er('0', "not-ours", ""));  // not an OMS id
  venue_sends([](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
    e.begin("9", seq, t);
    e.add_str(37, "V-9");
    e.add_str(11, "46");
    e.add_str(41, "42");
    e.add_char(39, '8');
    e.add_char(434, '2');
    e.add_int(102, 1);
    return e.finish();
  });
  ASSERT_EQ(recorder.reports.size(), 5u);
  const auto& ack = recorder.reports[0];
  EXPECT_EQ(ack.kind, trading::ExecKind::New);
  EXPECT_EQ(ack.cl_ord_id.value, 42u);
  EXPECT_EQ(ack.symbol.value, 1u);
  EXPECT_EQ(ack.side, core::Side::Sell);
  EXPECT_EQ(ack.leaves.value, 300);
  EXPECT_NE(ack.venue_order_id, 0u);
  const auto& fill = recorder.reports[1];
  EXPECT_EQ(fill.kind, trading::ExecKind::Trade);
  EXPECT_EQ(fill.last_qty.value, 100);
  EXPECT_EQ(fill.last_px.raw, 4'155'100);
  EXPECT_EQ(fill.cum.value, 100);
  EXPECT_EQ(fill.exec_id, 1001u);
  EXPECT_EQ(fill.venue_order_id, ack.venue_order_id);
  EXPECT_EQ(recorder.reports[2].kind, trading::ExecKind::Canceled);
  EXPECT_EQ(recorder.reports[2].orig_cl_ord_id.value, 42u);
  EXPECT_EQ(recorder.reports[3].kind, trading::ExecKind::Rejected);
  EXPECT_EQ(recorder.reports[3].venue_reason, 3u);
  EXPECT_EQ(recorder.reports[4].kind, trading::ExecKind::ReplaceRejected);
  EXPECT_EQ(recorder.reports[4].cl_ord_id.value, 46u);
  EXPECT_EQ(recorder.reports[4].orig_cl_ord_id.value, 42u);
  EXPECT_EQ(translator.counters().ignored, 1u);
  EXPECT_EQ(translator.counters().bad_cl_ord_id, 1u);
  EXPECT_EQ(translator.counters().cancel_rejects, 1u);
}

TEST(OrderIdText, ParsesDecimalOnlyAndHashesTheRest) {
  trading::OrderId id;
  EXPECT_TRUE(parse_order_id("18446744073709551615", id));
  EXPECT_EQ(id.value, 18446744073709551615ull);
  EXPECT_FALSE(parse_order_id("18446744073709551616", id));
  EXPECT_FALSE(parse_order_id("", id));
  EXPECT_FALSE(parse_order_id("12a", id));
  EXPECT_EQ(id_to_u64("123"), 123u);
  EXPECT_EQ(id_to_u64("E-1"), id_to_u64("E-1"));
  EXPECT_NE(id_to_u64("E-1"), id_to_u64("E-2"));
}

}  // namespace
}  // namespace hft::engine
