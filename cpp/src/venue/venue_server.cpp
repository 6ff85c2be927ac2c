#include "hft/venue/venue_server.h"

#include <stdexcept>

#include "hft/venue/event_router.h"
#include "hft/venue/fix_acceptor.h"
#include "hft/venue/fix_order_entry.h"
#include "hft/venue/itch_writer.h"
#include "hft/venue/matching_engine.h"

namespace hft::venue {

namespace fix = protocol::fix;

// Construction order is wiring order: the router needs the ITCH writer, the
// engine the router, each order entry the engine, and the flow the engine.
struct VenueServer::Parts {
  Parts(const VenueServerOptions& o, net::DatagramTransport& feed_transport, net::DatagramTransport* retrans,
        std::int64_t now_ns)
      : options(o),
        publisher(o.feed, feed_transport),
        writer(publisher, o.instruments),
        router(writer, nullptr, o.sessions.size() + 4),
        engine(matching_config(o), router),
        retransmission(retrans) {
    auto listening = FixAcceptor::listen(o.fix_host, o.fix_port, {});
    if (!listening) throw std::runtime_error(listening.result.message);
    acceptor = std::move(listening.value);
    ParticipantId next_participant = 1;
    for (const VenueServerOptions::Session& s : o.sessions) {
      std::unique_ptr<fix::SessionStore> store;
      if (s.store_dir.empty()) {
        store = fix::SessionStore::in_memory(s.store, now_ns);
      } else {
        std::string error;
        const std::string id = "FIX.4.4:" + s.settings.sender_comp_id + "->" + s.settings.target_comp_id;
        store = fix::SessionStore::open_file(s.store_dir, id, s.store, now_ns, error);
        if (store == nullptr) throw std::runtime_error(error);
      }
      FixOrderEntryOptions eo;
      eo.participant = next_participant++;
      auto entry = std::make_unique<FixOrderEntry>(eo, engine, exec_ids);
      fix::Session& session = acceptor->add_session(s.settings, *store, *entry);
      entry->attach(session);
      router.add_participant(eo.participant, *entry);
      sessions.push_back(&session);
      stores.push_back(std::move(store));
      entries.push_back(std::move(entry));
    }
    if (o.flow_enabled) {
      BackgroundFlowOptions fo = o.flow;
      fo.instruments.clear();
      for (std::size_t i = 0; i < o.instruments.size(); ++i) {
        FlowInstrument fi;
        fi.id = static_cast<InstrumentId>(i);
        fi.tick = o.instruments[i].tick;
        fi.lot = o.instruments[i].lot;
        fi.initial_mid = i < o.reference_prices.size() ? o.reference_prices[i] : fi.initial_mid;
        fo.instruments.push_back(fi);
      }
      flow_target = std::make_unique<EngineFlowTarget>(engine);
      flow = std::make_unique<BackgroundFlow>(fo, *flow_target);
      router.set_other_sink(flow.get());
    }
  }

  MatchingConfig matching_config(const VenueServerOptions& o) {
    MatchingConfig c;
    c.order_capacity = o.order_capacity;
    c.max_levels_per_side = o.max_levels_per_side;
    c.self_match = o.self_match;
    c.instruments = o.instruments.data();
    c.instrument_count = o.instruments.size();
    return c;
  }

  const VenueServerOptions& options;
  MoldUdpPublisher publisher;
  ItchWriter writer;
  EventRouter router;
  MatchingEngine engine;
  ExecIdCounter exec_ids;
  net::DatagramTransport* retransmission;
  std::unique_ptr<FixAcceptor> acceptor;
  std::vector<std::unique_ptr<fix::SessionStore>> stores;
  std::vector<std::unique_ptr<FixOrderEntry>> entries;
  std::vector<fix::Session*> sessions;
  std::unique_ptr<EngineFlowTarget> flow_target;
  std::unique_ptr<BackgroundFlow> flow;
};

VenueServer::VenueServer(const VenueServerOptions& options, net::DatagramTransport& feed,
                         net::DatagramTransport* retransmission, std::int64_t now_ns)
    : p_(std::make_unique<Parts>(options, feed, retransmission, now_ns)) {
  p_->writer.start_of_day(now_ns);
}

VenueServer::~VenueServer() = default;

bool VenueServer::poll(std::int64_t now_ns) {
  bool work = p_->acceptor->poll(now_ns);
  if (p_->flow != nullptr) work = p_->flow->step(now_ns) > 0 || work;
  p_->publisher.on_timer(now_ns);
  if (p_->retransmission != nullptr) {
    net::RxDatagram rx[16];
    const std::size_t n = p_->retransmission->rx_burst(rx, 16);
    for (std::size_t i = 0; i < n; ++i) p_->publisher.answer(rx[i], *p_->retransmission);
    work = work || n > 0;
  }
  return work;
}

void VenueServer::begin_close(std::int64_t now_ns) { p_->acceptor->logout_all("venue closing", now_ns); }

void VenueServer::finish_close(std::int64_t now_ns) { p_->writer.end_of_day(now_ns); }

VenueStatus VenueServer::status() const {
  VenueStatus s;
  s.fix_port = p_->acceptor->port();
  for (const fix::Session* session : p_->sessions) s.sessions_logged_on += session->logged_on() ? 1u : 0u;
  s.live_orders = p_->engine.live_orders();
  s.events = p_->engine.next_sequence() - 1;
  s.feed = p_->publisher.counters();
  if (p_->flow != nullptr) s.flow_inputs = p_->flow->counters().inputs;
  return s;
}

std::vector<std::pair<core::Price, std::int64_t>> VenueServer::depth(InstrumentId i, core::Side side,
                                                                     std::size_t levels) const {
  std::vector<std::pair<core::Price, std::int64_t>> out;
  const std::size_t n = std::min(levels, p_->engine.level_count(i, side));
  for (std::size_t k = 0; k < n; ++k) {
    const LevelInfo l = p_->engine.level(i, side, k);
    out.emplace_back(l.price, l.qty);
  }
  return out;
}

}  // namespace hft::venue
