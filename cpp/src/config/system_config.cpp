#include "hft/config/system_config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "hft/core/text.h"

namespace hft::config {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

core::Price money(const Json& v) {
  // The schema has already checked range and precision.
  return core::price_from_double(v.get<double>()).value_or(core::Price{});
}

/// Line and column (1-based) of a byte offset, for parse errors.
std::string line_column(const std::string& text, std::size_t offset) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

}  // namespace

std::string resolve_relative(const std::string& base_file, const std::string& target) {
  if (target.empty() || target.front() == '/') return target;
  const std::size_t slash = base_file.rfind('/');
  return slash == std::string::npos ? target : base_file.substr(0, slash + 1) + target;
}

std::optional<Json> read_json_file(const std::string& path, ConfigErrors& errors) {
  if (ends_with(path, ".yaml") || ends_with(path, ".yml")) {
    errors.push_back({path, "", "format",
                      "the daemons read JSON; YAML is read by the hft CLI: run `hft config render " + path +
                          " > FILE.json` and pass FILE.json",
                      ""});
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.push_back({path, "", "file", std::string("cannot open: ") + std::strerror(errno), ""});
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();

  // nlohmann keeps the last of two equal keys; in a risk file that silently
  // drops a limit, so duplicates are errors.
  std::vector<std::unordered_set<std::string>> open_objects;
  std::vector<std::string> duplicates;
  const Json::parser_callback_t track = [&](int, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!open_objects.empty() && !open_objects.back().insert(parsed.get<std::string>()).second) {
          duplicates.push_back(parsed.get<std::string>());
        }
        break;
      default:
        break;
    }
    return true;
  };
  try {
    Json doc = Json::parse(text, track);
    if (!duplicates.empty()) {
      for (const std::string& key : duplicates) {
        errors.push_back({path, key, "duplicate_key", "appears twice in the same object; only one value can hold", ""});
      }
      return std::nullopt;
    }
    return doc;
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    const std::size_t colon = what.rfind(": ");
    if (colon != std::string::npos) what = what.substr(colon + 2);
    errors.push_back(
        {path, "", "parse", "invalid JSON at " + line_column(text, e.byte ? e.byte - 1 : 0) + ": " + what, ""});
    return std::nullopt;
  }
}

SystemCheck check_system(const Json& system, const std::string& system_file, const Json* symbols,
                         const std::string& symbols_file, const ValidationContext& ctx) {
  SystemCheck result;
  Validation sys = validate(system_schema(), system, system_file, ctx);
  result.normalized = std::move(sys.normalized);
  result.errors = std::move(sys.errors);

  if (result.normalized.is_object() && result.normalized.contains("symbols_file") && symbols != nullptr) {
    Validation sym = validate(symbols_schema(), *symbols, symbols_file, ctx);
    result.errors.insert(result.errors.end(), sym.errors.begin(), sym.errors.end());
    if (sym.normalized.is_object() && sym.normalized.contains("symbols")) {
      result.normalized.erase("symbols_file");
      result.normalized["symbols"] = sym.normalized.at("symbols");
      // The one rule that spans both files, reported against the symbol file.
      Reporter cross(symbols_file);
      for (const CrossRule& rule : system_schema().rules) {
        if (rule.name == "symbols.max_position_within_risk") run_rule(rule, result.normalized, ctx, cross);
      }
      const ConfigErrors found = cross.take();
      result.errors.insert(result.errors.end(), found.begin(), found.end());
      // Strategies name symbols of that file: their symbol rules run now,
      // reported against the system file that holds the strategies.
      Reporter strategies(system_file);
      for (const CrossRule& rule : system_schema().rules) {
        if (rule.name == "strategies.symbols_exist" || rule.name == "strategies.symbol_limits") {
          run_rule(rule, result.normalized, ctx, strategies);
        }
      }
      const ConfigErrors strategy_errors = strategies.take();
      result.errors.insert(result.errors.end(), strategy_errors.begin(), strategy_errors.end());
    }
  }
  if (result.errors.empty() && result.normalized.contains("symbols")) {
    result.config = to_system_config(result.normalized);
  }
  return result;
}

