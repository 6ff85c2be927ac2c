#pragma once
/// @file
/// quickfix_peer driven from a C++17 test: starts the peer as a child
/// process, sends stdin commands, and waits for its JSON events with
/// generous deadlines (failure guards, never timing assertions). The child
/// is killed when the PeerProcess goes out of scope, so an ASSERT that
/// returns early cleans up too. The protocol is in tests/interop/README.md.
///
///   PeerConfig c;
///   c.mode = "acceptor";
///   c.sender_comp_id = "VENUE";
///   c.target_comp_id = "HFT";
///   c.store_dir = (dir / "venue").string();
///   PeerProcess venue(c);
///   // ... connect our session to 127.0.0.1:venue.port() ...
///   venue.wait_for_event("logon");
///   venue.command("autofill off");
///   const auto nos = venue.wait_for(is_message("app_in", "D"));
///
/// Waiting consumes: wait_for returns the earliest matching event it has not
/// returned before, whenever it arrived, so waits need not follow arrival
/// order, and two waits for the same kind return two events.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.h"

namespace hft::interop {

/// Where the quickfix_peer built with these tests is, and the dictionary.
inline constexpr const char* kQuickfixPeerPath = HFT_QUICKFIX_PEER;
inline constexpr const char* kFix44DictionaryPath = HFT_FIX44_DICTIONARY;

/// quickfix_peer's command line (see tests/interop/README.md).
struct PeerConfig {
  std::string mode{"acceptor"};  ///< "acceptor" or "initiator"
  int port{0};                   ///< acceptor: 0 = any free port (see PeerProcess::port)
  std::string sender_comp_id{"QFIX"};
  std::string target_comp_id{"HFT"};
  std::string store_dir;  ///< required: QuickFIX's FileStore and FileLog go here
  bool reset_on_logon{false};
  int heartbeat{30};                             ///< HeartBtInt an initiator proposes
  std::string dictionary{kFix44DictionaryPath};  ///< empty: QuickFIX validates nothing
};

class PeerProcess {
 public:
  using Event = nlohmann::json;
  using Predicate = std::function<bool(const Event&)>;
  static constexpr std::chrono::seconds kDefaultTimeout{20};

  /// Starts the peer and waits for its "ready" event. Throws
  /// std::runtime_error with the peer's error when it does not start.
  explicit PeerProcess(const PeerConfig& config);
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  /// The port the acceptor listens on, or the one the initiator connects to.
  int port() const noexcept { return port_; }

  /// Sends one command line without waiting.
  void send(const std::string& line);
  /// Sends one command and waits for its answer ("ok" or, for status,
  /// "status"); throws with the peer's message on an "error" answer.
  Event command(const std::string& line, std::chrono::milliseconds timeout = kDefaultTimeout);
  /// `status`, answered.
  Event status();

  /// The earliest event at or after index `since` that matches `match` and
  /// no wait_for has returned yet, reading more events as needed. Throws on
  /// timeout or when the peer exits, with the recent events in the message.
  Event wait_for(const Predicate& match, std::chrono::milliseconds timeout = kDefaultTimeout, std::size_t since = 0);
  Event wait_for_event(const std::string& name, std::chrono::milliseconds timeout = kDefaultTimeout);
  /// The index the next event will have, after reading every event already
  /// in the pipe: pass it as `since` to ignore everything the peer reported
  /// before this point.
  std::size_t mark();
  /// Waits at most `timeout` for an event, then reads every event already
  /// in the pipe without waiting.
  void pump(std::chrono::milliseconds timeout);

  /// Every event read so far, in order.
  const std::vector<Event>& events() const noexcept { return events_; }
  /// Events read so far that match.
  std::vector<Event> find_all(const Predicate& match) const;

  /// `quit`: the peer logs out if logged on and exits; returns its exit code.
  int quit(std::chrono::milliseconds timeout = kDefaultTimeout);

 private:
  bool read_one(std::chrono::steady_clock::time_point deadline);
  std::string recent() const;

  std::string name_;
  ChildProcess child_;
  int port_{-1};
  std::vector<Event> events_;
  std::vector<bool> returned_;  // events_[i] was returned by wait_for
};

/// Predicates for the common waits.
PeerProcess::Predicate is_event(const std::string& name);
PeerProcess::Predicate is_message(const std::string& event, const std::string& msg_type);

}  // namespace hft::interop
