#pragma once
/// @file
/// TSC marks along the engine's one-thread path, turned into per-stage
/// latency histograms in the control block. The stages, in the order of
/// `default_latency_stages()`:
///
///   md_decode     packet received → its first message handed to the books
///                 (MoldUDP64 framing, sequencing, A/B arbitration)
///   book_update   message handed to the books → top-of-book callback
///   strategy      top-of-book callback → the strategy's first request
///   risk          request → order handed to the FIX gateway (kill switch,
///                 risk chain, OMS)
///   order_encode  gateway → FIX bytes ready (encoded, stored for resend)
///   tick_to_trade packet received → the transport's write of the orders
///                 starts, for every order the packet caused (the orders of
///                 one message leave in one write: see FixInitiator::cork)
///   exec_report   FIX report parsed → applied (OMS, positions, risk state,
///                 strategy callbacks)
///   order_send    the transport's write itself (the kernel's TCP send)
///
/// Marks cost one TSC read each: the first message of every packet and one
/// message in kMessageSample after it, each top-of-book change that follows
/// a timed message, and four per order. Orders not caused by a packet
/// (timers, kill cancels, requotes after a fill) are not tick-to-trade and
/// record nothing. Single-threaded: every mark comes from the engine thread.

#include <cstddef>
#include <cstdint>

#include "hft/core/clock.h"
#include "hft/engine/control_block_writer.h"

namespace hft::engine {

class StageClock {
 public:
  /// Indexes into `default_latency_stages()`.
  enum Stage : std::uint8_t {
    MdDecode = 0,
    BookUpdate = 1,
    Strategy = 2,
    Risk = 3,
    OrderEncode = 4,
    TickToTrade = 5,
    ExecReport = 6,
    OrderSend = 7,
  };
  static constexpr std::size_t kStageCount = 8;
  /// One message in this many (after each packet's first) is timed for
  /// book_update: a TSC read on every message costs ~25% of the engine's
  /// throughput (bench_pipeline), a sample costs a few percent.
  static constexpr std::uint32_t kMessageSample = 8;

  StageClock() noexcept = default;
  /// Where samples go; nullptr (the default) turns every mark into a no-op.
  void attach(ControlBlockWriter* sink, const core::TscCalibration& clock) noexcept {
    sink_ = sink != nullptr && sink->stage_count() >= kStageCount ? sink : nullptr;
    to_ns_ = core::TscConverter(clock);
  }
  bool enabled() const noexcept { return sink_ != nullptr; }

  // ---- market data → order ----
  void packet(std::uint64_t rx_tsc) noexcept {
    rx_ = rx_tsc;
    first_message_ = true;
  }
  void message() noexcept {
    if (sink_ == nullptr) return;
    book_ = 0;
    decided_ = 0;
    risk_recorded_ = false;
    if (!first_message_ && ++messages_ % kMessageSample != 0) {
      message_ = 0;
      return;
    }
    message_ = core::Clock::now();
    if (first_message_) {
      record(MdDecode, message_ - rx_);
      first_message_ = false;
    }
  }
  void top_of_book() noexcept {
    if (sink_ == nullptr || rx_ == 0) return;
    book_ = core::Clock::now();
    if (message_ != 0) record(BookUpdate, book_ - message_);
  }
  /// A strategy request (submit, replace or cancel).
  void decision() noexcept {
    if (sink_ == nullptr || book_ == 0 || decided_ != 0) return;
    decided_ = core::Clock::now();
    record(Strategy, decided_ - book_);
  }
  void gateway() noexcept {
    if (sink_ == nullptr || rx_ == 0) return;
    gateway_ = core::Clock::now();
    if (decided_ != 0 && !risk_recorded_) {
      record(Risk, gateway_ - decided_);
      risk_recorded_ = true;
    }
  }
  /// An order's bytes are ready (queued, or about to be written).
  void bytes_out() noexcept {
    if (sink_ == nullptr || gateway_ == 0) return;
    record(OrderEncode, core::Clock::now() - gateway_);
    gateway_ = 0;
    ++pending_;
  }
  /// The transport's write of the ready orders starts: tick-to-trade ends.
  void write_begin() noexcept {
    if (sink_ == nullptr || pending_ == 0) return;
    write_ = core::Clock::now();
    for (; pending_ > 0; --pending_) record(TickToTrade, write_ - rx_);
  }
  void write_end() noexcept {
    if (sink_ == nullptr || write_ == 0) return;
    record(OrderSend, core::Clock::now() - write_);
    write_ = 0;
  }
  /// The packet is done: later orders are not its consequence.
  void end_packet() noexcept {
    rx_ = 0;
    book_ = 0;
    decided_ = 0;
    gateway_ = 0;
    pending_ = 0;
    write_ = 0;
    risk_recorded_ = false;
  }

  // ---- execution report → positions ----
  /// A report or cancel reject was parsed and goes to the OMS.
  void report_read() noexcept {
    if (sink_ != nullptr) report_ = core::Clock::now();
  }
  void report_applied() noexcept {
    if (sink_ == nullptr || report_ == 0) return;
    record(ExecReport, core::Clock::now() - report_);
    report_ = 0;
  }

 private:
  void record(Stage s, std::uint64_t ticks) noexcept {
    // A TSC read on another socket could go backwards; such a sample is
    // noise, not a 584-year latency.
    if (static_cast<std::int64_t>(ticks) < 0) return;
    sink_->record_latency(s, to_ns_.to_ns(ticks));
  }

  ControlBlockWriter* sink_{nullptr};
  core::TscConverter to_ns_;
  std::uint64_t rx_{0};
  std::uint64_t message_{0};
  std::uint64_t book_{0};
  std::uint64_t decided_{0};
  std::uint64_t gateway_{0};
  std::uint64_t write_{0};
  std::uint64_t report_{0};
  std::uint32_t pending_{0};  // orders encoded, not yet written
  std::uint32_t messages_{0};
  bool first_message_{false};
  bool risk_recorded_{false};
};

}  // namespace hft::engine
