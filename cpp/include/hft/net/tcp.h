#pragma once
/// @file
/// TCP through the kernel, non-blocking, for order entry (FIX). A stream
/// sends what the kernel takes and keeps the rest in a preallocated queue
/// that flush() drains, so a slow peer never blocks the caller and never
/// makes it allocate; a peer too slow for the queue is the caller's signal
/// to drop the connection. Knows bytes only, never message types.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hft/net/net_result.h"

namespace hft::net {

/// Socket options for a TCP stream.
struct TcpOptions {
  bool no_delay{true};                     ///< TCP_NODELAY: no Nagle delay on small messages
  int busy_poll_us{0};                     ///< SO_BUSY_POLL (0: off; needs CAP_NET_ADMIN to raise)
  int receive_buffer_bytes{0};             ///< SO_RCVBUF (0: kernel default)
  int send_buffer_bytes{0};                ///< SO_SNDBUF (0: kernel default)
  std::size_t send_queue_bytes{4u << 20};  ///< bytes kept when the kernel's buffer is full
};

/// Outcome of a read or a flush.
enum class IoStatus : std::uint8_t {
  Ok,          ///< `bytes` moved (may be 0 for a flush with nothing queued)
  WouldBlock,  ///< nothing to read / the kernel takes nothing now
  Closed,      ///< the peer closed the connection
  Error,       ///< the connection failed (`error` holds errno)
};

struct IoResult {
  std::size_t bytes{0};
  IoStatus status{IoStatus::Ok};
  int error{0};
};

/// One connected (or connecting) TCP socket. Closed on destruction.
class TcpStream {
 public:
  /// Starts a non-blocking connect to `host` (a dotted quad or a name the
  /// resolver knows) and `port`; poll_connect() says when it is done.
  static NetOpened<TcpStream> connect(const std::string& host, std::uint16_t port, const TcpOptions& options);

  /// Wraps an accepted socket (TcpListener does this).
  TcpStream(int fd, const TcpOptions& options, bool connecting);
  TcpStream(const TcpStream&) = delete;
  TcpStream& operator=(const TcpStream&) = delete;
  ~TcpStream();

  /// While connecting: Ok once connected, WouldBlock while still trying,
  /// Error (with errno, e.g. ECONNREFUSED) when the connect failed.
  IoResult poll_connect() noexcept;
  bool connecting() const noexcept { return connecting_; }

  /// Reads what is there, up to `capacity` bytes.
  IoResult read(std::uint8_t* into, std::size_t capacity) noexcept;
  /// Sends `size` bytes: what the kernel takes now, the rest queued behind
  /// what is already queued (order is kept). False when the queue cannot
  /// hold the rest; nothing is then queued and the stream should be closed.
  bool send(const std::uint8_t* data, std::size_t size) noexcept;
  /// Queues `size` bytes without trying the kernel (a caller batching
  /// several messages into one write; `flush` sends them). False as for
  /// `send` when the queue cannot hold them.
  bool enqueue(const std::uint8_t* data, std::size_t size) noexcept;
  /// Moves queued bytes to the kernel; call from the poll loop.
  IoResult flush() noexcept;
  /// Bytes waiting in our queue.
  std::size_t queued() const noexcept { return queue_end_ - queue_begin_; }

  /// Closes now; queued bytes are lost.
  void close() noexcept;
  /// Closes with a reset (SO_LINGER 0): what the kernel has not sent is
  /// dropped, as when a machine or a link dies. For tests and kill paths.
  void abort() noexcept;
  bool is_open() const noexcept { return fd_ >= 0; }
  int fd() const noexcept { return fd_; }
  /// "ip:port" of the other end ("" when unknown).
  std::string peer() const;

 private:
  int fd_{-1};
  bool connecting_{false};
  std::vector<std::uint8_t> queue_;
  std::size_t queue_begin_{0};
  std::size_t queue_end_{0};
};

/// A listening socket.
class TcpListener {
 public:
  /// Binds and listens on `ip` (dotted quad; "0.0.0.0" for every
  /// interface) and `port` (0: the kernel picks; see port()). SO_REUSEADDR
  /// is set so a restart does not wait out TIME_WAIT.
  static NetOpened<TcpListener> listen(const std::string& ip, std::uint16_t port, int backlog = 16);

  explicit TcpListener(int fd, std::uint16_t port) noexcept : fd_(fd), port_(port) {}
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;
  ~TcpListener();

  /// The next pending connection, non-blocking: `value` is null and
  /// `result` ok when nobody is waiting.
  NetOpened<TcpStream> accept(const TcpOptions& options);
  std::uint16_t port() const noexcept { return port_; }
  int fd() const noexcept { return fd_; }

 private:
  int fd_{-1};
  std::uint16_t port_{0};
};

}  // namespace hft::net
