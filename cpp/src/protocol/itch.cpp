#include "hft/protocol/itch.h"

namespace hft::protocol::itch {

// The encoders are out of line: one instantiation of the shared field walk
// per type, and callers (the venue's publisher) include no more than the
// declarations. A call costs about a nanosecond next to a ~30-byte store.
std::size_t encode(const SystemEvent& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const StockDirectory& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const StockTradingAction& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const RegShoRestriction& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const MarketParticipantPosition& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const MwcbDeclineLevel& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const MwcbStatus& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const IpoQuotingPeriodUpdate& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const LuldAuctionCollar& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const OperationalHalt& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const AddOrder& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const AddOrderMpid& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const OrderExecuted& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const OrderExecutedWithPrice& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const OrderCancel& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const OrderDelete& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const OrderReplace& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const Trade& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const CrossTrade& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const BrokenTrade& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const Noii& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const Rpii& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}
std::size_t encode(const DirectListingCapitalRaise& m, std::uint8_t* out, std::size_t capacity) noexcept {
  return detail::encode_as(m, out, capacity);
}

const char* message_name(char type) noexcept {
  switch (type) {
    case SystemEvent::kType:
      return "SystemEvent";
    case StockDirectory::kType:
      return "StockDirectory";
    case StockTradingAction::kType:
      return "StockTradingAction";
    case RegShoRestriction::kType:
      return "RegShoRestriction";
    case MarketParticipantPosition::kType:
      return "MarketParticipantPosition";
    case MwcbDeclineLevel::kType:
      return "MwcbDeclineLevel";
    case MwcbStatus::kType:
      return "MwcbStatus";
    case IpoQuotingPeriodUpdate::kType:
      return "IpoQuotingPeriodUpdate";
    case LuldAuctionCollar::kType:
      return "LuldAuctionCollar";
    case OperationalHalt::kType:
      return "OperationalHalt";
    case AddOrder::kType:
      return "AddOrder";
    case AddOrderMpid::kType:
      return "AddOrderMpid";
    case OrderExecuted::kType:
      return "OrderExecuted";
    case OrderExecutedWithPrice::kType:
      return "OrderExecutedWithPrice";
    case OrderCancel::kType:
      return "OrderCancel";
    case OrderDelete::kType:
      return "OrderDelete";
    case OrderReplace::kType:
      return "OrderReplace";
    case Trade::kType:
      return "Trade";
    case CrossTrade::kType:
      return "CrossTrade";
    case BrokenTrade::kType:
      return "BrokenTrade";
    case Noii::kType:
      return "Noii";
    case Rpii::kType:
      return "Rpii";
    case DirectListingCapitalRaise::kType:
      return "DirectListingCapitalRaise";
    default:
      return "Unknown";
  }
}

const char* to_string(DecodeResult r) noexcept {
  switch (r) {
    case DecodeResult::Ok:
      return "ok";
    case DecodeResult::Empty:
      return "empty";
    case DecodeResult::UnknownType:
      return "unknown_type";
    case DecodeResult::BadLength:
      return "bad_length";
    case DecodeResult::BadField:
      return "bad_field";
  }
  return "unknown";
}

}  // namespace hft::protocol::itch
