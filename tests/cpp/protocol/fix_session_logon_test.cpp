// Logon, logout and heartbeat cases of FIX 4.4 Volume 2 (test case numbers
// in the names), for both roles.
#include "fix_session_fixture.h"

namespace hft::protocol::fix::testing {
namespace {

TEST_F(SessionTest, Spec_1S_InitiatorSendsLogonOnConnect) {
  make(SessionRole::Initiator);
  session->connected(now);
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "A");
  EXPECT_EQ(out[0].at(49), "HFT");
  EXPECT_EQ(out[0].at(56), "VENUE");
  EXPECT_EQ(out[0].seq(), 1u);
  EXPECT_EQ(out[0].at(98), "0");
  EXPECT_EQ(out[0].at(108), "30");
  EXPECT_FALSE(out[0].has(141));
  EXPECT_EQ(session->state(), SessionState::LogonSent);
  feed(logon(1));
  EXPECT_TRUE(session->logged_on());
  EXPECT_TRUE(rec.saw(SessionEventType::LoggedOn));
  EXPECT_EQ(session->next_target_seq(), 2u);
  EXPECT_EQ(session->next_sender_seq(), 2u);
  EXPECT_TRUE(rec.take().empty());  // the initiator does not answer the answer
}

TEST_F(SessionTest, Spec_1B_AcceptorAnswersValidLogonAndAdoptsHeartBtInt) {
  make(SessionRole::Acceptor);
  session->connected(now);
  EXPECT_TRUE(rec.take().empty());
  EXPECT_EQ(session->state(), SessionState::AwaitingLogon);
  feed(raw_message("A", with(header(1), {{98, "0"}, {108, "5"}})));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "A");
  EXPECT_EQ(out[0].at(108), "5");
  EXPECT_EQ(session->heartbeat_interval_s(), 5);
  EXPECT_TRUE(session->logged_on());
}

TEST_F(SessionTest, Spec_1a_LogonMsgSeqNumTooHighAnswersLogonThenResendRequest) {
  make(SessionRole::Acceptor);
  session->connected(now);
  feed(logon(5));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, "A");
  EXPECT_EQ(out[1].type, "2");
  EXPECT_EQ(out[1].at(7), "1");
  EXPECT_EQ(out[1].at(16), "0");
  EXPECT_TRUE(session->logged_on());
  EXPECT_TRUE(session->awaiting_resend());
  EXPECT_EQ(session->next_target_seq(), 1u);
}

