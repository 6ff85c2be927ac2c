// Order entry without sockets: the event router's split, the report
// helpers (AvgPx, reason codes), and no heap allocation per message.

#include <cstdio>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "hft/venue/event_router.h"
#include "hft/venue/fix_order_entry.h"
#include "hft/venue/matching_engine.h"

#include "support/allocation_counter.h"

namespace hft::venue {
namespace {

namespace fix = protocol::fix;
using core::Price;

class CountingSink final : public EventSink {
 public:
  void on_events(const Event* events, std::size_t count) noexcept override {
    ++calls;
    for (std::size_t i = 0; i < count; ++i) kinds.push_back(events[i].kind);
  }
  std::size_t calls{0};
  std::vector<EventKind> kinds;
};

Event make(EventKind kind, ParticipantId who) {
  Event e;
  e.kind = kind;
  e.participant = who;
  return e;
}

TEST(EventRouterTest, SplitsABatchBySinkInRuns) {
  CountingSink book, alice, bob, other;
  EventRouter router(book, &other);
  ASSERT_TRUE(router.add_participant(1, alice));
  ASSERT_TRUE(router.add_participant(2, bob));
  EXPECT_FALSE(router.add_participant(1, bob));  // taken
  EXPECT_FALSE(router.add_participant(0, bob));  // reserved
  const Event batch[] = {make(EventKind::Accepted, 1),     make(EventKind::Fill, 1),    make(EventKind::Fill, 2),
                         make(EventKind::BookExecuted, 2), make(EventKind::BookAdd, 1), make(EventKind::Fill, 77),
                         make(EventKind::TradingStatus, 0)};
  router.on_events(batch, 7);
  EXPECT_EQ(alice.calls, 1u);
  EXPECT_EQ(alice.kinds, (std::vector<EventKind>{EventKind::Accepted, EventKind::Fill}));
  EXPECT_EQ(bob.kinds, (std::vector<EventKind>{EventKind::Fill}));
  EXPECT_EQ(book.calls, 2u);  // two runs: BookExecuted+BookAdd, TradingStatus
  EXPECT_EQ(book.kinds.size(), 3u);
  EXPECT_EQ(other.kinds, (std::vector<EventKind>{EventKind::Fill}));
  EXPECT_EQ(router.counters().book_events, 3u);
  EXPECT_EQ(router.counters().order_events, 3u);
  EXPECT_EQ(router.counters().other_events, 1u);

  router.set_other_sink(nullptr);
  router.on_events(batch + 5, 1);
  EXPECT_EQ(router.counters().dropped_events, 1u);
  EXPECT_EQ(other.kinds.size(), 1u);
}

TEST(FixReportsTest, AveragePriceIsRoundedToTheNearestUnit) {
  EXPECT_EQ(average_price(0, 0), Price{});
  EXPECT_EQ(average_price(core::int128{100'000} * 50 + core::int128{100'100} * 50, 100), Price::from_raw(100'050));
  EXPECT_EQ(average_price(core::int128{10} + 11 + 11, 3), Price::from_raw(11));  // 10.67 -> 11
  EXPECT_EQ(average_price(core::int128{10} + 10 + 11, 3), Price::from_raw(10));  // 10.33 -> 10
  // Notionals beyond 64 bits stay exact.
  const core::int128 big = core::int128{4'000'000'000} * 1'000'000'000;
  EXPECT_EQ(average_price(big, 4'000'000'000), Price::from_raw(1'000'000'000));
}

TEST(FixReportsTest, ReasonCodes) {
  EXPECT_EQ(ord_rej_reason_of(RejectReason::UnknownInstrument), 1);
  EXPECT_EQ(ord_rej_reason_of(RejectReason::Halted), 2);
  EXPECT_EQ(ord_rej_reason_of(RejectReason::QtyTooLarge), 3);
  EXPECT_EQ(ord_rej_reason_of(RejectReason::UnknownOrder), 5);
  EXPECT_EQ(ord_rej_reason_of(RejectReason::InvalidOrderType), 11);
  EXPECT_EQ(ord_rej_reason_of(RejectReason::PriceNotOnTick), 99);
  EXPECT_EQ(ord_rej_reason_of(RejectReason::Capacity), 99);
  EXPECT_EQ(cxl_rej_reason_of(RejectReason::UnknownOrder), 1);
  EXPECT_EQ(cxl_rej_reason_of(RejectReason::Halted), 99);
}

// A connection that is never up: the session stores every report for resend.
struct NoConnection final : fix::SessionTransport {
  void send_bytes(protocol::ByteView) noexcept override {}
  void close_connection() noexcept override {}
};

// One client's session on a connection that is never up, so every report
// is stored for resend.
struct OfflineClient {
  OfflineClient(ParticipantId who, MatchingEngine& engine, ExecIdCounter& ids, EventRouter& router) {
    FixOrderEntryOptions o;
    o.participant = who;
    o.order_capacity = 1024;
    entry = std::make_unique<FixOrderEntry>(o, engine, ids);
    router.add_participant(who, *entry);
    fix::StoreOptions so;
    so.max_messages = 1 << 12;
    so.data_bytes = 1 << 20;
    store = fix::SessionStore::in_memory(so, 0);
    fix::SessionSettings ss;
    ss.role = fix::SessionRole::Acceptor;
    ss.sender_comp_id = "VENUE";
    ss.target_comp_id = "CLIENT";
    session = std::make_unique<fix::Session>(ss, *store, link, *entry);
    entry->attach(*session);
  }
  NoConnection link;
  std::unique_ptr<FixOrderEntry> entry;
  std::unique_ptr<fix::SessionStore> store;
  std::unique_ptr<fix::Session> session;
};

class Quiet final : public EventSink {
 public:
  void on_events(const Event*, std::size_t) noexcept override {}
};

TEST(FixOrderEntryAllocationTest, NoHeapAllocationPerMessage) {
  ASSERT_TRUE(hft::test::allocation_hooks_installed());
  InstrumentConfig abc;
  abc.symbol = InstrumentConfig::symbol_of("ABC");
  const std::vector<InstrumentConfig> instruments{abc};
  MatchingConfig c;
  c.order_capacity = 4096;
  c.instruments = instruments.data();
  c.instrument_count = instruments.size();
  Quiet book;
  EventRouter router(book);
  MatchingEngine engine(c, router);
  ExecIdCounter ids;
  OfflineClient buyer(1, engine, ids, router);
  OfflineClient seller(2, engine, ids, router);

  fix::Encoder enc("FIX.4.4", "CLIENT", "VENUE");
  fix::MessageView mv;
  const fix::Header header{};
  std::uint64_t seq = 0;
  char id[24];
  char orig[24];
  // Even messages: a buy that rests. Odd ones: a sell (the other client)
  // that fills it, or for every fifth buy a cancel of it.
  const auto deliver = [&](std::int64_t i) {
    const std::int64_t now = 1'700'000'000'000'000'000 + i;
    const bool buy = i % 2 == 0;
    const bool cancel = i % 10 == 1;
    std::snprintf(id, sizeof id, "C%lld", static_cast<long long>(i));
    if (!cancel) {
      enc.begin("D", ++seq, now);
      enc.add_str(11, id);
      enc.add_str(55, "ABC");
      enc.add_char(54, buy ? '1' : '2');
      enc.add_utc_timestamp(60, now);
      enc.add_int(38, 100);
      enc.add_char(40, '2');
      enc.add_price(44, Price::from_raw(1'000'000));
    } else {
      std::snprintf(orig, sizeof orig, "C%lld", static_cast<long long>(i - 1));
      enc.begin("F", ++seq, now);
      enc.add_str(41, orig);
      enc.add_str(11, id);
      enc.add_str(55, "ABC");
      enc.add_char(54, '1');
      enc.add_utc_timestamp(60, now);
    }
    const protocol::ByteView b = enc.finish();
    ASSERT_TRUE(mv.parse(b.data, b.size).ok());
    FixOrderEntry& to = buy || cancel ? *buyer.entry : *seller.entry;
    const fix::AppResult r = to.on_application(mv, fix::msg_type_of(mv.msg_type()), header, now);
    ASSERT_EQ(r.kind, fix::AppResult::Kind::Accepted);
  };
  for (std::int64_t i = 0; i < 200; ++i) deliver(i);
  hft::test::AllocationCounter counter;
  for (std::int64_t i = 200; i < 5000; ++i) deliver(i);
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_GT(buyer.entry->counters().fills, 1500u);
  EXPECT_EQ(buyer.entry->counters().cancels, 500u);
  EXPECT_EQ(buyer.entry->counters().reports_lost, 0u);
  EXPECT_EQ(buyer.entry->counters().reports_queued, 5000u);  // 2500 New, 2000 Trade, 500 Canceled
  EXPECT_EQ(buyer.entry->live_orders(), 0u);
  EXPECT_EQ(seller.entry->live_orders(), 0u);
  EXPECT_EQ(engine.live_orders(), 0u);
}

}  // namespace
}  // namespace hft::venue
