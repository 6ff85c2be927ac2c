#pragma once
/// @file
/// The venue simulator assembled: matching engine, FIX order entry (one
/// FixOrderEntry per session behind one FixAcceptor), the ITCH/MoldUDP64
/// feed with its retransmission server, and the simulated background flow.
/// Plain options in, a poll() loop out; `hft_venue` builds the options from
/// `config/venue.json` and owns the transports and the process.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hft/net/datagram_transport.h"
#include "hft/protocol/fix_session.h"
#include "hft/protocol/fix_store.h"
#include "hft/venue/background_flow.h"
#include "hft/venue/matching_types.h"
#include "hft/venue/moldudp_publisher.h"

namespace hft::venue {

struct VenueServerOptions {
  std::vector<InstrumentConfig> instruments;  ///< InstrumentId = position; ITCH stock locate = position + 1
  std::vector<core::Price> reference_prices;  ///< per instrument: where the flow's mid starts
  std::size_t order_capacity{1u << 20};
  std::size_t max_levels_per_side{4096};
  SelfMatchMode self_match{SelfMatchMode::CancelResting};

  std::string fix_host{"0.0.0.0"};
  std::uint16_t fix_port{9878};
  struct Session {
    protocol::fix::SessionSettings settings;  ///< role Acceptor; sender = the venue
    std::string store_dir;                    ///< empty: in memory
    protocol::fix::StoreOptions store;
  };
  std::vector<Session> sessions;

  PublisherOptions feed;
  bool flow_enabled{true};
  BackgroundFlowOptions flow;
};

/// What `hft venue status` shows.
struct VenueStatus {
  std::uint16_t fix_port{0};
  std::size_t sessions_logged_on{0};
  std::size_t live_orders{0};
  std::uint64_t events{0};  ///< matching-engine events so far
  PublisherCounters feed{};
  std::uint64_t flow_inputs{0};
};

class VenueServer {
 public:
  /// Builds everything and listens. `feed` sends the market data lines;
  /// `retransmission` (may be null: no re-request server) receives
  /// re-requests and sends the answers. Both must outlive the server.
  /// Throws std::runtime_error when it cannot start (port in use, a store of
  /// another session), saying what failed.
  VenueServer(const VenueServerOptions& options, net::DatagramTransport& feed, net::DatagramTransport* retransmission,
              std::int64_t now_ns);
  ~VenueServer();
  VenueServer(const VenueServer&) = delete;
  VenueServer& operator=(const VenueServer&) = delete;

  /// One turn: FIX connections and messages, background flow, feed timers,
  /// re-requests. True when anything happened.
  bool poll(std::int64_t now_ns);
  /// The close: logs every session out (poll on until sessions_logged_on()
  /// is 0 or a few seconds pass), then ends the feed (end of day, then the
  /// MoldUDP64 end of session).
  void begin_close(std::int64_t now_ns);
  void finish_close(std::int64_t now_ns);

  VenueStatus status() const;
  /// The engine's own view of an instrument's book, best first (for tests
  /// that compare it with what a feed handler rebuilt).
  std::vector<std::pair<core::Price, std::int64_t>> depth(InstrumentId i, core::Side side, std::size_t levels) const;

 private:
  struct Parts;
  std::unique_ptr<Parts> p_;
};

}  // namespace hft::venue
