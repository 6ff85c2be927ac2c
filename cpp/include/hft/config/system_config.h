#pragma once
/// @file
/// The engine's configuration: typed structs, the schemas that validate the
/// shipped files (`system_config.json`, `symbol_config.json`), and loading.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hft/config/error.h"
#include "hft/config/schema.h"
#include "hft/core/types.h"

namespace hft::config {

inline constexpr int kSchemaVersion = 1;

struct DpdkConfig {
  std::vector<int> cores;  ///< EAL lcores; empty: cpu.network_cores
  std::int64_t rx_ring_size{1024};
  std::int64_t tx_ring_size{1024};
  std::int64_t mempool_size{8191};
  std::int64_t mempool_cache{256};
  bool checksum_offload{true};
  bool verify_udp_checksum{true};
  std::int64_t link_wait_ms{0};
  bool no_huge{true};
  bool no_pci{false};
  bool in_memory{true};
  std::int64_t memory_mb{256};
  std::string file_prefix{"hft"};
  std::vector<std::string> vdevs;
  std::vector<std::string> extra_eal_args;
};

/// Kernel socket options (`network.kernel`).
struct KernelNetConfig {
  enum class Timestamps { None, Software, Hardware };
  std::int64_t busy_poll_us{0};
  Timestamps rx_timestamps{Timestamps::Software};
  std::int64_t batch_size{32};
  std::int64_t receive_buffer_kb{0};
  std::int64_t send_buffer_kb{0};
  bool blocking{false};
  bool multicast_loop{false};
  std::int64_t multicast_ttl{1};
};

struct NetworkConfig {
  enum class Transport { Dpdk, Kernel };
  Transport kernel_bypass{Transport::Kernel};
  std::string interface;
  std::int64_t hugepages_gb{0};
  std::string local_ip{"0.0.0.0"};
  std::int64_t udp_port{0};
  std::vector<std::string> multicast_groups;
  std::string next_hop_mac;  ///< empty: none
  KernelNetConfig kernel;
  DpdkConfig dpdk;
};

/// One UDP feed line: a multicast group (or our unicast address) and port.
struct FeedLineConfig {
  std::string ip{"0.0.0.0"};
  std::int64_t port{0};  ///< 0: the line is not used
};

/// Feed recovery and book sizes (`market_data`). Line A is `network`'s
/// address, port and groups; line B and the retransmission server are here.
struct MarketDataConfig {
  FeedLineConfig line_b;           ///< second line for A/B arbitration (port 0: none)
  FeedLineConfig retransmission;   ///< MoldUDP64 re-request server (port 0: none)
  std::int64_t first_sequence{1};  ///< 0 joins late
  std::int64_t gap_timeout_ms{100};
  std::int64_t request_delay_us{10};
  std::int64_t retry_interval_ms{10};
  std::int64_t max_request_attempts{3};
  std::int64_t buffer_messages{65536};
  std::int64_t book_order_capacity{1 << 22};
  std::int64_t book_levels_per_side{4096};
};

struct CpuConfig {
  enum class Layout { RunToCompletion, Pipeline };
  Layout layout{Layout::RunToCompletion};
  std::vector<int> isolated_cores;
  std::vector<int> network_cores;
  std::vector<int> strategy_cores;
  std::vector<int> risk_cores;
};

/// Firm-wide pre-trade limits. Money is fixed-point (`Price`, 1e-4 units).
struct RiskConfig {
  std::int64_t max_position_size{0};
  core::Price max_notional_exposure;
  std::int64_t max_orders_per_second{0};
  core::Price max_daily_loss;
  std::int64_t max_order_quantity{0};
  core::Price max_order_notional;
  std::int64_t max_open_orders{0};
  std::int64_t price_band_bps{0};
  std::int64_t max_total_position{0};  ///< gross shares across instruments, open orders included
};

/// What a kill-switch trigger does: stop only risk-increasing orders, or all.
enum class KillAction { Reduce, Halt };

struct KillSwitchConfig {
  bool flatten_on_halt{false};
  std::int64_t reject_storm_count{0};
  std::int64_t reject_storm_window_ms{0};
  std::int64_t market_data_stale_ms{0};
  KillAction on_daily_loss{KillAction::Halt};
  KillAction on_position_breach{KillAction::Reduce};
  KillAction on_reject_storm{KillAction::Halt};
  KillAction on_market_data_stale{KillAction::Reduce};
  KillAction on_venue_session_lost{KillAction::Halt};
  KillAction on_execution_anomaly{KillAction::Halt};
};

/// Order management: store size, id persistence, marking and fees.
struct TradingConfig {
  enum class Mark { Mid, Last };
  std::int64_t order_capacity{0};
  std::string order_id_state_path;
  Mark mark_price{Mark::Mid};
  core::Price fee_per_share;  ///< charged on every fill; negative for a rebate
};

/// The audit log's writer: durability and what to do when the ring is full.
struct AuditConfig {
  enum class Fsync { Never, Interval, EveryBatch };
  enum class RingFull { Block, Drop };
  Fsync fsync{Fsync::Interval};
  std::int64_t fsync_interval_ms{100};
  std::int64_t segment_size_mb{64};
  RingFull on_ring_full{RingFull::Block};
};

struct LoggingConfig {
  std::string level{"info"};
  std::string audit_log_path;
  std::string performance_log_path;
  std::int64_t telemetry_interval_ms{1000};  ///< performance log snapshot period
  AuditConfig audit;
};

/// One FIX 4.4 order-entry session (`fix.sessions[]`).
struct FixSessionConfig {
  enum class Fsync { Never, Interval, EveryWrite };
  std::string name;
  bool initiator{true};
  std::string host;
  std::int64_t port{0};
  std::string sender_comp_id;
  std::string target_comp_id;
  std::int64_t heartbeat_interval_s{30};
  bool reset_on_logon{false};
  std::int64_t logon_timeout_s{10};
  std::int64_t logout_timeout_s{2};
  std::int64_t max_sending_time_skew_ms{120000};
  std::int64_t reconnect_interval_ms{1000};
  bool tcp_no_delay{true};
  std::int64_t tcp_busy_poll_us{0};
  std::int64_t send_queue_kb{4096};
  std::string store_path;  ///< directory of the session store
  Fsync store_fsync{Fsync::Interval};
  std::int64_t store_fsync_interval_ms{100};
  std::int64_t store_max_messages{262144};
  std::int64_t store_size_mb{64};
};

/// Parameters of a `market_maker` strategy (`strategies[].market_maker`).
struct MarketMakerConfig {
  enum class FairValue { Mid, Microprice };
  FairValue fair_value{FairValue::Mid};
  std::int64_t half_spread_ticks{2};
  std::int64_t quote_size{100};
  std::int64_t max_position{1000};
  std::int64_t skew_ticks{2};
  std::int64_t requote_threshold_ticks{1};
  std::int64_t min_quote_life_us{500};
  std::int64_t reject_backoff_ms{100};
};

/// Parameters of a `liquidity_taker` strategy (`strategies[].liquidity_taker`).
struct LiquidityTakerConfig {
  std::int64_t levels{3};
  std::int64_t imbalance_threshold_bps{3000};
  std::int64_t order_size{100};
  std::int64_t max_position{1000};
  std::int64_t cooldown_ms{50};
};

/// One strategy the engine runs (`strategies[]`).
struct StrategyConfig {
  std::string name;
  std::string type;  ///< "market_maker" or "liquidity_taker" (the strategy registry's key)
  std::vector<std::string> symbols;
  bool enabled{true};
  MarketMakerConfig market_maker;        ///< read when type is market_maker
  LiquidityTakerConfig liquidity_taker;  ///< read when type is liquidity_taker
};

struct SymbolConfig {
  std::string symbol;
  std::string exchange;
  core::Price tick_size;
  std::int64_t lot_size{1};
  std::int64_t max_position{0};
  bool tradable{true};
};

struct SystemConfig {
  std::string instance_name{"main"};
  NetworkConfig network;
  MarketDataConfig market_data;
  CpuConfig cpu;
  RiskConfig risk;
  KillSwitchConfig kill_switch;
  TradingConfig trading;
  LoggingConfig logging;
  std::vector<FixSessionConfig> fix_sessions;
  std::vector<StrategyConfig> strategies;
  std::vector<SymbolConfig> symbols;  ///< sorted by symbol
};

/// Schema of `system_config.json`.
const DocumentSchema& system_schema();
/// Schema of `symbol_config.json`.
const DocumentSchema& symbols_schema();
/// Both, by name ("system", "symbols"); nullptr for another name.
const DocumentSchema* find_schema(const std::string& name);

/// Which schema a parsed document is for: "symbols" when its only keys are
/// `symbols` (and `schema_version`), else "system".
std::string detect_kind(const Json& doc);

/// Result of checking a system configuration and the symbol file it names.
struct SystemCheck {
  Json normalized;  ///< system document with defaults and the symbols inlined
  ConfigErrors errors;
  std::optional<SystemConfig> config;  ///< set when there are no errors
  bool ok() const noexcept { return errors.empty(); }
};

/// Validates an already-parsed system document. `symbols` is the parsed
/// symbol file the system document names in `symbols_file` (ignored when the
/// document inlines `symbols`); both files are named in errors.
SystemCheck check_system(const Json& system, const std::string& system_file, const Json* symbols,
                         const std::string& symbols_file, const ValidationContext& ctx);

/// Reads and checks a JSON system configuration from disk, following
/// `symbols_file` relative to the system file's directory. I/O and parse
/// problems become errors (rules `file`, `parse`, `format`), never exceptions.
SystemCheck load_system_config(const std::string& path, const ValidationContext& ctx);

/// Reads a JSON file; on failure returns nullopt and appends an error.
std::optional<Json> read_json_file(const std::string& path, ConfigErrors& errors);

/// Where `symbols_file` points, resolved against the system file's folder.
std::string resolve_relative(const std::string& base_file, const std::string& target);

/// Builds the typed configuration from a normalized, error-free document.
SystemConfig to_system_config(const Json& normalized);

}  // namespace hft::config
