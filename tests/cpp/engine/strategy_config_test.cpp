// The `strategies` section: defaults, typed values, the rules on its keys
// and on the symbols it names, the engine's translation into specs, the
// registry that creates strategies by type, and the shipped configuration.
#include <gtest/gtest.h>

#include "hft/config/system_config.h"
#include "hft/engine/strategy_host.h"
#include "hft/engine/strategy_registry.h"
#include "hft/engine/strategy_settings.h"

#include "engine/strategy_fixture.h"

namespace hft::config {
namespace {

Json base() {
  return Json::parse(R"({
    "schema_version": 1,
    "network": {"kernel_bypass": "kernel", "interface": "lo"},
    "cpu": {"network_cores": [1]},
    "risk": {"max_position_size": 10000, "max_notional_exposure": 1e7,
             "max_orders_per_second": 1000, "max_daily_loss": 50000},
    "logging": {"audit_log_path": "/tmp/a.bin", "performance_log_path": "/tmp/p.jsonl"},
    "strategies": [
      {"name": "mm1", "type": "market_maker", "symbols": ["AAPL", "MSFT"],
       "market_maker": {"half_spread_ticks": 3, "fair_value": "microprice", "min_quote_life_us": 250}},
      {"name": "lt1", "type": "liquidity_taker", "symbols": ["MSFT"], "liquidity_taker": {}}
    ],
    "symbols": {"AAPL": {"exchange": "NASDAQ", "tick_size": 0.01, "lot_size": 1, "max_position": 5000},
                "MSFT": {"exchange": "NASDAQ", "tick_size": 0.01, "lot_size": 10, "max_position": 5000}}
  })");
}

SystemCheck check(const Json& doc) {
  ValidationContext ctx;
  ctx.cpu_count = 4;
  return check_system(doc, "sys.json", nullptr, "", ctx);
}

bool has_error(const SystemCheck& c, const std::string& path, const std::string& rule) {
  for (const ConfigError& e : c.errors)
    if (e.path == path && e.rule == rule) return true;
  return false;
}

TEST(StrategyConfig, DefaultsTypedValuesAndTranslation) {
  const SystemCheck c = check(base());
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  ASSERT_EQ(c.config->strategies.size(), 2u);
  const StrategyConfig& mm = c.config->strategies[0];
  EXPECT_EQ(mm.name, "mm1");
  EXPECT_EQ(mm.type, "market_maker");
  EXPECT_TRUE(mm.enabled);
  EXPECT_EQ(mm.market_maker.half_spread_ticks, 3);
  EXPECT_EQ(mm.market_maker.fair_value, MarketMakerConfig::FairValue::Microprice);
  EXPECT_EQ(mm.market_maker.quote_size, 100) << "default";
  EXPECT_EQ(mm.market_maker.requote_threshold_ticks, 1) << "default";
  const StrategyConfig& lt = c.config->strategies[1];
  EXPECT_EQ(lt.liquidity_taker.levels, 3);
  EXPECT_EQ(lt.liquidity_taker.imbalance_threshold_bps, 3000);
  EXPECT_EQ(lt.liquidity_taker.cooldown_ms, 50);
  EXPECT_EQ(c.normalized["strategies"][1]["liquidity_taker"]["order_size"], 100) << "defaults are filled in";

  const std::vector<engine::StrategySpec> specs = engine::strategy_specs(*c.config);
  ASSERT_EQ(specs.size(), 2u);
  ASSERT_EQ(specs[0].symbols.size(), 2u);
  EXPECT_EQ(specs[0].symbols[0].value, 0u);  // AAPL, MSFT: sorted by ticker
  EXPECT_EQ(specs[0].symbols[1].value, 1u);
  EXPECT_EQ(specs[0].market_maker.min_quote_life_ns, 250'000u);
  EXPECT_EQ(specs[0].market_maker.reject_backoff_ns, 100'000'000u);
  EXPECT_EQ(specs[1].liquidity_taker.cooldown_ns, 50'000'000u);
  const std::vector<engine::StrategyInstrument> inst = engine::strategy_instruments(*c.config);
  ASSERT_EQ(inst.size(), 2u);
  EXPECT_EQ(inst[1].ticker, "MSFT");
  EXPECT_EQ(inst[1].lot_size, 10);
  EXPECT_EQ(inst[1].tick_size.raw, 100);
}

TEST(StrategyConfig, NoStrategiesIsValidAndDisabledOnesAreSkipped) {
  Json d = base();
  d.erase("strategies");
  SystemCheck c = check(d);
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  EXPECT_TRUE(c.config->strategies.empty());

  d = base();
  d["strategies"][1]["enabled"] = false;
  c = check(d);
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  EXPECT_EQ(engine::strategy_specs(*c.config).size(), 1u);
}

TEST(StrategyConfig, BadValuesNameTheKeyAndRule) {
  Json d = base();
  d["strategies"][0]["type"] = "arbitrage";
  d["strategies"][0]["name"] = "Has Caps";
  d["strategies"][1]["liquidity_taker"]["levels"] = 17;
  d["strategies"][1]["liquidity_taker"]["imbalance_threshold_bps"] = 0;
  d["strategies"][1]["liquidity_taker"]["size"] = 5;
  d["strategies"][1]["symbols"] = Json::array();
  const SystemCheck c = check(d);
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(has_error(c, "strategies[0].type", "enum")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "strategies[0].name", "pattern")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "strategies[1].liquidity_taker.levels", "maximum")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "strategies[1].liquidity_taker.imbalance_threshold_bps", "minimum")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "strategies[1].liquidity_taker.size", "unknown_key")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "strategies[1].symbols", "min_items")) << to_string(c.errors);
}

