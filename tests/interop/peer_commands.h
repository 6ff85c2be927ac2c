#pragma once
/// @file
/// quickfix_peer's stdin commands. Every command line is answered by
/// exactly one event after the events it caused: {"event":"ok",
/// "command":...} (order/cancel/replace/fill add "accepted": whether
/// QuickFIX stored and, if logged on, sent the message), the "status"
/// event for `status`, {"event":"error","command":...,"message":...} for a
/// bad line, and {"event":"exit"} for `quit`. The command list is in
/// peer_commands.cpp and README-style in quickfix_peer's --help.
/// C++14 (QuickFIX).

#include <string>

#include <quickfix/SessionID.h>

#include "peer_venue.h"

namespace hft {
namespace interop {

class PeerCommands {
 public:
  PeerCommands(const FIX::SessionID& id, Venue& venue) : id_(id), venue_(venue) {}

  /// Runs one line (blank lines are ignored). Returns false for `quit`:
  /// the caller then logs out and exits.
  bool run(const std::string& line);

 private:
  FIX::SessionID id_;
  Venue& venue_;
};

/// The command summary printed by --help.
const char* peer_command_help();

}  // namespace interop
}  // namespace hft
