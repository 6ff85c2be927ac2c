// Starting DPDK's EAL: vdevs without hugepages, and the errors a user gets
// when it cannot start. Each test runs in its own process (one EAL each).
#include "hft/net/dpdk_runtime.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "hft/net/devargs.h"
#include "hft/net/dpdk_port.h"

#include "net_test_support.h"

namespace hft::net {
namespace {

using testing::test_eal;

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
bool mentions(const std::string& message, const std::string& part) { return message.find(part) != std::string::npos; }

TEST(DpdkRuntime, ArgumentsFollowTheOptions) {
  EalOptions o = test_eal({"net_ring0", "net_null0"});
  o.cores = {0, 1};
  o.extra_args = {"--huge-unlink"};
  const std::vector<std::string> a = eal_arguments(o);
  EXPECT_EQ(a[0], "-l");
  EXPECT_EQ(a[1], "0,1");
  EXPECT_TRUE(has(a, "--no-huge"));
  EXPECT_TRUE(has(a, "--no-pci"));
  EXPECT_TRUE(has(a, "--no-shconf")) << "--in-memory is refused with --no-huge";
  EXPECT_TRUE(has(a, "--no-telemetry"));
  EXPECT_TRUE(has(a, "--vdev=net_ring0"));
  EXPECT_TRUE(has(a, "--vdev=net_null0"));
  EXPECT_EQ(a.back(), "--huge-unlink") << "extra arguments come last";
}

TEST(DpdkRuntime, StartsWithoutHugepagesWithVdevs) {
  NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal({"net_ring0", "net_null0"}));
  ASSERT_TRUE(eal) << eal.result.message;
  EXPECT_TRUE(DpdkRuntime::running());
  const std::vector<std::string> ports = eal.value->port_names();
  EXPECT_TRUE(has(ports, "net_ring0"));
  EXPECT_TRUE(has(ports, "net_null0"));
}

TEST(DpdkRuntime, SecondStartInOneProcessIsAClearError) {
  NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal());
  ASSERT_TRUE(eal) << eal.result.message;
  const NetOpened<DpdkRuntime> again = DpdkRuntime::start(test_eal());
  EXPECT_FALSE(again);
  EXPECT_TRUE(mentions(again.result.message, "already running")) << again.result.message;
}

TEST(DpdkRuntime, RestartAfterCleanupIsAClearError) {
  { ASSERT_TRUE(DpdkRuntime::start(test_eal())); }
  EXPECT_FALSE(DpdkRuntime::running());
  const NetOpened<DpdkRuntime> again = DpdkRuntime::start(test_eal());
  EXPECT_FALSE(again);
  EXPECT_TRUE(mentions(again.result.message, "new process")) << again.result.message;
}

TEST(DpdkRuntime, BadArgumentsAreAClearError) {
  EalOptions o = test_eal();
  o.extra_args = {"--not-an-eal-option"};
  const NetOpened<DpdkRuntime> eal = DpdkRuntime::start(o);
  ASSERT_FALSE(eal);
  EXPECT_TRUE(mentions(eal.result.message, "invalid EAL arguments")) << eal.result.message;
  EXPECT_TRUE(mentions(eal.result.message, "--not-an-eal-option")) << "the arguments are shown";
}

TEST(DpdkRuntime, UnknownDeviceDriverIsAClearError) {
  const NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal({"net_nosuchdriver0"}));
  ASSERT_FALSE(eal);
  EXPECT_TRUE(mentions(eal.result.message, "DPDK EAL start failed")) << eal.result.message;
  EXPECT_TRUE(mentions(eal.result.message, "net_nosuchdriver0")) << eal.result.message;
  EXPECT_TRUE(mentions(eal.result.message, "drivers are installed")) << eal.result.message;
}

TEST(DpdkRuntime, MissingPortNamesThePortsThatExist) {
  NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal({"net_ring0"}));
  ASSERT_TRUE(eal) << eal.result.message;
  DpdkPortOptions o;
  o.name = "net_ring7";
  const NetOpened<DpdkPort> port = DpdkPort::open(*eal.value, o);
  ASSERT_FALSE(port);
  EXPECT_TRUE(mentions(port.result.message, "'net_ring7' does not exist")) << port.result.message;
  EXPECT_TRUE(mentions(port.result.message, "net_ring0")) << port.result.message;
}

TEST(DpdkRuntime, HugepagesMissingSaysHowToFix) {
  EalOptions o = test_eal();
  o.no_huge = false;
  const NetResult pre = check_eal_preconditions(o);
  if (pre) GTEST_SKIP() << "this machine has hugepages reserved; the error cannot be provoked";
  EXPECT_TRUE(mentions(pre.message, "scripts/setup_hugepages.sh")) << pre.message;
  EXPECT_TRUE(mentions(pre.message, "no_huge")) << pre.message;
  const NetOpened<DpdkRuntime> eal = DpdkRuntime::start(o);
  EXPECT_FALSE(eal);
  EXPECT_EQ(eal.result.message, pre.message) << "start checks before the EAL runs";
}

TEST(DevArgs, SplitsNameAndValues) {
  const DevArgs a = parse_devargs("net_memif0,role=client,socket=/tmp/x.sock,zero-copy");
  EXPECT_EQ(a.name, "net_memif0");
  EXPECT_EQ(a.get("role"), "client");
  EXPECT_EQ(a.get("socket"), "/tmp/x.sock");
  EXPECT_EQ(a.get("zero-copy", "x"), "");
  EXPECT_EQ(a.get("id", "0"), "0");
}

}  // namespace
}  // namespace hft::net
