#pragma once
/// @file
/// A child process for tests: started without a shell, stdin and stdout on
/// pipes, read with deadlines, and killed (SIGKILL) and reaped by the
/// destructor if still running, so a failing test never leaves one behind.
/// The child also gets SIGKILL if the test process dies first.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace hft::interop {

class ChildProcess {
 public:
  /// Starts `argv[0]` (searched in PATH when it has no '/') with `argv`.
  /// Throws std::runtime_error naming the program when it cannot start.
  explicit ChildProcess(const std::vector<std::string>& argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Writes to the child's stdin; false once the child has closed it.
  bool write(std::string_view data);
  void close_stdin();

  /// The next line of stdout without its '\n', waiting at most `timeout`;
  /// nullopt on timeout or at end of output (eof() tells which).
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  /// Everything left on stdout until the child closes it, at most `timeout`.
  std::string read_all(std::chrono::milliseconds timeout);
  bool eof() const noexcept { return eof_; }

  /// Waits for the child to exit: its exit code, 128 + signal when killed
  /// by one, nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  /// SIGKILL and reap (no-op once it has exited).
  void kill();

  pid_t pid() const noexcept { return pid_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);

  pid_t pid_{-1};
  int in_{-1};   // our end of the child's stdin
  int out_{-1};  // our end of the child's stdout
  bool eof_{false};
  std::optional<int> exit_code_;
  std::string buffer_;
};

/// A finished command: exit code (128 + signal if killed), stdout, and
/// whether the deadline killed it.
struct CommandResult {
  int exit_code{-1};
  bool timed_out{false};
  std::string out;
};

/// Runs `argv` to completion, at most `timeout` (then kills it).
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace hft::interop
