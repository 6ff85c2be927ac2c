// Typed views of the message types the engine handles, read from a
// MessageView in one pass over its fields.
#include <array>
#include <string_view>

#include "hft/protocol/fix.h"
#include "hft/protocol/fix_time.h"

namespace hft::protocol::fix {

namespace {

// Every tag a typed view reads gets a slot; one pass over the message fills
// the slots (first occurrence), skipping repeating groups as units so a
// member tag inside a group never shadows a body tag.
enum Slot : std::uint8_t {
  kNone,
  kSender,
  kTarget,
  kSeqNum,
  kSendingTime,
  kPossDup,
  kOrigSendingTime,
  kClOrdId,
  kOrigClOrdId,
  kOrderId,
  kExecId,
  kExecType,
  kOrdStatus,
  kSymbol,
  kSide,
  kOrderQty,
  kOrdType,
  kPrice,
  kStopPx,
  kTif,
  kLastQty,
  kLastPx,
  kLeavesQty,
  kCumQty,
  kAvgPx,
  kTransactTime,
  kText,
  kOrdRejReason,
  kCxlRejReason,
  kCxlRejResponseTo,
  kSessionRejectReason,
  kRefSeqNum,
  kRefTagId,
  kRefMsgType,
  kBusinessRejectReason,
  kHeartBtInt,
  kResetSeqNum,
  kTestReqId,
  kBeginSeqNo,
  kEndSeqNo,
  kGapFill,
  kNewSeqNo,
  kEncryptMethod,
  kAccount,
  kSlotCount
};
static_assert(kSlotCount <= 64, "slots are tracked in one 64-bit mask");
static_assert(kMaxFields <= 256, "a field index is kept in one byte");

// Tags below this have a table entry; every tag the views read and every
// group count tag is below it.
constexpr std::size_t kTagTableSize = 1024;
// slot_of value of a repeating group's count tag.
constexpr std::uint8_t kGroupCount = 0xFF;

struct SlotTables {
  std::array<std::uint8_t, kTagTableSize> slot_of{};
  std::array<std::uint32_t, kSlotCount> tag_of{};
};

constexpr SlotTables make_tables() noexcept {
  SlotTables t{};
  // Slots are set after the group count tags, so a slot tag always reads as
  // a slot.
  for (const std::uint32_t tag : detail::kGroupCountTags) t.slot_of[tag] = kGroupCount;
  const std::uint32_t pairs[][2] = {
      {49, kSender},
      {56, kTarget},
      {34, kSeqNum},
      {52, kSendingTime},
      {43, kPossDup},
      {122, kOrigSendingTime},
      {11, kClOrdId},
      {41, kOrigClOrdId},
      {37, kOrderId},
      {17, kExecId},
      {150, kExecType},
      {39, kOrdStatus},
      {55, kSymbol},
      {54, kSide},
      {38, kOrderQty},
      {40, kOrdType},
      {44, kPrice},
      {99, kStopPx},
      {59, kTif},
      {32, kLastQty},
      {31, kLastPx},
      {151, kLeavesQty},
      {14, kCumQty},
      {6, kAvgPx},
      {60, kTransactTime},
      {58, kText},
      {103, kOrdRejReason},
      {102, kCxlRejReason},
      {434, kCxlRejResponseTo},
      {373, kSessionRejectReason},
      {45, kRefSeqNum},
      {371, kRefTagId},
      {372, kRefMsgType},
      {380, kBusinessRejectReason},
      {108, kHeartBtInt},
      {141, kResetSeqNum},
      {112, kTestReqId},
      {7, kBeginSeqNo},
      {16, kEndSeqNo},
      {123, kGapFill},
      {36, kNewSeqNo},
      {98, kEncryptMethod},
      {1, kAccount},
  };
  for (const auto& p : pairs) {
    t.slot_of[p[0]] = static_cast<std::uint8_t>(p[1]);
    t.tag_of[p[1]] = p[0];
  }
  return t;
}

constexpr SlotTables kTables = make_tables();

// One pass over the message gathers where each slot's field is (first
// occurrence), skipping repeating groups as units so a member tag inside a
// group never shadows a body tag. Presence is one bit per slot, so nothing
// but a small index array is cleared per message.
class Slots {
 public:
  // Reads fields after the MsgType up to (not including) the trailer. The
  // common case (a slot or an unread tag) takes no branch that depends on
  // the tag: an unread tag writes a scratch entry and sets no bit.
  explicit Slots(const MessageView& m) noexcept : m_(m) {
    const std::size_t n = m.size() - 1;
    // In locals, not members: the members' address escapes to the Reader,
    // so the compiler would keep them in memory and every field would wait
    // on the previous field's store. A repeated tag is only noted here
    // (found again below, off the common path).
    std::uint64_t present = 0;
    std::uint64_t repeated = 0;
    std::size_t i = 3;
    while (i < n) {
      const std::uint32_t tag = m.field(i).tag;
      // Entry kTagTableSize - 1 is no slot: larger tags read it.
      const std::uint8_t s = kTables.slot_of[tag < kTagTableSize ? tag : kTagTableSize - 1];
      if (s != kGroupCount) {
        const std::uint64_t bit = (std::uint64_t{1} << s) & ~std::uint64_t{1};  // kNone sets nothing
        repeated |= present & bit;
        present |= bit;
        at_[s] = static_cast<std::uint8_t>(i);
        ++i;
        continue;
      }
      if (repeated != 0) break;  // the repeat comes first
      const GroupWalk w = m.walk_group(i, *find_group_spec(tag));
      if (!w.error.ok()) {
        error_ = w.error;
        break;
      }
      i = w.end;
    }
    if (repeated != 0) error_ = first_repeat(m);
    present_ = present;
  }

