#include "hft/engine/trading_settings.h"

#include <algorithm>

namespace hft::engine {
namespace {

trading::KillLevel level(config::KillAction a) {
  return a == config::KillAction::Halt ? trading::KillLevel::Halt : trading::KillLevel::Reduce;
}

std::uint64_t ms_to_ns(std::int64_t ms) { return static_cast<std::uint64_t>(ms) * 1'000'000u; }

}  // namespace

trading::TradingSettings trading_settings(const config::SystemConfig& c) {
  using trading::KillTrigger;
  trading::TradingSettings s;
  s.risk.max_total_position = c.risk.max_total_position;
  s.risk.max_notional_exposure = c.risk.max_notional_exposure.raw;
  s.risk.max_orders_per_second = c.risk.max_orders_per_second;
  s.risk.max_daily_loss = c.risk.max_daily_loss.raw;
  s.risk.max_order_quantity = c.risk.max_order_quantity;
  s.risk.max_order_notional = c.risk.max_order_notional.raw;
  s.risk.max_open_orders = c.risk.max_open_orders;
  s.risk.price_band_bps = c.risk.price_band_bps;

  const config::KillSwitchConfig& k = c.kill_switch;
  s.kill.flatten_on_halt = k.flatten_on_halt;
  s.kill.reject_storm_count = k.reject_storm_count;
  s.kill.reject_storm_window_ns = ms_to_ns(k.reject_storm_window_ms);
  s.kill.market_data_stale_ns = ms_to_ns(k.market_data_stale_ms);
  const auto set = [&s](KillTrigger t, trading::KillLevel l) { s.kill.level[static_cast<std::size_t>(t)] = l; };
  set(KillTrigger::Manual, trading::KillLevel::Halt);
  set(KillTrigger::Shutdown, trading::KillLevel::Halt);
  set(KillTrigger::DailyLoss, level(k.on_daily_loss));
  set(KillTrigger::PositionBreach, level(k.on_position_breach));
  set(KillTrigger::RejectStorm, level(k.on_reject_storm));
  set(KillTrigger::MarketDataStale, level(k.on_market_data_stale));
  set(KillTrigger::VenueSessionLost, level(k.on_venue_session_lost));
  set(KillTrigger::ExecutionAnomaly, level(k.on_execution_anomaly));

  for (const config::SymbolConfig& sym : c.symbols) {
    trading::InstrumentLimits i;
    i.tick_size = sym.tick_size;
    i.lot_size = sym.lot_size;
    i.max_position = std::min(sym.max_position, c.risk.max_position_size);
    i.tradable = sym.tradable;
    s.instruments.push_back(i);
  }
  s.order_capacity = static_cast<std::size_t>(c.trading.order_capacity);
  s.mark =
      c.trading.mark_price == config::TradingConfig::Mark::Last ? trading::MarkSource::Last : trading::MarkSource::Mid;
  s.fee_per_share = c.trading.fee_per_share;
  return s;
}

void audit_config_loaded(trading::AuditSink& audit, std::string_view normalized, std::size_t symbols,
                         std::uint64_t tsc) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char ch : normalized) {
    hash ^= static_cast<unsigned char>(ch);
    hash *= 0x100000001b3ull;
  }
  trading::AuditRecord r;
  r.type = trading::AuditType::ConfigLoaded;
  r.tsc = tsc;
  r.ref_id = hash;
  r.price = config::kSchemaVersion;
  r.qty = static_cast<std::int32_t>(symbols);
  audit.record(r);
}

}  // namespace hft::engine
