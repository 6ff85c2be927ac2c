// Every rule of the shipped system and symbol schemas, and file loading.
#include "hft/config/system_config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace hft::config {
namespace {

namespace fs = std::filesystem;

Json base() {
  return Json::parse(R"({
    "schema_version": 1,
    "network": {"kernel_bypass": "kernel", "interface": "lo"},
    "cpu": {"network_cores": [1]},
    "risk": {"max_position_size": 10000, "max_notional_exposure": 1e7,
             "max_orders_per_second": 1000, "max_daily_loss": 50000},
    "logging": {"audit_log_path": "/tmp/a.bin", "performance_log_path": "/tmp/p.jsonl"},
    "symbols": {"AAPL": {"exchange": "NASDAQ", "tick_size": 0.01, "lot_size": 1, "max_position": 5000}}
  })");
}

ValidationContext machine(int cpus = 4) {
  ValidationContext c;
  c.cpu_count = cpus;
  return c;
}

SystemCheck check(const Json& doc, int cpus = 4) { return check_system(doc, "sys.json", nullptr, "", machine(cpus)); }

/// "path rule" of each error, joined, so a failing test shows everything.
std::string rules(const SystemCheck& c) {
  std::string out;
  for (const ConfigError& e : c.errors) out += (out.empty() ? "" : "; ") + e.path + " " + e.rule;
  return out;
}

