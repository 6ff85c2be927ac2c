#pragma once
// A venue in one process: matching engine, event router, two FixOrderEntry
// sessions (ALICE and BOB) behind one FixAcceptor, and two FixInitiators
// logged on to it over loopback. Clients record every report they receive.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hft/core/clock.h"
#include "hft/engine/fix_initiator.h"
#include "hft/venue/event_router.h"
#include "hft/venue/fix_acceptor.h"
#include "hft/venue/fix_order_entry.h"
#include "hft/venue/matching_engine.h"

namespace hft::venue::test {

namespace fix = protocol::fix;
using core::Price;

inline std::int64_t wall_ns() { return static_cast<std::int64_t>(core::Clock::realtime_ns()); }
/// Price of `c` cents in 1e-4 units.
constexpr Price cents(std::int64_t c) { return Price::from_raw(c * 100); }

/// One message a client received, copied out of the receive buffer.
struct Received {
  char msg_type{0};  // '8', '9' or 'j'
  bool poss_dup{false};
  std::string order_id, exec_id, cl_ord_id, orig_cl_ord_id, text;
  char exec_type{0}, ord_status{0}, side{0}, response_to{0};
  std::int64_t leaves{0}, cum{0}, order_qty{0}, last_qty{0}, ord_rej_reason{-1}, cxl_rej_reason{-1};
  Price avg_px{}, last_px{}, price{};
};

/// The client's application: records ExecutionReports, OrderCancelRejects
/// and BusinessMessageRejects.
struct Client final : fix::SessionApplication {
  std::vector<Received> got;
  fix::AppResult on_application(const fix::MessageView& m, fix::MsgType type, const fix::Header& h,
                                std::int64_t) noexcept override {
    Received r;
    r.poss_dup = h.poss_dup;
    if (type == fix::MsgType::ExecutionReport) {
      fix::ExecutionReport er;
      if (const fix::ParseError e = er.parse(m); !e.ok()) return fix::AppResult::reject(e);
      r.msg_type = '8';
      r.order_id = std::string(er.order_id);
      r.exec_id = std::string(er.exec_id);
      r.cl_ord_id = std::string(er.cl_ord_id);
      r.orig_cl_ord_id = std::string(er.orig_cl_ord_id);
      r.text = std::string(er.text);
      r.exec_type = er.exec_type;
      r.ord_status = er.ord_status;
      r.side = er.side;
      r.leaves = er.leaves_qty;
      r.cum = er.cum_qty;
      r.order_qty = er.order_qty;
      r.last_qty = er.last_qty;
      r.last_px = er.last_px;
      r.avg_px = er.avg_px;
      r.price = er.price;
      r.ord_rej_reason = er.ord_rej_reason;
    } else if (type == fix::MsgType::OrderCancelReject) {
      fix::OrderCancelReject cr;
      if (const fix::ParseError e = cr.parse(m); !e.ok()) return fix::AppResult::reject(e);
      r.msg_type = '9';
      r.order_id = std::string(cr.order_id);
      r.cl_ord_id = std::string(cr.cl_ord_id);
      r.orig_cl_ord_id = std::string(cr.orig_cl_ord_id);
      r.ord_status = cr.ord_status;
      r.response_to = cr.cxl_rej_response_to;
      r.cxl_rej_reason = cr.cxl_rej_reason;
      r.text = std::string(cr.text);
    } else if (type == fix::MsgType::BusinessMessageReject) {
      fix::BusinessMessageReject br;
      if (const fix::ParseError e = br.parse(m); !e.ok()) return fix::AppResult::reject(e);
      r.msg_type = 'j';
      r.text = std::string(br.text);
    } else {
      return fix::AppResult::accepted();
    }
    got.push_back(std::move(r));
    return fix::AppResult::accepted();
  }
  /// What arrived for ClOrdID `id` (as 11), in order.
  std::vector<Received> for_id(const std::string& id) const {
    std::vector<Received> out;
    for (const Received& r : got) {
      if (r.cl_ord_id == id) out.push_back(r);
    }
    return out;
  }
};

/// A NewOrderSingle to send.
struct Nos {
  std::string id;
  char side{'1'};
  std::int64_t qty{100};
  char type{'2'};
  Price price{cents(1000)};
  Price stop{};
  char tif{'0'};
  std::string symbol{"ABC"};
};

/// Terms of an OrderCancelReplaceRequest.
struct Replace {
  std::string orig;
  std::string id;
  std::int64_t qty{100};
  Price price{cents(1000)};
  char side{'1'};
  char type{'2'};
  std::string order_id{};
};

class NullSink final : public EventSink {
 public:
  void on_events(const Event*, std::size_t count) noexcept override { events += count; }
  std::uint64_t events{0};
};

class FixOrderEntryTest : public ::testing::Test {
 protected:
  static constexpr InstrumentId kAbc = 0;
  static constexpr ParticipantId kAlice = 1;
  static constexpr ParticipantId kBob = 2;

  struct Party {
    std::unique_ptr<fix::SessionStore> venue_store, client_store;
    std::unique_ptr<FixOrderEntry> entry;
    std::unique_ptr<engine::FixInitiator> initiator;
    fix::Session* venue_session{nullptr};
    Client client;
  };

