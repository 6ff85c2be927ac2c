#include "hft/protocol/fix.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/allocation_counter.h"

namespace hft::protocol::fix {
namespace {

// 2024-03-05 12:34:56.789 UTC.
constexpr std::int64_t kTime = 1'709'642'096'789'000'000;

// Builds a message from '|'-delimited body text the way the spec shows them,
// computing BodyLength and CheckSum independently of the code under test.
std::string wire(const std::string& body_pipes, const std::string& begin = "FIX.4.4") {
  std::string body = body_pipes;
  for (char& c : body) {
    if (c == '|') c = '\x01';
  }
  std::string msg = "8=" + begin + "\x01" + "9=" + std::to_string(body.size()) + "\x01" + body;
  unsigned sum = 0;
  for (char c : msg) sum += static_cast<unsigned char>(c);
  sum %= 256;
  char cs[8];
  cs[0] = static_cast<char>('0' + sum / 100);
  cs[1] = static_cast<char>('0' + (sum / 10) % 10);
  cs[2] = static_cast<char>('0' + sum % 10);
  cs[3] = 0;
  return msg + "10=" + cs + "\x01";
}

const std::uint8_t* bytes(const std::string& s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }
std::string str(ByteView v) { return std::string(reinterpret_cast<const char*>(v.data), v.size); }

const std::string kHdr = "49=BANK|56=HFT|34=7|52=20240305-12:34:56.789|";

// Frames and indexes `msg`. The view points into the bytes, so they are kept
// here until the next call (callers pass temporaries).
ParseError parse_into(MessageView& mv, const std::string& msg) {
  static std::string held;
  held = msg;
  const FrameResult f = find_message(bytes(held), held.size());
  EXPECT_EQ(f.status, FrameStatus::Complete);
  EXPECT_EQ(f.length, held.size());
  return mv.parse(bytes(held), held.size());
}

TEST(FixFrame, HandWrittenNewOrderSingle) {
  const std::string m = wire("35=D|" + kHdr +
                             "11=ORD1|453=2|448=TRDR1|447=D|452=11|448=FIRM|447=D|452=1|55=AAPL|54=1|"
                             "60=20240305-12:34:56.789|38=100|40=2|44=187.25|59=0|");
  MessageView mv;
  ASSERT_TRUE(parse_into(mv, m).ok());
  EXPECT_EQ(mv.msg_type(), "D");
  EXPECT_EQ(mv.field(mv.size() - 1).tag, 10u);
  NewOrderSingle nos;
  const ParseError e = nos.parse(mv);
  ASSERT_TRUE(e.ok()) << static_cast<int>(e.reason) << " tag " << e.tag;
  EXPECT_EQ(nos.header.sender_comp_id, "BANK");
  EXPECT_EQ(nos.header.target_comp_id, "HFT");
  EXPECT_EQ(nos.header.msg_seq_num, 7);
  EXPECT_EQ(nos.cl_ord_id, "ORD1");
  EXPECT_EQ(nos.symbol, "AAPL");  // found after the Parties group
  EXPECT_EQ(nos.side, '1');
  EXPECT_EQ(nos.order_qty, 100);
  EXPECT_EQ(nos.ord_type, '2');
  EXPECT_TRUE(nos.has_price);
  EXPECT_EQ(nos.price.raw, 1'872'500);
  // Unknown/group tags stay reachable.
  EXPECT_EQ(mv.get(448), "TRDR1");
  EXPECT_EQ(mv.find(448, mv.find(448) + 1), mv.find(452) + 1);
}

TEST(FixFrame, GroupWalkStartsAndCount) {
  const std::string m = wire(
      "35=D|" + kHdr + "11=X|453=3|448=A|447=D|452=1|448=B|448=C|452=3|55=MSFT|54=2|60=20240305-12:34:56|38=5|40=1|");
  MessageView mv;
  ASSERT_TRUE(parse_into(mv, m).ok());
  const std::size_t at = mv.find(453);
  std::size_t starts[4] = {};
  const GroupWalk w = mv.walk_group(at, *find_group_spec(453), starts, 4);
  ASSERT_TRUE(w.error.ok());
  EXPECT_EQ(w.instances, 3u);
  EXPECT_EQ(mv.value(starts[1]), "B");
  EXPECT_EQ(mv.value(starts[2]), "C");
  EXPECT_EQ(mv.field(w.end).tag, 55u);
  NewOrderSingle nos;
  EXPECT_TRUE(nos.parse(mv).ok());
  EXPECT_EQ(nos.symbol, "MSFT");
}

TEST(FixFrame, GroupCountMismatchRejected) {
  const std::string m = wire("35=D|" + kHdr + "11=X|453=3|448=A|448=B|55=MSFT|54=2|60=20240305-12:34:56|38=5|40=1|");
  MessageView mv;
  ASSERT_TRUE(parse_into(mv, m).ok());
  NewOrderSingle nos;
  const ParseError e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::IncorrectNumInGroupCount);
  EXPECT_EQ(e.tag, 453u);
  const std::string m2 = wire("35=D|" + kHdr + "11=X|453=1|447=D|448=B|55=MSFT|54=2|60=20240305-12:34:56|38=5|40=1|");
  ASSERT_TRUE(parse_into(mv, m2).ok());
  EXPECT_EQ(nos.parse(mv).reason, SessionRejectReason::RepeatingGroupFieldsOutOfOrder);
}

TEST(FixFrame, PartialAndMultipleMessages) {
  const std::string a = wire("35=0|" + kHdr);
  const std::string b = wire("35=1|" + kHdr + "112=PING|");
  const std::string stream = a + b;
  for (std::size_t cut = 0; cut < a.size(); ++cut) {
    const FrameResult f = find_message(bytes(stream), cut);
    EXPECT_EQ(f.status, FrameStatus::NeedMore) << cut;
  }
  FrameResult f = find_message(bytes(stream), stream.size());
  ASSERT_EQ(f.status, FrameStatus::Complete);
  EXPECT_EQ(f.length, a.size());
  f = find_message(bytes(stream) + a.size(), stream.size() - a.size());
  ASSERT_EQ(f.status, FrameStatus::Complete);
  EXPECT_EQ(f.length, b.size());
}

// Drains a stream the way the session reader will: counts messages and
// resynchronisations, never loops without progress.
struct Drain {
  int complete = 0, garbage = 0, bad_begin = 0, bad_len = 0, bad_sum = 0;
  std::size_t left = 0;
  void run(const std::uint8_t* p, std::size_t n) {
    while (n > 0) {
      const FrameResult f = find_message(p, n);
      if (f.status == FrameStatus::NeedMore) break;
      ASSERT_GT(f.length, 0u);
      ASSERT_LE(f.length, n);
      switch (f.status) {
        case FrameStatus::Complete:
          ++complete;
          break;
        case FrameStatus::Garbage:
          ++garbage;
          break;
        case FrameStatus::BadBeginString:
          ++bad_begin;
          break;
        case FrameStatus::BadBodyLength:
          ++bad_len;
          break;
        case FrameStatus::BadChecksum:
          ++bad_sum;
          break;
        case FrameStatus::NeedMore:
          break;
      }
      p += f.length;
      n -= f.length;
    }
    left = n;
  }
};

TEST(FixFrame, GarbageBetweenMessagesResyncs) {
  const std::string a = wire("35=0|" + kHdr);
  const std::string s = "xx junk" + a + "\r\nnoise 8=FI 8" + a + "8=FI";
  Drain d;
  d.run(bytes(s), s.size());
  EXPECT_EQ(d.complete, 2);
  EXPECT_EQ(d.garbage, 2);
  EXPECT_EQ(d.left, 4u);  // the trailing "8=FI" may be the next header
}

TEST(FixFrame, BadChecksum) {
  std::string a = wire("35=0|" + kHdr);
  a[a.size() - 2] = a[a.size() - 2] == '0' ? '1' : '0';
  const std::string s = a + wire("35=0|" + kHdr);
  const FrameResult f = find_message(bytes(s), s.size());
  EXPECT_EQ(f.status, FrameStatus::BadChecksum);
  EXPECT_EQ(f.length, a.size());
  Drain d;
  d.run(bytes(s), s.size());
  EXPECT_EQ(d.bad_sum, 1);
  EXPECT_EQ(d.complete, 1);
}

TEST(FixFrame, WrongBodyLength) {
  const std::string good = wire("35=0|" + kHdr);
  std::string bad = good;
  const std::size_t at = bad.find(
                             "\x01"
                             "9=") +
                         3;
  bad[at + 1] = static_cast<char>(bad[at + 1] == '9' ? '8' : bad[at + 1] + 1);  // body length off by one or more
  const std::string s = bad + good;
  Drain d;
  d.run(bytes(s), s.size());
  EXPECT_EQ(d.bad_len, 1);
  EXPECT_EQ(d.complete, 1);
  const std::string nondigit =
      "8=FIX.4.4\x01"
      "9=1x\x01" +
      good;
  EXPECT_EQ(find_message(bytes(nondigit), nondigit.size()).status, FrameStatus::BadBodyLength);
  const std::string huge = std::string("8=FIX.4.4\x01") + "9=99999\x01" + "35=0";
  EXPECT_EQ(find_message(bytes(huge), huge.size()).status, FrameStatus::BadBodyLength);
}

TEST(FixFrame, BadBeginString) {
  const std::string old = wire("35=0|" + kHdr, "FIX.4.2");
  const std::string s = old + wire("35=0|" + kHdr);
  const FrameResult f = find_message(bytes(s), s.size());
  EXPECT_EQ(f.status, FrameStatus::BadBeginString);
  EXPECT_EQ(f.length, old.size());
  Drain d;
  d.run(bytes(s), s.size());
  EXPECT_EQ(d.bad_begin, 1);
  EXPECT_EQ(d.complete, 1);
}

TEST(FixParse, MissingRequiredTag) {
  MessageView mv;
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=1|60=20240305-12:34:56|38=1|")).ok());
  NewOrderSingle nos;
  ParseError e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::RequiredTagMissing);
  EXPECT_EQ(e.tag, 40u);
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=1|60=20240305-12:34:56|38=1|40=2|")).ok());
  e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::RequiredTagMissing);
  EXPECT_EQ(e.tag, 44u);  // limit order without a price
  ASSERT_TRUE(parse_into(mv, wire("35=0|49=A|56=B|52=T|")).ok());
  Heartbeat hb;
  e = hb.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::RequiredTagMissing);
  EXPECT_EQ(e.tag, 34u);
}

