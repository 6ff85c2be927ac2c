#include "hft/core/cpu.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace hft::core {
namespace {

using Cores = std::vector<int>;

/// Puts the calling thread's affinity back when a test is done with it, in
/// case the suite is run in one process (--gtest_filter without ctest).
class AffinityGuard {
 public:
  AffinityGuard() noexcept { pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_); }
  ~AffinityGuard() { pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_); }
  AffinityGuard(const AffinityGuard&) = delete;
  AffinityGuard& operator=(const AffinityGuard&) = delete;

 private:
  cpu_set_t saved_{};
};

std::string joined(const Cores& cores) {
  std::string out;
  for (std::size_t i = 0; i < cores.size(); ++i) out += (i ? "," : "") + std::to_string(cores[i]);
  return out;
}

TEST(ParseCpuList, KernelFormats) {
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11"), (Cores{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(parse_cpu_list("5"), (Cores{5}));
  EXPECT_EQ(parse_cpu_list("2-2"), (Cores{2}));
  EXPECT_EQ(parse_cpu_list("0-1\n"), (Cores{0, 1}));  // as read from sysfs
  EXPECT_EQ(parse_cpu_list(""), Cores{});
  EXPECT_EQ(parse_cpu_list("\n"), Cores{});
}

TEST(ParseCpuList, MalformedTextGivesAnEmptyList) {
  for (const char* text : {"a", "1-", "-1", "3-1", "1,,2", "1,", ",1", "1-2-3", " 1", "1 2", "0x1", "1;2", "1.5",
                           "99999999999", "0-4294967296", "0-2000000000"}) {
    EXPECT_EQ(parse_cpu_list(text), Cores{}) << '"' << text << '"';
  }
}

TEST(Cpu, AllowedCoresAreAscendingAndExist) {
  const Cores allowed = allowed_cpus();
  ASSERT_FALSE(allowed.empty());
  EXPECT_TRUE(std::is_sorted(allowed.begin(), allowed.end()));
  EXPECT_GE(configured_cpu_count(), static_cast<int>(allowed.size()));
  for (const int c : allowed) EXPECT_LT(c, configured_cpu_count());
  for (const int c : isolated_cpus()) EXPECT_LT(c, configured_cpu_count());
}

TEST(Cpu, PinningToEachAllowedCoreMovesTheThread) {
  const AffinityGuard guard;
  for (const int core : allowed_cpus()) {
    const CpuResult r = pin_current_thread(core);
    ASSERT_TRUE(r) << r.message;
    EXPECT_TRUE(r.message.empty());
    // The kernel migrates a thread off a core it may no longer use before
    // sched_setaffinity returns.
    EXPECT_EQ(current_cpu(), core);
    EXPECT_EQ(allowed_cpus(), Cores{core});
  }
}

TEST(Cpu, PinningToAMissingCoreNamesTheAllowedOnes) {
  const AffinityGuard guard;
  const Cores allowed = allowed_cpus();
  for (const int core : {100'000, -1}) {
    const CpuResult r = pin_current_thread(core);
    EXPECT_FALSE(r);
    EXPECT_NE(r.message.find(std::to_string(core)), std::string::npos) << r.message;
    EXPECT_NE(r.message.find(joined(allowed)), std::string::npos) << r.message;
  }
  EXPECT_EQ(allowed_cpus(), allowed);  // a failed pin changes nothing
}

TEST(Cpu, ThreadNamesRoundTrip) {
  std::thread([] {
    const CpuResult r = set_current_thread_name("hft-md-feed-01");
    ASSERT_TRUE(r) << r.message;
    EXPECT_EQ(current_thread_name(), "hft-md-feed-01");
    ASSERT_TRUE(set_current_thread_name("exactly15bytes!"));
    EXPECT_EQ(current_thread_name(), "exactly15bytes!");
  }).join();
}

TEST(Cpu, OverlongOrEmptyThreadNamesAreErrors) {
  std::thread([] {
    ASSERT_TRUE(set_current_thread_name("before"));
    const CpuResult r = set_current_thread_name("sixteen-bytes-xx");
    EXPECT_FALSE(r);
    EXPECT_NE(r.message.find("sixteen-bytes-xx"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("15"), std::string::npos) << r.message;
    EXPECT_FALSE(set_current_thread_name(""));
    EXPECT_EQ(current_thread_name(), "before");  // not truncated and applied
  }).join();
}

}  // namespace
}  // namespace hft::core
