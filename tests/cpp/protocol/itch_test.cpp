#include "hft/protocol/itch.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <random>
#include <set>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "support/allocation_counter.h"

namespace hft::protocol::itch {
namespace {

using core::Price;
using core::Side;
using Bytes = std::vector<std::uint8_t>;

// ---------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------

// Keeps the last message of type M; counts everything else through the
// catch-all overload (which is how most real handlers look).
template <typename M>
struct Capture {
  int calls = 0;
  int others = 0;
  M last{};
  void on(const M& m) noexcept {
    ++calls;
    last = m;
  }
  template <typename T>
  void on(const T&) noexcept {
    ++others;
  }
};

// Records the type byte of every message it is handed, in order.
struct TypeLog {
  std::vector<char> types;
  template <typename T>
  void on(const T&) {
    types.push_back(T::kType);
  }
};

// ---------------------------------------------------------------------------
// The specification's length table
// ---------------------------------------------------------------------------

TEST(ItchSizes, MatchTheSpecificationTable) {
  // Section 1 of the 5.0 specification, message by message (type byte included).
  const std::pair<char, std::size_t> table[] = {
      {'S', 12}, {'R', 39}, {'H', 25}, {'Y', 20}, {'L', 26}, {'V', 35}, {'W', 12}, {'K', 28},
      {'J', 35}, {'h', 21}, {'A', 36}, {'F', 40}, {'E', 31}, {'C', 36}, {'X', 23}, {'D', 19},
      {'U', 35}, {'P', 44}, {'Q', 40}, {'B', 19}, {'I', 50}, {'N', 20}, {'O', 48},
  };
  std::set<char> known;
  for (const auto& [type, size] : table) {
    EXPECT_EQ(message_size(type), size) << type;
    EXPECT_STRNE(message_name(type), "Unknown") << type;
    known.insert(type);
  }
  EXPECT_EQ(known.size(), 23u);
  EXPECT_EQ(std::set<char>(kMessageTypes.begin(), kMessageTypes.end()), known);
  for (int b = 0; b < 256; ++b) {
    const char type = static_cast<char>(b);
    if (known.count(type) == 0) {
      EXPECT_EQ(message_size(type), 0u) << b;
      EXPECT_STREQ(message_name(type), "Unknown") << b;
    }
  }
  std::size_t longest = 0;
  for (const auto& entry : table) longest = std::max(longest, entry.second);
  EXPECT_EQ(longest, kMaxMessageSize);
}

TEST(ItchSizes, StructConstantsAgreeWithTheTable) {
  EXPECT_EQ(AddOrder::kSize, message_size(AddOrder::kType));
  EXPECT_EQ(OrderReplace::kSize, message_size('U'));
  EXPECT_EQ(DirectListingCapitalRaise::kSize, 48u);
  EXPECT_EQ(Noii::kSize, 50u);
  EXPECT_EQ(OperationalHalt::kType, 'h');
}

// ---------------------------------------------------------------------------
// Round trip of every type with non-trivial values
// ---------------------------------------------------------------------------

template <typename M>
M with_header(M m, std::uint16_t locate) {
  m.locate = locate;
  m.tracking = 0xBEEF;
  m.timestamp_ns = 86'399'999'999'999ULL;  // 23:59:59.999999999
  return m;
}

template <typename M>
M sample();

template <>
SystemEvent sample() {
  SystemEvent m = with_header(SystemEvent{}, 0);
  m.event_code = 'Q';
  return m;
}
template <>
StockDirectory sample() {
  StockDirectory m = with_header(StockDirectory{}, 8123);
  m.stock = make_stock("BRK.A");
  m.market_category = 'N';
  m.financial_status = 'D';
  m.round_lot_size = 100'000;
  m.round_lots_only = 'Y';
  m.issue_classification = 'C';
  m.issue_subtype = {'Z', 'Y'};
  m.authenticity = 'P';
  m.short_sale_threshold = 'Y';
  m.ipo_flag = 'N';
  m.luld_reference_price_tier = '1';
  m.etp_flag = 'Y';
  m.etp_leverage_factor = 0xDEADBEEF;
  m.inverse_indicator = 'Y';
  return m;
}
template <>
StockTradingAction sample() {
  StockTradingAction m = with_header(StockTradingAction{}, 65535);
  m.stock = make_stock("ZVZZT");
  m.trading_state = 'P';
  m.reserved = 'x';
  m.reason = {'L', 'U', 'D', 'P'};
  return m;
}
template <>
RegShoRestriction sample() {
  RegShoRestriction m = with_header(RegShoRestriction{}, 42);
  m.stock = make_stock("QQQ");
  m.reg_sho_action = '2';
  return m;
}
template <>
MarketParticipantPosition sample() {
  MarketParticipantPosition m = with_header(MarketParticipantPosition{}, 7);
  m.mpid = make_alpha<4>("GSCO");
  m.stock = make_stock("AMZN");
  m.primary_market_maker = 'Y';
  m.market_maker_mode = 'S';
  m.participant_state = 'E';
  return m;
}
template <>
MwcbDeclineLevel sample() {
  MwcbDeclineLevel m = with_header(MwcbDeclineLevel{}, 0);
  m.level1_e8 = 4'012'345'678'901ULL;  // $40123.45678901
  m.level2_e8 = 0xFFFF'FFFF'FFFF'FFFFULL;
  m.level3_e8 = 1;
  return m;
}
template <>
MwcbStatus sample() {
  MwcbStatus m = with_header(MwcbStatus{}, 0);
  m.breached_level = '3';
  return m;
}
template <>
IpoQuotingPeriodUpdate sample() {
  IpoQuotingPeriodUpdate m = with_header(IpoQuotingPeriodUpdate{}, 300);
  m.stock = make_stock("NEWCO");
  m.release_time_s = 34'200 + 45 * 60;
  m.release_qualifier = 'C';
  m.ipo_price = Price::from_raw(235'000);
  return m;
}
template <>
LuldAuctionCollar sample() {
  LuldAuctionCollar m = with_header(LuldAuctionCollar{}, 301);
  m.stock = make_stock("TSLA");
  m.reference_price = Price::from_raw(2'501'234);
  m.upper_price = Price::from_raw(2'626'296);
  m.lower_price = Price::from_raw(2'376'172);
  m.collar_extension = 3;
  return m;
}
template <>
OperationalHalt sample() {
  OperationalHalt m = with_header(OperationalHalt{}, 302);
  m.stock = make_stock("META");
  m.market_code = 'X';
  m.halt_action = 'T';
  return m;
}
template <>
AddOrder sample() {
  AddOrder m = with_header(AddOrder{}, 13);
  m.ref = 0x8000'0000'0000'0001ULL;
  m.side = Side::Sell;
  m.shares = 0xFFFF'FFFFu;
  m.stock = make_stock("AAPL");
  m.price = Price::from_raw(0xFFFF'FFFFLL);  // the largest Price(4): 429496.7295
  return m;
}
template <>
AddOrderMpid sample() {
  AddOrderMpid m = with_header(AddOrderMpid{}, 14);
  m.ref = 987'654'321;
  m.side = Side::Buy;
  m.shares = 250;
  m.stock = make_stock("GOOGL");
  m.price = Price::from_raw(1'754'500);
  m.attribution = make_alpha<4>("UBSS");
  return m;
}
template <>
OrderExecuted sample() {
  OrderExecuted m = with_header(OrderExecuted{}, 15);
  m.ref = 123'456'789'012ULL;
  m.executed_shares = 77;
  m.match_number = 0x0102'0304'0506'0708ULL;
  return m;
}
template <>
OrderExecutedWithPrice sample() {
  OrderExecutedWithPrice m = with_header(OrderExecutedWithPrice{}, 16);
  m.ref = 55;
  m.executed_shares = 1'000'000;
  m.match_number = 0xFFFF'FFFF'FFFF'FFFFULL;
  m.printable = 'N';
  m.execution_price = Price::from_raw(1);
  return m;
}
template <>
OrderCancel sample() {
  OrderCancel m = with_header(OrderCancel{}, 17);
  m.ref = 0xA5A5'A5A5'A5A5'A5A5ULL;
  m.cancelled_shares = 0x8000'0000u;
  return m;
}
template <>
OrderDelete sample() {
  OrderDelete m = with_header(OrderDelete{}, 18);
  m.ref = 0x7FFF'FFFF'FFFF'FFFFULL;
  return m;
}
template <>
OrderReplace sample() {
  OrderReplace m = with_header(OrderReplace{}, 19);
  m.original_ref = 1'000'001;
  m.new_ref = 1'000'002;
  m.shares = 4'200;
  m.price = Price::from_raw(999'900);
  return m;
}
template <>
Trade sample() {
  Trade m = with_header(Trade{}, 20);
  m.ref = 0;
  m.side = Side::Buy;
  m.shares = 31'337;
  m.stock = make_stock("NVDA");
  m.price = Price::from_raw(1'234'567);
  m.match_number = 9'876'543'210ULL;
  return m;
}
template <>
CrossTrade sample() {
  CrossTrade m = with_header(CrossTrade{}, 21);
  m.shares = 0x0000'0001'0000'0000ULL;  // more than a u32 holds: the field is 8 bytes
  m.stock = make_stock("SPY");
  m.cross_price = Price::from_raw(5'012'300);
  m.match_number = 424'242;
  m.cross_type = 'C';
  return m;
}
template <>
BrokenTrade sample() {
  BrokenTrade m = with_header(BrokenTrade{}, 22);
  m.match_number = 0x1122'3344'5566'7788ULL;
  return m;
}
template <>
Noii sample() {
  Noii m = with_header(Noii{}, 23);
  m.paired_shares = 5'000'000'000ULL;
  m.imbalance_shares = 12'345;
  m.imbalance_direction = 'S';
  m.stock = make_stock("IWM");
  m.far_price = Price::from_raw(0);
  m.near_price = Price::from_raw(2'001'000);
  m.current_reference_price = Price::from_raw(2'000'500);
  m.cross_type = 'O';
  m.price_variation_indicator = 'A';
  return m;
}
template <>
Rpii sample() {
  Rpii m = with_header(Rpii{}, 24);
  m.stock = make_stock("XLF");
  m.interest_flag = 'A';
  return m;
}
template <>
DirectListingCapitalRaise sample() {
  DirectListingCapitalRaise m = with_header(DirectListingCapitalRaise{}, 25);
  m.stock = make_stock("DLCR");
  m.open_eligibility_status = 'Y';
  m.min_allowable_price = Price::from_raw(90'000);
  m.max_allowable_price = Price::from_raw(110'000);
  m.near_execution_price = Price::from_raw(101'000);
  m.near_execution_time = 0x0102'0304'0506'0708ULL;
  m.lower_price_range_collar = Price::from_raw(80'000);
  m.upper_price_range_collar = Price::from_raw(120'000);
  return m;
}

template <typename M>
class ItchRoundTrip : public ::testing::Test {};

using AllMessages =
    ::testing::Types<SystemEvent, StockDirectory, StockTradingAction, RegShoRestriction, MarketParticipantPosition,
                     MwcbDeclineLevel, MwcbStatus, IpoQuotingPeriodUpdate, LuldAuctionCollar, OperationalHalt, AddOrder,
                     AddOrderMpid, OrderExecuted, OrderExecutedWithPrice, OrderCancel, OrderDelete, OrderReplace, Trade,
                     CrossTrade, BrokenTrade, Noii, Rpii, DirectListingCapitalRaise>;
TYPED_TEST_SUITE(ItchRoundTrip, AllMessages);

TYPED_TEST(ItchRoundTrip, EncodeThenDecodeKeepsEveryField) {
  using M = TypeParam;
  const M m = sample<M>();
  std::array<std::uint8_t, kMaxMessageSize> buf{};
  ASSERT_EQ(encode(m, buf.data(), buf.size()), M::kSize);
  EXPECT_EQ(buf[0], static_cast<std::uint8_t>(M::kType));
  EXPECT_EQ(message_size(M::kType), M::kSize);

  Capture<M> cap;
  ASSERT_EQ(decode(buf.data(), M::kSize, cap), DecodeResult::Ok);
  EXPECT_EQ(cap.calls, 1);
  EXPECT_EQ(cap.others, 0);
  EXPECT_TRUE(cap.last == m);
  EXPECT_FALSE(cap.last != m);
  EXPECT_EQ(cap.last.locate, m.locate);
  EXPECT_EQ(cap.last.timestamp_ns, 86'399'999'999'999ULL);

  // Decoding and encoding again gives the same bytes.
  std::array<std::uint8_t, kMaxMessageSize> again{};
  ASSERT_EQ(encode(cap.last, again.data(), again.size()), M::kSize);
  EXPECT_TRUE(std::equal(buf.begin(), buf.begin() + M::kSize, again.begin()));
}

TYPED_TEST(ItchRoundTrip, ChangingAnyHeaderFieldIsSeenByEquality) {
  using M = TypeParam;
  const M m = sample<M>();
  M other = m;
  other.tracking = static_cast<std::uint16_t>(other.tracking + 1);
  EXPECT_TRUE(other != m);
  other = m;
  other.timestamp_ns += 1;
  EXPECT_TRUE(other != m);
}

TYPED_TEST(ItchRoundTrip, EncodePrefixedWritesTheBigEndianLengthFirst) {
  using M = TypeParam;
  const M m = sample<M>();
  std::array<std::uint8_t, kMaxMessageSize + 2> buf{};
  ASSERT_EQ(encode_prefixed(m, buf.data(), buf.size()), M::kSize + 2);
  EXPECT_EQ(buf[0], 0);
  EXPECT_EQ(buf[1], M::kSize);
  EXPECT_EQ(buf[2], static_cast<std::uint8_t>(M::kType));
  EXPECT_EQ(encode_prefixed(m, buf.data(), M::kSize + 1), 0u);
  EXPECT_EQ(encode_prefixed(m, buf.data(), 1), 0u);
}

TYPED_TEST(ItchRoundTrip, ShortCapacityOrNullBufferWritesNothing) {
  using M = TypeParam;
  const M m = sample<M>();
  std::array<std::uint8_t, kMaxMessageSize> buf{};
  buf.fill(0xEE);
  EXPECT_EQ(encode(m, buf.data(), M::kSize - 1), 0u);
  EXPECT_EQ(buf[0], 0xEE);  // capacity is checked before the first byte
  EXPECT_EQ(encode(m, nullptr, 1000), 0u);
  EXPECT_EQ(encode(m, buf.data(), 0), 0u);
}

TYPED_TEST(ItchRoundTrip, OneByteShortOrLongIsBadLength) {
  using M = TypeParam;
  std::array<std::uint8_t, kMaxMessageSize + 1> buf{};
  ASSERT_EQ(encode(sample<M>(), buf.data(), buf.size()), M::kSize);
  Capture<M> cap;
  EXPECT_EQ(decode(buf.data(), M::kSize - 1, cap), DecodeResult::BadLength);
  EXPECT_EQ(decode(buf.data(), M::kSize + 1, cap), DecodeResult::BadLength);
  EXPECT_EQ(decode(buf.data(), 1, cap), DecodeResult::BadLength);
  EXPECT_EQ(cap.calls + cap.others, 0);
}

TYPED_TEST(ItchRoundTrip, DecodeTakesAByteView) {
  using M = TypeParam;
  std::array<std::uint8_t, kMaxMessageSize> buf{};
  ASSERT_EQ(encode(sample<M>(), buf.data(), buf.size()), M::kSize);
  Capture<M> cap;
  EXPECT_EQ(decode(ByteView{buf.data(), M::kSize}, cap), DecodeResult::Ok);
  EXPECT_EQ(cap.calls, 1);
}

// ---------------------------------------------------------------------------
// Byte fixtures written from the specification, independent of the encoder
// ---------------------------------------------------------------------------

// Type byte, then the header every fixture shares: Stock Locate 0x0102,
// Tracking Number 0x0304, Timestamp 0x05060708090A (6 bytes).
Bytes wire(char type, std::initializer_list<std::uint8_t> body) {
  const std::uint8_t header[] = {
      static_cast<std::uint8_t>(type), 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A};
  Bytes v(sizeof header + body.size());
  std::copy(std::begin(header), std::end(header), v.begin());
  std::copy(body.begin(), body.end(), v.begin() + static_cast<std::ptrdiff_t>(sizeof header));
  return v;
}

template <typename M>
M fixture_header() {
  M m{};
  m.locate = 0x0102;
  m.tracking = 0x0304;
  m.timestamp_ns = 0x0506'0708'090AULL;
  return m;
}

// Decodes `bytes` into an M, checks it equals `expected`, and checks that
// encoding `expected` gives `bytes` back exactly. Returns the decoded message
// for field-level checks.
template <typename M>
M check_fixture(const Bytes& bytes, const M& expected) {
  EXPECT_EQ(bytes.size(), M::kSize);
  Capture<M> cap;
  EXPECT_EQ(decode(bytes.data(), bytes.size(), cap), DecodeResult::Ok);
  EXPECT_EQ(cap.calls, 1);
  EXPECT_TRUE(cap.last == expected);
  std::array<std::uint8_t, kMaxMessageSize> out{};
  EXPECT_EQ(encode(expected, out.data(), out.size()), M::kSize);
  EXPECT_EQ(Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(M::kSize)), bytes);
  return cap.last;
}

TEST(ItchFixture, AddOrder) {
  const Bytes bytes = wire('A', {
                                    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,  // Order Reference Number
                                    'B',                                             // Buy/Sell Indicator
                                    0x00, 0x00, 0x00, 0x64,                          // Shares 100
                                    'A',  'A',  'P',  'L',  ' ',  ' ',  ' ',  ' ',   // Stock
                                    0x00, 0x16, 0xE3, 0x60,                          // Price 150.0000
                                });
  AddOrder e = fixture_header<AddOrder>();
  e.ref = 0x1112'1314'1516'1718ULL;
  e.side = Side::Buy;
  e.shares = 100;
  e.stock = make_stock("AAPL");
  e.price = Price::from_units(150);
  const AddOrder d = check_fixture(bytes, e);
  EXPECT_EQ(d.locate, 0x0102);
  EXPECT_EQ(d.tracking, 0x0304);
  EXPECT_EQ(d.timestamp_ns, 5'523'445'909'770ULL);  // 0x05060708090A
  EXPECT_EQ(d.ref, 0x1112'1314'1516'1718ULL);
  EXPECT_EQ(d.side, Side::Buy);
  EXPECT_EQ(d.shares, 100u);
  EXPECT_EQ(trimmed(d.stock), "AAPL");
  EXPECT_EQ(d.price.raw, 1'500'000);
}

TEST(ItchFixture, AddOrderWithAttribution) {
  const Bytes bytes = wire('F', {
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x39,  // Order Reference Number 12345
                                    'S',                                             // Buy/Sell Indicator
                                    0x00, 0x01, 0x86, 0xA0,                          // Shares 100000
                                    'M',  'S',  'F',  'T',  ' ',  ' ',  ' ',  ' ',   // Stock
                                    0x00, 0x33, 0x1D, 0xF0,                          // Price 335.0000
                                    'N',  'S',  'D',  'Q',                           // Attribution
                                });
  AddOrderMpid e = fixture_header<AddOrderMpid>();
  e.ref = 12'345;
  e.side = Side::Sell;
  e.shares = 100'000;
  e.stock = make_stock("MSFT");
  e.price = Price::from_raw(3'350'000);
  e.attribution = make_alpha<4>("NSDQ");
  const AddOrderMpid d = check_fixture(bytes, e);
  EXPECT_EQ(d.side, Side::Sell);
  EXPECT_EQ(d.price, Price::from_units(335));
  EXPECT_EQ(trimmed(d.attribution), "NSDQ");
}

TEST(ItchFixture, OrderExecuted) {
  const Bytes bytes = wire('E', {
                                    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,  // Order Reference Number
                                    0x00, 0x00, 0x00, 0xC8,                          // Executed Shares 200
                                    0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,  // Match Number
                                });
  OrderExecuted e = fixture_header<OrderExecuted>();
  e.ref = 0x1112'1314'1516'1718ULL;
  e.executed_shares = 200;
  e.match_number = 0x2122'2324'2526'2728ULL;
  const OrderExecuted d = check_fixture(bytes, e);
  EXPECT_EQ(d.executed_shares, 200u);
  EXPECT_EQ(d.match_number, 0x2122'2324'2526'2728ULL);
}

TEST(ItchFixture, OrderExecutedWithPrice) {
  const Bytes bytes = wire('C', {
                                    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,  // Order Reference Number
                                    0x00, 0x00, 0x01, 0x2C,                          // Executed Shares 300
                                    0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,  // Match Number
                                    'Y',                                             // Printable
                                    0x00, 0x0F, 0x42, 0x40,                          // Execution Price 100.0000
                                });
  OrderExecutedWithPrice e = fixture_header<OrderExecutedWithPrice>();
  e.ref = 0x1112'1314'1516'1718ULL;
  e.executed_shares = 300;
  e.match_number = 0x2122'2324'2526'2728ULL;
  e.printable = 'Y';
  e.execution_price = Price::from_units(100);
  const OrderExecutedWithPrice d = check_fixture(bytes, e);
  EXPECT_EQ(d.printable, 'Y');
  EXPECT_EQ(d.execution_price.raw, 1'000'000);
}

TEST(ItchFixture, OrderCancel) {
  const Bytes bytes = wire('X', {
                                    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,  // Order Reference Number
                                    0x00, 0x00, 0x00, 0x32,                          // Cancelled Shares 50
                                });
  OrderCancel e = fixture_header<OrderCancel>();
  e.ref = 0x1112'1314'1516'1718ULL;
  e.cancelled_shares = 50;
  EXPECT_EQ(check_fixture(bytes, e).cancelled_shares, 50u);
}

TEST(ItchFixture, OrderDelete) {
  const Bytes bytes = wire('D', {
                                    0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,  // Order Reference Number
                                });
  OrderDelete e = fixture_header<OrderDelete>();
  e.ref = 0xF1F2'F3F4'F5F6'F7F8ULL;
  EXPECT_EQ(check_fixture(bytes, e).ref, 0xF1F2'F3F4'F5F6'F7F8ULL);
}

TEST(ItchFixture, OrderReplace) {
  const Bytes bytes = wire('U', {
                                    0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,  // Original Order Reference Number
                                    0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38,  // New Order Reference Number
                                    0x00, 0x00, 0x01, 0xF4,                          // Shares 500
                                    0x00, 0x98, 0x96, 0x80,                          // Price 1000.0000
                                });
  OrderReplace e = fixture_header<OrderReplace>();
  e.original_ref = 0x1112'1314'1516'1718ULL;
  e.new_ref = 0x3132'3334'3536'3738ULL;
  e.shares = 500;
  e.price = Price::from_units(1000);
  const OrderReplace d = check_fixture(bytes, e);
  EXPECT_EQ(d.new_ref, 0x3132'3334'3536'3738ULL);
  EXPECT_EQ(d.price.raw, 10'000'000);
}

TEST(ItchFixture, Trade) {
  const Bytes bytes = wire('P', {
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // Order Reference Number 0
                                    'B',                                             // Buy/Sell Indicator
                                    0x00, 0x00, 0x00, 0x10,                          // Shares 16
                                    'M',  'S',  'F',  'T',  ' ',  ' ',  ' ',  ' ',   // Stock
                                    0x00, 0x33, 0x1D, 0xF0,                          // Price 335.0000
                                    0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,  // Match Number
                                });
  Trade e = fixture_header<Trade>();
  e.ref = 0;
  e.side = Side::Buy;
  e.shares = 16;
  e.stock = make_stock("MSFT");
  e.price = Price::from_raw(3'350'000);
  e.match_number = 0x4142'4344'4546'4748ULL;
  const Trade d = check_fixture(bytes, e);
  EXPECT_EQ(d.shares, 16u);
  EXPECT_EQ(d.match_number, 0x4142'4344'4546'4748ULL);
}

TEST(ItchFixture, CrossTrade) {
  const Bytes bytes = wire('Q', {
                                    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,  // Shares 2^32 (8 bytes)
                                    'S',  'P',  'Y',  ' ',  ' ',  ' ',  ' ',  ' ',   // Stock
                                    0x00, 0x4C, 0x4B, 0x40,                          // Cross Price 500.0000
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,  // Match Number
                                    'O',                                             // Cross Type
                                });
  CrossTrade e = fixture_header<CrossTrade>();
  e.shares = 0x1'0000'0000ULL;
  e.stock = make_stock("SPY");
  e.cross_price = Price::from_units(500);
  e.match_number = 7;
  e.cross_type = 'O';
  EXPECT_EQ(check_fixture(bytes, e).shares, 4'294'967'296ULL);
}

TEST(ItchFixture, Noii) {
  const Bytes bytes = wire('I', {
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x27, 0x10,  // Paired Shares 10000
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xF4,  // Imbalance Shares 500
                                    'B',                                             // Imbalance Direction
                                    'Q',  'Q',  'Q',  ' ',  ' ',  ' ',  ' ',  ' ',   // Stock
                                    0x00, 0x00, 0x00, 0x00,                          // Far Price 0
                                    0x00, 0x0F, 0x42, 0x40,                          // Near Price 100.0000
                                    0x00, 0x0F, 0x44, 0x34,                          // Current Reference Price 100.0500
                                    'C',                                             // Cross Type
                                    '1',                                             // Price Variation Indicator
                                });
  Noii e = fixture_header<Noii>();
  e.paired_shares = 10'000;
  e.imbalance_shares = 500;
  e.imbalance_direction = 'B';
  e.stock = make_stock("QQQ");
  e.far_price = Price::from_raw(0);
  e.near_price = Price::from_units(100);
  e.current_reference_price = Price::from_raw(1'000'500);
  e.cross_type = 'C';
  e.price_variation_indicator = '1';
  EXPECT_EQ(check_fixture(bytes, e).current_reference_price.raw, 1'000'500);
}

TEST(ItchFixture, StockDirectory) {
  const Bytes bytes = wire('R', {
                                    'Z',  'V',  'Z',  'Z',  'T', ' ', ' ', ' ',  // Stock
                                    'Q',                                         // Market Category
                                    'N',                                         // Financial Status Indicator
                                    0x00, 0x00, 0x00, 0x64,                      // Round Lot Size 100
                                    'N',                                         // Round Lots Only
                                    'C',                                         // Issue Classification
                                    'Z',  ' ',                                   // Issue Sub-Type
                                    'T',                                         // Authenticity
                                    'N',                                         // Short Sale Threshold Indicator
                                    'N',                                         // IPO Flag
                                    '2',                                         // LULD Reference Price Tier
                                    'N',                                         // ETP Flag
                                    0x00, 0x00, 0x00, 0x03,                      // ETP Leverage Factor
                                    'Y',                                         // Inverse Indicator
                                });
  StockDirectory e = fixture_header<StockDirectory>();
  e.stock = make_stock("ZVZZT");
  e.market_category = 'Q';
  e.financial_status = 'N';
  e.round_lot_size = 100;
  e.round_lots_only = 'N';
  e.issue_classification = 'C';
  e.issue_subtype = {'Z', ' '};
  e.authenticity = 'T';
  e.short_sale_threshold = 'N';
  e.ipo_flag = 'N';
  e.luld_reference_price_tier = '2';
  e.etp_flag = 'N';
  e.etp_leverage_factor = 3;
  e.inverse_indicator = 'Y';
  const StockDirectory d = check_fixture(bytes, e);
  EXPECT_EQ(trimmed(d.stock), "ZVZZT");
  EXPECT_EQ(d.round_lot_size, 100u);
  EXPECT_EQ(d.etp_leverage_factor, 3u);
  EXPECT_EQ(d.inverse_indicator, 'Y');
}

TEST(ItchFixture, SystemEvent) {
  const Bytes bytes = wire('S', {'O'});  // Event Code: start of messages
  SystemEvent e = fixture_header<SystemEvent>();
  e.event_code = 'O';
  EXPECT_EQ(check_fixture(bytes, e).event_code, 'O');
}

TEST(ItchFixture, StockTradingAction) {
  const Bytes bytes = wire('H', {
                                    'A', 'A', 'P', 'L', ' ', ' ', ' ', ' ',  // Stock
                                    'H',                                     // Trading State: halted
                                    ' ',                                     // Reserved
                                    'M', 'W', 'C', '1',                      // Reason
                                });
  StockTradingAction e = fixture_header<StockTradingAction>();
  e.stock = make_stock("AAPL");
  e.trading_state = 'H';
  e.reserved = ' ';
  e.reason = make_alpha<4>("MWC1");
  const StockTradingAction d = check_fixture(bytes, e);
  EXPECT_EQ(d.trading_state, 'H');
  EXPECT_EQ(trimmed(d.reason), "MWC1");
}

TEST(ItchFixture, MwcbDeclineLevelKeepsPrice8Units) {
  const Bytes bytes = wire('V', {
                                    0x00, 0x00, 0x00, 0x00, 0x05, 0xF5, 0xE1, 0x00,  // Level 1: 1.00000000
                                    0x00, 0x00, 0x00, 0x00, 0x0B, 0xEB, 0xC2, 0x00,  // Level 2: 2.00000000
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,  // Level 3: 0.00000001
                                });
  MwcbDeclineLevel e = fixture_header<MwcbDeclineLevel>();
  e.level1_e8 = 100'000'000;
  e.level2_e8 = 200'000'000;
  e.level3_e8 = 1;
  EXPECT_EQ(check_fixture(bytes, e).level3_e8, 1u);
}

// ---------------------------------------------------------------------------
// Errors of a single message
// ---------------------------------------------------------------------------

TEST(ItchDecode, EmptyInputIsEmptyEvenWithANullPointer) {
  Capture<AddOrder> cap;
  EXPECT_EQ(decode(nullptr, 0, cap), DecodeResult::Empty);
  EXPECT_EQ(decode(ByteView{}, cap), DecodeResult::Empty);
  EXPECT_EQ(cap.calls + cap.others, 0);
}

TEST(ItchDecode, UnknownTypeBytesAreReported) {
  Capture<AddOrder> cap;
  for (const char type : {'Z', 'a', 'G', 'M', 'T', '\0', '\x7F'}) {
    Bytes b(36, 0);
    b[0] = static_cast<std::uint8_t>(type);
    EXPECT_EQ(decode(b.data(), b.size(), cap), DecodeResult::UnknownType) << int(type);
  }
  // 4.1-only types are unknown in 5.0.
  Bytes b(1, static_cast<std::uint8_t>('T'));
  EXPECT_EQ(decode(b.data(), b.size(), cap), DecodeResult::UnknownType);
  EXPECT_EQ(cap.calls + cap.others, 0);
}

TEST(ItchDecode, ASideOtherThanBuyOrSellIsBadField) {
  for (const char type : {'A', 'F', 'P'}) {
    std::array<std::uint8_t, kMaxMessageSize> buf{};
    std::size_t n = 0;
    if (type == 'A') n = encode(sample<AddOrder>(), buf.data(), buf.size());
    if (type == 'F') n = encode(sample<AddOrderMpid>(), buf.data(), buf.size());
    if (type == 'P') n = encode(sample<Trade>(), buf.data(), buf.size());
    ASSERT_GT(n, 0u);
    buf[19] = 'X';  // the Buy/Sell Indicator sits at offset 19 in all three
    TypeLog log;
    EXPECT_EQ(decode(buf.data(), n, log), DecodeResult::BadField) << type;
    EXPECT_TRUE(log.types.empty());
  }
}

TEST(ItchDecode, ResultNamesAreStable) {
  EXPECT_STREQ(to_string(DecodeResult::Ok), "ok");
  EXPECT_STREQ(to_string(DecodeResult::Empty), "empty");
  EXPECT_STREQ(to_string(DecodeResult::UnknownType), "unknown_type");
  EXPECT_STREQ(to_string(DecodeResult::BadLength), "bad_length");
  EXPECT_STREQ(to_string(DecodeResult::BadField), "bad_field");
}

// ---------------------------------------------------------------------------
// Encoder range checks and field helpers
// ---------------------------------------------------------------------------

TEST(ItchEncode, RefusesValuesThatDoNotFitTheirWireFields) {
  std::array<std::uint8_t, kMaxMessageSize> buf{};
  AddOrder m = sample<AddOrder>();
  m.price = Price::from_raw(-1);
  EXPECT_EQ(encode(m, buf.data(), buf.size()), 0u);
  m.price = Price::from_raw(0x1'0000'0000LL);
  EXPECT_EQ(encode(m, buf.data(), buf.size()), 0u);
  m = sample<AddOrder>();
  m.timestamp_ns = kMaxU48 + 1;
  EXPECT_EQ(encode(m, buf.data(), buf.size()), 0u);
  m = sample<AddOrder>();
  m.side = static_cast<Side>('X');
  EXPECT_EQ(encode(m, buf.data(), buf.size()), 0u);
  OrderReplace u = sample<OrderReplace>();
  u.price = Price::from_raw(-5);
  EXPECT_EQ(encode(u, buf.data(), buf.size()), 0u);
}

TEST(ItchEncode, TimestampUsesAllFortyEightBits) {
  std::array<std::uint8_t, kMaxMessageSize> buf{};
  OrderDelete m{};
  m.timestamp_ns = kMaxU48;
  ASSERT_EQ(encode(m, buf.data(), buf.size()), OrderDelete::kSize);
  for (std::size_t i = 5; i < 11; ++i) EXPECT_EQ(buf[i], 0xFF) << i;
  Capture<OrderDelete> cap;
  ASSERT_EQ(decode(buf.data(), OrderDelete::kSize, cap), DecodeResult::Ok);
  EXPECT_EQ(cap.last.timestamp_ns, kMaxU48);
}

TEST(ItchAlpha, PadsOnTheRightAndTrimsBack) {
  const Stock s = make_stock("AAPL");
  EXPECT_EQ(std::string_view(s.data(), s.size()), "AAPL    ");
  EXPECT_EQ(trimmed(s), "AAPL");
  const Stock full = make_stock("ABCDEFGHIJ");  // cut at 8
  EXPECT_EQ(std::string_view(full.data(), full.size()), "ABCDEFGH");
  EXPECT_EQ(trimmed(make_stock("")), "");
  EXPECT_EQ(trimmed(make_alpha<4>("A B")), "A B");
  static_assert(make_stock("X")[1] == ' ');
}

// ---------------------------------------------------------------------------
// Length-prefixed streams
// ---------------------------------------------------------------------------

void append_prefixed(Bytes& out, const Bytes& message) {
  out.push_back(static_cast<std::uint8_t>(message.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(message.size()));
  out.insert(out.end(), message.begin(), message.end());
}

template <typename M>
Bytes encoded(const M& m) {
  Bytes b(M::kSize);
  EXPECT_EQ(encode(m, b.data(), b.size()), M::kSize);
  return b;
}

TEST(ItchStream, BadBlocksAreCountedAndSkippedAndTheRestDecodes) {
  Bytes stream;
  append_prefixed(stream, encoded(sample<AddOrder>()));
  Bytes short_add = encoded(sample<AddOrder>());
  short_add.pop_back();  // 35 bytes, and the prefix says 35
  append_prefixed(stream, short_add);
  append_prefixed(stream, Bytes{'Z', 1, 2, 3, 4});  // unknown type
  append_prefixed(stream, Bytes{});                 // empty block
  append_prefixed(stream, encoded(sample<OrderDelete>()));
  Bytes bad_side = encoded(sample<AddOrderMpid>());
  bad_side[19] = '?';
  append_prefixed(stream, bad_side);
  Bytes long_exec = encoded(sample<OrderExecuted>());
  long_exec.push_back(0);  // 32 bytes for a 31-byte type
  append_prefixed(stream, long_exec);
  append_prefixed(stream, encoded(sample<OrderExecuted>()));
  const std::size_t complete = stream.size();
  // A tail cut off mid-block: the prefix promises 36 bytes, 10 are there.
  const Bytes tail = encoded(sample<AddOrder>());
  stream.push_back(0);
  stream.push_back(36);
  stream.insert(stream.end(), tail.begin(), tail.begin() + 10);

  TypeLog log;
  DecodeCounters c;
  EXPECT_EQ(decode_stream(stream.data(), stream.size(), log, c), complete);
  EXPECT_EQ(log.types, (std::vector<char>{'A', 'D', 'E'}));
  EXPECT_EQ(c.messages, 3u);
  EXPECT_EQ(c.per_type['A'], 1u);
  EXPECT_EQ(c.per_type['D'], 1u);
  EXPECT_EQ(c.per_type['E'], 1u);
  EXPECT_EQ(c.per_type['F'], 0u);
  EXPECT_EQ(c.bad_length, 2u);
  EXPECT_EQ(c.unknown_type, 1u);
  EXPECT_EQ(c.empty, 1u);
  EXPECT_EQ(c.bad_field, 1u);
  EXPECT_EQ(c.truncated, 1u);
  EXPECT_EQ(c.errors(), 6u);
}

TEST(ItchStream, ALoneTrailingByteIsATruncatedPrefix) {
  Bytes stream;
  append_prefixed(stream, encoded(sample<SystemEvent>()));
  stream.push_back(0x00);
  TypeLog log;
  DecodeCounters c;
  EXPECT_EQ(decode_stream(stream.data(), stream.size(), log, c), stream.size() - 1);
  EXPECT_EQ(c.messages, 1u);
  EXPECT_EQ(c.truncated, 1u);
}

TEST(ItchStream, AnExactBufferHasNoTruncationAndCountersAccumulate) {
  Bytes stream;
  for (int i = 0; i < 3; ++i) append_prefixed(stream, encoded(sample<Noii>()));
  TypeLog log;
  DecodeCounters c;
  EXPECT_EQ(decode_stream(ByteView{stream.data(), stream.size()}, log, c), stream.size());
  EXPECT_EQ(decode_stream(stream.data(), stream.size(), log, c), stream.size());
  EXPECT_EQ(c.messages, 6u);
  EXPECT_EQ(c.per_type['I'], 6u);
  EXPECT_EQ(c.errors(), 0u);
  // Nothing at all is not an error either.
  EXPECT_EQ(decode_stream(nullptr, 0, log, c), 0u);
  EXPECT_EQ(c.errors(), 0u);
}

TEST(ItchStream, APrefixLongerThanAnyMessageIsSkippedWhenTheBytesAreThere) {
  Bytes stream;
  append_prefixed(stream, Bytes(300, static_cast<std::uint8_t>('A')));  // an 'A' of 300 bytes
  append_prefixed(stream, encoded(sample<OrderCancel>()));
  TypeLog log;
  DecodeCounters c;
  EXPECT_EQ(decode_stream(stream.data(), stream.size(), log, c), stream.size());
  EXPECT_EQ(c.bad_length, 1u);
  EXPECT_EQ(log.types, (std::vector<char>{'X'}));
}

TEST(ItchStream, DecodingDoesNotAllocate) {
  Bytes stream;
  for (int i = 0; i < 100; ++i) {
    append_prefixed(stream, encoded(sample<AddOrder>()));
    append_prefixed(stream, encoded(sample<OrderReplace>()));
    append_prefixed(stream, encoded(sample<StockDirectory>()));
  }
  Capture<AddOrder> cap;
  DecodeCounters c;
  hft::test::AllocationCounter counter;
  decode_stream(stream.data(), stream.size(), cap, c);
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_EQ(c.messages, 300u);
  EXPECT_EQ(cap.calls, 100);
}

// ---------------------------------------------------------------------------
// Random input never crashes, never reads out of bounds, and whatever does
// decode re-encodes to the same bytes.
// ---------------------------------------------------------------------------

// Re-encodes every message it gets and compares with the block it came from.
struct ReencodeCheck {
  const std::uint8_t* block = nullptr;
  std::size_t size = 0;
  std::uint64_t mismatches = 0;
  std::uint64_t seen = 0;
  template <typename M>
  void on(const M& m) noexcept {
    ++seen;
    std::array<std::uint8_t, kMaxMessageSize> out{};
    const std::size_t n = encode(m, out.data(), out.size());
    if (n != size || !std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), block)) ++mismatches;
  }
};

// A buffer of length-prefixed blocks, each mostly plausible (a real type
// byte, its size give or take, a valid side) so that all paths are taken,
// sometimes cut short.
Bytes random_stream(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> pct(0, 99);
  std::uniform_int_distribution<std::size_t> which(0, kMessageTypes.size() - 1);
  Bytes out;
  const int blocks = pct(rng) % 8;
  for (int b = 0; b < blocks; ++b) {
    const char type = pct(rng) < 85 ? kMessageTypes[which(rng)] : static_cast<char>(byte(rng));
    std::size_t len = message_size(type);
    const int shape = pct(rng);
    if (shape < 10) {
      len = static_cast<std::size_t>(byte(rng)) % 64;
    } else if (shape < 20 && len > 0) {
      len = len + 1 - static_cast<std::size_t>(pct(rng) % 3);  // one short, exact or one long
    }
    Bytes msg(len);
    for (auto& x : msg) x = static_cast<std::uint8_t>(byte(rng));
    if (!msg.empty()) msg[0] = static_cast<std::uint8_t>(type);
    if (msg.size() > 19 && (type == 'A' || type == 'F' || type == 'P') && pct(rng) < 90) {
      msg[19] = pct(rng) < 50 ? 'B' : 'S';
    }
    std::size_t prefix = len;
    if (pct(rng) < 5) prefix = static_cast<std::size_t>(byte(rng) << 8 | byte(rng));  // a lying prefix
    out.push_back(static_cast<std::uint8_t>(prefix >> 8));
    out.push_back(static_cast<std::uint8_t>(prefix));
    out.insert(out.end(), msg.begin(), msg.end());
  }
  if (!out.empty() && pct(rng) < 30) out.resize(static_cast<std::size_t>(rng() % out.size()));
  return out;
}

TEST(ItchRobustness, RandomBuffersNeverCrashAndCountEveryBlock) {
  std::mt19937_64 rng(20240501);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uint64_t decoded = 0;
  for (int iter = 0; iter < 100'000; ++iter) {
    Bytes buf;
    if (iter % 2 == 0) {
      buf = random_stream(rng);
    } else {
      buf.resize(static_cast<std::size_t>(rng() % 128));
      for (auto& x : buf) x = static_cast<std::uint8_t>(byte(rng));
    }
    // An exactly sized heap copy, so a sanitizer build sees any over-read.
    const std::unique_ptr<std::uint8_t[]> exact(new std::uint8_t[buf.size() + (buf.empty() ? 1 : 0)]);
    std::copy(buf.begin(), buf.end(), exact.get());
    const std::uint8_t* p = exact.get();
    const std::size_t n = buf.size();

    // The whole buffer as one message.
    ReencodeCheck whole;
    whole.block = p;
    whole.size = n;
    const DecodeResult r = decode(p, n, whole);
    ASSERT_EQ(whole.seen, r == DecodeResult::Ok ? 1u : 0u);

    // As a stream, walked block by block here so each decoded message can be
    // compared with its own bytes; decode_stream must agree.
    ReencodeCheck check;
    DecodeCounters mine;
    std::size_t off = 0;
    std::uint64_t blocks = 0;
    while (n - off >= 2) {
      const std::size_t len = static_cast<std::size_t>(p[off] << 8 | p[off + 1]);
      if (len > n - off - 2) break;
      check.block = p + off + 2;
      check.size = len;
      mine.record(decode(p + off + 2, len, check), len ? p[off + 2] : 0);
      ++blocks;
      off += 2 + len;
    }
    TypeLog log;
    DecodeCounters c;
    ASSERT_EQ(decode_stream(p, n, log, c), off);
    ASSERT_LE(off, n);
    ASSERT_EQ(c.truncated, off == n ? 0u : 1u);
    ASSERT_EQ(c.messages + c.empty + c.unknown_type + c.bad_length + c.bad_field, blocks);
    ASSERT_EQ(c.messages, mine.messages);
    ASSERT_EQ(c.bad_length, mine.bad_length);
    ASSERT_EQ(c.messages, log.types.size());
    ASSERT_EQ(check.seen, c.messages);
    ASSERT_EQ(check.mismatches + whole.mismatches, 0u) << "iteration " << iter;
    decoded += c.messages;
  }
  // The generator must actually reach the decoders, not just the error paths.
  EXPECT_GT(decoded, 50'000u);
}

}  // namespace
}  // namespace hft::protocol::itch
