// The one declaration of the venue simulator's configuration file.
#include <cmath>
#include <map>
#include <set>

#include "hft/config/venue_config.h"

namespace hft::config {
namespace {

NodeBuilder venue_comp_id() {
  return string().pattern("[!-~]{1,64}", "1 to 64 printable ASCII characters without spaces (a FIX CompID)");
}

NodeBuilder ipv4() {
  return string().pattern("((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])",
                          "a dotted-quad IPv4 address");
}

NodeBuilder ordinals(std::string doc) {
  NodeBuilder b = array(integer().min(0).max(1e12));
  b.unique().doc(std::move(doc));
  return b;
}

NodePtr instrument() {
  return object({
      required("symbol", string().pattern("[A-Z][A-Z0-9.]{0,7}", "an upper-case ticker of 1 to 8 characters"),
               "ITCH stock symbol"),
      optional("tick", money().greater_than(0).max(1e6), 0.01, "price increment"),
      optional("lot", integer().min(1).max(1e9), 1, "order quantities must be a multiple of this"),
      optional("max_order_qty", integer().min(1).max(4294967295.0), 1000000,
               "largest quantity of one order (ITCH shares are 32-bit)"),
      required("reference_price", money().greater_than(0).max(1e6), "where the simulated flow's prices start"),
      optional("collar", money().min(0).max(1e6), 0,
               "market orders trade no further than this from the touch; 0 turns the collar off"),
  });
}

NodePtr fix_session() {
  return object({
      required("sender_comp_id", venue_comp_id(), "the venue's CompID on this session"),
      required("target_comp_id", venue_comp_id(), "the client's CompID"),
      required("store", path(), "directory of the session store"),
      optional("reset_on_logon", boolean(), false, "restart both sequence numbers at 1 on every logon"),
  });
}

NodePtr line() {
  return object({
      required("ip", ipv4(), "destination: a multicast group or a unicast address"),
      required("port", integer().min(1).max(65535), "UDP port"),
      optional("drop", ordinals("test hook: packet ordinals never sent on this line"), Json::array(), ""),
      optional("duplicate", ordinals("test hook: packet ordinals sent twice"), Json::array(), ""),
      optional("reorder", ordinals("test hook: packet ordinals sent after the next packet"), Json::array(), ""),
      optional("drop_probability", number().min(0).max(1), 0, "test hook: each packet is dropped with this chance"),
      optional("fault_seed", integer().min(0).max(1e15), 1, "seed of drop_probability"),
  });
}

void check_unique_symbols(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& list = doc.at("instruments");
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string s = list[i].at("symbol");
    const auto [it, fresh] = seen.emplace(s, i);
    if (!fresh)
      out.add(join_path("instruments", i) + ".symbol", "venue.unique_symbols",
              "symbol " + s + " already configured at instruments[" + std::to_string(it->second) + "]",
              &list[i].at("symbol"));
  }
}

void check_sessions(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& list = doc.at("order_entry").at("sessions");
  std::set<std::string> ids, stores;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& s = list[i];
    const std::string id = s.at("sender_comp_id").get<std::string>() + "<-" + s.at("target_comp_id").get<std::string>();
    if (!ids.insert(id).second)
      out.add(join_path("order_entry.sessions", i) + ".target_comp_id", "venue.distinct_sessions",
              "another session has this CompID pair", &s.at("target_comp_id"));
    if (!stores.insert(s.at("store").get<std::string>()).second)
      out.add(join_path("order_entry.sessions", i) + ".store", "venue.distinct_sessions",
              "another session uses this store", &s.at("store"));
  }
}

void check_tick_multiples(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& list = doc.at("instruments");
  for (std::size_t i = 0; i < list.size(); ++i) {
    // Money has at most 4 decimals (checked per key), so 1e-4 units are exact.
    const long long tick = std::llround(list[i].at("tick").get<double>() * 1e4);
    const long long ref = std::llround(list[i].at("reference_price").get<double>() * 1e4);
    if (tick > 0 && ref % tick != 0)
      out.add(join_path("instruments", i) + ".reference_price", "venue.on_tick",
              "reference_price must be a multiple of tick", &list[i].at("reference_price"));
  }
}

