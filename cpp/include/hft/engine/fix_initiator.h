#pragma once
/// @file
/// The engine's end of an order-entry session: a FIX initiator over kernel
/// TCP that connects, logs on, reconnects after a drop and hands every
/// message to the application. Driven by poll() from the owner's loop; no
/// thread of its own.

#include <cstdint>
#include <memory>
#include <string>

#include "hft/engine/stage_clock.h"
#include "hft/net/tcp.h"
#include "hft/protocol/fix_session.h"

namespace hft::engine {

/// Where to connect and how often to retry.
struct FixInitiatorOptions {
  std::string host{"127.0.0.1"};
  std::uint16_t port{0};
  net::TcpOptions tcp{};
  /// Wait between connection attempts; 0: connect once, never reconnect.
  std::int64_t reconnect_interval_ms{1000};
};

class FixInitiator final : public protocol::fix::SessionTransport {
 public:
  FixInitiator(FixInitiatorOptions options, protocol::fix::SessionSettings settings, protocol::fix::SessionStore& store,
               protocol::fix::SessionApplication& application);

  /// One turn: connect when due, finish a pending connect, read and process
  /// what arrived, run the session timers, push queued bytes. True when it
  /// moved any bytes or changed state.
  bool poll(std::int64_t now_ns);

  /// Drops the connection without a Logout (a reset, as a dead link would);
  /// the session reconnects after reconnect_interval_ms.
  void drop_connection(std::int64_t now_ns);
  /// Stops or resumes reconnecting (e.g. for a planned outage).
  void set_reconnect(bool on) noexcept { reconnect_ = on; }
  /// Marks writes for the pipeline's stage timing (nullptr: none).
  void set_stage_clock(StageClock* stages) noexcept { stages_ = stages; }
  /// Between cork and uncork, messages are queued and leave in one write at
  /// uncork: the pipeline corks around each market data message, so the two
  /// quotes a message moves cost one system call, and the second does not
  /// wait for the first one's.
  void cork() noexcept { corked_ = true; }
  void uncork() noexcept;

  protocol::fix::Session& session() noexcept { return session_; }
  bool connected() const noexcept { return stream_ != nullptr && stream_->is_open() && !stream_->connecting(); }
  /// Why the last connection attempt or connection failed ("" if none did).
  const std::string& last_error() const noexcept { return last_error_; }

  // SessionTransport
  void send_bytes(protocol::ByteView bytes) noexcept override;
  void close_connection() noexcept override;

 private:
  void lost(std::int64_t now_ns, std::string why);

  FixInitiatorOptions options_;
  protocol::fix::Session session_;
  std::unique_ptr<net::TcpStream> stream_;
  std::int64_t next_attempt_ns_{0};
  bool reconnect_{true};
  bool attempted_{false};  // the first connection is always tried
  bool broken_{false};
  bool corked_{false};
  bool corked_bytes_{false};     // something was queued since cork()
  StageClock* stages_{nullptr};  // a send failed inside a session callback; handled by the next poll
  std::string last_error_;
};

}  // namespace hft::engine
