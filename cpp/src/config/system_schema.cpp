// The one declaration of the engine's configuration files. Python validates
// through this code too (hft._core), so a rule added here applies everywhere.
#include <map>
#include <set>

#include "hft/config/system_config.h"
#include "hft/config/venue_config.h"

namespace hft::config {
namespace {

constexpr double kMaxShares = 1e9;
constexpr double kMaxMoney = 1e12;  // far below the int64 limit of 1e-4 units

NodeBuilder core_list(std::string doc) {
  NodeBuilder b = array(integer().min(0).max(4095));
  b.unique().doc(std::move(doc));
  return b;
}

NodePtr symbol_entry() {
  return object({
      required("exchange", string().pattern("[A-Z][A-Z0-9_]{1,15}", "an upper-case venue code such as NASDAQ"),
               "venue the symbol trades on"),
      required("tick_size", money().greater_than(0).max(1e6), "minimum price increment, e.g. 0.01"),
      required("lot_size", integer().min(1).max(kMaxShares), "order quantities must be a multiple of this"),
      required("max_position", integer().min(1).max(kMaxShares),
               "largest absolute position in this symbol, in shares; at most risk.max_position_size"),
      optional("tradable", boolean(), true, "false keeps the book but rejects every order"),
  });
}

NodePtr symbols_map() {
  return map("[A-Z][A-Z0-9.]{0,7}", "an upper-case ticker of 1 to 8 characters (A-Z, 0-9, '.')", symbol_entry())
      .doc("instruments the engine trades, keyed by ticker");
}

NodeBuilder kill_action() { return one_of({"reduce", "halt"}); }

NodeBuilder comp_id() {
  return string().pattern("[!-~]{1,64}", "1 to 64 printable ASCII characters without spaces (a FIX CompID)");
}

NodePtr fix_session_entry() {
  return object({
      required("name", string().pattern("[a-z][a-z0-9_]{0,31}", "lower-case letters, digits and '_', up to 32"),
               "session name, for logs and telemetry"),
      optional("role", one_of({"initiator", "acceptor"}), "initiator",
               "initiator: we connect and log on (the engine); acceptor: we listen (a venue)"),
      required("host", string().pattern("[A-Za-z0-9.-]{1,253}", "an IPv4 address or host name"),
               "initiator: where to connect; acceptor: the address to listen on (0.0.0.0 for all)"),
      required("port", integer().min(1).max(65535), "TCP port"),
      required("sender_comp_id", comp_id(), "our CompID (tag 49 on what we send)"),
      required("target_comp_id", comp_id(), "the counterparty's CompID (tag 56 on what we send)"),
      optional("heartbeat_interval_s", integer().min(0).max(3600), 30,
               "HeartBtInt we ask for at logon; 0 turns heartbeats off"),
      optional("reset_on_logon", boolean(), false, "restart both sequence numbers at 1 on every logon"),
      optional("logon_timeout_s", integer().min(1).max(3600), 10, "how long a Logon may take"),
      optional("logout_timeout_s", integer().min(1).max(600), 2, "how long to wait for the answer to our Logout"),
      optional("max_sending_time_skew_ms", integer().min(0).max(86400000), 120000,
               "SendingTime further than this from our clock is rejected; 0 turns the check off"),
      optional("reconnect_interval_ms", integer().min(0).max(3600000), 1000,
               "initiator: wait between connection attempts; 0 connects once"),
      optional("tcp",
               object({
                   optional("no_delay", boolean(), true, "TCP_NODELAY"),
                   optional("busy_poll_us", integer().min(0).max(1000000), 0,
                            "SO_BUSY_POLL in microseconds; 0 off (raising it needs CAP_NET_ADMIN)"),
                   optional("send_queue_kb", integer().min(64).max(1048576), 4096,
                            "bytes kept when the kernel's send buffer is full; a peer slower than this is dropped"),
               }),
               Json::object(), "socket options"),
      required("store",
               object({
                   required("path", path(), "directory of the session store (sequence numbers, sent messages)"),
                   optional("fsync", one_of({"never", "interval", "every_write"}), "interval",
                            "when the store is forced to disk; it always survives a crash of the process"),
                   optional("fsync_interval_ms", integer().min(1).max(60000), 100, "with fsync = interval"),
                   optional("max_messages", integer().min(16).max(1 << 24), 262144,
                            "sent messages kept for resend, by count"),
                   optional("size_mb", integer().min(1).max(65536), 64, "sent messages kept for resend, by size"),
               }),
               "persistent session state, so a restart resumes the session"),
  });
}

// Each session is its own identity and its own store.
void check_fix_sessions(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& sessions = doc.at("fix").at("sessions");
  std::map<std::string, std::size_t> names, ids, stores;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const Json& s = sessions[i];
    const std::string here = join_path("fix.sessions", i);
    const auto dup = [&](std::map<std::string, std::size_t>& seen, const std::string& key, const std::string& what,
                         const char* field) {
      const auto [it, fresh] = seen.emplace(key, i);
      if (!fresh)
        out.add(here + "." + field, "fix.sessions_distinct",
                what + " already used by fix.sessions[" + std::to_string(it->second) + "]", &s.at(field));
    };
    dup(names, s.at("name"), "name '" + s.at("name").get<std::string>() + "'", "name");
    dup(ids, s.at("sender_comp_id").get<std::string>() + "->" + s.at("target_comp_id").get<std::string>(),
        "this sender_comp_id/target_comp_id pair", "target_comp_id");
    dup(stores, s.at("store").at("path"), "store path", "store");
  }
}

// ---- strategies ---------------------------------------------------------------

constexpr const char* kStrategyTypes[] = {"market_maker", "liquidity_taker"};

NodePtr market_maker_params() {
  return object({
      optional("fair_value", one_of({"mid", "microprice"}), "mid",
               "price the quotes are centred on: the mid, or the size-weighted mid (microprice)"),
      optional("half_spread_ticks", integer().min(1).max(10000), 2,
               "distance of each quote from the skewed fair value, in ticks"),
      optional("quote_size", integer().min(1).max(kMaxShares), 100,
               "shares per quote; a multiple of each symbol's lot_size"),
      optional("max_position", integer().min(1).max(kMaxShares), 1000,
               "largest absolute position per symbol; the side that would pass it is not quoted"),
      optional("skew_ticks", integer().min(0).max(10000), 2,
               "shift of both quotes against the position at |position| = max_position, in ticks"),
      optional("requote_threshold_ticks", integer().min(1).max(10000), 1,
               "a live quote moves only when its wanted price is at least this many ticks away"),
      optional("min_quote_life_us", integer().min(0).max(60000000), 500,
               "a quote rests at least this long before a price move replaces it"),
      optional("reject_backoff_ms", integer().min(1).max(60000), 100,
               "after a refused order or replace, that side waits this long before trying again"),
  });
}

NodePtr liquidity_taker_params() {
  return object({
      optional("levels", integer().min(1).max(16), 3, "price levels per side the imbalance sums"),
      optional("imbalance_threshold_bps", integer().min(1).max(9999), 3000,
               "trade when |bid_qty - ask_qty| / (bid_qty + ask_qty) is above this, in basis points"),
      optional("order_size", integer().min(1).max(kMaxShares), 100,
               "shares per IOC; a multiple of each symbol's lot_size"),
      optional("max_position", integer().min(1).max(kMaxShares), 1000,
               "largest absolute position per symbol, open orders included"),
      optional("cooldown_ms", integer().min(0).max(3600000), 50,
               "after an order on a symbol, none on it for this long"),
  });
}

NodePtr strategy_entry() {
  return object({
      required("name", string().pattern("[a-z][a-z0-9_]{0,31}", "lower-case letters, digits and '_', up to 32"),
               "strategy name, for logs and telemetry"),
      required("type", one_of({kStrategyTypes[0], kStrategyTypes[1]}), "which strategy runs"),
      required("symbols",
               array(string().pattern("[A-Z][A-Z0-9.]{0,7}", "an upper-case ticker of the symbol configuration"))
                   .min_items(1)
                   .unique(),
               "symbols it trades, each in the symbol configuration"),
      optional("enabled", boolean(), true, "false keeps the entry but does not run it"),
      optional("market_maker", market_maker_params(), "parameters; required when type is market_maker"),
      optional("liquidity_taker", liquidity_taker_params(), "parameters; required when type is liquidity_taker"),
  });
}

// The parameters sit under a key named after the type (the type's block), so
// each type's keys, bounds and defaults are declared like any other object.
void check_strategy_params(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& list = doc.at("strategies");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& s = list[i];
    const std::string type = s.at("type");
    const std::string here = join_path("strategies", i);
    for (const char* t : kStrategyTypes) {
      if (t == type && !s.contains(t)) {
        out.add(join_path(here, t), "strategies.params_for_type",
                "is required for type " + type + " (write {} to take every default)");
      } else if (t != type && s.contains(t)) {
        out.add(join_path(here, t), "strategies.params_for_type",
                std::string("applies to type ") + t + " only; this strategy is a " + type, &s.at(t));
      }
    }
  }
}

