#pragma once
/// @file
/// A FIX acceptor over kernel TCP serving several sessions on one port, as
/// a venue does: a new connection is bound to the session its Logon names
/// (SenderCompID/TargetCompID), then that session's state machine runs it.
/// Driven by poll() from the owner's loop; no thread of its own.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hft/net/tcp.h"
#include "hft/protocol/fix_session.h"

namespace hft::venue {

/// What the acceptor tells its owner about connections (sessions report
/// their own events through their SessionApplication).
struct AcceptorCounters {
  std::uint64_t connections_accepted{0};
  std::uint64_t connections_refused{0};  ///< unknown CompIDs, not a Logon, duplicate identity, timeout
};

class FixAcceptor {
 public:
  /// Listens on `ip`:`port` (port 0: the kernel picks; see port()).
  static net::NetOpened<FixAcceptor> listen(const std::string& ip, std::uint16_t port, const net::TcpOptions& tcp);

  /// One session this acceptor serves; its settings' role must be Acceptor.
  /// `store` and `application` must outlive the acceptor. Call before the
  /// first poll().
  protocol::fix::Session& add_session(protocol::fix::SessionSettings settings, protocol::fix::SessionStore& store,
                                      protocol::fix::SessionApplication& application);

  /// One turn: accept, route new connections by their Logon, read and
  /// process, run timers, push queued bytes. True when anything moved.
  bool poll(std::int64_t now_ns);

  /// Logout on every logged-on session (shutdown); poll on until
  /// connected_sessions() is 0 or the logout timeout has passed.
  void logout_all(std::string_view text, std::int64_t now_ns);

  std::uint16_t port() const noexcept { return listener_->port(); }
  std::size_t session_count() const noexcept { return links_.size(); }
  protocol::fix::Session& session(std::size_t i) noexcept { return links_[i]->session; }
  /// Sessions with a connection.
  std::size_t connected_sessions() const noexcept;
  const AcceptorCounters& counters() const noexcept { return counters_; }

  explicit FixAcceptor(std::unique_ptr<net::TcpListener> listener, const net::TcpOptions& tcp);
  ~FixAcceptor();
  FixAcceptor(const FixAcceptor&) = delete;
  FixAcceptor& operator=(const FixAcceptor&) = delete;

 private:
  // A session and the connection it is running on, if any.
  struct Link final : protocol::fix::SessionTransport {
    Link(protocol::fix::SessionSettings s, protocol::fix::SessionStore& store, protocol::fix::SessionApplication& app)
        : session(std::move(s), store, *this, app) {}
    void send_bytes(protocol::ByteView bytes) noexcept override;
    void close_connection() noexcept override;
    protocol::fix::Session session;
    std::unique_ptr<net::TcpStream> stream;
    bool broken{false};
  };
  // A connection whose Logon has not arrived yet.
  struct Pending {
    std::unique_ptr<net::TcpStream> stream;
    std::array<std::uint8_t, protocol::fix::kMaxMessageSize> buffer{};
    std::size_t length{0};
    std::int64_t deadline_ns{0};
  };

  bool poll_pending(Pending& p, std::int64_t now_ns);
  Link* route(const std::uint8_t* data, std::size_t size);
  bool poll_link(Link& link, std::int64_t now_ns);

  std::unique_ptr<net::TcpListener> listener_;
  net::TcpOptions tcp_;
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<std::unique_ptr<Pending>> pending_;
  AcceptorCounters counters_{};
};

}  // namespace hft::venue