  void SetUp() override {
    InstrumentConfig abc;
    abc.symbol = InstrumentConfig::symbol_of("ABC");
    abc.tick = cents(1);
    abc.max_order_qty = 10'000;
    InstrumentConfig xyz = abc;
    xyz.symbol = InstrumentConfig::symbol_of("XYZ");
    instruments_ = {abc, xyz};
    MatchingConfig c;
    c.order_capacity = 1024;
    c.max_levels_per_side = 64;
    c.instruments = instruments_.data();
    c.instrument_count = instruments_.size();
    router_ = std::make_unique<EventRouter>(book_);
    engine_ = std::make_unique<MatchingEngine>(c, *router_);

    auto a = FixAcceptor::listen("127.0.0.1", 0, {});
    ASSERT_TRUE(a) << a.result.message;
    acceptor_ = std::move(a.value);
    wire(alice_, kAlice, "ALICE");
    wire(bob_, kBob, "BOB");
    ASSERT_TRUE(run_until([&] { return logged_on(alice_) && logged_on(bob_); }));
  }

  void wire(Party& s, ParticipantId id, const std::string& comp_id) {
    fix::StoreOptions o;
    o.max_messages = 1024;
    o.data_bytes = 1 << 20;
    s.venue_store = fix::SessionStore::in_memory(o, wall_ns());
    s.client_store = fix::SessionStore::in_memory(o, wall_ns());
    FixOrderEntryOptions eo;
    eo.participant = id;
    eo.order_capacity = 64;
    s.entry = std::make_unique<FixOrderEntry>(eo, *engine_, exec_ids_);
    ASSERT_TRUE(router_->add_participant(id, *s.entry));
    fix::SessionSettings vs;
    vs.role = fix::SessionRole::Acceptor;
    vs.sender_comp_id = "VENUE";
    vs.target_comp_id = comp_id;
    s.venue_session = &acceptor_->add_session(vs, *s.venue_store, *s.entry);
    s.entry->attach(*s.venue_session);
    fix::SessionSettings cs;
    cs.role = fix::SessionRole::Initiator;
    cs.sender_comp_id = comp_id;
    cs.target_comp_id = "VENUE";
    engine::FixInitiatorOptions io;
    io.port = acceptor_->port();
    io.reconnect_interval_ms = 20;
    s.initiator = std::make_unique<engine::FixInitiator>(io, cs, *s.client_store, s.client);
  }

  static bool logged_on(Party& s) { return s.initiator->session().logged_on() && s.venue_session->logged_on(); }

  // Polls every end until `done` holds; false after a generous hang guard.
  bool run_until(const std::function<bool()>& done) {
    const std::int64_t give_up = wall_ns() + 10'000'000'000;
    while (!done()) {
      if (wall_ns() > give_up) return false;
      const std::int64_t now = wall_ns();
      acceptor_->poll(now);
      alice_.initiator->poll(now);
      bob_.initiator->poll(now);
    }
    return true;
  }
  // Waits until `s` has received `n` messages in all.
  bool wait_for(Party& s, std::size_t n) {
    return run_until([&] { return s.client.got.size() >= n; });
  }

  fix::SendStatus send(Party& s, const Nos& n) {
    return s.initiator->session().send(wall_ns(), [&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
      e.begin("D", seq, t);
      e.add_str(11, n.id);
      e.add_str(55, n.symbol);
      e.add_char(54, n.side);
      e.add_utc_timestamp(60, t);
      e.add_int(38, n.qty);
      e.add_char(40, n.type);
      if (n.type == '2' || n.type == '4') e.add_price(44, n.price);
      if (n.type == '3' || n.type == '4') e.add_price(99, n.stop);
      e.add_char(59, n.tif);
      return e.finish();
    });
  }

  fix::SendStatus cancel(Party& s, const std::string& orig, const std::string& id, const std::string& order_id = {}) {
    return s.initiator->session().send(wall_ns(), [&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
      e.begin("F", seq, t);
      e.add_str(41, orig);
      e.add_str(11, id);
      if (!order_id.empty()) e.add_str(37, order_id);
      e.add_str(55, "ABC");
      e.add_char(54, '1');
      e.add_utc_timestamp(60, t);
      return e.finish();
    });
  }

  fix::SendStatus replace(Party& s, const Replace& r) {
    return s.initiator->session().send(wall_ns(), [&](fix::Encoder& e, std::uint64_t seq, std::int64_t t) {
      e.begin("G", seq, t);
      e.add_str(41, r.orig);
      e.add_str(11, r.id);
      if (!r.order_id.empty()) e.add_str(37, r.order_id);
      e.add_str(55, "ABC");
      e.add_char(54, r.side);
      e.add_utc_timestamp(60, t);
      e.add_int(38, r.qty);
      e.add_char(40, r.type);
      e.add_price(44, r.price);
      e.add_char(59, '0');
      return e.finish();
    });
  }

  std::vector<InstrumentConfig> instruments_;
  NullSink book_;
  std::unique_ptr<EventRouter> router_;
  std::unique_ptr<MatchingEngine> engine_;
  ExecIdCounter exec_ids_;
  Party alice_, bob_;
  // Declared last so it goes first: its sessions call into the parties.
  std::unique_ptr<FixAcceptor> acceptor_;
};

}  // namespace hft::venue::test
