#include "hft/engine/pipeline.h"

#include <array>
#include <stdexcept>
#include <utility>

#include "hft/protocol/moldudp64.h"

namespace hft::engine {

namespace md = market_data;

namespace {

// Gauges and feed details after the standard counters (in this order).
constexpr std::array<const char*, 8> kPipelineGauges{
    "open_orders",           "venue_session_up",   "strategies_running", "feed_gaps_filled_by_lines",
    "feed_gaps_filled_retx", "feed_messages_lost", "feed_requests_sent", "feed_stale",
};

std::vector<std::string> tickers(const std::vector<StrategyInstrument>& instruments) {
  std::vector<std::string> out;
  out.reserve(instruments.size());
  for (const auto& i : instruments) out.push_back(i.ticker);
  return out;
}

// ns to TSC ticks at start-up (floating point is fine off the hot path); an
// uncalibrated clock counts 1 tick per ns, as TscConverter does.
std::uint64_t to_ticks(const core::TscCalibration& clock, std::uint64_t ns) noexcept {
  if (clock.ticks_per_second <= 0) return ns;
  return static_cast<std::uint64_t>(static_cast<double>(ns) * clock.ticks_per_second / 1e9);
}

EngineState engine_state(trading::KillState s) noexcept {
  switch (s) {
    case trading::KillState::Reducing:
      return EngineState::Reducing;
    case trading::KillState::Halted:
      return EngineState::Halted;
    case trading::KillState::Active:
      break;
  }
  return EngineState::Running;
}

}  // namespace

/// Sequenced ITCH messages into the books (whose listener is the host).
struct Pipeline::FeedSink final : md::MessageSink {
  FeedSink(md::BookManager& b, StageClock& s) : books(b), stages(s) {}
  void on_message(std::uint64_t, const std::uint8_t* data, std::size_t size, std::uint64_t) noexcept override {
    stages.message();
    // The orders one message causes (a market maker moves both quotes)
    // leave in one write, as soon as the message is done.
    initiator->cork();
    books.apply(data, size);
    initiator->uncork();
  }
  // Lost for good: the books cannot be trusted, so strategies stop quoting
  // on them (market_open is false while stale).
  void on_gap_unrecoverable(std::uint64_t, std::uint64_t) noexcept override { books.set_all_stale(true); }
  void on_stale(bool stale) noexcept override { books.set_all_stale(stale); }
  void on_end_of_session() noexcept override {}
  md::BookManager& books;
  StageClock& stages;
  FixInitiator* initiator{nullptr};  // set once the initiator exists
};

/// Re-requests out of the retransmission socket to the venue's server.
struct Pipeline::Requester final : md::RetransmitRequester {
  Requester(net::DatagramTransport* s, net::UdpEndpoint to) : socket(s), server(to) {}
  void request(const protocol::mold::Request& r) noexcept override {
    if (socket == nullptr) return;
    std::uint8_t packet[protocol::mold::kRequestSize];
    const std::size_t n = protocol::mold::encode_request(r, packet, sizeof packet);
    if (n == 0) return;
    const net::TxDatagram d{packet, n, server};
    socket->tx_burst(&d, 1);
  }
  net::DatagramTransport* socket;
  net::UdpEndpoint server;
};

Pipeline::Pipeline(PipelineOptions options, PipelineTransports transports, trading::AuditSink& audit,
                   const core::TscCalibration& clock)
    : options_(std::move(options)),
      transports_(std::move(transports)),
      clock_(clock),
      timer_ticks_(to_ticks(clock, options_.timer_interval_ns)),
      rx_(options_.rx_burst == 0 ? 1 : options_.rx_burst),
      books_(options_.books),
      feed_sink_(std::make_unique<FeedSink>(books_, stages_)),
      requester_(std::make_unique<Requester>(transports_.retransmission.get(), transports_.retransmission_server)),
      feed_(options_.feed, *feed_sink_, *requester_),
      gateway_(tickers(options_.instruments), options_.account),
      core_(options_.trading, trading::OrderIdGenerator(options_.order_id_session), gateway_, audit, clock),
      host_(core_, books_, options_.instruments, clock),
      translator_(tickers(options_.instruments), *this),
      publish_ticks_(to_ticks(clock, options_.publish_interval_ns)) {
  if (!transports_.line_a) throw std::invalid_argument("pipeline: market data line A is required");
  if (options_.trading.instruments.size() != options_.instruments.size())
    throw std::invalid_argument("pipeline: trading.instruments and instruments differ in size");
  install_strategies(host_, options_.strategies, StrategyRegistry::with_builtins());
  const auto now = static_cast<std::int64_t>(core::Clock::realtime_ns());
  if (options_.store_directory.empty()) {
    store_ = protocol::fix::SessionStore::in_memory(options_.store, now);
  } else {
    std::string error;
    store_ = protocol::fix::SessionStore::open_file(options_.store_directory, options_.store_session_id, options_.store,
                                                    now, error);
    if (!store_) throw std::runtime_error("FIX store " + options_.store_directory + ": " + error);
  }
  options_.session.role = protocol::fix::SessionRole::Initiator;
  initiator_ = std::make_unique<FixInitiator>(options_.fix, options_.session, *store_, translator_);
  gateway_.bind(initiator_->session());
  feed_sink_->initiator = initiator_.get();
  if (options_.control) {
    ControlBlockOptions co = *options_.control;
    if (co.instruments.empty()) co.instruments = tickers(options_.instruments);
    co.extra_counters.insert(co.extra_counters.begin(), kPipelineGauges.begin(), kPipelineGauges.end());
    co.calibration = &clock_;
    control_ = std::make_unique<ControlBlockWriter>(co);
    if (options_.stage_timing) {
      stages_.attach(control_.get(), clock_);
      host_.context().set_stage_clock(&stages_);
      gateway_.set_stage_clock(&stages_);
      initiator_->set_stage_clock(&stages_);
      translator_.set_stage_clock(&stages_);
    }
  }
}

Pipeline::~Pipeline() = default;

void Pipeline::start() {
  armed_ = true;
  if (venue_up_) start_strategies();
  if (control_) control_->set_state(EngineState::Running);
}

void Pipeline::start_strategies() noexcept {
  if (strategies_started_) return;
  strategies_started_ = true;
  books_.set_listener(&host_);
  host_.start();
}

void Pipeline::receive(net::DatagramTransport* transport, int line) noexcept {
  if (transport == nullptr) return;
  const std::size_t n = transport->rx_burst(rx_.data(), rx_.size());
  if (n == 0) return;
  // One TSC read per burst: the kernel transport has no per-packet TSC, and
  // the packets of a burst arrived before this read anyway.
  const std::uint64_t tsc = core::Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    // A relay from a network core stamped the datagram when it arrived there.
    const std::uint64_t at = rx_[i].rx_tsc != 0 ? rx_[i].rx_tsc : tsc;
    host_.set_time(at);
    stages_.packet(at);
    feed_.on_packet(line, rx_[i].payload, rx_[i].size, at);
  }
  stages_.end_packet();
  counters_.packets += n;
}