  bool present(Slot s) const noexcept { return ((present_ >> s) & 1u) != 0; }
  std::string_view value(Slot s) const noexcept { return m_.value(at_[s]); }
  ValueStatus int_value(Slot s, std::int64_t& out) const noexcept { return m_.int_value(at_[s], out); }
  ValueStatus price_value(Slot s, core::Price& out) const noexcept { return m_.price_value(at_[s], out); }
  ParseError error() const noexcept { return error_; }

 private:
  // The first slot tag seen twice, in field order, groups skipped as units
  // (their own errors come first when they come first).
  static ParseError first_repeat(const MessageView& m) noexcept {
    std::uint64_t present = 0;
    for (std::size_t i = 3; i < m.size() - 1;) {
      const std::uint32_t tag = m.field(i).tag;
      const std::uint8_t s = kTables.slot_of[tag < kTagTableSize ? tag : kTagTableSize - 1];
      if (s == kGroupCount) {
        const GroupWalk w = m.walk_group(i, *find_group_spec(tag));
        if (!w.error.ok()) return w.error;
        i = w.end;
        continue;
      }
      const std::uint64_t bit = (std::uint64_t{1} << s) & ~std::uint64_t{1};
      if ((present & bit) != 0) return {SessionRejectReason::TagAppearsMoreThanOnce, tag};
      present |= bit;
      ++i;
    }
    return {};
  }

  const MessageView& m_;
  std::uint64_t present_{0};
  std::array<std::uint8_t, kSlotCount> at_{};  // field index (< kMaxFields), where present (kNone: scratch)
  ParseError error_{};
};

// Conversion helpers: each returns false and sets `e` on the first problem,
// so a parse() reads as a list of fields.
ParseError missing(Slot s) noexcept { return {SessionRejectReason::RequiredTagMissing, kTables.tag_of[s]}; }

ParseError from_status(ValueStatus st, Slot s) noexcept {
  switch (st) {
    case ValueStatus::Ok:
      return {};
    case ValueStatus::Missing:
      return missing(s);
    case ValueStatus::BadFormat:
      return {SessionRejectReason::IncorrectDataFormat, kTables.tag_of[s]};
    case ValueStatus::OutOfRange:
      break;
  }
  return {SessionRejectReason::ValueIncorrect, kTables.tag_of[s]};
}

// Every read is inlined into its parse(): the presence and error checks
// then fold into straight-line code per message type.
#define HFT_FIX_INLINE __attribute__((always_inline)) inline

class Reader {
 public:
  explicit Reader(const Slots& s) noexcept : s_(s), e_(s.error()) {}

