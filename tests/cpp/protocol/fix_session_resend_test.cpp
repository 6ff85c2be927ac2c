// Answering ResendRequest (Volume 2 case 8), queueing while disconnected,
// and the persistent store that lets a restarted process resume.
#include <unistd.h>

#include <filesystem>

#include "fix_session_fixture.h"

namespace hft::protocol::fix::testing {
namespace {

TEST_F(SessionTest, Spec_8_ResendRequestMixesResentApplicationAndGapFilledAdmin) {
  log_on(SessionRole::Acceptor);  // our Logon answer was seq 1
  const std::int64_t first_sent = now;
  ASSERT_EQ(send_order("O2"), SendStatus::Sent);  // 2
  now += 31 * kSecond;
  session->on_timer(now);                         // 3: Heartbeat
  ASSERT_EQ(send_order("O4"), SendStatus::Sent);  // 4
  rec.take();
  ASSERT_EQ(session->next_sender_seq(), 5u);
  peer("2", with(header(2), {{7, "1"}, {16, "0"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].type, "4");
  EXPECT_EQ(out[0].seq(), 1u);
  EXPECT_EQ(out[0].at(123), "Y");
  EXPECT_EQ(out[0].at(36), "2");
  EXPECT_EQ(out[0].at(43), "Y");
  EXPECT_EQ(out[1].type, "D");
  EXPECT_EQ(out[1].seq(), 2u);
  EXPECT_EQ(out[1].at(43), "Y");
  EXPECT_EQ(out[1].at(122), utc(first_sent));
  EXPECT_EQ(out[1].at(52), utc(now));
  EXPECT_EQ(out[1].at(11), "O2");
  EXPECT_EQ(out[2].type, "4");
  EXPECT_EQ(out[2].seq(), 3u);
  EXPECT_EQ(out[2].at(36), "4");
  EXPECT_EQ(out[3].type, "D");
  EXPECT_EQ(out[3].seq(), 4u);
  EXPECT_EQ(out[3].at(11), "O4");
  EXPECT_EQ(session->next_sender_seq(), 5u);  // a resend takes no new numbers
  EXPECT_EQ(session->counters().messages_resent, 2u);
  EXPECT_EQ(session->counters().gap_fills_sent, 2u);
}

TEST_F(SessionTest, Spec_8_ResendRequestForOnlyAdminMessagesIsOneGapFill) {
  log_on(SessionRole::Acceptor);
  now += 31 * kSecond;
  session->on_timer(now);
  rec.take();
  peer("2", with(header(2), {{7, "1"}, {16, "3"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "4");
  EXPECT_EQ(out[0].seq(), 1u);
  EXPECT_EQ(out[0].at(36), "3");  // capped at the last number sent (2)
}

TEST_F(SessionTest, Spec_8_ResendRequestForOnlyApplicationMessagesResendsEachWithItsNumber) {
  log_on(SessionRole::Acceptor);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(send_order("O" + std::to_string(i)), SendStatus::Sent);
  rec.take();
  peer("2", with(header(2), {{7, "2"}, {16, "999999"}}));  // FIX 4.2 style infinity
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i].type, "D");
    EXPECT_EQ(out[i].seq(), 2 + i);
    EXPECT_EQ(out[i].at(11), "O" + std::to_string(i));
    // Resent messages are valid FIX themselves: parse them back.
    MessageView mv;
    ASSERT_TRUE(mv.parse(reinterpret_cast<const std::uint8_t*>(out[i].raw.data()), out[i].raw.size()).ok());
    NewOrderSingle nos;
    ASSERT_TRUE(nos.parse(mv).ok());
    EXPECT_TRUE(nos.header.poss_dup);
  }
}

TEST_F(SessionTest, Spec_16_MessagesQueuedWhileDisconnectedReachThePeerByResend) {
  log_on(SessionRole::Acceptor);
  session->disconnected(now);
  EXPECT_EQ(send_order("F1", /*queue=*/true), SendStatus::Queued);
  EXPECT_EQ(send_order("F2", /*queue=*/true), SendStatus::Queued);
  EXPECT_TRUE(rec.take().empty());
  EXPECT_EQ(session->next_sender_seq(), 4u);
  // Reconnect: the peer sees our Logon at 4, asks for 2..3 and gets the orders.
  session->connected(now);
  feed(logon(2));
  auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seq(), 4u);
  peer("2", with(header(3), {{7, "2"}, {16, "0"}}));
  out = rec.take();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].at(11), "F1");
  EXPECT_EQ(out[1].at(11), "F2");
  EXPECT_EQ(out[2].type, "4");  // our second Logon, gap-filled
  EXPECT_EQ(out[2].seq(), 4u);
  EXPECT_EQ(out[2].at(36), "5");
}

TEST_F(SessionTest, EvictedMessagesAreGapFilledInsteadOfResent) {
  StoreOptions o;
  o.max_messages = 16;  // index slots: only the last 16 numbers are kept
  o.data_bytes = 1 << 20;
  store = SessionStore::in_memory(o, now);
  log_on(SessionRole::Acceptor);
  for (int i = 0; i < 40; ++i) ASSERT_EQ(send_order("O" + std::to_string(i)), SendStatus::Sent);
  rec.take();
  peer("2", with(header(2), {{7, "1"}, {16, "0"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 17u);
  EXPECT_EQ(out[0].type, "4");
  EXPECT_EQ(out[0].seq(), 1u);
  EXPECT_EQ(out[0].at(36), "26");
  EXPECT_EQ(out[1].seq(), 26u);
  EXPECT_EQ(out[16].seq(), 41u);
}

class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() / ("hft-fix-store-" + std::to_string(::getpid()) + "-" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    options.max_messages = 64;
    options.data_bytes = 64 * 1024;
    options.fsync = StoreFsync::EveryWrite;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::unique_ptr<SessionStore> open(std::string_view id = "FIX.4.4:HFT->VENUE") {
    error.clear();
    return SessionStore::open_file(dir.string(), id, options, kT0, error);
  }
  static ByteView bytes(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }
  static std::string text(ByteView b) { return {reinterpret_cast<const char*>(b.data), b.size}; }

  std::filesystem::path dir;
  StoreOptions options;
  std::string error;
};

TEST_F(FileStoreTest, NewStoreStartsAtOneAndSurvivesReopen) {
  {
    auto s = open();
    ASSERT_NE(s, nullptr) << error;
    EXPECT_EQ(s->next_sender_seq(), 1u);
    EXPECT_EQ(s->next_target_seq(), 1u);
    ASSERT_TRUE(s->save(1, bytes("first")));
    ASSERT_TRUE(s->save(2, bytes("second")));
    s->set_next_sender_seq(3);
    s->set_next_target_seq(7);
  }
  auto s = open();
  ASSERT_NE(s, nullptr) << error;
  EXPECT_EQ(s->next_sender_seq(), 3u);
  EXPECT_EQ(s->next_target_seq(), 7u);
  EXPECT_EQ(text(s->load(1)), "first");
  EXPECT_EQ(text(s->load(2)), "second");
  EXPECT_TRUE(s->load(3).empty());
  EXPECT_EQ(s->creation_time_ns(), kT0);
}

TEST_F(FileStoreTest, RingWrapOverwritesOldestMessages) {
  auto s = open();
  ASSERT_NE(s, nullptr) << error;
  const std::string payload(1000, 'x');
  for (std::uint64_t seq = 1; seq <= 200; ++seq) ASSERT_TRUE(s->save(seq, bytes(payload + std::to_string(seq))));
  EXPECT_TRUE(s->load(1).empty());    // index slot reused (64 slots)
  EXPECT_TRUE(s->load(130).empty());  // data overwritten (64 KiB ring of ~1 KB messages)
  EXPECT_EQ(text(s->load(200)), payload + "200");
  EXPECT_EQ(text(s->load(150)), payload + "150");
  EXPECT_FALSE(s->save(201, bytes(std::string(20000, 'y'))));  // over a quarter of the ring
}

TEST_F(FileStoreTest, ResetForgetsMessagesAndRestartsNumbers) {
  auto s = open();
  ASSERT_NE(s, nullptr) << error;
  ASSERT_TRUE(s->save(1, bytes("m")));
  s->set_next_sender_seq(2);
  s->reset(kT0 + 5);
  EXPECT_EQ(s->next_sender_seq(), 1u);
  EXPECT_TRUE(s->load(1).empty());
  EXPECT_EQ(s->creation_time_ns(), kT0 + 5);
}

TEST_F(FileStoreTest, StoreOfAnotherSessionIsRefusedWithAClearError) {
  ASSERT_NE(open(), nullptr) << error;
  EXPECT_EQ(open("FIX.4.4:HFT->OTHER"), nullptr);
  EXPECT_NE(error.find("belongs to session 'FIX.4.4:HFT->VENUE'"), std::string::npos) << error;
}

TEST_F(FileStoreTest, StoreWithOtherSizesIsRefusedWithAClearError) {
  ASSERT_NE(open(), nullptr) << error;
  options.max_messages = 128;
  EXPECT_EQ(open(), nullptr);
  EXPECT_NE(error.find("remove the file"), std::string::npos) << error;
}

TEST_F(FileStoreTest, UnusableDirectoryIsAnError) {
  options.data_bytes = 1000;  // not a page multiple
  EXPECT_EQ(open(), nullptr);
  EXPECT_NE(error.find("data_bytes"), std::string::npos) << error;
  options.data_bytes = 64 * 1024;
  EXPECT_EQ(SessionStore::open_file("/proc/hft-no-such-dir", "x", options, kT0, error), nullptr);
  EXPECT_NE(error.find("/proc/hft-no-such-dir"), std::string::npos) << error;
}

TEST_F(FileStoreTest, RestartedSessionResumesNumbersAndAnswersResendFromDisk) {
  SessionSettings s;
  s.role = SessionRole::Acceptor;
  s.sender_comp_id = "HFT";
  s.target_comp_id = "VENUE";
  std::int64_t now = kT0;
  {
    auto store = open();
    ASSERT_NE(store, nullptr) << error;
    Recorder rec;
    Session session(s, *store, rec, rec);
    session.connected(now);
    const std::string logon =
        raw_message("A", {{49, "VENUE"}, {56, "HFT"}, {34, "1"}, {52, utc(now)}, {98, "0"}, {108, "30"}});
    std::memcpy(session.receive_buffer().data, logon.data(), logon.size());
    session.on_received(logon.size(), now);
    ASSERT_TRUE(session.logged_on());
    const auto st = session.send(now, [](Encoder& e, std::uint64_t seq, std::int64_t t) {
      e.begin("8", seq, t);
      e.add_str(37, "V1");
      e.add_str(17, "E1");
      return e.finish();
    });
    ASSERT_EQ(st, SendStatus::Sent);
  }  // the process "dies" here
  auto store = open();
  ASSERT_NE(store, nullptr) << error;
  EXPECT_EQ(store->next_sender_seq(), 3u);
  EXPECT_EQ(store->next_target_seq(), 2u);
  Recorder rec;
  Session session(s, *store, rec, rec);
  session.connected(now);
  // The peer comes back expecting our 2 (it never saw it) and says so.
  const std::string logon =
      raw_message("A", {{49, "VENUE"}, {56, "HFT"}, {34, "2"}, {52, utc(now)}, {98, "0"}, {108, "30"}});
  const std::string resend =
      raw_message("2", {{49, "VENUE"}, {56, "HFT"}, {34, "3"}, {52, utc(now)}, {7, "2"}, {16, "0"}});
  const std::string both = logon + resend;
  std::memcpy(session.receive_buffer().data, both.data(), both.size());
  session.on_received(both.size(), now);
  ASSERT_EQ(rec.sent.size(), 3u);
  EXPECT_EQ(rec.sent[0].type, "A");
  EXPECT_EQ(rec.sent[0].seq(), 3u);
  EXPECT_EQ(rec.sent[1].type, "8");
  EXPECT_EQ(rec.sent[1].seq(), 2u);
  EXPECT_EQ(rec.sent[1].at(17), "E1");
  EXPECT_EQ(rec.sent[1].at(43), "Y");
  EXPECT_EQ(rec.sent[2].type, "4");  // the new Logon (3), gap-filled
  EXPECT_EQ(store->next_target_seq(), 4u);
}

}  // namespace
}  // namespace hft::protocol::fix::testing