void check_strategy_names(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& list = doc.at("strategies");
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto [it, fresh] = seen.emplace(list[i].at("name").get<std::string>(), i);
    if (!fresh) {
      out.add(join_path(join_path("strategies", i), "name"), "strategies.names_distinct",
              "already used by strategies[" + std::to_string(it->second) + "]", &list[i].at("name"));
    }
  }
}

// Calls `f(path, strategy, symbol name, symbol entry or nullptr)` for every
// symbol of every strategy. Runs only once the symbols are inline (for a
// symbols_file, check_system runs it again after reading the file).
template <typename F>
void for_each_strategy_symbol(const Json& doc, F&& f) {
  if (!doc.contains("symbols")) return;
  const Json& symbols = doc.at("symbols");
  const Json& list = doc.at("strategies");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Json& names = list[i].at("symbols");
    for (std::size_t k = 0; k < names.size(); ++k) {
      const std::string name = names[k];
      const auto it = symbols.find(name);
      f(join_path(join_path(join_path("strategies", i), "symbols"), k), list[i], names[k],
        it == symbols.end() ? nullptr : &*it);
    }
  }
}

void check_strategy_symbols_exist(const Json& doc, const ValidationContext&, Reporter& out) {
  for_each_strategy_symbol(doc, [&](const std::string& path, const Json&, const Json& name, const Json* entry) {
    if (entry == nullptr) out.add(path, "strategies.symbols_exist", "is not in the symbol configuration", &name);
  });
}

