#include "peer_process.h"

#include <stdexcept>

namespace hft::interop {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> peer_argv(const PeerConfig& c) {
  if (c.store_dir.empty()) throw std::invalid_argument("PeerConfig.store_dir is required");
  std::vector<std::string> a = {kQuickfixPeerPath,          "--mode",           c.mode,           "--port",
                                std::to_string(c.port),     "--sender-comp-id", c.sender_comp_id, "--target-comp-id",
                                c.target_comp_id,           "--store",          c.store_dir,      "--heartbeat",
                                std::to_string(c.heartbeat)};
  if (c.reset_on_logon) a.push_back("--reset-on-logon");
  if (!c.dictionary.empty()) {
    a.push_back("--dictionary");
    a.push_back(c.dictionary);
  }
  return a;
}

}  // namespace

PeerProcess::Predicate is_event(const std::string& name) {
  return [name](const PeerProcess::Event& e) { return e.value("event", "") == name; };
}

PeerProcess::Predicate is_message(const std::string& event, const std::string& msg_type) {
  return [event, msg_type](const PeerProcess::Event& e) {
    return e.value("event", "") == event && e.value("msg_type", "") == msg_type;
  };
}

PeerProcess::PeerProcess(const PeerConfig& config)
    : name_(config.mode + " " + config.sender_comp_id), child_(peer_argv(config)) {
  const Event ready = wait_for([](const Event& e) { return e.value("event", "") == "ready"; });
  port_ = ready.at("port").get<int>();
}

PeerProcess::~PeerProcess() = default;  // ChildProcess kills a peer still running

bool PeerProcess::read_one(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  const std::optional<std::string> line = child_.read_line(left.count() > 0 ? left : std::chrono::milliseconds(0));
  if (!line) return false;
  Event e = Event::parse(*line, nullptr, false);
  if (e.is_discarded()) e = Event{{"event", "unparsed"}, {"line", *line}};
  // A peer that cannot start says why in an error event, then exits.
  if (e.value("event", "") == "error" && port_ < 0) {
    throw std::runtime_error("quickfix_peer (" + name_ + ") did not start: " + e.value("message", *line));
  }
  events_.push_back(std::move(e));
  returned_.push_back(false);
  return true;
}

void PeerProcess::pump(std::chrono::milliseconds timeout) {
  if (!read_one(Clock::now() + timeout)) return;
  while (read_one(Clock::now())) {
  }
}

std::size_t PeerProcess::mark() {
  pump(std::chrono::milliseconds(0));
  return events_.size();
}

std::string PeerProcess::recent() const {
  std::string s;
  const std::size_t from = events_.size() > 25 ? events_.size() - 25 : 0;
  for (std::size_t i = from; i < events_.size(); ++i) s += "\n  [" + std::to_string(i) + "] " + events_[i].dump();
  return s.empty() ? " (none)" : s;
}

PeerProcess::Event PeerProcess::wait_for(const Predicate& match, std::chrono::milliseconds timeout, std::size_t since) {
  const auto deadline = Clock::now() + timeout;
  std::size_t i = since;
  for (;;) {
    for (; i < events_.size(); ++i) {
      if (!returned_[i] && match(events_[i])) {
        returned_[i] = true;
        return events_[i];
      }
    }
    if (!read_one(deadline)) {
      const std::string why = child_.eof() ? "exited" : "timed out";
      throw std::runtime_error("quickfix_peer (" + name_ + "): " + why +
                               " waiting for an event; the last ones:" + recent());
    }
  }
}

PeerProcess::Event PeerProcess::wait_for_event(const std::string& name, std::chrono::milliseconds timeout) {
  return wait_for(is_event(name), timeout);
}

void PeerProcess::send(const std::string& line) {
  if (!child_.write(line + "\n")) throw std::runtime_error("quickfix_peer (" + name_ + ") closed its stdin");
}

PeerProcess::Event PeerProcess::command(const std::string& line, std::chrono::milliseconds timeout) {
  const std::string word = line.substr(0, line.find(' '));
  const std::size_t start = events_.size();
  send(line);
  // The answer is the first ok/status/error after the send; the events the
  // command caused come before it and stay unreturned for later waits.
  const Event answer = wait_for(
      [&word](const Event& e) {
        const std::string ev = e.value("event", "");
        return ((ev == "ok" || ev == "error") && e.value("command", "") == word) ||
               (word == "status" && ev == "status");
      },
      timeout, start);
  if (answer.value("event", "") == "error") {
    throw std::runtime_error("quickfix_peer (" + name_ + ") refused '" + line + "': " + answer.value("message", ""));
  }
  return answer;
}

PeerProcess::Event PeerProcess::status() { return command("status"); }

std::vector<PeerProcess::Event> PeerProcess::find_all(const Predicate& match) const {
  std::vector<Event> out;
  for (const Event& e : events_) {
    if (match(e)) out.push_back(e);
  }
  return out;
}

int PeerProcess::quit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  send("quit");
  wait_for_event("exit", timeout);
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  const std::optional<int> code = child_.wait(left.count() > 0 ? left : std::chrono::milliseconds(0));
  if (!code) throw std::runtime_error("quickfix_peer (" + name_ + ") did not exit after quit");
  return *code;
}

}  // namespace hft::interop
