// quickfix_peer: QuickFIX (the reference FIX 4.4 engine) as a scriptable
// counterparty that tests start as a child process on loopback. Commands on
// stdin, one JSON event per line on stdout; the protocol is documented in
// tests/interop/README.md.
//
// One thread: QuickFIX runs in poll mode between reads of stdin, so a
// command never races a callback and `disconnect` is exactly "close the
// socket now" with nothing sent after it.
#include <dirent.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>

#include <netinet/in.h>
#include <quickfix/FileLog.h>
#include <quickfix/FileStore.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketAcceptor.h>
#include <quickfix/SocketInitiator.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "peer_app.h"
#include "peer_commands.h"
#include "peer_events.h"
#include "peer_venue.h"

namespace {

using hft::interop::JsonEvent;

const char kUsage[] =
    "usage: quickfix_peer --mode acceptor|initiator --port P --sender-comp-id S --target-comp-id T\n"
    "                     --store DIR [--reset-on-logon] [--heartbeat N] [--dictionary PATH] [--host H]\n"
    "  acceptor: listens on P (0 = any free port; the ready event names it)\n"
    "  initiator: connects to H:P (H defaults to 127.0.0.1), reconnecting every second\n"
    "  --store: QuickFIX's FileStore (DIR/store) and FileLog (DIR/log)\n"
    "  --dictionary: validate incoming messages against this QuickFIX data dictionary\n";

struct Options {
  std::string mode;
  long port{-1};
  std::string sender;
  std::string target;
  std::string store;
  bool reset_on_logon{false};
  long heartbeat{30};
  std::string dictionary;
  std::string host{"127.0.0.1"};
};

bool parse(int argc, char** argv, Options& o, std::string& err) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        err = a + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--mode") {
      if (!value(o.mode)) return false;
    } else if (a == "--port") {
      if (!value(v)) return false;
      o.port = std::strtol(v.c_str(), nullptr, 10);
    } else if (a == "--sender-comp-id") {
      if (!value(o.sender)) return false;
    } else if (a == "--target-comp-id") {
      if (!value(o.target)) return false;
    } else if (a == "--store") {
      if (!value(o.store)) return false;
    } else if (a == "--reset-on-logon") {
      o.reset_on_logon = true;
    } else if (a == "--heartbeat") {
      if (!value(v)) return false;
      o.heartbeat = std::strtol(v.c_str(), nullptr, 10);
    } else if (a == "--dictionary") {
      if (!value(o.dictionary)) return false;
    } else if (a == "--host") {
      if (!value(o.host)) return false;
    } else {
      err = "unknown argument " + a;
      return false;
    }
  }
  if (o.mode != "acceptor" && o.mode != "initiator")
    err = "--mode must be acceptor or initiator";
  else if (o.port < (o.mode == "acceptor" ? 0 : 1) || o.port > 65535)
    err = "--port is missing or out of range";
  else if (o.sender.empty() || o.target.empty())
    err = "--sender-comp-id and --target-comp-id are required";
  else if (o.store.empty())
    err = "--store is required";
  else if (o.heartbeat < 1)
    err = "--heartbeat must be at least 1 second";
  else if (!o.dictionary.empty() && ::access(o.dictionary.c_str(), R_OK) != 0)
    err = "cannot read " + o.dictionary;
  return err.empty();
}

// QuickFIX's own settings format. ReconnectInterval=1 keeps a test's wait
// for a reconnect short; the latency check stays at QuickFIX's default
// (SendingTime within 120 s) so a counterparty's clock is checked as a
// venue would.
std::string settings_text(const Options& o) {
  std::ostringstream s;
  const bool dict = !o.dictionary.empty();
  s << "[DEFAULT]\n"
    << "ConnectionType=" << o.mode << "\n"
    << "FileStorePath=" << o.store << "/store\n"
    << "FileLogPath=" << o.store << "/log\n"
    << "StartTime=00:00:00\nEndTime=00:00:00\n"
    << "ResetOnLogon=" << (o.reset_on_logon ? "Y" : "N") << "\n"
    << "ResetOnLogout=N\nResetOnDisconnect=N\nPersistMessages=Y\n"
    << "CheckLatency=Y\nMaxLatency=120\nLogonTimeout=10\nLogoutTimeout=2\n"
    << "SocketNodelay=Y\n"
    << "UseDataDictionary=" << (dict ? "Y" : "N") << "\n";
  if (dict) {
    s << "DataDictionary=" << o.dictionary << "\n"
      << "ValidateFieldsOutOfOrder=Y\nValidateFieldsHaveValues=Y\nValidateUserDefinedFields=Y\n";
  }
  if (o.mode == "acceptor") {
    s << "SocketAcceptPort=" << o.port << "\n";
  } else {
    s << "SocketConnectHost=" << o.host << "\nSocketConnectPort=" << o.port << "\n"
      << "HeartBtInt=" << o.heartbeat << "\nReconnectInterval=1\n";
  }
  s << "\n[SESSION]\nBeginString=FIX.4.4\nSenderCompID=" << o.sender << "\nTargetCompID=" << o.target << "\n";
  return s.str();
}

