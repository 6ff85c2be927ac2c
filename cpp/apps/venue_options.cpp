#include "venue_options.h"

#include <algorithm>

#include "hft/net/address.h"

namespace hft::apps {

namespace fix = protocol::fix;

venue::VenueServerOptions venue_options(const config::VenueConfig& c) {
  venue::VenueServerOptions o;
  for (const config::VenueInstrument& i : c.instruments) {
    venue::InstrumentConfig x;
    x.symbol = venue::InstrumentConfig::symbol_of(i.symbol);
    x.tick = i.tick;
    x.lot = i.lot;
    x.max_order_qty = i.max_order_qty;
    x.collar = i.collar;
    o.instruments.push_back(x);
    o.reference_prices.push_back(i.reference_price);
  }
  o.order_capacity = static_cast<std::size_t>(c.order_capacity);
  o.max_levels_per_side = static_cast<std::size_t>(c.max_levels_per_side);
  o.self_match = c.self_match == "cancel_incoming" ? venue::SelfMatchMode::CancelIncoming
                 : c.self_match == "cancel_both"   ? venue::SelfMatchMode::CancelBoth
                                                   : venue::SelfMatchMode::CancelResting;
  o.fix_host = c.fix_host;
  o.fix_port = static_cast<std::uint16_t>(c.fix_port);
  for (const config::VenueFixSession& s : c.fix_sessions) {
    venue::VenueServerOptions::Session x;
    x.settings.role = fix::SessionRole::Acceptor;
    x.settings.sender_comp_id = s.sender_comp_id;
    x.settings.target_comp_id = s.target_comp_id;
    x.settings.reset_on_logon = s.reset_on_logon;
    x.store_dir = s.store_path;
    x.store.max_messages = 1u << 18;
    x.store.data_bytes = 64u << 20;
    o.sessions.push_back(std::move(x));
  }
  o.feed.session = protocol::mold::make_session(c.md_session);
  for (const config::VenueLine& l : c.md_lines) {
    net::UdpEndpoint e;
    net::parse_ipv4(l.ip, e.ip);  // validated by the schema
    e.port = static_cast<std::uint16_t>(l.port);
    o.feed.lines.push_back(e);
    venue::LineFaults f;
    f.drop = l.drop;
    f.duplicate = l.duplicate;
    f.reorder = l.reorder;
    f.drop_probability = l.drop_probability;
    f.seed = static_cast<std::uint64_t>(l.fault_seed);
    o.feed.faults.push_back(std::move(f));
  }
  o.feed.max_packet_bytes = static_cast<std::size_t>(c.max_packet_bytes);
  o.feed.heartbeat_interval_ns = c.heartbeat_ms * 1'000'000;
  o.feed.max_batch_delay_ns = c.batch_delay_us * 1'000;
  o.feed.history_messages = static_cast<std::size_t>(c.history_messages);
  o.feed.history_bytes = static_cast<std::size_t>(c.history_mb) << 20;
  o.flow_enabled = c.flow.enabled;
  // A rate of 0 means no flow: the flow itself needs a positive rate.
  o.flow_enabled = c.flow.enabled && c.flow.messages_per_second >= 1;
  o.flow.seed = static_cast<std::uint64_t>(c.flow.seed);
  o.flow.messages_per_second = static_cast<std::uint64_t>(c.flow.messages_per_second);
  o.flow.cancel_per_mille = static_cast<std::uint32_t>(c.flow.cancel_ratio * 1000);
  o.flow.aggressive_per_mille = static_cast<std::uint32_t>(c.flow.aggressive_ratio * 1000);
  // Replaces take what passive orders, cancels and aggressive orders leave.
  const std::uint32_t taken = o.flow.cancel_per_mille + o.flow.aggressive_per_mille;
  o.flow.passive_per_mille = taken >= 950 ? 0 : 950 - taken;
  o.flow.half_spread_ticks = static_cast<std::uint32_t>(std::max<std::int64_t>(1, c.flow.spread_ticks / 2));
  o.flow.depth_ticks = static_cast<std::uint32_t>(c.flow.depth_levels);
  return o;
}

}  // namespace hft::apps
