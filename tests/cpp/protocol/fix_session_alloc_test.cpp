// The session's steady state allocates nothing: receiving, delivering,
// sending, heartbeats and answering a resend all run in preallocated memory.
#include "fix_session_fixture.h"
#include "support/allocation_counter.h"

namespace hft::protocol::fix::testing {
namespace {

// Counts instead of keeping, so the test itself allocates nothing.
struct CountingEnd : SessionTransport, SessionApplication {
  void send_bytes(ByteView b) noexcept override {
    ++messages;
    bytes += b.size;
  }
  void close_connection() noexcept override { ++closes; }
  AppResult on_application(const MessageView& m, MsgType, const Header&, std::int64_t) noexcept override {
    NewOrderSingle nos;
    const ParseError e = nos.parse(m);
    if (e.ok()) ++orders;
    return e.ok() ? AppResult::accepted() : AppResult::reject(e);
  }
  std::size_t messages{0}, bytes{0}, orders{0};
  int closes{0};
};

TEST(SessionAllocation, SteadyStateAllocatesNothing) {
  ASSERT_TRUE(test::allocation_hooks_installed());
  StoreOptions o;
  o.max_messages = 4096;
  o.data_bytes = 4 << 20;
  auto store = SessionStore::in_memory(o, kT0);
  SessionSettings s;
  s.role = SessionRole::Acceptor;
  s.sender_comp_id = "HFT";
  s.target_comp_id = "VENUE";
  CountingEnd end;
  Session session(s, *store, end, end);
  std::int64_t now = kT0;
  auto header = [&](std::uint64_t seq) {
    return Fields{{49, "VENUE"}, {56, "HFT"}, {34, std::to_string(seq)}, {52, utc(now)}};
  };
  // Every input prepared before counting starts.
  std::vector<std::string> inputs;
  inputs.push_back(raw_message("A", {{49, "VENUE"}, {56, "HFT"}, {34, "1"}, {52, utc(now)}, {98, "0"}, {108, "30"}}));
  for (std::uint64_t seq = 2; seq < 1002; ++seq) {
    Fields f = header(seq);
    for (auto& x : Fields{{11, "C" + std::to_string(seq)},
                          {55, "AAPL"},
                          {54, "1"},
                          {60, utc(now)},
                          {38, "100"},
                          {40, "2"},
                          {44, "187.25"}})
      f.push_back(x);
    inputs.push_back(raw_message("D", f));
  }
  inputs.push_back(raw_message("1", [&] {
    Fields f = header(1002);
    f.push_back({112, "T1"});
    return f;
  }()));
  inputs.push_back(raw_message("2", [&] {
    Fields f = header(1003);
    f.push_back({7, "1"});
    f.push_back({16, "0"});
    return f;
  }()));

  session.connected(now);
  test::AllocationCounter counter;
  for (const std::string& in : inputs) {
    const ReceiveSpace room = session.receive_buffer();
    std::memcpy(room.data, in.data(), in.size());
    session.on_received(in.size(), now);
    session.send(now, [](Encoder& e, std::uint64_t seq, std::int64_t t) {
      e.begin("8", seq, t);
      e.add_str(37, "V1");
      e.add_str(17, "E1");
      e.add_char(150, '0');
      e.add_char(39, '0');
      return e.finish();
    });
  }
  session.on_timer(now + 31 * kSecond);
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_EQ(end.orders, 1000u);
  EXPECT_EQ(end.closes, 0);
  EXPECT_GT(session.counters().messages_resent, 1000u);
}

}  // namespace
}  // namespace hft::protocol::fix::testing
