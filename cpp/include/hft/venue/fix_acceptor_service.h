#pragma once
/// @file
/// A FIX acceptor that runs on its own, so any FIX engine can be tested
/// against our session layer (`hft fix accept`): one session, logon,
/// heartbeats, sequence numbers, resend, and a BusinessMessageReject for
/// every application message (the venue puts its matching engine behind
/// the same acceptor instead).

#include <cstdint>
#include <functional>
#include <string>

#include "hft/protocol/fix_session.h"

namespace hft::venue {

struct FixAcceptorServiceOptions {
  std::string host{"0.0.0.0"};
  std::uint16_t port{0};  ///< 0: the kernel picks (reported through on_listening)
  std::string sender_comp_id;
  std::string target_comp_id;
  bool reset_on_logon{false};
  std::int32_t heartbeat_interval_s{30};
  std::int64_t max_sending_time_skew_ms{120'000};
  std::string store_dir;  ///< empty: sequence numbers in memory only
  /// Sleep when a poll finds nothing to do; 0 spins (lowest latency, a whole core).
  std::int32_t idle_sleep_us{100};
};

/// What the service did, for the caller's report.
struct FixAcceptorServiceSummary {
  std::uint16_t port{0};
  std::uint64_t next_sender_seq{0};
  std::uint64_t next_target_seq{0};
  protocol::fix::SessionCounters counters{};
  std::uint64_t connections_accepted{0};
  std::uint64_t connections_refused{0};
};

struct FixAcceptorServiceHooks {
  /// Called once, with the port, when the socket listens.
  std::function<void(std::uint16_t port)> on_listening;
  /// Every session event.
  std::function<void(const protocol::fix::SessionEvent& event)> on_event;
  /// Asked every 50 ms; true ends the service (a Logout is sent first).
  std::function<bool()> should_stop;
};

/// Runs until should_stop() returns true. Throws std::runtime_error when it
/// cannot start (port in use, store of another session, ...), with the
/// reason and what to do.
FixAcceptorServiceSummary run_fix_acceptor_service(const FixAcceptorServiceOptions& options,
                                                   const FixAcceptorServiceHooks& hooks);

}  // namespace hft::venue
