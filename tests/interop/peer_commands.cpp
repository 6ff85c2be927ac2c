#include "peer_commands.h"

#include <cstdlib>
#include <sstream>
#include <vector>

#include <quickfix/Session.h>
#include <quickfix/fix44/NewOrderSingle.h>
#include <quickfix/fix44/OrderCancelReplaceRequest.h>
#include <quickfix/fix44/OrderCancelRequest.h>

#include "peer_app.h"
#include "peer_events.h"

namespace hft {
namespace interop {
namespace {

const char kHelp[] =
    "commands (one per line on stdin):\n"
    "  order <clordid> <symbol> <side 1|2> <qty> <price>    send a limit NewOrderSingle (Day)\n"
    "  cancel <origclordid> <clordid> <symbol> <side> <qty> send an OrderCancelRequest\n"
    "  replace <origclordid> <clordid> <symbol> <side> <qty> <price>\n"
    "                                                       send an OrderCancelReplaceRequest\n"
    "  fill <clordid> [qty [price]]                         venue: fill an open order (default: all, at its price)\n"
    "  autofill on|off                                      venue: fill new orders at once (default on)\n"
    "  status                                               answer with the session's state\n"
    "  disconnect                                           drop TCP without Logout; stay down until connect\n"
    "  connect                                              allow logon again (initiator reconnects within 1 s)\n"
    "  logout [text]                                        send Logout; stay down until connect\n"
    "  seq sender|target <n>                                set the next sender or target MsgSeqNum\n"
    "  quit                                                 log out if logged on, then exit (so does EOF)\n";

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

void error(const std::string& command, const std::string& message) {
  JsonEvent("error").str("command", command).str("message", message).emit();
}

template <typename Field>
Field text_field(const std::string& value) {
  Field f;
  f.setString(value);
  return f;
}

FIX::TransactTime now_ms() { return FIX::TransactTime(FIX::UtcTimeStamp(), 3); }

// Sends through QuickFIX's normal path: stored under the next MsgSeqNum and
// sent when logged on, so it is resent on a ResendRequest later.
bool send(FIX::Message& m, const FIX::SessionID& id) { return FIX::Session::sendToTarget(m, id); }

}  // namespace

const char* peer_command_help() { return kHelp; }

bool PeerCommands::run(const std::string& line) {
  const std::vector<std::string> w = words(line);
  if (w.empty()) return true;
  const std::string& cmd = w[0];
  const std::size_t n = w.size() - 1;  // arguments
  JsonEvent ok("ok");
  ok.str("command", cmd);
  if (cmd == "quit") return false;
  try {
    FIX::Session* session = FIX::Session::lookupSession(id_);
    if (session == nullptr) {
      error(cmd, "the session does not exist yet");
      return true;
    }
    if (cmd == "order" && n == 5) {
      FIX44::NewOrderSingle m{FIX::ClOrdID(w[1]), FIX::Side(w[3][0]), now_ms(), FIX::OrdType(FIX::OrdType_LIMIT)};
      m.set(FIX::HandlInst('1'));
      m.set(FIX::Symbol(w[2]));
      m.set(text_field<FIX::OrderQty>(w[4]));
      m.set(text_field<FIX::Price>(w[5]));
      m.set(FIX::TimeInForce(FIX::TimeInForce_DAY));
      ok.boolean("accepted", send(m, id_));
    } else if (cmd == "cancel" && n == 5) {
      FIX44::OrderCancelRequest m{FIX::OrigClOrdID(w[1]), FIX::ClOrdID(w[2]), FIX::Side(w[4][0]), now_ms()};
      m.set(FIX::Symbol(w[3]));
      m.set(text_field<FIX::OrderQty>(w[5]));
      ok.boolean("accepted", send(m, id_));
    } else if (cmd == "replace" && n == 6) {
      FIX44::OrderCancelReplaceRequest m{FIX::OrigClOrdID(w[1]), FIX::ClOrdID(w[2]), FIX::Side(w[4][0]), now_ms(),
                                         FIX::OrdType(FIX::OrdType_LIMIT)};
      m.set(FIX::Symbol(w[3]));
      m.set(text_field<FIX::OrderQty>(w[5]));
      m.set(text_field<FIX::Price>(w[6]));
      m.set(FIX::TimeInForce(FIX::TimeInForce_DAY));
      ok.boolean("accepted", send(m, id_));
    } else if (cmd == "fill" && n >= 1 && n <= 3) {
      std::vector<FIX::Message> out;
      std::string why;
      const double qty = n >= 2 ? std::atof(w[2].c_str()) : 0.0;
      if (!venue_.fill(w[1], qty, n == 3 ? w[3] : std::string(), out, why)) {
        error(cmd, why);
        return true;
      }
      bool accepted = true;
      for (FIX::Message& m : out) accepted = send(m, id_) && accepted;
      ok.boolean("accepted", accepted);
    } else if (cmd == "autofill" && n == 1 && (w[1] == "on" || w[1] == "off")) {
      venue_.set_auto_fill(w[1] == "on");
    } else if (cmd == "status" && n == 0) {
      const SessionStatus s = session_status(id_);
      JsonEvent("status")
          .boolean("logged_on", s.logged_on)
          .boolean("enabled", s.enabled)
          .num("next_sender_seq", s.next_sender_seq)
          .num("next_target_seq", s.next_target_seq)
          .emit();
      return true;
    } else if (cmd == "disconnect" && n == 0) {
      // logout() only disables the session (the Logout itself would go out
      // on the next timer tick); disconnect() right after closes the socket
      // first, so no Logout is sent, and the disabled session neither
      // reconnects (initiator) nor accepts a Logon (acceptor) until `connect`.
      session->logout();
      session->disconnect();
    } else if (cmd == "connect" && n == 0) {
      session->logon();
    } else if (cmd == "logout") {
      session->logout(line.size() > 7 ? line.substr(line.find("logout") + 7) : std::string());
    } else if (cmd == "seq" && n == 2 && (w[1] == "sender" || w[1] == "target")) {
      const int v = std::atoi(w[2].c_str());
      if (v < 1) {
        error(cmd, "sequence numbers start at 1");
        return true;
      }
      if (w[1] == "sender")
        session->setNextSenderMsgSeqNum(v);
      else
        session->setNextTargetMsgSeqNum(v);
    } else {
      error(cmd, "unknown command or wrong arguments; see quickfix_peer --help");
      return true;
    }
  } catch (const FIX::Exception& e) {
    error(cmd, e.what());
    return true;
  }
  ok.emit();
  return true;
}

}  // namespace interop
}  // namespace hft
