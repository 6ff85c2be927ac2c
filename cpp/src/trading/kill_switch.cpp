#include "hft/trading/kill_switch.h"

namespace hft::trading {

std::string_view to_string(KillState s) noexcept {
  switch (s) {
    case KillState::Active:
      return "active";
    case KillState::Reducing:
      return "reducing";
    case KillState::Halted:
      return "halted";
  }
  return "unknown_kill_state";
}

void KillSwitch::audit(AuditType type, KillTrigger trigger, std::int64_t value, std::uint64_t tsc) noexcept {
  AuditRecord r;
  r.type = type;
  r.state = static_cast<std::uint8_t>(state_);
  r.tsc = tsc;
  r.price = value;
  r.qty = static_cast<std::int32_t>(state_);
  r.reason = static_cast<std::uint16_t>(trigger);
  audit_.record(r);
}

KillState KillSwitch::trip(KillTrigger trigger, KillLevel level, std::uint64_t tsc, std::int64_t value) noexcept {
  const KillState before = state_;
  const KillState target = level == KillLevel::Halt ? KillState::Halted : KillState::Reducing;
  const bool new_trigger = (triggers_ & bit(trigger)) == 0;
  triggers_ |= bit(trigger);
  if (target > state_) {
    state_ = target;
    tripped_tsc_ = tsc;
    last_trigger_ = trigger;
  }
  // A repeat of a trigger that changes nothing is not news; anything else is.
  if (state_ != before || new_trigger) audit(AuditType::KillSwitch, trigger, value, tsc);
  return before;
}

ResumeResult KillSwitch::resume(TriggerSet holding, std::uint64_t tsc) noexcept {
  const TriggerSet still = triggers_ & holding;
  if (still != 0) {
    KillTrigger first = KillTrigger::None;
    for (std::uint16_t t = 1; t < kKillTriggerCount; ++t) {
      if (still & bit(static_cast<KillTrigger>(t))) {
        first = static_cast<KillTrigger>(t);
        break;
      }
    }
    audit(AuditType::ResumeRefused, first, 0, tsc);
    return {false, first};
  }
  if (state_ == KillState::Active && triggers_ == 0) return {false, KillTrigger::None};
  state_ = KillState::Active;
  triggers_ = 0;
  last_trigger_ = KillTrigger::None;
  audit(AuditType::KillSwitch, KillTrigger::None, 0, tsc);
  return {true, KillTrigger::None};
}

}  // namespace hft::trading