TEST(SystemConfig, MinimalDocumentIsValidAndTyped) {
  const SystemCheck c = check(base());
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  ASSERT_TRUE(c.config);
  const SystemConfig& s = *c.config;
  EXPECT_EQ(s.instance_name, "main");
  EXPECT_EQ(s.network.kernel_bypass, NetworkConfig::Transport::Kernel);
  EXPECT_EQ(s.cpu.layout, CpuConfig::Layout::RunToCompletion);
  EXPECT_EQ(s.risk.max_position_size, 10000);
  EXPECT_EQ(s.risk.max_notional_exposure.raw, 10'000'000LL * core::Price::kScale);
  EXPECT_EQ(s.risk.max_daily_loss.raw, 50'000LL * core::Price::kScale);
  EXPECT_EQ(s.risk.max_order_quantity, 1000) << "default";
  EXPECT_EQ(s.risk.price_band_bps, 500) << "default";
  ASSERT_EQ(s.symbols.size(), 1u);
  EXPECT_EQ(s.symbols[0].symbol, "AAPL");
  EXPECT_EQ(s.symbols[0].tick_size.raw, 100);
  EXPECT_TRUE(s.symbols[0].tradable);
}

TEST(SystemConfig, CoreInTwoRoles) {
  Json d = base();
  d["cpu"] = {{"layout", "pipeline"}, {"network_cores", {1}}, {"strategy_cores", {1}}};
  EXPECT_EQ(rules(check(d)), "cpu.strategy_cores[0] cpu.roles_disjoint");
}

TEST(SystemConfig, CoreTheMachineLacks) {
  Json d = base();
  d["cpu"]["network_cores"] = {7};
  const SystemCheck c = check(d, 2);
  EXPECT_EQ(rules(c), "cpu.network_cores[0] cpu.core_exists");
  EXPECT_NE(c.errors.at(0).message.find("cores 0-1"), std::string::npos);
  EXPECT_TRUE(check(d, 8).ok()) << "the same file is valid on a larger machine";
}

TEST(SystemConfig, RunToCompletionUsesOneCore) {
  Json d = base();
  d["cpu"]["network_cores"] = {1, 2};
  EXPECT_EQ(rules(check(d)), "cpu.network_cores cpu.layout");
  d = base();
  d["cpu"]["strategy_cores"] = {2};
  EXPECT_EQ(rules(check(d)), "cpu.strategy_cores cpu.layout");
}

TEST(SystemConfig, PipelineNeedsANetworkAndAStrategyCore) {
  Json d = base();
  d["cpu"]["layout"] = "pipeline";
  EXPECT_EQ(rules(check(d)), "cpu.strategy_cores cpu.layout");
  d["cpu"]["strategy_cores"] = {2};
  EXPECT_TRUE(check(d, 4).ok());
  d["cpu"]["risk_cores"] = {3};
  EXPECT_EQ(rules(check(d, 4)), "cpu.risk_cores cpu.layout") << "risk runs on the strategy core";
}

TEST(SystemConfig, RoleCoresMustBeIsolatedWhenIsolationIsConfigured) {
  Json d = base();
  d["cpu"]["isolated_cores"] = {2, 3};
  EXPECT_EQ(rules(check(d)), "cpu.network_cores[0] cpu.roles_isolated");
  d["cpu"]["isolated_cores"] = {1};
  EXPECT_TRUE(check(d).ok());
}

TEST(SystemConfig, HugepagesAndNoHugeAgree) {
  Json d = base();
  d["network"]["kernel_bypass"] = "dpdk";
  d["network"]["hugepages_gb"] = 2;
  EXPECT_EQ(rules(check(d)), "network.dpdk.no_huge network.hugepages") << "no_huge defaults to true";
  d["network"]["dpdk"] = {{"no_huge", false}};
  EXPECT_TRUE(check(d).ok());
  d["network"]["dpdk"]["memory_mb"] = 4096;
  EXPECT_EQ(rules(check(d)), "network.dpdk.memory_mb network.hugepages");
  d["network"]["hugepages_gb"] = 0;
  d["network"]["dpdk"] = {{"no_huge", false}};
  EXPECT_EQ(rules(check(d)), "network.dpdk.no_huge network.hugepages");
}

TEST(SystemConfig, HugepageRulesDoNotApplyToKernelSockets) {
  Json d = base();
  d["network"]["hugepages_gb"] = 2;
  EXPECT_TRUE(check(d).ok()) << to_string(check(d).errors);
}

TEST(SystemConfig, OrderLimitsWithinPositionAndExposure) {
  Json d = base();
  d["risk"]["max_order_quantity"] = 20000;
  d["risk"]["max_order_notional"] = 2e7;
  EXPECT_EQ(rules(check(d)),
            "risk.max_order_quantity risk.order_within_limits; "
            "risk.max_order_notional risk.order_within_limits");
}

TEST(SystemConfig, LogPathsDiffer) {
  Json d = base();
  d["logging"]["performance_log_path"] = "/tmp/a.bin";
  EXPECT_EQ(rules(check(d)), "logging.performance_log_path logging.distinct_paths");
}

TEST(SystemConfig, SymbolSourceIsExactlyOne) {
  Json d = base();
  d.erase("symbols");
  EXPECT_EQ(rules(check(d)), "symbols_file symbols.source");
  d = base();
  d["symbols_file"] = "s.json";
  EXPECT_EQ(rules(check(d)), "symbols symbols.source");
}

TEST(SystemConfig, SymbolLimitWithinFirmLimit) {
  Json d = base();
  d["symbols"]["AAPL"]["max_position"] = 20000;
  EXPECT_EQ(rules(check(d)), "symbols.AAPL.max_position symbols.max_position_within_risk");
}

TEST(SystemConfig, SymbolEntryRules) {
  Json d = base();
  d["symbols"]["aapl"] = d["symbols"]["AAPL"];
  d["symbols"]["AAPL"]["tick_size"] = 0;
  d["symbols"]["AAPL"]["lot_size"] = 0;
  d["symbols"]["AAPL"]["exchange"] = "nasdaq";
  d["symbols"]["TOOLONGSYM"] = d["symbols"]["aapl"];
  EXPECT_EQ(rules(check(d)),
            "symbols.AAPL.exchange pattern; symbols.AAPL.lot_size minimum; "
            "symbols.AAPL.tick_size minimum; symbols.TOOLONGSYM key_pattern; "
            "symbols.aapl key_pattern");
}

TEST(SystemConfig, RiskValuesOutOfRange) {
  Json d = base();
  d["risk"]["max_position_size"] = 0;
  d["risk"]["max_notional_exposure"] = -1;
  d["risk"]["max_orders_per_second"] = 1e7;
  d["risk"]["max_daily_loss"] = "50000";
  EXPECT_EQ(rules(check(d)),
            "risk.max_daily_loss type; risk.max_notional_exposure minimum; "
            "risk.max_orders_per_second maximum; risk.max_position_size minimum");
}

TEST(SystemConfig, TradingSectionsHaveDefaults) {
  const SystemCheck c = check(base());
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  const SystemConfig& s = *c.config;
  EXPECT_EQ(s.risk.max_total_position, 50000);
  EXPECT_EQ(s.kill_switch.reject_storm_count, 20);
  EXPECT_EQ(s.kill_switch.on_daily_loss, KillAction::Halt);
  EXPECT_EQ(s.kill_switch.on_position_breach, KillAction::Reduce);
  EXPECT_EQ(s.trading.order_capacity, 65536);
  EXPECT_EQ(s.trading.mark_price, TradingConfig::Mark::Mid);
  EXPECT_EQ(s.trading.fee_per_share.raw, 0);
  EXPECT_EQ(s.logging.audit.fsync, AuditConfig::Fsync::Interval);
  EXPECT_EQ(s.logging.audit.on_ring_full, AuditConfig::RingFull::Block);
}

TEST(SystemConfig, TradingSectionsAreValidated) {
  Json d = base();
  d["kill_switch"] = {{"actions", {{"daily_loss", "stop"}}}, {"reject_storm_count", 0}};
  d["trading"] = {{"order_capacity", 8}, {"mark_price", "vwap"}, {"fee_per_share", 0.00001}};
  d["logging"]["audit"] = {{"on_ring_full", "wait"}, {"segment_mb", 1}};
  EXPECT_EQ(rules(check(d)),
            "kill_switch.actions.daily_loss enum; kill_switch.reject_storm_count minimum; "
            "logging.audit.on_ring_full enum; logging.audit.segment_mb unknown_key; "
            "trading.fee_per_share fixed_point; trading.mark_price enum; trading.order_capacity minimum");
}

TEST(SystemConfig, PerInstrumentLimitWithinTheTotal) {
  Json d = base();
  d["risk"]["max_total_position"] = 5000;
  EXPECT_EQ(rules(check(d)), "risk.max_position_size risk.order_within_limits");
}

TEST(SystemConfig, SchemaVersionIsChecked) {
  Json d = base();
  d["schema_version"] = 2;
  EXPECT_EQ(rules(check(d)), "schema_version maximum");
  d.erase("schema_version");
  EXPECT_EQ(rules(check(d)), "schema_version required");
}

TEST(SystemConfig, DetectsDocumentKind) {
  EXPECT_EQ(detect_kind(base()), "system");
  EXPECT_EQ(detect_kind(Json::parse(R"({"symbols": {}})")), "symbols");
  EXPECT_EQ(detect_kind(Json::parse(R"({"schema_version": 1, "symbols": {}})")), "symbols");
  EXPECT_EQ(detect_kind(Json::parse("[]")), "system");
}

// ---- files -------------------------------------------------------------------

class ConfigFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hft-config-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  fs::path dir_;
};