SystemCheck load_system_config(const std::string& file, const ValidationContext& ctx) {
  SystemCheck result;
  const std::optional<Json> system = read_json_file(file, result.errors);
  if (!system) return result;

  std::optional<Json> symbols;
  std::string symbols_path;
  if (system->is_object() && system->contains("symbols_file") && (*system)["symbols_file"].is_string()) {
    // Expand ${VAR} the way the schema will, so the file read is the file checked.
    Reporter scratch(file);
    const Json expanded =
        validate_node(*config::path().build(), (*system)["symbols_file"], "symbols_file", ctx, scratch);
    symbols_path = resolve_relative(file, expanded.get<std::string>());
    symbols = read_json_file(symbols_path, result.errors);
  }
  SystemCheck checked = check_system(*system, file, symbols ? &*symbols : nullptr, symbols_path, ctx);
  checked.errors.insert(checked.errors.begin(), result.errors.begin(), result.errors.end());
  if (!checked.errors.empty()) checked.config.reset();
  return checked;
}

SystemConfig to_system_config(const Json& n) {
  SystemConfig c;
  c.instance_name = n.at("instance").at("name");

  const Json& net = n.at("network");
  c.network.kernel_bypass =
      net.at("kernel_bypass") == "dpdk" ? NetworkConfig::Transport::Dpdk : NetworkConfig::Transport::Kernel;
  c.network.interface = net.at("interface");
  c.network.hugepages_gb = net.at("hugepages_gb");
  const Json& dpdk = net.at("dpdk");
  c.network.dpdk.no_huge = dpdk.at("no_huge");
  c.network.dpdk.no_pci = dpdk.at("no_pci");
  c.network.dpdk.in_memory = dpdk.at("in_memory");
  c.network.dpdk.memory_mb = dpdk.at("memory_mb");
  c.network.dpdk.file_prefix = dpdk.at("file_prefix");
  c.network.dpdk.vdevs = dpdk.at("vdevs").get<std::vector<std::string>>();
  c.network.dpdk.extra_eal_args = dpdk.at("extra_eal_args").get<std::vector<std::string>>();
  c.network.dpdk.cores = dpdk.at("cores").get<std::vector<int>>();
  c.network.dpdk.rx_ring_size = dpdk.at("rx_ring_size");
  c.network.dpdk.tx_ring_size = dpdk.at("tx_ring_size");
  c.network.dpdk.mempool_size = dpdk.at("mempool_size");
  c.network.dpdk.mempool_cache = dpdk.at("mempool_cache");
  c.network.dpdk.checksum_offload = dpdk.at("checksum_offload");
  c.network.dpdk.verify_udp_checksum = dpdk.at("verify_udp_checksum");
  c.network.dpdk.link_wait_ms = dpdk.at("link_wait_ms");
  c.network.local_ip = net.at("local_ip");
  c.network.udp_port = net.at("udp_port");
  c.network.multicast_groups = net.at("multicast_groups").get<std::vector<std::string>>();
  c.network.next_hop_mac = net.at("next_hop_mac");
  const Json& kernel = net.at("kernel");
  const std::string stamps = kernel.at("rx_timestamps");
  c.network.kernel.rx_timestamps = stamps == "none"       ? KernelNetConfig::Timestamps::None
                                   : stamps == "hardware" ? KernelNetConfig::Timestamps::Hardware
                                                          : KernelNetConfig::Timestamps::Software;
  c.network.kernel.busy_poll_us = kernel.at("busy_poll_us");
  c.network.kernel.batch_size = kernel.at("batch_size");
  c.network.kernel.receive_buffer_kb = kernel.at("receive_buffer_kb");
  c.network.kernel.send_buffer_kb = kernel.at("send_buffer_kb");
  c.network.kernel.blocking = kernel.at("blocking");
  c.network.kernel.multicast_loop = kernel.at("multicast_loop");
  c.network.kernel.multicast_ttl = kernel.at("multicast_ttl");

  const Json& md = n.at("market_data");
  const auto line = [](const Json& j) { return FeedLineConfig{j.at("ip").get<std::string>(), j.at("port")}; };
  c.market_data.line_b = line(md.at("line_b"));
  c.market_data.retransmission = line(md.at("retransmission"));
  c.market_data.first_sequence = md.at("first_sequence");
  c.market_data.gap_timeout_ms = md.at("gap_timeout_ms");
  c.market_data.request_delay_us = md.at("request_delay_us");
  c.market_data.retry_interval_ms = md.at("retry_interval_ms");
  c.market_data.max_request_attempts = md.at("max_request_attempts");
  c.market_data.buffer_messages = md.at("buffer_messages");
  c.market_data.book_order_capacity = md.at("book_order_capacity");
  c.market_data.book_levels_per_side = md.at("book_levels_per_side");

  const Json& cpu = n.at("cpu");
  c.cpu.layout = cpu.at("layout") == "pipeline" ? CpuConfig::Layout::Pipeline : CpuConfig::Layout::RunToCompletion;
  c.cpu.isolated_cores = cpu.at("isolated_cores").get<std::vector<int>>();
  c.cpu.network_cores = cpu.at("network_cores").get<std::vector<int>>();
  c.cpu.strategy_cores = cpu.at("strategy_cores").get<std::vector<int>>();
  c.cpu.risk_cores = cpu.at("risk_cores").get<std::vector<int>>();

  const Json& risk = n.at("risk");
  c.risk.max_position_size = risk.at("max_position_size");
  c.risk.max_notional_exposure = money(risk.at("max_notional_exposure"));
  c.risk.max_orders_per_second = risk.at("max_orders_per_second");
  c.risk.max_daily_loss = money(risk.at("max_daily_loss"));
  c.risk.max_order_quantity = risk.at("max_order_quantity");
  c.risk.max_order_notional = money(risk.at("max_order_notional"));
  c.risk.max_open_orders = risk.at("max_open_orders");
  c.risk.price_band_bps = risk.at("price_band_bps");
  c.risk.max_total_position = risk.at("max_total_position");

  const Json& kill = n.at("kill_switch");
  const auto action = [](const Json& v) { return v == "halt" ? KillAction::Halt : KillAction::Reduce; };
  c.kill_switch.flatten_on_halt = kill.at("flatten_on_halt");
  c.kill_switch.reject_storm_count = kill.at("reject_storm_count");
  c.kill_switch.reject_storm_window_ms = kill.at("reject_storm_window_ms");
  c.kill_switch.market_data_stale_ms = kill.at("market_data_stale_ms");
  const Json& actions = kill.at("actions");
  c.kill_switch.on_daily_loss = action(actions.at("daily_loss"));
  c.kill_switch.on_position_breach = action(actions.at("position_breach"));
  c.kill_switch.on_reject_storm = action(actions.at("reject_storm"));
  c.kill_switch.on_market_data_stale = action(actions.at("market_data_stale"));
  c.kill_switch.on_venue_session_lost = action(actions.at("venue_session_lost"));
  c.kill_switch.on_execution_anomaly = action(actions.at("execution_anomaly"));

  const Json& trading = n.at("trading");
  c.trading.order_capacity = trading.at("order_capacity");
  c.trading.order_id_state_path = trading.at("order_id_state_path");
  c.trading.mark_price = trading.at("mark_price") == "last" ? TradingConfig::Mark::Last : TradingConfig::Mark::Mid;
  c.trading.fee_per_share = money(trading.at("fee_per_share"));

  const Json& logging = n.at("logging");
  c.logging.level = logging.at("level");
  c.logging.audit_log_path = logging.at("audit_log_path");
  c.logging.performance_log_path = logging.at("performance_log_path");
  c.logging.telemetry_interval_ms = logging.at("telemetry_interval_ms");
  const Json& audit = logging.at("audit");
  const std::string fsync = audit.at("fsync");
  c.logging.audit.fsync = fsync == "never"         ? AuditConfig::Fsync::Never
                          : fsync == "every_batch" ? AuditConfig::Fsync::EveryBatch
                                                   : AuditConfig::Fsync::Interval;
  c.logging.audit.fsync_interval_ms = audit.at("fsync_interval_ms");
  c.logging.audit.segment_size_mb = audit.at("segment_size_mb");
  c.logging.audit.on_ring_full =
      audit.at("on_ring_full") == "drop" ? AuditConfig::RingFull::Drop : AuditConfig::RingFull::Block;

  for (const Json& f : n.at("fix").at("sessions")) {
    FixSessionConfig x;
    x.name = f.at("name");
    x.initiator = f.at("role") == "initiator";
    x.host = f.at("host");
    x.port = f.at("port");
    x.sender_comp_id = f.at("sender_comp_id");
    x.target_comp_id = f.at("target_comp_id");
    x.heartbeat_interval_s = f.at("heartbeat_interval_s");
    x.reset_on_logon = f.at("reset_on_logon");
    x.logon_timeout_s = f.at("logon_timeout_s");
    x.logout_timeout_s = f.at("logout_timeout_s");
    x.max_sending_time_skew_ms = f.at("max_sending_time_skew_ms");
    x.reconnect_interval_ms = f.at("reconnect_interval_ms");
    const Json& tcp = f.at("tcp");
    x.tcp_no_delay = tcp.at("no_delay");
    x.tcp_busy_poll_us = tcp.at("busy_poll_us");
    x.send_queue_kb = tcp.at("send_queue_kb");
    const Json& store = f.at("store");
    x.store_path = store.at("path");
    const std::string sync = store.at("fsync");
    x.store_fsync = sync == "never"         ? FixSessionConfig::Fsync::Never
                    : sync == "every_write" ? FixSessionConfig::Fsync::EveryWrite
                                            : FixSessionConfig::Fsync::Interval;
    x.store_fsync_interval_ms = store.at("fsync_interval_ms");
    x.store_max_messages = store.at("max_messages");
    x.store_size_mb = store.at("size_mb");
    c.fix_sessions.push_back(std::move(x));
  }

  for (const Json& j : n.value("strategies", Json::array())) {
    StrategyConfig x;
    x.name = j.at("name");
    x.type = j.at("type");
    x.symbols = j.at("symbols").get<std::vector<std::string>>();
    x.enabled = j.at("enabled");
    if (const auto mm = j.find("market_maker"); mm != j.end()) {
      MarketMakerConfig& p = x.market_maker;
      p.fair_value = mm->at("fair_value") == "microprice" ? MarketMakerConfig::FairValue::Microprice
                                                          : MarketMakerConfig::FairValue::Mid;
      p.half_spread_ticks = mm->at("half_spread_ticks");
      p.quote_size = mm->at("quote_size");
      p.max_position = mm->at("max_position");
      p.skew_ticks = mm->at("skew_ticks");
      p.requote_threshold_ticks = mm->at("requote_threshold_ticks");
      p.min_quote_life_us = mm->at("min_quote_life_us");
      p.reject_backoff_ms = mm->at("reject_backoff_ms");
    }
    if (const auto lt = j.find("liquidity_taker"); lt != j.end()) {
      LiquidityTakerConfig& p = x.liquidity_taker;
      p.levels = lt->at("levels");
      p.imbalance_threshold_bps = lt->at("imbalance_threshold_bps");
      p.order_size = lt->at("order_size");
      p.max_position = lt->at("max_position");
      p.cooldown_ms = lt->at("cooldown_ms");
    }
    c.strategies.push_back(std::move(x));
  }

  for (const auto& [symbol, e] : n.at("symbols").items()) {
    SymbolConfig s;
    s.symbol = symbol;
    s.exchange = e.at("exchange");
    s.tick_size = money(e.at("tick_size"));
    s.lot_size = e.at("lot_size");
    s.max_position = e.at("max_position");
    s.tradable = e.at("tradable");
    c.symbols.push_back(std::move(s));
  }
  return c;
}

}  // namespace hft::config
