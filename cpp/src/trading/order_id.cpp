#include "hft/trading/order_id.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hft::trading {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("order id state " + path + ": " + what);
}

std::string errno_text() { return std::strerror(errno); }

std::uint32_t read_last_session(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return 0;
    fail(path, "cannot read: " + errno_text());
  }
  std::string word;
  long long value = -1;
  if (!(in >> word >> value) || word != "session" || value < 0 || value > OrderIdGenerator::kMaxSession) {
    fail(path, "malformed (expected 'session <0.." + std::to_string(OrderIdGenerator::kMaxSession) +
                   ">'); fix or remove it only if no order of the old sessions can still be live");
  }
  return static_cast<std::uint32_t>(value);
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open for fsync: " + errno_text());
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) fail(path, "fsync failed: " + errno_text());
}

void write_durably(const std::string& path, std::uint32_t session) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) fail(tmp, "cannot write: " + errno_text());
    out << "session " << session << '\n';
    out.flush();
    if (!out) fail(tmp, "write failed: " + errno_text());
  }
  fsync_path(tmp, O_RDONLY);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail(path, "rename failed: " + errno_text());
  const std::size_t slash = path.find_last_of('/');
  fsync_path(slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash)), O_RDONLY | O_DIRECTORY);
}

}  // namespace

OrderIdGenerator::OrderIdGenerator(std::uint32_t session) : prefix_(std::uint64_t{session} << kCounterBits) {
  if (session == 0 || session > kMaxSession) {
    throw std::invalid_argument("order id session must be 1.." + std::to_string(kMaxSession) + ", got " +
                                std::to_string(session));
  }
}

OrderIdGenerator OrderIdGenerator::open(const std::string& state_path) {
  const std::uint32_t last = read_last_session(state_path);
  if (last == kMaxSession) fail(state_path, "all " + std::to_string(kMaxSession) + " sessions used");
  const std::uint32_t session = last + 1;
  // Stored before the first id is issued: a crash after this point wastes a
  // session number but can never reuse one.
  write_durably(state_path, session);
  return OrderIdGenerator(session);
}

}  // namespace hft::trading
