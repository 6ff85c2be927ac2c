#include "peer_app.h"

#include <quickfix/Session.h>

#include "peer_events.h"

namespace hft {
namespace interop {
namespace {

void emit_with_seqs(const std::string& event, const FIX::SessionID& id) {
  const SessionStatus s = session_status(id);
  JsonEvent(event).num("next_sender_seq", s.next_sender_seq).num("next_target_seq", s.next_target_seq).emit();
}

}  // namespace

SessionStatus session_status(const FIX::SessionID& id) {
  SessionStatus s;
  FIX::Session* session = FIX::Session::lookupSession(id);
  if (session == nullptr) return s;
  s.exists = true;
  s.logged_on = session->isLoggedOn();
  s.enabled = session->isEnabled();
  s.next_sender_seq = session->getExpectedSenderNum();
  s.next_target_seq = session->getExpectedTargetNum();
  return s;
}

void PeerApp::onLogon(const FIX::SessionID& id) { emit_with_seqs("logon", id); }

void PeerApp::onLogout(const FIX::SessionID& id) { emit_with_seqs("logout", id); }

void PeerApp::toAdmin(FIX::Message& m, const FIX::SessionID&) { JsonEvent("admin_out").message(m).emit(); }

void PeerApp::toApp(FIX::Message& m, const FIX::SessionID& id) throw(FIX::DoNotSend) {
  JsonEvent("app_out").message(m).boolean("logged_on", session_status(id).logged_on).emit();
}

void PeerApp::fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(FIX::FieldNotFound,
                                                                            FIX::IncorrectDataFormat,
                                                                            FIX::IncorrectTagValue, FIX::RejectLogon) {
  JsonEvent("admin_in").message(m).emit();
}

void PeerApp::fromApp(const FIX::Message& m,
                      const FIX::SessionID& id) throw(FIX::FieldNotFound, FIX::IncorrectDataFormat,
                                                      FIX::IncorrectTagValue, FIX::UnsupportedMessageType) {
  JsonEvent("app_in").message(m).emit();
  for (FIX::Message& reply : venue_.on_message(m)) {
    try {
      FIX::Session::sendToTarget(reply, id);
    } catch (const FIX::Exception& e) {
      JsonEvent("error").str("message", std::string("venue reply not sent: ") + e.what()).emit();
    }
  }
}

}  // namespace interop
}  // namespace hft
