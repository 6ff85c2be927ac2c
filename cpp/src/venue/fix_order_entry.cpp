// FIX requests into matching-engine inputs: NewOrderSingle, OrderCancelRequest,
// OrderCancelReplaceRequest, and the order table they share with the event
// side (fix_order_entry_events.cpp).

#include "hft/venue/fix_order_entry.h"

#include <cstring>
#include <optional>
#include <stdexcept>

namespace hft::venue {

namespace fix = protocol::fix;

namespace {

// The 8 space-padded symbol bytes as one word (never 0: spaces are not).
std::uint64_t symbol_key(std::string_view s) noexcept {
  if (s.empty() || s.size() > 8) return 0;
  std::array<char, 8> padded{' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
  std::memcpy(padded.data(), s.data(), s.size());
  std::uint64_t k = 0;
  std::memcpy(&k, padded.data(), sizeof k);
  return k;
}

// FIX Side (54) to the engine's: buy, and sell in its three forms. The venue
// has no short-sale rules, so sell short (5) and sell short exempt (6) are
// sells; the client's character is echoed on every report.
bool side_of(char c, core::Side& out) noexcept {
  switch (c) {
    case '1':
      out = core::Side::Buy;
      return true;
    case '2':
    case '5':
    case '6':
      out = core::Side::Sell;
      return true;
    default:
      return false;
  }
}

bool ord_type_of(char c, OrderType& out) noexcept {
  switch (c) {
    case '1':
      out = OrderType::Market;
      return true;
    case '2':
      out = OrderType::Limit;
      return true;
    case '3':
      out = OrderType::Stop;
      return true;
    case '4':
      out = OrderType::StopLimit;
      return true;
    default:
      return false;
  }
}

bool tif_of(char c, TimeInForce& out) noexcept {
  switch (c) {
    case '0':
      out = TimeInForce::Day;
      return true;
    case '3':
      out = TimeInForce::Ioc;
      return true;
    case '4':
      out = TimeInForce::Fok;
      return true;
    default:
      return false;
  }
}

constexpr bool has_limit_price(OrderType t) noexcept { return t == OrderType::Limit || t == OrderType::StopLimit; }
constexpr bool has_stop_price(OrderType t) noexcept { return t == OrderType::Stop || t == OrderType::StopLimit; }

}  // namespace

FixOrderEntry::FixOrderEntry(const FixOrderEntryOptions& options, MatchingEngine& engine, ExecIdCounter& exec_ids)
    : participant_(options.participant),
      engine_(engine),
      exec_ids_(exec_ids),
      by_cl_ord_id_(options.order_capacity == 0 ? 1 : options.order_capacity),
      by_symbol_(engine.instrument_count() == 0 ? 1 : engine.instrument_count()) {
  if (options.participant == 0) throw std::invalid_argument("FixOrderEntry: participant 0 is reserved");
  if (options.order_capacity == 0 || options.order_capacity > (std::size_t{1} << 30)) {
    throw std::invalid_argument("FixOrderEntry: order_capacity must be 1..2^30");
  }
  table_.resize(options.order_capacity);
  free_.resize(options.order_capacity);
  for (std::size_t i = 0; i < free_.size(); ++i) free_[i] = static_cast<std::uint32_t>(i);
  free_count_ = free_.size();

  symbols_.resize(engine.instrument_count());
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    const std::array<char, 8>& raw = engine.instrument(static_cast<InstrumentId>(i)).symbol;
    Symbol& s = symbols_[i];
    s.text = raw;
    s.len = 8;
    while (s.len > 0 && raw[s.len - 1u] == ' ') --s.len;
    by_symbol_.insert(symbol_key(s.view()), static_cast<std::uint32_t>(i));
  }
}

// ---------------------------------------------------------------- requests

fix::AppResult FixOrderEntry::on_application(const fix::MessageView& message, fix::MsgType type,
                                             const fix::Header& header, std::int64_t now_ns) noexcept {
  switch (type) {
    case fix::MsgType::NewOrderSingle:
      return on_new_order(message, now_ns);
    case fix::MsgType::OrderCancelRequest:
      return on_cancel(message, now_ns);
    case fix::MsgType::OrderCancelReplaceRequest:
      return on_replace(message, now_ns);
    default:
      return SessionApplication::on_application(message, type, header, now_ns);
  }
}

fix::AppResult FixOrderEntry::on_new_order(const fix::MessageView& m, std::int64_t now_ns) noexcept {
  fix::NewOrderSingle nos;
  if (const fix::ParseError e = nos.parse(m); !e.ok()) return fix::AppResult::reject(e);
  ++counters_.new_orders;
  if (nos.cl_ord_id.size() > kMaxClOrdIdLength) {
    ++counters_.business_rejects;
    return fix::AppResult::business_reject(fix::BusinessRejectReason::Other, "ClOrdID longer than 32 characters");
  }
  const auto refuse = [&](std::int32_t reason, std::string_view text) {
    reject_new_order(nos.cl_ord_id, nos.symbol, nos.side, nos.order_qty, nos.ord_type, nos.time_in_force, reason, text,
                     now_ns);
    return fix::AppResult::accepted();
  };
  core::Side side{};
  OrderType type{};
  TimeInForce tif{};
  if (!side_of(nos.side, side)) return refuse(11, "unsupported side");
  if (!ord_type_of(nos.ord_type, type)) return refuse(11, "unsupported order type");
  if (!tif_of(nos.time_in_force, tif)) return refuse(11, "unsupported time in force");
  const std::uint32_t instrument = by_symbol_.find(symbol_key(nos.symbol));
  if (instrument == core::FlatIndex::kNotFound) return refuse(1, "unknown symbol");
  const std::uint32_t same = find_slot(nos.cl_ord_id);
  if (same != kNone && table_[same].live) return refuse(6, "duplicate ClOrdID");
  const std::uint32_t s = allocate();
  if (s == kNone) return refuse(99, "order table full");

  Order& o = table_[s];
  o.instrument = static_cast<InstrumentId>(instrument);
  o.type = type;
  o.tif = tif;
  o.fix_side = nos.side;
  o.order_qty = nos.order_qty;
  o.price = has_limit_price(type) ? nos.price : core::Price{};
  o.stop_price = has_stop_price(type) ? nos.stop_px : core::Price{};
  o.status = ord_status::kNew;
  o.live = true;
  index(s, nos.cl_ord_id);

  NewOrder in;
  in.client_order_id = handle_of(s, o);
  in.participant = participant_;
  in.instrument = o.instrument;
  in.side = side;
  in.type = type;
  in.tif = tif;
  in.price = o.price;
  in.stop_price = o.stop_price;
  in.qty = core::Qty{nos.order_qty};
  pending_ = Pending{Pending::Kind::New, s, nos.cl_ord_id, {}};
  engine_.submit(in, now_ns);
  pending_ = Pending{};
  return fix::AppResult::accepted();
}

fix::AppResult FixOrderEntry::on_cancel(const fix::MessageView& m, std::int64_t now_ns) noexcept {
  fix::OrderCancelRequest r;
  if (const fix::ParseError e = r.parse(m); !e.ok()) return fix::AppResult::reject(e);
  ++counters_.cancels;
  const std::uint32_t s = find_target(r.order_id, r.orig_cl_ord_id);
  if (s == kNone) {
    reject_cancel(s, r.cl_ord_id, r.orig_cl_ord_id, '1', 1, "unknown order", now_ns);
  } else if (!table_[s].live) {
    reject_cancel(s, r.cl_ord_id, r.orig_cl_ord_id, '1', 0, "too late to cancel", now_ns);
  } else {
    const Order& o = table_[s];
    const CancelRequest in{o.venue_id, participant_, handle_of(s, o)};
    pending_ = Pending{Pending::Kind::Cancel, s, r.cl_ord_id, {}};
    engine_.cancel(in, now_ns);
    pending_ = Pending{};
  }
  return fix::AppResult::accepted();
}

fix::AppResult FixOrderEntry::on_replace(const fix::MessageView& m, std::int64_t now_ns) noexcept {
  fix::OrderCancelReplaceRequest r;
  if (const fix::ParseError e = r.parse(m); !e.ok()) return fix::AppResult::reject(e);
  ++counters_.replaces;
  if (r.cl_ord_id.size() > kMaxClOrdIdLength) {
    ++counters_.business_rejects;
    return fix::AppResult::business_reject(fix::BusinessRejectReason::Other, "ClOrdID longer than 32 characters");
  }
  const std::uint32_t s = find_target(r.order_id, r.orig_cl_ord_id);
  const auto refuse = [&](std::int32_t reason, std::string_view text) {
    reject_cancel(s, r.cl_ord_id, r.orig_cl_ord_id, '2', reason, text, now_ns);
    return fix::AppResult::accepted();
  };
  if (s == kNone) return refuse(1, "unknown order");
  Order& o = table_[s];
  if (!o.live) return refuse(0, "too late to replace");
  // The engine replaces price, stop price and quantity; everything else
  // must stay as it is.
  core::Side side{};
  core::Side was{};
  OrderType type{};
  TimeInForce tif{};
  side_of(o.fix_side, was);
  if (!side_of(r.side, side) || side != was) return refuse(99, "side cannot change");
  if (!ord_type_of(r.ord_type, type) || type != o.type) return refuse(99, "order type cannot change");
  if (!tif_of(r.time_in_force, tif) || tif != o.tif) return refuse(99, "time in force cannot change");
  if (by_symbol_.find(symbol_key(r.symbol)) != o.instrument) return refuse(99, "symbol cannot change");
  const std::uint32_t same = find_slot(r.cl_ord_id);
  if (same != kNone && table_[same].live) return refuse(6, "duplicate ClOrdID");

  ReplaceRequest in;
  in.order_id = o.venue_id;
  in.participant = participant_;
  in.client_order_id = handle_of(s, o);
  in.price = has_limit_price(type) ? r.price : core::Price{};
  in.stop_price = has_stop_price(type) ? r.stop_px : core::Price{};
  in.qty = core::Qty{r.order_qty};
  pending_ = Pending{Pending::Kind::Replace, s, r.cl_ord_id, in.stop_price};
  engine_.replace(in, now_ns);
  pending_ = Pending{};
  return fix::AppResult::accepted();
}

// ---------------------------------------------------------------- order table

std::uint64_t FixOrderEntry::key_of(std::string_view cl_ord_id) noexcept {
  // FNV-1a, then a final mix so near-identical ids ("C1", "C2") spread.
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : cl_ord_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h == 0 ? 1 : h;
}

FixOrderEntry::Order* FixOrderEntry::order_of(ClientOrderId handle) noexcept {
  const std::uint64_t slot = handle & 0xFFFF'FFFFu;
  if (slot >= table_.size()) return nullptr;
  Order& o = table_[slot];
  return o.generation == (handle >> 32) ? &o : nullptr;
}

std::uint32_t FixOrderEntry::find_slot(std::string_view cl_ord_id) const noexcept {
  if (cl_ord_id.size() > kMaxClOrdIdLength) return kNone;
  const std::uint32_t s = by_cl_ord_id_.find(key_of(cl_ord_id));
  if (s == core::FlatIndex::kNotFound) return kNone;
  // A hash collision must never name another client's order.
  return table_[s].cl_ord_id() == cl_ord_id ? s : kNone;
}

std::uint32_t FixOrderEntry::find_target(std::string_view order_id, std::string_view orig_cl_ord_id) const noexcept {
  // OrderID, when given and naming a live order of ours, wins; otherwise
  // the OrigClOrdID decides (it also finds finished orders for "too late").
  std::int64_t id = 0;
  if (!order_id.empty() && fix::parse_int(order_id, id) == fix::ValueStatus::Ok && id > 0) {
    const std::optional<OrderInfo> info = engine_.find(static_cast<VenueOrderId>(id));
    if (info && info->participant == participant_) {
      const std::uint64_t slot = info->client_order_id & 0xFFFF'FFFFu;
      if (slot < table_.size() && table_[slot].live && table_[slot].venue_id == info->order_id) {
        return static_cast<std::uint32_t>(slot);
      }
    }
  }
  return find_slot(orig_cl_ord_id);
}

VenueOrderId FixOrderEntry::find_live(std::string_view cl_ord_id) const noexcept {
  const std::uint32_t s = find_slot(cl_ord_id);
  return s != kNone && table_[s].live ? table_[s].venue_id : 0;
}

std::uint32_t FixOrderEntry::allocate() noexcept {
  if (free_count_ == 0) return kNone;
  const std::uint32_t s = free_[free_head_];
  free_head_ = (free_head_ + 1) % free_.size();
  --free_count_;
  unindex(s);
  Order& o = table_[s];
  const std::uint32_t generation = o.generation + 1;
  o = Order{};
  o.generation = generation;
  return s;
}

void FixOrderEntry::finish(Order& o, char status) noexcept {
  o.status = status;
  if (!o.live) return;
  o.live = false;
  // The slot goes to the back: it is reused last, so the finished order
  // stays findable (for "too late to cancel") as long as possible.
  free_[(free_head_ + free_count_) % free_.size()] = slot_of(o);
  ++free_count_;
}

void FixOrderEntry::index(std::uint32_t slot, std::string_view cl_ord_id) noexcept {
  unindex(slot);
  Order& o = table_[slot];
  const std::uint64_t key = key_of(cl_ord_id);
  // A finished order remembered under the same key gives way: the client
  // may reuse the ClOrdID of an order that is done.
  const std::uint32_t holder = by_cl_ord_id_.find(key);
  if (holder != core::FlatIndex::kNotFound) {
    table_[holder].key = 0;
    by_cl_ord_id_.erase(key);
  }
  by_cl_ord_id_.insert(key, slot);
  o.key = key;
  o.cl_len = static_cast<std::uint8_t>(cl_ord_id.size());
  std::memcpy(o.cl.data(), cl_ord_id.data(), cl_ord_id.size());
}

void FixOrderEntry::unindex(std::uint32_t slot) noexcept {
  Order& o = table_[slot];
  if (o.key != 0 && by_cl_ord_id_.find(o.key) == slot) by_cl_ord_id_.erase(o.key);
  o.key = 0;
}

}  // namespace hft::venue
