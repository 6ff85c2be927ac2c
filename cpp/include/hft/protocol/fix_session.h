#pragma once
/// @file
/// The FIX 4.4 session layer as a state machine over bytes: logon and logout,
/// heartbeats and test requests, sequence numbers, gap detection with
/// ResendRequest, resend with PossDupFlag/OrigSendingTime and GapFill,
/// SequenceReset, duplicate detection and ResetOnLogon, following the
/// session test cases of FIX 4.4 Volume 2.
///
/// It never touches a socket or a clock. The owner feeds it what the
/// connection delivers and the time, and it answers through a
/// SessionTransport (bytes) and a SessionApplication (messages, events):
///
///   session.connected(now);                        // TCP up (initiator sends Logon)
///   MutableByteView room = session.receive_buffer(); n = read(fd, room);
///   session.on_received(n, now);                   // frames, checks, delivers
///   session.on_timer(now);                         // heartbeats, timeouts
///   session.send(now, [&](Encoder& e, std::uint64_t seq, std::int64_t t) {
///     return e.encode_new_order_single(seq, t, order); });
///   session.disconnected(now);                     // TCP gone
///
/// `now` is wall-clock time in ns since the Unix epoch (SendingTime is
/// checked against it). Nothing here allocates or throws after
/// construction.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hft/protocol/fix.h"
#include "hft/protocol/fix_store.h"

namespace hft::protocol::fix {

/// Writable room in a receive buffer.
struct ReceiveSpace {
  std::uint8_t* data{nullptr};
  std::size_t size{0};
};

/// True for every MsgType FIX 4.4 defines (and user-defined "U..." types):
/// an undefined one gets Reject 11, a defined one the application does not
/// handle gets BusinessMessageReject 3.
bool is_defined_msg_type(std::string_view v) noexcept;

/// Which side opened the TCP connection.
enum class SessionRole : std::uint8_t { Initiator, Acceptor };

/// Session settings (from the `fix` section of the configuration).
struct SessionSettings {
  SessionRole role{SessionRole::Initiator};
  std::string sender_comp_id;  ///< our CompID (49 on what we send)
  std::string target_comp_id;  ///< the peer's CompID (56 on what we send)
  /// Initiator: HeartBtInt sent in Logon. Acceptor: used until the
  /// initiator's Logon names its own, which is then adopted. 0 disables.
  std::int32_t heartbeat_interval_s{30};
  /// Both sequence numbers restart at 1 on every logon (141=Y).
  bool reset_on_logon{false};
  /// SendingTime (52) further than this from our clock is rejected and the
  /// session logged out (FIX: "within two minutes"). 0 disables the check.
  std::int64_t max_sending_time_skew_ms{120'000};
  /// How long a Logon may take to arrive (acceptor) or be answered (initiator).
  std::int32_t logon_timeout_s{10};
  /// How long to wait for the peer's Logout after sending ours.
  std::int32_t logout_timeout_s{2};
};

/// Where a session stands.
enum class SessionState : std::uint8_t {
  Disconnected,   ///< no connection
  AwaitingLogon,  ///< acceptor: connected, no Logon yet
  LogonSent,      ///< initiator: Logon sent, no answer yet
  Active,         ///< logged on
  LogoutSent,     ///< our Logout is out; waiting for the peer's
};

/// Name of a state, for logs.
std::string_view to_string(SessionState s) noexcept;

/// What happened, for the owner's log and telemetry.
enum class SessionEventType : std::uint8_t {
  LoggedOn,            ///< the session is active
  LoggedOut,           ///< Logout exchanged (text: the peer's Text, if any)
  Disconnecting,       ///< the session asked for the connection to close (text: why)
  Disconnected,        ///< the owner reported the connection gone
  SequenceReset,       ///< both sequence numbers restarted at 1 (ResetSeqNumFlag or reset_on_logon)
  GapDetected,         ///< MsgSeqNum above expected: ResendRequest sent for [begin, end]
  GapFilled,           ///< every message up to `end` has now arrived
  ResendServed,        ///< the peer's ResendRequest for [begin, end] was answered
  TargetSeqAdvanced,   ///< SequenceReset moved the expected MsgSeqNum to `end`
  DuplicateIgnored,    ///< a PossDup message already processed (`begin` = its MsgSeqNum)
  Garbled,             ///< bytes that are not a valid message were skipped (`begin` = count)
  RejectSent,          ///< session Reject: `begin` = RefSeqNum, `end` = reason, `tag`
  RejectReceived,      ///< session Reject from the peer: `begin` = RefSeqNum, `end` = reason
  BusinessRejectSent,  ///< BusinessMessageReject: `begin` = RefSeqNum, `end` = reason
  TestRequestSent,     ///< nothing heard for a heartbeat interval and a bit
  HeartbeatTimeout,    ///< no answer to our TestRequest
  LogonTimeout,        ///< no Logon in time
};

/// Name of an event type, for logs.
std::string_view to_string(SessionEventType t) noexcept;

/// One event. Views are valid during the callback only.
struct SessionEvent {
  SessionEventType type{SessionEventType::LoggedOn};
  std::uint64_t begin{0};
  std::uint64_t end{0};
  std::uint32_t tag{0};
  std::string_view text;
};

/// How the application took an in-sequence message.
struct AppResult {
  enum class Kind : std::uint8_t { Accepted, SessionReject, BusinessReject };
  Kind kind{Kind::Accepted};
  ParseError error{};  ///< SessionReject: reason and tag
  BusinessRejectReason business{BusinessRejectReason::Other};
  std::string_view text;  ///< optional Text (58) for either reject