TEST(StrategyConfig, TheParameterBlockMustMatchTheType) {
  Json d = base();
  d["strategies"][0].erase("market_maker");
  d["strategies"][0]["liquidity_taker"] = Json::object();
  const SystemCheck c = check(d);
  EXPECT_TRUE(has_error(c, "strategies[0].market_maker", "strategies.params_for_type")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "strategies[0].liquidity_taker", "strategies.params_for_type")) << to_string(c.errors);
}

TEST(StrategyConfig, NamesAreDistinct) {
  Json d = base();
  d["strategies"][1]["name"] = "mm1";
  const SystemCheck c = check(d);
  EXPECT_TRUE(has_error(c, "strategies[1].name", "strategies.names_distinct")) << to_string(c.errors);
}

TEST(StrategyConfig, SymbolsMustExistAndFitTheirLotAndLimit) {
  Json d = base();
  d["strategies"][0]["symbols"] = {"AAPL", "TSLA"};
  d["strategies"][0]["market_maker"]["max_position"] = 6000;
  d["strategies"][1]["liquidity_taker"]["order_size"] = 15;  // MSFT trades in lots of 10
  const SystemCheck c = check(d);
  EXPECT_TRUE(has_error(c, "strategies[0].symbols[1]", "strategies.symbols_exist")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "strategies[0].symbols[0]", "strategies.symbol_position")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "strategies[1].symbols[0]", "strategies.symbol_lot")) << to_string(c.errors);
}

TEST(StrategyConfig, SymbolRulesAlsoRunAgainstASymbolsFile) {
  Json d = base();
  Json symbols = {{"schema_version", 1}, {"symbols", d["symbols"]}};
  d.erase("symbols");
  d["symbols_file"] = "symbols.json";
  d["strategies"][1]["symbols"] = {"NVDA"};
  ValidationContext ctx;
  ctx.cpu_count = 4;
  const SystemCheck c = check_system(d, "sys.json", &symbols, "symbols.json", ctx);
  ASSERT_FALSE(c.ok());
  bool found = false;
  for (const ConfigError& e : c.errors) {
    if (e.rule == "strategies.symbols_exist") {
      found = true;
      EXPECT_EQ(e.file, "sys.json") << "reported where the strategy is written";
      EXPECT_EQ(e.path, "strategies[1].symbols[0]");
    }
  }
  EXPECT_TRUE(found) << to_string(c.errors);
}

TEST(StrategyConfig, TheShippedConfigurationRunsAMarketMakerAndATaker) {
  const SystemCheck c = load_system_config(std::string(HFT_CONFIG_DIR) + "/system_config.json", [] {
    ValidationContext ctx;
    ctx.cpu_count = 2;
    return ctx;
  }());
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  const std::vector<engine::StrategySpec> specs = engine::strategy_specs(*c.config);
  ASSERT_GE(specs.size(), 2u);
  bool mm = false, lt = false;
  const engine::StrategyRegistry registry = engine::StrategyRegistry::with_builtins();
  for (const engine::StrategySpec& s : specs) {
    mm = mm || s.type == "market_maker";
    lt = lt || s.type == "liquidity_taker";
    EXPECT_TRUE(registry.create(s).ok()) << s.name;
  }
  EXPECT_TRUE(mm);
  EXPECT_TRUE(lt);
}

}  // namespace
}  // namespace hft::config

namespace hft::engine::test {
namespace {

TEST(StrategyRegistry, UnknownTypesAreErrorsThatNameTheKnownOnes) {
  const StrategyRegistry r = StrategyRegistry::with_builtins();
  StrategySpec spec;
  spec.name = "x1";
  spec.type = "arbitrage";
  const StrategyMade made = r.create(spec);
  EXPECT_FALSE(made.ok());
  EXPECT_EQ(made.error, "strategy 'x1': unknown type 'arbitrage' (known: liquidity_taker, market_maker)");
}

TEST(StrategyRegistry, SettingsAStrategyRefusesAreErrorsToo) {
  const StrategyRegistry r = StrategyRegistry::with_builtins();
  StrategySpec spec;
  spec.name = "lt9";
  spec.type = "liquidity_taker";
  spec.liquidity_taker.levels = 0;
  const StrategyMade made = r.create(spec);
  EXPECT_FALSE(made.ok());
  EXPECT_NE(made.error.find("lt9"), std::string::npos) << made.error;
}

class RegistryHostTest : public StrategyTest {};

TEST_F(RegistryHostTest, InstallCreatesEveryStrategyOrThrowsTheFirstError) {
  StrategyRegistry r = StrategyRegistry::with_builtins();
  std::vector<StrategySpec> specs(2);
  specs[0].name = "mm1";
  specs[0].type = "market_maker";
  specs[0].symbols = {kAapl};
  specs[1].name = "lt1";
  specs[1].type = "liquidity_taker";
  specs[1].symbols = {kMsft};
  install_strategies(host, specs, r);
  EXPECT_EQ(host.size(), 2u);
  EXPECT_EQ(host.strategy(0).name(), "mm1");
  specs[1].type = "nope";
  EXPECT_THROW(install_strategies(host, specs, r), std::runtime_error);
  specs[1].type = "liquidity_taker";
  specs[1].symbols = {SymbolId{99}};
  EXPECT_THROW(install_strategies(host, specs, r), std::invalid_argument);
}

}  // namespace
}  // namespace hft::engine::test
