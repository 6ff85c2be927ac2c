// Round trips and burst throughput through the packet interface
// (net/datagram_transport.h), all in one run so they can be compared:
//   - net_memif between two processes (this one and a forked echo child),
//   - net_ring between two cores of this process (an echo thread),
//   - kernel UDP over loopback, busy-polling and blocking.
// One datagram in flight per round trip (ping-pong), 64- and 512-byte
// payloads; the echo side sends back what it got. Latency is the TSC time
// from before tx_burst to after the echo's rx_burst on one core.

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "hft/core/clock.h"
#include "hft/core/cpu.h"
#include "hft/core/latency_histogram.h"
#include "hft/net/dpdk_port.h"
#include "hft/net/dpdk_udp_transport.h"
#include "hft/net/kernel_udp_transport.h"

#include "support/latency_report.h"
#include "support/tsc.h"

namespace hft::bench {
namespace {

using core::Clock;
using core::LatencyHistogram;
using net::DatagramTransport;
using net::RxDatagram;
using net::TxDatagram;

constexpr std::uint32_t kIpA = 0x0A000001;
constexpr std::uint32_t kIpB = 0x0A000002;
constexpr std::uint16_t kPort = 4000;
constexpr std::uint32_t kLoopback = 0x7F000001;
constexpr net::MacAddress kPeerMac{0x02, 0, 0, 0, 0, 0x42};
constexpr std::size_t kBurst = 32;

// ---- placement: the echo side on one core, the measuring side on another --

struct Cores {
  int echo{0};
  int measure{0};
  bool distinct{false};
};

Cores pick_cores() {
  const std::vector<int> cpus = core::allowed_cpus();
  Cores c;
  if (cpus.empty()) return c;
  c.echo = cpus.front();
  c.measure = cpus.size() > 1 ? cpus[1] : cpus.front();
  c.distinct = c.echo != c.measure;
  return c;
}

// Read before main: the EAL later narrows the main thread's affinity to its
// lcore, and threads started from it inherit that.
const Cores g_cores = pick_cores();

// Pins the calling thread to `core` whatever mask it inherited.
void pin(int core) noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(core), &set);
  (void)::pthread_setaffinity_np(::pthread_self(), sizeof set, &set);
}

// ---- the echo loop every transport's far side runs ------------------------

// Sends back everything received. When idle for a while it naps, so that an
// echo side not under test (the memif child during the ring benchmarks)
// leaves the shared core to the one that is.
void echo_loop(DatagramTransport& t, const std::atomic<bool>& stop, bool nap_when_idle) {
  std::array<RxDatagram, kBurst> rx;
  std::array<TxDatagram, kBurst> tx;
  std::uint64_t idle_since = Clock::now();
  const auto nap_after = static_cast<std::uint64_t>(20e6 / ns_per_tick());  // 20 ms
  while (!stop.load(std::memory_order_relaxed)) {
    const std::size_t n = t.rx_burst(rx.data(), rx.size());
    if (n == 0) {
      if (nap_when_idle && Clock::now() - idle_since > nap_after) ::usleep(200);
      continue;
    }
    for (std::size_t i = 0; i < n; ++i) tx[i] = {rx[i].payload, rx[i].size, rx[i].source};
    std::size_t sent = 0;
    while (sent < n) sent += t.tx_burst(tx.data() + sent, n - sent);
    idle_since = Clock::now();
  }
}

// ---- the DPDK side: one EAL for this process, a memif echo child ----------

class DpdkBench {
 public:
  static DpdkBench& get() {
    static DpdkBench bench;
    return bench;
  }
  bool ok() const noexcept { return error_.empty(); }
  const std::string& error() const noexcept { return error_; }
  DatagramTransport& memif() { return *memif_; }
  DatagramTransport& ring_a() { return *ring_a_; }
  DatagramTransport& ring_b() { return *ring_b_; }
  const net::DpdkRuntime& runtime() const { return *eal_; }
  const Cores& cores() const noexcept { return cores_; }