// Sizes are whole lots and limits within the symbol's own, so a strategy's
// orders are not refused by the risk chain for its configuration alone.
void check_strategy_symbol_limits(const Json& doc, const ValidationContext&, Reporter& out) {
  for_each_strategy_symbol(doc, [&](const std::string& path, const Json& s, const Json& name, const Json* entry) {
    if (entry == nullptr) return;
    const std::string type = s.at("type");
    if (!s.contains(type)) return;  // reported by strategies.params_for_type
    const Json& params = s.at(type);
    const std::int64_t lot = entry->at("lot_size");
    const char* size_key = type == "market_maker" ? "quote_size" : "order_size";
    const std::int64_t size = params.at(size_key);
    const std::string sym = name.get<std::string>();
    if (size % lot != 0) {
      out.add(path, "strategies.symbol_lot",
              std::string(size_key) + " " + std::to_string(size) + " is not a multiple of " + sym + "'s lot_size (" +
                  std::to_string(lot) + ")",
              &name);
    }
    const std::int64_t limit = entry->at("max_position");
    if (params.at("max_position").get<std::int64_t>() > limit) {
      out.add(path, "strategies.symbol_position",
              "max_position " + params.at("max_position").dump() + " exceeds " + sym + "'s max_position (" +
                  std::to_string(limit) + ")",
              &name);
    }
  });
}

constexpr const char* kIpv4Octet = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

NodeBuilder ipv4_address() {
  const std::string o = kIpv4Octet;
  return string().pattern(o + "\\." + o + "\\." + o + "\\." + o, "an IPv4 address such as 10.0.0.1");
}

NodeBuilder multicast_group() {
  const std::string o = kIpv4Octet;
  return string().pattern("(22[4-9]|23[0-9])\\." + o + "\\." + o + "\\." + o,
                          "an IPv4 multicast group (224.0.0.0 to 239.255.255.255)");
}

NodeBuilder feed_line(const std::string& what) {
  return object({
      optional("ip", ipv4_address(), "0.0.0.0", what),
      optional("port", integer().min(0).max(65535), 0, "UDP port; 0: not used"),
  });
}

NodeBuilder mac_address() {
  return string().pattern("([0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5})?", "a MAC address aa:bb:cc:dd:ee:ff, or empty");
}

std::vector<int> ints(const Json& a) { return a.get<std::vector<int>>(); }

// ---- cross-field rules ------------------------------------------------------

void check_core_roles(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& cpu = doc.at("cpu");
  std::map<int, std::string> owner;
  for (const char* role : {"network_cores", "strategy_cores", "risk_cores"}) {
    const Json& cores = cpu.at(role);
    for (std::size_t i = 0; i < cores.size(); ++i) {
      const int core = cores[i].get<int>();
      const auto [it, inserted] = owner.emplace(core, std::string("cpu.") + role);
      if (!inserted) {
        out.add(join_path(std::string("cpu.") + role, i), "cpu.roles_disjoint",
                "core " + std::to_string(core) + " already has a role in " + it->second + "; a core runs one role",
                &cores[i]);
      }
    }
  }
}

