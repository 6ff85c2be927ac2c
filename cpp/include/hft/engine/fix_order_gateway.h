#pragma once
/// @file
/// The trading core's two edges onto a FIX 4.4 order-entry session:
///
///  - `FixOrderGateway` is the core's `OrderGateway`: it encodes
///    NewOrderSingle (D), OrderCancelRequest (F) and
///    OrderCancelReplaceRequest (G) straight into the session's encoder.
///    ClOrdID is the OMS order id as decimal text, so a report's ClOrdID maps
///    back to the OMS id without a lookup table; the symbol (55) comes from
///    the instrument table indexed by `SymbolId`.
///  - `FixExecutionTranslator` is the session's `SessionApplication`: it
///    parses ExecutionReport (8) and OrderCancelReject (9) and hands the core
///    a `trading::ExecutionReport` through an `ExecutionReportSink`.
///
/// Both are single-threaded (the engine's hot thread), noexcept and
/// allocation-free after construction.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hft/engine/stage_clock.h"
#include "hft/protocol/fix_session.h"
#include "hft/trading/execution_report.h"
#include "hft/trading/order_request.h"

namespace hft::engine {

/// What the gateway sent and what it could not.
struct FixOrderGatewayCounters {
  std::uint64_t new_orders{0};
  std::uint64_t cancels{0};
  std::uint64_t replaces{0};
  /// Requests refused by the session (not logged on, or the message did not
  /// encode): the OMS keeps the order pending; nothing reaches the venue.
  std::uint64_t not_sent{0};
  std::uint64_t unknown_symbol{0};   ///< SymbolId outside the table: not sent
  std::uint64_t unsent_overflow{0};  ///< refusals beyond the queue's room: the OMS is not told
};

/// `venue_reason` of a report the gateway makes up for a request it could
/// not send: no venue reason code uses it.
inline constexpr std::uint16_t kNotSentReason = 0xFFFF;

/// `trading::OrderGateway` over a FIX session. See the file comment.
class FixOrderGateway final : public trading::OrderGateway {
 public:
  /// `symbols` indexed by `SymbolId` (the venue's ticker, e.g. "AAPL");
  /// `account` (1) is written when not empty.
  explicit FixOrderGateway(std::vector<std::string> symbols, std::string account = {});

  /// The session to send through; must outlive the gateway's use. Separate
  /// from construction because the session's owner (the initiator) needs
  /// the application, and the application the core, before it exists.
  void bind(protocol::fix::Session& session) noexcept { session_ = &session; }
  /// Wall-clock time (ns since the epoch) for SendingTime and TransactTime;
  /// the owner sets it once per loop iteration.
  void set_time(std::int64_t now_ns) noexcept { now_ns_ = now_ns; }
  /// Marks each request for the pipeline's stage timing (nullptr: none).
  void set_stage_clock(StageClock* stages) noexcept { stages_ = stages; }

  void send_new(const trading::Order& order) noexcept override;
  void send_cancel(const trading::Order& order, trading::OrderId cancel_id) noexcept override;
  void send_replace(const trading::Order& order, trading::OrderId new_id, trading::Price price,
                    trading::Qty quantity) noexcept override;

  /// Requests the session refused come back as local reports (Rejected for
  /// a new order, CancelRejected / ReplaceRejected for the others), so the
  /// OMS does not wait forever on an order the venue never saw. They are
  /// queued, not applied at once, because the gateway is called from inside
  /// the core; the owner drains them after the call returns.
  template <typename Apply>
  void drain_unsent(Apply&& apply) noexcept {
    // Index loop: `apply` may call the gateway again and queue more.
    for (std::size_t i = 0; i < unsent_count_; ++i) {
      const trading::ExecutionReport& report = unsent_[i];
      apply(report);
    }
    unsent_count_ = 0;
  }
  std::size_t unsent() const noexcept { return unsent_count_; }

  const FixOrderGatewayCounters& counters() const noexcept { return counters_; }

 private:
  static constexpr std::size_t kUnsentCapacity = 256;
  void refused(trading::ExecKind kind, const trading::Order& order, trading::OrderId request_id) noexcept;
  /// The symbol of `order`, or empty (counted) when outside the table.
  std::string_view symbol_of(const trading::Order& order) noexcept;
  /// Sends what `build` encodes; counts a refusal.
  template <typename Build>
  bool send(Build&& build) noexcept;

  std::vector<std::string> symbols_;
  std::string account_;
  protocol::fix::Session* session_{nullptr};
  std::int64_t now_ns_{0};
  StageClock* stages_{nullptr};
  FixOrderGatewayCounters counters_;
  std::array<trading::ExecutionReport, kUnsentCapacity> unsent_{};
  std::size_t unsent_count_{0};
};

/// Where translated reports go (the StrategyHost, through the pipeline).
class ExecutionReportSink {
 public:
  virtual ~ExecutionReportSink() = default;
  virtual void on_execution_report(const trading::ExecutionReport& report) noexcept = 0;
  /// The order session logged on (`up`) or went away.
  virtual void on_venue_session(bool up) noexcept = 0;

 protected:
  ExecutionReportSink() = default;
  ExecutionReportSink(const ExecutionReportSink&) = default;
  ExecutionReportSink& operator=(const ExecutionReportSink&) = default;
};

/// What the translator received.
struct FixTranslatorCounters {
  std::uint64_t execution_reports{0};  ///< handed to the sink
  std::uint64_t cancel_rejects{0};     ///< OrderCancelReject handed to the sink
  std::uint64_t ignored{0};            ///< ExecTypes the core does not act on (pending, status, restated)
  std::uint64_t bad_cl_ord_id{0};      ///< ClOrdID not one of ours (not decimal): dropped
  std::uint64_t rejected{0};           ///< messages that failed to parse (session Reject sent)
  std::uint64_t business_rejects{0};   ///< BusinessMessageReject received
};

/// `SessionApplication` that turns reports into `trading::ExecutionReport`.
class FixExecutionTranslator final : public protocol::fix::SessionApplication {
 public:
  /// `symbols` indexed by `SymbolId`, as the gateway's; `sink` must outlive
  /// the translator.
  FixExecutionTranslator(std::vector<std::string> symbols, ExecutionReportSink& sink);

  protocol::fix::AppResult on_application(const protocol::fix::MessageView& message, protocol::fix::MsgType type,
                                          const protocol::fix::Header& header, std::int64_t now_ns) noexcept override;
  void on_event(const protocol::fix::SessionEvent& event) noexcept override;

  /// Marks each report for the pipeline's stage timing (nullptr: none).
  void set_stage_clock(StageClock* stages) noexcept { stages_ = stages; }
  const FixTranslatorCounters& counters() const noexcept { return counters_; }

 private:
  protocol::fix::AppResult on_report(const protocol::fix::MessageView& message) noexcept;
  protocol::fix::AppResult on_cancel_reject(const protocol::fix::MessageView& message) noexcept;
  trading::SymbolId symbol_id(std::string_view symbol) const noexcept;

  std::vector<std::string> symbols_;
  ExecutionReportSink& sink_;
  StageClock* stages_{nullptr};
  FixTranslatorCounters counters_;
};

/// Decimal text to an OMS id; false when `text` is empty, not all digits or
/// too large.
bool parse_order_id(std::string_view text, trading::OrderId& out) noexcept;
/// An id string as 64 bits: decimal ids as they are, others hashed
/// (FNV-1a), so duplicates of the same ExecID still compare equal.
std::uint64_t id_to_u64(std::string_view text) noexcept;

}  // namespace hft::engine
