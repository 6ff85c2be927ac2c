#pragma once
// Small POSIX helpers shared by the control block's writer and reader:
// an owning file descriptor, a shared mapping, process liveness.

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>

#include <sys/mman.h>

namespace hft::engine::detail {

class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_{-1};
};

/// A process exists (possibly owned by another user: EPERM still means alive).
inline bool process_alive(long pid) noexcept {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

inline std::string errno_text(int err) { return std::string(std::strerror(err)); }

/// Copies a fixed-size, maybe unterminated name field.
inline std::string fixed_string(const char* p, std::size_t cap) { return std::string(p, ::strnlen(p, cap)); }

/// Copies `text` into a fixed field, truncated and NUL-padded.
inline void put_fixed(char* dst, std::size_t cap, const char* text, std::size_t len) noexcept {
  const std::size_t n = len < cap - 1 ? len : cap - 1;
  std::memcpy(dst, text, n);
  std::memset(dst + n, 0, cap - n);
}

}  // namespace hft::engine::detail