bool Pipeline::poll(std::int64_t now_ns) {
  ++counters_.iterations;
  gateway_.set_time(now_ns);
  const std::uint64_t before = counters_.packets;
  receive(transports_.line_a.get(), md::kFeedLineA);
  receive(transports_.line_b.get(), md::kFeedLineB);
  receive(transports_.retransmission.get(), md::kFeedLineRetransmission);
  drain_unsent();
  const bool fix_moved = initiator_->poll(now_ns);
  drain_unsent();

  const std::uint64_t tsc = core::Clock::now();
  feed_.on_timer(tsc);
  if (tsc - last_timer_tsc_ >= timer_ticks_) {
    last_timer_tsc_ = tsc;
    host_.set_time(tsc);
    host_.on_timer(tsc);
  }
  poll_control(tsc);
  drain_unsent();
  if (tsc - last_publish_tsc_ >= publish_ticks_) {
    last_publish_tsc_ = tsc;
    publish_telemetry();
  }
  return fix_moved || counters_.packets != before;
}

void Pipeline::publish_telemetry() noexcept {
  if (!control_) return;
  publish_counters();
  control_->publish_positions(core_.positions());
}

void Pipeline::publish_counters() noexcept {
  ControlBlockWriter& c = *control_;
  const md::FeedCounters& f = feed_.counters();
  const FixOrderGatewayCounters& g = gateway_.counters();
  const FixTranslatorCounters& x = translator_.counters();
  const StrategyOrderCounters& s = host_.context().counters();
  const trading::TradingCounters& t = core_.counters();
  std::uint64_t rejects = 0;
  for (std::size_t r = 1; r < t.rejects.size(); ++r) {
    rejects += t.rejects[r];
    c.set(counter_index(static_cast<trading::RejectReason>(r)), t.rejects[r]);
  }
  std::uint64_t trips = 0;
  for (const std::uint64_t k : t.kill_trips) trips += k;
  c.set(counter_index(Counter::LoopIterations), counters_.iterations);
  c.set(counter_index(Counter::PacketsIn), counters_.packets);
  c.set(counter_index(Counter::MessagesIn), f.delivered);
  c.set(counter_index(Counter::SequenceGaps), f.gaps_detected);
  c.set(counter_index(Counter::BookUpdates), books_.counters().messages);
  c.set(counter_index(Counter::Signals), s.submits + s.replaces + s.cancels);
  c.set(counter_index(Counter::OrdersSent), g.new_orders);
  c.set(counter_index(Counter::CancelsSent), g.cancels);
  c.set(counter_index(Counter::ReplacesSent), g.replaces);
  c.set(counter_index(Counter::ExecutionReports), x.execution_reports + x.cancel_rejects);
  c.set(counter_index(Counter::Fills), counters_.fills);
  c.set(counter_index(Counter::Rejects), rejects);
  c.set(counter_index(Counter::VenueRejects), counters_.venue_rejects);
  c.set(counter_index(Counter::KillTrips), trips);
  c.set(counter_index(Counter::CommandsHandled), counters_.commands);
  c.set(counter_index(Counter::MarketDataDrops), f.messages_lost + f.buffer_overflows);
  const std::uint64_t gauges[kPipelineGauges.size()] = {
      core_.orders().live_orders(),
      venue_up_ ? 1u : 0u,
      strategies_started_ ? 1u : 0u,
      f.gaps_filled_by_lines,
      f.gaps_filled_by_retransmission,
      f.messages_lost,
      f.requests_sent,
      feed_.stale() ? 1u : 0u,
  };
  for (std::size_t i = 0; i < kPipelineGauges.size(); ++i) c.set(kCounterCount + i, gauges[i]);
}

