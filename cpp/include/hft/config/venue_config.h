#pragma once
/// @file
/// The venue simulator's configuration (`config/venue.json`): instruments,
/// matching, FIX order entry, the ITCH/MoldUDP64 feed with its test hooks,
/// and the simulated background flow. Declared with the same schema
/// language as the engine's files, so `hft config check` and `hft_venue
/// --check` give the same errors.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hft/config/error.h"
#include "hft/config/schema.h"
#include "hft/core/types.h"

namespace hft::config {

struct VenueInstrument {
  std::string symbol;
  core::Price tick;
  std::int64_t lot{1};
  std::int64_t max_order_qty{1000000};
  core::Price reference_price;  ///< where the background flow's random walk starts
  core::Price collar;           ///< market orders trade no further than this from the touch; 0 = none
};

struct VenueFixSession {
  std::string sender_comp_id;  ///< the venue's CompID on this session
  std::string target_comp_id;  ///< the client's
  std::string store_path;
  bool reset_on_logon{false};
};

struct VenueLine {
  std::string ip;
  std::int64_t port{0};
  std::vector<std::uint64_t> drop, duplicate, reorder;  ///< packet ordinals (test hooks)
  double drop_probability{0};
  std::int64_t fault_seed{1};
};

struct VenueFlow {
  bool enabled{true};
  std::int64_t seed{1};
  double messages_per_second{1000};
  double cancel_ratio{0.4};      ///< of flow messages, cancels of the flow's own orders
  double aggressive_ratio{0.1};  ///< of flow messages, orders that cross the spread
  std::int64_t spread_ticks{2};
  std::int64_t depth_levels{10};
};

struct VenueConfig {
  std::string name{"venue"};
  std::vector<VenueInstrument> instruments;
  std::int64_t order_capacity{1 << 20};
  std::int64_t max_levels_per_side{4096};
  std::string self_match{"cancel_resting"};
  std::string fix_host{"0.0.0.0"};
  std::int64_t fix_port{9878};
  std::vector<VenueFixSession> fix_sessions;
  std::string md_session{"HFTVENUE01"};
  std::string md_local_ip{"127.0.0.1"};  ///< address the feed is sent from
  std::string md_interface{"lo"};        ///< interface multicast leaves on
  std::vector<VenueLine> md_lines;
  bool md_multicast_loop{true};
  std::string retransmission_ip{"127.0.0.1"};
  std::int64_t retransmission_port{0};  ///< 0: no retransmission server
  std::int64_t max_packet_bytes{1400};
  std::int64_t heartbeat_ms{1000};
  std::int64_t batch_delay_us{0};
  std::int64_t history_messages{1 << 20};
  std::int64_t history_mb{64};
  VenueFlow flow;
};

/// Schema of `venue.json`.
const DocumentSchema& venue_schema();

struct VenueCheck {
  Json normalized;
  ConfigErrors errors;
  std::optional<VenueConfig> config;  ///< set when there are no errors
  bool ok() const noexcept { return errors.empty(); }
};

/// Validates an already-parsed venue document.
VenueCheck check_venue(const Json& doc, const std::string& file, const ValidationContext& ctx);
/// Reads and checks a venue file; problems become errors, never exceptions.
VenueCheck load_venue_config(const std::string& path, const ValidationContext& ctx);

}  // namespace hft::config