// QuickFIX interop findings: decimals on a quantity are FIX's Qty format
// (whole shares only here), and TransactTime must be a UTCTimestamp.
TEST(FixParse, QuantityWithDecimalsAndTimestampFormat) {
  MessageView mv;
  NewOrderSingle nos;
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=1|60=20240305-12:34:56|38=100.00|40=1|")).ok());
  ASSERT_TRUE(nos.parse(mv).ok());
  EXPECT_EQ(nos.order_qty, 100);
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=1|60=20240305-12:34:56|38=100.5|40=1|")).ok());
  ParseError e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::ValueIncorrect);
  EXPECT_EQ(e.tag, 38u);
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=1|60=2024|38=100|40=1|")).ok());
  e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::IncorrectDataFormat);
  EXPECT_EQ(e.tag, 60u);
}

// Values outside FIX 4.4's enumerations are refused (QuickFIX interop finding).
TEST(FixParse, UndefinedEnumValuesAreRejected) {
  MessageView mv;
  NewOrderSingle nos;
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=1|60=20240305-12:34:56|38=100|40=Z|")).ok());
  ParseError e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::ValueIncorrect);
  EXPECT_EQ(e.tag, 40u);
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=1|60=20240305-12:34:56|38=100|40=1|59=9|")).ok());
  e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::ValueIncorrect);
  EXPECT_EQ(e.tag, 59u);
  ExecutionReport er;
  ASSERT_TRUE(parse_into(mv, wire("35=8|" + kHdr + "37=O|17=E|150=1|39=1|55=X|54=1|151=0|14=100|6=10|")).ok());
  e = er.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::ValueIncorrect);
  EXPECT_EQ(e.tag, 150u) << "ExecType 1 (partial fill) was removed in FIX 4.4";
  ASSERT_TRUE(parse_into(mv, wire("35=8|" + kHdr + "37=O|17=E|150=F|39=Z|55=X|54=1|151=0|14=100|6=10|")).ok());
  e = er.parse(mv);
  EXPECT_EQ(e.tag, 39u);
}

