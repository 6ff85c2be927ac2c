// Our session layer against QuickFIX over loopback, both ways: our
// initiator (the engine's) logs on to a QuickFIX acceptor, our acceptor (the
// venue's, `hft fix accept`'s) takes a QuickFIX initiator. Orders go out,
// execution reports come back, a connection drops with messages sent on
// both sides during the outage, and after the reconnect the resends fill
// every gap and both ends agree on the sequence numbers. QuickFIX validates
// everything we send against FIX44-hft.xml, so a Reject from it fails the
// test. Waits are on events, with generous deadlines as failure guards.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hft/core/clock.h"
#include "hft/engine/fix_initiator.h"
#include "hft/venue/fix_acceptor.h"

#include "peer_process.h"

namespace hft::interop {
namespace {

namespace fs = std::filesystem;
namespace fix = protocol::fix;
using Event = PeerProcess::Event;

std::int64_t wall_ns() { return static_cast<std::int64_t>(core::Clock::realtime_ns()); }

// The engine's side: keeps every execution report it is given.
struct EngineApp : fix::SessionApplication {
  struct Report {
    std::string cl_ord_id, exec_id;
    char exec_type;
    bool poss_dup;
  };
  std::vector<Report> reports;
  std::vector<std::string> rejects;  // session and business rejects QuickFIX sent us
  fix::AppResult on_application(const fix::MessageView& m, fix::MsgType type, const fix::Header& h,
                                std::int64_t) noexcept override {
    if (type == fix::MsgType::BusinessMessageReject) {
      rejects.emplace_back(m.get(58));
      return fix::AppResult::accepted();
    }
    if (type != fix::MsgType::ExecutionReport) return fix::AppResult::accepted();
    fix::ExecutionReport er;
    if (const fix::ParseError e = er.parse(m); !e.ok()) return fix::AppResult::reject(e);
    reports.push_back({std::string(er.cl_ord_id), std::string(er.exec_id), er.exec_type, h.poss_dup});
    return fix::AppResult::accepted();
  }
  void on_event(const fix::SessionEvent& e) noexcept override {
    if (e.type == fix::SessionEventType::RejectReceived) rejects.emplace_back(e.text);
  }
  std::size_t count(const std::string& id, char exec_type) const {
    std::size_t n = 0;
    for (const auto& r : reports) n += r.cl_ord_id == id && r.exec_type == exec_type ? 1u : 0u;
    return n;
  }
};

// The venue's side: acknowledges and fills every order, storing the reports
// while the client is away (a venue's duty).
struct VenueApp : fix::SessionApplication {
  fix::Session* session{nullptr};
  std::vector<std::pair<std::string, bool>> orders;  // ClOrdID, PossDup
  std::vector<std::string> rejects;
  void report(std::int64_t now, const std::string& id, char exec_type) {
    session->send(
        now,
        [&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
          e.begin("8", seq, t);
          e.add_str(37, "V-" + id);
          e.add_str(11, id);
          e.add_str(17, "X-" + id + exec_type);
          e.add_char(150, exec_type);
          e.add_char(39, exec_type == 'F' ? '2' : '0');
          e.add_str(55, "AAPL");
          e.add_char(54, '1');
          e.add_int(38, 100);
          e.add_price(44, core::Price{1'872'500});
          if (exec_type == 'F') {
            e.add_int(32, 100);
            e.add_price(31, core::Price{1'872'500});
          }
          e.add_int(151, exec_type == 'F' ? 0 : 100);
          e.add_int(14, exec_type == 'F' ? 100 : 0);
          e.add_price(6, core::Price{exec_type == 'F' ? 1'872'500 : 0});
          e.add_utc_timestamp(60, t);
          return e.finish();
        },
        /*queue_if_offline=*/true);
  }
  fix::AppResult on_application(const fix::MessageView& m, fix::MsgType type, const fix::Header& h,
                                std::int64_t now) noexcept override {
    if (type != fix::MsgType::NewOrderSingle) return SessionApplication::on_application(m, type, h, now);
    fix::NewOrderSingle nos;
    if (const fix::ParseError e = nos.parse(m); !e.ok()) return fix::AppResult::reject(e);
    const std::string id(nos.cl_ord_id);
    orders.emplace_back(id, h.poss_dup);
    report(now, id, '0');
    report(now, id, 'F');
    return fix::AppResult::accepted();
  }
  void on_event(const fix::SessionEvent& e) noexcept override {
    if (e.type == fix::SessionEventType::RejectReceived) rejects.emplace_back(e.text);
  }
};

class SessionInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hft-fix-interop-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (HasFailure())
      std::printf("stores and QuickFIX logs kept in %s\n", dir_.c_str());
    else
      fs::remove_all(dir_);
  }