  static AppResult accepted() noexcept { return {}; }
  /// The message broke the rules of its type (a required tag missing, a bad
  /// value): the session sends Reject with this reason and tag.
  static AppResult reject(ParseError e, std::string_view text = {}) noexcept {
    return {Kind::SessionReject, e, BusinessRejectReason::Other, text};
  }
  /// Well formed but cannot be processed: BusinessMessageReject.
  static AppResult business_reject(BusinessRejectReason r, std::string_view text = {}) noexcept {
    return {Kind::BusinessReject, {}, r, text};
  }
};

/// Where the session's bytes go: the connection. Called from inside
/// Session methods.
class SessionTransport {
 public:
  virtual ~SessionTransport() = default;
  /// Whole messages, in order, for the connection. The owner must send them
  /// all or drop the connection: a lost message is a sequence gap.
  virtual void send_bytes(ByteView bytes) noexcept = 0;
  /// The session is done with this connection (Logout, a fatal error, a
  /// timeout): close it. The session is Disconnected already.
  virtual void close_connection() noexcept = 0;
};

/// Where the session's messages and events go: the application. Called from
/// inside Session methods; the application may call Session::send from here.
class SessionApplication {
 public:
  virtual ~SessionApplication() = default;
  /// An application message, in sequence (PossDup ones included: the header
  /// says so). The default answers BusinessMessageReject "unsupported".
  virtual AppResult on_application(const MessageView& message, MsgType type, const Header& header,
                                   std::int64_t now_ns) noexcept;
  virtual void on_event(const SessionEvent& event) noexcept;
};

/// Outcome of Session::send.
enum class SendStatus : std::uint8_t {
  Sent,          ///< stored and handed to the connection
  Queued,        ///< not logged on: stored, reaches the peer by resend after logon
  NotLoggedOn,   ///< not logged on and queueing not asked for: nothing stored, no number used
  EncodeFailed,  ///< the builder returned an empty view: nothing stored, no number used
};

/// Counters, for telemetry.
struct SessionCounters {
  std::uint64_t messages_received{0};
  std::uint64_t messages_sent{0};
  std::uint64_t application_received{0};
  std::uint64_t application_sent{0};
  std::uint64_t garbled{0};
  std::uint64_t duplicates_ignored{0};
  std::uint64_t rejects_sent{0};
  std::uint64_t rejects_received{0};
  std::uint64_t business_rejects_sent{0};
  std::uint64_t resend_requests_sent{0};
  std::uint64_t resend_requests_received{0};
  std::uint64_t messages_resent{0};
  std::uint64_t gap_fills_sent{0};
  std::uint64_t heartbeats_sent{0};
  std::uint64_t test_requests_sent{0};
  std::uint64_t too_high_dropped{0};  ///< above expected, dropped to arrive again by resend
  std::uint64_t logons{0};
};

/// One FIX 4.4 session (one pair of comp IDs) over successive connections.
class Session {
 public:
  /// Receive buffer: room for several maximum-size messages.
  static constexpr std::size_t kReceiveBufferSize = 4 * kMaxMessageSize;