  HFT_FIX_INLINE void str(Slot s, std::string_view& out, bool required) noexcept {
    if (!e_.ok()) return;
    if (s_.present(s))
      out = s_.value(s);
    else if (required)
      e_ = missing(s);
  }
  HFT_FIX_INLINE void integer(Slot s, std::int64_t& out, bool required, std::int64_t min = 0) noexcept {
    if (!e_.ok()) return;
    if (!s_.present(s)) {
      if (required) e_ = missing(s);
      return;
    }
    e_ = from_status(s_.int_value(s, out), s);
    if (e_.ok() && out < min) e_ = from_status(ValueStatus::OutOfRange, s);
  }
  // FIX Qty is a float type: "100", "100.0" and "100.00" are the same
  // quantity and some venues print the decimals. Whole shares only: a
  // fractional quantity is refused rather than rounded.
  void quantity(Slot s, std::int64_t& out, bool required, std::int64_t min = 0) noexcept {
    if (!e_.ok()) return;
    if (!s_.present(s)) {
      if (required) e_ = missing(s);
      return;
    }
    ValueStatus st = s_.int_value(s, out);
    if (st == ValueStatus::BadFormat) {
      core::Price as_decimal;
      st = parse_price(s_.value(s), as_decimal);
      if (st == ValueStatus::Ok) {
        if (as_decimal.raw % 10'000 != 0) st = ValueStatus::OutOfRange;
        out = as_decimal.raw / 10'000;
      }
    }
    e_ = from_status(st, s);
    if (e_.ok() && out < min) e_ = from_status(ValueStatus::OutOfRange, s);
  }
  // A UTCTimestamp field: kept as text, but its format is checked.
  void timestamp(Slot s, std::string_view& out, bool required) noexcept {
    str(s, out, required);
    if (!e_.ok() || out.empty()) return;
    std::int64_t ns = 0;
    if (!parse_utc_timestamp(out, ns)) e_ = from_status(ValueStatus::BadFormat, s);
  }
  HFT_FIX_INLINE void price(Slot s, core::Price& out, bool required, bool* has = nullptr) noexcept {
    if (!e_.ok()) return;
    if (!s_.present(s)) {
      if (required) e_ = missing(s);
      return;
    }
    e_ = from_status(s_.price_value(s, out), s);
    if (has != nullptr) *has = e_.ok();
  }
  HFT_FIX_INLINE void character(Slot s, char& out, bool required) noexcept {
    if (!e_.ok()) return;
    if (!s_.present(s)) {
      if (required) e_ = missing(s);
      return;
    }
    if (s_.value(s).size() != 1)
      e_ = from_status(ValueStatus::BadFormat, s);
    else
      out = s_.value(s)[0];
  }
  HFT_FIX_INLINE void boolean(Slot s, bool& out) noexcept {
    char c = 0;
    character(s, c, false);
    if (!e_.ok() || c == 0) return;
    if (c == 'Y')
      out = true;
    else if (c == 'N')
      out = false;
    else
      e_ = from_status(ValueStatus::OutOfRange, s);
  }
  HFT_FIX_INLINE void header(Header& h) noexcept {
    str(kSender, h.sender_comp_id, true);
    str(kTarget, h.target_comp_id, true);
    integer(kSeqNum, h.msg_seq_num, true, 1);
    str(kSendingTime, h.sending_time, true);
    boolean(kPossDup, h.poss_dup);
    str(kOrigSendingTime, h.orig_sending_time, false);
  }
  void fail(ParseError e) noexcept {
    if (e_.ok()) e_ = e;
  }
  ParseError error() const noexcept { return e_; }

 private:
  const Slots& s_;
  ParseError e_;
};

// Side (54) values FIX 4.4 defines: '1'..'9', 'A'..'G'.
void check_side(Reader& r, char side) noexcept {
  const bool ok = (side >= '1' && side <= '9') || (side >= 'A' && side <= 'G');
  if (!ok) r.fail({SessionRejectReason::ValueIncorrect, 54});
}

// One character out of the values FIX 4.4 defines for a field: anything
// else is Reject 373=5 at the session level, as QuickFIX does with its
// dictionary (a venue may still refuse a defined value it does not support).
void check_enum(Reader& r, char value, std::string_view allowed, std::uint32_t tag) noexcept {
  if (allowed.find(value) == std::string_view::npos) r.fail({SessionRejectReason::ValueIncorrect, tag});
}

constexpr std::string_view kOrdTypes = "12346789DEGIJKLMPQ";   // 40
constexpr std::string_view kTimesInForce = "01234567";         // 59
constexpr std::string_view kExecTypes = "03456789ABCDEFGHIL";  // 150
constexpr std::string_view kOrdStatuses = "0123456789ABCDE";   // 39

// Price is required for limit-priced order types, StopPx for stop types.
void check_order_prices(Reader& r, char ord_type, bool has_price, bool has_stop) noexcept {
  const bool needs_price = ord_type == '2' || ord_type == '4' || ord_type == '7' || ord_type == 'B';
  const bool needs_stop = ord_type == '3' || ord_type == '4';
  if (needs_price && !has_price) r.fail(missing(kPrice));
  if (needs_stop && !has_stop) r.fail(missing(kStopPx));
}

ParseError check_type(const MessageView& m, MsgType t) noexcept {
  if (msg_type_of(m.msg_type()) != t) return {SessionRejectReason::InvalidMsgType, 35};
  return {};
}

// The order terms NewOrderSingle and OrderCancelReplaceRequest share, read
// and checked the same way for both.
template <typename Order>
void read_order_terms(Reader& r, Order& o) noexcept {
  r.str(kSymbol, o.symbol, true);
  r.character(kSide, o.side, true);
  r.timestamp(kTransactTime, o.transact_time, true);
  r.quantity(kOrderQty, o.order_qty, true, 1);
  r.character(kOrdType, o.ord_type, true);
  r.price(kPrice, o.price, false, &o.has_price);
  r.price(kStopPx, o.stop_px, false, &o.has_stop_px);
  r.character(kTif, o.time_in_force, false);
  if (r.error().ok()) {
    check_side(r, o.side);
    check_enum(r, o.ord_type, kOrdTypes, 40);
    check_enum(r, o.time_in_force, kTimesInForce, 59);
    check_order_prices(r, o.ord_type, o.has_price, o.has_stop_px);
  }
}

}  // namespace

#define HFT_FIX_BEGIN_PARSE(TYPE)                                     \
  if (const ParseError te = check_type(m, TYPE); !te.ok()) return te; \
  const Slots slots(m);                                               \
  Reader r(slots);                                                    \
  r.header(header)

ParseError Logon::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::Logon);
  r.integer(kEncryptMethod, encrypt_method, true);
  r.integer(kHeartBtInt, heart_bt_int, true);
  r.boolean(kResetSeqNum, reset_seq_num);
  return r.error();
}

