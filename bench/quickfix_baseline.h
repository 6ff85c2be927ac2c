#pragma once
/// @file
/// QuickFIX (Debian's libquickfix-dev 1.15) parsing and building the same
/// messages as our codec, for a baseline measured in the same run.
///
/// QuickFIX's headers use dynamic exception specifications, which C++17
/// removed, so the implementation is built as C++14 and this header names no
/// QuickFIX type: bench_fix (C++17) includes only this.

#include <cstdint>
#include <string>

#include "support/fix_corpus.h"

namespace hft {
namespace bench {
namespace quickfix {

/// The NewOrderSingle fields our typed view reads, as a QuickFIX
/// application gets them (typed field getters; quantities and prices are
/// doubles in QuickFIX).
struct OrderFields {
  std::string sender_comp_id, target_comp_id, sending_time;
  int msg_seq_num = 0;
  bool poss_dup = false;
  std::string cl_ord_id, account, symbol, transact_time;
  char side = 0, ord_type = 0, time_in_force = '0';
  double order_qty = 0, price = 0, stop_px = 0;
  bool has_price = false, has_stop_px = false;
};

/// The ExecutionReport fields our typed view reads.
struct ReportFields {
  std::string sender_comp_id, target_comp_id, sending_time;
  int msg_seq_num = 0;
  bool poss_dup = false;
  std::string order_id, exec_id, symbol, cl_ord_id, orig_cl_ord_id, account, transact_time, text;
  char exec_type = 0, ord_status = 0, side = 0;
  double leaves_qty = 0, cum_qty = 0, avg_px = 0, order_qty = 0, price = 0, last_qty = 0, last_px = 0;
  bool has_price = false;
  int ord_rej_reason = -1;
};

/// Parses as a QuickFIX session does with each message it receives: a new
/// FIX::Message from the text (8, 9, 35 order, BodyLength and CheckSum
/// checked when `validate`), no data dictionary, then the fields read.
class Parser {
 public:
  explicit Parser(bool validate) : validate_(validate) {}
  /// False when QuickFIX rejects the message or a required field is missing.
  bool parse_order(const std::string& wire, OrderFields& out) const;
  bool parse_report(const std::string& wire, ReportFields& out) const;

 private:
  bool validate_;
};

/// Builds messages as a QuickFIX application and session do: a new
/// FIX::Message, the header the session fills in (BeginString, comp IDs,
/// MsgSeqNum, SendingTime from a time value), the body fields our encoder
/// writes, then toString(), which computes BodyLength and CheckSum.
class Encoder {
 public:
  Encoder(std::string sender_comp_id, std::string target_comp_id);
  /// The message text, valid until the next call.
  const std::string& encode_order(std::uint64_t seq_num, std::int64_t sending_time_ns, const fix_corpus::Order& o);
  const std::string& encode_report(std::uint64_t seq_num, std::int64_t sending_time_ns, const fix_corpus::Report& r);

 private:
  std::string sender_;
  std::string target_;
  std::string out_;
};

}  // namespace quickfix
}  // namespace bench
}  // namespace hft