TEST_F(ConfigFiles, ShippedConfigurationIsValid) {
  const SystemCheck c = load_system_config(std::string(HFT_CONFIG_DIR) + "/system_config.json", machine(2));
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  EXPECT_GE(c.config->symbols.size(), 5u);
  EXPECT_EQ(c.config->risk.max_position_size, 10000);
  EXPECT_EQ(c.config->risk.max_orders_per_second, 1000);
  EXPECT_FALSE(c.normalized.contains("symbols_file")) << "normalized output inlines the symbols";
}

TEST_F(ConfigFiles, FollowsSymbolsFileRelativeToTheSystemFile) {
  Json sys = base();
  sys.erase("symbols");
  sys["symbols_file"] = "syms.json";
  const std::string path = write("sys.json", sys.dump());
  write("syms.json", R"({"symbols": {"MSFT": {"exchange": "NASDAQ", "tick_size": 0.01, "lot_size": 1,
                                              "max_position": 50000}}})");
  const SystemCheck c = load_system_config(path, machine());
  ASSERT_EQ(c.errors.size(), 1u) << to_string(c.errors);
  EXPECT_EQ(c.errors[0].file, (dir_ / "syms.json").string()) << "the error names the symbol file";
  EXPECT_EQ(c.errors[0].path, "symbols.MSFT.max_position");
  EXPECT_EQ(c.errors[0].rule, "symbols.max_position_within_risk");
}

