// The shipped configuration, turned into the trading core's settings: every
// key lands where the core reads it, in the core's units.
#include "hft/engine/trading_settings.h"

#include <string>

#include <gtest/gtest.h>

namespace hft::engine {
namespace {

config::SystemConfig shipped() {
  config::ValidationContext ctx;
  ctx.cpu_count = 2;
  ctx.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const config::SystemCheck c = config::load_system_config(std::string(HFT_CONFIG_DIR) + "/system_config.json", ctx);
  EXPECT_TRUE(c.ok()) << config::to_string(c.errors);
  return *c.config;
}

TEST(TradingSettings, ShippedConfigurationMapsOntoTheCore) {
  const config::SystemConfig c = shipped();
  const trading::TradingSettings s = trading_settings(c);

  EXPECT_EQ(s.risk.max_daily_loss, 50000 * core::Price::kScale);
  EXPECT_EQ(s.risk.max_notional_exposure, 10'000'000 * core::Price::kScale);
  EXPECT_EQ(s.risk.max_orders_per_second, 1000);
  EXPECT_EQ(s.risk.max_order_quantity, 1000);
  EXPECT_EQ(s.risk.max_open_orders, 100);
  EXPECT_EQ(s.risk.price_band_bps, 500);
  EXPECT_EQ(s.risk.max_total_position, 50000);

  EXPECT_EQ(s.kill.reject_storm_count, 20);
  EXPECT_EQ(s.kill.reject_storm_window_ns, 1'000'000'000u);
  EXPECT_EQ(s.kill.market_data_stale_ns, 5'000'000'000u);
  EXPECT_FALSE(s.kill.flatten_on_halt);
  const auto level = [&s](trading::KillTrigger t) { return s.kill.level[static_cast<std::size_t>(t)]; };
  EXPECT_EQ(level(trading::KillTrigger::DailyLoss), trading::KillLevel::Halt);
  EXPECT_EQ(level(trading::KillTrigger::PositionBreach), trading::KillLevel::Reduce);
  EXPECT_EQ(level(trading::KillTrigger::MarketDataStale), trading::KillLevel::Reduce);
  EXPECT_EQ(level(trading::KillTrigger::VenueSessionLost), trading::KillLevel::Halt);

  ASSERT_EQ(s.instruments.size(), c.symbols.size());
  for (std::size_t i = 0; i < c.symbols.size(); ++i) {
    EXPECT_EQ(s.instruments[i].tick_size, core::Price{100}) << c.symbols[i].symbol;  // 0.01
    EXPECT_EQ(s.instruments[i].lot_size, 1);
    EXPECT_EQ(s.instruments[i].max_position, c.symbols[i].max_position);
  }
  EXPECT_EQ(s.order_capacity, 65536u);
  EXPECT_EQ(s.mark, trading::MarkSource::Mid);
  EXPECT_EQ(s.fee_per_share, core::Price{5});  // 0.0005
}

TEST(TradingSettings, AnInstrumentLimitIsCappedByTheFirmLimit) {
  config::SystemConfig c = shipped();
  c.risk.max_position_size = 1000;
  const trading::TradingSettings s = trading_settings(c);
  for (const trading::InstrumentLimits& i : s.instruments) EXPECT_LE(i.max_position, 1000);
}

TEST(TradingSettings, ConfigLoadedRecordIdentifiesTheConfiguration) {
  struct Sink final : trading::AuditSink {
    void record(const trading::AuditRecord& r) noexcept override { last = r; }
    trading::AuditRecord last;
  } sink;
  audit_config_loaded(sink, "{\"a\":1}", 10, 1234);
  EXPECT_EQ(sink.last.type, trading::AuditType::ConfigLoaded);
  EXPECT_EQ(sink.last.qty, 10);
  EXPECT_EQ(sink.last.tsc, 1234u);
  const std::uint64_t first = sink.last.ref_id;
  audit_config_loaded(sink, "{\"a\":2}", 10, 1235);
  EXPECT_NE(sink.last.ref_id, first) << "a different configuration has a different hash";
  audit_config_loaded(sink, "{\"a\":1}", 10, 1236);
  EXPECT_EQ(sink.last.ref_id, first);
}

}  // namespace
}  // namespace hft::engine