TEST(FixParse, WrongValueType) {
  MessageView mv;
  NewOrderSingle nos;
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=1|60=20240305-12:34:56|38=1O0|40=1|")).ok());
  ParseError e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::IncorrectDataFormat);
  EXPECT_EQ(e.tag, 38u);
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=1|60=20240305-12:34:56|38=10|40=2|44=1.23456|")).ok());
  e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::ValueIncorrect);
  EXPECT_EQ(e.tag, 44u);
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=Z|60=20240305-12:34:56|38=10|40=1|")).ok());
  e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::ValueIncorrect);
  EXPECT_EQ(e.tag, 54u);
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|55=X|54=12|60=20240305-12:34:56|38=10|40=1|")).ok());
  EXPECT_EQ(nos.parse(mv).reason, SessionRejectReason::IncorrectDataFormat);
  ASSERT_TRUE(parse_into(mv, wire("35=D|" + kHdr + "11=A|11=B|55=X|54=1|60=20240305-12:34:56|38=10|40=1|")).ok());
  e = nos.parse(mv);
  EXPECT_EQ(e.reason, SessionRejectReason::TagAppearsMoreThanOnce);
  EXPECT_EQ(e.tag, 11u);
  ASSERT_TRUE(parse_into(mv, wire("35=Z|" + kHdr)).ok());
  EXPECT_EQ(msg_type_of(mv.msg_type()), MsgType::Unknown);
  EXPECT_EQ(nos.parse(mv).reason, SessionRejectReason::InvalidMsgType);
}

