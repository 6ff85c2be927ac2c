#pragma once
/// @file
/// Turns the validated configuration's `strategies` section into strategy
/// specs, and `symbols` into the instruments strategies see. Symbols become
/// `SymbolId`s in the order of `config.symbols`, as `trading_settings()`
/// numbers them, so a strategy's ids are the trading core's ids.

#include <vector>

#include "hft/config/system_config.h"
#include "hft/engine/strategy_context.h"
#include "hft/engine/strategy_registry.h"

namespace hft::engine {

/// One `StrategyInstrument` per configured symbol, indexed by `SymbolId`.
std::vector<StrategyInstrument> strategy_instruments(const config::SystemConfig& config);

/// The enabled strategies, with symbols as ids and durations in ns. Throws
/// std::invalid_argument for a symbol that is not configured (the schema's
/// `strategies.symbols_exist` rule makes that unreachable for a checked file).
std::vector<StrategySpec> strategy_specs(const config::SystemConfig& config);

}  // namespace hft::engine
