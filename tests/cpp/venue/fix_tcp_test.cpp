// Our initiator (engine) against our acceptor (venue) over loopback TCP:
// logon, orders and execution reports, a dropped connection with fills
// queued on the venue side, reconnect, resend, equal sequence numbers.
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hft/core/clock.h"
#include "hft/engine/fix_initiator.h"
#include "hft/venue/fix_acceptor.h"

namespace hft {
namespace {

namespace fix = protocol::fix;

std::int64_t wall_ns() { return static_cast<std::int64_t>(core::Clock::realtime_ns()); }

protocol::ByteView execution_report(fix::Encoder& e, std::uint64_t seq, std::int64_t t, const std::string& cl_ord_id,
                                    char exec_type) {
  e.begin("8", seq, t);
  e.add_str(37, "V-" + cl_ord_id);
  e.add_str(11, cl_ord_id);
  e.add_str(17, "E-" + cl_ord_id + exec_type);
  e.add_char(150, exec_type);
  e.add_char(39, exec_type == 'F' ? '2' : '0');
  e.add_str(55, "AAPL");
  e.add_char(54, '1');
  e.add_int(38, 100);
  e.add_int(151, exec_type == 'F' ? 0 : 100);
  e.add_int(14, exec_type == 'F' ? 100 : 0);
  e.add_price(6, core::Price{exec_type == 'F' ? 1'872'500 : 0});
  return e.finish();
}

// The venue side: every NewOrderSingle is acknowledged and filled.
struct Venue : fix::SessionApplication {
  fix::Session* session{nullptr};
  int orders{0};
  fix::AppResult on_application(const fix::MessageView& m, fix::MsgType type, const fix::Header&,
                                std::int64_t now) noexcept override {
    if (type != fix::MsgType::NewOrderSingle) return fix::SessionApplication::on_application(m, type, {}, now);
    fix::NewOrderSingle nos;
    if (const fix::ParseError e = nos.parse(m); !e.ok()) return fix::AppResult::reject(e);
    ++orders;
    const std::string id(nos.cl_ord_id);
    for (char et : {'0', 'F'}) {
      session->send(
          now, [&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) { return execution_report(e, seq, t, id, et); },
          true);
    }
    return fix::AppResult::accepted();
  }
};

// The engine side: records execution reports.
struct Engine : fix::SessionApplication {
  std::vector<std::pair<std::string, bool>> reports;  // ExecID, PossDup
  fix::AppResult on_application(const fix::MessageView& m, fix::MsgType type, const fix::Header& h,
                                std::int64_t) noexcept override {
    if (type != fix::MsgType::ExecutionReport) return fix::AppResult::accepted();
    fix::ExecutionReport er;
    if (const fix::ParseError e = er.parse(m); !e.ok()) return fix::AppResult::reject(e);
    reports.emplace_back(std::string(er.exec_id), h.poss_dup);
    return fix::AppResult::accepted();
  }
};

class FixTcpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fix::StoreOptions o;
    o.max_messages = 1024;
    o.data_bytes = 1 << 20;
    venue_store = fix::SessionStore::in_memory(o, wall_ns());
    engine_store = fix::SessionStore::in_memory(o, wall_ns());
    auto a = venue::FixAcceptor::listen("127.0.0.1", 0, {});
    ASSERT_TRUE(a) << a.result.message;
    acceptor = std::move(a.value);
    fix::SessionSettings vs;
    vs.sender_comp_id = "VENUE";
    vs.target_comp_id = "HFT";
    venue_app.session = &acceptor->add_session(vs, *venue_store, venue_app);
    fix::SessionSettings es;
    es.role = fix::SessionRole::Initiator;
    es.sender_comp_id = "HFT";
    es.target_comp_id = "VENUE";
    engine::FixInitiatorOptions io;
    io.port = acceptor->port();
    io.reconnect_interval_ms = 20;
    initiator = std::make_unique<engine::FixInitiator>(io, es, *engine_store, engine_app);
  }

  // Polls both ends until `done` holds; fails after a generous guard time.
  bool run_until(const std::function<bool()>& done) {
    const std::int64_t give_up = wall_ns() + 10'000'000'000;
    while (!done()) {
      if (wall_ns() > give_up) return false;
      const std::int64_t now = wall_ns();
      acceptor->poll(now);
      initiator->poll(now);
    }
    return true;
  }

  fix::SendStatus send_order(const std::string& id) {
    return initiator->session().send(wall_ns(), [&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
      e.begin("D", seq, t);
      e.add_str(11, id);
      e.add_str(55, "AAPL");
      e.add_char(54, '1');
      e.add_utc_timestamp(60, t);
      e.add_int(38, 100);
      e.add_char(40, '2');
      e.add_price(44, core::Price{1'872'500});
      return e.finish();
    });
  }

