// Control block benchmarks:
//   - kill command to acknowledgement from another process: a forked child
//     runs the engine side (heartbeat + poll_commands, busy, as the real
//     loop), this process is the client (`hft kill` without Python);
//   - the writer's per-iteration cost with nothing pending (heartbeat + one
//     poll), against a loop that only reads the clock it needs anyway;
//   - counter add and latency record, the other calls the loop makes.

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "hft/engine/control_block_reader.h"
#include "hft/engine/control_block_writer.h"

#include "support/batch_timer.h"
#include "support/latency_report.h"
#include "support/placement.h"
#include "support/tsc.h"

namespace {

using namespace hft;
using namespace hft::engine;
using core::Clock;
using core::LatencyHistogram;

std::string bench_instance(const char* what) { return std::string("bench-") + what + "-" + std::to_string(::getpid()); }

ControlBlockOptions bench_options(const std::string& instance) {
  ControlBlockOptions o;
  o.instance = instance;
  o.dir = "/dev/shm";  // tmpfs: no writeback of dirty pages under the benchmark
  o.instruments = {"AAPL", "MSFT"};
  o.calibration = &bench::tsc_calibration();
  return o;
}

/// The engine side in a child process: busy loop until a stop command.
[[noreturn]] void run_engine(const std::string& instance, int ready_fd, const bench::TwoCorePlacement& cores) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (cores.pinned()) cores.pin_first();
  int rc = 0;
  try {
    ControlBlockWriter w(bench_options(instance));
    w.set_state(EngineState::Running);
    const char go = 1;
    (void)!::write(ready_fd, &go, 1);
    bool stop = false;
    while (!stop) {
      w.heartbeat(Clock::now());
      w.poll_commands([&](const Command& c) -> CommandReply {
        switch (c.kind) {
          case CommandKind::Kill:
            w.set_state(EngineState::Halted, c.reason, ExitReason::None, c.seq);
            break;
          case CommandKind::Resume:
            w.set_state(EngineState::Running, c.reason, ExitReason::None, c.seq);
            break;
          case CommandKind::Stop:
            stop = true;
            break;
          case CommandKind::None:
            break;
        }
        return {};
      });
    }
  } catch (...) {
    rc = 1;
  }
  ::close(ready_fd);
  ::_exit(rc);
}

void BM_ControlKillToAckCrossProcess(benchmark::State& state) {
  const std::string instance = bench_instance("kill");
  bench::TwoCorePlacement cores;
  int ready[2];
  if (::pipe(ready) != 0) return state.SkipWithError("pipe failed");
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(ready[0]);
    run_engine(instance, ready[1], cores);
  }
  ::close(ready[1]);
  char go = 0;
  const bool started = ::read(ready[0], &go, 1) == 1;
  ::close(ready[0]);
  if (!started) {
    ::waitpid(child, nullptr, 0);
    return state.SkipWithError("the engine child failed to create its control block");
  }
  if (cores.pinned()) cores.pin_second();

  {
    ControlBlockReader client(instance, "/dev/shm");
    auto hist = std::make_unique<LatencyHistogram>();
    auto engine_hist = std::make_unique<LatencyHistogram>();
    std::uint64_t failures = 0;
    std::uint64_t n = 0;
    // Kill then resume, alternately, so every kill is a real state change.
    const auto one = [&](LatencyHistogram* h, LatencyHistogram* e) {
      const CommandKind kind = (n++ & 1U) ? CommandKind::Resume : CommandKind::Kill;
      const CommandAck a = client.send(kind, KillLevel::Halt, "bench", std::chrono::seconds(5));
      if (a.status != CommandStatus::Acknowledged) ++failures;
      if (h != nullptr && kind == CommandKind::Kill) {
        h->record(a.round_trip_ns);
        e->record(a.engine_ns);
      }
    };
    for (int i = 0; i < 2000; ++i) one(nullptr, nullptr);
    for (auto _ : state) one(hist.get(), engine_hist.get());
    bench::report_ns(state, *hist);
    state.counters["engine_p50_ns"] = benchmark::Counter(static_cast<double>(engine_hist->percentile(50)));
    state.counters["engine_p99_ns"] = benchmark::Counter(static_cast<double>(engine_hist->percentile(99)));
    state.counters["pinned"] = cores.pinned() ? 1 : 0;
    client.send(CommandKind::Stop, KillLevel::None, "bench done", std::chrono::seconds(5));
    if (failures) state.SkipWithError("a command was not acknowledged");
  }
  int status = 0;
  ::waitpid(child, &status, 0);
}
BENCHMARK(BM_ControlKillToAckCrossProcess)->Iterations(40'000)->UseRealTime();

/// One idle engine-loop iteration's control block work: heartbeat + poll.
void BM_ControlWriterIdleIteration(benchmark::State& state) {
  ControlBlockWriter w(bench_options(bench_instance("idle")));
  LatencyHistogram ticks;
  std::size_t handled = 0;
  bench::time_batches(state, ticks, [&](std::size_t) {
    w.heartbeat(Clock::now());
    handled += w.poll_commands([](const Command&) { return CommandReply{}; });
  });
  benchmark::DoNotOptimize(handled);
  bench::report_ticks(state, ticks, bench::kBatch);
}
BENCHMARK(BM_ControlWriterIdleIteration);

/// Baseline: the clock read the loop makes anyway (the heartbeat takes it).
void BM_ControlLoopClockBaseline(benchmark::State& state) {
  LatencyHistogram ticks;
  std::uint64_t sink = 0;
  bench::time_batches(state, ticks, [&](std::size_t) { sink += Clock::now(); });
  benchmark::DoNotOptimize(sink);
  bench::report_ticks(state, ticks, bench::kBatch);
}
BENCHMARK(BM_ControlLoopClockBaseline);

void BM_ControlCounterAdd(benchmark::State& state) {
  ControlBlockWriter w(bench_options(bench_instance("add")));
  LatencyHistogram ticks;
  bench::time_batches(state, ticks, [&](std::size_t i) { w.add(i & 15U); });
  bench::report_ticks(state, ticks, bench::kBatch);
}
BENCHMARK(BM_ControlCounterAdd);

void BM_ControlRecordLatency(benchmark::State& state) {
  ControlBlockWriter w(bench_options(bench_instance("rec")));
  LatencyHistogram ticks;
  bench::time_batches(state, ticks, [&](std::size_t i) { w.record_latency(5, 200 + (i * 7919U) % 2000U); });
  bench::report_ticks(state, ticks, bench::kBatch);
}
BENCHMARK(BM_ControlRecordLatency);

}  // namespace
