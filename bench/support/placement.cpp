#include "support/placement.h"

#include <pthread.h>

#include "hft/core/cpu.h"

namespace hft::bench {

TwoCorePlacement::TwoCorePlacement() noexcept {
  pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_);
  const auto cores = core::allowed_cpus();
  if (cores.size() >= 2) {
    // The last two allowed cores: core 0 takes most interrupts on small VMs.
    first_ = cores[cores.size() - 2];
    second_ = cores[cores.size() - 1];
    pinned_ = true;
  }
}

TwoCorePlacement::~TwoCorePlacement() { pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_); }

void TwoCorePlacement::pin_first() const noexcept {
  if (pinned_) (void)core::pin_current_thread(first_);
}

void TwoCorePlacement::pin_second() const noexcept {
  if (pinned_) (void)core::pin_current_thread(second_);
}

}  // namespace hft::bench
