#pragma once
// Shared set-up for the control block tests: a private segment directory per
// test (parallel ctest runs never collide), a writer with a few instruments,
// and helpers for forked children (which report through their exit code,
// never through gtest).

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "hft/engine/control_block_reader.h"
#include "hft/engine/control_block_writer.h"

namespace hft::engine::test {

/// A 1 GHz calibration: tests need no real TSC rate, and skipping the
/// measurement keeps each writer's creation instant.
inline const core::TscCalibration& test_calibration() {
  static const core::TscCalibration cal = [] {
    core::TscCalibration c;
    c.ticks_per_second = 1e9;
    c.mult = 1;
    c.shift = 0;
    return c;
  }();
  return cal;
}

class ControlBlockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hft-cb-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  ControlBlockOptions options(const std::string& instance = "test") const {
    ControlBlockOptions o;
    o.instance = instance;
    o.dir = dir_;
    o.instruments = {"AAPL", "MSFT", "NVDA"};
    o.calibration = &test_calibration();
    return o;
  }

  std::string dir_;
};

/// Handles every command the way the daemon will: kill -> Reducing/Halted,
/// resume -> Running, stop -> Stopping.
inline CommandReply apply_default(ControlBlockWriter& w, const Command& c) noexcept {
  switch (c.kind) {
    case CommandKind::Kill:
      w.set_state(c.level == KillLevel::Halt ? EngineState::Halted : EngineState::Reducing, c.reason, ExitReason::None,
                  c.seq);
      return {};
    case CommandKind::Resume:
      w.set_state(EngineState::Running, c.reason, ExitReason::None, c.seq);
      return {};
    case CommandKind::Stop:
      w.set_state(EngineState::Stopping, c.reason, ExitReason::StopCommand, c.seq);
      return {};
    case CommandKind::None:
      break;
  }
  return {CommandResult::Invalid, 0};
}

/// Runs `child()` in a forked process; returns its exit status (or -1 when
/// it did not exit normally).
template <class F>
pid_t fork_child(F&& child) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    int rc = 99;
    try {
      rc = child();
    } catch (...) {
      rc = 98;
    }
    ::_exit(rc);
  }
  return pid;
}

inline int wait_child(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace hft::engine::test
