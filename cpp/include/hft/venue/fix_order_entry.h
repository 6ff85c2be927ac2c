#pragma once
/// @file
/// Venue order entry over FIX 4.4: one FixOrderEntry per FIX session turns
/// NewOrderSingle, OrderCancelRequest and OrderCancelReplaceRequest into
/// matching-engine inputs, and the engine's events for its participant into
/// ExecutionReports and OrderCancelRejects, as a real venue sends them.
///
/// Wiring (see also event_router.h):
///
///   ExecIdCounter exec_ids;                                  // one per venue
///   FixOrderEntry entry({.participant = 1}, engine, exec_ids);
///   router.add_participant(1, entry);                        // engine events in
///   entry.attach(acceptor.add_session(settings, store, entry));  // FIX in and out
///
/// The engine runs inputs to completion and emits their events before it
/// returns, so an answer to a request is sent while the request is being
/// handled; events of this participant caused by anyone else (a fill of a
/// resting order, a triggered stop) arrive whenever the engine makes them.
/// Reports go out with queue_if_offline: what happens while the client is
/// away reaches it by resend after its next logon.
///
/// Everything is allocated at construction: per-order state lives in a
/// fixed table of `order_capacity` slots, ClOrdID lookups go through a
/// fixed hash index. Mapping decisions: docs/venue.md "Order entry".

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "hft/core/flat_index.h"
#include "hft/core/types.h"
#include "hft/protocol/fix_session.h"
#include "hft/venue/fix_order_entry_reports.h"
#include "hft/venue/matching_engine.h"

namespace hft::venue {

/// Longest ClOrdID kept (FIX allows more; a longer one on a NewOrderSingle
/// or OrderCancelReplaceRequest is answered with BusinessMessageReject).
inline constexpr std::size_t kMaxClOrdIdLength = 32;

/// The venue's ExecID (17) source, shared by every session so ExecIDs are
/// unique across the venue.
class ExecIdCounter {
 public:
  std::uint64_t next() noexcept { return ++last_; }
  std::uint64_t last() const noexcept { return last_; }

 private:
  std::uint64_t last_{0};
};

/// Configuration of one session's order entry.
struct FixOrderEntryOptions {
  /// The engine participant this session trades as (not 0; distinct from
  /// every other session and from the background flow).
  ParticipantId participant{0};
  /// Orders remembered at once: live ones, plus the most recently finished
  /// ones (so a late cancel gets "too late" rather than "unknown order")
  /// while their slots are not needed. New orders beyond this many live
  /// ones are rejected (OrdRejReason 99, "order table full").
  std::size_t order_capacity{1u << 14};
};

/// What the order entry did, for telemetry.
struct FixOrderEntryCounters {
  std::uint64_t new_orders{0};        ///< NewOrderSingle received
  std::uint64_t cancels{0};           ///< OrderCancelRequest received
  std::uint64_t replaces{0};          ///< OrderCancelReplaceRequest received
  std::uint64_t orders_rejected{0};   ///< ExecutionReport 150=8 sent
  std::uint64_t cancel_rejects{0};    ///< OrderCancelReject sent
  std::uint64_t business_rejects{0};  ///< BusinessMessageReject asked of the session
  std::uint64_t reports_sent{0};      ///< messages handed to a logged-on session
  std::uint64_t reports_queued{0};    ///< stored for resend while the client is away
  std::uint64_t reports_lost{0};      ///< no session attached, or encoding failed
  std::uint64_t fills{0};             ///< Trade reports
  std::uint64_t stray_events{0};      ///< engine events that matched no order of ours
};

class FixOrderEntry final : public protocol::fix::SessionApplication, public EventSink {
 public:
  /// Builds the order table and the symbol table (from the engine's
  /// instruments). Throws std::invalid_argument for participant 0 or a
  /// capacity of 0 or above 2^30. `engine` and `exec_ids` must outlive it.
  FixOrderEntry(const FixOrderEntryOptions& options, MatchingEngine& engine, ExecIdCounter& exec_ids);
  FixOrderEntry(const FixOrderEntry&) = delete;
  FixOrderEntry& operator=(const FixOrderEntry&) = delete;

  /// The session reports go out on (FixAcceptor::add_session's result).
  void attach(protocol::fix::Session& session) noexcept { session_ = &session; }

  // SessionApplication: the client's messages.
  protocol::fix::AppResult on_application(const protocol::fix::MessageView& message, protocol::fix::MsgType type,
                                          const protocol::fix::Header& header, std::int64_t now_ns) noexcept override;
  // EventSink: the engine's events for this participant (via EventRouter).
  void on_events(const Event* events, std::size_t count) noexcept override;

  ParticipantId participant() const noexcept { return participant_; }
  /// Orders live now (accepted, not finished).
  std::size_t live_orders() const noexcept { return table_.size() - free_count_; }
  /// Venue order id of the live order with ClOrdID `cl_ord_id`, 0 if none.
  VenueOrderId find_live(std::string_view cl_ord_id) const noexcept;
  const FixOrderEntryCounters& counters() const noexcept { return counters_; }

