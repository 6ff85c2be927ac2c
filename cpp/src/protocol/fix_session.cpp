// The receive side of the session: framing, header checks, sequence
// numbers, logon and the admin messages. The order of the checks follows
// FIX 4.4 Volume 2 (and what QuickFIX does): logon state, CompIDs,
// SendingTime, then MsgSeqNum too high / too low, then the message itself.
#include "hft/protocol/fix_session.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "hft/protocol/fix_time.h"

#include "fix_session_internal.h"

namespace hft::protocol::fix {

AppResult SessionApplication::on_application(const MessageView&, MsgType, const Header&, std::int64_t) noexcept {
  return AppResult::business_reject(BusinessRejectReason::UnsupportedMessageType, "unsupported message type");
}

void SessionApplication::on_event(const SessionEvent&) noexcept {}

Session::Session(SessionSettings settings, SessionStore& store, SessionTransport& transport,
                 SessionApplication& application)
    : settings_(std::move(settings)),
      store_(store),
      transport_(transport),
      app_(application),
      encoder_("FIX.4.4", settings_.sender_comp_id, settings_.target_comp_id),
      heartbeat_s_(settings_.heartbeat_interval_s) {}

// ---------------------------------------------------------------- connection

void Session::connected(std::int64_t now_ns) noexcept {
  rx_len_ = 0;
  resend_until_ = 0;
  logout_after_resend_ = false;
  test_request_sent_ns_ = 0;
  last_received_ns_ = now_ns;
  last_sent_ns_ = now_ns;
  deadline_ns_ = now_ns + std::int64_t{settings_.logon_timeout_s} * 1'000'000'000;
  heartbeat_s_ = settings_.heartbeat_interval_s;
  if (settings_.role == SessionRole::Acceptor) {
    state_ = SessionState::AwaitingLogon;
    return;
  }
  if (settings_.reset_on_logon) {
    store_.reset(now_ns);
    event(SessionEventType::SequenceReset);
  }
  send_logon(settings_.reset_on_logon, now_ns);
  state_ = SessionState::LogonSent;
}

void Session::disconnected(std::int64_t) noexcept {
  if (state_ == SessionState::Disconnected) return;
  state_ = SessionState::Disconnected;
  resend_until_ = 0;
  logout_after_resend_ = false;
  rx_len_ = 0;
  event(SessionEventType::Disconnected);
}

void Session::drop(std::string_view why, std::int64_t) noexcept {
  if (state_ == SessionState::Disconnected) return;
  state_ = SessionState::Disconnected;
  resend_until_ = 0;
  logout_after_resend_ = false;
  event(SessionEventType::Disconnecting, 0, 0, 0, why);
  transport_.close_connection();
}

void Session::logout_and_drop(std::string_view why, std::int64_t now_ns) noexcept {
  if (state_ == SessionState::Disconnected) return;
  send_logout(why, now_ns);
  drop(why, now_ns);
}

void Session::logout(std::string_view text, std::int64_t now_ns) noexcept {
  if (state_ == SessionState::Active) {
    send_logout(text, now_ns);
    state_ = SessionState::LogoutSent;
    deadline_ns_ = now_ns + std::int64_t{settings_.logout_timeout_s} * 1'000'000'000;
  } else if (state_ != SessionState::LogoutSent) {
    drop(text, now_ns);
  }
}

void Session::event(SessionEventType type, std::uint64_t begin, std::uint64_t end, std::uint32_t tag,
                    std::string_view text) noexcept {
  app_.on_event(SessionEvent{type, begin, end, tag, text});
}

// ---------------------------------------------------------------- timer

void Session::on_timer(std::int64_t now_ns) noexcept {
  store_.flush(now_ns);
  switch (state_) {
    case SessionState::Disconnected:
      return;
    case SessionState::AwaitingLogon:
    case SessionState::LogonSent:
      if (now_ns >= deadline_ns_) {
        event(SessionEventType::LogonTimeout);
        drop("no Logon within logon_timeout_s", now_ns);
      }
      return;
    case SessionState::LogoutSent:
      if (now_ns >= deadline_ns_) drop("no Logout answer within logout_timeout_s", now_ns);
      return;
    case SessionState::Active:
      break;
  }
  if (heartbeat_s_ <= 0) return;
  const std::int64_t interval = std::int64_t{heartbeat_s_} * 1'000'000'000;
  if (test_request_sent_ns_ != 0) {
    if (now_ns - test_request_sent_ns_ >= interval) {
      event(SessionEventType::HeartbeatTimeout);
      drop("no answer to TestRequest within a heartbeat interval", now_ns);
      return;
    }
  } else if (now_ns - last_received_ns_ >= interval + interval / 5) {
    // Silence for the interval plus the 20 % FIX suggests for transmission.
    send_test_request(now_ns);
  }
  if (now_ns - last_sent_ns_ >= interval) send_heartbeat({}, now_ns);
}

// ---------------------------------------------------------------- receive

void Session::on_received(std::size_t n, std::int64_t now_ns) noexcept {
  if (state_ == SessionState::Disconnected) return;
  rx_len_ += std::min(n, rx_.size() - rx_len_);
  last_received_ns_ = now_ns;
  std::size_t at = 0;
  while (at < rx_len_ && state_ != SessionState::Disconnected) {
    const FrameResult f = find_message(rx_.data() + at, rx_len_ - at);
    if (f.status == FrameStatus::NeedMore) break;
    if (f.status == FrameStatus::Complete) {
      process(rx_.data() + at, f.length, now_ns);
    } else if (f.status == FrameStatus::BadBeginString) {
      // 2i: a different BeginString is not a garbled message of this session.
      logout_and_drop("incorrect BeginString", now_ns);
    } else {
      // 2d, 2m, 3b: garbled (no valid framing or checksum): skip it without
      // touching MsgSeqNum; a resend brings it back if it mattered.
      ++counters_.garbled;
      event(SessionEventType::Garbled, counters_.garbled, 0, 0, "garbled bytes skipped");
    }
    at += f.length;
  }
  if (state_ == SessionState::Disconnected) {
    rx_len_ = 0;
    return;
  }
  if (at > 0) {
    std::memmove(rx_.data(), rx_.data() + at, rx_len_ - at);
    rx_len_ -= at;
  }
}

void Session::process(const std::uint8_t* data, std::size_t size, std::int64_t now_ns) noexcept {
  ++counters_.messages_received;
  test_request_sent_ns_ = 0;  // anything from the peer shows it is alive
  if (const ParseError e = in_.parse(data, size); !e.ok()) {
    process_unparsable(data, size, e, now_ns);
    return;
  }
  const MsgType type = msg_type_of(in_.msg_type());
  Header h;
  const ParseError header_error = read_header(in_, h);
  if (header_error.tag == 34 || h.msg_seq_num <= 0) {
    logout_and_drop("MsgSeqNum(34) missing or invalid", now_ns);
    return;
  }
  if (state_ == SessionState::AwaitingLogon || state_ == SessionState::LogonSent) {
    if (type != MsgType::Logon) {
      drop("first message is not a Logon", now_ns);  // 1e
      return;
    }
    if (!header_error.ok()) {
      logout_and_drop("invalid Logon header", now_ns);
      return;
    }
    process_logon(h, now_ns);
    return;
  }
  if (type == MsgType::Logon) {
    logout_and_drop("Logon received on a logged-on session", now_ns);
    return;
  }
  if (!header_error.ok()) {
    // A broken header still has a place in the sequence when it is the
    // expected one: reject it and go on (14g, 14h on header tags).
    if (check_sequence(h, type, now_ns)) {
      send_reject(static_cast<std::uint64_t>(h.msg_seq_num), in_.msg_type(), header_error, {}, now_ns);
      accept_in_sequence(static_cast<std::uint64_t>(h.msg_seq_num), now_ns);
    }
    return;
  }
  if (!check_header(h, type, now_ns)) return;
  if (type == MsgType::SequenceReset && !in_.get(123).empty() && in_.get(123) == "Y") {
    // GapFill: sequenced like any message.
  } else if (type == MsgType::SequenceReset) {
    on_sequence_reset(h, now_ns);  // 11: Reset mode ignores its own MsgSeqNum
    return;
  }
  if (!check_sequence(h, type, now_ns)) return;
  dispatch(h, type, now_ns);
}

void Session::process_unparsable(const std::uint8_t* data, std::size_t size, ParseError error,
                                 std::int64_t now_ns) noexcept {
  // Framing and checksum were right, the field structure is not (a tag with
  // no value, a non-numeric tag, 35 not third). Where the MsgSeqNum can
  // still be read, the message has a place in the sequence: reject it
  // there. Otherwise it is garbled.
  const std::int64_t seq = scan_msg_seq_num(data, size);
  if (seq <= 0 || state_ != SessionState::Active || error.tag == 35) {
    ++counters_.garbled;
    event(SessionEventType::Garbled, counters_.garbled, 0, error.tag, "unparsable message skipped");
    return;
  }
  Header h;
  h.msg_seq_num = seq;
  if (!check_sequence(h, MsgType::Unknown, now_ns)) return;
  send_reject(static_cast<std::uint64_t>(seq), scan_msg_type(data, size), error, {}, now_ns);
  accept_in_sequence(static_cast<std::uint64_t>(seq), now_ns);
}

bool Session::check_header(const Header& h, MsgType type, std::int64_t now_ns) noexcept {
  const auto seq = static_cast<std::uint64_t>(h.msg_seq_num);
  const bool expected = seq == store_.next_target_seq();
  if (h.sender_comp_id != settings_.target_comp_id || h.target_comp_id != settings_.sender_comp_id) {
    // 2k: Reject (CompID problem), count the message, Logout, disconnect.
    const std::uint32_t tag = h.sender_comp_id != settings_.target_comp_id ? 49 : 56;
    send_reject(seq, in_.msg_type(), {SessionRejectReason::CompIdProblem, tag}, "CompID problem", now_ns);
    if (expected) accept_in_sequence(seq, now_ns);
    logout_and_drop("CompID problem", now_ns);
    return false;
  }
  std::int64_t sent_ns = 0;
  if (!parse_utc_timestamp(h.sending_time, sent_ns)) {
    if (check_sequence(h, type, now_ns)) {
      send_reject(seq, in_.msg_type(), {SessionRejectReason::IncorrectDataFormat, 52}, {}, now_ns);
      accept_in_sequence(seq, now_ns);
    }
    return false;
  }
  const std::int64_t skew_ns = settings_.max_sending_time_skew_ms * 1'000'000;
  if (skew_ns > 0 && (sent_ns - now_ns > skew_ns || now_ns - sent_ns > skew_ns)) {
    // 2o: SendingTime not within the allowed skew.
    send_reject(seq, in_.msg_type(), {SessionRejectReason::SendingTimeAccuracyProblem, 52}, "SendingTime accuracy",
                now_ns);
    if (expected) accept_in_sequence(seq, now_ns);
    logout_and_drop("SendingTime accuracy problem", now_ns);
    return false;
  }
  if (h.poss_dup && type != MsgType::SequenceReset) {
    std::int64_t orig_ns = 0;
    if (h.orig_sending_time.empty()) {
      // 2g: PossDupFlag=Y needs OrigSendingTime.
      send_reject(seq, in_.msg_type(), {SessionRejectReason::RequiredTagMissing, 122}, {}, now_ns);
      if (expected) accept_in_sequence(seq, now_ns);
      return false;
    }
    if (!parse_utc_timestamp(h.orig_sending_time, orig_ns)) {
      send_reject(seq, in_.msg_type(), {SessionRejectReason::IncorrectDataFormat, 122}, {}, now_ns);
      if (expected) accept_in_sequence(seq, now_ns);
      return false;
    }
    if (orig_ns > sent_ns) {
      // 2f: a resend cannot have been first sent after it was resent.
      send_reject(seq, in_.msg_type(), {SessionRejectReason::SendingTimeAccuracyProblem, 122},
                  "OrigSendingTime after SendingTime", now_ns);
      if (expected) accept_in_sequence(seq, now_ns);
      logout_and_drop("OrigSendingTime after SendingTime", now_ns);
      return false;
    }
  }
  return true;
}

bool Session::check_sequence(const Header& h, MsgType type, std::int64_t now_ns) noexcept {
  const auto seq = static_cast<std::uint64_t>(h.msg_seq_num);
  const std::uint64_t expected = store_.next_target_seq();
  if (seq == expected) return true;
  if (seq > expected) {
    // 2b: a gap. The message is dropped and comes back with the resend
    // (EndSeqNo 0 asks for everything), except what must act now: a
    // ResendRequest is answered at once (20: both sides may be resending),
    // a Logout waits for the gap to close (logout during resend).
    if (type == MsgType::ResendRequest) {
      ResendRequest r;
      if (r.parse(in_).ok()) on_resend_request(r, now_ns);
    } else if (type == MsgType::Logout) {
      logout_after_resend_ = true;
    }
    ++counters_.too_high_dropped;
    request_resend(expected, seq, now_ns);
    return false;
  }
  if (h.poss_dup) {
    // 2e: already processed; a resend overlapping what arrived.
    ++counters_.duplicates_ignored;
    event(SessionEventType::DuplicateIgnored, seq);
    return false;
  }
  // 2c: too low without PossDup: the sides disagree on the session.
  char text[96];
  std::snprintf(text, sizeof text, "MsgSeqNum too low, expecting %llu but received %llu",
                static_cast<unsigned long long>(expected), static_cast<unsigned long long>(seq));
  logout_and_drop(text, now_ns);
  return false;
}

void Session::request_resend(std::uint64_t from, std::uint64_t seen, std::int64_t now_ns) noexcept {
  if (resend_until_ != 0) {
    // Already asked from `from` to infinity: everything up to `seen` is coming.
    resend_until_ = std::max(resend_until_, seen);
    return;
  }
  resend_until_ = seen;
  send_resend_request(from, 0, now_ns);
  event(SessionEventType::GapDetected, from, seen - 1);
}

void Session::accept_in_sequence(std::uint64_t seq, std::int64_t now_ns) noexcept {
  if (seq + 1 > store_.next_target_seq()) store_.set_next_target_seq(seq + 1);
  if (resend_until_ != 0 && store_.next_target_seq() > resend_until_) {
    event(SessionEventType::GapFilled, 0, resend_until_);
    resend_until_ = 0;
    if (logout_after_resend_) {
      logout_after_resend_ = false;
      logout_and_drop({}, now_ns);
    }
  }
}

void Session::process_logon(const Header& h, std::int64_t now_ns) noexcept {
  Logon logon;
  if (const ParseError e = logon.parse(in_); !e.ok()) {
    char text[64];
    std::snprintf(text, sizeof text, "invalid Logon: tag %u, reason %d", e.tag, static_cast<int>(e.reason));
    logout_and_drop(text, now_ns);
    return;
  }
  if (h.sender_comp_id != settings_.target_comp_id || h.target_comp_id != settings_.sender_comp_id) {
    logout_and_drop("CompID problem", now_ns);  // 1c
    return;
  }
  std::int64_t sent_ns = 0;
  const std::int64_t skew_ns = settings_.max_sending_time_skew_ms * 1'000'000;
  if (!parse_utc_timestamp(h.sending_time, sent_ns) ||
      (skew_ns > 0 && (sent_ns - now_ns > skew_ns || now_ns - sent_ns > skew_ns))) {
    logout_and_drop("SendingTime accuracy problem", now_ns);  // 1d
    return;
  }
  if (logon.heart_bt_int < 0 || logon.heart_bt_int > 3600) {
    logout_and_drop("HeartBtInt must be 0 to 3600 seconds", now_ns);
    return;
  }
  if (logon.encrypt_method != 0) {
    logout_and_drop("EncryptMethod must be 0 (none)", now_ns);
    return;
  }
  const bool acceptor = settings_.role == SessionRole::Acceptor;
  const auto seq = static_cast<std::uint64_t>(h.msg_seq_num);
  bool reset = false;
  if (logon.reset_seq_num) {
    // 21: ResetSeqNumFlag starts both sides at 1; this Logon must be 1.
    if (seq != 1) {
      logout_and_drop("ResetSeqNumFlag=Y needs MsgSeqNum 1", now_ns);
      return;
    }
    if (acceptor) {
      store_.reset(now_ns);
      event(SessionEventType::SequenceReset);
      reset = true;
    } else if (!settings_.reset_on_logon) {
      store_.set_next_target_seq(1);  // the acceptor reset on its own
    }
  } else if (acceptor && settings_.reset_on_logon) {
    store_.reset(now_ns);
    event(SessionEventType::SequenceReset);
    reset = true;
  }
  const std::uint64_t expected = store_.next_target_seq();
  if (seq < expected) {
    char text[96];
    std::snprintf(text, sizeof text, "MsgSeqNum too low, expecting %llu but received %llu",
                  static_cast<unsigned long long>(expected), static_cast<unsigned long long>(seq));
    logout_and_drop(text, now_ns);
    return;
  }
  if (acceptor) {
    heartbeat_s_ = static_cast<std::int32_t>(logon.heart_bt_int);
    send_logon(reset, now_ns);
  }
  state_ = SessionState::Active;
  ++counters_.logons;
  event(SessionEventType::LoggedOn, seq, store_.next_sender_seq());
  if (seq == expected)
    accept_in_sequence(seq, now_ns);
  else
    request_resend(expected, seq, now_ns);  // 1a: Logon answered first, then the gap
}

void Session::dispatch(const Header& h, MsgType type, std::int64_t now_ns) noexcept {
  const auto seq = static_cast<std::uint64_t>(h.msg_seq_num);
  const std::string_view msg_type = in_.msg_type();
  auto reject = [&](ParseError e) {
    send_reject(seq, msg_type, e, {}, now_ns);
    accept_in_sequence(seq, now_ns);
  };
  switch (type) {
    case MsgType::Heartbeat: {
      Heartbeat hb;
      if (const ParseError e = hb.parse(in_); !e.ok()) return reject(e);
      accept_in_sequence(seq, now_ns);
      return;
    }
    case MsgType::TestRequest: {
      TestRequest tr;
      if (const ParseError e = tr.parse(in_); !e.ok()) return reject(e);
      accept_in_sequence(seq, now_ns);
      send_heartbeat(tr.test_req_id, now_ns);
      return;
    }
    case MsgType::ResendRequest: {
      ResendRequest r;
      if (const ParseError e = r.parse(in_); !e.ok()) return reject(e);
      accept_in_sequence(seq, now_ns);
      on_resend_request(r, now_ns);
      return;
    }
    case MsgType::Reject: {
      Reject r;
      if (const ParseError e = r.parse(in_); !e.ok()) return reject(e);
      ++counters_.rejects_received;
      event(SessionEventType::RejectReceived, static_cast<std::uint64_t>(r.ref_seq_num),
            static_cast<std::uint64_t>(r.session_reject_reason), static_cast<std::uint32_t>(r.ref_tag_id), r.text);
      accept_in_sequence(seq, now_ns);
      return;
    }
    case MsgType::SequenceReset: {  // GapFill (10)
      SequenceReset r;
      if (const ParseError e = r.parse(in_); !e.ok()) return reject(e);
      if (r.new_seq_no <= h.msg_seq_num) {
        // 10d: a GapFill may only move forward.
        send_reject(seq, msg_type, {SessionRejectReason::ValueIncorrect, 36}, "attempt to lower sequence number",
                    now_ns);
        accept_in_sequence(seq, now_ns);
        return;
      }
      const auto new_seq = static_cast<std::uint64_t>(r.new_seq_no);
      event(SessionEventType::TargetSeqAdvanced, seq, new_seq);
      accept_in_sequence(new_seq - 1, now_ns);
      return;
    }
    case MsgType::Logout:
      on_logout(h, now_ns);
      return;
    default:
      break;
  }
  if (!is_defined_msg_type(msg_type)) {
    reject({SessionRejectReason::InvalidMsgType, 35});  // 2q
    return;
  }
  ++counters_.application_received;
  const AppResult r = app_.on_application(in_, type, h, now_ns);
  accept_in_sequence(seq, now_ns);
  if (r.kind == AppResult::Kind::SessionReject) {
    send_reject(seq, msg_type, r.error, r.text, now_ns);
  } else if (r.kind == AppResult::Kind::BusinessReject) {
    send_business_reject(seq, msg_type, r.business, r.text, now_ns);  // 2r
  }
}

void Session::on_sequence_reset(const Header& h, std::int64_t now_ns) noexcept {
  SequenceReset r;
  const auto seq = static_cast<std::uint64_t>(h.msg_seq_num);
  if (const ParseError e = r.parse(in_); !e.ok()) {
    send_reject(seq, in_.msg_type(), e, {}, now_ns);
    return;
  }
  const std::uint64_t expected = store_.next_target_seq();
  const auto new_seq = static_cast<std::uint64_t>(r.new_seq_no);
  if (new_seq > expected) {
    event(SessionEventType::TargetSeqAdvanced, seq, new_seq);  // 11a
    accept_in_sequence(new_seq - 1, now_ns);
  } else if (new_seq < expected) {
    // 11c: never lower the expected number.
    send_reject(seq, in_.msg_type(), {SessionRejectReason::ValueIncorrect, 36}, "attempt to lower sequence number",
                now_ns);
  }
  // 11b: equal is a no-op.
}

void Session::on_logout(const Header& h, std::int64_t now_ns) noexcept {
  accept_in_sequence(static_cast<std::uint64_t>(h.msg_seq_num), now_ns);
  Logout lo;
  (void)lo.parse(in_);  // only Text is read; a Logout is honoured even if odd
  const bool answered = state_ == SessionState::LogoutSent;
  event(SessionEventType::LoggedOut, 0, 0, 0, lo.text);
  if (answered) {
    drop("logout complete", now_ns);  // 13a
  } else {
    logout_and_drop({}, now_ns);  // 13b: answer, then close
  }
}

}  // namespace hft::protocol::fix
