#pragma once
/// @file
/// The engine's tick-to-trade loop for one core, run to completion:
///
///   poll(now):  rx burst (line A, B, retransmission) ─► FeedHandler ─►
///               BookManager ─► StrategyHost ─► TradingCore ─►
///               FixOrderGateway ─► FIX session
///               FixInitiator::poll ─► FixExecutionTranslator ─► host/OMS
///               timers (feed gaps, core's stale-data checks, strategies)
///               control block heartbeat and commands (kill/resume/stop)
///
/// Built from plain options and already-open transports; the daemon turns
/// configuration into these. Everything is allocated in the constructor; a
/// steady-state `poll` allocates nothing (pipeline_test counts). `poll` is
/// not `noexcept` only because a FIX (re)connect may allocate, which is off
/// the steady state.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hft/core/clock.h"
#include "hft/engine/control_block_writer.h"
#include "hft/engine/fix_initiator.h"
#include "hft/engine/fix_order_gateway.h"
#include "hft/engine/stage_clock.h"
#include "hft/engine/strategy_context.h"
#include "hft/engine/strategy_host.h"
#include "hft/engine/strategy_registry.h"
#include "hft/market_data/book_manager.h"
#include "hft/market_data/feed_handler.h"
#include "hft/net/datagram_transport.h"
#include "hft/protocol/fix_store.h"
#include "hft/trading/audit_record.h"
#include "hft/trading/settings.h"
#include "hft/trading/trading_core.h"

namespace hft::engine {

/// The market-data sockets or ports, opened by the caller (kernel or DPDK).
struct PipelineTransports {
  std::unique_ptr<net::DatagramTransport> line_a;          ///< required
  std::unique_ptr<net::DatagramTransport> line_b;          ///< optional second line (A/B arbitration)
  std::unique_ptr<net::DatagramTransport> retransmission;  ///< optional: re-requests out, answers in
  net::UdpEndpoint retransmission_server;                  ///< where re-requests go
};

/// Everything else, as plain values.
struct PipelineOptions {
  /// Instruments, index = SymbolId; `ticker` is the venue's symbol (feed
  /// directory and FIX tag 55).
  std::vector<StrategyInstrument> instruments;
  trading::TradingSettings trading;      ///< `instruments` sized like the above
  std::uint32_t order_id_session{1};     ///< OMS id session (OrderIdGenerator)
  std::vector<StrategySpec> strategies;  ///< built with the built-in registry
  market_data::FeedHandlerOptions feed;
  market_data::BookManagerOptions books;
  FixInitiatorOptions fix;
  protocol::fix::SessionSettings session;  ///< role Initiator
  protocol::fix::StoreOptions store;       ///< store sizes and durability
  /// Folder of the session's store file; empty keeps it in memory (then a
  /// restart logs on at 1/1 and needs the venue to reset too).
  std::string store_directory;
  std::string store_session_id;  ///< what the file records ("FIX.4.4:HFT->VENUE")
  std::string account;           ///< FIX Account (1); empty: not sent
  /// The control block; none when not set.
  std::optional<ControlBlockOptions> control;
  std::size_t rx_burst{32};
  /// Strategy and core timers run at most this often (the feed's timer runs
  /// every iteration: it is a compare when nothing is pending).
  std::uint64_t timer_interval_ns{1'000'000};
  /// Counters and positions go to the control block this often (a few
  /// hundred stores; latency histograms are written as samples arrive).
  std::uint64_t publish_interval_ns{10'000'000};
  /// Per-stage TSC marks (StageClock) into the control block's histograms.
  bool stage_timing{true};
};

/// Counters of the loop itself.
struct PipelineCounters {
  std::uint64_t iterations{0};
  std::uint64_t packets{0};
  std::uint64_t commands{0};
  std::uint64_t fills{0};          ///< Trade reports applied
  std::uint64_t venue_rejects{0};  ///< orders the venue (or the gateway, offline) refused
};

class Pipeline final : private ExecutionReportSink {
 public:
  /// Builds every stage. `audit` and `clock` must outlive the pipeline.
  /// Throws std::invalid_argument / std::runtime_error on bad options (no
  /// line A, a strategy that cannot be built, a control block in use).
  Pipeline(PipelineOptions options, PipelineTransports transports, trading::AuditSink& audit,
           const core::TscCalibration& clock);
  ~Pipeline() override;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  /// Marks the control block Running and starts the strategies as soon as
  /// the order session is logged on (at once if it already is): until then
  /// the books build from the feed but no strategy sees them, so nothing is
  /// decided that could not be sent. Call once, before the first poll.
  void start();
  /// The strategies are running (the session logged on after `start`).
  bool strategies_started() const noexcept { return strategies_started_; }
  /// One loop iteration at wall-clock `now_ns` (ns since the epoch, for
  /// FIX); TSC is read here. True when anything arrived.
  bool poll(std::int64_t now_ns);