DocumentSchema make_venue_schema() {
  DocumentSchema s;
  s.name = "venue";
  s.title = "hft venue simulator configuration";
  s.root = object({
      optional("schema_version", integer().min(1).max(1), 1, "version of this file's layout"),
      optional("name", string().pattern("[a-z][a-z0-9_-]{0,31}", "lower-case letters, digits, '_' and '-'"), "venue",
               "instance name: shows in `hft venue status` and the control block"),
      required("instruments", array(instrument()), "instruments the venue lists; the position is the stock locate"),
      optional("matching",
               object({
                   optional("order_capacity", integer().min(16).max(1 << 30), 1 << 20, "orders live at once"),
                   optional("max_levels_per_side", integer().min(1).max(1 << 20), 4096, "price levels per book side"),
                   optional("self_match", one_of({"cancel_resting", "cancel_incoming", "cancel_both"}),
                            "cancel_resting", "what happens when a participant's orders would trade together"),
               }),
               Json::object(), "matching engine"),
      optional("order_entry",
               object({
                   optional("host", ipv4(), "0.0.0.0", "address the FIX acceptor listens on"),
                   optional("port", integer().min(0).max(65535), 9878, "TCP port; 0 lets the kernel pick"),
                   optional("sessions", array(fix_session()), Json::array(), "FIX sessions the venue accepts"),
               }),
               Json::object(), "FIX 4.4 order entry"),
      optional("market_data",
               object({
                   optional("session", string().pattern("[ -~]{1,10}", "1 to 10 printable characters"), "HFTVENUE01",
                            "MoldUDP64 session name"),
                   optional("local_ip", ipv4(), "127.0.0.1", "address the feed is sent from"),
                   optional("interface", string().pattern("[A-Za-z0-9_.:-]{0,15}", "a network interface name"), "lo",
                            "interface multicast leaves on (empty: the kernel's route)"),
                   optional("lines", array(line()), Json::array(), "line A, and optionally B (same packets on both)"),
                   optional("multicast_loop", boolean(), true, "deliver multicast to receivers on this host too"),
                   optional("retransmission",
                            object({
                                optional("ip", ipv4(), "127.0.0.1", "address the re-request server listens on"),
                                optional("port", integer().min(0).max(65535), 0, "UDP port; 0: no retransmission"),
                                optional("history_messages", integer().min(16).max(1 << 26), 1 << 20,
                                         "messages kept for re-requests"),
                                optional("history_mb", integer().min(1).max(4096), 64, "bytes kept for re-requests"),
                            }),
                            Json::object(), "MoldUDP64 re-request server"),
                   optional("max_packet_bytes", integer().min(64).max(9000), 1400, "UDP payload per packet"),
                   optional("heartbeat_ms", integer().min(0).max(60000), 1000, "heartbeat when idle; 0 off"),
                   optional("batch_delay_us", integer().min(0).max(1000000), 0,
                            "hold a packet this long for more messages; 0 sends each input's messages at once"),
               }),
               Json::object(), "ITCH 5.0 over MoldUDP64"),
      optional("flow",
               object({
                   optional("enabled", boolean(), true, "simulated participants trade in the background"),
                   optional("seed", integer().min(0).max(1e15), 1, "same seed, same flow"),
                   optional("messages_per_second", number().min(0).max(1e8), 1000, "inputs per second, all kinds"),
                   optional("cancel_ratio", number().min(0).max(1), 0.4, "share of cancels"),
                   optional("aggressive_ratio", number().min(0).max(1), 0.1, "share of orders crossing the spread"),
                   optional("spread_ticks", integer().min(1).max(1000), 2, "quoted spread around the mid"),
                   optional("depth_levels", integer().min(1).max(1000), 10, "levels each side the flow fills"),
               }),
               Json::object(), "background order flow"),
  });
  s.rules = {
      {"venue.unique_symbols", "each symbol is listed once", check_unique_symbols},
      {"venue.distinct_sessions", "FIX sessions have distinct CompID pairs and stores", check_sessions},
      {"venue.on_tick", "reference prices are multiples of the tick", check_tick_multiples},
  };
  return s;
}

}  // namespace

const DocumentSchema& venue_schema() {
  static const DocumentSchema s = make_venue_schema();
  return s;
}

}  // namespace hft::config
