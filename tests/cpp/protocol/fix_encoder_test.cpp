// The encoder's fast paths against text built here independently: numbers
// of every digit count, values of every length around the 4/8/16/32-byte
// copy sizes, BodyLength of 1 to 4 digits, CheckSum kept while writing,
// SendingTime across seconds and days, the room limit, and the typed
// encoders' round trip.
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "hft/protocol/fix.h"

namespace hft::protocol::fix {
namespace {

constexpr std::int64_t kTime = 1'709'642'096'789'000'000;  // 2024-03-05 12:34:56.789 UTC

std::string str(ByteView v) { return std::string(reinterpret_cast<const char*>(v.data), v.size); }

// "8=FIX.4.4|9=N|" + body + "10=NNN|", computed here; `body` uses '|'.
std::string wire(std::string body) {
  for (char& c : body) {
    if (c == '|') c = '\x01';
  }
  std::string msg = "8=FIX.4.4\x01" + std::string("9=") + std::to_string(body.size()) + "\x01" + body;
  unsigned sum = 0;
  for (const char c : msg) sum += static_cast<unsigned char>(c);
  return msg + "10=" + std::to_string(1000 + sum % 256).substr(1) + "\x01";
}

const std::string kHead = "35=0|49=HFT|56=BANK|34=42|52=20240305-12:34:56.789|";

std::string encoded(Encoder& enc, void (*fill)(Encoder&, std::int64_t), std::int64_t v) {
  enc.begin("0", 42, kTime);
  fill(enc, v);
  return str(enc.finish());
}

// "123.45" from 1e-4 units, the shortest exact decimal, written plainly.
std::string price_text(std::int64_t raw) {
  const bool neg = raw < 0;
  const std::uint64_t mag = neg ? 0 - static_cast<std::uint64_t>(raw) : static_cast<std::uint64_t>(raw);
  std::string s = (neg ? "-" : "") + std::to_string(mag / 10'000);
  std::string frac = std::to_string(10'000 + mag % 10'000).substr(1);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return frac.empty() ? s : s + "." + frac;
}

TEST(FixEncoderFast, IntegersOfEveryLength) {
  Encoder enc("FIX.4.4", "HFT", "BANK");
  std::vector<std::int64_t> values = {0, std::numeric_limits<std::int64_t>::max(),
                                      std::numeric_limits<std::int64_t>::min()};
  for (int k = 0; k < 19; ++k) {
    std::int64_t p = 1;
    for (int j = 0; j < k; ++j) p *= 10;
    for (const std::int64_t v : {p - 1, p, p + 1, 2 * p, 9 * p}) {
      values.push_back(v);
      values.push_back(-v);
    }
  }
  for (const std::int64_t v : values) {
    const std::string got = encoded(
        enc, [](Encoder& e, std::int64_t x) { e.add_int(38, x); }, v);
    EXPECT_EQ(got, wire(kHead + "38=" + std::to_string(v) + "|")) << v;
  }
  // Sequence numbers and tags take the same path.
  for (const std::uint64_t seq : {1ull, 99'999'999ull, 100'000'000ull, 18'446'744'073'709'551'615ull}) {
    enc.begin("0", seq, kTime);
    enc.add_int(123'456'789, 1);
    EXPECT_EQ(str(enc.finish()),
              wire("35=0|49=HFT|56=BANK|34=" + std::to_string(seq) + "|52=20240305-12:34:56.789|123456789=1|"))
        << seq;
  }
}

TEST(FixEncoderFast, PricesAndTheirTrailingZeros) {
  Encoder enc("FIX.4.4", "HFT", "BANK");
  std::mt19937_64 rng(17);
  std::vector<std::int64_t> raws = {0,
                                    1,
                                    10,
                                    100,
                                    1000,
                                    9999,
                                    10'000,
                                    10'001,
                                    12'340,
                                    1'872'500,
                                    -1,
                                    -10'000,
                                    std::numeric_limits<std::int64_t>::max(),
                                    std::numeric_limits<std::int64_t>::min()};
  for (int i = 0; i < 2000; ++i) raws.push_back(static_cast<std::int64_t>(rng() % 2'000'000'000'000) - 1'000'000);
  for (const std::int64_t raw : raws) {
    const std::string got = encoded(
        enc, [](Encoder& e, std::int64_t x) { e.add_price(44, core::Price::from_raw(x)); }, raw);
    EXPECT_EQ(got, wire(kHead + "44=" + price_text(raw) + "|")) << raw;
  }
}

TEST(FixEncoderFast, StringsOfEveryLengthAndBodyLengthDigits) {
  Encoder enc("FIX.4.4", "HFT", "BANK");
  std::mt19937_64 rng(23);
  // Lengths around every copy size, then BodyLength crossing 2, 3 and 4 digits.
  for (std::size_t len = 1; len <= 1100; len = len < 80 ? len + 1 : len + 37) {
    std::string v;
    for (std::size_t i = 0; i < len; ++i) {
      const auto c = static_cast<char>(0x21 + rng() % 94);  // printable, no SOH
      v += c == '|' ? '/' : c;                              // '|' stands for SOH in wire()
    }
    enc.begin("0", 42, kTime);
    enc.add_str(58, v);
    enc.add_char(54, '1');
    ASSERT_EQ(str(enc.finish()), wire(kHead + "58=" + v + "|54=1|")) << len;
  }
  // Bytes with the top bit set count in CheckSum as 128..255.
  enc.begin("0", 42, kTime);
  enc.add_str(58, "\xE9t\xE9 \xFF");
  EXPECT_EQ(str(enc.finish()), wire(kHead + "58=\xE9t\xE9 \xFF|"));
}

TEST(FixEncoderFast, SendingTimeAcrossSecondsAndDays) {
  Encoder enc("FIX.4.4", "HFT", "BANK");
  struct Case {
    std::int64_t ns;
    const char* text;
  };
  // Out of order on purpose: the per-second cache must follow every jump.
  const Case cases[] = {
      {kTime, "20240305-12:34:56.789"},
      {kTime + 210'000'000, "20240305-12:34:56.999"},
      {kTime + 211'000'000, "20240305-12:34:57.000"},
      {kTime - 789'000'000, "20240305-12:34:56.000"},
      {kTime - 790'000'000, "20240305-12:34:55.999"},
      {1'709'596'799'999'999'999, "20240304-23:59:59.999"},
      {1'709'596'800'000'000'000, "20240305-00:00:00.000"},
      {0, "19700101-00:00:00.000"},
      {-1'000'000, "19691231-23:59:59.999"},
      {951'782'400'000'000'000, "20000229-00:00:00.000"},
      {std::numeric_limits<std::int64_t>::max(), "22620411-23:47:16.854"},
      {std::numeric_limits<std::int64_t>::min(), "16770921-00:12:43.145"},
  };
  for (const Case& c : cases) {
    enc.begin("0", 42, c.ns);
    enc.add_utc_timestamp(60, c.ns);
    EXPECT_EQ(str(enc.finish()), wire("35=0|49=HFT|56=BANK|34=42|52=" + std::string(c.text) + "|60=" + c.text + "|"))
        << c.ns;
  }
}

TEST(FixEncoderFast, RoomLimitIsExact) {
  Encoder enc("FIX.4.4", "HFT", "BANK");
  enc.begin("0", 42, kTime);
  const std::size_t head = kHead.size();
  // add_str keeps 8 bytes of slack for the tag it writes 8 bytes at a time.
  std::size_t fits = 0;
  for (std::size_t len = Encoder::kCapacity - head - 64; len < Encoder::kCapacity; ++len) {
    enc.begin("0", 42, kTime);
    enc.add_str(58, std::string(len, 'x'));
    const ByteView v = enc.finish();
    if (v.empty()) break;
    fits = len;
    ASSERT_EQ(find_message(v.data, v.size).status, FrameStatus::Complete) << len;
  }
  EXPECT_GT(fits, Encoder::kCapacity - head - 64);
  enc.begin("0", 42, kTime);
  EXPECT_FALSE(enc.finish().empty());  // begin() clears the overflow
  Encoder bad("FIX.4.4.TOO.LONG.BEGIN", "HFT", "BANK");
  bad.begin("0", 1, kTime);
  EXPECT_TRUE(bad.finish().empty());
}

TEST(FixEncoderFast, TypedEncodersRoundTripEveryOptionalField) {
  Encoder enc("FIX.4.4", "VENUE", "CLIENT");
  auto mv = std::make_unique<MessageView>();
  NewOrderSingle n;
  n.cl_ord_id = "ORD-20240305-000123";
  n.account = "ACC12345";
  n.symbol = "BRK.B";
  n.side = '5';
  n.transact_time = "20240305-12:34:56.789123";
  n.order_qty = 123'456'789;
  n.ord_type = '4';
  n.price = core::Price::from_raw(4'112'300);
  n.has_price = true;
  n.stop_px = core::Price::from_raw(4'100'050);
  n.has_stop_px = true;
  n.time_in_force = '6';
  ByteView out = enc.encode_new_order_single(7, kTime, n);
  ASSERT_EQ(find_message(out.data, out.size).status, FrameStatus::Complete);
  ASSERT_TRUE(mv->parse(out.data, out.size).ok());
  NewOrderSingle back;
  ASSERT_TRUE(back.parse(*mv).ok());
  EXPECT_EQ(back.account, n.account);
  EXPECT_EQ(back.order_qty, n.order_qty);
  EXPECT_EQ(back.stop_px, n.stop_px);
  EXPECT_EQ(back.time_in_force, '6');
  EXPECT_EQ(back.transact_time, n.transact_time);
  n.account = {};  // not written when empty
  out = enc.encode_new_order_single(8, kTime, n);
  ASSERT_TRUE(mv->parse(out.data, out.size).ok());
  EXPECT_FALSE(mv->has(1));

  ExecutionReport r;
  r.order_id = "OID1";
  r.cl_ord_id = "C2";
  r.orig_cl_ord_id = "C1";
  r.exec_id = "X1";
  r.exec_type = '8';
  r.ord_status = '8';
  r.account = "ACC1";
  r.symbol = "MULN";
  r.side = '2';
  r.order_qty = 100;
  r.price = core::Price::from_raw(2'345);
  r.has_price = true;
  r.leaves_qty = 0;
  r.cum_qty = 0;
  r.avg_px = core::Price::from_raw(0);
  r.transact_time = "20240305-12:34:56.789";
  r.text = "Price outside limits";
  r.ord_rej_reason = 3;
  out = enc.encode_execution_report(9, kTime, r);
  ASSERT_EQ(find_message(out.data, out.size).status, FrameStatus::Complete);
  ASSERT_TRUE(mv->parse(out.data, out.size).ok());
  ExecutionReport rb;
  ASSERT_TRUE(rb.parse(*mv).ok());
  EXPECT_EQ(rb.orig_cl_ord_id, "C1");
  EXPECT_EQ(rb.account, "ACC1");
  EXPECT_EQ(rb.price.raw, 2'345);
  EXPECT_EQ(rb.text, r.text);
  EXPECT_EQ(rb.ord_rej_reason, 3);
  EXPECT_EQ(mv->get(6), "0");
  EXPECT_FALSE(mv->has(32));
}

}  // namespace
}  // namespace hft::protocol::fix
