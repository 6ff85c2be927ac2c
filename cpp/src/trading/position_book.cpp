#include "hft/trading/position_book.h"

#include <algorithm>

namespace hft::trading {
namespace {

bool fits(core::int128 v) noexcept { return v >= INT64_MIN && v <= INT64_MAX; }

Price mid(Price bid, Price ask) noexcept {
  if (bid.raw <= 0 || ask.raw <= 0) return Price{};
  // Floor of the average without overflowing the sum.
  return Price{bid.raw / 2 + ask.raw / 2 + (bid.raw % 2 + ask.raw % 2) / 2};
}

// The totals are sums modulo 2^64 (|INT64_MIN| and the notionals of extreme
// positions wrap), so a position's share is replaced by adding the difference
// of the new and old terms in unsigned arithmetic: same bits as subtracting
// the old terms and adding the new ones, and no signed overflow.
using Bits = std::uint64_t;
Bits bits(std::int64_t v) noexcept { return static_cast<Bits>(v); }
Bits abs_bits(std::int64_t v) noexcept { return v < 0 ? Bits{0} - bits(v) : bits(v); }
void bump(std::int64_t& total, Bits delta) noexcept { total = static_cast<std::int64_t>(bits(total) + delta); }
std::int64_t minus(std::int64_t a, std::int64_t b) noexcept { return static_cast<std::int64_t>(bits(a) - bits(b)); }
std::int64_t negate(std::int64_t v) noexcept { return minus(0, v); }

// cost × part / whole, truncated toward zero. A 128-bit division is a
// library call of ~40 cycles; the operands almost always fit in 64 bits.
core::int128 share_of(core::int128 cost, core::int128 part, core::int128 whole) noexcept {
  std::int64_t product = 0;
  if (fits(cost) && fits(part) && fits(whole) &&
      !__builtin_mul_overflow(static_cast<std::int64_t>(cost), static_cast<std::int64_t>(part), &product)) {
    return product / static_cast<std::int64_t>(whole);
  }
  return cost * part / whole;
}

// Adds (sign +1) or removes (sign -1) a position's share of the totals.
void add_share(PositionTotals& t, const Position& p, int sign) noexcept {
  const Bits s = sign > 0 ? Bits{1} : ~Bits{0};
  bump(t.realized, s * bits(p.realized));
  bump(t.unrealized, s * bits(p.unrealized));
  bump(t.fees, s * bits(p.fees));
  bump(t.gross_position, s * abs_bits(p.net));
  bump(t.net_position, s * bits(p.net));
  bump(t.gross_notional, s * (abs_bits(p.net) * bits(p.mark.raw)));
  bump(t.net_notional, s * (bits(p.net) * bits(p.mark.raw)));
}

// net × mark - open_cost, clamped to ±2^61 when it does not fit.
std::int64_t unrealized_at(const Position& p, Price mark) noexcept {
  const core::int128 u = static_cast<core::int128>(p.net) * mark.raw - p.open_cost;
  return fits(u) ? static_cast<std::int64_t>(u) : (u < 0 ? INT64_MIN / 4 : INT64_MAX / 4);
}

// The fill worked through in 128 bits, committed only if every result fits
// in 64. apply_fill takes it only when one of its 64-bit steps overflows, or
// for a quantity that is not positive.
[[gnu::cold, gnu::noinline]] bool apply_fill_wide(Position& p, PositionTotals& totals, Price fee_per_share, Side side,
                                                  std::int64_t q, Price price) noexcept {
  const std::int64_t signed_q = core::sign(side) * q;

  core::int128 net = p.net;
  core::int128 cost = p.open_cost;
  core::int128 realized = p.realized;
  const core::int128 px = price.raw;
  core::int128 remaining = q;

  if (net != 0 && (net > 0) != (signed_q > 0)) {
    // Reducing: close up to |net| at the average cost, exactly — the share
    // of the cost removed is cost × closed / |net|, so closing everything
    // removes all of it and a round trip's PnL has no rounding residue.
    const core::int128 abs_net = net > 0 ? net : -net;
    const core::int128 closed = remaining < abs_net ? remaining : abs_net;
    const core::int128 removed = closed == abs_net ? cost : share_of(cost, closed, abs_net);
    const core::int128 dir = net > 0 ? 1 : -1;
    realized += dir * px * closed - removed;
    cost -= removed;
    net -= dir * closed;
    remaining -= closed;
  }
  if (remaining > 0) {
    // Opening (or the part of a flip beyond zero).
    const core::int128 dir = signed_q > 0 ? 1 : -1;
    net += dir * remaining;
    cost += dir * px * remaining;
  }
  const core::int128 fees = p.fees + static_cast<core::int128>(fee_per_share.raw) * q;
  const core::int128 traded = (side == Side::Buy ? p.bought : p.sold) + static_cast<core::int128>(q);
  // Without a market price (no mid, no last trade) our own latest fill is the
  // best price we know; once the market has one, fills leave the mark alone.
  const bool market_priced = mid(p.bid, p.ask).raw > 0 || p.last.raw > 0;
  const Price mark = market_priced ? p.mark : price;
  const core::int128 mark_notional = net * mark.raw;
  if (!fits(net) || !fits(cost) || !fits(realized) || !fits(fees) || !fits(traded) || !fits(mark_notional)) {
    return false;
  }

  add_share(totals, p, -1);
  p.net = static_cast<std::int64_t>(net);
  p.open_cost = static_cast<std::int64_t>(cost);
  p.realized = static_cast<std::int64_t>(realized);
  p.fees = static_cast<std::int64_t>(fees);
  (side == Side::Buy ? p.bought : p.sold) = static_cast<std::int64_t>(traded);
  p.mark = mark;
  p.unrealized = unrealized_at(p, mark);
  add_share(totals, p, +1);
  return true;
}

// The fill of apply_fill_wide in 64-bit steps, each checked for overflow:
// when none overflows every result is exact and fits, and the fill is booked
// here. False, with nothing changed, when one would (or the quantity is not
// positive): the 128-bit path then decides. The side is a coin toss per
// fill, so it selects (a sign mask) rather than branches; the checks are
// branches never taken, and only a partial close pays for a division.
[[gnu::always_inline]] inline bool fill_narrow(Position& p, PositionTotals& totals, Price fee_per_share, Side side,
                                               std::int64_t q, std::int64_t px) noexcept {
  const bool buy = side == Side::Buy;
  const std::int64_t net = p.net;
  const std::int64_t cost = p.open_cost;
  // x in the fill's direction: x for a buy, -x (mod 2^64) for a sell.
  const Bits flip = Bits{0} - Bits{!buy};
  const auto along = [flip](std::int64_t x) noexcept { return static_cast<std::int64_t>((bits(x) ^ flip) - flip); };

  // Quantities that are not positive, and |INT64_MIN|, are the wide path's.
  if (__builtin_expect((q <= 0) | (net == INT64_MIN), 0)) return false;
  // |net| when the fill reduces the position, else ≤ 0.
  const std::int64_t against = negate(along(net));
  const bool reducing = against > 0;
  const std::int64_t upto = std::min(q, against);  // shares closed when reducing
  const std::int64_t closed = reducing ? upto : 0;
  // Share of the cost removed: cost × closed / |net| truncated; all of it on
  // a full close, none when adding.
  std::int64_t removed = 0;
  if (reducing) {
    if (upto == against) {
      removed = cost;
    } else {
      std::int64_t product = 0;
      if (__builtin_expect(__builtin_mul_overflow(cost, upto, &product), 0)) return false;
      removed = product / against;
    }
  }

  // Money at the fill price, in the fill's direction: all of it, the closed
  // part (realised against the removed cost) and the opened rest (added to
  // the cost). Neither part is larger than the whole, so if the whole fits
  // they do.
  const std::int64_t signed_q = along(q);
  std::int64_t money = 0;
  if (__builtin_expect(__builtin_mul_overflow(px, signed_q, &money), 0)) return false;
  const std::int64_t closed_money = static_cast<std::int64_t>(bits(px) * bits(along(closed)));
  const std::int64_t opened_money = minus(money, closed_money);

  std::int64_t new_net = 0;
  std::int64_t realized = 0;
  std::int64_t new_cost = 0;
  if (__builtin_expect(__builtin_add_overflow(net, signed_q, &new_net), 0)) return false;
  if (__builtin_expect(__builtin_sub_overflow(p.realized, closed_money, &realized), 0)) return false;
  if (__builtin_expect(__builtin_sub_overflow(realized, removed, &realized), 0)) return false;
  if (__builtin_expect(__builtin_sub_overflow(cost, removed, &new_cost), 0)) return false;
  if (__builtin_expect(__builtin_add_overflow(new_cost, opened_money, &new_cost), 0)) return false;

  // Bought and sold both take a (possibly zero) quantity.
  const std::int64_t bought_q = static_cast<std::int64_t>(bits(q) & ~flip);
  const std::int64_t sold_q = static_cast<std::int64_t>(bits(q) & flip);
  std::int64_t fee = 0;
  std::int64_t fees = 0;
  std::int64_t bought = 0;
  std::int64_t sold = 0;
  if (__builtin_expect(__builtin_mul_overflow(fee_per_share.raw, q, &fee), 0)) return false;
  if (__builtin_expect(__builtin_add_overflow(p.fees, fee, &fees), 0)) return false;
  if (__builtin_expect(__builtin_add_overflow(p.bought, bought_q, &bought), 0)) return false;
  if (__builtin_expect(__builtin_add_overflow(p.sold, sold_q, &sold), 0)) return false;

  // Market priced (a mid — both sides quoted — or a last trade): the mark
  // stays; otherwise it moves to this fill's price.
  const bool market_priced = ((p.bid.raw > 0) & (p.ask.raw > 0)) | (p.last.raw > 0);
  const Bits keep = Bits{0} - Bits{market_priced};
  const std::int64_t mark = static_cast<std::int64_t>(bits(px) ^ ((bits(px) ^ bits(p.mark.raw)) & keep));
  std::int64_t notional = 0;
  std::int64_t unrealized = 0;
  if (__builtin_expect(__builtin_mul_overflow(new_net, mark, &notional), 0)) return false;
  // Past 64 bits the 128-bit path clamps it.
  if (__builtin_expect(__builtin_sub_overflow(notional, new_cost, &unrealized), 0)) return false;

  bump(totals.realized, bits(realized) - bits(p.realized));
  bump(totals.unrealized, bits(unrealized) - bits(p.unrealized));
  bump(totals.fees, bits(fee));
  bump(totals.gross_position, abs_bits(new_net) - abs_bits(net));
  bump(totals.net_position, bits(signed_q));
  bump(totals.gross_notional, abs_bits(new_net) * bits(mark) - abs_bits(net) * bits(p.mark.raw));
  bump(totals.net_notional, bits(notional) - bits(net) * bits(p.mark.raw));

  p.net = new_net;
  p.open_cost = new_cost;
  p.realized = realized;
  p.unrealized = unrealized;
  p.fees = fees;
  p.bought = bought;
  p.sold = sold;
  p.mark = Price{mark};
  return true;
}

}  // namespace

PositionBook::PositionBook(std::size_t symbols, MarkSource mark, Price fee_per_share)
    : symbols_(symbols),
      mark_source_(mark),
      fee_per_share_(fee_per_share),
      positions_(std::make_unique<Position[]>(symbols)) {}

Price PositionBook::pick_mark(const Position& p) const noexcept {
  const Price m = mid(p.bid, p.ask);
  const Price first = mark_source_ == MarkSource::Mid ? m : p.last;
  const Price second = mark_source_ == MarkSource::Mid ? p.last : m;
  if (first.raw > 0) return first;
  if (second.raw > 0) return second;
  return p.mark;  // keep what we had (a fill price) rather than marking to zero
}

void PositionBook::contribute(const Position& p, int sign) noexcept { add_share(totals_, p, sign); }

void PositionBook::remark(Position& p, Price mark) noexcept {
  p.mark = mark;
  p.unrealized = unrealized_at(p, mark);
}

bool PositionBook::apply_fill(SymbolId symbol, Side side, Qty quantity, Price price) noexcept {
  Position& p = positions_[symbol.value];
  if (__builtin_expect(fill_narrow(p, totals_, fee_per_share_, side, quantity.value, price.raw), 1)) return true;
  return apply_fill_wide(p, totals_, fee_per_share_, side, quantity.value, price);
}

void PositionBook::move_mark(Position& p, Price m) noexcept {
  if (m == p.mark) return;
  // A mark that would put the position's value past 64 bits is a bad
  // print, not a price: keep the last good one.
  if (!fits(static_cast<core::int128>(p.net) * m.raw)) {
    ++refused_marks_;
    return;
  }
  // Only the mark-dependent totals move.
  const std::int64_t unrealized = unrealized_at(p, m);
  bump(totals_.unrealized, bits(unrealized) - bits(p.unrealized));
  bump(totals_.gross_notional, abs_bits(p.net) * bits(m.raw) - abs_bits(p.net) * bits(p.mark.raw));
  bump(totals_.net_notional, bits(p.net) * bits(m.raw) - bits(p.net) * bits(p.mark.raw));
  p.mark = m;
  p.unrealized = unrealized;
}

void PositionBook::on_quote(SymbolId symbol, Price bid, Price ask) noexcept {
  Position& p = positions_[symbol.value];
  p.bid = bid;
  p.ask = ask;
  move_mark(p, pick_mark(p));
}

void PositionBook::on_trade(SymbolId symbol, Price price) noexcept {
  Position& p = positions_[symbol.value];
  p.last = price;
  move_mark(p, pick_mark(p));
}

}  // namespace hft::trading
