#pragma once
/// @file
/// The kill switch: ACTIVE, REDUCING (only position-reducing orders pass)
/// or HALTED (nothing passes). Triggers only ever raise the state; the way
/// back to ACTIVE is an explicit `resume`, refused while any trigger's
/// condition still holds. Every transition and refusal is audited.
///
/// The state is a plain byte read by the risk chain before anything else,
/// on the same thread that trips it, so "no order passes" takes effect on
/// the next check after `trip` returns.

#include <cstdint>
#include <string_view>

#include "hft/trading/audit_record.h"
#include "hft/trading/reason.h"
#include "hft/trading/settings.h"

namespace hft::trading {

/// Ordered by severity. Values are on disk (audit log).
enum class KillState : std::uint8_t { Active = 0, Reducing = 1, Halted = 2 };

std::string_view to_string(KillState s) noexcept;

/// Bit set of KillTriggers (bit = 1 << trigger).
using TriggerSet = std::uint32_t;
constexpr TriggerSet bit(KillTrigger t) noexcept { return TriggerSet{1} << static_cast<unsigned>(t); }

struct ResumeResult {
  bool resumed{false};
  /// The first trigger whose condition still holds (None when resumed or
  /// when there was nothing to resume from).
  KillTrigger blocking{KillTrigger::None};
};

class KillSwitch {
 public:
  explicit KillSwitch(AuditSink& audit) noexcept : audit_(audit) {}

  KillState state() const noexcept { return state_; }
  /// Triggers that fired since the last resume.
  TriggerSet triggers() const noexcept { return triggers_; }
  /// TSC of the trip that set the current state.
  std::uint64_t tripped_at() const noexcept { return tripped_tsc_; }
  KillTrigger last_trigger() const noexcept { return last_trigger_; }

  /// Raises the state to `level` (never lowers it) and records the trigger.
  /// `value` is what crossed the limit (loss, position), for the audit
  /// record. Returns the state before the trip, so the caller can act on a
  /// transition (cancel-all when it becomes HALTED).
  KillState trip(KillTrigger trigger, KillLevel level, std::uint64_t tsc, std::int64_t value = 0) noexcept;

  /// Back to ACTIVE if no trigger in `holding` (conditions that are still
  /// true now) fired; otherwise refused and audited with the first one.
  ResumeResult resume(TriggerSet holding, std::uint64_t tsc) noexcept;

 private:
  void audit(AuditType type, KillTrigger trigger, std::int64_t value, std::uint64_t tsc) noexcept;

  AuditSink& audit_;
  KillState state_{KillState::Active};
  TriggerSet triggers_{0};
  KillTrigger last_trigger_{KillTrigger::None};
  std::uint64_t tripped_tsc_{0};
};

}  // namespace hft::trading
