#pragma once
/// @file
/// Turns the validated configuration into the trading core's settings. The
/// trading room does not see the configuration format; the engine, which
/// owns both, translates here.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hft/config/system_config.h"
#include "hft/trading/audit_record.h"
#include "hft/trading/settings.h"

namespace hft::engine {

/// Instruments get `SymbolId`s in the order of `config.symbols` (sorted by
/// ticker). An instrument's position limit is the smaller of its own
/// `max_position` and `risk.max_position_size`.
trading::TradingSettings trading_settings(const config::SystemConfig& config);

/// Writes the `ConfigLoaded` audit record: a 64-bit FNV-1a hash of the
/// normalized configuration text (so an audit reader can tell which
/// configuration a session ran with) and the number of instruments.
void audit_config_loaded(trading::AuditSink& audit, std::string_view normalized, std::size_t symbols,
                         std::uint64_t tsc) noexcept;

}  // namespace hft::engine