ParseError Heartbeat::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::Heartbeat);
  r.str(kTestReqId, test_req_id, false);
  return r.error();
}

ParseError TestRequest::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::TestRequest);
  r.str(kTestReqId, test_req_id, true);
  return r.error();
}

ParseError ResendRequest::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::ResendRequest);
  r.integer(kBeginSeqNo, begin_seq_no, true, 1);
  r.integer(kEndSeqNo, end_seq_no, true);
  return r.error();
}

ParseError Reject::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::Reject);
  r.integer(kRefSeqNum, ref_seq_num, true);
  r.integer(kRefTagId, ref_tag_id, false);
  r.str(kRefMsgType, ref_msg_type, false);
  r.integer(kSessionRejectReason, session_reject_reason, false);
  r.str(kText, text, false);
  return r.error();
}

ParseError SequenceReset::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::SequenceReset);
  r.integer(kNewSeqNo, new_seq_no, true, 1);
  r.boolean(kGapFill, gap_fill);
  return r.error();
}

ParseError Logout::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::Logout);
  r.str(kText, text, false);
  return r.error();
}

ParseError NewOrderSingle::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::NewOrderSingle);
  r.str(kClOrdId, cl_ord_id, true);
  r.str(kAccount, account, false);
  read_order_terms(r, *this);
  return r.error();
}