  /// `store` keeps the sequence numbers and sent messages; it must outlive
  /// the session, as must `transport` and `application`.
  Session(SessionSettings settings, SessionStore& store, SessionTransport& transport, SessionApplication& application);

  // ---- connection ----------------------------------------------------------
  /// A connection is up: an initiator sends Logon (resetting first with
  /// reset_on_logon); an acceptor waits for one.
  void connected(std::int64_t now_ns) noexcept;
  /// The connection is gone (any reason). Idempotent.
  void disconnected(std::int64_t now_ns) noexcept;
  /// Where the owner puts received bytes before on_received().
  ReceiveSpace receive_buffer() noexcept { return {rx_.data() + rx_len_, rx_.size() - rx_len_}; }
  /// `n` bytes were written into receive_buffer(): frame and process every
  /// complete message, keep a partial one for the next call.
  void on_received(std::size_t n, std::int64_t now_ns) noexcept;
  /// Heartbeats, test requests, timeouts, store flushes; call every few ms.
  void on_timer(std::int64_t now_ns) noexcept;

  // ---- application ---------------------------------------------------------
  /// Sends an application message: `build(Encoder&, seq, now)` encodes it
  /// with the given MsgSeqNum and SendingTime and returns the bytes (an
  /// Encoder::finish() or encode_* result). The message is stored before it
  /// is sent. When not logged on it is refused, or with `queue_if_offline`
  /// stored and numbered so the peer gets it by resend after the next logon
  /// (what a venue does with fills for a disconnected client).
  template <typename Build>
  SendStatus send(std::int64_t now_ns, Build&& build, bool queue_if_offline = false) noexcept {
    const bool live = state_ == SessionState::Active;
    if (!live && !queue_if_offline) return SendStatus::NotLoggedOn;
    const std::uint64_t seq = store_.next_sender_seq();
    const ByteView bytes = build(encoder_, seq, now_ns);
    if (bytes.size == 0) return SendStatus::EncodeFailed;
    return commit_application(seq, bytes, live, now_ns);
  }
  /// Starts a Logout (reason in Text); the connection closes when the peer
  /// answers or after logout_timeout_s.
  void logout(std::string_view text, std::int64_t now_ns) noexcept;

  // ---- state ---------------------------------------------------------------
  SessionState state() const noexcept { return state_; }
  bool logged_on() const noexcept { return state_ == SessionState::Active; }
  std::uint64_t next_sender_seq() const noexcept { return store_.next_sender_seq(); }
  std::uint64_t next_target_seq() const noexcept { return store_.next_target_seq(); }
  /// HeartBtInt in force (the initiator's, once an acceptor has its Logon).
  std::int32_t heartbeat_interval_s() const noexcept { return heartbeat_s_; }
  /// True while a ResendRequest we sent is not yet satisfied.
  bool awaiting_resend() const noexcept { return resend_until_ != 0; }
  const SessionCounters& counters() const noexcept { return counters_; }
  const SessionSettings& settings() const noexcept { return settings_; }
  SessionStore& store() noexcept { return store_; }

