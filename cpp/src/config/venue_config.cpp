#include "hft/config/venue_config.h"

#include <cmath>

#include "hft/config/system_config.h"
#include "hft/core/text.h"

namespace hft::config {
namespace {

// Money keys are validated to at most 4 decimals, so this is exact.
core::Price price_of(const Json& v) { return core::price_from_double(v.get<double>()).value_or(core::Price{}); }

std::vector<std::uint64_t> ordinals(const Json& a) { return a.get<std::vector<std::uint64_t>>(); }

VenueConfig to_venue_config(const Json& n) {
  VenueConfig c;
  c.name = n.at("name");
  for (const Json& i : n.at("instruments")) {
    VenueInstrument x;
    x.symbol = i.at("symbol");
    x.tick = price_of(i.at("tick"));
    x.lot = i.at("lot");
    x.max_order_qty = i.at("max_order_qty");
    x.reference_price = price_of(i.at("reference_price"));
    x.collar = price_of(i.at("collar"));
    c.instruments.push_back(std::move(x));
  }
  const Json& m = n.at("matching");
  c.order_capacity = m.at("order_capacity");
  c.max_levels_per_side = m.at("max_levels_per_side");
  c.self_match = m.at("self_match");
  const Json& oe = n.at("order_entry");
  c.fix_host = oe.at("host");
  c.fix_port = oe.at("port");
  for (const Json& s : oe.at("sessions"))
    c.fix_sessions.push_back({s.at("sender_comp_id"), s.at("target_comp_id"), s.at("store"), s.at("reset_on_logon")});
  const Json& md = n.at("market_data");
  c.md_session = md.at("session");
  c.md_local_ip = md.at("local_ip");
  c.md_interface = md.at("interface");
  c.md_multicast_loop = md.at("multicast_loop");
  for (const Json& l : md.at("lines")) {
    VenueLine x;
    x.ip = l.at("ip");
    x.port = l.at("port");
    x.drop = ordinals(l.at("drop"));
    x.duplicate = ordinals(l.at("duplicate"));
    x.reorder = ordinals(l.at("reorder"));
    x.drop_probability = l.at("drop_probability");
    x.fault_seed = l.at("fault_seed");
    c.md_lines.push_back(std::move(x));
  }
  const Json& r = md.at("retransmission");
  c.retransmission_ip = r.at("ip");
  c.retransmission_port = r.at("port");
  c.history_messages = r.at("history_messages");
  c.history_mb = r.at("history_mb");
  c.max_packet_bytes = md.at("max_packet_bytes");
  c.heartbeat_ms = md.at("heartbeat_ms");
  c.batch_delay_us = md.at("batch_delay_us");
  const Json& f = n.at("flow");
  c.flow.enabled = f.at("enabled");
  c.flow.seed = f.at("seed");
  c.flow.messages_per_second = f.at("messages_per_second");
  c.flow.cancel_ratio = f.at("cancel_ratio");
  c.flow.aggressive_ratio = f.at("aggressive_ratio");
  c.flow.spread_ticks = f.at("spread_ticks");
  c.flow.depth_levels = f.at("depth_levels");
  return c;
}

}  // namespace

VenueCheck check_venue(const Json& doc, const std::string& file, const ValidationContext& ctx) {
  VenueCheck result;
  Validation v = validate(venue_schema(), doc, file, ctx);
  result.normalized = std::move(v.normalized);
  result.errors = std::move(v.errors);
  if (result.errors.empty()) result.config = to_venue_config(result.normalized);
  return result;
}

VenueCheck load_venue_config(const std::string& path, const ValidationContext& ctx) {
  VenueCheck result;
  const std::optional<Json> doc = read_json_file(path, result.errors);
  if (!doc) return result;
  return check_venue(*doc, path, ctx);
}

}  // namespace hft::config