ParseError OrderCancelRequest::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::OrderCancelRequest);
  r.str(kOrigClOrdId, orig_cl_ord_id, true);
  r.str(kClOrdId, cl_ord_id, true);
  r.str(kOrderId, order_id, false);
  r.str(kSymbol, symbol, true);
  r.character(kSide, side, true);
  r.timestamp(kTransactTime, transact_time, true);
  r.quantity(kOrderQty, order_qty, false);
  if (r.error().ok()) check_side(r, side);
  return r.error();
}

ParseError OrderCancelReplaceRequest::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::OrderCancelReplaceRequest);
  r.str(kOrigClOrdId, orig_cl_ord_id, true);
  r.str(kClOrdId, cl_ord_id, true);
  r.str(kOrderId, order_id, false);
  read_order_terms(r, *this);
  return r.error();
}

ParseError ExecutionReport::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::ExecutionReport);
  r.str(kOrderId, order_id, true);
  r.str(kExecId, exec_id, true);
  r.character(kExecType, exec_type, true);
  r.character(kOrdStatus, ord_status, true);
  r.str(kSymbol, symbol, true);
  r.character(kSide, side, true);
  r.quantity(kLeavesQty, leaves_qty, true);
  r.quantity(kCumQty, cum_qty, true);
  r.price(kAvgPx, avg_px, true);
  r.str(kClOrdId, cl_ord_id, false);
  r.str(kOrigClOrdId, orig_cl_ord_id, false);
  r.str(kAccount, account, false);
  r.quantity(kOrderQty, order_qty, false);
  r.price(kPrice, price, false, &has_price);
  r.quantity(kLastQty, last_qty, false);
  r.price(kLastPx, last_px, false);
  r.timestamp(kTransactTime, transact_time, false);
  r.str(kText, text, false);
  r.integer(kOrdRejReason, ord_rej_reason, false);
  if (r.error().ok()) {
    check_side(r, side);
    check_enum(r, exec_type, kExecTypes, 150);
    check_enum(r, ord_status, kOrdStatuses, 39);
  }
  return r.error();
}

ParseError OrderCancelReject::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::OrderCancelReject);
  r.str(kOrderId, order_id, true);
  r.str(kClOrdId, cl_ord_id, true);
  r.str(kOrigClOrdId, orig_cl_ord_id, true);
  r.character(kOrdStatus, ord_status, true);
  r.character(kCxlRejResponseTo, cxl_rej_response_to, true);
  r.integer(kCxlRejReason, cxl_rej_reason, false);
  r.str(kText, text, false);
  return r.error();
}

ParseError BusinessMessageReject::parse(const MessageView& m) noexcept {
  HFT_FIX_BEGIN_PARSE(MsgType::BusinessMessageReject);
  r.integer(kRefSeqNum, ref_seq_num, false);
  r.str(kRefMsgType, ref_msg_type, true);
  r.integer(kBusinessRejectReason, business_reject_reason, true);
  r.str(kText, text, false);
  return r.error();
}

#undef HFT_FIX_BEGIN_PARSE
#undef HFT_FIX_INLINE

}  // namespace hft::protocol::fix
