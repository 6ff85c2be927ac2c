// Two processes over net_memif: a server (this test process) and a client
// (a forked child with its own EAL), UDP through the packet interface both
// ways, a stale socket file from an earlier run removed, and the server
// seeing the link go down when the client leaves.
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "hft/net/dpdk_port.h"
#include "hft/net/dpdk_udp_transport.h"

#include "net_test_support.h"

namespace hft::net {
namespace {

using testing::TempDir;
using testing::test_eal;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kServerIp = 0x0A000001;
constexpr std::uint32_t kClientIp = 0x0A000002;
constexpr std::uint16_t kPort = 3000;
constexpr MacAddress kAnyPeer{0x02, 0, 0, 0, 0, 0x99};
const std::string kBye = "bye";

std::string memif_vdev(const std::string& role, const std::string& socket) {
  return "net_memif0,role=" + role + ",id=0,socket=" + socket + ",socket-abstract=no";
}

// Leaves a socket file nobody listens on, as a crashed server would.
void leave_stale_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
  ::close(fd);
}

std::unique_ptr<DpdkUdpTransport> memif_transport(const DpdkRuntime& eal, std::uint32_t ip, std::string& why) {
  DpdkPortOptions po;
  po.name = "net_memif0";
  po.mempool_size = 2047;
  po.link_wait_ms = 20000;  // a liveness bound for the peer to appear, not a timing assertion
  NetOpened<DpdkPort> port = DpdkPort::open(eal, po);
  if (!port) {
    why = port.result.message;
    return nullptr;
  }
  DpdkUdpOptions uo;
  uo.local = {ip, kPort, {}};
  uo.next_hop_mac = kAnyPeer;
  return std::make_unique<DpdkUdpTransport>(std::move(port.value), uo);
}

// The child: waits for the server, then echoes every datagram until "bye".
int run_client(const std::string& socket, int ready_fd) {
  char go = 0;
  if (::read(ready_fd, &go, 1) != 1) return 10;
  EalOptions o = test_eal({memif_vdev("client", socket)});
  NetOpened<DpdkRuntime> eal = DpdkRuntime::start(o);
  if (!eal) return 11;
  std::string why;
  auto t = memif_transport(*eal.value, kClientIp, why);
  if (!t) return 12;
  RxDatagram rx[32];
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    const std::size_t n = t->rx_burst(rx, 32);
    for (std::size_t i = 0; i < n; ++i) {
      if (std::string(reinterpret_cast<const char*>(rx[i].payload), rx[i].size) == kBye) {
        t.reset();  // stops the port: the server sees the link go down
        return 0;
      }
      const TxDatagram echo{rx[i].payload, rx[i].size, rx[i].source};
      while (t->tx_burst(&echo, 1) != 1) {
      }
    }
  }
  return 13;
}

TEST(Memif, TwoProcessesExchangeUdpAndSeeTheLinkGoDown) {
  TempDir dir;
  const std::string socket = dir.file("memif.sock");
  leave_stale_socket(socket);
  ASSERT_EQ(::access(socket.c_str(), F_OK), 0) << "the stale socket file exists";

  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[1]);
    ::_exit(run_client(socket, ready[0]));
  }
  ::close(ready[0]);

  NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal({memif_vdev("server", socket)}));
  const char go = 1;
  ASSERT_EQ(::write(ready[1], &go, 1), 1);  // the server socket is listening now
  ::close(ready[1]);
  ASSERT_TRUE(eal) << eal.result.message;
  std::string why;
  auto server = memif_transport(*eal.value, kServerIp, why);
  ASSERT_TRUE(server) << why;
  EXPECT_EQ(server->port().driver(), "net_memif");

  std::vector<std::vector<std::uint8_t>> sent;
  for (std::size_t i = 0; i < 100; ++i) sent.emplace_back(1 + (i * 13) % 700, static_cast<std::uint8_t>(i));
  std::vector<std::vector<std::uint8_t>> echoed;
  RxDatagram rx[32];
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  for (const auto& p : sent) {
    const TxDatagram d{p.data(), p.size(), {kClientIp, kPort, {}}};
    while (server->tx_burst(&d, 1) != 1 && Clock::now() < deadline) {
    }
    // One in flight at a time: a ping-pong, as the benchmark does.
    while (echoed.size() < sent.size() && Clock::now() < deadline) {
      const std::size_t n = server->rx_burst(rx, 32);
      for (std::size_t i = 0; i < n; ++i) echoed.emplace_back(rx[i].payload, rx[i].payload + rx[i].size);
      if (n != 0) break;
    }
  }
  EXPECT_EQ(echoed, sent);
  EXPECT_EQ(server->counters().rx_wrong_address + server->counters().rx_bad_frame, 0u);

  const TxDatagram bye{reinterpret_cast<const std::uint8_t*>(kBye.data()), kBye.size(), {kClientIp, kPort, {}}};
  ASSERT_EQ(server->tx_burst(&bye, 1), 1u);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "client exit " << WEXITSTATUS(status);
  EXPECT_TRUE(server->port().wait_for_link(false, 20000)) << "the client's disconnect reaches the server";
  server.reset();
  eal.value.reset();
}

TEST(Memif, LiveServerSocketIsNotRemoved) {
  TempDir dir;
  const std::string socket = dir.file("live.sock");
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, socket.c_str(), sizeof a.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  const NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal({memif_vdev("server", socket)}));
  ::close(fd);
  ASSERT_FALSE(eal);
  EXPECT_NE(eal.result.message.find("live server"), std::string::npos) << eal.result.message;
}

}  // namespace
}  // namespace hft::net
