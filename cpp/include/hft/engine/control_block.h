#pragma once
/// @file
/// The control block's vocabulary: engine states, commands and their
/// acknowledgements, the named counters, and where a segment lives. Shared by
/// the engine (ControlBlockWriter) and every client (ControlBlockReader,
/// `hft status`, `hft kill`). The numeric values are in the shared segment:
/// append, never renumber (a change of meaning bumps kLayoutVersion).

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hft/trading/reason.h"

namespace hft::engine {

/// What the engine is doing. Reducing and Halted are the kill switch levels
/// seen from outside: the engine runs its loop, but only reducing orders (or
/// none) leave.
enum class EngineState : std::uint8_t {
  Starting = 0,
  Running = 1,
  Reducing = 2,
  Halted = 3,
  Stopping = 4,
  Stopped = 5,
};
inline constexpr std::uint8_t kEngineStateCount = 6;

/// Why the engine stopped (or is stopping); None while it runs.
enum class ExitReason : std::uint16_t {
  None = 0,
  StopCommand = 1,  ///< a `stop` command through the control block
  Signal = 2,       ///< SIGTERM / SIGINT
  Fatal = 3,        ///< an unrecoverable error (see the status reason text)
  Config = 4,       ///< configuration refused at start
  SessionLost = 5,  ///< the venue session went away and could not be restored
};
inline constexpr std::uint16_t kExitReasonCount = 6;

enum class CommandKind : std::uint8_t { None = 0, Kill = 1, Resume = 2, Stop = 3 };
inline constexpr std::uint8_t kCommandKindCount = 4;

/// Level of a kill command (the kill switch's REDUCING or HALTED).
enum class KillLevel : std::uint8_t { None = 0, Reduce = 1, Halt = 2 };

/// The engine's answer to a command it took.
enum class CommandResult : std::uint8_t {
  Ok = 0,
  Refused = 1,      ///< understood but not done now (resume while a trigger holds)
  Unsupported = 2,  ///< this engine does not handle that kind
  Invalid = 3,      ///< malformed (unknown kind or level)
};

/// What happened to a command from the client's side.
enum class CommandStatus : std::uint8_t {
  Acknowledged = 0,  ///< the engine took it and answered (see CommandResult)
  Timeout = 1,       ///< the engine took it but did not answer in time
  NotDelivered = 2,  ///< withdrawn before the engine saw it, or no free slot in time
  NoEngine = 3,      ///< the owning process is gone
  ReadOnly = 4,      ///< the segment could not be opened for writing
};

std::string_view to_string(EngineState s) noexcept;
std::string_view to_string(ExitReason r) noexcept;
std::string_view to_string(CommandKind k) noexcept;
std::string_view to_string(KillLevel l) noexcept;
std::string_view to_string(CommandResult r) noexcept;
std::string_view to_string(CommandStatus s) noexcept;

/// Named counters every engine publishes. Rejects by reason follow this list
/// (index kRejectCounterBase + RejectReason), then user counters if any.
enum class Counter : std::uint16_t {
  LoopIterations = 0,
  PacketsIn = 1,
  MessagesIn = 2,
  SequenceGaps = 3,
  BookUpdates = 4,
  Signals = 5,  ///< strategy decisions that produced an order request
  OrdersSent = 6,
  CancelsSent = 7,
  ReplacesSent = 8,
  ExecutionReports = 9,
  Fills = 10,
  Rejects = 11,  ///< all pre-trade rejects (the reason split follows)
  VenueRejects = 12,
  KillTrips = 13,
  CommandsHandled = 14,
  MarketDataDrops = 15,
};
inline constexpr std::uint16_t kBaseCounterCount = 16;
inline constexpr std::uint16_t kRejectCounterBase = kBaseCounterCount;
inline constexpr std::uint16_t kCounterCount = kRejectCounterBase + trading::kRejectReasonCount;

/// Index of a counter in the segment's array.
constexpr std::size_t counter_index(Counter c) noexcept { return static_cast<std::size_t>(c); }
constexpr std::size_t counter_index(trading::RejectReason r) noexcept {
  return kRejectCounterBase + static_cast<std::size_t>(r);
}
/// "messages_in", "reject.price_band", ...
std::string counter_name(std::size_t index);

/// Any failure to create or attach a segment. what() names the path and why.
class ControlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The default latency stages of the pipeline (one histogram each).
std::vector<std::string> default_latency_stages();

/// Folder that holds segments: `dir` if given, else $HFT_SHM_DIR, else
/// /dev/shm. Tests point it at a private directory so runs never collide.
std::string control_dir(const std::string& dir = {});
/// `<control_dir(dir)>/hft-<instance>`. Throws ControlError when the
/// instance name is empty, too long, or holds anything but [A-Za-z0-9._-].
std::string control_path(const std::string& instance, const std::string& dir = {});

}  // namespace hft::engine