void make_dirs(const std::string& path) {
  for (std::size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') ::mkdir(path.substr(0, i).c_str(), 0755);
  }
}

// The port the acceptor listens on: QuickFIX does not say, so find this
// process's listening TCP socket (it has exactly one).
int listening_port() {
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  int port = -1;
  while (const dirent* e = ::readdir(d)) {
    const int fd = std::atoi(e->d_name);
    if (fd <= 2 || fd == ::dirfd(d)) continue;
    int listening = 0;
    socklen_t len = sizeof listening;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || listening == 0) continue;
    sockaddr_in addr{};
    socklen_t alen = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &alen) == 0 && addr.sin_family == AF_INET) {
      port = ntohs(addr.sin_port);
      break;
    }
  }
  ::closedir(d);
  return port;
}

// SocketAcceptor and SocketInitiator share poll/stop but no base class.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual void poll() = 0;
  virtual void stop() = 0;
};

template <typename T>
class EngineOf : public Engine {
 public:
  EngineOf(FIX::Application& app, FIX::MessageStoreFactory& store, const FIX::SessionSettings& settings,
           FIX::LogFactory& log)
      : impl_(app, store, settings, log) {}
  void poll() override { impl_.poll(0.0); }  // zero timeout: the caller waits on stdin instead
  void stop() override { impl_.stop(true); }

 private:
  T impl_;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int fail(const std::string& what, int code) {
  std::fprintf(stderr, "quickfix_peer: %s\n", what.c_str());
  JsonEvent("error").str("message", what).emit();
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // A counterparty that vanished must not kill the peer through a socket
  // write, nor a test that stopped reading through stdout.
  std::signal(SIGPIPE, SIG_IGN);
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::printf("%s\n%s", kUsage, hft::interop::peer_command_help());
      return 0;
    }
  }
  Options o;
  std::string err;
  if (!parse(argc, argv, o, err)) {
    std::fprintf(stderr, "%s", kUsage);
    return fail(err, 2);
  }
  make_dirs(o.store);

  const FIX::SessionID id("FIX.4.4", o.sender, o.target);
  hft::interop::Venue venue(o.sender);
  hft::interop::PeerApp app(id, venue);
  hft::interop::PeerCommands commands(id, venue);
  std::unique_ptr<FIX::SessionSettings> settings;
  std::unique_ptr<FIX::FileStoreFactory> store;
  std::unique_ptr<FIX::FileLogFactory> log;
  std::unique_ptr<Engine> engine;
  try {
    std::istringstream text(settings_text(o));
    settings.reset(new FIX::SessionSettings(text));
    store.reset(new FIX::FileStoreFactory(*settings));
    log.reset(new FIX::FileLogFactory(*settings));
    if (o.mode == "acceptor")
      engine.reset(new EngineOf<FIX::SocketAcceptor>(app, *store, *settings, *log));
    else
      engine.reset(new EngineOf<FIX::SocketInitiator>(app, *store, *settings, *log));
    engine->poll();  // the first poll creates the session and binds or connects
  } catch (const std::exception& e) {
    return fail(std::string("QuickFIX did not start: ") + e.what(), 3);
  }
  const int port = o.mode == "acceptor" ? listening_port() : static_cast<int>(o.port);
  if (port < 0) return fail("the acceptor is not listening", 3);
  JsonEvent("ready")
      .str("mode", o.mode)
      .num("port", port)
      .str("sender_comp_id", o.sender)
      .str("target_comp_id", o.target)
      .emit();

  std::string pending;
  bool running = true;
  try {
    while (running) {
      engine->poll();
      pollfd in{STDIN_FILENO, POLLIN, 0};
      if (::poll(&in, 1, 1) <= 0) continue;  // 1 ms: QuickFIX's sockets are polled between waits
      char buf[4096];
      const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // EOF: the test is gone or done; leave as for quit
      pending.append(buf, static_cast<std::size_t>(n));
      for (std::size_t eol; running && (eol = pending.find('\n')) != std::string::npos;) {
        const std::string line = pending.substr(0, eol);
        pending.erase(0, eol + 1);
        running = commands.run(line);
      }
    }
    // Leave politely: Logout, wait (bounded) for the answer, then stop.
    FIX::Session* s = FIX::Session::lookupSession(id);
    if (s != nullptr && s->isLoggedOn()) {
      s->logout("quickfix_peer quit");
      const auto start = std::chrono::steady_clock::now();
      while (s->isLoggedOn() && seconds_since(start) < 5.0) {
        engine->poll();
        ::usleep(1000);
      }
    }
    engine->stop();
  } catch (const std::exception& e) {
    return fail(std::string("QuickFIX failed: ") + e.what(), 3);
  }
  JsonEvent("exit").emit();
  return 0;
}
