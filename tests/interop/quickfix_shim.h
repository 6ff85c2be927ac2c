#pragma once
/// @file
/// QuickFIX behind a wall: dictionary validation and message building done
/// by QuickFIX (the reference FIX 4.4 engine), reachable from our C++17 tests.
///
/// QuickFIX's headers use dynamic exception specifications, which C++17
/// removed, so only quickfix_shim.cpp (built as C++14) includes them. This
/// header uses nothing newer than C++14 and no QuickFIX type: every message
/// crosses the wall as its raw tag=value bytes.

#include <string>
#include <vector>

namespace hft {
namespace interop {

// ---------------------------------------------------------------- validation

/// What QuickFIX's DataDictionary says about one raw message, with
/// ValidateFieldsOutOfOrder, ValidateFieldsHaveValues and
/// ValidateUserDefinedFields on, BodyLength and CheckSum checked.
struct QfVerdict {
  bool valid{false};
  /// QuickFIX's own words ("Required tag missing", "Invalid message:
  /// Expected CheckSum=..."), followed by ", field=N" when it names a tag;
  /// empty when valid.
  std::string error;
  int tag{0};  ///< the field QuickFIX names, 0 when none
  /// The SessionRejectReason (373) QuickFIX's Session would answer with, -1
  /// when valid or when QuickFIX would not send a Reject (a garbled message
  /// it drops: bad BodyLength or CheckSum).
  int reject_reason{-1};
};

/// Validates `raw_message` (one whole message, SOH delimited) against the
/// QuickFIX dictionary at `dictionary_path`. Throws std::runtime_error when
/// the dictionary itself cannot be loaded (a broken test set-up, not a
/// verdict on the message).
QfVerdict qf_check(const std::string& raw_message, const std::string& dictionary_path);

/// qf_check reduced to its text: empty when valid, else QuickFIX's error.
std::string qf_validate(const std::string& raw_message, const std::string& dictionary_path);

/// Loads the dictionary and returns QuickFIX's ConfigError text, or empty
/// when QuickFIX accepts the file.
std::string qf_load_error(const std::string& dictionary_path);

// ---------------------------------------------------------------- building

/// The standard header QuickFIX is asked to write. SendingTime is "now" with
/// milliseconds unless `sending_time` is given.
struct QfHeader {
  std::string sender_comp_id{"QFIX"};
  std::string target_comp_id{"HFT"};
  int msg_seq_num{1};
  std::string sending_time;       ///< UTCTimestamp text; empty = now
  bool poss_dup{false};           ///< 43=Y
  std::string orig_sending_time;  ///< 122, empty = absent (a resend sets it)
};

/// One Parties (453) instance.
struct QfParty {
  std::string id;    ///< 448
  char source{'D'};  ///< 447: 'D' proprietary code
  int role{0};       ///< 452
};

struct QfNewOrder {
  std::string cl_ord_id{"ORD-1"};
  std::string account{"ACC-7"};
  std::string symbol{"AAPL"};
  char side{'1'};
  double order_qty{100};
  char ord_type{'2'};
  double price{187.25};  ///< written for limit and stop-limit types only
  double stop_px{0};     ///< written for stop and stop-limit types only
  char time_in_force{'0'};
  std::vector<QfParty> parties;
};

struct QfCancel {
  std::string orig_cl_ord_id{"ORD-1"};
  std::string cl_ord_id{"CXL-1"};
  std::string order_id{"VENUE-1"};  ///< empty = absent
  std::string symbol{"AAPL"};
  char side{'1'};
  double order_qty{100};
};

struct QfReplace {
  std::string orig_cl_ord_id{"ORD-1"};
  std::string cl_ord_id{"RPL-1"};
  std::string order_id{"VENUE-1"};
  std::string symbol{"AAPL"};
  char side{'1'};
  double order_qty{150};
  char ord_type{'2'};
  double price{187.5};
  char time_in_force{'0'};
};

struct QfExecution {
  std::string order_id{"VENUE-1"};
  std::string exec_id{"EXEC-1"};
  std::string cl_ord_id{"ORD-1"};
  std::string orig_cl_ord_id;  ///< empty = absent
  char exec_type{'F'};
  char ord_status{'2'};
  std::string symbol{"AAPL"};
  char side{'1'};
  double order_qty{100};
  char ord_type{'2'};
  double price{187.25};
  double last_qty{100};  ///< written when exec_type is 'F' (Trade)
  double last_px{187.25};
  double leaves_qty{0};
  double cum_qty{100};
  double avg_px{187.25};
  std::string text;        ///< empty = absent
  int ord_rej_reason{-1};  ///< -1 = absent
  std::vector<QfParty> parties;
};

struct QfCancelReject {
  std::string order_id{"VENUE-1"};
  std::string cl_ord_id{"CXL-1"};
  std::string orig_cl_ord_id{"ORD-1"};
  char ord_status{'2'};
  char response_to{'1'};  ///< 434: '1' cancel, '2' cancel/replace
  int reason{0};          ///< 102, -1 = absent
  std::string text;
};

/// Each returns the whole message as QuickFIX's toString() writes it
/// (BodyLength and CheckSum filled in by QuickFIX).
std::string qf_logon(const QfHeader& h, int heart_bt_int, bool reset_seq_num,
                     const std::vector<std::string>& msg_types_sent = {});
std::string qf_heartbeat(const QfHeader& h, const std::string& test_req_id = "");
std::string qf_test_request(const QfHeader& h, const std::string& test_req_id);
std::string qf_resend_request(const QfHeader& h, int begin_seq_no, int end_seq_no);
std::string qf_reject(const QfHeader& h, int ref_seq_num, int ref_tag_id, const std::string& ref_msg_type,
                      int session_reject_reason, const std::string& text);
std::string qf_sequence_reset(const QfHeader& h, int new_seq_no, bool gap_fill);
std::string qf_logout(const QfHeader& h, const std::string& text = "");
std::string qf_new_order_single(const QfHeader& h, const QfNewOrder& o);
std::string qf_order_cancel_request(const QfHeader& h, const QfCancel& c);
std::string qf_order_cancel_replace_request(const QfHeader& h, const QfReplace& r);
std::string qf_execution_report(const QfHeader& h, const QfExecution& e);
std::string qf_order_cancel_reject(const QfHeader& h, const QfCancelReject& r);
std::string qf_business_message_reject(const QfHeader& h, int ref_seq_num, const std::string& ref_msg_type,
                                       int business_reject_reason, const std::string& text);

/// `raw` with SOH shown as '|', for failure messages.
std::string qf_printable(const std::string& raw);

}  // namespace interop
}  // namespace hft