  ~DpdkBench() {
    memif_.reset();
    ring_a_.reset();
    ring_b_.reset();
    if (child_ > 0) {
      ::kill(child_, SIGTERM);
      ::waitpid(child_, nullptr, 0);
    }
    eal_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  DpdkBench() : cores_(g_cores) {
    char dir[] = "/tmp/hft-bench-net-XXXXXX";
    if (::mkdtemp(dir) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = dir;
    const std::string socket = dir_ + "/memif.sock";
    int ready[2];
    if (::pipe(ready) != 0) {
      error_ = "pipe failed";
      return;
    }
    // Fork before this process starts its EAL: a child of a running EAL
    // would inherit its threads' locks and memory half-way.
    child_ = ::fork();
    if (child_ == 0) {
      ::close(ready[1]);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::_exit(run_memif_child(socket, ready[0]));
    }
    ::close(ready[0]);
    net::EalOptions o = eal_options("p", cores_.measure);
    o.vdevs = {"net_memif0,role=server,id=0,socket-abstract=no,socket=" + socket};
    net::NetOpened<net::DpdkRuntime> eal = net::DpdkRuntime::start(o);
    const char go = 1;
    (void)!::write(ready[1], &go, 1);
    ::close(ready[1]);
    if (!eal) {
      error_ = eal.result.message;
      return;
    }
    eal_ = std::move(eal.value);
    memif_ = open_transport("net_memif0", kIpA, 20000);
    if (const net::NetResult r = net::create_ring_pair(*eal_, "net_ring_a", "net_ring_b"); !r) error_ = r.message;
    ring_a_ = open_transport("net_ring_a", kIpA, 0);
    ring_b_ = open_transport("net_ring_b", kIpB, 0);
  }

  static net::EalOptions eal_options(const char* role, int core) {
    net::EalOptions o;
    o.cores = {core};
    o.memory_mb = 256;
    o.no_pci = true;
    o.file_prefix = std::string("hft-bench-") + role + std::to_string(::getpid());
    o.log_level = "*:error";
    return o;
  }

  std::unique_ptr<net::DpdkUdpTransport> open_transport(const std::string& name, std::uint32_t ip,
                                                        std::uint32_t link_wait_ms) {
    if (!error_.empty()) return nullptr;
    net::DpdkPortOptions po;
    po.name = name;
    po.link_wait_ms = link_wait_ms;
    po.mempool_size = 4095;
    net::NetOpened<net::DpdkPort> port = net::DpdkPort::open(*eal_, po);
    if (!port) {
      error_ = port.result.message;
      return nullptr;
    }
    net::DpdkUdpOptions uo;
    uo.local = {ip, kPort, {}};
    uo.next_hop_mac = kPeerMac;
    return std::make_unique<net::DpdkUdpTransport>(std::move(port.value), uo);
  }

  static int run_memif_child(const std::string& socket, int ready_fd) {
    char go = 0;
    if (::read(ready_fd, &go, 1) != 1) return 1;
    net::EalOptions o = eal_options("c", g_cores.echo);
    o.vdevs = {"net_memif0,role=client,id=0,socket-abstract=no,socket=" + socket};
    net::NetOpened<net::DpdkRuntime> eal = net::DpdkRuntime::start(o);
    if (!eal) {
      std::fprintf(stderr, "memif echo child: %s\n", eal.result.message.c_str());
      return 2;
    }
    net::DpdkPortOptions po;
    po.name = "net_memif0";
    po.link_wait_ms = 20000;
    po.mempool_size = 4095;
    net::NetOpened<net::DpdkPort> port = net::DpdkPort::open(*eal.value, po);
    if (!port) {
      std::fprintf(stderr, "memif echo child: %s\n", port.result.message.c_str());
      return 3;
    }
    net::DpdkUdpOptions uo;
    uo.local = {kIpB, kPort, {}};
    uo.next_hop_mac = kPeerMac;
    net::DpdkUdpTransport t(std::move(port.value), uo);
    static std::atomic<bool> stop{false};
    std::signal(SIGTERM, [](int) { stop.store(true); });
    echo_loop(t, stop, true);
    return 0;
  }

  Cores cores_;
  std::string dir_;
  std::string error_;
  pid_t child_{-1};
  std::unique_ptr<net::DpdkRuntime> eal_;
  std::unique_ptr<net::DpdkUdpTransport> memif_;
  std::unique_ptr<net::DpdkUdpTransport> ring_a_;
  std::unique_ptr<net::DpdkUdpTransport> ring_b_;
};

// ---- measurement ------------------------------------------------------------

// One ping-pong: send one datagram carrying a sequence number, spin until
// the echo comes back. False when the echo carries another sequence number.
bool round_trip(DatagramTransport& t, std::vector<std::uint8_t>& payload, std::uint32_t dst, std::uint64_t seq,
                LatencyHistogram* hist, const core::TscConverter& conv, std::array<RxDatagram, 4>& rx) {
  std::memcpy(payload.data(), &seq, sizeof seq);
  const TxDatagram d{payload.data(), payload.size(), {dst, kPort, {}}};
  const std::uint64_t start = Clock::now();
  while (t.tx_burst(&d, 1) != 1) {
  }
  std::size_t n = 0;
  while ((n = t.rx_burst(rx.data(), rx.size())) == 0) {
  }
  const std::uint64_t end = Clock::now_ordered();
  if (hist != nullptr) hist->record(conv.to_ns(end - start));
  std::uint64_t got = 0;
  std::memcpy(&got, rx[0].payload, sizeof got);
  return n == 1 && got == seq && rx[0].size == payload.size();
}

void measure_round_trips(benchmark::State& state, DatagramTransport& t, std::uint32_t dst, int warmup) {
  std::vector<std::uint8_t> payload(static_cast<std::size_t>(state.range(0)), 0x5a);
  auto hist = std::make_unique<LatencyHistogram>();
  const core::TscConverter& conv = tsc_converter();
  std::uint64_t seq = 0;
  bool in_order = true;
  std::array<RxDatagram, 4> rx;
  for (int i = 0; i < warmup; ++i) in_order &= round_trip(t, payload, dst, ++seq, nullptr, conv, rx);
  for (auto _ : state) in_order &= round_trip(t, payload, dst, ++seq, hist.get(), conv, rx);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  report_ns(state, *hist);
  if (!in_order) state.SkipWithError("an echo came back out of order or lost");
}

// Keeps up to a window of datagrams in flight and counts the echoes per
// second. Kernel UDP may drop under load (a full socket buffer): after a long
// silence the datagrams still in flight are written off as lost, counted.
void measure_throughput(benchmark::State& state, DatagramTransport& t, std::uint32_t dst, std::uint16_t port) {
  constexpr std::size_t kWindow = 256;
  constexpr std::size_t kBlock = 1 << 14;
  constexpr int kSilentPolls = 1 << 20;
  std::vector<std::uint8_t> payload(static_cast<std::size_t>(state.range(0)), 0x77);
  std::array<TxDatagram, kBurst> tx;
  tx.fill({payload.data(), payload.size(), {dst, port, {}}});
  std::array<RxDatagram, kBurst> rx;
  std::size_t in_flight = 0;
  std::uint64_t lost = 0;
  const auto move_block = [&] {
    std::size_t echoed = 0;
    int silent = 0;
    while (echoed < kBlock) {
      if (in_flight < kWindow) in_flight += t.tx_burst(tx.data(), std::min(kBurst, kWindow - in_flight));
      const std::size_t n = t.rx_burst(rx.data(), rx.size());
      in_flight -= std::min(in_flight, n);
      echoed += n;
      silent = n == 0 ? silent + 1 : 0;
      if (silent > kSilentPolls) {
        lost += in_flight;
        in_flight = 0;
        silent = 0;
      }
    }
  };
  move_block();  // warm-up
  lost = 0;
  for (auto _ : state) move_block();
  const double packets = static_cast<double>(state.iterations()) * kBlock;
  state.counters["msg_per_s"] = benchmark::Counter(packets, benchmark::Counter::kIsRate);
  state.counters["lost"] = benchmark::Counter(static_cast<double>(lost));
  state.SetItemsProcessed(static_cast<std::int64_t>(packets));
  // Drain what is still in flight so that the next benchmark starts clean.
  for (int polls = 0; polls < kSilentPolls && in_flight != 0; ++polls) {
    in_flight -= std::min(in_flight, t.rx_burst(rx.data(), rx.size()));
  }
}

// ---- net_memif: two processes ---------------------------------------------

void BM_MemifRoundTrip(benchmark::State& state) {
  DpdkBench& b = DpdkBench::get();
  if (!b.ok()) return state.SkipWithError(b.error().c_str());
  measure_round_trips(state, b.memif(), kIpB, 50'000);
  state.counters["pinned"] = b.cores().distinct ? 1 : 0;
}
BENCHMARK(BM_MemifRoundTrip)->Arg(64)->Arg(512)->UseRealTime();

void BM_MemifThroughput(benchmark::State& state) {
  DpdkBench& b = DpdkBench::get();
  if (!b.ok()) return state.SkipWithError(b.error().c_str());
  measure_throughput(state, b.memif(), kIpB, kPort);
}
BENCHMARK(BM_MemifThroughput)->Arg(64)->UseRealTime();

// ---- net_ring: two cores of one process ----------------------------------

template <typename Measure>
void with_ring_echo(benchmark::State& state, Measure&& measure) {
  DpdkBench& b = DpdkBench::get();
  if (!b.ok()) return state.SkipWithError(b.error().c_str());
  std::atomic<bool> stop{false};
  std::thread echo([&] {
    pin(b.cores().echo);
    (void)b.runtime().register_thread();  // an lcore id, for the pool's per-core cache
    echo_loop(b.ring_b(), stop, false);
    b.runtime().unregister_thread();
  });
  measure(b.ring_a());
  stop.store(true);
  echo.join();
  state.counters["pinned"] = b.cores().distinct ? 1 : 0;
}

void BM_NetRingRoundTrip(benchmark::State& state) {
  with_ring_echo(state, [&](DatagramTransport& t) { measure_round_trips(state, t, kIpB, 50'000); });
}
BENCHMARK(BM_NetRingRoundTrip)->Arg(64)->Arg(512)->UseRealTime();

void BM_NetRingThroughput(benchmark::State& state) {
  with_ring_echo(state, [&](DatagramTransport& t) { measure_throughput(state, t, kIpB, kPort); });
}
BENCHMARK(BM_NetRingThroughput)->Arg(64)->UseRealTime();

// ---- kernel UDP over loopback ---------------------------------------------

template <typename Measure>
void with_kernel_echo(benchmark::State& state, bool blocking, Measure&& measure) {
  const Cores& cores = g_cores;
  net::KernelUdpOptions o;
  o.local = {kLoopback, 0, {}};
  o.blocking = blocking;
  o.busy_poll_us = blocking ? 0 : 50;
  o.timestamps = net::RxTimestamps::None;
  net::NetOpened<net::KernelUdpTransport> ping = net::KernelUdpTransport::open(o);
  bool busy_poll = true;
  if (!ping && !blocking) {  // SO_BUSY_POLL refused (no CAP_NET_ADMIN): spin without it
    o.busy_poll_us = 0;
    busy_poll = false;
    ping = net::KernelUdpTransport::open(o);
  }
  net::NetOpened<net::KernelUdpTransport> pong = net::KernelUdpTransport::open(o);
  if (!ping || !pong) return state.SkipWithError((ping ? pong : ping).result.message.c_str());
  std::atomic<bool> stop{false};
  std::thread echo([&] {
    pin(cores.echo);
    echo_loop(*pong.value, stop, false);
  });
  pin(cores.measure);
  measure(*ping.value, pong.value->local_endpoint().port);
  stop.store(true);
  if (blocking) {  // wake the echo thread out of its blocking receive
    const std::uint8_t bye = 0;
    const TxDatagram d{&bye, 1, {kLoopback, pong.value->local_endpoint().port, {}}};
    ping.value->tx_burst(&d, 1);
  }
  echo.join();
  state.counters["so_busy_poll"] = busy_poll && !blocking ? 1 : 0;
  state.counters["pinned"] = cores.distinct ? 1 : 0;
}

void kernel_round_trips(benchmark::State& state, bool blocking) {
  with_kernel_echo(state, blocking, [&](DatagramTransport& t, std::uint16_t port) {
    std::vector<std::uint8_t> payload(static_cast<std::size_t>(state.range(0)), 0x11);
    auto hist = std::make_unique<LatencyHistogram>();
    const core::TscConverter& conv = tsc_converter();
    std::uint64_t seq = 0;
    bool in_order = true;
    std::array<RxDatagram, 4> rx;
    const auto one = [&](LatencyHistogram* h) {
      std::memcpy(payload.data(), &++seq, sizeof seq);
      const TxDatagram d{payload.data(), payload.size(), {kLoopback, port, {}}};
      const std::uint64_t start = Clock::now();
      while (t.tx_burst(&d, 1) != 1) {
      }
      std::size_t n = 0;
      while ((n = t.rx_burst(rx.data(), rx.size())) == 0) {
      }
      const std::uint64_t end = Clock::now_ordered();
      if (h != nullptr) h->record(conv.to_ns(end - start));
      std::uint64_t got = 0;
      std::memcpy(&got, rx[0].payload, sizeof got);
      in_order &= n == 1 && got == seq;
    };
    for (int i = 0; i < 2000; ++i) one(nullptr);
    for (auto _ : state) one(hist.get());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    report_ns(state, *hist);
    if (!in_order) state.SkipWithError("an echo came back out of order or lost");
  });
}

void BM_KernelUdpBusyPollRoundTrip(benchmark::State& state) { kernel_round_trips(state, false); }
BENCHMARK(BM_KernelUdpBusyPollRoundTrip)->Arg(64)->Arg(512)->UseRealTime();

void BM_KernelUdpBlockingRoundTrip(benchmark::State& state) { kernel_round_trips(state, true); }
BENCHMARK(BM_KernelUdpBlockingRoundTrip)->Arg(64)->Arg(512)->UseRealTime();

void BM_KernelUdpThroughput(benchmark::State& state) {
  with_kernel_echo(state, false,
                   [&](DatagramTransport& t, std::uint16_t port) { measure_throughput(state, t, kLoopback, port); });
}
BENCHMARK(BM_KernelUdpThroughput)->Arg(64)->UseRealTime();

}  // namespace
}  // namespace hft::bench
