#include "hft/net/tcp.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace hft::net {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

bool set_int(int fd, int level, int name, int value) {
  return ::setsockopt(fd, level, name, &value, sizeof value) == 0;
}

// Applies the options; the message names the option that failed.
NetResult configure(int fd, const TcpOptions& o) {
  if (o.no_delay && !set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1))
    return NetResult::failure("TCP_NODELAY: " + errno_text(errno));
  if (o.busy_poll_us > 0 && !set_int(fd, SOL_SOCKET, SO_BUSY_POLL, o.busy_poll_us))
    return NetResult::failure("SO_BUSY_POLL " + std::to_string(o.busy_poll_us) + " us: " + errno_text(errno) +
                              " (raising it needs CAP_NET_ADMIN; or set busy_poll_us to 0)");
  if (o.receive_buffer_bytes > 0 && !set_int(fd, SOL_SOCKET, SO_RCVBUF, o.receive_buffer_bytes))
    return NetResult::failure("SO_RCVBUF: " + errno_text(errno));
  if (o.send_buffer_bytes > 0 && !set_int(fd, SOL_SOCKET, SO_SNDBUF, o.send_buffer_bytes))
    return NetResult::failure("SO_SNDBUF: " + errno_text(errno));
  return NetResult::success();
}

bool resolve(const std::string& host, std::uint16_t port, sockaddr_in& out, std::string& error) {
  std::memset(&out, 0, sizeof out);
  out.sin_family = AF_INET;
  out.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &out.sin_addr) == 1) return true;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr) {
    error = "cannot resolve host '" + host + "': " + ::gai_strerror(rc);
    return false;
  }
  out.sin_addr = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr;
  ::freeaddrinfo(found);
  return true;
}

}  // namespace

// ---------------------------------------------------------------- stream

TcpStream::TcpStream(int fd, const TcpOptions& options, bool connecting)
    : fd_(fd), connecting_(connecting), queue_(options.send_queue_bytes) {}

TcpStream::~TcpStream() { close(); }

NetOpened<TcpStream> TcpStream::connect(const std::string& host, std::uint16_t port, const TcpOptions& options) {
  sockaddr_in addr{};
  std::string error;
  if (!resolve(host, port, addr, error)) return NetOpened<TcpStream>::failure(error);
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return NetOpened<TcpStream>::failure("socket: " + errno_text(errno));
  auto stream = std::make_unique<TcpStream>(fd, options, true);
  if (NetResult r = configure(fd, options); !r) return NetOpened<TcpStream>::failure(r.message);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    return NetOpened<TcpStream>::failure("connect to " + host + ":" + std::to_string(port) + ": " + errno_text(errno));
  }
  return {std::move(stream), NetResult::success()};
}

IoResult TcpStream::poll_connect() noexcept {
  if (fd_ < 0) return {0, IoStatus::Error, EBADF};
  if (!connecting_) return {};
  pollfd p{fd_, POLLOUT, 0};
  const int n = ::poll(&p, 1, 0);
  if (n == 0) return {0, IoStatus::WouldBlock, 0};
  if (n < 0) return {0, IoStatus::Error, errno};
  int err = 0;
  socklen_t len = sizeof err;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  if (err != 0) return {0, IoStatus::Error, err};
  connecting_ = false;
  return {};
}

IoResult TcpStream::read(std::uint8_t* into, std::size_t capacity) noexcept {
  if (fd_ < 0) return {0, IoStatus::Closed, 0};
  const ssize_t n = ::recv(fd_, into, capacity, 0);
  if (n > 0) return {static_cast<std::size_t>(n), IoStatus::Ok, 0};
  if (n == 0) return {0, IoStatus::Closed, 0};
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return {0, IoStatus::WouldBlock, 0};
  return {0, IoStatus::Error, errno};
}

bool TcpStream::send(const std::uint8_t* data, std::size_t size) noexcept {
  if (fd_ < 0) return false;
  std::size_t done = 0;
  if (queued() == 0 && !connecting_) {
    // MSG_NOSIGNAL: a peer that went away is an error code, not SIGPIPE.
    const ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0)
      done = static_cast<std::size_t>(n);
    else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      return false;
    if (done == size) return true;
  }
  return enqueue(data + done, size - done);
}

bool TcpStream::enqueue(const std::uint8_t* data, std::size_t size) noexcept {
  if (fd_ < 0) return false;
  if (queue_end_ + size > queue_.size()) {
    // Make room by moving what is queued to the front, once.
    const std::size_t n = queued();
    if (n + size > queue_.size()) return false;
    std::memmove(queue_.data(), queue_.data() + queue_begin_, n);
    queue_begin_ = 0;
    queue_end_ = n;
  }
  std::memcpy(queue_.data() + queue_end_, data, size);
  queue_end_ += size;
  return true;
}

IoResult TcpStream::flush() noexcept {
  if (fd_ < 0) return {0, IoStatus::Closed, 0};
  if (connecting_ || queued() == 0) return {};
  const ssize_t n = ::send(fd_, queue_.data() + queue_begin_, queued(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return {0, IoStatus::WouldBlock, 0};
    return {0, IoStatus::Error, errno};
  }
  queue_begin_ += static_cast<std::size_t>(n);
  if (queue_begin_ == queue_end_) queue_begin_ = queue_end_ = 0;
  return {static_cast<std::size_t>(n), IoStatus::Ok, 0};
}

void TcpStream::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  connecting_ = false;
  queue_begin_ = queue_end_ = 0;
}

void TcpStream::abort() noexcept {
  if (fd_ >= 0) {
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  close();
}

std::string TcpStream::peer() const {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (fd_ < 0 || ::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return {};
  char ip[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip);
  return std::string(ip) + ":" + std::to_string(ntohs(addr.sin_port));
}

// ---------------------------------------------------------------- listener

NetOpened<TcpListener> TcpListener::listen(const std::string& ip, std::uint16_t port, int backlog) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1)
    return NetOpened<TcpListener>::failure("listen address '" + ip + "' is not a dotted-quad IPv4 address");
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return NetOpened<TcpListener>::failure("socket: " + errno_text(errno));
  auto listener = std::make_unique<TcpListener>(fd, port);
  set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    return NetOpened<TcpListener>::failure(
        "bind " + ip + ":" + std::to_string(port) + ": " + errno_text(e) +
        (e == EADDRINUSE ? " (another process listens there: stop it or pick another port)" : ""));
  }
  if (::listen(fd, backlog) != 0) return NetOpened<TcpListener>::failure("listen: " + errno_text(errno));
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  listener->port_ = ntohs(addr.sin_port);
  return {std::move(listener), NetResult::success()};
}

TcpListener::~TcpListener() {
  if (fd_ >= 0) ::close(fd_);
}

NetOpened<TcpStream> TcpListener::accept(const TcpOptions& options) {
  const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) return {};
    return NetOpened<TcpStream>::failure("accept: " + errno_text(errno));
  }
  auto stream = std::make_unique<TcpStream>(fd, options, false);
  if (NetResult r = configure(fd, options); !r) return NetOpened<TcpStream>::failure(r.message);
  return {std::move(stream), NetResult::success()};
}

}  // namespace hft::net
