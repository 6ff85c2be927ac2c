// Control block commands and other processes: every command acknowledged
// exactly once (threads and processes), ordering, withdrawal on timeout,
// reclaiming slots of dead clients, readers in another process, and
// ownership against live and dead engines.

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <vector>

#include "control_block_fixture.h"

namespace hft::engine::test {
namespace {

using namespace std::chrono_literals;

/// Busy-polls like the engine loop until `stop` is set, recording the
/// sequence of every command handled (preallocated: the handler must not
/// allocate on the engine's side).
class EngineLoop {
 public:
  explicit EngineLoop(ControlBlockWriter& w, std::size_t capacity = 4096) : w_(w), seqs_(capacity) {}
  void start() {
    thread_ = std::thread([this] {
      while (!stop_.load(std::memory_order_relaxed)) step();
    });
  }
  void step() noexcept {
    w_.heartbeat(core::Clock::now());
    w_.poll_commands([this](const Command& c) {
      const std::size_t n = count_.load(std::memory_order_relaxed);
      if (n < seqs_.size()) seqs_[n] = c.seq;
      count_.store(n + 1, std::memory_order_release);
      return apply_default(w_, c);
    });
  }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  ~EngineLoop() { stop(); }
  std::vector<std::uint32_t> seqs() const {
    return {seqs_.begin(), seqs_.begin() + static_cast<std::ptrdiff_t>(count_.load())};
  }
  std::size_t count() const { return count_.load(std::memory_order_acquire); }