TEST_F(SessionTest, Spec_1c_LogonWithWrongTargetCompIdIsLoggedOut) {
  make(SessionRole::Acceptor);
  session->connected(now);
  feed(raw_message("A", {{49, "VENUE"}, {56, "SOMEONE"}, {34, "1"}, {52, utc(now)}, {98, "0"}, {108, "30"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "5");
  EXPECT_EQ(rec.closes, 1);
  EXPECT_EQ(session->state(), SessionState::Disconnected);
}

TEST_F(SessionTest, Spec_1d_LogonWithSendingTimeOutOfRangeIsLoggedOut) {
  make(SessionRole::Acceptor);
  session->connected(now);
  const std::int64_t t = now;
  now += 5 * 60 * kSecond;  // our clock is five minutes ahead of the Logon's SendingTime
  feed(raw_message("A", {{49, "VENUE"}, {56, "HFT"}, {34, "1"}, {52, utc(t)}, {98, "0"}, {108, "30"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "5");
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(SessionTest, Spec_1e_FirstMessageNotLogonDisconnectsWithoutAnswer) {
  make(SessionRole::Acceptor);
  session->connected(now);
  feed(order(1, "X1"));
  EXPECT_TRUE(rec.take().empty());
  EXPECT_EQ(rec.closes, 1);
  EXPECT_TRUE(rec.app.empty());
}

TEST_F(SessionTest, LogonMsgSeqNumTooLowIsLoggedOut) {
  make(SessionRole::Acceptor);
  store->set_next_target_seq(10);
  session->connected(now);
  feed(logon(4));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "5");
  EXPECT_EQ(out[0].at(58), "MsgSeqNum too low, expecting 10 but received 4");
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(SessionTest, LogonWithNegativeHeartBtIntIsLoggedOut) {
  make(SessionRole::Acceptor);
  session->connected(now);
  feed(raw_message("A", with(header(1), {{98, "0"}, {108, "-1"}})));
  EXPECT_EQ(rec.closes, 1);
  EXPECT_FALSE(session->logged_on());
}

TEST_F(SessionTest, NoLogonWithinTimeoutDisconnects) {
  make(SessionRole::Acceptor);
  session->connected(now);
  session->on_timer(now + 9 * kSecond);
  EXPECT_EQ(rec.closes, 0);
  session->on_timer(now + 10 * kSecond);
  EXPECT_EQ(rec.closes, 1);
  EXPECT_TRUE(rec.saw(SessionEventType::LogonTimeout));
}

TEST_F(SessionTest, Spec_21_LogonWithResetSeqNumFlagResetsBothSides) {
  make(SessionRole::Acceptor);
  store->set_next_sender_seq(40);
  store->set_next_target_seq(17);
  session->connected(now);
  feed(logon(1, {{141, "Y"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "A");
  EXPECT_EQ(out[0].seq(), 1u);
  EXPECT_EQ(out[0].at(141), "Y");
  EXPECT_EQ(session->next_target_seq(), 2u);
  EXPECT_EQ(session->next_sender_seq(), 2u);
  EXPECT_TRUE(rec.saw(SessionEventType::SequenceReset));
}

TEST_F(SessionTest, ResetSeqNumFlagWithMsgSeqNumAboveOneIsLoggedOut) {
  make(SessionRole::Acceptor);
  session->connected(now);
  feed(logon(3, {{141, "Y"}}));
  EXPECT_EQ(rec.closes, 1);
  EXPECT_FALSE(session->logged_on());
}

TEST_F(SessionTest, ResetOnLogonInitiatorStartsAtOneAndAsksForReset) {
  make(SessionRole::Initiator, /*reset_on_logon=*/true);
  store->set_next_sender_seq(40);
  store->set_next_target_seq(17);
  session->connected(now);
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].seq(), 1u);
  EXPECT_EQ(out[0].at(141), "Y");
  feed(logon(1, {{141, "Y"}}));
  EXPECT_TRUE(session->logged_on());
  EXPECT_EQ(session->next_target_seq(), 2u);
}

TEST_F(SessionTest, Spec_4a_HeartbeatSentAfterHeartBtIntWithoutTraffic) {
  log_on();
  session->on_timer(now + 29 * kSecond);
  EXPECT_TRUE(rec.take().empty());
  now += 30 * kSecond;
  feed(raw_message("0", header(2)));  // the peer is alive, we are silent
  session->on_timer(now);
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "0");
  EXPECT_FALSE(out[0].has(112));
}

TEST_F(SessionTest, Spec_4b_TestRequestAnsweredWithHeartbeatCarryingTestReqId) {
  log_on();
  peer("1", with(header(2), {{112, "PING-7"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "0");
  EXPECT_EQ(out[0].at(112), "PING-7");
  EXPECT_EQ(session->next_target_seq(), 3u);
}

TEST_F(SessionTest, Spec_6_TestRequestSentAfterSilenceThenTimeoutDisconnects) {
  log_on();
  session->on_timer(now + 36 * kSecond);
  auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);  // the TestRequest is traffic too: no Heartbeat beside it
  EXPECT_EQ(out[0].type, "1");
  EXPECT_FALSE(out[0].at(112).empty());
  session->on_timer(now + 64 * kSecond);
  EXPECT_EQ(rec.closes, 0);
  session->on_timer(now + 66 * kSecond);
  EXPECT_EQ(rec.closes, 1);
  EXPECT_TRUE(rec.saw(SessionEventType::HeartbeatTimeout));
}

TEST_F(SessionTest, AnswerToTestRequestKeepsTheSessionUp) {
  log_on();
  session->on_timer(now + 37 * kSecond);
  const auto out = rec.take();
  ASSERT_FALSE(out.empty());
  now += 40 * kSecond;
  peer("0", with(header(2), {{112, out[0].at(112)}}));
  session->on_timer(now + 20 * kSecond);
  EXPECT_EQ(rec.closes, 0);
  EXPECT_TRUE(session->logged_on());
}

TEST_F(SessionTest, Spec_12_InitiatedLogoutClosesOnPeerAnswer) {
  log_on();
  session->logout("end of day", now);
  auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "5");
  EXPECT_EQ(out[0].at(58), "end of day");
  EXPECT_EQ(session->state(), SessionState::LogoutSent);
  peer("5", header(2));
  EXPECT_TRUE(rec.take().empty());  // the answer is not answered
  EXPECT_EQ(rec.closes, 1);
  EXPECT_TRUE(rec.saw(SessionEventType::LoggedOut));
}

TEST_F(SessionTest, Spec_12_InitiatedLogoutWithoutAnswerTimesOut) {
  log_on();
  session->logout({}, now);
  session->on_timer(now + 1 * kSecond);
  EXPECT_EQ(rec.closes, 0);
  session->on_timer(now + 2 * kSecond);
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(SessionTest, Spec_13b_UnsolicitedLogoutIsAnsweredThenClosed) {
  log_on();
  peer("5", with(header(2), {{58, "maintenance"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "5");
  EXPECT_EQ(rec.closes, 1);
  ASSERT_TRUE(rec.saw(SessionEventType::LoggedOut));
  EXPECT_EQ(session->next_target_seq(), 3u);
}

TEST_F(SessionTest, SecondLogonOnActiveSessionIsLoggedOut) {
  log_on();
  feed(logon(2));
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(SessionTest, ApplicationSendRefusedWhenNotLoggedOn) {
  make(SessionRole::Initiator);
  EXPECT_EQ(send_order("O1"), SendStatus::NotLoggedOn);
  EXPECT_EQ(session->next_sender_seq(), 1u);
  EXPECT_TRUE(store->load(1).empty());
  EXPECT_TRUE(rec.take().empty());
}

}  // namespace
}  // namespace hft::protocol::fix::testing
