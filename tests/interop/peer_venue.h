#pragma once
/// @file
/// quickfix_peer's venue: what the peer answers to orders it receives.
/// NewOrderSingle -> ExecutionReport New, then (auto-fill on) a full Fill at
/// the order's price; OrderCancelRequest -> ER Canceled for a known open
/// order, else OrderCancelReject; OrderCancelReplaceRequest -> ER Replaced
/// for a known open order, else OrderCancelReject (434=2). A resent order
/// (PossDup=Y) whose ClOrdID the venue already knows is ignored, as FIX
/// asks; a new order reusing a ClOrdID is rejected (OrdRejReason 6).
/// C++14 (QuickFIX).

#include <map>
#include <set>
#include <string>
#include <vector>

#include <quickfix/Message.h>

namespace hft {
namespace interop {

class Venue {
 public:
  /// `firm` is written as the executing firm (Parties, role 1) on every ER.
  explicit Venue(std::string firm);

  /// Whether a new order is filled in full right after its New ER.
  void set_auto_fill(bool on) { auto_fill_ = on; }
  bool auto_fill() const { return auto_fill_; }

  /// The messages to send in answer to `m` (D, F or G; nothing for others).
  std::vector<FIX::Message> on_message(const FIX::Message& m);

  /// Fills `qty` (0: all that is left) of the open order `cl_ord_id` at
  /// `price` (empty: the order's price). Returns the ER, or sets `error`.
  bool fill(const std::string& cl_ord_id, double qty, const std::string& price, std::vector<FIX::Message>& out,
            std::string& error);

 private:
  struct Order {
    std::string order_id;
    std::string cl_ord_id;
    std::string symbol;
    char side{'1'};
    char ord_type{'2'};
    double qty{0};
    std::string price;  ///< as received, so the ER echoes it exactly
    double cum_qty{0};
    double avg_px{0};
    char status{'0'};
  };

  std::vector<FIX::Message> new_order(const FIX::Message& m);
  std::vector<FIX::Message> cancel(const FIX::Message& m);
  std::vector<FIX::Message> replace(const FIX::Message& m);
  FIX::Message report(const Order& o, char exec_type, const std::string& orig_cl_ord_id);
  FIX::Message cancel_reject(const FIX::Message& request, const Order* o, char response_to, int reason);
  FIX::Message trade(Order& o, double qty, const std::string& price);
  Order* open_order(const std::string& cl_ord_id);

  std::string firm_;
  bool auto_fill_{true};
  int next_order_{1};
  int next_exec_{1};
  std::map<std::string, Order> orders_;  ///< by the ClOrdID the order is known by now
  std::set<std::string> seen_;           ///< every ClOrdID ever used: a new order may not reuse one
};

}  // namespace interop
}  // namespace hft
