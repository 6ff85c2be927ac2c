// Header and sequence-number cases of FIX 4.4 Volume 2 (test case numbers
// in the names): gaps, resends, duplicates, SequenceReset, bad headers.
#include "fix_session_fixture.h"

namespace hft::protocol::fix::testing {
namespace {

TEST_F(SessionTest, Spec_2a_InSequenceApplicationMessageIsDelivered) {
  log_on();
  feed(order(2, "C1"));
  ASSERT_EQ(rec.app.size(), 1u);
  EXPECT_EQ(rec.app[0].type, "D");
  EXPECT_EQ(rec.app[0].seq, 2);
  EXPECT_EQ(session->next_target_seq(), 3u);
  EXPECT_TRUE(rec.take().empty());
}

TEST_F(SessionTest, Spec_2b_MsgSeqNumTooHighRequestsResendOnceAndRecovers) {
  log_on();
  feed(order(5, "C5"));
  feed(order(6, "C6"));  // still in the gap: no second ResendRequest
  auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "2");
  EXPECT_EQ(out[0].at(7), "2");
  EXPECT_EQ(out[0].at(16), "0");
  EXPECT_TRUE(rec.app.empty());
  EXPECT_EQ(session->counters().too_high_dropped, 2u);
  // The peer resends 2..6: an admin gap filled, then the orders again.
  peer("4", header(2, {{43, "Y"}, {122, utc(now)}, {123, "Y"}, {36, "4"}}));
  feed(order(4, "C4", {{43, "Y"}, {122, utc(now)}}));
  EXPECT_TRUE(session->awaiting_resend());
  feed(order(5, "C5", {{43, "Y"}, {122, utc(now)}}));
  feed(order(6, "C6", {{43, "Y"}, {122, utc(now)}}));
  EXPECT_FALSE(session->awaiting_resend());
  EXPECT_TRUE(rec.saw(SessionEventType::GapFilled));
  ASSERT_EQ(rec.app.size(), 3u);
  EXPECT_EQ(rec.app[0].seq, 4);
  EXPECT_TRUE(rec.app[0].poss_dup);
  EXPECT_EQ(rec.app[2].seq, 6);
  EXPECT_EQ(session->next_target_seq(), 7u);
  EXPECT_TRUE(rec.take().empty());
}

TEST_F(SessionTest, Spec_2c_MsgSeqNumTooLowWithoutPossDupLogsOut) {
  log_on();
  feed(order(2, "C2"));
  feed(order(2, "C2again"));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "5");
  EXPECT_EQ(out[0].at(58), "MsgSeqNum too low, expecting 3 but received 2");
  EXPECT_EQ(rec.closes, 1);
  EXPECT_EQ(rec.app.size(), 1u);
}

TEST_F(SessionTest, Spec_2d_GarbledMessageIsIgnoredWithoutConsumingASequenceNumber) {
  log_on();
  std::string bad = order(2, "C2");
  bad[bad.size() - 3] = bad[bad.size() - 3] == '0' ? '1' : '0';  // CheckSum off by some
  feed(bad);
  feed("garbage between messages");
  feed(order(2, "C2"));
  EXPECT_EQ(session->counters().garbled, 2u);
  ASSERT_EQ(rec.app.size(), 1u);
  EXPECT_EQ(session->next_target_seq(), 3u);
  EXPECT_TRUE(rec.take().empty());
  EXPECT_EQ(rec.closes, 0);
}

TEST_F(SessionTest, Spec_2e_PossDupAlreadyReceivedIsIgnored) {
  log_on();
  feed(order(2, "C2"));
  feed(order(2, "C2", {{43, "Y"}, {122, utc(now - kSecond)}}));
  EXPECT_EQ(rec.app.size(), 1u);
  EXPECT_EQ(session->counters().duplicates_ignored, 1u);
  EXPECT_TRUE(rec.take().empty());
  EXPECT_EQ(rec.closes, 0);
}