  std::unique_ptr<fix::SessionStore> venue_store, engine_store;
  std::unique_ptr<venue::FixAcceptor> acceptor;
  std::unique_ptr<engine::FixInitiator> initiator;
  Venue venue_app;
  Engine engine_app;
};

TEST_F(FixTcpTest, OrdersAreAcknowledgedAndFilledOverLoopback) {
  ASSERT_TRUE(run_until([&] { return initiator->session().logged_on() && venue_app.session->logged_on(); }));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(send_order("C" + std::to_string(i)), fix::SendStatus::Sent);
  ASSERT_TRUE(run_until([&] { return engine_app.reports.size() == 6; }));
  EXPECT_EQ(venue_app.orders, 3);
  EXPECT_EQ(engine_app.reports[1].first, "E-C0F");
  EXPECT_EQ(initiator->session().next_sender_seq(), venue_app.session->next_target_seq());
  EXPECT_EQ(initiator->session().next_target_seq(), venue_app.session->next_sender_seq());
}

TEST_F(FixTcpTest, FillsQueuedDuringADropArriveByResendAfterReconnect) {
  ASSERT_TRUE(run_until([&] { return initiator->session().logged_on() && venue_app.session->logged_on(); }));
  ASSERT_EQ(send_order("C1"), fix::SendStatus::Sent);
  ASSERT_TRUE(run_until([&] { return engine_app.reports.size() == 2; }));
  initiator->set_reconnect(false);
  initiator->drop_connection(wall_ns());
  ASSERT_TRUE(run_until([&] { return !venue_app.session->logged_on(); }));
  // Fills the venue produces while the engine is away.
  for (const char* id : {"LATE1", "LATE2"}) {
    const auto st = venue_app.session->send(
        wall_ns(),
        [&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) { return execution_report(e, seq, t, id, 'F'); }, true);
    ASSERT_EQ(st, fix::SendStatus::Queued);
  }
  EXPECT_EQ(send_order("WHILE_DOWN"), fix::SendStatus::NotLoggedOn);  // the engine never queues orders
  initiator->set_reconnect(true);
  ASSERT_TRUE(run_until([&] {
    return engine_app.reports.size() == 4 && !initiator->session().awaiting_resend() &&
           initiator->session().logged_on();
  }));
  EXPECT_EQ(engine_app.reports[2].first, "E-LATE1F");
  EXPECT_TRUE(engine_app.reports[2].second);
  EXPECT_EQ(engine_app.reports[3].first, "E-LATE2F");
  EXPECT_GE(initiator->session().counters().resend_requests_sent, 1u);
  EXPECT_EQ(venue_app.session->counters().messages_resent, 2u);
  ASSERT_TRUE(run_until([&] {
    return initiator->session().next_sender_seq() == venue_app.session->next_target_seq() &&
           initiator->session().next_target_seq() == venue_app.session->next_sender_seq();
  }));
}

TEST_F(FixTcpTest, UnknownCompIdsAreRefusedAtTheDoor) {
  fix::SessionSettings other;
  other.role = fix::SessionRole::Initiator;
  other.sender_comp_id = "STRANGER";
  other.target_comp_id = "VENUE";
  engine::FixInitiatorOptions io;
  io.port = acceptor->port();
  io.reconnect_interval_ms = 0;
  Engine app;
  engine::FixInitiator stranger(io, other, *engine_store, app);
  ASSERT_TRUE(run_until([&] {
    stranger.poll(wall_ns());
    return acceptor->counters().connections_refused == 1;
  }));
  EXPECT_FALSE(stranger.session().logged_on());
  EXPECT_EQ(venue_app.session->counters().logons, 0u);
}

TEST_F(FixTcpTest, ConnectionRefusedIsReportedAndRetried) {
  engine::FixInitiatorOptions io;
  io.port = 1;  // nobody listens on port 1
  io.reconnect_interval_ms = 10;
  fix::SessionSettings es;
  es.role = fix::SessionRole::Initiator;
  es.sender_comp_id = "HFT";
  es.target_comp_id = "VENUE";
  Engine app;
  engine::FixInitiator lonely(io, es, *engine_store, app);
  ASSERT_TRUE(run_until([&] {
    lonely.poll(wall_ns());
    return !lonely.last_error().empty();
  }));
  EXPECT_NE(lonely.last_error().find("Connection refused"), std::string::npos) << lonely.last_error();
  EXPECT_FALSE(lonely.session().logged_on());
}

}  // namespace
}  // namespace hft