TEST_F(ConfigFiles, MissingFile) {
  const SystemCheck c = load_system_config((dir_ / "nope.json").string(), machine());
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].rule, "file");
  EXPECT_FALSE(c.config);
}

TEST_F(ConfigFiles, MissingSymbolsFileIsNamed) {
  Json sys = base();
  sys.erase("symbols");
  sys["symbols_file"] = "absent.json";
  const SystemCheck c = load_system_config(write("sys.json", sys.dump()), machine());
  ASSERT_FALSE(c.errors.empty());
  EXPECT_EQ(c.errors[0].rule, "file");
  EXPECT_EQ(c.errors[0].file, (dir_ / "absent.json").string());
}

TEST_F(ConfigFiles, ParseErrorGivesLineAndColumn) {
  const SystemCheck c = load_system_config(write("bad.json", "{\n  \"a\": 1,\n  \"b\": ]\n}"), machine());
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].rule, "parse");
  EXPECT_NE(c.errors[0].message.find("line 3"), std::string::npos) << c.errors[0].message;
}

TEST_F(ConfigFiles, DuplicateKeysAreErrors) {
  const SystemCheck c =
      load_system_config(write("dup.json", R"({"risk": {"max_daily_loss": 1, "max_daily_loss": 2}})"), machine());
  ASSERT_EQ(c.errors.size(), 1u) << to_string(c.errors);
  EXPECT_EQ(c.errors[0].rule, "duplicate_key");
  EXPECT_EQ(c.errors[0].path, "max_daily_loss");
}

TEST_F(ConfigFiles, YamlIsRedirectedToTheCli) {
  const SystemCheck c = load_system_config(write("sys.yaml", "a: 1\n"), machine());
  ASSERT_EQ(c.errors.size(), 1u);
  EXPECT_EQ(c.errors[0].rule, "format");
  EXPECT_NE(c.errors[0].message.find("hft config render"), std::string::npos);
}

TEST(ResolveRelative, AgainstTheFilesFolder) {
  EXPECT_EQ(resolve_relative("/etc/hft/system_config.json", "symbol_config.json"), "/etc/hft/symbol_config.json");
  EXPECT_EQ(resolve_relative("/etc/hft/system_config.json", "/srv/s.json"), "/srv/s.json");
  EXPECT_EQ(resolve_relative("system_config.json", "s.json"), "s.json");
}

}  // namespace
TEST(SystemConfig, MarketDataLines) {
  Json d = base();
  d["network"]["udp_port"] = 26477;
  d["market_data"] = {{"line_b", {{"ip", "239.1.1.2"}, {"port", 26478}}},
                      {"retransmission", {{"ip", "127.0.0.1"}, {"port", 26400}}},
                      {"gap_timeout_ms", 250}};
  const SystemCheck c = check(d);
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  EXPECT_EQ(c.config->market_data.line_b.ip, "239.1.1.2");
  EXPECT_EQ(c.config->market_data.line_b.port, 26478);
  EXPECT_EQ(c.config->market_data.retransmission.port, 26400);
  EXPECT_EQ(c.config->market_data.gap_timeout_ms, 250);
  EXPECT_EQ(c.config->market_data.request_delay_us, 10) << "default";
  EXPECT_EQ(check(base()).config->market_data.line_b.port, 0) << "no line B unless configured";

  d["market_data"]["line_b"]["ip"] = "0.0.0.0";
  d["market_data"]["line_b"]["port"] = 26477;
  EXPECT_EQ(rules(check(d)), "market_data.line_b.port market_data.line_b_transport") << "line B is not line A";
}

}  // namespace hft::config