TEST_F(SessionTest, Spec_2f_PossDupWithOrigSendingTimeAfterSendingTimeIsRejectedAndLoggedOut) {
  log_on();
  feed(order(2, "C2", {{43, "Y"}, {122, utc(now + 10 * kSecond)}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "10");
  EXPECT_EQ(out[0].at(45), "2");
  EXPECT_EQ(out[1].type, "5");
  EXPECT_EQ(rec.closes, 1);
  EXPECT_TRUE(rec.app.empty());
}

TEST_F(SessionTest, Spec_2g_PossDupWithoutOrigSendingTimeIsRejected) {
  log_on();
  feed(order(2, "C2", {{43, "Y"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "1");
  EXPECT_EQ(out[0].at(371), "122");
  EXPECT_EQ(session->next_target_seq(), 3u);  // counted, not processed
  EXPECT_TRUE(rec.app.empty());
}

TEST_F(SessionTest, Spec_2i_WrongBeginStringLogsOutAndDisconnects) {
  log_on();
  feed(raw_message("D", header(2), "FIX.4.2"));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "5");
  EXPECT_EQ(out[0].at(58), "incorrect BeginString");
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(SessionTest, Spec_2k_WrongCompIdIsRejectedThenLoggedOut) {
  log_on();
  peer("D", {{49, "INTRUDER"}, {56, "HFT"}, {34, "2"}, {52, utc(now)}, {11, "X"}});
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "9");
  EXPECT_EQ(out[0].at(371), "49");
  EXPECT_EQ(out[1].type, "5");
  EXPECT_EQ(rec.closes, 1);
  EXPECT_TRUE(rec.app.empty());
}

TEST_F(SessionTest, Spec_2m_WrongBodyLengthIsGarbled) {
  log_on();
  // Too short: "10=" is not where BodyLength says, seen at once.
  std::string shorter = order(2, "C2");
  const std::size_t nine = shorter.find(
                               "\x01"
                               "9=") +
                           3;
  shorter[nine + 1] = static_cast<char>(shorter[nine + 1] == '0' ? '1' : shorter[nine + 1] - 1);
  feed(shorter);
  EXPECT_EQ(session->counters().garbled, 1u);
  // Too long: looks like a partial message until the next one arrives.
  std::string longer = order(2, "C2");
  const std::size_t end = longer.find('\x01', nine);
  longer.replace(nine, end - nine, std::to_string(std::stoi(longer.substr(nine, end - nine)) + 5));
  feed(longer);
  EXPECT_EQ(session->counters().garbled, 1u);
  feed(order(2, "C2"));
  EXPECT_EQ(session->counters().garbled, 2u);
  ASSERT_EQ(rec.app.size(), 1u);
  EXPECT_EQ(session->next_target_seq(), 3u);
  EXPECT_TRUE(rec.take().empty());
}

TEST_F(SessionTest, Spec_2o_SendingTimeOutOfRangeIsRejectedThenLoggedOut) {
  log_on();
  const std::int64_t t = now;
  now += 3 * 60 * kSecond;
  peer("D", {{49, "VENUE"}, {56, "HFT"}, {34, "2"}, {52, utc(t)}, {11, "X"}});
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "10");
  EXPECT_EQ(out[0].at(371), "52");
  EXPECT_EQ(out[1].type, "5");
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(SessionTest, Spec_2q_UndefinedMsgTypeIsRejected) {
  log_on();
  peer("ZZ", header(2));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "11");
  EXPECT_EQ(out[0].at(372), "ZZ");
  EXPECT_EQ(session->next_target_seq(), 3u);
}

TEST_F(SessionTest, Spec_2r_DefinedButUnsupportedMsgTypeGetsBusinessMessageReject) {
  log_on();
  rec.handler = [](const MessageView&, MsgType, const Header&, std::int64_t) {
    return AppResult::business_reject(BusinessRejectReason::UnsupportedMessageType, "not here");
  };
  peer("V", with(header(2), {{262, "MD1"}}));  // MarketDataRequest
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "j");
  EXPECT_EQ(out[0].at(380), "3");
  EXPECT_EQ(out[0].at(372), "V");
  EXPECT_EQ(out[0].at(45), "2");
  EXPECT_EQ(session->next_target_seq(), 3u);
}

TEST_F(SessionTest, Spec_2t_FirstThreeFieldsOutOfOrderIsGarbled) {
  log_on();
  // 49 where 35 must be: framed correctly, but not a FIX message.
  std::string body =
      "49=VENUE\x01"
      "35=D\x01"
      "56=HFT\x01"
      "34=2\x01"
      "52=" +
      utc(now) + "\x01";
  feed(
      with_checksum("8=FIX.4.4\x01"
                    "9=" +
                    std::to_string(body.size()) + "\x01" + body));
  EXPECT_EQ(session->counters().garbled, 1u);
  EXPECT_EQ(session->next_target_seq(), 2u);
  EXPECT_TRUE(rec.take().empty());
}

TEST_F(SessionTest, MissingMsgSeqNumLogsOut) {
  log_on();
  peer("0", {{49, "VENUE"}, {56, "HFT"}, {52, utc(now)}});
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "5");
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(SessionTest, Spec_7_RejectReceivedIsCountedAndSequenced) {
  log_on();
  peer("3", with(header(2), {{45, "1"}, {373, "5"}, {371, "44"}, {58, "bad price"}}));
  EXPECT_EQ(session->counters().rejects_received, 1u);
  EXPECT_TRUE(rec.saw(SessionEventType::RejectReceived));
  EXPECT_EQ(session->next_target_seq(), 3u);
  EXPECT_TRUE(rec.take().empty());
}

TEST_F(SessionTest, Spec_10a_GapFillMovesExpectedForward) {
  log_on();
  feed(order(4, "C4"));  // gap 2..3
  rec.take();
  peer("4", header(2, {{43, "Y"}, {122, utc(now)}, {123, "Y"}, {36, "4"}}));
  EXPECT_EQ(session->next_target_seq(), 4u);
  EXPECT_TRUE(session->awaiting_resend());  // 4 itself has not come back yet
  feed(order(4, "C4", {{43, "Y"}, {122, utc(now)}}));
  EXPECT_FALSE(session->awaiting_resend());
  EXPECT_EQ(session->next_target_seq(), 5u);
}

TEST_F(SessionTest, Spec_10b_GapFillBelowExpectedWithPossDupIsIgnored) {
  log_on();
  feed(order(2, "C2"));
  peer("4", header(2, {{43, "Y"}, {122, utc(now)}, {123, "Y"}, {36, "3"}}));
  EXPECT_EQ(session->next_target_seq(), 3u);
  EXPECT_EQ(session->counters().duplicates_ignored, 1u);
  EXPECT_TRUE(rec.take().empty());
}

TEST_F(SessionTest, Spec_10c_GapFillBelowExpectedWithoutPossDupLogsOut) {
  log_on();
  feed(order(2, "C2"));
  peer("4", with(header(2), {{123, "Y"}, {36, "3"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "5");
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(SessionTest, Spec_10d_GapFillWithNewSeqNoNotAboveMsgSeqNumIsRejected) {
  log_on();
  peer("4", with(header(2), {{123, "Y"}, {36, "2"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "5");
  EXPECT_EQ(out[0].at(371), "36");
  EXPECT_EQ(session->next_target_seq(), 3u);
}

TEST_F(SessionTest, Spec_11a_SequenceResetMovesExpectedForwardWhateverItsMsgSeqNum) {
  log_on();
  peer("4", with(header(99), {{36, "20"}}));
  EXPECT_EQ(session->next_target_seq(), 20u);
  EXPECT_TRUE(rec.take().empty());
  feed(order(20, "C20"));
  EXPECT_EQ(rec.app.size(), 1u);
}

TEST_F(SessionTest, Spec_11b_SequenceResetToExpectedChangesNothing) {
  log_on();
  peer("4", with(header(2), {{36, "2"}}));
  EXPECT_EQ(session->next_target_seq(), 2u);
  EXPECT_TRUE(rec.take().empty());
}

TEST_F(SessionTest, Spec_11c_SequenceResetBelowExpectedIsRejected) {
  log_on();
  feed(order(2, "C2"));
  feed(order(3, "C3"));
  peer("4", with(header(4), {{36, "2"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "5");
  EXPECT_EQ(session->next_target_seq(), 4u);
}

TEST_F(SessionTest, Spec_14b_RequiredTagMissingReportedByTheApplicationIsRejected) {
  log_on();
  rec.handler = [](const MessageView& m, MsgType, const Header&, std::int64_t) {
    NewOrderSingle nos;
    const ParseError e = nos.parse(m);
    return e.ok() ? AppResult::accepted() : AppResult::reject(e);
  };
  peer("D", with(header(2), {{11, "C2"}, {54, "1"}, {60, utc(now)}, {38, "100"}, {40, "1"}}));  // no Symbol
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "1");
  EXPECT_EQ(out[0].at(371), "55");
  EXPECT_EQ(out[0].at(372), "D");
  EXPECT_EQ(session->next_target_seq(), 3u);
}

TEST_F(SessionTest, Spec_14d_TagWithoutValueIsRejectedInSequence) {
  log_on();
  peer("D", with(header(2), {{11, ""}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "4");
  EXPECT_EQ(out[0].at(45), "2");
  EXPECT_EQ(session->next_target_seq(), 3u);
  EXPECT_TRUE(rec.app.empty());
}

TEST_F(SessionTest, Spec_14g_HeaderTagAfterBodyIsRejected) {
  log_on();
  peer("D", {{49, "VENUE"}, {56, "HFT"}, {34, "2"}, {52, utc(now)}, {11, "C2"}, {115, "BROKER"}});
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "14");
  EXPECT_EQ(out[0].at(371), "115");
  EXPECT_EQ(session->next_target_seq(), 3u);
}

TEST_F(SessionTest, Spec_14h_RepeatedHeaderTagIsRejected) {
  log_on();
  peer("D", {{49, "VENUE"}, {56, "HFT"}, {34, "2"}, {52, utc(now)}, {52, utc(now)}, {11, "C2"}});
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "3");
  EXPECT_EQ(out[0].at(373), "13");
  EXPECT_EQ(out[0].at(371), "52");
}

TEST_F(SessionTest, Spec_20_SimultaneousResendRequestIsAnsweredWhileOwnGapIsOpen) {
  log_on();
  ASSERT_EQ(send_order("O2"), SendStatus::Sent);  // our seq 2
  rec.take();
  // The peer is ahead (its 2..4 lost) and asks us for everything from 1.
  peer("2", with(header(5), {{7, "1"}, {16, "0"}}));
  const auto out = rec.take();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].type, "4");  // our Logon, gap-filled
  EXPECT_EQ(out[0].seq(), 1u);
  EXPECT_EQ(out[0].at(36), "2");
  EXPECT_EQ(out[1].type, "D");  // our order, again
  EXPECT_EQ(out[1].at(43), "Y");
  EXPECT_EQ(out[2].type, "2");  // and our own request for its gap
  EXPECT_EQ(out[2].at(7), "2");
  EXPECT_TRUE(session->awaiting_resend());
}

TEST_F(SessionTest, LogoutDuringResendWaitsForTheGapToClose) {
  log_on();
  peer("5", header(4));  // 2..3 missing
  auto out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "2");
  EXPECT_EQ(rec.closes, 0);
  // The resend: 2..3 were admin, 4 (the Logout) is gap-filled as admin too.
  peer("4", header(2, {{43, "Y"}, {122, utc(now)}, {123, "Y"}, {36, "5"}}));
  out = rec.take();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, "5");
  EXPECT_EQ(rec.closes, 1);
}

TEST_F(SessionTest, MessagesSplitAcrossReadsAndBatchedInOneReadAreAllProcessed) {
  log_on();
  const std::string two = order(2, "C2") + order(3, "C3");
  for (char c : two) feed(std::string(1, c));  // one byte per read
  feed(order(4, "C4") + order(5, "C5") + order(6, "C6"));
  ASSERT_EQ(rec.app.size(), 5u);
  EXPECT_EQ(session->next_target_seq(), 7u);
}

}  // namespace
}  // namespace hft::protocol::fix::testing