 private:
  SendStatus commit_application(std::uint64_t seq, ByteView bytes, bool live, std::int64_t now_ns) noexcept;
  void process(const std::uint8_t* data, std::size_t size, std::int64_t now_ns) noexcept;
  void process_unparsable(const std::uint8_t* data, std::size_t size, ParseError error, std::int64_t now_ns) noexcept;
  void process_logon(const Header& h, std::int64_t now_ns) noexcept;
  bool check_header(const Header& h, MsgType type, std::int64_t now_ns) noexcept;
  bool check_sequence(const Header& h, MsgType type, std::int64_t now_ns) noexcept;
  void dispatch(const Header& h, MsgType type, std::int64_t now_ns) noexcept;
  void on_sequence_reset(const Header& h, std::int64_t now_ns) noexcept;
  void on_resend_request(const ResendRequest& r, std::int64_t now_ns) noexcept;
  void on_logout(const Header& h, std::int64_t now_ns) noexcept;
  void accept_in_sequence(std::uint64_t seq, std::int64_t now_ns) noexcept;
  void request_resend(std::uint64_t from, std::uint64_t seen, std::int64_t now_ns) noexcept;

  // Outgoing admin messages. Each takes the next MsgSeqNum, is not stored
  // (a resend answers it with a GapFill) and goes straight out.
  void begin_admin(MsgType type, std::int64_t now_ns) noexcept;
  void finish_admin(std::int64_t now_ns) noexcept;
  void send_logon(bool reset, std::int64_t now_ns) noexcept;
  void send_heartbeat(std::string_view test_req_id, std::int64_t now_ns) noexcept;
  void send_test_request(std::int64_t now_ns) noexcept;
  void send_resend_request(std::uint64_t begin, std::uint64_t end, std::int64_t now_ns) noexcept;
  void send_reject(std::uint64_t ref_seq, std::string_view ref_msg_type, ParseError error, std::string_view text,
                   std::int64_t now_ns) noexcept;
  void send_business_reject(std::uint64_t ref_seq, std::string_view ref_msg_type, BusinessRejectReason reason,
                            std::string_view text, std::int64_t now_ns) noexcept;
  void send_logout(std::string_view text, std::int64_t now_ns) noexcept;
  void send_gap_fill(std::uint64_t seq, std::uint64_t new_seq, std::int64_t now_ns) noexcept;
  bool resend_stored(std::uint64_t seq, ByteView stored, std::int64_t now_ns) noexcept;
  void write(ByteView bytes, std::int64_t now_ns) noexcept;

  /// Ends the connection from our side: Disconnected, event, handler told.
  void drop(std::string_view why, std::int64_t now_ns) noexcept;
  /// Logout with `why`, then drop.
  void logout_and_drop(std::string_view why, std::int64_t now_ns) noexcept;
  void event(SessionEventType type, std::uint64_t begin = 0, std::uint64_t end = 0, std::uint32_t tag = 0,
             std::string_view text = {}) noexcept;

  SessionSettings settings_;
  SessionStore& store_;
  SessionTransport& transport_;
  SessionApplication& app_;
  Encoder encoder_;
  MessageView in_;      // the message being processed
  MessageView stored_;  // a stored message being resent

  SessionState state_{SessionState::Disconnected};
  std::int32_t heartbeat_s_{30};
  std::int64_t last_sent_ns_{0};
  std::int64_t last_received_ns_{0};
  std::int64_t deadline_ns_{0};  // logon or logout timeout
  std::int64_t test_request_sent_ns_{0};
  std::uint64_t test_request_counter_{0};
  std::uint64_t resend_until_{0};  // highest MsgSeqNum seen above a gap; 0 = no gap open
  std::int64_t resend_sent_ns_{0};
  bool logout_after_resend_{false};
  SessionCounters counters_{};

  std::array<std::uint8_t, kReceiveBufferSize> rx_{};
  std::size_t rx_len_{0};
  std::array<char, 32> test_req_id_{};
  std::size_t test_req_id_len_{0};
};

}  // namespace hft::protocol::fix