 private:
  ControlBlockWriter& w_;
  std::vector<std::uint32_t> seqs_;
  std::atomic<std::size_t> count_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(ControlBlockTest, KillIsAcknowledgedWithTheNewState) {
  ControlBlockWriter w(options());
  w.set_state(EngineState::Running);
  EngineLoop loop(w);
  loop.start();
  ControlBlockReader r("test", dir_);
  const CommandAck a = r.send(CommandKind::Kill, KillLevel::Reduce, "desk asked", 30s);
  EXPECT_EQ(a.status, CommandStatus::Acknowledged);
  EXPECT_EQ(a.result, CommandResult::Ok);
  EXPECT_EQ(a.state_after, EngineState::Reducing);
  EXPECT_GT(a.seq, 0U);
  const StatusSnapshot s = r.status();
  EXPECT_EQ(s.state, EngineState::Reducing);
  EXPECT_EQ(s.kill_level, KillLevel::Reduce);
  EXPECT_EQ(s.reason, "desk asked");
  EXPECT_EQ(s.last_command_seq, a.seq);
  EXPECT_EQ(s.commands_acked, 1U);

  EXPECT_EQ(r.send(CommandKind::Resume, KillLevel::None, "ok", 30s).state_after, EngineState::Running);
  EXPECT_EQ(r.send(CommandKind::Stop, KillLevel::None, "eod", 30s).state_after, EngineState::Stopping);
  EXPECT_EQ(r.status().exit_reason, ExitReason::StopCommand);
  loop.stop();
  EXPECT_EQ(loop.count(), 3U);
  EXPECT_EQ(r.counter(counter_index(Counter::CommandsHandled)), 3U);
}

TEST_F(ControlBlockTest, MalformedCommandsAreAnsweredInvalidWithoutReachingTheEngine) {
  ControlBlockWriter w(options());
  EngineLoop loop(w);
  loop.start();
  ControlBlockReader r("test", dir_);
  const CommandAck a = r.send(CommandKind::Kill, KillLevel::None, "no level", 30s);
  EXPECT_EQ(a.status, CommandStatus::Acknowledged);
  EXPECT_EQ(a.result, CommandResult::Invalid);
  EXPECT_EQ(r.send(static_cast<CommandKind>(77), KillLevel::None, "", 30s).result, CommandResult::Invalid);
  loop.stop();
  EXPECT_EQ(loop.count(), 0U);
}

TEST_F(ControlBlockTest, PendingCommandsRunOldestFirst) {
  ControlBlockWriter w(options());
  ControlBlockReader r("test", dir_);
  std::vector<PendingCommand> posted;
  // Withdraw the command in slot 0 so the newest command lands in a lower
  // slot than the older ones: order must come from the sequence, not the slot.
  const PendingCommand gone = r.post(CommandKind::Resume, KillLevel::None, "withdrawn");
  posted.push_back(r.post(CommandKind::Kill, KillLevel::Halt, "first"));
  posted.push_back(r.post(CommandKind::Resume, KillLevel::None, "second"));
  EXPECT_EQ(r.wait(gone, 0ns).status, CommandStatus::NotDelivered);
  posted.push_back(r.post(CommandKind::Kill, KillLevel::Reduce, "third"));
  EXPECT_EQ(posted.back().slot, gone.slot);
  std::vector<std::string> order;
  order.reserve(8);
  w.poll_commands([&](const Command& c) {
    order.emplace_back(c.reason);
    return apply_default(w, c);
  });
  EXPECT_EQ(order, (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(w.state(), EngineState::Reducing);
  for (const auto& p : posted) EXPECT_EQ(r.wait(p, 1s).status, CommandStatus::Acknowledged);
  // Nothing more: the doorbell fast path answers 0.
  EXPECT_EQ(w.poll_commands([&](const Command& c) { return apply_default(w, c); }), 0U);
}

TEST_F(ControlBlockTest, UnansweredResumeIsWithdrawnButKillStaysPosted) {
  ControlBlockWriter w(options());
  ControlBlockReader r("test", dir_);
  // No engine loop: nobody answers.
  const CommandAck resume = r.send(CommandKind::Resume, KillLevel::None, "late", 20ms);
  EXPECT_EQ(resume.status, CommandStatus::NotDelivered);
  const CommandAck kill = r.send(CommandKind::Kill, KillLevel::Halt, "engine slow", 20ms);
  EXPECT_EQ(kill.status, CommandStatus::Timeout);
  // When the engine polls again it applies the kill, never the resume.
  std::vector<CommandKind> seen;
  seen.reserve(4);
  w.poll_commands([&](const Command& c) {
    seen.push_back(c.kind);
    return apply_default(w, c);
  });
  EXPECT_EQ(seen, std::vector<CommandKind>{CommandKind::Kill});
  EXPECT_EQ(w.state(), EngineState::Halted);
}

TEST_F(ControlBlockTest, CommandsFromManyThreadsAreAcknowledgedExactlyOnce) {
  ControlBlockWriter w(options());
  EngineLoop loop(w);
  loop.start();
  constexpr int kThreads = 4;
  constexpr int kEach = 100;
  std::vector<std::vector<std::uint32_t>> acked(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      ControlBlockReader r("test", dir_);
      for (int i = 0; i < kEach; ++i) {
        const auto kind = i % 2 ? CommandKind::Resume : CommandKind::Kill;
        const CommandAck a = r.send(kind, KillLevel::Halt, "t", 30s);
        if (a.status != CommandStatus::Acknowledged || a.result != CommandResult::Ok) ++failures;
        acked[static_cast<std::size_t>(t)].push_back(a.seq);
      }
    });
  }
  for (auto& c : clients) c.join();
  loop.stop();
  EXPECT_EQ(failures.load(), 0);
  std::multiset<std::uint32_t> client_seqs;
  for (const auto& v : acked) client_seqs.insert(v.begin(), v.end());
  const auto engine = loop.seqs();
  const std::multiset<std::uint32_t> engine_seqs(engine.begin(), engine.end());
  EXPECT_EQ(engine.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(std::set<std::uint32_t>(engine.begin(), engine.end()).size(), engine.size()) << "a command ran twice";
  EXPECT_EQ(engine_seqs, client_seqs);
}

TEST_F(ControlBlockTest, CommandsFromManyProcessesAreAcknowledgedExactlyOnce) {
  ControlBlockWriter w(options());
  EngineLoop loop(w);
  loop.start();
  constexpr int kProcs = 4;
  constexpr int kEach = 50;
  std::vector<pid_t> kids;
  for (int p = 0; p < kProcs; ++p) {
    kids.push_back(fork_child([&] {
      ControlBlockReader r("test", dir_);
      for (int i = 0; i < kEach; ++i) {
        const CommandAck a = r.send(i % 2 ? CommandKind::Resume : CommandKind::Kill, KillLevel::Reduce, "p", 30s);
        if (a.status != CommandStatus::Acknowledged || a.result != CommandResult::Ok) return 1;
      }
      return 0;
    }));
  }
  for (const pid_t k : kids) EXPECT_EQ(wait_child(k), 0);
  loop.stop();
  const auto engine = loop.seqs();
  EXPECT_EQ(engine.size(), static_cast<std::size_t>(kProcs * kEach));
  EXPECT_EQ(std::set<std::uint32_t>(engine.begin(), engine.end()).size(), engine.size()) << "a command ran twice";
}

TEST_F(ControlBlockTest, SlotsOfDeadClientsAreReclaimed) {
  ControlBlockWriter w(options());
  // A client posts into every slot and dies without collecting the answers.
  const pid_t kid = fork_child([&] {
    ControlBlockReader r("test", dir_);
    for (std::size_t i = 0; i < layout::kCommandSlots; ++i) {
      if (r.post(CommandKind::Kill, KillLevel::Halt, "dying", 1s).status != CommandStatus::Acknowledged) return 1;
    }
    return 0;
  });
  ASSERT_EQ(wait_child(kid), 0);
  EXPECT_EQ(w.poll_commands([&](const Command& c) { return apply_default(w, c); }), layout::kCommandSlots);
  // Every slot now holds an uncollected answer of a dead process.
  EngineLoop loop(w);
  loop.start();
  ControlBlockReader r("test", dir_);
  EXPECT_EQ(r.send(CommandKind::Resume, KillLevel::None, "after", 30s).status, CommandStatus::Acknowledged);
  loop.stop();
}

TEST_F(ControlBlockTest, ReaderInAnotherProcessSeesStateAndCounters) {
  ControlBlockWriter w(options());
  w.set_state(EngineState::Running, "go");
  w.add(Counter::Fills, 42);
  w.record_latency(3, 777);
  const pid_t kid = fork_child([&] {
    ControlBlockReader r("test", dir_);
    const StatusSnapshot s = r.status();
    if (s.state != EngineState::Running || s.reason != "go" || !s.owner_alive) return 1;
    if (r.counter(counter_index(Counter::Fills)) != 42) return 2;
    if (r.histogram(3).count.load() != 1 || r.histogram(3).max.load() != 777) return 3;
    if (r.info().engine_pid != static_cast<std::int32_t>(::getppid())) return 4;
    return 0;
  });
  EXPECT_EQ(wait_child(kid), 0);
}

TEST_F(ControlBlockTest, LiveOwnerInAnotherProcessIsRefusedAndADeadOneReplaced) {
  int to_child[2];
  int to_parent[2];
  ASSERT_EQ(::pipe(to_child), 0);
  ASSERT_EQ(::pipe(to_parent), 0);
  const pid_t kid = fork_child([&] {
    ControlBlockWriter w(options());
    w.set_state(EngineState::Running);
    char c = 'r';
    if (::write(to_parent[1], &c, 1) != 1) return 1;
    if (::read(to_child[0], &c, 1) != 1) return 2;
    ::_exit(0);  // dies without cleaning up: the segment stays behind
  });
  char c = 0;
  ASSERT_EQ(::read(to_parent[0], &c, 1), 1);
  try {
    ControlBlockWriter w(options());
    ADD_FAILURE() << "created over a live engine";
  } catch (const ControlError& e) {
    EXPECT_NE(std::string(e.what()).find("already running (pid " + std::to_string(kid)), std::string::npos) << e.what();
  }
  ASSERT_EQ(::write(to_child[1], &c, 1), 1);
  EXPECT_EQ(wait_child(kid), 0);
  for (int fd : {to_child[0], to_child[1], to_parent[0], to_parent[1]}) ::close(fd);

  {
    // The dead engine's segment is still there; readers see it is stale.
    ControlBlockReader r("test", dir_);
    EXPECT_FALSE(r.owner_alive());
    EXPECT_TRUE(r.stale(std::uint64_t{1} << 62));
    EXPECT_EQ(r.send(CommandKind::Kill, KillLevel::Halt, "x", 1s).status, CommandStatus::NoEngine);
  }
  ControlBlockWriter w(options());  // replaces it
  ControlBlockReader r("test", dir_);
  EXPECT_EQ(r.info().engine_pid, ::getpid());
  EXPECT_EQ(r.status().state, EngineState::Starting);
}

}  // namespace
}  // namespace hft::engine::test
