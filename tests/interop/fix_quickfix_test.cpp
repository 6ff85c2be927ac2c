// Our FIX 4.4 codec against QuickFIX, the reference engine: every message
// type our Encoder writes passes QuickFIX's dictionary validation, every
// message type QuickFIX writes is read back by find_message + MessageView +
// the typed views with the right values, and messages broken on purpose are
// rejected by QuickFIX for the reason FIX names (so the validation is on).
#include "hft/protocol/fix.h"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "quickfix_shim.h"

namespace hft::protocol::fix {
namespace {

namespace qf = hft::interop;

const std::string kDictionary = HFT_FIX44_DICTIONARY;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string text(ByteView v) { return {reinterpret_cast<const char*>(v.data), v.size}; }

core::Price px(std::int64_t raw) { return core::Price::from_raw(raw); }

::testing::AssertionResult quickfix_accepts(const std::string& raw) {
  if (raw.empty()) return ::testing::AssertionFailure() << "the encoder produced nothing";
  const qf::QfVerdict v = qf::qf_check(raw, kDictionary);
  if (v.valid) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "QuickFIX rejects it: " << v.error << "\n  " << qf::qf_printable(raw);
}

// Frames and indexes one whole message as the session layer would.
struct Parsed {
  FrameResult frame;
  MessageView view;
  ParseError error;
};

::testing::AssertionResult we_read(const std::string& raw, Parsed& p) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(raw.data());
  p.frame = find_message(data, raw.size());
  if (p.frame.status != FrameStatus::Complete || p.frame.length != raw.size()) {
    return ::testing::AssertionFailure() << "find_message: status " << static_cast<int>(p.frame.status) << ", length "
                                         << p.frame.length << " of " << raw.size() << "\n  " << qf::qf_printable(raw);
  }
  p.error = p.view.parse(data, p.frame.length);
  if (!p.error.ok()) {
    return ::testing::AssertionFailure() << "MessageView: reason " << static_cast<int>(p.error.reason) << " tag "
                                         << p.error.tag << "\n  " << qf::qf_printable(raw);
  }
  return ::testing::AssertionSuccess();
}

template <typename View>
::testing::AssertionResult view_reads(const Parsed& p, View& v, const std::string& raw) {
  const ParseError e = v.parse(p.view);
  if (e.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "typed view: reason " << static_cast<int>(e.reason) << " tag " << e.tag
                                       << "\n  " << qf::qf_printable(raw);
}

// ============================================================ our encoder -> QuickFIX

TEST(Fix44Dictionary, QuickfixLoadsIt) { EXPECT_EQ(qf::qf_load_error(kDictionary), ""); }

/// One message type written with our Encoder, realistic fields.
struct EncodedCase {
  const char* name;
  std::function<ByteView(Encoder&, std::int64_t)> build;
};

NewOrderSingle order_fields() {
  NewOrderSingle o;
  o.cl_ord_id = "HFT-20240102-000017";
  o.account = "ACC-7";
  o.symbol = "AAPL";
  o.side = '1';
  o.transact_time = "20240102-14:30:00.125";
  o.order_qty = 300;
  o.ord_type = '2';
  o.price = px(1872500);  // 187.25
  o.has_price = true;
  o.time_in_force = '0';
  return o;
}

ExecutionReport fill_fields() {
  ExecutionReport r;
  r.order_id = "VENUE-88231";
  r.exec_id = "EX-553901";
  r.exec_type = 'F';
  r.ord_status = '2';
  r.symbol = "AAPL";
  r.side = '1';
  r.leaves_qty = 0;
  r.cum_qty = 300;
  r.avg_px = px(1872500);
  r.cl_ord_id = "HFT-20240102-000017";
  r.account = "ACC-7";
  r.order_qty = 300;
  r.price = px(1872500);
  r.has_price = true;
  r.last_qty = 300;
  r.last_px = px(1872500);
  r.transact_time = "20240102-14:30:00.131";
  return r;
}

const EncodedCase kEncoded[] = {
    {"Logon",
     [](Encoder& e, std::int64_t t) {
       e.begin("A", 1, t);
       e.add_int(98, 0);
       e.add_int(108, 30);
       e.add_bool(141, true);
       e.add_int(384, 2);  // MsgTypes: what this side sends
       e.add_str(372, "D");
       e.add_char(385, 'S');
       e.add_str(372, "F");
       e.add_char(385, 'S');
       return e.finish();
     }},
    {"Heartbeat",
     [](Encoder& e, std::int64_t t) {
       e.begin("0", 7, t);
       e.add_str(112, "TEST-1704205800");
       return e.finish();
     }},
    {"TestRequest",
     [](Encoder& e, std::int64_t t) {
       e.begin("1", 8, t);
       e.add_str(112, "TEST-1704205800");
       return e.finish();
     }},
    {"ResendRequest",
     [](Encoder& e, std::int64_t t) {
       e.begin("2", 9, t);
       e.add_int(7, 3);
       e.add_int(16, 0);  // to infinity
       return e.finish();
     }},
    {"Reject",
     [](Encoder& e, std::int64_t t) {
       e.begin("3", 10, t);
       e.add_int(45, 5);
       e.add_int(371, 54);
       e.add_str(372, "D");
       e.add_int(373, 5);
       e.add_str(58, "Value is incorrect (out of range) for this tag");
       return e.finish();
     }},
    {"SequenceResetGapFill",
     [](Encoder& e, std::int64_t t) {
       e.begin("4", 3, t);
       e.add_bool(43, true);  // a gap fill is sent as a resend
       e.add_utc_timestamp(122, t - 2'000'000'000);
       e.add_bool(123, true);
       e.add_int(36, 6);
       return e.finish();
     }},
    {"Logout",
     [](Encoder& e, std::int64_t t) {
       e.begin("5", 12, t);
       e.add_str(58, "end of day");
       return e.finish();
     }},
    {"NewOrderSingle", [](Encoder& e, std::int64_t t) { return e.encode_new_order_single(4, t, order_fields()); }},
    {"NewOrderSingleStopLimitWithParties",
     [](Encoder& e, std::int64_t t) {
       e.begin("D", 5, t);
       e.add_str(11, "HFT-20240102-000018");
       e.add_int(453, 2);
       e.add_str(448, "DESK-EQ1");
       e.add_char(447, 'D');
       e.add_int(452, 11);  // order origination trader
       e.add_str(448, "HFTCLEAR");
       e.add_char(447, 'D');
       e.add_int(452, 4);  // clearing firm
       e.add_str(1, "ACC-7");
       e.add_char(21, '1');
       e.add_str(55, "MSFT");
       e.add_char(54, '2');
       e.add_utc_timestamp(60, t);
       e.add_int(38, 50);
       e.add_char(40, '4');
       e.add_price(44, px(4012500));
       e.add_price(99, px(4015000));
       e.add_char(59, '3');
       return e.finish();
     }},
    {"OrderCancelRequest",
     [](Encoder& e, std::int64_t t) {
       e.begin("F", 6, t);
       e.add_str(41, "HFT-20240102-000017");
       e.add_str(37, "VENUE-88231");
       e.add_str(11, "HFT-20240102-000019");
       e.add_str(55, "AAPL");
       e.add_char(54, '1');
       e.add_utc_timestamp(60, t);
       e.add_int(38, 300);
       return e.finish();
     }},
    {"OrderCancelReplaceRequest",
     [](Encoder& e, std::int64_t t) {
       e.begin("G", 7, t);
       e.add_str(37, "VENUE-88231");
       e.add_str(41, "HFT-20240102-000017");
       e.add_str(11, "HFT-20240102-000020");
       e.add_str(1, "ACC-7");
       e.add_str(55, "AAPL");
       e.add_char(54, '1');
       e.add_utc_timestamp(60, t);
       e.add_int(38, 400);
       e.add_char(40, '2');
       e.add_price(44, px(1871000));
       e.add_char(59, '0');
       return e.finish();
     }},
    {"ExecutionReportNew",
     [](Encoder& e, std::int64_t t) {
       ExecutionReport r = fill_fields();
       r.exec_id = "EX-553900";
       r.exec_type = '0';
       r.ord_status = '0';
       r.leaves_qty = 300;
       r.cum_qty = 0;
       r.avg_px = px(0);
       r.last_qty = 0;
       r.last_px = px(0);
       return e.encode_execution_report(8, t, r);
     }},
    {"ExecutionReportFill", [](Encoder& e, std::int64_t t) { return e.encode_execution_report(9, t, fill_fields()); }},
    {"ExecutionReportRejectWithParties",
     [](Encoder& e, std::int64_t t) {
       e.begin("8", 10, t);
       e.add_str(37, "NONE");
       e.add_str(11, "HFT-20240102-000021");
       e.add_int(453, 1);
       e.add_str(448, "XNAS");
       e.add_char(447, 'G');
       e.add_int(452, 22);  // exchange
       e.add_str(17, "EX-553902");
       e.add_char(150, '8');
       e.add_char(39, '8');
       e.add_int(103, 3);  // order exceeds limit
       e.add_str(55, "AAPL");
       e.add_char(54, '2');
       e.add_int(38, 1000000);
       e.add_int(151, 0);
       e.add_int(14, 0);
       e.add_price(6, px(0));
       e.add_utc_timestamp(60, t);
       e.add_str(58, "risk limit");
       return e.finish();
     }},
    {"OrderCancelReject",
     [](Encoder& e, std::int64_t t) {
       e.begin("9", 11, t);
       e.add_str(37, "VENUE-88231");
       e.add_str(11, "HFT-20240102-000019");
       e.add_str(41, "HFT-20240102-000017");
       e.add_char(39, '2');
       e.add_char(434, '1');
       e.add_int(102, 0);  // too late to cancel
       e.add_str(58, "order is filled");
       return e.finish();
     }},
    {"BusinessMessageReject",
     [](Encoder& e, std::int64_t t) {
       e.begin("j", 12, t);
       e.add_int(45, 7);
       e.add_str(372, "AE");
       e.add_int(380, 3);
       e.add_str(58, "TradeCaptureReport is not supported");
       return e.finish();
     }},
};

class OurEncoderAgainstQuickfix : public ::testing::TestWithParam<EncodedCase> {};

TEST_P(OurEncoderAgainstQuickfix, QuickfixValidatesItAndWeReadItBack) {
  Encoder enc("FIX.4.4", "HFT", "VENUE");
  const std::string raw = text(GetParam().build(enc, now_ns()));
  EXPECT_TRUE(quickfix_accepts(raw));
  Parsed p;
  EXPECT_TRUE(we_read(raw, p));
}

INSTANTIATE_TEST_SUITE_P(Fix44, OurEncoderAgainstQuickfix, ::testing::ValuesIn(kEncoded),
                         [](const ::testing::TestParamInfo<EncodedCase>& i) { return std::string(i.param.name); });

TEST(OurEncoderAgainstQuickfix, APossDupResendKeepsItsHeaderFieldsInTheHeader) {
  // A resend: PossDup and OrigSendingTime must come right after begin()'s
  // header fields. QuickFIX rejects a header field that follows a body field.
  Encoder enc("FIX.4.4", "HFT", "VENUE");
  const std::int64_t t = now_ns();
  const NewOrderSingle o = order_fields();
  enc.begin("D", 4, t);
  enc.add_bool(43, true);
  enc.add_utc_timestamp(122, t - 5'000'000'000);
  enc.add_str(11, o.cl_ord_id);
  enc.add_str(55, o.symbol);
  enc.add_char(54, o.side);
  enc.add_str(60, o.transact_time);
  enc.add_int(38, o.order_qty);
  enc.add_char(40, o.ord_type);
  enc.add_price(44, o.price);
  const std::string raw = text(enc.finish());
  EXPECT_TRUE(quickfix_accepts(raw));
  Parsed p;
  ASSERT_TRUE(we_read(raw, p));
  NewOrderSingle back;
  ASSERT_TRUE(view_reads(p, back, raw));
  EXPECT_TRUE(back.header.poss_dup);
  EXPECT_FALSE(back.header.orig_sending_time.empty());
}

// ============================================================ QuickFIX -> our parser

qf::QfHeader qf_header(int seq) {
  qf::QfHeader h;
  h.sender_comp_id = "VENUE";
  h.target_comp_id = "HFT";
  h.msg_seq_num = seq;
  return h;
}

void expect_header(const Header& h, int seq) {
  EXPECT_EQ(h.sender_comp_id, "VENUE");
  EXPECT_EQ(h.target_comp_id, "HFT");
  EXPECT_EQ(h.msg_seq_num, seq);
  EXPECT_EQ(h.sending_time.size(), 21u) << "QuickFIX was asked for milliseconds: " << h.sending_time;
}

TEST(QuickfixMessagesWeRead, Logon) {
  const std::string raw = qf::qf_logon(qf_header(1), 30, true, {"8", "9"});
  ASSERT_TRUE(quickfix_accepts(raw));
  Parsed p;
  ASSERT_TRUE(we_read(raw, p));
  Logon m;
  ASSERT_TRUE(view_reads(p, m, raw));
  expect_header(m.header, 1);
  EXPECT_EQ(m.encrypt_method, 0);
  EXPECT_EQ(m.heart_bt_int, 30);
  EXPECT_TRUE(m.reset_seq_num);
  const GroupSpec* spec = find_group_spec(384);
  ASSERT_NE(spec, nullptr);
  std::size_t starts[4] = {};
  const GroupWalk w = p.view.walk_group(p.view.find(384), *spec, starts, 4);
  EXPECT_TRUE(w.error.ok());
  ASSERT_EQ(w.instances, 2u);
  EXPECT_EQ(p.view.value(starts[0]), "8");
  EXPECT_EQ(p.view.value(starts[1]), "9");
  EXPECT_EQ(p.view.value(starts[1] + 1), "S");
}

TEST(QuickfixMessagesWeRead, HeartbeatAndTestRequest) {
  const std::string hb = qf::qf_heartbeat(qf_header(2), "TEST-42");
  const std::string tr = qf::qf_test_request(qf_header(3), "TEST-43");
  ASSERT_TRUE(quickfix_accepts(hb));
  ASSERT_TRUE(quickfix_accepts(tr));
  Parsed p;
  ASSERT_TRUE(we_read(hb, p));
  Heartbeat h;
  ASSERT_TRUE(view_reads(p, h, hb));
  expect_header(h.header, 2);
  EXPECT_EQ(h.test_req_id, "TEST-42");
  Parsed q;
  ASSERT_TRUE(we_read(tr, q));
  TestRequest t;
  ASSERT_TRUE(view_reads(q, t, tr));
  EXPECT_EQ(t.test_req_id, "TEST-43");
}

TEST(QuickfixMessagesWeRead, ResendRequestAndReject) {
  const std::string rr = qf::qf_resend_request(qf_header(4), 2, 0);
  const std::string rj = qf::qf_reject(qf_header(5), 17, 44, "D", 6, "Incorrect data format for value");
  ASSERT_TRUE(quickfix_accepts(rr));
  ASSERT_TRUE(quickfix_accepts(rj));
  Parsed p;
  ASSERT_TRUE(we_read(rr, p));
  ResendRequest r;
  ASSERT_TRUE(view_reads(p, r, rr));
  EXPECT_EQ(r.begin_seq_no, 2);
  EXPECT_EQ(r.end_seq_no, 0);
  Parsed q;
  ASSERT_TRUE(we_read(rj, q));
  Reject j;
  ASSERT_TRUE(view_reads(q, j, rj));
  expect_header(j.header, 5);
  EXPECT_EQ(j.ref_seq_num, 17);
  EXPECT_EQ(j.ref_tag_id, 44);
  EXPECT_EQ(j.ref_msg_type, "D");
  EXPECT_EQ(j.session_reject_reason, 6);
  EXPECT_EQ(j.text, "Incorrect data format for value");
}

TEST(QuickfixMessagesWeRead, SequenceResetGapFillWithItsResendHeader) {
  qf::QfHeader h = qf_header(3);
  h.poss_dup = true;
  h.orig_sending_time = "20240102-14:29:58.001";
  const std::string raw = qf::qf_sequence_reset(h, 9, true);
  ASSERT_TRUE(quickfix_accepts(raw));
  Parsed p;
  ASSERT_TRUE(we_read(raw, p));
  SequenceReset s;
  ASSERT_TRUE(view_reads(p, s, raw));
  expect_header(s.header, 3);
  EXPECT_TRUE(s.header.poss_dup);
  EXPECT_EQ(s.header.orig_sending_time, "20240102-14:29:58.001");
  EXPECT_TRUE(s.gap_fill);
  EXPECT_EQ(s.new_seq_no, 9);
}

TEST(QuickfixMessagesWeRead, Logout) {
  const std::string raw = qf::qf_logout(qf_header(6), "session closed");
  ASSERT_TRUE(quickfix_accepts(raw));
  Parsed p;
  ASSERT_TRUE(we_read(raw, p));
  Logout m;
  ASSERT_TRUE(view_reads(p, m, raw));
  EXPECT_EQ(m.text, "session closed");
}

TEST(QuickfixMessagesWeRead, NewOrderSingleWithParties) {
  qf::QfNewOrder o;
  o.cl_ord_id = "CL-77";
  o.symbol = "MSFT";
  o.side = '2';
  o.order_qty = 250;
  o.price = 401.25;
  o.time_in_force = '3';
  o.parties = {{"DESK-EQ1", 'D', 11}, {"HFTCLEAR", 'D', 4}};
  const std::string raw = qf::qf_new_order_single(qf_header(7), o);
  ASSERT_TRUE(quickfix_accepts(raw));
  Parsed p;
  ASSERT_TRUE(we_read(raw, p));
  NewOrderSingle m;
  ASSERT_TRUE(view_reads(p, m, raw));
  expect_header(m.header, 7);
  EXPECT_FALSE(m.header.poss_dup);
  EXPECT_EQ(m.cl_ord_id, "CL-77");
  EXPECT_EQ(m.account, "ACC-7");
  EXPECT_EQ(m.symbol, "MSFT");
  EXPECT_EQ(m.side, '2');
  EXPECT_EQ(m.order_qty, 250);
  EXPECT_EQ(m.ord_type, '2');
  EXPECT_TRUE(m.has_price);
  EXPECT_EQ(m.price.raw, 4012500);
  EXPECT_FALSE(m.has_stop_px);
  EXPECT_EQ(m.time_in_force, '3');
  EXPECT_EQ(m.transact_time.size(), 21u);
  const GroupSpec* spec = find_group_spec(453);
  ASSERT_NE(spec, nullptr);
  std::size_t starts[4] = {};
  const GroupWalk w = p.view.walk_group(p.view.find(453), *spec, starts, 4);
  EXPECT_TRUE(w.error.ok());
  ASSERT_EQ(w.instances, 2u);
  EXPECT_EQ(p.view.value(starts[0]), "DESK-EQ1");
  EXPECT_EQ(p.view.field(starts[0] + 2).tag, 452u);
  EXPECT_EQ(p.view.value(starts[0] + 2), "11");
  EXPECT_EQ(p.view.value(starts[1]), "HFTCLEAR");
}

TEST(QuickfixMessagesWeRead, AResentNewOrderSingleCarriesPossDupAndOrigSendingTime) {
  // QuickFIX writes header fields in tag order after 35: 34, 43, 49, 52,
  // 56, 122. The resend marks sit between the comp IDs and after them.
  qf::QfHeader h = qf_header(8);
  h.poss_dup = true;
  h.orig_sending_time = "20240102-14:30:00.125";
  const std::string raw = qf::qf_new_order_single(h, qf::QfNewOrder{});
  ASSERT_TRUE(quickfix_accepts(raw));
  EXPECT_NE(raw.find("\x01"
                     "34=8\x01"
                     "43=Y\x01"
                     "49=VENUE\x01"),
            std::string::npos)
      << qf::qf_printable(raw);
  Parsed p;
  ASSERT_TRUE(we_read(raw, p));
  NewOrderSingle m;
  ASSERT_TRUE(view_reads(p, m, raw));
  expect_header(m.header, 8);
  EXPECT_TRUE(m.header.poss_dup);
  EXPECT_EQ(m.header.orig_sending_time, "20240102-14:30:00.125");
  EXPECT_EQ(m.cl_ord_id, "ORD-1");
}

TEST(QuickfixMessagesWeRead, OrderCancelAndReplaceRequests) {
  const std::string f = qf::qf_order_cancel_request(qf_header(9), qf::QfCancel{});
  const std::string g = qf::qf_order_cancel_replace_request(qf_header(10), qf::QfReplace{});
  ASSERT_TRUE(quickfix_accepts(f));
  ASSERT_TRUE(quickfix_accepts(g));
  Parsed p;
  ASSERT_TRUE(we_read(f, p));
  OrderCancelRequest c;
  ASSERT_TRUE(view_reads(p, c, f));
  EXPECT_EQ(c.orig_cl_ord_id, "ORD-1");
  EXPECT_EQ(c.cl_ord_id, "CXL-1");
  EXPECT_EQ(c.order_id, "VENUE-1");
  EXPECT_EQ(c.symbol, "AAPL");
  EXPECT_EQ(c.side, '1');
  EXPECT_EQ(c.order_qty, 100);
  Parsed q;
  ASSERT_TRUE(we_read(g, q));
  OrderCancelReplaceRequest r;
  ASSERT_TRUE(view_reads(q, r, g));
  expect_header(r.header, 10);
  EXPECT_EQ(r.orig_cl_ord_id, "ORD-1");
  EXPECT_EQ(r.cl_ord_id, "RPL-1");
  EXPECT_EQ(r.order_qty, 150);
  EXPECT_EQ(r.ord_type, '2');
  EXPECT_EQ(r.price.raw, 1875000);
  EXPECT_EQ(r.time_in_force, '0');
}

TEST(QuickfixMessagesWeRead, ExecutionReportFillWithParties) {
  qf::QfExecution e;
  e.parties = {{"VENUE", 'D', 1}, {"XNAS", 'G', 22}, {"CONTRA-9", 'D', 17}};
  e.order_qty = 100;
  e.last_qty = 40;
  e.last_px = 187.26;
  e.cum_qty = 100;
  e.avg_px = 187.2536;
  e.exec_type = 'F';
  e.ord_status = '2';
  const std::string raw = qf::qf_execution_report(qf_header(11), e);
  ASSERT_TRUE(quickfix_accepts(raw));
  Parsed p;
  ASSERT_TRUE(we_read(raw, p));
  ExecutionReport m;
  ASSERT_TRUE(view_reads(p, m, raw));
  expect_header(m.header, 11);
  EXPECT_EQ(m.order_id, "VENUE-1");
  EXPECT_EQ(m.exec_id, "EXEC-1");
  EXPECT_EQ(m.exec_type, 'F');
  EXPECT_EQ(m.ord_status, '2');
  EXPECT_EQ(m.symbol, "AAPL");
  EXPECT_EQ(m.side, '1');
  EXPECT_EQ(m.leaves_qty, 0);
  EXPECT_EQ(m.cum_qty, 100);
  EXPECT_EQ(m.avg_px.raw, 1872536);
  EXPECT_EQ(m.cl_ord_id, "ORD-1");
  EXPECT_EQ(m.order_qty, 100);
  EXPECT_EQ(m.price.raw, 1872500);
  EXPECT_EQ(m.last_qty, 40);
  EXPECT_EQ(m.last_px.raw, 1872600);
  EXPECT_EQ(m.ord_rej_reason, -1);
  const GroupSpec* spec = find_group_spec(453);
  ASSERT_NE(spec, nullptr);
  std::size_t starts[4] = {};
  const GroupWalk w = p.view.walk_group(p.view.find(453), *spec, starts, 4);
  EXPECT_TRUE(w.error.ok());
  ASSERT_EQ(w.instances, 3u);
  EXPECT_EQ(p.view.value(starts[1]), "XNAS");
  EXPECT_EQ(p.view.value(starts[1] + 1), "G");
  EXPECT_EQ(p.view.value(starts[2] + 2), "17");
}

TEST(QuickfixMessagesWeRead, ExecutionReportRejectAndReplace) {
  qf::QfExecution rej;
  rej.exec_type = '8';
  rej.ord_status = '8';
  rej.cum_qty = 0;
  rej.avg_px = 0;
  rej.leaves_qty = 0;
  rej.ord_rej_reason = 1;
  rej.text = "unknown symbol";
  const std::string raw = qf::qf_execution_report(qf_header(12), rej);
  ASSERT_TRUE(quickfix_accepts(raw));
  Parsed p;
  ASSERT_TRUE(we_read(raw, p));
  ExecutionReport m;
  ASSERT_TRUE(view_reads(p, m, raw));
  EXPECT_EQ(m.exec_type, '8');
  EXPECT_EQ(m.ord_rej_reason, 1);
  EXPECT_EQ(m.text, "unknown symbol");
  EXPECT_EQ(m.last_qty, 0) << "no LastQty outside a trade";

  qf::QfExecution rpl;
  rpl.exec_type = '5';
  rpl.ord_status = '0';
  rpl.cl_ord_id = "RPL-1";
  rpl.orig_cl_ord_id = "ORD-1";
  rpl.order_qty = 150;
  rpl.leaves_qty = 150;
  rpl.cum_qty = 0;
  rpl.avg_px = 0;
  const std::string raw2 = qf::qf_execution_report(qf_header(13), rpl);
  ASSERT_TRUE(quickfix_accepts(raw2));
  Parsed q;
  ASSERT_TRUE(we_read(raw2, q));
  ExecutionReport r;
  ASSERT_TRUE(view_reads(q, r, raw2));
  EXPECT_EQ(r.exec_type, '5');
  EXPECT_EQ(r.cl_ord_id, "RPL-1");
  EXPECT_EQ(r.orig_cl_ord_id, "ORD-1");
  EXPECT_EQ(r.leaves_qty, 150);
}

TEST(QuickfixMessagesWeRead, OrderCancelRejectAndBusinessMessageReject) {
  const std::string ocr = qf::qf_order_cancel_reject(qf_header(14), qf::QfCancelReject{});
  const std::string bmr = qf::qf_business_message_reject(qf_header(15), 9, "AE", 3, "unsupported");
  ASSERT_TRUE(quickfix_accepts(ocr));
  ASSERT_TRUE(quickfix_accepts(bmr));
  Parsed p;
  ASSERT_TRUE(we_read(ocr, p));
  OrderCancelReject c;
  ASSERT_TRUE(view_reads(p, c, ocr));
  EXPECT_EQ(c.order_id, "VENUE-1");
  EXPECT_EQ(c.cl_ord_id, "CXL-1");
  EXPECT_EQ(c.orig_cl_ord_id, "ORD-1");
  EXPECT_EQ(c.ord_status, '2');
  EXPECT_EQ(c.cxl_rej_response_to, '1');
  EXPECT_EQ(c.cxl_rej_reason, 0);
  Parsed q;
  ASSERT_TRUE(we_read(bmr, q));
  BusinessMessageReject b;
  ASSERT_TRUE(view_reads(q, b, bmr));
  EXPECT_EQ(b.ref_seq_num, 9);
  EXPECT_EQ(b.ref_msg_type, "AE");
  EXPECT_EQ(b.business_reject_reason, 3);
  EXPECT_EQ(b.text, "unsupported");
}

TEST(QuickfixMessagesWeRead, AllThirteenBackToBackInOneStream) {
  // One receive buffer holding every type: find_message must frame each in
  // turn, whatever QuickFIX's field order.
  std::vector<std::string> msgs = {
      qf::qf_logon(qf_header(1), 30, false),
      qf::qf_heartbeat(qf_header(2)),
      qf::qf_test_request(qf_header(3), "T"),
      qf::qf_resend_request(qf_header(4), 1, 3),
      qf::qf_reject(qf_header(5), 2, 0, "", -1, ""),
      qf::qf_sequence_reset(qf_header(6), 10, false),
      qf::qf_new_order_single(qf_header(10), qf::QfNewOrder{}),
      qf::qf_order_cancel_request(qf_header(11), qf::QfCancel{}),
      qf::qf_order_cancel_replace_request(qf_header(12), qf::QfReplace{}),
      qf::qf_execution_report(qf_header(13), qf::QfExecution{}),
      qf::qf_order_cancel_reject(qf_header(14), qf::QfCancelReject{}),
      qf::qf_business_message_reject(qf_header(15), 0, "AE", 3, ""),
      qf::qf_logout(qf_header(16)),
  };
  const char* types[] = {"A", "0", "1", "2", "3", "4", "D", "F", "G", "8", "9", "j", "5"};
  std::string stream;
  for (const std::string& m : msgs) stream += m;
  const auto* data = reinterpret_cast<const std::uint8_t*>(stream.data());
  std::size_t off = 0;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const FrameResult f = find_message(data + off, stream.size() - off);
    ASSERT_EQ(f.status, FrameStatus::Complete) << "message " << i;
    ASSERT_EQ(f.length, msgs[i].size()) << "message " << i;
    MessageView v;
    ASSERT_TRUE(v.parse(data + off, f.length).ok()) << "message " << i;
    EXPECT_EQ(v.msg_type(), types[i]);
    EXPECT_NE(msg_type_of(v.msg_type()), MsgType::Unknown);
    off += f.length;
  }
  EXPECT_EQ(off, stream.size());
}

// ============================================================ broken on purpose

// The well-formed order every negative case starts from, as text with '|'
// for SOH so a case can edit it; reframed (BodyLength, CheckSum) after.
std::string good_order_body() {
  return "35=D|49=HFT|56=VENUE|34=4|52=20240102-14:30:00.125|11=HFT-1|1=ACC-7|55=AAPL|54=1|"
         "60=20240102-14:30:00.125|38=300|40=2|44=187.25|59=0|";
}

std::string frame(std::string body) {
  for (char& c : body) {
    if (c == '|') c = '\x01';
  }
  std::string m =
      "8=FIX.4.4\x01"
      "9=" +
      std::to_string(body.size()) + "\x01" + body;
  unsigned sum = 0;
  for (const char c : m) sum += static_cast<unsigned char>(c);
  char cs[8];
  std::snprintf(cs, sizeof cs, "%03u", sum % 256);
  return m + "10=" + cs + "\x01";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

qf::QfVerdict check(const std::string& raw) { return qf::qf_check(raw, kDictionary); }

TEST(QuickfixRejectsBrokenMessages, TheUnbrokenStartingPointIsValid) {
  EXPECT_TRUE(quickfix_accepts(frame(good_order_body())));
}

TEST(QuickfixRejectsBrokenMessages, AMissingRequiredTag) {
  const qf::QfVerdict v = check(frame(replace(good_order_body(), "11=HFT-1|", "")));
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.tag, 11);
  EXPECT_EQ(v.reject_reason, 1);  // RequiredTagMissing
  EXPECT_NE(v.error.find("Required tag missing"), std::string::npos) << v.error;
  // Symbol is required through the Instrument component.
  const qf::QfVerdict s = check(frame(replace(good_order_body(), "55=AAPL|", "")));
  EXPECT_EQ(s.tag, 55);
  EXPECT_EQ(s.reject_reason, 1);
  // A header field the dictionary marks required (read as "true" there).
  const qf::QfVerdict h = check(frame(replace(good_order_body(), "49=HFT|", "")));
  EXPECT_EQ(h.tag, 49);
  EXPECT_EQ(h.reject_reason, 1);
}

TEST(QuickfixRejectsBrokenMessages, AValueOutsideTheEnumeration) {
  const qf::QfVerdict side = check(frame(replace(good_order_body(), "54=1|", "54=Z|")));
  EXPECT_EQ(side.tag, 54);
  EXPECT_EQ(side.reject_reason, 5);  // ValueIncorrect
  EXPECT_NE(side.error.find("Value is incorrect"), std::string::npos) << side.error;
  // OrdType 5 (market on close) is "no longer used" in FIX 4.4.
  const qf::QfVerdict ord_type = check(frame(replace(good_order_body(), "40=2|", "40=5|")));
  EXPECT_EQ(ord_type.tag, 40);
  EXPECT_EQ(ord_type.reject_reason, 5);
}

TEST(QuickfixRejectsBrokenMessages, AValueOfTheWrongFormat) {
  const qf::QfVerdict v = check(frame(replace(good_order_body(), "44=187.25|", "44=187,25|")));
  EXPECT_EQ(v.tag, 44);
  EXPECT_EQ(v.reject_reason, 6);  // IncorrectDataFormat
  const qf::QfVerdict t = check(frame(replace(good_order_body(), "60=20240102-14:30:00.125|", "60=2024-01-02|")));
  EXPECT_EQ(t.tag, 60);
  EXPECT_EQ(t.reject_reason, 6);
}

TEST(QuickfixRejectsBrokenMessages, ATagWithoutAValue) {
  const qf::QfVerdict v = check(frame(replace(good_order_body(), "1=ACC-7|", "1=|")));
  EXPECT_EQ(v.tag, 1);
  EXPECT_EQ(v.reject_reason, 4);  // TagSpecifiedWithoutValue
}

TEST(QuickfixRejectsBrokenMessages, TagsTheMessageTypeDoesNotHaveOrNobodyDefines) {
  const qf::QfVerdict wrong_type = check(frame(good_order_body() + "31=187.25|"));  // LastPx in an order
  EXPECT_EQ(wrong_type.tag, 31);
  EXPECT_EQ(wrong_type.reject_reason, 2);  // TagNotDefinedForMsgType
  const qf::QfVerdict user = check(frame(good_order_body() + "5001=x|"));
  EXPECT_EQ(user.reject_reason, 0) << user.error;  // InvalidTagNumber: ValidateUserDefinedFields is on
}

TEST(QuickfixRejectsBrokenMessages, AHeaderFieldAfterTheBody) {
  const qf::QfVerdict v = check(frame(good_order_body() + "43=Y|122=20240102-14:30:00.000|"));
  EXPECT_EQ(v.tag, 43);
  EXPECT_EQ(v.reject_reason, 14);  // TagSpecifiedOutOfRequiredOrder
}

TEST(QuickfixRejectsBrokenMessages, ARepeatedTagAndAWrongGroupCount) {
  const qf::QfVerdict dup = check(frame(replace(good_order_body(), "11=HFT-1|", "11=HFT-1|11=HFT-2|")));
  EXPECT_EQ(dup.tag, 11);
  EXPECT_EQ(dup.reject_reason, 13);  // TagAppearsMoreThanOnce
  const qf::QfVerdict count =
      check(frame(replace(good_order_body(), "59=0|", "59=0|453=2|448=DESK-EQ1|447=D|452=11|")));
  EXPECT_EQ(count.tag, 453);
  EXPECT_EQ(count.reject_reason, 16);  // IncorrectNumInGroupCount
}

TEST(QuickfixRejectsBrokenMessages, AnUndefinedMessageType) {
  const qf::QfVerdict v = check(frame("35=AE|49=HFT|56=VENUE|34=4|52=20240102-14:30:00.125|571=T1|"));
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.reject_reason, 11) << v.error;  // InvalidMsgType: not in this dictionary
}

TEST(QuickfixRejectsBrokenMessages, BadBodyLengthOrCheckSumIsGarbledNotRejected) {
  std::string raw = frame(good_order_body());
  std::string bad_sum = raw;
  bad_sum[bad_sum.size() - 2] = bad_sum[bad_sum.size() - 2] == '0' ? '1' : '0';
  const qf::QfVerdict s = check(bad_sum);
  EXPECT_FALSE(s.valid);
  EXPECT_EQ(s.reject_reason, -1);  // QuickFIX drops it without a Reject
  EXPECT_NE(s.error.find("CheckSum"), std::string::npos) << s.error;
  const std::string bad_len = replace(raw,
                                      "\x01"
                                      "9=",
                                      "\x01"
                                      "9=1");
  const qf::QfVerdict l = check(bad_len);
  EXPECT_FALSE(l.valid);
  EXPECT_NE(l.error.find("BodyLength"), std::string::npos) << l.error;
  // Our framer agrees on both.
  const auto* a = reinterpret_cast<const std::uint8_t*>(bad_sum.data());
  EXPECT_EQ(find_message(a, bad_sum.size()).status, FrameStatus::BadChecksum);
  const auto* b = reinterpret_cast<const std::uint8_t*>(bad_len.data());
  EXPECT_NE(find_message(b, bad_len.size()).status, FrameStatus::Complete);
}

TEST(QuickfixRejectsBrokenMessages, OurTypedViewsAgreeWhereTheyCheckTheSameThing) {
  struct Case {
    std::string raw;
    SessionRejectReason reason;
    std::uint32_t tag;
  };
  const Case cases[] = {
      {frame(replace(good_order_body(), "11=HFT-1|", "")), SessionRejectReason::RequiredTagMissing, 11},
      {frame(replace(good_order_body(), "54=1|", "54=Z|")), SessionRejectReason::ValueIncorrect, 54},
      {frame(replace(good_order_body(), "44=187.25|", "44=187,25|")), SessionRejectReason::IncorrectDataFormat, 44},
      {frame(replace(good_order_body(), "11=HFT-1|", "11=HFT-1|11=HFT-2|")),
       SessionRejectReason::TagAppearsMoreThanOnce, 11},
  };
  for (const Case& c : cases) {
    const qf::QfVerdict v = check(c.raw);
    EXPECT_EQ(v.reject_reason, static_cast<int>(c.reason)) << qf::qf_printable(c.raw);
    EXPECT_EQ(v.tag, static_cast<int>(c.tag));
    Parsed p;
    ASSERT_TRUE(we_read(c.raw, p));
    NewOrderSingle o;
    const ParseError e = o.parse(p.view);
    EXPECT_EQ(e.reason, c.reason) << qf::qf_printable(c.raw);
    EXPECT_EQ(e.tag, c.tag) << qf::qf_printable(c.raw);
  }
}

}  // namespace
}  // namespace hft::protocol::fix
