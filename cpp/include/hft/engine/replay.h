#pragma once
/// @file
/// Replay: a recorded feed through the same decoder, feed handler and books
/// the engine runs live. A binary ITCH file goes straight to the books; a
/// pcap goes Ethernet/IPv4/UDP → MoldUDP64 → feed handler (sequence,
/// duplicates, gaps) → books, exactly as packets from a port would.

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hft/market_data/book_manager.h"

namespace hft::engine {

enum class ReplayFormat { Auto, Itch50, Pcap };

struct ReplayOptions {
  ReplayFormat format{ReplayFormat::Auto};
  market_data::BookManagerOptions books{};
  /// When set, one JSON line per top-of-book change is written here:
  /// {"seq": n, "symbol": s, "bid": [p, q], "ask": [p, q]} (null for an
  /// empty side); `bbo_symbol` (when not empty) keeps one instrument.
  std::FILE* bbo_out{nullptr};
  std::string bbo_symbol;
  /// Called now and then with the messages (ITCH file) or packets (pcap)
  /// read so far; the second argument is reserved (0).
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct ReplayResult {
  std::uint64_t messages{0};  ///< messages applied to the books
  /// Everything that was skipped or inconsistent, by kind; zero kinds left out.
  std::map<std::string, std::uint64_t> errors;
  std::unique_ptr<market_data::BookManager> books;
  /// Each named locate with the name it is reported under: its ticker made
  /// printable, with "#locate" added when two locates share a ticker.
  std::vector<std::pair<std::uint16_t, std::string>> names;
  std::string format;  ///< "itch50" or "pcap"
};

/// Replays `path`. Throws std::runtime_error for an unreadable or
/// unrecognised file; everything inside the file that is wrong is counted
/// in `errors`, never thrown.
ReplayResult replay(const std::string& path, const ReplayOptions& options);

/// Price as text with exactly four decimals ("123.4500").
std::string price_text(core::Price p);

}  // namespace hft::engine