void check_cores_exist(const Json& doc, const ValidationContext& ctx, Reporter& out) {
  const Json& cpu = doc.at("cpu");
  for (const char* key : {"isolated_cores", "network_cores", "strategy_cores", "risk_cores"}) {
    const Json& cores = cpu.at(key);
    for (std::size_t i = 0; i < cores.size(); ++i) {
      if (cores[i].get<int>() >= ctx.cpu_count) {
        out.add(join_path(std::string("cpu.") + key, i), "cpu.core_exists",
                "this machine has cores 0-" + std::to_string(ctx.cpu_count - 1), &cores[i]);
      }
    }
  }
}

void check_layout(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& cpu = doc.at("cpu");
  const std::string layout = cpu.at("layout");
  if (layout == "run_to_completion") {
    if (cpu.at("network_cores").size() != 1) {
      out.add("cpu.network_cores", "cpu.layout",
              "run_to_completion runs the whole pipeline on one core: give exactly one network core",
              &cpu.at("network_cores"));
    }
    for (const char* key : {"strategy_cores", "risk_cores"}) {
      if (!cpu.at(key).empty()) {
        out.add(std::string("cpu.") + key, "cpu.layout",
                "must be empty with layout run_to_completion (set layout to pipeline to give stages their own cores)",
                &cpu.at(key));
      }
    }
  } else {
    for (const char* key : {"network_cores", "strategy_cores"}) {
      if (cpu.at(key).empty()) {
        out.add(std::string("cpu.") + key, "cpu.layout", "layout pipeline needs a network core and a strategy core",
                &cpu.at(key));
      }
    }
    // The risk chain takes ~50 ns; a hop to another core costs more than
    // that, so it runs on the strategy core (docs/engine.md).
    if (!cpu.at("risk_cores").empty()) {
      out.add("cpu.risk_cores", "cpu.layout",
              "must be empty: risk checks run on the strategy core (a core hop costs more than the checks)",
              &cpu.at("risk_cores"));
    }
  }
}

void check_roles_isolated(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& cpu = doc.at("cpu");
  const std::vector<int> isolated = ints(cpu.at("isolated_cores"));
  if (isolated.empty()) return;  // no isolation promised: nothing to contradict
  const std::set<int> iso(isolated.begin(), isolated.end());
  for (const char* key : {"network_cores", "strategy_cores", "risk_cores"}) {
    const Json& cores = cpu.at(key);
    for (std::size_t i = 0; i < cores.size(); ++i) {
      if (iso.count(cores[i].get<int>()) == 0) {
        out.add(join_path(std::string("cpu.") + key, i), "cpu.roles_isolated",
                "is not listed in cpu.isolated_cores; engine cores must be isolated when isolation is configured",
                &cores[i]);
      }
    }
  }
}

void check_hugepages(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& net = doc.at("network");
  if (net.at("kernel_bypass") != "dpdk") return;
  const Json& dpdk = net.at("dpdk");
  const std::int64_t gb = net.at("hugepages_gb");
  const bool no_huge = dpdk.at("no_huge");
  if (gb == 0 && !no_huge) {
    out.add("network.dpdk.no_huge", "network.hugepages",
            "must be true when network.hugepages_gb is 0 (DPDK needs hugepages or --no-huge)", &dpdk.at("no_huge"));
  }
  if (gb > 0 && no_huge) {
    out.add("network.dpdk.no_huge", "network.hugepages",
            "contradicts network.hugepages_gb = " + std::to_string(gb) +
                ": reserve hugepages or run with --no-huge, not both",
            &dpdk.at("no_huge"));
  }
  const std::int64_t mb = dpdk.at("memory_mb");
  if (gb > 0 && mb > gb * 1024) {
    out.add("network.dpdk.memory_mb", "network.hugepages",
            "exceeds the " + std::to_string(gb * 1024) + " MB of hugepages in network.hugepages_gb",
            &dpdk.at("memory_mb"));
  }
}

void check_dpdk_cores_exist(const Json& doc, const ValidationContext& ctx, Reporter& out) {
  const Json& cores = doc.at("network").at("dpdk").at("cores");
  for (std::size_t i = 0; i < cores.size(); ++i) {
    if (cores[i].get<int>() >= ctx.cpu_count) {
      out.add(join_path("network.dpdk.cores", i), "network.dpdk_cores_exist",
              "this machine has cores 0-" + std::to_string(ctx.cpu_count - 1), &cores[i]);
    }
  }
}