TEST(FixParse, StructuralErrors) {
  MessageView mv;
  // Empty value.
  EXPECT_EQ(parse_into(mv, wire("35=0|" + kHdr + "58=|")).reason, SessionRejectReason::TagSpecifiedWithoutValue);
  // Non-numeric tag.
  EXPECT_EQ(parse_into(mv, wire("35=0|" + kHdr + "5x=1|")).reason, SessionRejectReason::InvalidTagNumber);
  // MsgType not third.
  EXPECT_EQ(parse_into(mv, wire(kHdr + "35=0|")).reason, SessionRejectReason::RequiredTagMissing);
  // Too many fields.
  std::string body = "35=0|" + kHdr;
  for (int i = 0; i < 300; ++i) body += "5000=1|";
  EXPECT_EQ(parse_into(mv, wire(body)).reason, SessionRejectReason::Other);
  // A data field holding SOH is read by its length.
  ASSERT_TRUE(parse_into(mv, wire("35=A|" + kHdr + "98=0|108=30|95=3|96=a|b|")).ok());
  EXPECT_EQ(mv.get(96), std::string("a\x01"
                                    "b"));
  Logon lo;
  EXPECT_TRUE(lo.parse(mv).ok());
}

TEST(FixPrice, ParseEdgeCases) {
  core::Price p;
  EXPECT_EQ(parse_price("100", p), ValueStatus::Ok);
  EXPECT_EQ(p.raw, 1'000'000);
  EXPECT_EQ(parse_price("123.4567", p), ValueStatus::Ok);
  EXPECT_EQ(p.raw, 1'234'567);
  EXPECT_EQ(parse_price("0.5", p), ValueStatus::Ok);
  EXPECT_EQ(p.raw, 5'000);
  EXPECT_EQ(parse_price(".25", p), ValueStatus::Ok);
  EXPECT_EQ(p.raw, 2'500);
  EXPECT_EQ(parse_price("7.", p), ValueStatus::Ok);
  EXPECT_EQ(p.raw, 70'000);
  EXPECT_EQ(parse_price("-1.5", p), ValueStatus::Ok);
  EXPECT_EQ(p.raw, -15'000);
  EXPECT_EQ(parse_price("1.23450", p), ValueStatus::Ok);  // zero 5th decimal loses nothing
  EXPECT_EQ(p.raw, 12'345);
  EXPECT_EQ(parse_price("1.23456", p), ValueStatus::OutOfRange);
  EXPECT_EQ(parse_price("922337203685477.5807", p), ValueStatus::Ok);
  EXPECT_EQ(p.raw, INT64_MAX);
  EXPECT_EQ(parse_price("922337203685477.5808", p), ValueStatus::OutOfRange);
  EXPECT_EQ(parse_price("-922337203685477.5808", p), ValueStatus::Ok);
  EXPECT_EQ(p.raw, INT64_MIN);
  EXPECT_EQ(parse_price("99999999999999999999999", p), ValueStatus::OutOfRange);
  EXPECT_EQ(parse_price("1e5", p), ValueStatus::BadFormat);
  EXPECT_EQ(parse_price("-", p), ValueStatus::BadFormat);
  EXPECT_EQ(parse_price(".", p), ValueStatus::BadFormat);
  EXPECT_EQ(parse_price("1.2.3", p), ValueStatus::BadFormat);
  EXPECT_EQ(parse_price("", p), ValueStatus::Missing);
  std::int64_t v = 0;
  EXPECT_EQ(parse_int("-42", v), ValueStatus::Ok);
  EXPECT_EQ(v, -42);
  EXPECT_EQ(parse_int("9223372036854775807", v), ValueStatus::Ok);
  EXPECT_EQ(parse_int("9223372036854775808", v), ValueStatus::OutOfRange);
  EXPECT_EQ(parse_int("-9223372036854775808", v), ValueStatus::Ok);
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_EQ(parse_int("12a", v), ValueStatus::BadFormat);
}

TEST(FixEncoder, PriceFormattingAndTimestamp) {
  Encoder enc("FIX.4.4", "HFT", "BANK");
  enc.begin("0", 1, kTime);
  enc.add_price(44, core::Price::from_raw(1'234'500));
  enc.add_price(99, core::Price::from_raw(1'000'000));
  enc.add_price(31, core::Price::from_raw(-1));
  enc.add_price(6, core::Price::from_raw(0));
  enc.add_price(45, core::Price::min());
  enc.add_int(7, INT64_MIN);
  const std::string s = str(enc.finish());
  EXPECT_NE(s.find("\x01"
                   "44=123.45\x01"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("\x01"
                   "99=100\x01"),
            std::string::npos);
  EXPECT_NE(s.find("\x01"
                   "31=-0.0001\x01"),
            std::string::npos);
  EXPECT_NE(s.find("\x01"
                   "6=0\x01"),
            std::string::npos);
  EXPECT_NE(s.find("\x01"
                   "45=-922337203685477.5808\x01"),
            std::string::npos);
  EXPECT_NE(s.find("\x01"
                   "7=-9223372036854775808\x01"),
            std::string::npos);
  EXPECT_NE(s.find("\x01"
                   "52=20240305-12:34:56.789\x01"),
            std::string::npos);
  EXPECT_EQ(s.rfind("8=FIX.4.4\x01"
                    "9=",
                    0),
            0u);
  // Independent framing check: the spec-style builder gives the same bytes.
  const std::size_t body_at = s.find("35=");
  std::string body = s.substr(body_at, s.size() - 7 - body_at);
  for (char& c : body) {
    if (c == '\x01') c = '|';
  }
  EXPECT_EQ(s, wire(body));
}

TEST(FixEncoder, OverflowReturnsEmpty) {
  Encoder enc("FIX.4.4", "HFT", "BANK");
  enc.begin("0", 1, kTime);
  const std::string big(Encoder::kCapacity, 'x');
  enc.add_str(58, big);
  EXPECT_TRUE(enc.finish().empty());
  enc.begin("0", 2, kTime);
  EXPECT_FALSE(enc.finish().empty());  // begin() clears the overflow
}

// Encodes with `fill`, frames and indexes the result, parses it as T.
template <typename T, typename Fill>
T round_trip(MessageView& mv, MsgType type, Fill fill) {
  static Encoder enc("FIX.4.4", "HFT", "BANK");
  enc.begin(msg_type_str(type), 42, kTime);
  fill(enc);
  const ByteView out = enc.finish();
  EXPECT_FALSE(out.empty());
  const FrameResult f = find_message(out.data, out.size);
  EXPECT_EQ(f.status, FrameStatus::Complete);
  EXPECT_EQ(f.length, out.size);
  EXPECT_TRUE(mv.parse(out.data, out.size).ok());
  T t;
  const ParseError e = t.parse(mv);
  EXPECT_TRUE(e.ok()) << static_cast<int>(e.reason) << " tag " << e.tag;
  EXPECT_EQ(t.header.sender_comp_id, "HFT");
  EXPECT_EQ(t.header.target_comp_id, "BANK");
  EXPECT_EQ(t.header.msg_seq_num, 42);
  EXPECT_EQ(t.header.sending_time, "20240305-12:34:56.789");
  return t;
}

TEST(FixRoundTrip, SessionMessages) {
  MessageView mv;
  const Logon lo = round_trip<Logon>(mv, MsgType::Logon, [](Encoder& e) {
    e.add_int(98, 0);
    e.add_int(108, 30);
    e.add_bool(141, true);
  });
  EXPECT_EQ(lo.heart_bt_int, 30);
  EXPECT_TRUE(lo.reset_seq_num);
  const Heartbeat hb = round_trip<Heartbeat>(mv, MsgType::Heartbeat, [](Encoder& e) { e.add_str(112, "T1"); });
  EXPECT_EQ(hb.test_req_id, "T1");
  const TestRequest tr = round_trip<TestRequest>(mv, MsgType::TestRequest, [](Encoder& e) { e.add_str(112, "T2"); });
  EXPECT_EQ(tr.test_req_id, "T2");
  const ResendRequest rr = round_trip<ResendRequest>(mv, MsgType::ResendRequest, [](Encoder& e) {
    e.add_int(7, 5);
    e.add_int(16, 0);
  });
  EXPECT_EQ(rr.begin_seq_no, 5);
  EXPECT_EQ(rr.end_seq_no, 0);
  const Reject rj = round_trip<Reject>(mv, MsgType::Reject, [](Encoder& e) {
    e.add_int(45, 9);
    e.add_int(371, 44);
    e.add_str(372, "D");
    e.add_int(373, 5);
    e.add_str(58, "bad price");
  });
  EXPECT_EQ(rj.ref_seq_num, 9);
  EXPECT_EQ(rj.ref_tag_id, 44);
  EXPECT_EQ(rj.ref_msg_type, "D");
  EXPECT_EQ(rj.session_reject_reason, 5);
  EXPECT_EQ(rj.text, "bad price");
  const SequenceReset sr = round_trip<SequenceReset>(mv, MsgType::SequenceReset, [](Encoder& e) {
    e.add_bool(123, true);
    e.add_int(36, 100);
  });
  EXPECT_EQ(sr.new_seq_no, 100);
  EXPECT_TRUE(sr.gap_fill);
  const Logout lg = round_trip<Logout>(mv, MsgType::Logout, [](Encoder& e) { e.add_str(58, "bye"); });
  EXPECT_EQ(lg.text, "bye");
}

TEST(FixRoundTrip, ApplicationMessages) {
  MessageView mv;
  const OrderCancelRequest cr = round_trip<OrderCancelRequest>(mv, MsgType::OrderCancelRequest, [](Encoder& e) {
    e.add_str(41, "O1");
    e.add_str(37, "X9");
    e.add_str(11, "O2");
    e.add_str(55, "IBM");
    e.add_char(54, '2');
    e.add_utc_timestamp(60, kTime);
    e.add_int(38, 300);
  });
  EXPECT_EQ(cr.orig_cl_ord_id, "O1");
  EXPECT_EQ(cr.cl_ord_id, "O2");
  EXPECT_EQ(cr.order_id, "X9");
  EXPECT_EQ(cr.side, '2');
  EXPECT_EQ(cr.order_qty, 300);
  const OrderCancelReplaceRequest rp =
      round_trip<OrderCancelReplaceRequest>(mv, MsgType::OrderCancelReplaceRequest, [](Encoder& e) {
        e.add_str(41, "O2");
        e.add_str(11, "O3");
        e.add_str(55, "IBM");
        e.add_char(54, '1');
        e.add_utc_timestamp(60, kTime);
        e.add_int(38, 400);
        e.add_char(40, '4');
        e.add_price(44, core::Price::from_raw(1'500'100));
        e.add_price(99, core::Price::from_raw(1'490'000));
        e.add_char(59, '3');
      });
  EXPECT_EQ(rp.order_qty, 400);
  EXPECT_EQ(rp.price.raw, 1'500'100);
  EXPECT_EQ(rp.stop_px.raw, 1'490'000);
  EXPECT_EQ(rp.time_in_force, '3');
  const OrderCancelReject cj = round_trip<OrderCancelReject>(mv, MsgType::OrderCancelReject, [](Encoder& e) {
    e.add_str(37, "X9");
    e.add_str(11, "O3");
    e.add_str(41, "O2");
    e.add_char(39, '0');
    e.add_char(434, '2');
    e.add_int(102, 1);
    e.add_str(58, "unknown order");
  });
  EXPECT_EQ(cj.cxl_rej_response_to, '2');
  EXPECT_EQ(cj.cxl_rej_reason, 1);
  EXPECT_EQ(cj.ord_status, '0');
  const BusinessMessageReject bj =
      round_trip<BusinessMessageReject>(mv, MsgType::BusinessMessageReject, [](Encoder& e) {
        e.add_int(45, 12);
        e.add_str(372, "AE");
        e.add_int(380, 3);
      });
  EXPECT_EQ(bj.ref_msg_type, "AE");
  EXPECT_EQ(bj.business_reject_reason, 3);
  EXPECT_EQ(bj.ref_seq_num, 12);
}

NewOrderSingle sample_nos() {
  NewOrderSingle n;
  n.cl_ord_id = "C-000123";
  n.symbol = "AAPL";
  n.side = '1';
  n.transact_time = "20240305-12:34:56.789";
  n.order_qty = 250;
  n.ord_type = '2';
  n.price = core::Price::from_raw(1'872'550);
  n.has_price = true;
  n.time_in_force = '3';
  return n;
}

ExecutionReport sample_er() {
  ExecutionReport r;
  r.order_id = "OID77";
  r.exec_id = "E1001";
  r.exec_type = 'F';
  r.ord_status = '1';
  r.symbol = "AAPL";
  r.side = '1';
  r.leaves_qty = 150;
  r.cum_qty = 100;
  r.avg_px = core::Price::from_raw(1'872'500);
  r.cl_ord_id = "C-000123";
  r.order_qty = 250;
  r.price = core::Price::from_raw(1'872'550);
  r.has_price = true;
  r.last_qty = 100;
  r.last_px = core::Price::from_raw(1'872'500);
  r.transact_time = "20240305-12:34:56.790";
  return r;
}

TEST(FixRoundTrip, ConvenienceEncoders) {
  Encoder enc("FIX.4.4", "HFT", "BANK");
  MessageView mv;
  const NewOrderSingle in = sample_nos();
  ByteView out = enc.encode_new_order_single(3, kTime, in);
  ASSERT_EQ(find_message(out.data, out.size).status, FrameStatus::Complete);
  ASSERT_TRUE(mv.parse(out.data, out.size).ok());
  NewOrderSingle n;
  ASSERT_TRUE(n.parse(mv).ok());
  EXPECT_EQ(n.cl_ord_id, in.cl_ord_id);
  EXPECT_EQ(n.symbol, in.symbol);
  EXPECT_EQ(n.side, in.side);
  EXPECT_EQ(n.order_qty, in.order_qty);
  EXPECT_EQ(n.ord_type, in.ord_type);
  EXPECT_EQ(n.price, in.price);
  EXPECT_EQ(n.time_in_force, in.time_in_force);
  EXPECT_EQ(n.header.msg_seq_num, 3);

  const ExecutionReport ein = sample_er();
  out = enc.encode_execution_report(4, kTime, ein);
  ASSERT_EQ(find_message(out.data, out.size).status, FrameStatus::Complete);
  ASSERT_TRUE(mv.parse(out.data, out.size).ok());
  ExecutionReport r;
  ASSERT_TRUE(r.parse(mv).ok());
  EXPECT_EQ(r.order_id, ein.order_id);
  EXPECT_EQ(r.exec_id, ein.exec_id);
  EXPECT_EQ(r.exec_type, 'F');
  EXPECT_EQ(r.ord_status, '1');
  EXPECT_EQ(r.leaves_qty, 150);
  EXPECT_EQ(r.cum_qty, 100);
  EXPECT_EQ(r.avg_px, ein.avg_px);
  EXPECT_EQ(r.last_qty, 100);
  EXPECT_EQ(r.last_px, ein.last_px);
  EXPECT_EQ(r.price, ein.price);
  EXPECT_EQ(r.cl_ord_id, ein.cl_ord_id);
  EXPECT_EQ(r.transact_time, ein.transact_time);
  EXPECT_EQ(r.ord_rej_reason, -1);
}

TEST(FixAlloc, HotPathDoesNotAllocate) {
  ASSERT_TRUE(test::allocation_hooks_installed());
  Encoder enc("FIX.4.4", "HFT", "BANK");
  MessageView mv;
  const NewOrderSingle in = sample_nos();
  const ExecutionReport ein = sample_er();
  test::AllocationCounter counter;
  for (int i = 0; i < 100; ++i) {
    ByteView out = enc.encode_new_order_single(static_cast<std::uint64_t>(i + 1), kTime + i, in);
    FrameResult f = find_message(out.data, out.size);
    NewOrderSingle n;
    if (f.status != FrameStatus::Complete || !mv.parse(out.data, out.size).ok() || !n.parse(mv).ok()) FAIL();
    out = enc.encode_execution_report(static_cast<std::uint64_t>(i + 1), kTime + i, ein);
    f = find_message(out.data, out.size);
    ExecutionReport r;
    if (f.status != FrameStatus::Complete || !mv.parse(out.data, out.size).ok() || !r.parse(mv).ok()) FAIL();
  }
  EXPECT_EQ(counter.allocations(), 0u);
}

TEST(FixFuzz, RandomBytesNeverCrash) {
  std::mt19937_64 rng(12345);
  Encoder enc("FIX.4.4", "HFT", "BANK");
  const ByteView good = enc.encode_execution_report(1, kTime, sample_er());
  const std::vector<std::uint8_t> base(good.data, good.data + good.size);
  std::vector<std::uint8_t> buf;
  auto mv = std::make_unique<MessageView>();
  std::size_t complete = 0;
  for (int iter = 0; iter < 100'000; ++iter) {
    if (iter % 2 == 0) {
      // Pure noise, biased towards FIX-looking bytes.
      buf.resize(rng() % 300);
      const char alphabet[] =
          "8=FIX.4.4\x01"
          "9=0123456789\x01"
          "10=35D";
      for (auto& b : buf) {
        b = (rng() % 4 == 0) ? static_cast<std::uint8_t>(rng())
                             : static_cast<std::uint8_t>(alphabet[rng() % (sizeof alphabet - 1)]);
      }
    } else {
      // A real message with a few bytes flipped or cut.
      buf = base;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < flips; ++k) buf[rng() % buf.size()] = static_cast<std::uint8_t>(rng());
      if (rng() % 4 == 0) buf.resize(rng() % buf.size());
    }
    Drain d;
    d.run(buf.data(), buf.size());
    // Whatever frames as complete must index and parse without crashing.
    std::size_t off = 0;
    while (off < buf.size()) {
      const FrameResult f = find_message(buf.data() + off, buf.size() - off);
      if (f.status == FrameStatus::NeedMore) break;
      if (f.status == FrameStatus::Complete) {
        ++complete;
        if (mv->parse(buf.data() + off, f.length).ok()) {
          ExecutionReport r;
          NewOrderSingle n;
          Logon l;
          (void)r.parse(*mv);
          (void)n.parse(*mv);
          (void)l.parse(*mv);
        }
      }
      off += f.length;
    }
  }
  EXPECT_GT(complete, 0u);  // a flip that writes the same byte back leaves a valid message
}

}  // namespace
}  // namespace hft::protocol::fix
