#pragma once
/// @file
/// Where the threads of a two-thread benchmark run: on two different allowed
/// cores when there are two, so producer and consumer never share one.

#include <sched.h>

namespace hft::bench {

class TwoCorePlacement {
 public:
  /// Remembers the calling thread's affinity, restored on destruction.
  TwoCorePlacement() noexcept;
  ~TwoCorePlacement();
  TwoCorePlacement(const TwoCorePlacement&) = delete;
  TwoCorePlacement& operator=(const TwoCorePlacement&) = delete;

  /// True when two distinct cores are available and pinning works.
  bool pinned() const noexcept { return pinned_; }
  /// Pins the calling thread to the first core (the side threads).
  void pin_first() const noexcept;
  /// Pins the calling thread to the second core (the benchmark thread).
  void pin_second() const noexcept;

 private:
  cpu_set_t saved_{};
  int first_{-1};
  int second_{-1};
  bool pinned_{false};
};

}  // namespace hft::bench