void check_symbol_source(const Json& doc, const ValidationContext&, Reporter& out) {
  const bool file = doc.contains("symbols_file");
  const bool inline_symbols = doc.contains("symbols");
  if (file == inline_symbols) {
    out.add(file ? "symbols" : "symbols_file", "symbols.source",
            file ? "give either symbols_file or inline symbols, not both"
                 : "is required (or inline the symbols under 'symbols')");
  }
}

void check_risk_limits(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& risk = doc.at("risk");
  const auto over = [&](const char* key, const char* limit) {
    if (risk.at(key).get<double>() > risk.at(limit).get<double>()) {
      out.add(std::string("risk.") + key, "risk.order_within_limits",
              std::string("must not exceed risk.") + limit + " (" + risk.at(limit).dump() + ")", &risk.at(key));
    }
  };
  over("max_order_quantity", "max_position_size");
  over("max_order_notional", "max_notional_exposure");
  over("max_position_size", "max_total_position");
}

void check_log_paths(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& logging = doc.at("logging");
  if (logging.at("audit_log_path") == logging.at("performance_log_path")) {
    out.add("logging.performance_log_path", "logging.distinct_paths", "must differ from logging.audit_log_path",
            &logging.at("performance_log_path"));
  }
}

void check_feed_lines(const Json& doc, const ValidationContext&, Reporter& out) {
  const Json& b = doc.at("market_data").at("line_b");
  if (b.at("port") == 0) return;
  if (doc.at("network").at("kernel_bypass") == "dpdk") {
    out.add("market_data.line_b.port", "market_data.line_b_transport",
            "line B needs kernel_bypass kernel: the DPDK port carries line A only (set port 0)", &b.at("port"));
  }
  const Json& net = doc.at("network");
  if (b.at("port") == net.at("udp_port")) {
    const bool same_group = !net.at("multicast_groups").empty() && net.at("multicast_groups")[0] == b.at("ip");
    if (same_group || net.at("multicast_groups").empty()) {
      out.add("market_data.line_b.port", "market_data.line_b_transport",
              "line B must differ from line A (network.udp_port and multicast_groups)", &b.at("port"));
    }
  }
}

void check_symbol_limits(const Json& doc, const ValidationContext&, Reporter& out) {
  if (!doc.contains("symbols")) return;
  const std::int64_t firm = doc.at("risk").at("max_position_size");
  for (const auto& [symbol, entry] : doc.at("symbols").items()) {
    if (entry.at("max_position").get<std::int64_t>() > firm) {
      out.add(join_path(join_path("symbols", symbol), "max_position"), "symbols.max_position_within_risk",
              "must not exceed risk.max_position_size (" + std::to_string(firm) + ")", &entry.at("max_position"));
    }
  }
}