void Pipeline::begin_shutdown() noexcept {
  stopping_ = true;
  const std::uint64_t tsc = core::Clock::now();
  host_.set_time(tsc);
  core_.shutdown(tsc);
  host_.check_kill();
  drain_unsent();
  if (control_) control_->set_state(EngineState::Stopping, "shutdown: cancelling open orders");
}

void Pipeline::logout(std::int64_t now_ns) noexcept {
  initiator_->set_reconnect(false);
  initiator_->session().logout("engine stopping", now_ns);
}

void Pipeline::finish(ExitReason why, std::string_view reason) noexcept {
  if (!control_) return;
  publish_telemetry();
  control_->set_state(EngineState::Stopped, reason, why);
}

void Pipeline::poll_control(std::uint64_t tsc) noexcept {
  if (!control_) return;
  control_->heartbeat(tsc);
  counters_.commands += control_->poll_commands([this](const Command& c) noexcept {
    switch (c.kind) {
      case CommandKind::Kill:
        if (c.level == KillLevel::None) return CommandReply{CommandResult::Invalid, 0};
        kill(c.level == KillLevel::Halt ? trading::KillLevel::Halt : trading::KillLevel::Reduce);
        announce(c);
        return CommandReply{};
      case CommandKind::Resume: {
        const trading::ResumeResult r = resume();
        if (!r.resumed) return CommandReply{CommandResult::Refused, static_cast<std::uint32_t>(r.blocking)};
        announce(c);
        return CommandReply{};
      }
      case CommandKind::Stop:
        stop_requested_ = true;
        // Copied: the text lives in the command slot only during this call
        // (a rare command, off the data path).
        stop_reason_.assign(c.reason.empty() ? std::string_view("stop command") : c.reason);
        return CommandReply{};
      case CommandKind::None:
        break;
    }
    return CommandReply{CommandResult::Invalid, 0};
  });
  publish_state();
}

void Pipeline::announce(const Command& c) noexcept {
  // The operator's words and command number go with the state they caused,
  // so `hft status` says who halted the engine and why.
  if (!control_ || stopping_) return;
  published_ = core_.kill_switch().state();
  control_->set_state(engine_state(published_), c.reason.empty() ? trading::to_string(published_) : c.reason,
                      ExitReason::None, c.seq);
}

void Pipeline::publish_state() noexcept {
  const trading::KillState s = core_.kill_switch().state();
  if (!control_ || s == published_ || stopping_) return;
  published_ = s;
  control_->set_state(engine_state(s), trading::to_string(s));
}

void Pipeline::kill(trading::KillLevel level) noexcept {
  host_.kill(level, core::Clock::now());
  drain_unsent();
  publish_state();
}

trading::ResumeResult Pipeline::resume() noexcept {
  const trading::ResumeResult r = host_.resume(core::Clock::now());
  publish_state();
  return r;
}

void Pipeline::drain_unsent() noexcept {
  gateway_.drain_unsent([this](const trading::ExecutionReport& r) noexcept { on_execution_report(r); });
}

void Pipeline::on_execution_report(const trading::ExecutionReport& report) noexcept {
  host_.set_time(report.tsc);
  host_.on_execution_report(report);
  if (report.kind == trading::ExecKind::Trade) ++counters_.fills;
  if (report.kind == trading::ExecKind::Rejected) ++counters_.venue_rejects;
  stages_.report_applied();
}

void Pipeline::on_venue_session(bool up) noexcept {
  if (up == venue_up_) return;  // a Logout and the close that follows report one loss
  venue_up_ = up;
  if (up && armed_) start_strategies();
  if (stopping_) return;  // our own Logout at shutdown is not a lost venue
  core_.on_venue_session(up, core::Clock::now());
  host_.check_kill();
}

}  // namespace hft::engine
