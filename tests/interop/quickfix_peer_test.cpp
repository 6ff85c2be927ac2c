// quickfix_peer against itself, one acceptor and one initiator on loopback:
// proves the peer (and what QuickFIX does around a dropped connection)
// before our session layer is tested against it. Every wait is on an event,
// with a generous deadline as a failure guard; both children die with the
// test if it fails.
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "peer_process.h"

namespace hft::interop {
namespace {

namespace fs = std::filesystem;
using Event = PeerProcess::Event;
using Predicate = PeerProcess::Predicate;

class PeerPair : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hft-qfpeer-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    // QuickFIX's logs (dir/*/log) are the first thing to read when a test
    // here fails, so they stay then.
    if (HasFailure())
      std::printf("quickfix_peer stores and logs kept in %s\n", dir_.c_str());
    else
      fs::remove_all(dir_);
  }

  PeerConfig venue_config(bool reset_on_logon = false) const {
    PeerConfig c;
    c.mode = "acceptor";
    c.port = 0;
    c.sender_comp_id = "VENUE";
    c.target_comp_id = "CLIENT";
    c.store_dir = (dir_ / "venue").string();
    c.reset_on_logon = reset_on_logon;
    return c;
  }
  PeerConfig client_config(int port, bool reset_on_logon = false) const {
    PeerConfig c;
    c.mode = "initiator";
    c.port = port;
    c.sender_comp_id = "CLIENT";
    c.target_comp_id = "VENUE";
    c.store_dir = (dir_ / "client").string();
    c.reset_on_logon = reset_on_logon;
    return c;
  }

  fs::path dir_;
};

Predicate app_in(const std::string& msg_type, const std::string& cl_ord_id, const std::string& exec_type = "") {
  return [=](const Event& e) {
    return e.value("event", "") == "app_in" && e.value("msg_type", "") == msg_type &&
           e.value("cl_ord_id", "") == cl_ord_id && (exec_type.empty() || e.value("exec_type", "") == exec_type);
  };
}

Predicate app_out(const std::string& msg_type, const std::string& cl_ord_id, const std::string& exec_type = "") {
  return [=](const Event& e) {
    return e.value("event", "") == "app_out" && e.value("msg_type", "") == msg_type &&
           e.value("cl_ord_id", "") == cl_ord_id && (exec_type.empty() || e.value("exec_type", "") == exec_type);
  };
}

Predicate admin(const std::string& event, const std::string& msg_type) { return is_message(event, msg_type); }

