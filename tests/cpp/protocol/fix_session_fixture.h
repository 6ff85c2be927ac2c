#pragma once
// A scripted counterparty for Session tests: it writes raw FIX messages with
// whatever header a case needs (wrong CompIDs, PossDup, bad times), feeds
// them to the session under test and reads back what the session sent.

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "hft/protocol/fix.h"
#include "hft/protocol/fix_session.h"
#include "hft/protocol/fix_store.h"

namespace hft::protocol::fix::testing {

/// 2026-11-25 12:00:00 UTC.
inline constexpr std::int64_t kT0 = 1'795'608'000'000'000'000;
inline constexpr std::int64_t kSecond = 1'000'000'000;

/// "YYYYMMDD-HH:MM:SS.sss" of `ns`.
inline std::string utc(std::int64_t ns) {
  const std::time_t secs = static_cast<std::time_t>(ns / kSecond);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d-%02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>((ns % kSecond) / 1'000'000));
  return buf;
}

using Fields = std::vector<std::pair<int, std::string>>;

/// `msg` (everything before CheckSum) with "10=NNN<SOH>" appended.
inline std::string with_checksum(const std::string& msg) {
  unsigned sum = 0;
  for (char c : msg) sum += static_cast<unsigned char>(c);
  char trailer[16];
  std::snprintf(trailer, sizeof trailer, "10=%03u\x01", sum % 256);
  return msg + trailer;
}

/// A whole message: 8, 9 (computed), 35, `fields` in the given order, 10.
inline std::string raw_message(const std::string& type, const Fields& fields,
                               const std::string& begin_string = "FIX.4.4") {
  std::string body = "35=" + type + '\x01';
  for (const auto& [tag, value] : fields) body += std::to_string(tag) + '=' + value + '\x01';
  return with_checksum("8=" + begin_string + '\x01' + "9=" + std::to_string(body.size()) + '\x01' + body);
}

/// One message the session sent, as tag -> value (first occurrence).
struct Sent {
  std::string type;
  std::map<int, std::string> f;
  std::string raw;
  std::uint64_t seq() const { return std::stoull(f.at(34)); }
  bool has(int tag) const { return f.count(tag) != 0; }
  const std::string& at(int tag) const { return f.at(tag); }
};

inline Sent decode(const std::string& raw) {
  Sent s;
  s.raw = raw;
  std::size_t at = 0;
  while (at < raw.size()) {
    const std::size_t eq = raw.find('=', at);
    const std::size_t soh = raw.find('\x01', eq);
    const int tag = std::stoi(raw.substr(at, eq - at));
    s.f.emplace(tag, raw.substr(eq + 1, soh - eq - 1));
    at = soh + 1;
  }
  s.type = s.f.at(35);
  return s;
}

/// Records everything the session hands out.
class Recorder : public SessionTransport, public SessionApplication {
 public:
  void send_bytes(ByteView b) noexcept override {
    // Each call is one whole message: check that, then keep it.
    const FrameResult f = find_message(b.data, b.size);
    EXPECT_EQ(f.status, FrameStatus::Complete);
    EXPECT_EQ(f.length, b.size);
    sent.push_back(decode(std::string(reinterpret_cast<const char*>(b.data), b.size)));
  }
  void close_connection() noexcept override { ++closes; }
  AppResult on_application(const MessageView& m, MsgType type, const Header& h, std::int64_t now) noexcept override {
    app.push_back({std::string(m.msg_type()), h.msg_seq_num, h.poss_dup});
    if (handler) return handler(m, type, h, now);
    return AppResult::accepted();
  }
  void on_event(const SessionEvent& e) noexcept override { events.push_back({e.type, std::string(e.text)}); }

  bool saw(SessionEventType t) const {
    for (const auto& e : events)
      if (e.first == t) return true;
    return false;
  }
  /// Messages sent since the last take().
  std::vector<Sent> take() {
    std::vector<Sent> out(sent.begin() + static_cast<std::ptrdiff_t>(taken), sent.end());
    taken = sent.size();
    return out;
  }

  struct App {
    std::string type;
    std::int64_t seq;
    bool poss_dup;
  };
  std::vector<Sent> sent;
  std::size_t taken{0};
  int closes{0};
  std::vector<App> app;
  std::vector<std::pair<SessionEventType, std::string>> events;
  std::function<AppResult(const MessageView&, MsgType, const Header&, std::int64_t)> handler;
};

/// Session under test ("HFT") and the peer it talks to ("VENUE").
class SessionTest : public ::testing::Test {
 protected:
  void make(SessionRole role, bool reset_on_logon = false) {
    SessionSettings s;
    s.role = role;
    s.sender_comp_id = "HFT";
    s.target_comp_id = "VENUE";
    s.heartbeat_interval_s = 30;
    s.reset_on_logon = reset_on_logon;
    StoreOptions o;
    o.max_messages = 1024;
    o.data_bytes = 1 << 20;
    if (!store) store = SessionStore::in_memory(o, now);
    session = std::make_unique<Session>(s, *store, rec, rec);
  }

  /// Standard header from the peer: 49, 56, 34, 52 (+ extra header fields).
  Fields header(std::uint64_t seq, Fields extra = {}) const {
    Fields f{{49, "VENUE"}, {56, "HFT"}, {34, std::to_string(seq)}, {52, utc(now)}};
    for (auto& e : extra) f.push_back(std::move(e));
    return f;
  }
  static Fields with(Fields a, const Fields& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  void feed(const std::string& bytes) {
    std::size_t at = 0;
    while (at < bytes.size()) {
      ReceiveSpace room = session->receive_buffer();
      const std::size_t n = std::min(room.size, bytes.size() - at);
      std::memcpy(room.data, bytes.data() + at, n);
      session->on_received(n, now);
      at += n;
    }
  }
  void peer(const std::string& type, const Fields& fields) { feed(raw_message(type, fields)); }

  std::string logon(std::uint64_t seq, Fields extra = {}) {
    return raw_message("A", with(header(seq), with({{98, "0"}, {108, "30"}}, extra)));
  }
  std::string order(std::uint64_t seq, const std::string& id, Fields hdr_extra = {}) {
    return raw_message(
        "D", with(header(seq, std::move(hdr_extra)),
                  {{11, id}, {55, "AAPL"}, {54, "1"}, {60, utc(now)}, {38, "100"}, {40, "2"}, {44, "187.25"}}));
  }

  /// Brings the session to Active with both sides at the given numbers.
  void log_on(SessionRole role = SessionRole::Acceptor) {
    make(role);
    session->connected(now);
    if (role == SessionRole::Acceptor) {
      feed(logon(store->next_target_seq()));
    } else {
      rec.take();
      feed(logon(store->next_target_seq()));
    }
    ASSERT_TRUE(session->logged_on());
    rec.take();
    rec.events.clear();
  }

  /// Sends one application order from our side.
  SendStatus send_order(const std::string& id, bool queue = false) {
    return session->send(
        now,
        [&](Encoder& e, std::uint64_t seq, std::int64_t t) {
          e.begin("D", seq, t);
          e.add_str(11, id);
          e.add_str(55, "MSFT");
          e.add_char(54, '2');
          e.add_utc_timestamp(60, t);
          e.add_int(38, 50);
          e.add_char(40, '2');
          e.add_price(44, core::Price{4'105'000});
          return e.finish();
        },
        queue);
  }

  std::int64_t now{kT0};
  Recorder rec;
  std::unique_ptr<SessionStore> store;
  std::unique_ptr<Session> session;
};

}  // namespace hft::protocol::fix::testing
