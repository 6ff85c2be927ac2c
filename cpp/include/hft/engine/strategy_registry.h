#pragma once
/// @file
/// Creating strategies by type name from their configuration. The registry
/// maps a type name ("market_maker") to a function that builds the strategy
/// from a `StrategySpec`; the engine's built-in types are registered by
/// `StrategyRegistry::with_builtins()`, and a new type is one `add` call.
/// Start-up only: creation allocates and reports errors as text.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "hft/engine/liquidity_taker.h"
#include "hft/engine/market_maker.h"
#include "hft/engine/strategy.h"

namespace hft::engine {

class StrategyHost;

/// One configured strategy in the engine's terms: instruments as
/// `SymbolId`s, durations in ns, the parameters of every built-in type (the
/// type's maker reads its own).
struct StrategySpec {
  std::string name;
  std::string type;  ///< registry key: "market_maker", "liquidity_taker"
  std::vector<SymbolId> symbols;
  MarketMakerSettings market_maker;
  LiquidityTakerSettings liquidity_taker;
};

/// A created strategy, or why there is none.
struct StrategyMade {
  std::unique_ptr<Strategy> strategy;
  std::string error;  ///< empty when `strategy` is set
  bool ok() const noexcept { return strategy != nullptr; }
};

class StrategyRegistry {
 public:
  using Maker = std::function<std::unique_ptr<Strategy>(const StrategySpec&)>;

  /// A registry with the built-in types: market_maker, liquidity_taker.
  static StrategyRegistry with_builtins();

  /// Registers (or replaces) the maker of `type`.
  void add(std::string type, Maker maker);
  /// Builds the strategy `spec.type` names. An unknown type, or settings the
  /// strategy refuses, give an error naming the strategy and the known types.
  StrategyMade create(const StrategySpec& spec) const;
  /// Registered type names, sorted.
  std::vector<std::string> types() const;

 private:
  std::map<std::string, Maker> makers_;
};

/// Creates every strategy of `specs` and adds it to `host` (before
/// `host.start()`). Throws std::runtime_error with the first error.
void install_strategies(StrategyHost& host, const std::vector<StrategySpec>& specs, const StrategyRegistry& registry);

}  // namespace hft::engine
