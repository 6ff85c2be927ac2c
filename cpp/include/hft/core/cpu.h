#pragma once
/// @file
/// CPU placement of threads: pinning, naming, and what the machine offers.

#include <string>
#include <string_view>
#include <vector>

namespace hft::core {

/// Outcome of a placement call; `message` says what went wrong and what the
/// caller can do about it. Empty message means success.
struct CpuResult {
  bool ok{true};
  std::string message;
  explicit operator bool() const noexcept { return ok; }
};

/// Cores this process may run on (its affinity mask, which reflects cgroup
/// cpusets and `taskset`), ascending.
std::vector<int> allowed_cpus();

/// Number of cores the kernel knows (configured, online or not).
int configured_cpu_count() noexcept;

/// Cores listed in /sys/devices/system/cpu/isolated (the `isolcpus=` boot
/// option); empty when none are isolated or the file is unreadable.
std::vector<int> isolated_cpus();

/// Parses a kernel CPU list such as "0-3,8,10-11". Malformed text gives an
/// empty list.
std::vector<int> parse_cpu_list(std::string_view text);

/// Pins the calling thread to `core`. Fails with a message naming the core
/// and the cores that are allowed when the core does not exist or is outside
/// this process's affinity mask.
CpuResult pin_current_thread(int core);

/// Sets the calling thread's name as shown by `top -H` and `ps -L`. Linux
/// limits names to 15 bytes; a longer name is an error, not a truncation.
CpuResult set_current_thread_name(std::string_view name);

/// The calling thread's name.
std::string current_thread_name();

/// Core the calling thread is running on right now.
int current_cpu() noexcept;

}  // namespace hft::core
