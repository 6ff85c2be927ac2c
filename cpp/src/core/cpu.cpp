#include "hft/core/cpu.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

namespace hft::core {
namespace {

std::string join(const std::vector<int>& cores) {
  std::string out;
  for (std::size_t i = 0; i < cores.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(cores[i]);
  }
  return out.empty() ? "none" : out;
}

}  // namespace

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int i = 0; i < CPU_SETSIZE; ++i)
    if (CPU_ISSET(static_cast<std::size_t>(i), &set)) out.push_back(i);
  return out;
}

int configured_cpu_count() noexcept { return static_cast<int>(sysconf(_SC_NPROCESSORS_CONF)); }

std::vector<int> parse_cpu_list(std::string_view text) {
  std::vector<int> out;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty()) return out;
  // Far above any kernel's NR_CPUS; stops "0-2000000000" from filling memory.
  constexpr int kMaxCpu = 1 << 16;
  bool more = true;
  while (more) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    more = comma != std::string_view::npos;  // a trailing comma leaves an empty item, which is malformed
    text = more ? text.substr(comma + 1) : std::string_view{};
    const std::size_t dash = item.find('-');
    int lo = 0, hi = 0;
    const std::string_view a = item.substr(0, dash);
    auto r = std::from_chars(a.data(), a.data() + a.size(), lo);
    if (a.empty() || r.ec != std::errc{} || r.ptr != a.data() + a.size() || lo < 0) return {};
    hi = lo;
    if (dash != std::string_view::npos) {
      const std::string_view b = item.substr(dash + 1);
      r = std::from_chars(b.data(), b.data() + b.size(), hi);
      if (b.empty() || r.ec != std::errc{} || r.ptr != b.data() + b.size() || hi < lo) return {};
    }
    if (hi >= kMaxCpu) return {};
    for (int c = lo; c <= hi; ++c) out.push_back(c);
  }
  return out;
}

std::vector<int> isolated_cpus() {
  std::ifstream in("/sys/devices/system/cpu/isolated");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_cpu_list(ss.str());
}

CpuResult pin_current_thread(int core) {
  const std::vector<int> allowed = allowed_cpus();
  const int configured = configured_cpu_count();
  if (core < 0 || core >= configured || core >= CPU_SETSIZE) {
    return {false, "cannot pin to core " + std::to_string(core) + ": this machine has cores 0-" +
                       std::to_string(configured - 1) + "; this process may use " + join(allowed)};
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<std::size_t>(core), &set);
  const int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  if (rc != 0) {
    return {false, "cannot pin to core " + std::to_string(core) + ": " + std::strerror(rc) +
                       " (this process may use cores " + join(allowed) + "; a cgroup cpuset or taskset limits it)"};
  }
  return {};
}

CpuResult set_current_thread_name(std::string_view name) {
  constexpr std::size_t kMax = 15;  // TASK_COMM_LEN - 1
  if (name.empty() || name.size() > kMax) {
    return {false, "thread name '" + std::string(name) + "' must be 1 to 15 bytes (Linux TASK_COMM_LEN)"};
  }
  const std::string n(name);
  const int rc = pthread_setname_np(pthread_self(), n.c_str());
  if (rc != 0) return {false, "cannot name thread '" + n + "': " + std::strerror(rc)};
  return {};
}

std::string current_thread_name() {
  char buf[16] = {};
  pthread_getname_np(pthread_self(), buf, sizeof buf);
  return buf;
}

int current_cpu() noexcept { return sched_getcpu(); }

}  // namespace hft::core