// Each side's next sender seq is the other's next target seq. Messages may
// still be in flight when asked, so ask again after whatever arrives next,
// until they agree or the deadline (a failure guard) passes.
void expect_in_step(PeerProcess& a, PeerProcess& b) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  Event sa, sb;
  for (;;) {
    sa = a.status();
    sb = b.status();
    const bool same = sa["next_sender_seq"] == sb["next_target_seq"] && sb["next_sender_seq"] == sa["next_target_seq"];
    if (same && sa["logged_on"] == true && sb["logged_on"] == true) return;
    if (std::chrono::steady_clock::now() > deadline) break;
    a.pump(std::chrono::milliseconds(100));
    b.pump(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "sequence numbers never agreed: " << sa.dump() << " vs " << sb.dump();
}

// Both sides validated every message against FIX44-hft.xml: a Reject or a
// BusinessMessageReject would mean one of QuickFIX's own messages fails it.
void expect_no_rejects(const PeerProcess& p, const char* who) {
  EXPECT_TRUE(p.find_all(admin("admin_in", "3")).empty()) << who << " received a session Reject";
  EXPECT_TRUE(p.find_all(is_message("app_in", "j")).empty()) << who << " received a BusinessMessageReject";
}

TEST_F(PeerPair, LogonOrderAndFillsBothWays) {
  PeerProcess venue(venue_config());
  PeerProcess client(client_config(venue.port()));
  EXPECT_GT(venue.port(), 0);
  venue.wait_for_event("logon");
  const Event logon = client.wait_for_event("logon");
  EXPECT_EQ(logon["next_sender_seq"], 2);
  EXPECT_EQ(logon["next_target_seq"], 2);

  const Event ok = client.command("order C1 AAPL 1 100 187.25");
  EXPECT_EQ(ok["accepted"], true);
  const Event nos = venue.wait_for(app_in("D", "C1"));
  EXPECT_EQ(nos["symbol"], "AAPL");
  EXPECT_EQ(nos["side"], "1");
  EXPECT_EQ(nos["order_qty"], "100");
  EXPECT_EQ(nos["price"], "187.25");
  EXPECT_EQ(nos["poss_dup"], false);

  const Event ack = client.wait_for(app_in("8", "C1", "0"));
  EXPECT_EQ(ack["ord_status"], "0");
  EXPECT_EQ(ack["leaves_qty"], "100");
  const Event fill = client.wait_for(app_in("8", "C1", "F"));
  EXPECT_EQ(fill["ord_status"], "2");
  EXPECT_EQ(fill["last_qty"], "100");
  EXPECT_EQ(fill["last_px"], "187.25");
  EXPECT_EQ(fill["cum_qty"], "100");
  EXPECT_EQ(fill["leaves_qty"], "0");
  EXPECT_NE(fill["raw"].get<std::string>().find("|453=1|448=VENUE|447=D|452=1|"), std::string::npos)
      << "the venue names itself in Parties: " << fill["raw"];

  expect_in_step(client, venue);
  expect_no_rejects(client, "client");
  expect_no_rejects(venue, "venue");
  EXPECT_EQ(client.quit(), 0);
  venue.wait_for(admin("admin_in", "5"));  // the client logged out on quit
  EXPECT_EQ(venue.quit(), 0);
}

TEST_F(PeerPair, ADroppedConnectionThenResendOfWhatEachSideMissed) {
  PeerProcess venue(venue_config());
  PeerProcess client(client_config(venue.port()));
  venue.wait_for_event("logon");
  client.wait_for_event("logon");
  client.command("order C1 AAPL 1 100 187.25");
  client.wait_for(app_in("8", "C1", "F"));

  // The client drops the connection: no Logout goes out, both see it end.
  std::size_t c_mark = client.mark();
  std::size_t v_mark = venue.mark();
  client.command("disconnect");
  client.wait_for(is_event("logout"), PeerProcess::kDefaultTimeout, c_mark);
  venue.wait_for(is_event("logout"), PeerProcess::kDefaultTimeout, v_mark);
  EXPECT_TRUE(client.find_all(admin("admin_out", "5")).empty()) << "disconnect must not send a Logout";
  EXPECT_TRUE(venue.find_all(admin("admin_in", "5")).empty());

  // Orders sent while down: QuickFIX stores them under the next seq numbers.
  const int first_gap_seq = client.status()["next_sender_seq"].get<int>();
  EXPECT_EQ(client.command("order C2 AAPL 2 50 187.30")["accepted"], true);
  EXPECT_EQ(client.command("order C3 MSFT 1 10 401.5")["accepted"], true);
  const Event stored = client.wait_for(app_out("D", "C2"));
  EXPECT_EQ(stored["logged_on"], false);
  EXPECT_EQ(stored["seq"], first_gap_seq);
  EXPECT_EQ(client.status()["next_sender_seq"], first_gap_seq + 2);

  // Reconnect: the venue sees the Logon's seq too high, asks for the gap,
  // the client resends both orders as PossDup and gap-fills its Logon.
  c_mark = client.mark();
  v_mark = venue.mark();
  client.command("connect");
  client.wait_for(is_event("logon"), PeerProcess::kDefaultTimeout, c_mark);
  venue.wait_for(is_event("logon"), PeerProcess::kDefaultTimeout, v_mark);
  const Event rr = venue.wait_for(admin("admin_out", "2"), PeerProcess::kDefaultTimeout, v_mark);
  EXPECT_EQ(rr["begin_seq_no"], first_gap_seq);
  EXPECT_EQ(rr["end_seq_no"], 0) << "FIX 4.4: 0 means everything from BeginSeqNo on";
  const Event resent = client.wait_for(app_out("D", "C2"), PeerProcess::kDefaultTimeout, c_mark);
  EXPECT_EQ(resent["poss_dup"], true);
  EXPECT_EQ(resent["seq"], first_gap_seq);
  EXPECT_EQ(resent["orig_sending_time"], stored["sending_time"]) << "the resend keeps the original SendingTime";
  const Event c2 = venue.wait_for(app_in("D", "C2"), PeerProcess::kDefaultTimeout, v_mark);
  EXPECT_EQ(c2["poss_dup"], true);
  EXPECT_EQ(c2["seq"], first_gap_seq);
  const Event c3 = venue.wait_for(app_in("D", "C3"), PeerProcess::kDefaultTimeout, v_mark);
  EXPECT_EQ(c3["seq"], first_gap_seq + 1);
  // The Logon's own seq is in the range asked for: QuickFIX gap-fills it
  // (admin messages are never resent) with a PossDup SequenceReset.
  const Event gap_fill = client.wait_for(admin("admin_out", "4"), PeerProcess::kDefaultTimeout, c_mark);
  EXPECT_EQ(gap_fill["gap_fill"], true);
  EXPECT_EQ(gap_fill["poss_dup"], true);
  EXPECT_EQ(gap_fill["seq"], first_gap_seq + 2);
  EXPECT_EQ(gap_fill["new_seq_no"], first_gap_seq + 3);
  // The venue had never seen C2 and C3: it fills them.
  client.wait_for(app_in("8", "C2", "F"));
  client.wait_for(app_in("8", "C3", "F"));

  // Now the other way: the venue drops, fills a resting order while down,
  // and resends the fill when the client is back.
  venue.command("autofill off");
  client.command("order C4 AAPL 1 70 187.20");
  client.wait_for(app_in("8", "C4", "0"));
  // By now the venue has read everything up to C4, the gap fill included,
  // and dropped it unseen: it had already moved past the Logon's seq when it
  // took the queued Logon, so the gap fill came "too low" with PossDup=Y,
  // which QuickFIX ignores without a word (no fromAdmin, no Reject).
  EXPECT_TRUE(venue.find_all(admin("admin_in", "4")).empty());
  c_mark = client.mark();
  v_mark = venue.mark();
  venue.command("disconnect");
  client.wait_for(is_event("logout"), PeerProcess::kDefaultTimeout, c_mark);
  const Event venue_fill = venue.command("fill C4");
  EXPECT_EQ(venue_fill["accepted"], true);
  const Event stored_fill = venue.wait_for(app_out("8", "C4", "F"), PeerProcess::kDefaultTimeout, v_mark);
  EXPECT_EQ(stored_fill["logged_on"], false);
  EXPECT_EQ(stored_fill["exec_type"], "F");

  c_mark = client.mark();
  v_mark = venue.mark();
  venue.command("connect");  // the client has been retrying every second
  client.wait_for(is_event("logon"), PeerProcess::kDefaultTimeout, c_mark);
  venue.wait_for(is_event("logon"), PeerProcess::kDefaultTimeout, v_mark);
  const Event client_rr = client.wait_for(admin("admin_out", "2"), PeerProcess::kDefaultTimeout, c_mark);
  EXPECT_EQ(client_rr["begin_seq_no"], stored_fill["seq"]);
  const Event resent_fill = client.wait_for(app_in("8", "C4", "F"), PeerProcess::kDefaultTimeout, c_mark);
  EXPECT_EQ(resent_fill["poss_dup"], true);
  EXPECT_EQ(resent_fill["seq"], stored_fill["seq"]);
  EXPECT_EQ(resent_fill["orig_sending_time"], stored_fill["sending_time"]);
  EXPECT_EQ(resent_fill["last_qty"], "70");

  expect_in_step(client, venue);
  expect_no_rejects(client, "client");
  expect_no_rejects(venue, "venue");
  EXPECT_EQ(client.quit(), 0);
  EXPECT_EQ(venue.quit(), 0);
}

TEST_F(PeerPair, ResetOnLogonStartsAtOneAndLosesWhatWasStoredWhileDown) {
  PeerProcess venue(venue_config(true));
  PeerProcess client(client_config(venue.port(), true));
  venue.wait_for_event("logon");
  client.wait_for_event("logon");
  const Event first_logon = client.wait_for(admin("admin_out", "A"));
  EXPECT_EQ(first_logon["seq"], 1);
  EXPECT_EQ(first_logon["reset_seq_num"], true);
  client.command("order C1 AAPL 1 100 187.25");
  client.wait_for(app_in("8", "C1", "F"));

  std::size_t c_mark = client.mark();
  std::size_t v_mark = venue.mark();
  client.command("disconnect");
  venue.wait_for(is_event("logout"), PeerProcess::kDefaultTimeout, v_mark);
  // Stored (the seq numbers are not at 1, so QuickFIX keeps it)...
  EXPECT_EQ(client.command("order C2 AAPL 1 5 187.25")["accepted"], true);
  client.command("connect");
  const Event relogon = client.wait_for(is_event("logon"), PeerProcess::kDefaultTimeout, c_mark);
  venue.wait_for(is_event("logon"), PeerProcess::kDefaultTimeout, v_mark);
  const Event logon_out = client.wait_for(admin("admin_out", "A"), PeerProcess::kDefaultTimeout, c_mark);
  EXPECT_EQ(logon_out["seq"], 1);
  EXPECT_EQ(logon_out["reset_seq_num"], true);
  EXPECT_EQ(relogon["next_sender_seq"], 2);
  EXPECT_EQ(relogon["next_target_seq"], 2);

  // ...but never resent: the reset threw the store away. An order after the
  // logon goes through, and the venue never saw C2.
  client.command("order C3 AAPL 1 5 187.25");
  client.wait_for(app_in("8", "C3", "F"));
  EXPECT_TRUE(venue.find_all(app_in("D", "C2")).empty());
  EXPECT_TRUE(venue.find_all(admin("admin_out", "2")).empty()) << "no gap, so no ResendRequest";
  expect_in_step(client, venue);
  EXPECT_EQ(client.quit(), 0);
  EXPECT_EQ(venue.quit(), 0);
}

TEST_F(PeerPair, TheVenueCancelsReplacesAndRejects) {
  PeerProcess venue(venue_config());
  PeerProcess client(client_config(venue.port()));
  venue.wait_for_event("logon");
  client.wait_for_event("logon");
  venue.command("autofill off");

  client.command("order C1 AAPL 1 100 187.25");
  const Event ack = client.wait_for(app_in("8", "C1", "0"));
  client.command("replace C1 C2 AAPL 1 150 187.10");
  const Event replaced = client.wait_for(app_in("8", "C2", "5"));
  EXPECT_EQ(replaced["orig_cl_ord_id"], "C1");
  EXPECT_EQ(replaced["order_qty"], "150");
  EXPECT_EQ(replaced["price"], "187.10");
  EXPECT_EQ(replaced["leaves_qty"], "150");
  EXPECT_EQ(replaced["order_id"], ack["order_id"]);

  venue.command("fill C2 40 187.05");
  const Event partial = client.wait_for(app_in("8", "C2", "F"));
  EXPECT_EQ(partial["ord_status"], "1");
  EXPECT_EQ(partial["last_qty"], "40");
  EXPECT_EQ(partial["last_px"], "187.05");
  EXPECT_EQ(partial["leaves_qty"], "110");

  client.command("cancel C2 C3 AAPL 1 150");
  const Event canceled = client.wait_for(app_in("8", "C3", "4"));
  EXPECT_EQ(canceled["ord_status"], "4");
  EXPECT_EQ(canceled["orig_cl_ord_id"], "C2");
  EXPECT_EQ(canceled["cum_qty"], "40");

  client.command("cancel C3 C4 AAPL 1 150");  // already canceled
  const Event too_late = client.wait_for(app_in("9", "C4"));
  EXPECT_EQ(too_late["cxl_rej_response_to"], "1");
  EXPECT_EQ(too_late["cxl_rej_reason"], 0);
  EXPECT_EQ(too_late["ord_status"], "4");
  client.command("replace NOPE C5 AAPL 1 10 1");
  const Event unknown = client.wait_for(app_in("9", "C5"));
  EXPECT_EQ(unknown["cxl_rej_response_to"], "2");
  EXPECT_EQ(unknown["cxl_rej_reason"], 1);

  client.command("order C1 AAPL 1 100 187.25");  // a ClOrdID the venue has seen
  const Event dup = client.wait_for(app_in("8", "C1", "8"));
  EXPECT_EQ(dup["ord_rej_reason"], 6);
  EXPECT_THROW(venue.command("fill NOPE"), std::runtime_error);

  expect_in_step(client, venue);
  expect_no_rejects(client, "client");
  expect_no_rejects(venue, "venue");
}

TEST_F(PeerPair, AGracefulLogoutAndASkippedSeqNumber) {
  PeerProcess venue(venue_config());
  PeerProcess client(client_config(venue.port()));
  venue.wait_for_event("logon");
  client.wait_for_event("logon");

  // logout: a Logout each way, then both down; the client stays down.
  std::size_t v_mark = venue.mark();
  client.command("logout end of test day");
  const Event bye = venue.wait_for(admin("admin_in", "5"), PeerProcess::kDefaultTimeout, v_mark);
  EXPECT_EQ(bye["text"], "end of test day");
  venue.wait_for(admin("admin_out", "5"), PeerProcess::kDefaultTimeout, v_mark);
  client.wait_for(admin("admin_in", "5"));
  client.wait_for_event("logout");
  EXPECT_EQ(client.status()["enabled"], false);

  std::size_t c_mark = client.mark();
  client.command("connect");
  client.wait_for(is_event("logon"), PeerProcess::kDefaultTimeout, c_mark);

  // The client skips ten seq numbers: the venue asks for them, the client
  // has none stored, so it gap-fills up to the order, then resends it.
  const int next = client.status()["next_sender_seq"].get<int>();
  client.command("seq sender " + std::to_string(next + 10));
  c_mark = client.mark();
  v_mark = venue.mark();
  client.command("order C9 AAPL 1 1 187.25");
  const Event rr = venue.wait_for(admin("admin_out", "2"), PeerProcess::kDefaultTimeout, v_mark);
  EXPECT_EQ(rr["begin_seq_no"], next);
  const Event fill = client.wait_for(admin("admin_out", "4"), PeerProcess::kDefaultTimeout, c_mark);
  EXPECT_EQ(fill["seq"], next);
  EXPECT_EQ(fill["new_seq_no"], next + 10);
  EXPECT_EQ(fill["gap_fill"], true);
  client.wait_for(app_in("8", "C9", "F"));
  // The venue queued the original order, took it after the gap fill, and
  // dropped the PossDup copy that followed: one order, one fill. Once the
  // seq numbers agree the venue has read (and reported) all of it.
  expect_in_step(client, venue);
  EXPECT_EQ(venue.find_all(app_in("D", "C9")).size(), 1u);
  EXPECT_EQ(client.find_all(app_in("8", "C9")).size(), 2u) << "New and Fill, once each";
  expect_no_rejects(client, "client");
  expect_no_rejects(venue, "venue");
}

TEST_F(PeerPair, BadArgumentsAreAnErrorEventAndExitCodeTwo) {
  ChildProcess peer({kQuickfixPeerPath, "--mode", "sideways", "--port", "1", "--store", dir_.string()});
  const std::optional<std::string> line = peer.read_line(std::chrono::seconds(20));
  ASSERT_TRUE(line.has_value());
  const Event e = Event::parse(*line);
  EXPECT_EQ(e["event"], "error");
  EXPECT_NE(e["message"].get<std::string>().find("--mode"), std::string::npos) << *line;
  EXPECT_EQ(peer.wait(std::chrono::seconds(20)), 2);

  PeerConfig c = venue_config();
  c.dictionary = (dir_ / "missing.xml").string();
  EXPECT_THROW(PeerProcess p(c), std::runtime_error);
}

}  // namespace
}  // namespace hft::interop
