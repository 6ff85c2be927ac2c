#pragma once
/// @file
/// Turns the validated configuration's `logging.audit` section into the
/// audit writer's options. Like `trading_settings.h`, the translation lives
/// in the engine so the trading room never sees the configuration format.

#include <chrono>
#include <cstdint>

#include "hft/config/system_config.h"
#include "hft/trading/audit_log.h"

namespace hft::engine {

/// Options for `trading::AuditLog` from `config.logging.audit` (the log's
/// path is `config.logging.audit_log_path`).
inline trading::AuditLogOptions audit_log_options(const config::SystemConfig& config) {
  using Options = trading::AuditLogOptions;
  const config::AuditConfig& a = config.logging.audit;
  Options o;
  switch (a.fsync) {
    case config::AuditConfig::Fsync::Never:
      o.fsync = Options::Fsync::Never;
      break;
    case config::AuditConfig::Fsync::Interval:
      o.fsync = Options::Fsync::Interval;
      break;
    case config::AuditConfig::Fsync::EveryBatch:
      o.fsync = Options::Fsync::EveryBatch;
      break;
  }
  o.fsync_interval = std::chrono::milliseconds(a.fsync_interval_ms);
  o.segment_bytes = static_cast<std::uint64_t>(a.segment_size_mb) << 20;
  o.on_ring_full =
      a.on_ring_full == config::AuditConfig::RingFull::Drop ? Options::RingFull::Drop : Options::RingFull::Block;
  o.instance_name = config.instance_name;
  return o;
}

}  // namespace hft::engine
