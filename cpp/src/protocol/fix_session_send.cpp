// The send side of the session: admin messages, application messages
// through the store, and answering a ResendRequest.
#include <algorithm>
#include <cstdio>

#include "hft/protocol/fix_session.h"

#include "fix_session_internal.h"

namespace hft::protocol::fix {
namespace {

// Texts we write are ours or echo a short reason; a bound keeps every admin
// message far inside the encoder's buffer.
constexpr std::size_t kMaxText = 256;

std::string_view clip(std::string_view text) noexcept { return text.substr(0, std::min(text.size(), kMaxText)); }

}  // namespace

void Session::write(ByteView bytes, std::int64_t now_ns) noexcept {
  transport_.send_bytes(bytes);
  last_sent_ns_ = now_ns;
  ++counters_.messages_sent;
}

SendStatus Session::commit_application(std::uint64_t seq, ByteView bytes, bool live, std::int64_t now_ns) noexcept {
  // Stored before it goes out, so a crash right after the send still has it
  // for the resend the peer will ask for.
  store_.save(seq, bytes);
  store_.set_next_sender_seq(seq + 1);
  ++counters_.application_sent;
  if (!live) return SendStatus::Queued;
  write(bytes, now_ns);
  return SendStatus::Sent;
}

void Session::begin_admin(MsgType type, std::int64_t now_ns) noexcept {
  encoder_.begin(msg_type_str(type), store_.next_sender_seq(), now_ns);
}

void Session::finish_admin(std::int64_t now_ns) noexcept {
  const ByteView bytes = encoder_.finish();
  if (bytes.size == 0) return;  // cannot happen with bounded fields; never send half a message
  store_.set_next_sender_seq(store_.next_sender_seq() + 1);
  write(bytes, now_ns);
}

void Session::send_logon(bool reset, std::int64_t now_ns) noexcept {
  begin_admin(MsgType::Logon, now_ns);
  encoder_.add_int(98, 0);
  encoder_.add_int(108, heartbeat_s_);
  if (reset) encoder_.add_bool(141, true);
  finish_admin(now_ns);
}

void Session::send_heartbeat(std::string_view test_req_id, std::int64_t now_ns) noexcept {
  begin_admin(MsgType::Heartbeat, now_ns);
  if (!test_req_id.empty()) encoder_.add_str(112, clip(test_req_id));
  finish_admin(now_ns);
  ++counters_.heartbeats_sent;
}

void Session::send_test_request(std::int64_t now_ns) noexcept {
  ++test_request_counter_;
  const int n = std::snprintf(test_req_id_.data(), test_req_id_.size(), "TEST%llu",
                              static_cast<unsigned long long>(test_request_counter_));
  test_req_id_len_ = static_cast<std::size_t>(std::max(n, 0));
  begin_admin(MsgType::TestRequest, now_ns);
  encoder_.add_str(112, {test_req_id_.data(), test_req_id_len_});
  finish_admin(now_ns);
  test_request_sent_ns_ = now_ns;
  ++counters_.test_requests_sent;
  event(SessionEventType::TestRequestSent);
}

void Session::send_resend_request(std::uint64_t begin, std::uint64_t end, std::int64_t now_ns) noexcept {
  begin_admin(MsgType::ResendRequest, now_ns);
  encoder_.add_int(7, static_cast<std::int64_t>(begin));
  encoder_.add_int(16, static_cast<std::int64_t>(end));
  finish_admin(now_ns);
  resend_sent_ns_ = now_ns;
  ++counters_.resend_requests_sent;
}

void Session::send_reject(std::uint64_t ref_seq, std::string_view ref_msg_type, ParseError error, std::string_view text,
                          std::int64_t now_ns) noexcept {
  begin_admin(MsgType::Reject, now_ns);
  encoder_.add_int(45, static_cast<std::int64_t>(ref_seq));
  if (error.tag != 0) encoder_.add_int(371, error.tag);
  if (!ref_msg_type.empty()) encoder_.add_str(372, clip(ref_msg_type));
  if (!error.ok()) encoder_.add_int(373, static_cast<std::int64_t>(error.reason));
  if (!text.empty()) encoder_.add_str(58, clip(text));
  finish_admin(now_ns);
  ++counters_.rejects_sent;
  event(SessionEventType::RejectSent, ref_seq, static_cast<std::uint64_t>(static_cast<std::int64_t>(error.reason)),
        error.tag, text);
}

void Session::send_business_reject(std::uint64_t ref_seq, std::string_view ref_msg_type, BusinessRejectReason reason,
                                   std::string_view text, std::int64_t now_ns) noexcept {
  begin_admin(MsgType::BusinessMessageReject, now_ns);
  encoder_.add_int(45, static_cast<std::int64_t>(ref_seq));
  encoder_.add_str(372, clip(ref_msg_type));
  encoder_.add_int(380, static_cast<std::int64_t>(reason));
  if (!text.empty()) encoder_.add_str(58, clip(text));
  finish_admin(now_ns);
  ++counters_.business_rejects_sent;
  event(SessionEventType::BusinessRejectSent, ref_seq, static_cast<std::uint64_t>(reason), 0, text);
}

void Session::send_logout(std::string_view text, std::int64_t now_ns) noexcept {
  begin_admin(MsgType::Logout, now_ns);
  if (!text.empty()) encoder_.add_str(58, clip(text));
  finish_admin(now_ns);
}

void Session::send_gap_fill(std::uint64_t seq, std::uint64_t new_seq, std::int64_t now_ns) noexcept {
  // A GapFill carries the first number it replaces, not a new one.
  encoder_.begin(msg_type_str(MsgType::SequenceReset), seq, now_ns);
  encoder_.add_bool(43, true);
  encoder_.add_utc_timestamp(122, now_ns);
  encoder_.add_bool(123, true);
  encoder_.add_int(36, static_cast<std::int64_t>(new_seq));
  const ByteView bytes = encoder_.finish();
  if (bytes.size == 0) return;
  write(bytes, now_ns);
  ++counters_.gap_fills_sent;
}

bool Session::resend_stored(std::uint64_t seq, ByteView stored, std::int64_t now_ns) noexcept {
  const FrameResult f = find_message(stored.data, stored.size);
  if (f.status != FrameStatus::Complete || f.length != stored.size) return false;
  if (!stored_.parse(stored.data, stored.size).ok()) return false;
  // Same number and body; PossDupFlag, OrigSendingTime = the first
  // SendingTime, and a new SendingTime (the encoder writes it).
  encoder_.begin(stored_.msg_type(), seq, now_ns);
  encoder_.add_bool(43, true);
  encoder_.add_str(122, stored_.get(52));
  const std::size_t last = stored_.size() - 1;
  for (std::size_t i = 3; i < last; ++i) {
    switch (stored_.field(i).tag) {
      case 49:
      case 56:
      case 34:
      case 52:
      case 43:
      case 122:
      case 97:
        continue;  // written above, or replaced by the resend's own
      default:
        encoder_.add_str(stored_.field(i).tag, stored_.value(i));
    }
  }
  const ByteView bytes = encoder_.finish();
  if (bytes.size == 0) return false;
  write(bytes, now_ns);
  ++counters_.messages_resent;
  return true;
}

void Session::on_resend_request(const ResendRequest& r, std::int64_t now_ns) noexcept {
  ++counters_.resend_requests_received;
  const std::uint64_t last_sent = store_.next_sender_seq() - 1;
  const auto begin = static_cast<std::uint64_t>(r.begin_seq_no);
  auto end = static_cast<std::uint64_t>(r.end_seq_no);
  // 0 means "to the end"; so, in practice, does anything past what we sent
  // (FIX 4.2 peers send 999999).
  if (end == 0 || end > last_sent) end = last_sent;
  if (begin == 0 || begin > end) {
    event(SessionEventType::ResendServed, begin, end, 0, "nothing to resend");
    return;
  }
  // Stored application messages go again; everything else (admin
  // messages, anything no longer stored) is covered by GapFills, one per run.
  std::uint64_t gap_start = 0;
  for (std::uint64_t seq = begin; seq <= end; ++seq) {
    const ByteView stored = store_.load(seq);
    if (stored.size == 0) {
      if (gap_start == 0) gap_start = seq;
      continue;
    }
    if (gap_start != 0) {
      send_gap_fill(gap_start, seq, now_ns);
      gap_start = 0;
    }
    if (!resend_stored(seq, stored, now_ns)) send_gap_fill(seq, seq + 1, now_ns);
  }
  if (gap_start != 0) send_gap_fill(gap_start, end + 1, now_ns);
  event(SessionEventType::ResendServed, begin, end);
}

// ---------------------------------------------------------------- names

bool is_defined_msg_type(std::string_view v) noexcept {
  if (v.size() == 1) {
    const char c = v[0];
    if (c >= '0' && c <= '9') return true;
    if (c >= 'a' && c <= 'z') return true;
    // FIX 4.4 leaves I, O and U unassigned as single letters.
    return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'U';
  }
  if (v.size() == 2 && v[0] == 'A' && v[1] >= 'A' && v[1] <= 'Z') return true;  // AA..AZ
  if (v.size() == 2 && v[0] == 'B' && v[1] >= 'A' && v[1] <= 'H') return true;  // BA..BH
  return v.size() >= 2 && v[0] == 'U';                                          // user-defined
}

std::string_view to_string(SessionState s) noexcept {
  switch (s) {
    case SessionState::Disconnected:
      return "disconnected";
    case SessionState::AwaitingLogon:
      return "awaiting_logon";
    case SessionState::LogonSent:
      return "logon_sent";
    case SessionState::Active:
      return "active";
    case SessionState::LogoutSent:
      return "logout_sent";
  }
  return "unknown";
}

std::string_view to_string(SessionEventType t) noexcept {
  switch (t) {
    case SessionEventType::LoggedOn:
      return "logged_on";
    case SessionEventType::LoggedOut:
      return "logged_out";
    case SessionEventType::Disconnecting:
      return "disconnecting";
    case SessionEventType::Disconnected:
      return "disconnected";
    case SessionEventType::SequenceReset:
      return "sequence_reset";
    case SessionEventType::GapDetected:
      return "gap_detected";
    case SessionEventType::GapFilled:
      return "gap_filled";
    case SessionEventType::ResendServed:
      return "resend_served";
    case SessionEventType::TargetSeqAdvanced:
      return "target_seq_advanced";
    case SessionEventType::DuplicateIgnored:
      return "duplicate_ignored";
    case SessionEventType::Garbled:
      return "garbled";
    case SessionEventType::RejectSent:
      return "reject_sent";
    case SessionEventType::RejectReceived:
      return "reject_received";
    case SessionEventType::BusinessRejectSent:
      return "business_reject_sent";
    case SessionEventType::TestRequestSent:
      return "test_request_sent";
    case SessionEventType::HeartbeatTimeout:
      return "heartbeat_timeout";
    case SessionEventType::LogonTimeout:
      return "logon_timeout";
  }
  return "unknown";
}

}  // namespace hft::protocol::fix
