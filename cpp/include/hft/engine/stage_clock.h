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
///   order_encode  gateway → FIX bytes ready for the transport
///   tick_to_trade packet received → FIX bytes handed to the transport, for
///                 every order a packet caused
///   exec_report   FIX bytes read → report applied (OMS, positions, risk
///                 state, strategy callbacks)
///   order_send    the transport's write itself (the kernel's TCP send)
///
/// Marks cost one TSC read each: one per market data message, one more per
/// top-of-book change, four per order. Orders not caused by a packet (timers,
/// kill cancels, requotes after a fill) are not tick-to-trade and record
/// nothing. Single-threaded: every mark comes from the engine thread.

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
    message_ = core::Clock::now();
    if (first_message_) {
      record(MdDecode, message_ - rx_);
      first_message_ = false;
    }
    book_ = 0;
    decided_ = 0;
    risk_recorded_ = false;
  }
  void top_of_book() noexcept {
    if (sink_ == nullptr || rx_ == 0) return;
    book_ = core::Clock::now();
    record(BookUpdate, book_ - message_);
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
  void bytes_out() noexcept {
    if (sink_ == nullptr || gateway_ == 0) return;
    out_ = core::Clock::now();
    record(OrderEncode, out_ - gateway_);
    record(TickToTrade, out_ - rx_);
  }
  void bytes_written() noexcept {
    if (sink_ == nullptr || out_ == 0) return;
    record(OrderSend, core::Clock::now() - out_);
    out_ = 0;
    gateway_ = 0;
  }
  /// The packet is done: later orders are not its consequence.
  void end_packet() noexcept {
    rx_ = 0;
    book_ = 0;
    decided_ = 0;
    gateway_ = 0;
    out_ = 0;
    risk_recorded_ = false;
  }

  // ---- execution report → positions ----
  void report_read() noexcept {
    if (sink_ != nullptr) report_ = core::Clock::now();
  }
  void report_applied() noexcept {
    if (sink_ == nullptr || report_ == 0) return;
    record(ExecReport, core::Clock::now() - report_);
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
  std::uint64_t out_{0};
  std::uint64_t report_{0};
  bool first_message_{false};
  bool risk_recorded_{false};
};

}  // namespace hft::engine
