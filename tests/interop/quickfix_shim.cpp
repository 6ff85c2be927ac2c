// The only test translation unit that sees QuickFIX's headers (built as
// C++14, see quickfix_shim.h). Validation mirrors what QuickFIX's Session
// does with an incoming message: parse with the dictionary (BodyLength and
// CheckSum checked), then DataDictionary::validate.
#include "quickfix_shim.h"

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include <quickfix/DataDictionary.h>
#include <quickfix/Exceptions.h>
#include <quickfix/Message.h>
#include <quickfix/Values.h>
#include <quickfix/fix44/BusinessMessageReject.h>
#include <quickfix/fix44/ExecutionReport.h>
#include <quickfix/fix44/Heartbeat.h>
#include <quickfix/fix44/Logon.h>
#include <quickfix/fix44/Logout.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/OrderCancelReject.h>
#include <quickfix/fix44/OrderCancelReplaceRequest.h>
#include <quickfix/fix44/OrderCancelRequest.h>
#include <quickfix/fix44/Reject.h>
#include <quickfix/fix44/ResendRequest.h>
#include <quickfix/fix44/SequenceReset.h>
#include <quickfix/fix44/TestRequest.h>

namespace hft {
namespace interop {
namespace {

// Loading a dictionary parses XML; tests validate dozens of messages against
// the same file, so each path is loaded once per process.
const FIX::DataDictionary& dictionary(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<FIX::DataDictionary>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(path);
  if (it != cache.end()) return *it->second;
  std::unique_ptr<FIX::DataDictionary> dd;
  try {
    dd.reset(new FIX::DataDictionary(path));
  } catch (const FIX::ConfigError& e) {
    throw std::runtime_error("QuickFIX cannot load dictionary " + path + ": " + e.what());
  }
  // The three checks a FIX session configures with ValidateFieldsOutOfOrder,
  // ValidateFieldsHaveValues and ValidateUserDefinedFields = Y.
  dd->checkFieldsOutOfOrder(true);
  dd->checkFieldsHaveValues(true);
  dd->checkUserDefinedFields(true);
  return *(cache[path] = std::move(dd));
}

QfVerdict rejected(const FIX::Exception& e, int tag, int reason) {
  QfVerdict v;
  v.error = e.what();
  if (tag != 0) v.error += ", field=" + std::to_string(tag);
  v.tag = tag;
  v.reject_reason = reason;
  return v;
}

void fill_header(FIX::Message& m, const QfHeader& h) {
  FIX::Header& hd = m.getHeader();
  hd.setField(FIX::SenderCompID(h.sender_comp_id));
  hd.setField(FIX::TargetCompID(h.target_comp_id));
  hd.setField(FIX::MsgSeqNum(h.msg_seq_num));
  if (h.sending_time.empty()) {
    hd.setField(FIX::SendingTime(FIX::UtcTimeStamp(), 3));
  } else {
    FIX::SendingTime t;
    t.setString(h.sending_time);
    hd.setField(t);
  }
  if (h.poss_dup) hd.setField(FIX::PossDupFlag(true));
  if (!h.orig_sending_time.empty()) {
    FIX::OrigSendingTime t;
    t.setString(h.orig_sending_time);
    hd.setField(t);
  }
}

template <typename Msg>
void add_parties(Msg& m, const std::vector<QfParty>& parties) {
  for (const QfParty& p : parties) {
    typename Msg::NoPartyIDs g;
    g.set(FIX::PartyID(p.id));
    g.set(FIX::PartyIDSource(p.source));
    g.set(FIX::PartyRole(p.role));
    m.addGroup(g);
  }
}

bool has_limit_price(char ord_type) { return ord_type == '2' || ord_type == '4'; }
bool has_stop_price(char ord_type) { return ord_type == '3' || ord_type == '4'; }

FIX::TransactTime now_ms() { return FIX::TransactTime(FIX::UtcTimeStamp(), 3); }

}  // namespace

QfVerdict qf_check(const std::string& raw, const std::string& dictionary_path) {
  const FIX::DataDictionary& dd = dictionary(dictionary_path);
  try {
    const FIX::Message m(raw, dd, true);  // true: BodyLength and CheckSum
    dd.validate(m);
    QfVerdict v;
    v.valid = true;
    return v;
  } catch (const FIX::InvalidMessage& e) {
    return rejected(e, 0, -1);  // QuickFIX drops a garbled message without a Reject
  } catch (const FIX::InvalidTagNumber& e) {
    return rejected(e, e.field, FIX::SessionRejectReason_INVALID_TAG_NUMBER);
  } catch (const FIX::RequiredTagMissing& e) {
    return rejected(e, e.field, FIX::SessionRejectReason_REQUIRED_TAG_MISSING);
  } catch (const FIX::TagNotDefinedForMessage& e) {
    return rejected(e, e.field, FIX::SessionRejectReason_TAG_NOT_DEFINED_FOR_THIS_MESSAGE_TYPE);
  } catch (const FIX::NoTagValue& e) {
    return rejected(e, e.field, FIX::SessionRejectReason_TAG_SPECIFIED_WITHOUT_A_VALUE);
  } catch (const FIX::IncorrectTagValue& e) {
    return rejected(e, e.field, FIX::SessionRejectReason_VALUE_IS_INCORRECT);
  } catch (const FIX::IncorrectDataFormat& e) {
    return rejected(e, e.field, FIX::SessionRejectReason_INCORRECT_DATA_FORMAT_FOR_VALUE);
  } catch (const FIX::TagOutOfOrder& e) {
    return rejected(e, e.field, FIX::SessionRejectReason_TAG_SPECIFIED_OUT_OF_REQUIRED_ORDER);
  } catch (const FIX::RepeatedTag& e) {
    return rejected(e, e.field, FIX::SessionRejectReason_TAG_APPEARS_MORE_THAN_ONCE);
  } catch (const FIX::RepeatingGroupCountMismatch& e) {
    return rejected(e, e.field, FIX::SessionRejectReason_INCORRECT_NUMINGROUP_COUNT_FOR_REPEATING_GROUP);
  } catch (const FIX::InvalidMessageType& e) {
    return rejected(e, 35, FIX::SessionRejectReason_INVALID_MSGTYPE);
  } catch (const FIX::FieldNotFound& e) {
    return rejected(e, e.field, FIX::SessionRejectReason_REQUIRED_TAG_MISSING);
  } catch (const FIX::Exception& e) {
    return rejected(e, 0, FIX::SessionRejectReason_OTHER);
  }
}

std::string qf_validate(const std::string& raw, const std::string& dictionary_path) {
  return qf_check(raw, dictionary_path).error;
}

std::string qf_load_error(const std::string& dictionary_path) {
  try {
    FIX::DataDictionary dd(dictionary_path);
    return {};
  } catch (const FIX::ConfigError& e) {
    return e.what();
  }
}

std::string qf_logon(const QfHeader& h, int heart_bt_int, bool reset_seq_num,
                     const std::vector<std::string>& msg_types_sent) {
  FIX44::Logon m{FIX::EncryptMethod(FIX::EncryptMethod_NONE_OTHER), FIX::HeartBtInt(heart_bt_int)};
  fill_header(m, h);
  if (reset_seq_num) m.set(FIX::ResetSeqNumFlag(true));
  for (const std::string& t : msg_types_sent) {
    FIX44::Logon::NoMsgTypes g;
    g.set(FIX::RefMsgType(t));
    g.set(FIX::MsgDirection(FIX::MsgDirection_SEND));
    m.addGroup(g);
  }
  return m.toString();
}

std::string qf_heartbeat(const QfHeader& h, const std::string& test_req_id) {
  FIX44::Heartbeat m;
  fill_header(m, h);
  if (!test_req_id.empty()) m.set(FIX::TestReqID(test_req_id));
  return m.toString();
}

std::string qf_test_request(const QfHeader& h, const std::string& test_req_id) {
  FIX44::TestRequest m{FIX::TestReqID{test_req_id}};
  fill_header(m, h);
  return m.toString();
}

std::string qf_resend_request(const QfHeader& h, int begin_seq_no, int end_seq_no) {
  FIX44::ResendRequest m{FIX::BeginSeqNo(begin_seq_no), FIX::EndSeqNo(end_seq_no)};
  fill_header(m, h);
  return m.toString();
}

std::string qf_reject(const QfHeader& h, int ref_seq_num, int ref_tag_id, const std::string& ref_msg_type,
                      int session_reject_reason, const std::string& text) {
  FIX44::Reject m{FIX::RefSeqNum{ref_seq_num}};
  fill_header(m, h);
  if (ref_tag_id != 0) m.set(FIX::RefTagID(ref_tag_id));
  if (!ref_msg_type.empty()) m.set(FIX::RefMsgType(ref_msg_type));
  if (session_reject_reason >= 0) m.set(FIX::SessionRejectReason(session_reject_reason));
  if (!text.empty()) m.set(FIX::Text(text));
  return m.toString();
}

std::string qf_sequence_reset(const QfHeader& h, int new_seq_no, bool gap_fill) {
  FIX44::SequenceReset m{FIX::NewSeqNo{new_seq_no}};
  fill_header(m, h);
  if (gap_fill) m.set(FIX::GapFillFlag(true));
  return m.toString();
}

std::string qf_logout(const QfHeader& h, const std::string& text) {
  FIX44::Logout m;
  fill_header(m, h);
  if (!text.empty()) m.set(FIX::Text(text));
  return m.toString();
}

std::string qf_new_order_single(const QfHeader& h, const QfNewOrder& o) {
  FIX44::NewOrderSingle m{FIX::ClOrdID(o.cl_ord_id), FIX::Side(o.side), now_ms(), FIX::OrdType(o.ord_type)};
  fill_header(m, h);
  add_parties(m, o.parties);
  if (!o.account.empty()) m.set(FIX::Account(o.account));
  m.set(FIX::HandlInst(FIX::HandlInst_AUTOMATED_EXECUTION_ORDER_PRIVATE_NO_BROKER_INTERVENTION));
  m.set(FIX::Symbol(o.symbol));
  m.set(FIX::OrderQty(o.order_qty));
  if (has_limit_price(o.ord_type)) m.set(FIX::Price(o.price));
  if (has_stop_price(o.ord_type)) m.set(FIX::StopPx(o.stop_px));
  m.set(FIX::TimeInForce(o.time_in_force));
  return m.toString();
}

std::string qf_order_cancel_request(const QfHeader& h, const QfCancel& c) {
  FIX44::OrderCancelRequest m{FIX::OrigClOrdID(c.orig_cl_ord_id), FIX::ClOrdID(c.cl_ord_id), FIX::Side(c.side),
                              now_ms()};
  fill_header(m, h);
  if (!c.order_id.empty()) m.set(FIX::OrderID(c.order_id));
  m.set(FIX::Symbol(c.symbol));
  m.set(FIX::OrderQty(c.order_qty));
  return m.toString();
}

std::string qf_order_cancel_replace_request(const QfHeader& h, const QfReplace& r) {
  FIX44::OrderCancelReplaceRequest m{FIX::OrigClOrdID(r.orig_cl_ord_id), FIX::ClOrdID(r.cl_ord_id), FIX::Side(r.side),
                                     now_ms(), FIX::OrdType(r.ord_type)};
  fill_header(m, h);
  if (!r.order_id.empty()) m.set(FIX::OrderID(r.order_id));
  m.set(FIX::Symbol(r.symbol));
  m.set(FIX::OrderQty(r.order_qty));
  if (has_limit_price(r.ord_type)) m.set(FIX::Price(r.price));
  m.set(FIX::TimeInForce(r.time_in_force));
  return m.toString();
}

std::string qf_execution_report(const QfHeader& h, const QfExecution& e) {
  FIX44::ExecutionReport m{FIX::OrderID(e.order_id),     FIX::ExecID(e.exec_id), FIX::ExecType(e.exec_type),
                           FIX::OrdStatus(e.ord_status), FIX::Side(e.side),      FIX::LeavesQty(e.leaves_qty),
                           FIX::CumQty(e.cum_qty),       FIX::AvgPx(e.avg_px)};
  fill_header(m, h);
  m.set(FIX::ClOrdID(e.cl_ord_id));
  if (!e.orig_cl_ord_id.empty()) m.set(FIX::OrigClOrdID(e.orig_cl_ord_id));
  add_parties(m, e.parties);
  m.set(FIX::Symbol(e.symbol));
  m.set(FIX::OrderQty(e.order_qty));
  m.set(FIX::OrdType(e.ord_type));
  if (has_limit_price(e.ord_type)) m.set(FIX::Price(e.price));
  if (e.exec_type == FIX::ExecType_TRADE) {
    m.set(FIX::LastQty(e.last_qty));
    m.set(FIX::LastPx(e.last_px));
  }
  m.set(now_ms());
  if (!e.text.empty()) m.set(FIX::Text(e.text));
  if (e.ord_rej_reason >= 0) m.set(FIX::OrdRejReason(e.ord_rej_reason));
  return m.toString();
}

std::string qf_order_cancel_reject(const QfHeader& h, const QfCancelReject& r) {
  FIX44::OrderCancelReject m{FIX::OrderID(r.order_id), FIX::ClOrdID(r.cl_ord_id), FIX::OrigClOrdID(r.orig_cl_ord_id),
                             FIX::OrdStatus(r.ord_status), FIX::CxlRejResponseTo(r.response_to)};
  fill_header(m, h);
  if (r.reason >= 0) m.set(FIX::CxlRejReason(r.reason));
  if (!r.text.empty()) m.set(FIX::Text(r.text));
  return m.toString();
}

std::string qf_business_message_reject(const QfHeader& h, int ref_seq_num, const std::string& ref_msg_type,
                                       int business_reject_reason, const std::string& text) {
  FIX44::BusinessMessageReject m{FIX::RefMsgType(ref_msg_type), FIX::BusinessRejectReason(business_reject_reason)};
  fill_header(m, h);
  if (ref_seq_num > 0) m.set(FIX::RefSeqNum(ref_seq_num));
  if (!text.empty()) m.set(FIX::Text(text));
  return m.toString();
}

std::string qf_printable(const std::string& raw) {
  std::string s = raw;
  for (char& c : s) {
    if (c == '\x01') c = '|';
  }
  return s;
}

}  // namespace interop
}  // namespace hft
