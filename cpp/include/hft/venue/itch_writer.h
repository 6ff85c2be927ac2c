#pragma once
/// @file
/// The venue's public feed: matching-engine book events as ITCH 5.0
/// messages, handed to the MoldUDP64 publisher. Also writes the day's frame
/// around them: start of messages, the stock directory and each
/// instrument's trading state, start of market hours; and at the close, end
/// of market hours, end of system hours, end of messages.
///
/// The stock locate of an instrument is its InstrumentId + 1 (locates count
/// from 1; 0 means none). ITCH timestamps
/// are nanoseconds since midnight (UTC) of the event's timestamp. Order
/// events (acks, fills addressed to one participant) are not public and are
/// ignored here.

#include <cstdint>
#include <vector>

#include "hft/venue/matching_events.h"
#include "hft/venue/matching_types.h"
#include "hft/venue/moldudp_publisher.h"

namespace hft::venue {

class ItchWriter final : public EventSink {
 public:
  /// `instruments[i]` is InstrumentId i (at most 65535 of them). `publisher`
  /// must outlive the writer.
  ItchWriter(MoldUdpPublisher& publisher, std::vector<InstrumentConfig> instruments);

  /// System event 'O', a directory entry and a trading action per
  /// instrument, then 'S' (start of system hours) and 'Q' (start of market
  /// hours): what a feed handler joining at the open needs to build books.
  void start_of_day(std::int64_t now_ns) noexcept;
  /// 'M', 'E', 'C', then the MoldUDP64 end-of-session.
  void end_of_day(std::int64_t now_ns) noexcept;

  void on_events(const Event* events, std::size_t count) noexcept override;

  /// Book events that could not be published (a message too large cannot
  /// happen; kept as the proof).
  std::uint64_t dropped() const noexcept { return dropped_; }

 private:
  void system_event(char code, std::int64_t now_ns) noexcept;
  void trading_action(InstrumentId i, TradingState s, std::int64_t now_ns) noexcept;
  void write(const Event& e) noexcept;
  template <typename M>
  void put(const M& m, std::int64_t now_ns) noexcept;

  MoldUdpPublisher& publisher_;
  std::vector<InstrumentConfig> instruments_;
  std::uint64_t dropped_{0};
};

}  // namespace hft::venue