  std::unique_ptr<fix::SessionStore> open_store(const std::string& name, const std::string& id) {
    fix::StoreOptions o;
    o.max_messages = 4096;
    o.data_bytes = 1 << 20;
    std::string error;
    auto s = fix::SessionStore::open_file((dir_ / name).string(), id, o, wall_ns(), error);
    EXPECT_NE(s, nullptr) << error;
    return s;
  }

  // Polls our end and reads the peer's events until `done` holds.
  void run_until(PeerProcess& peer, const std::function<void(std::int64_t)>& poll, const std::function<bool()>& done,
                 const char* what) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done()) {
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "timed out waiting for " << what;
      poll(wall_ns());
      peer.pump(std::chrono::milliseconds(0));
    }
  }

  static bool seen(const PeerProcess& p, const PeerProcess::Predicate& match) { return !p.find_all(match).empty(); }

  static PeerProcess::Predicate app_in(const std::string& type, const std::string& id, const std::string& et = "") {
    return [=](const Event& e) {
      return e.value("event", "") == "app_in" && e.value("msg_type", "") == type && e.value("cl_ord_id", "") == id &&
             (et.empty() || e.value("exec_type", "") == et);
    };
  }

  // QuickFIX must not have rejected anything we sent.
  static void expect_no_rejects(const PeerProcess& p) {
    EXPECT_TRUE(p.find_all(is_message("admin_in", "3")).empty()) << "QuickFIX sent us no session Reject";
    EXPECT_TRUE(p.find_all(is_message("admin_out", "3")).empty()) << "QuickFIX rejected a message of ours";
    EXPECT_TRUE(p.find_all(is_message("app_out", "j")).empty()) << "QuickFIX business-rejected a message of ours";
  }

  fs::path dir_;
};

TEST_F(SessionInterop, OurInitiatorAgainstQuickfixAcceptorSurvivesADroppedConnection) {
  PeerConfig pc;
  pc.mode = "acceptor";
  pc.sender_comp_id = "VENUE";
  pc.target_comp_id = "HFT";
  pc.store_dir = (dir_ / "quickfix").string();
  PeerProcess venue(pc);

  auto store = open_store("engine", "FIX.4.4:HFT->VENUE");
  ASSERT_NE(store, nullptr);
  fix::SessionSettings s;
  s.role = fix::SessionRole::Initiator;
  s.sender_comp_id = "HFT";
  s.target_comp_id = "VENUE";
  engine::FixInitiatorOptions io;
  io.port = static_cast<std::uint16_t>(venue.port());
  io.reconnect_interval_ms = 50;
  EngineApp app;
  engine::FixInitiator engine(io, s, *store, app);
  auto poll = [&](std::int64_t now) { engine.poll(now); };
  fix::Session& session = engine.session();
  auto send_order = [&](const std::string& id) {
    return session.send(wall_ns(), [&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
      e.begin("D", seq, t);
      e.add_str(11, id);
      e.add_str(1, "ACC1");
      e.add_char(21, '1');
      e.add_str(55, "AAPL");
      e.add_char(54, '1');
      e.add_utc_timestamp(60, t);
      e.add_int(38, 100);
      e.add_char(40, '2');
      e.add_price(44, core::Price{1'872'500});
      e.add_char(59, '0');
      return e.finish();
    });
  };

  run_until(
      venue, poll, [&] { return session.logged_on() && seen(venue, is_event("logon")); }, "logon");
  for (const char* id : {"C1", "C2", "C3"}) ASSERT_EQ(send_order(id), fix::SendStatus::Sent);
  run_until(
      venue, poll, [&] { return app.reports.size() == 6; }, "acks and fills of three orders");
  EXPECT_EQ(app.count("C2", '0'), 1u);
  EXPECT_EQ(app.count("C2", 'F'), 1u);

  // An order that rests, then the link dies.
  venue.command("autofill off");
  ASSERT_EQ(send_order("C4"), fix::SendStatus::Sent);
  run_until(
      venue, poll, [&] { return app.count("C4", '0') == 1; }, "ack of the resting order");
  const std::size_t mark = venue.mark();
  engine.set_reconnect(false);
  engine.drop_connection(wall_ns());
  run_until(
      venue, poll, [&] { return !venue.find_all(is_event("logout")).empty() && venue.mark() > mark; },
      "QuickFIX to see the drop");
  // The venue fills the resting order while we are away: QuickFIX stores it.
  const Event filled = venue.command("fill C4");
  EXPECT_EQ(filled["accepted"], true);
  EXPECT_EQ(send_order("C5"), fix::SendStatus::NotLoggedOn);

  engine.set_reconnect(true);
  run_until(
      venue, poll, [&] { return app.count("C4", 'F') == 1 && !session.awaiting_resend(); },
      "the fill made during the outage, by resend");
  for (const auto& r : app.reports) {
    if (r.cl_ord_id == "C4" && r.exec_type == 'F') {
      EXPECT_TRUE(r.poss_dup) << "a resend carries PossDupFlag";
    }
  }
  EXPECT_GE(session.counters().resend_requests_sent, 1u);
  EXPECT_EQ(app.count("C1", 'F'), 1u) << "nothing processed twice";

  // Both ends agree on the numbers.
  run_until(
      venue, poll,
      [&] {
        const Event st = venue.status();
        return st["logged_on"] == true && st["next_sender_seq"] == session.next_target_seq() &&
               st["next_target_seq"] == session.next_sender_seq();
      },
      "equal sequence numbers");
  EXPECT_TRUE(app.rejects.empty());
  expect_no_rejects(venue);
  session.logout("done", wall_ns());
  run_until(
      venue, poll, [&] { return !engine.connected(); }, "logout");
}