 private:
  // One order: what its reports need, kept from acceptance to the end.
  struct Order {
    core::int128 notional{0};  // sum of fill price raw × qty, for AvgPx
    VenueOrderId venue_id{0};  // changes when a replace loses priority
    std::uint64_t key{0};      // ClOrdID hash under which the index holds it; 0 = not indexed
    std::int64_t order_qty{0};
    std::int64_t cum_qty{0};
    core::Price price{};
    core::Price stop_price{};
    std::uint32_t generation{0};  // part of the engine handle: stale events are recognised
    InstrumentId instrument{0};
    OrderType type{OrderType::Limit};
    TimeInForce tif{TimeInForce::Day};
    char fix_side{'1'};  // as the client sent it (5 and 6 are sells to the engine)
    char status{ord_status::kNew};
    bool live{false};
    std::uint8_t cl_len{0};
    std::array<char, kMaxClOrdIdLength> cl{};
    std::string_view cl_ord_id() const noexcept { return {cl.data(), cl_len}; }
  };

  // The request being handled, so the events it causes can be answered
  // with its ClOrdID. Views point into the message: valid during the call.
  struct Pending {
    enum class Kind : std::uint8_t { None, New, Cancel, Replace };
    Kind kind{Kind::None};
    std::uint32_t slot{0};
    std::string_view cl_ord_id;
    core::Price stop_price{};
  };

  struct Symbol {
    std::array<char, 8> text{};
    std::uint8_t len{0};
    std::string_view view() const noexcept { return {text.data(), len}; }
  };

  protocol::fix::AppResult on_new_order(const protocol::fix::MessageView& m, std::int64_t now_ns) noexcept;
  protocol::fix::AppResult on_cancel(const protocol::fix::MessageView& m, std::int64_t now_ns) noexcept;
  protocol::fix::AppResult on_replace(const protocol::fix::MessageView& m, std::int64_t now_ns) noexcept;

  void on_engine_event(const Event& e) noexcept;
  void on_accepted(const Event& e, Order& o) noexcept;
  void on_rejected(const Event& e, Order& o) noexcept;
  void on_fill(const Event& e, Order& o) noexcept;
  void on_cancelled(const Event& e, Order& o) noexcept;
  void on_replaced(const Event& e, Order& o) noexcept;
  void on_triggered(const Event& e, Order& o) noexcept;

  // Order table.
  static std::uint64_t key_of(std::string_view cl_ord_id) noexcept;
  static ClientOrderId handle_of(std::uint32_t slot, const Order& o) noexcept {
    return (std::uint64_t{o.generation} << 32) | slot;
  }
  /// The order an engine handle names, or null when it is stale.
  Order* order_of(ClientOrderId handle) noexcept;
  /// The order (live or remembered) a client calls `cl_ord_id`, or kNone.
  std::uint32_t find_slot(std::string_view cl_ord_id) const noexcept;
  /// The target of a cancel/replace: by OrderID (37) when given, else by OrigClOrdID.
  std::uint32_t find_target(std::string_view order_id, std::string_view orig_cl_ord_id) const noexcept;
  /// Takes the oldest free slot (forgetting the finished order it held); kNone when all are live.
  std::uint32_t allocate() noexcept;
  /// The order is finished: its slot joins the back of the free queue.
  void finish(Order& o, char status) noexcept;
  void index(std::uint32_t slot, std::string_view cl_ord_id) noexcept;
  void unindex(std::uint32_t slot) noexcept;
  std::uint32_t slot_of(const Order& o) const noexcept { return static_cast<std::uint32_t>(&o - table_.data()); }

  // Reports.
  ExecReportFields report_of(const Order& o, char exec_type, std::int64_t transact_ns) noexcept;
  void send_report(const ExecReportFields& f, std::int64_t now_ns) noexcept;
  void send_cancel_reject(const CancelRejectFields& f, std::int64_t now_ns) noexcept;
  /// ExecutionReport 150=8 for a NewOrderSingle the venue did not pass to the engine.
  void reject_new_order(std::string_view cl_ord_id, std::string_view symbol, char side, std::int64_t qty, char ord_type,
                        char tif, std::int32_t reason, std::string_view text, std::int64_t now_ns) noexcept;
  void reject_cancel(std::uint32_t slot, std::string_view cl_ord_id, std::string_view orig_cl_ord_id, char response_to,
                     std::int32_t reason, std::string_view text, std::int64_t now_ns) noexcept;

  static constexpr std::uint32_t kNone = 0xFFFF'FFFFu;

  ParticipantId participant_;
  MatchingEngine& engine_;
  ExecIdCounter& exec_ids_;
  protocol::fix::Session* session_{nullptr};

  std::vector<Order> table_;
  std::vector<std::uint32_t> free_;  // FIFO ring of free slots, oldest finished first
  std::size_t free_head_{0};
  std::size_t free_count_{0};
  core::FlatIndex by_cl_ord_id_;  // ClOrdID hash -> slot (live and remembered orders)

  std::vector<Symbol> symbols_;  // by InstrumentId
  core::FlatIndex by_symbol_;    // 8 space-padded bytes as a word -> InstrumentId

  Pending pending_{};
  FixOrderEntryCounters counters_{};
};

}  // namespace hft::venue