  /// The operator's kill and resume, as the control block commands do.
  void kill(trading::KillLevel level) noexcept;
  trading::ResumeResult resume() noexcept;
  /// A stop command arrived (the daemon then cancels, flushes and exits).
  bool stop_requested() const noexcept { return stop_requested_; }
  /// The stop command's reason text ("stop command" when it gave none).
  const std::string& stop_reason() const noexcept { return stop_reason_; }
  /// The first step of a stop: HALT with trigger Shutdown (strategies told,
  /// every live order cancelled, no resume) and state Stopping. Keep polling
  /// until `open_orders()` is 0 or the venue is gone, then `finish`.
  void begin_shutdown() noexcept;
  /// Logs the FIX session out; poll until `initiator().connected()` is false.
  void logout(std::int64_t now_ns) noexcept;
  /// Final counters and positions into the control block, state Stopped.
  void finish(ExitReason why, std::string_view reason) noexcept;
  std::size_t open_orders() const noexcept { return core_.orders().live_orders(); }
  /// The FIX session is logged on.
  bool venue_up() const noexcept { return venue_up_; }
  /// Counters and positions into the control block now (also done every
  /// `publish_interval_ns` by `poll`).
  void publish_telemetry() noexcept;

  const market_data::BookManager& books() const noexcept { return books_; }
  const market_data::FeedHandler& feed() const noexcept { return feed_; }
  trading::TradingCore& core() noexcept { return core_; }
  const trading::TradingCore& core() const noexcept { return core_; }
  StrategyHost& host() noexcept { return host_; }
  FixInitiator& initiator() noexcept { return *initiator_; }
  const FixOrderGateway& gateway() const noexcept { return gateway_; }
  const FixExecutionTranslator& translator() const noexcept { return translator_; }
  ControlBlockWriter* control() noexcept { return control_.get(); }
  const PipelineCounters& counters() const noexcept { return counters_; }

 private:
  struct FeedSink;
  struct Requester;

  void on_execution_report(const trading::ExecutionReport& report) noexcept override;
  void on_venue_session(bool up) noexcept override;
  void receive(net::DatagramTransport* transport, int line) noexcept;
  void poll_control(std::uint64_t tsc) noexcept;
  void publish_state() noexcept;
  void announce(const Command& c) noexcept;
  void publish_counters() noexcept;
  void start_strategies() noexcept;
  /// Applies the gateway's local rejects of requests the session refused.
  void drain_unsent() noexcept;

  PipelineOptions options_;
  PipelineTransports transports_;
  const core::TscCalibration& clock_;
  std::uint64_t timer_ticks_;
  std::vector<net::RxDatagram> rx_;
  market_data::BookManager books_;
  std::unique_ptr<FeedSink> feed_sink_;
  std::unique_ptr<Requester> requester_;
  market_data::FeedHandler feed_;
  FixOrderGateway gateway_;
  trading::TradingCore core_;
  StrategyHost host_;
  FixExecutionTranslator translator_;
  std::unique_ptr<protocol::fix::SessionStore> store_;
  std::unique_ptr<FixInitiator> initiator_;
  std::unique_ptr<ControlBlockWriter> control_;
  std::uint64_t last_timer_tsc_{0};
  std::uint64_t publish_ticks_;
  std::uint64_t last_publish_tsc_{0};
  StageClock stages_;
  bool venue_up_{false};
  bool stopping_{false};
  bool armed_{false};
  bool strategies_started_{false};
  trading::KillState published_{trading::KillState::Active};
  bool stop_requested_{false};
  std::string stop_reason_;
  PipelineCounters counters_;
};

}  // namespace hft::engine