DocumentSchema make_system_schema() {
  DocumentSchema s;
  s.name = "system";
  s.title = "hft engine system configuration";
  s.root = object({
      required("schema_version", integer().min(kSchemaVersion).max(kSchemaVersion),
               "version of this file's layout; this build reads version 1"),
      optional(
          "instance",
          object({
              optional("name",
                       string().pattern("[a-z0-9][a-z0-9_-]{0,31}",
                                        "1 to 32 characters of a-z, 0-9, '_' or '-', starting with a letter or digit"),
                       "main", "engine instance name; names the control block /dev/shm/hft-<name>"),
          }),
          Json::object(), "identity of this engine process"),
      required(
          "network",
          object({
              required("kernel_bypass", one_of({"dpdk", "kernel"}),
                       "packet I/O: dpdk (kernel bypass) or kernel (sockets)"),
              required("interface", string().min_length(1),
                       "NIC name, PCI address or DPDK vdev that carries market data and orders"),
              optional("hugepages_gb", integer().min(0).max(1024), 0,
                       "hugepages to reserve for DPDK; 0 runs DPDK with --no-huge"),
              optional("local_ip", ipv4_address(), "0.0.0.0",
                       "our IPv4 address: the source of what we send and, when not 0.0.0.0, the unicast "
                       "address we accept"),
              optional("udp_port", integer().min(0).max(65535), 0,
                       "UDP port we send from and receive on; 0: any (kernel: an ephemeral port)"),
              optional("multicast_groups", array(multicast_group()).unique(), Json::array(),
                       "IPv4 multicast groups to receive (market data feeds)"),
              optional("next_hop_mac", mac_address(), "",
                       "MAC of the router or peer unicast frames go to with dpdk (there is no ARP); empty: "
                       "unicast sends are counted as tx_no_route and dropped"),
              optional(
                  "kernel",
                  object({
                      optional("busy_poll_us", integer().min(0).max(1000), 0,
                               "SO_BUSY_POLL microseconds per receive (0: off; needs CAP_NET_ADMIN "
                               "above net.core.busy_read)"),
                      optional("rx_timestamps", one_of({"none", "software", "hardware"}), "software",
                               "receive timestamps: kernel arrival time, or the NIC's clock where it "
                               "has one"),
                      optional("batch_size", integer().min(1).max(1024), 32, "datagrams per recvmmsg/sendmmsg call"),
                      optional("receive_buffer_kb", integer().min(0).max(1048576), 0,
                               "SO_RCVBUF in KiB (0: kernel default)"),
                      optional("send_buffer_kb", integer().min(0).max(1048576), 0,
                               "SO_SNDBUF in KiB (0: kernel default)"),
                      optional("blocking", boolean(), false,
                               "sleep in the kernel until a datagram arrives instead of polling"),
                      optional("multicast_loop", boolean(), false,
                               "receive our own multicast sends (one-host set-ups)"),
                      optional("multicast_ttl", integer().min(1).max(255), 1, "hops a multicast send may cross"),
                  }),
                  Json::object(), "kernel socket options, used when kernel_bypass is kernel"),
              optional(
                  "dpdk",
                  object({
                      optional("cores", core_list("EAL lcores"), Json::array(),
                               "EAL lcores (-l), the first is the main lcore; empty: cpu.network_cores"),
                      optional("rx_ring_size", integer().min(64).max(16384), 1024, "RX descriptors per queue"),
                      optional("tx_ring_size", integer().min(64).max(16384), 1024, "TX descriptors per queue"),
                      optional("mempool_size", integer().min(1023).max(1048575), 8191,
                               "mbufs in the port's pool (2^n - 1 uses memory best)"),
                      optional("mempool_cache", integer().min(0).max(512), 256, "per-lcore mbuf cache"),
                      optional("checksum_offload", boolean(), true, "let the NIC fill IPv4/UDP checksums where it can"),
                      optional("verify_udp_checksum", boolean(), true,
                               "check received UDP checksums in software; off where the NIC verifies them, or "
                               "for net_pcap on the host's loopback (the kernel leaves them unfilled)"),
                      optional("link_wait_ms", integer().min(0).max(60000), 0,
                               "wait this long for link up when the port opens (0: do not wait)"),
                      optional("no_huge", boolean(), true, "run the EAL without hugepages (--no-huge)"),
                      optional("no_pci", boolean(), false, "skip PCI probing (--no-pci): vdevs only"),
                      optional("in_memory", boolean(), true, "no shared runtime files (--in-memory)"),
                      optional("memory_mb", integer().min(64).max(1048576), 256, "EAL memory (-m)"),
                      optional("file_prefix",
                               string().pattern("[A-Za-z0-9_-]{1,32}", "1 to 32 of A-Z, a-z, 0-9, '_', '-'"), "hft",
                               "EAL --file-prefix, to run several engines on one host"),
                      optional("vdevs", array(string().min_length(1)).unique(), Json::array(),
                               "virtual devices, e.g. net_ring0, net_memif0,role=server"),
                      optional("extra_eal_args", array(string().min_length(1)), Json::array(),
                               "further EAL arguments, passed as they are"),
                  }),
                  Json::object(), "DPDK EAL options, used when kernel_bypass is dpdk"),
          }),
          "packet I/O"),
      optional(
          "market_data",
          object({
              optional("line_b", feed_line("line B's multicast group, or our unicast address"), Json::object(),
                       "second feed line for A/B arbitration (kernel transport); port 0: none"),
              optional("retransmission", feed_line("the venue's MoldUDP64 retransmission server"), Json::object(),
                       "where lost messages are re-requested (a kernel socket with either transport); port 0: "
                       "none, gaps then wait for line B or time out"),
              optional("first_sequence", integer().min(0).max(1e15), 1,
                       "sequence of the session's first message; 0 joins late (the first packet sets it)"),
              optional("gap_timeout_ms", integer().min(1).max(60000), 100,
                       "give up a hole this long after it was seen (books marked stale)"),
              optional("request_delay_us", integer().min(0).max(1000000), 10,
                       "wait this long for line B or a reordered packet before re-requesting"),
              optional("retry_interval_ms", integer().min(1).max(60000), 10, "ask again this often"),
              optional("max_request_attempts", integer().min(0).max(100), 3,
                       "re-request rounds per hole; 0 never asks"),
              optional("buffer_messages", integer().min(1024).max(1 << 24), 65536,
                       "messages held while a hole is open"),
              optional("book_order_capacity", integer().min(1024).max(1 << 28), 1 << 22,
                       "resting orders across all books"),
              optional("book_levels_per_side", integer().min(16).max(1 << 20), 4096, "price levels per side per book"),
          }),
          Json::object(), "feed lines, gap recovery and book sizes (line A is network's address)"),
      required("cpu",
               object({
                   optional("layout", one_of({"run_to_completion", "pipeline"}), "run_to_completion",
                            "run_to_completion: the whole pipeline on one core; pipeline: stages on their own cores"),
                   optional("isolated_cores", core_list("cores isolated from the scheduler (isolcpus)"), Json::array(),
                            "cores the engine expects to be isolated; empty promises none"),
                   required("network_cores", core_list("cores polling the network").min_items(1).build(),
                            "cores that poll packets (the engine core in run_to_completion)"),
                   optional("strategy_cores", core_list("cores running strategies"), Json::array(),
                            "strategy stage cores (pipeline layout)"),
                   optional("risk_cores", core_list("cores running risk checks"), Json::array(),
                            "risk and order stage cores (pipeline layout)"),
               }),
               "CPU placement"),
      required("risk",
               object({
                   required("max_position_size", integer().min(1).max(kMaxShares),
                            "largest absolute position per instrument, in shares, counting open orders"),
                   required("max_notional_exposure", money().greater_than(0).max(kMaxMoney),
                            "largest gross notional across all positions and open orders"),
                   required("max_orders_per_second", integer().min(1).max(1e6), "order rate limit (token bucket)"),
                   required("max_daily_loss", money().greater_than(0).max(kMaxMoney),
                            "realised plus unrealised loss that trips the kill switch"),
                   optional("max_order_quantity", integer().min(1).max(kMaxShares), 1000, "largest single order"),
                   optional("max_order_notional", money().greater_than(0).max(kMaxMoney), 1000000,
                            "largest single order's notional"),
                   optional("max_open_orders", integer().min(1).max(1e6), 100, "open orders at once"),
                   optional("price_band_bps", integer().min(1).max(10000), 500,
                            "fat-finger band around the reference price, in basis points"),
                   optional("max_total_position", integer().min(1).max(kMaxShares), 50000,
                            "largest sum of absolute positions across instruments, in shares, counting open orders"),
               }),
               "pre-trade risk limits"),
      optional("kill_switch",
               object({
                   optional("flatten_on_halt", boolean(), false,
                            "after cancel-all on HALTED, send orders that close every position"),
                   optional("reject_storm_count", integer().min(1).max(1e6), 20,
                            "this many risk rejects within reject_storm_window_ms trips the kill switch"),
                   optional("reject_storm_window_ms", integer().min(1).max(3.6e6), 1000, "reject storm window"),
                   optional("market_data_stale_ms", integer().min(1).max(3.6e6), 5000,
                            "no market data for this long trips the kill switch"),
                   optional("actions",
                            object({
                                optional("daily_loss", kill_action(), "halt", "on max_daily_loss"),
                                optional("position_breach", kill_action(), "reduce",
                                         "on a position beyond its limit (after a fill)"),
                                optional("reject_storm", kill_action(), "halt", "on a reject storm"),
                                optional("market_data_stale", kill_action(), "reduce", "on stale market data"),
                                optional("venue_session_lost", kill_action(), "halt", "on losing the order session"),
                                optional("execution_anomaly", kill_action(), "halt",
                                         "on an overfill or a fill for an order already done"),
                            }),
                            Json::object(),
                            "reduce: only position-reducing orders pass; halt: nothing passes, open orders cancelled"),
               }),
               Json::object(), "automatic and manual trading stop"),
      optional(
          "trading",
          object({
              optional("order_capacity", integer().min(16).max(1 << 24), 65536,
                       "orders kept in memory (open and recently done); preallocated at start"),
              optional("order_id_state_path", path(), "${HFT_STATE_DIR:-/var/lib/hft}/order_id.state",
                       "file holding the order-id session prefix, so ids stay unique across restarts"),
              optional("mark_price", one_of({"mid", "last"}), "mid",
                       "price unrealised PnL is marked to: book mid or last trade"),
              optional("fee_per_share", money().min(-1).max(1), 0, "fee charged per filled share (negative: a rebate)"),
          }),
          Json::object(), "order management and position keeping"),
      optional("fix", object({optional("sessions", array(fix_session_entry()), Json::array(), "FIX sessions")}),
               Json::object(), "FIX 4.4 order entry"),
      optional("strategies", array(strategy_entry()), Json::array(),
               "trading strategies the engine runs, each on its symbols with its type's parameters"),
      required("logging",
               object({
                   optional("level", one_of({"trace", "debug", "info", "warning", "error", "critical"}), "info",
                            "log level"),
                   required("audit_log_path", path(), "binary audit log of every decision"),
                   required("performance_log_path", path(),
                            "structured log: one JSON object a line (docs/performance_log.md)"),
                   optional("telemetry_interval_ms", integer().min(10).max(3600000), 1000,
                            "how often a telemetry snapshot goes to the performance log"),
                   optional("audit",
                            object({
                                optional("fsync", one_of({"never", "interval", "every_batch"}), "interval",
                                         "when the audit writer forces records to disk"),
                                optional("fsync_interval_ms", integer().min(1).max(60000), 100,
                                         "fsync period with fsync = interval"),
                                optional("segment_size_mb", integer().min(1).max(65536), 64,
                                         "a new segment file starts past this size"),
                                optional("on_ring_full", one_of({"block", "drop"}), "block",
                                         "block: the hot thread waits for the writer; drop: count and go on"),
                            }),
                            Json::object(), "audit writer"),
               }),
               "logs"),
      optional("symbols_file", path(), "symbol configuration file, relative to this file"),
      optional("symbols", symbols_map(), "instruments, inline instead of symbols_file"),
  });
  s.rules = {
      {"symbols.source", "exactly one of symbols_file and symbols", check_symbol_source},
      {"cpu.core_exists", "every configured core exists on this machine", check_cores_exist},
      {"cpu.roles_disjoint", "a core has at most one role among network, strategy and risk", check_core_roles},
      {"cpu.layout",
       "run_to_completion uses one network core and no other roles; pipeline uses network and strategy cores",
       check_layout},
      {"cpu.roles_isolated", "when isolated_cores is set, every role core is in it", check_roles_isolated},
      {"network.hugepages", "with dpdk, hugepages_gb and no_huge agree and memory fits the hugepages", check_hugepages},
      {"network.dpdk_cores_exist", "every EAL core in network.dpdk.cores exists on this machine",
       check_dpdk_cores_exist},
      {"risk.order_within_limits", "single-order limits do not exceed position and exposure limits", check_risk_limits},
      {"logging.distinct_paths", "audit and performance logs are different files", check_log_paths},
      {"market_data.line_b_transport", "line B is a kernel socket distinct from line A", check_feed_lines},
      {"fix.sessions_distinct", "FIX sessions have distinct names, CompID pairs and stores", check_fix_sessions},
      {"strategies.params_for_type", "a strategy has the parameter block of its type and no other",
       check_strategy_params},
      {"strategies.names_distinct", "strategies have distinct names", check_strategy_names},
      {"strategies.symbols_exist", "every strategy symbol is in the symbol configuration",
       check_strategy_symbols_exist},
      {"strategies.symbol_limits", "strategy sizes are whole lots and limits within each symbol's max_position",
       check_strategy_symbol_limits},
      {"symbols.max_position_within_risk", "no symbol's max_position exceeds risk.max_position_size",
       check_symbol_limits},
  };
  return s;
}

DocumentSchema make_symbols_schema() {
  DocumentSchema s;
  s.name = "symbols";
  s.title = "hft symbol configuration";
  s.root = object({
      optional("schema_version", integer().min(kSchemaVersion).max(kSchemaVersion), kSchemaVersion,
               "version of this file's layout"),
      required("symbols", symbols_map(), "instruments keyed by ticker"),
  });
  return s;
}

}  // namespace

const DocumentSchema& system_schema() {
  static const DocumentSchema s = make_system_schema();
  return s;
}

const DocumentSchema& symbols_schema() {
  static const DocumentSchema s = make_symbols_schema();
  return s;
}

const DocumentSchema* find_schema(const std::string& name) {
  if (name == "system") return &system_schema();
  if (name == "symbols") return &symbols_schema();
  if (name == "venue") return &venue_schema();
  return nullptr;
}

std::string detect_kind(const Json& doc) {
  if (doc.is_object() && doc.contains("instruments") && !doc.contains("risk")) return "venue";
  if (!doc.is_object() || !doc.contains("symbols")) return "system";
  for (const auto& [key, value] : doc.items()) {
    if (key != "symbols" && key != "schema_version") return "system";
  }
  return "symbols";
}

}  // namespace hft::config
