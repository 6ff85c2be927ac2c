#pragma once
/// @file
/// Turns a validated configuration into a Pipeline: its plain options, and
/// the market data sockets or ports it reads. Like the other *_settings.h,
/// the translation lives in the engine so lower rooms never see the format.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "hft/config/system_config.h"
#include "hft/core/clock.h"
#include "hft/engine/network_settings.h"
#include "hft/engine/pipeline.h"
#include "hft/net/net_result.h"

namespace hft::engine {

/// The FIX session the engine trades on: the first initiator in
/// `fix.sessions`; nullptr when there is none (the daemon refuses to start).
const config::FixSessionConfig* order_session(const config::SystemConfig& config) noexcept;

/// Everything but the transports. `order_id_session` is the OMS's id prefix
/// (from `OrderIdGenerator::open(trading.order_id_state_path)` in the
/// daemon). Durations in the configuration become TSC ticks through `clock`.
/// Throws std::invalid_argument when there is no initiator session.
PipelineOptions pipeline_options(const config::SystemConfig& config, const core::TscCalibration& clock,
                                 std::uint32_t order_id_session);

/// The opened market data network. The DPDK runtime (when line A is a DPDK
/// port) is declared first so that it is destroyed last, after the port.
struct FeedNetwork {
  std::unique_ptr<net::DpdkRuntime> runtime;
  PipelineTransports transports;
};

/// Opens line A as `network.kernel_bypass` says (a DPDK port or a kernel
/// socket), then line B and the retransmission socket (kernel sockets) when
/// `market_data` names them. The message names the line that failed.
net::NetOpened<FeedNetwork> open_feed_network(const config::SystemConfig& config);

}  // namespace hft::engine
