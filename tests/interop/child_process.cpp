#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <sys/prctl.h>
#include <sys/wait.h>

namespace hft::interop {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv) {
  if (argv.empty()) throw std::invalid_argument("ChildProcess: empty command");
  // Everything the child needs is built before fork: after it, the child
  // only calls async-signal-safe functions.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("ChildProcess: pipe: ") + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("ChildProcess: fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::execvp(args[0], args.data());
    const int e = errno;
    [[maybe_unused]] const ssize_t w = ::write(err[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  in_ = in[1];
  out_ = out[0];
  // The error pipe closes on a successful exec (CLOEXEC) and carries errno
  // when exec failed.
  int e = 0;
  const ssize_t got = ::read(err[0], &e, sizeof e);
  ::close(err[0]);
  if (got == static_cast<ssize_t>(sizeof e)) {
    kill();
    ::close(in_);
    ::close(out_);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(e));
  }
}

ChildProcess::~ChildProcess() {
  kill();
  if (in_ >= 0) ::close(in_);
  if (out_ >= 0) ::close(out_);
}

bool ChildProcess::write(std::string_view data) {
  if (in_ < 0) return false;
  while (!data.empty()) {
    // MSG_NOSIGNAL does not apply to pipes; SIGPIPE is avoided by ignoring
    // it for the duration of the write.
    struct sigaction ignore {
    }, old{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &old);
    const ssize_t n = ::write(in_, data.data(), data.size());
    ::sigaction(SIGPIPE, &old, nullptr);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void ChildProcess::close_stdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

bool ChildProcess::fill(Clock::time_point deadline) {
  if (eof_) return false;
  pollfd p{out_, POLLIN, 0};
  const int r = ::poll(&p, 1, remaining_ms(deadline));
  if (r < 0 && errno == EINTR) return true;
  if (r <= 0) return false;
  char buf[4096];
  const ssize_t n = ::read(out_, buf, sizeof buf);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const std::size_t eol = buffer_.find('\n');
    if (eol != std::string::npos) {
      std::string line = buffer_.substr(0, eol);
      buffer_.erase(0, eol + 1);
      return line;
    }
    if (!fill(deadline) && (eof_ || Clock::now() >= deadline)) return std::nullopt;
  }
}

std::string ChildProcess::read_all(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!eof_ && Clock::now() < deadline) fill(deadline);
  std::string out;
  out.swap(buffer_);
  return out;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = decode(status);
      return exit_code_;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (Clock::now() >= deadline) return std::nullopt;
    // No child-exit descriptor to wait on here; a short sleep between
    // checks costs nothing against a deadline measured in seconds.
    ::usleep(2000);
  }
}

void ChildProcess::kill() {
  if (pid_ <= 0 || exit_code_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code_ = decode(status);
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  ChildProcess child(argv);
  child.close_stdin();
  CommandResult r;
  r.out = child.read_all(timeout);
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  const std::optional<int> code = child.wait(left.count() > 0 ? left : std::chrono::milliseconds(0));
  if (!code) {
    child.kill();
    r.timed_out = true;
    r.exit_code = child.wait(std::chrono::milliseconds(0)).value_or(-1);
  } else {
    r.exit_code = *code;
  }
  return r;
}

}  // namespace hft::interop
