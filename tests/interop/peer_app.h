#pragma once
/// @file
/// quickfix_peer's QuickFIX application: reports every message in and out
/// and every logon/logout as a JSON event, and lets the venue answer
/// orders. C++14 (QuickFIX).

#include <quickfix/Application.h>
#include <quickfix/SessionID.h>

#include "peer_venue.h"

namespace hft {
namespace interop {

/// The peer's one session: the `status` answer and the seq numbers events carry.
struct SessionStatus {
  bool exists{false};
  bool logged_on{false};
  bool enabled{false};
  int next_sender_seq{0};
  int next_target_seq{0};
};
SessionStatus session_status(const FIX::SessionID& id);

class PeerApp : public FIX::Application {
 public:
  PeerApp(const FIX::SessionID& id, Venue& venue) : id_(id), venue_(venue) {}

  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID&) override;
  /// Also called when the connection drops while logged on (no Logout seen).
  void onLogout(const FIX::SessionID&) override;
  void toAdmin(FIX::Message& m, const FIX::SessionID&) override;
  /// Called for a resend too (PossDup=Y), and for a message stored while
  /// logged out: the event's "logged_on" tells which.
  void toApp(FIX::Message& m, const FIX::SessionID&) throw(FIX::DoNotSend) override;
  void fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                     FIX::IncorrectTagValue, FIX::RejectLogon) override;
  void fromApp(const FIX::Message& m, const FIX::SessionID&) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                                   FIX::IncorrectTagValue,
                                                                   FIX::UnsupportedMessageType) override;

 private:
  FIX::SessionID id_;
  Venue& venue_;
};

}  // namespace interop
}  // namespace hft
