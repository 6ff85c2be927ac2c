// The one declaration of the engine's configuration files. Python validates
// through this code too (hft._core), so a rule added here applies everywhere.
#include <map>
#include <set>

#include "hft/config/system_config.h"

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
    for (const char* key : {"network_cores", "strategy_cores", "risk_cores"}) {
      if (cpu.at(key).empty()) {
        out.add(std::string("cpu.") + key, "cpu.layout", "layout pipeline needs at least one core for each stage",
                &cpu.at(key));
      }
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
      required("network",
               object({
                   required("kernel_bypass", one_of({"dpdk", "kernel"}),
                            "packet I/O: dpdk (kernel bypass) or kernel (sockets)"),
                   required("interface", string().min_length(1),
                            "NIC name, PCI address or DPDK vdev that carries market data and orders"),
                   optional("hugepages_gb", integer().min(0).max(1024), 0,
                            "hugepages to reserve for DPDK; 0 runs DPDK with --no-huge"),
                   optional("dpdk",
                            object({
                                optional("no_huge", boolean(), true, "run the EAL without hugepages (--no-huge)"),
                                optional("no_pci", boolean(), false, "skip PCI probing (--no-pci): vdevs only"),
                                optional("in_memory", boolean(), true, "no shared runtime files (--in-memory)"),
                                optional("memory_mb", integer().min(64).max(1048576), 256, "EAL memory (-m)"),
                                optional("file_prefix",
                                         string().pattern("[A-Za-z0-9_-]{1,32}", "1 to 32 of A-Z, a-z, 0-9, '_', '-'"),
                                         "hft", "EAL --file-prefix, to run several engines on one host"),
                                optional("vdevs", array(string().min_length(1)).unique(), Json::array(),
                                         "virtual devices, e.g. net_ring0, net_memif0,role=server"),
                                optional("extra_eal_args", array(string().min_length(1)), Json::array(),
                                         "further EAL arguments, passed as they are"),
                            }),
                            Json::object(), "DPDK EAL options, used when kernel_bypass is dpdk"),
               }),
               "packet I/O"),
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
      required("logging",
               object({
                   optional("level", one_of({"trace", "debug", "info", "warning", "error", "critical"}), "info",
                            "log level"),
                   required("audit_log_path", path(), "binary audit log of every decision"),
                   required("performance_log_path", path(), "latency and throughput records"),
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
      {"cpu.layout", "run_to_completion uses one network core and no other roles; pipeline needs every role",
       check_layout},
      {"cpu.roles_isolated", "when isolated_cores is set, every role core is in it", check_roles_isolated},
      {"network.hugepages", "with dpdk, hugepages_gb and no_huge agree and memory fits the hugepages", check_hugepages},
      {"risk.order_within_limits", "single-order limits do not exceed position and exposure limits", check_risk_limits},
      {"logging.distinct_paths", "audit and performance logs are different files", check_log_paths},
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
  return nullptr;
}

std::string detect_kind(const Json& doc) {
  if (!doc.is_object() || !doc.contains("symbols")) return "system";
  for (const auto& [key, value] : doc.items()) {
    if (key != "symbols" && key != "schema_version") return "system";
  }
  return "symbols";
}

}  // namespace hft::config