TEST_F(SessionInterop, QuickfixInitiatorAgainstOurAcceptorSurvivesADroppedConnection) {
  auto opened = venue::FixAcceptor::listen("127.0.0.1", 0, {});
  ASSERT_TRUE(opened) << opened.result.message;
  venue::FixAcceptor& acceptor = *opened.value;
  auto store = open_store("venue", "FIX.4.4:VENUE->HFT");
  ASSERT_NE(store, nullptr);
  fix::SessionSettings s;
  s.sender_comp_id = "VENUE";
  s.target_comp_id = "HFT";
  VenueApp app;
  fix::Session& session = acceptor.add_session(s, *store, app);
  app.session = &session;
  auto poll = [&](std::int64_t now) { acceptor.poll(now); };

  PeerConfig pc;
  pc.mode = "initiator";
  pc.port = acceptor.port();
  pc.sender_comp_id = "HFT";
  pc.target_comp_id = "VENUE";
  pc.store_dir = (dir_ / "quickfix").string();
  PeerProcess client(pc);

  run_until(
      client, poll, [&] { return session.logged_on() && seen(client, is_event("logon")); }, "logon");
  client.send("order C1 AAPL 1 100 187.25");
  run_until(
      client, poll, [&] { return seen(client, app_in("8", "C1", "F")); }, "ack and fill");

  // The client drops; each side sends while the other cannot hear.
  client.command("disconnect");
  run_until(
      client, poll, [&] { return !session.logged_on(); }, "our acceptor to see the drop");
  client.command("order C2 AAPL 1 100 187.25");  // QuickFIX stores it
  app.report(wall_ns(), "C1", '3');              // a venue notice while the client is away: queued
  EXPECT_EQ(session.state(), fix::SessionState::Disconnected);

  client.send("connect");
  run_until(
      client, poll,
      [&] {
        return app.orders.size() == 2 && seen(client, app_in("8", "C2", "F")) && seen(client, app_in("8", "C1", "3")) &&
               !session.awaiting_resend();
      },
      "both sides' gaps filled");
  EXPECT_EQ(app.orders[1].first, "C2");
  EXPECT_TRUE(app.orders[1].second) << "QuickFIX resent the order with PossDupFlag";
  const auto notices = client.find_all(app_in("8", "C1", "3"));
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0]["poss_dup"], true) << "we resent the queued report with PossDupFlag";
  EXPECT_FALSE(notices[0].value("orig_sending_time", "").empty());
  EXPECT_GE(session.counters().resend_requests_sent, 1u);
  EXPECT_GE(session.counters().messages_resent, 1u);

  run_until(
      client, poll,
      [&] {
        const Event st = client.status();
        return st["logged_on"] == true && st["next_sender_seq"] == session.next_target_seq() &&
               st["next_target_seq"] == session.next_sender_seq();
      },
      "equal sequence numbers");
  EXPECT_TRUE(app.rejects.empty());
  expect_no_rejects(client);
  client.send("quit");
  run_until(
      client, poll, [&] { return !session.logged_on(); }, "QuickFIX's logout");
}

}  // namespace
}  // namespace hft::interop
