#pragma once
/// @file
/// quickfix_peer's output: one JSON object per line on stdout, flushed at
/// once, so a test reading the pipe sees every event the moment it happens.
/// C++14 (the peer includes QuickFIX).

#include <string>

#include <quickfix/Message.h>

namespace hft {
namespace interop {

/// Builds one event line: {"event":"<name>", ...}.
class JsonEvent {
 public:
  explicit JsonEvent(const std::string& event);

  JsonEvent& str(const std::string& key, const std::string& value);
  JsonEvent& num(const std::string& key, long long value);
  JsonEvent& boolean(const std::string& key, bool value);
  /// Adds the fields of `m` a test looks at (see describe_message).
  JsonEvent& message(const FIX::Message& m);

  /// Writes the line to stdout and flushes. Safe to call once.
  void emit();

 private:
  void key(const std::string& k);
  std::string line_;
};

/// The message's fields as event keys: "msg_type", "seq", "poss_dup"
/// always; "orig_sending_time", "sending_time" and every body field a
/// session test reads (cl_ord_id, exec_type, begin_seq_no, ...) when
/// present; "raw" is the whole message with SOH shown as '|'.
void describe_message(JsonEvent& e, const FIX::Message& m);

/// `s` as a JSON string literal, quotes included.
std::string json_quote(const std::string& s);

}  // namespace interop
}  // namespace hft
