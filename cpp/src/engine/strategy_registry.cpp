#include "hft/engine/strategy_registry.h"

#include <exception>
#include <stdexcept>
#include <utility>

#include "hft/engine/strategy_host.h"

namespace hft::engine {

StrategyRegistry StrategyRegistry::with_builtins() {
  StrategyRegistry r;
  r.add("market_maker", [](const StrategySpec& s) -> std::unique_ptr<Strategy> {
    return std::make_unique<MarketMaker>(s.name, s.market_maker, s.symbols);
  });
  r.add("liquidity_taker", [](const StrategySpec& s) -> std::unique_ptr<Strategy> {
    return std::make_unique<LiquidityTaker>(s.name, s.liquidity_taker, s.symbols);
  });
  return r;
}

void StrategyRegistry::add(std::string type, Maker maker) { makers_[std::move(type)] = std::move(maker); }

std::vector<std::string> StrategyRegistry::types() const {
  std::vector<std::string> out;
  for (const auto& [type, maker] : makers_) out.push_back(type);
  return out;
}

StrategyMade StrategyRegistry::create(const StrategySpec& spec) const {
  StrategyMade made;
  const auto it = makers_.find(spec.type);
  if (it == makers_.end()) {
    std::string known;
    for (const std::string& t : types()) known += (known.empty() ? "" : ", ") + t;
    made.error = "strategy '" + spec.name + "': unknown type '" + spec.type + "' (known: " + known + ")";
    return made;
  }
  try {
    made.strategy = it->second(spec);
    if (made.strategy == nullptr) made.error = "strategy '" + spec.name + "': its maker returned nothing";
  } catch (const std::exception& e) {
    made.error = std::string("strategy '") + spec.name + "': " + e.what();
  }
  return made;
}

void install_strategies(StrategyHost& host, const std::vector<StrategySpec>& specs, const StrategyRegistry& registry) {
  for (const StrategySpec& spec : specs) {
    StrategyMade made = registry.create(spec);
    if (!made.ok()) throw std::runtime_error(made.error);
    host.add(std::move(made.strategy), spec.symbols);
  }
}

}  // namespace hft::engine
