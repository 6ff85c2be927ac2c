#include "hft/engine/strategy_settings.h"

#include <cstddef>
#include <stdexcept>

namespace hft::engine {
namespace {

std::uint64_t ms_to_ns(std::int64_t ms) { return static_cast<std::uint64_t>(ms) * 1'000'000u; }
std::uint64_t us_to_ns(std::int64_t us) { return static_cast<std::uint64_t>(us) * 1'000u; }

SymbolId symbol_id(const config::SystemConfig& c, const std::string& ticker, const std::string& strategy) {
  for (std::size_t i = 0; i < c.symbols.size(); ++i) {
    if (c.symbols[i].symbol == ticker) return SymbolId{static_cast<std::uint32_t>(i)};
  }
  throw std::invalid_argument("strategy " + strategy + ": symbol " + ticker + " is not configured");
}

MarketMakerSettings market_maker_settings(const config::MarketMakerConfig& p) {
  MarketMakerSettings s;
  s.fair_value = p.fair_value == config::MarketMakerConfig::FairValue::Microprice
                     ? MarketMakerSettings::FairValue::Microprice
                     : MarketMakerSettings::FairValue::Mid;
  s.half_spread_ticks = p.half_spread_ticks;
  s.quote_size = p.quote_size;
  s.max_position = p.max_position;
  s.skew_ticks = p.skew_ticks;
  s.requote_threshold_ticks = p.requote_threshold_ticks;
  s.min_quote_life_ns = us_to_ns(p.min_quote_life_us);
  s.reject_backoff_ns = ms_to_ns(p.reject_backoff_ms);
  return s;
}

LiquidityTakerSettings liquidity_taker_settings(const config::LiquidityTakerConfig& p) {
  LiquidityTakerSettings s;
  s.levels = static_cast<std::size_t>(p.levels);
  s.imbalance_threshold_bps = p.imbalance_threshold_bps;
  s.order_size = p.order_size;
  s.max_position = p.max_position;
  s.cooldown_ns = ms_to_ns(p.cooldown_ms);
  return s;
}

}  // namespace

std::vector<StrategyInstrument> strategy_instruments(const config::SystemConfig& c) {
  std::vector<StrategyInstrument> out;
  out.reserve(c.symbols.size());
  for (const config::SymbolConfig& s : c.symbols) out.push_back(StrategyInstrument{s.symbol, s.tick_size, s.lot_size});
  return out;
}

std::vector<StrategySpec> strategy_specs(const config::SystemConfig& c) {
  std::vector<StrategySpec> out;
  for (const config::StrategyConfig& sc : c.strategies) {
    if (!sc.enabled) continue;
    StrategySpec spec;
    spec.name = sc.name;
    spec.type = sc.type;
    for (const std::string& t : sc.symbols) spec.symbols.push_back(symbol_id(c, t, sc.name));
    spec.market_maker = market_maker_settings(sc.market_maker);
    spec.liquidity_taker = liquidity_taker_settings(sc.liquidity_taker);
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace hft::engine
