#include "hft/market_data/synthetic_feed.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <list>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "hft/protocol/itch.h"

namespace hft::market_data {
namespace {

namespace itch = protocol::itch;
using core::Price;
using core::Side;

constexpr std::int64_t kTick = 100;                          // $0.01 in 1e-4 units
constexpr std::uint64_t kOpenNs = 34'200'000'000'000ull;     // 09:30
constexpr std::uint64_t kSessionNs = 23'400'000'000'000ull;  // 6.5 hours
constexpr std::size_t kOpeningFixed = 3;                     // O, S, Q system events
constexpr std::size_t kClosing = 3;                          // M, E, C

constexpr std::array<const char*, 10> kShipped{"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL",
                                               "META", "TSLA", "SPY",  "QQQ",  "BRK.B"};
constexpr std::array<const char*, 6> kMpids{"GSCO", "MSCO", "JPMS", "CDRG", "VIRT", "UBSS"};

// The standard library's distributions differ between implementations; these
// draw from the raw (standardised) mt19937_64 stream so a seed means the
// same feed everywhere.
struct Random {
  explicit Random(std::uint64_t seed) : engine(seed) {}
  std::uint64_t bits() { return engine(); }
  /// Uniform in [0, n).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<core::uint128>(engine()) * n) >> 64);
  }
  /// True with probability num/den.
  bool chance(std::uint64_t num, std::uint64_t den) { return below(den) < num; }
  /// Failures before the first success of a 1/den-per-try event, capped.
  std::uint64_t geometric(std::uint64_t den, std::uint64_t cap) {
    std::uint64_t k = 0;
    while (k < cap && !chance(1, den)) ++k;
    return k;
  }
  std::mt19937_64 engine;
};

struct Resting {
  std::uint32_t symbol;
  Side side;
  std::uint32_t shares;
  std::int64_t price;
  std::list<std::uint64_t>::iterator in_level;
  std::size_t in_live;  // index in the symbol's live vector
};

struct Instrument {
  itch::Stock stock{};
  std::int64_t fair{0};
  std::map<std::int64_t, std::list<std::uint64_t>> bids;  // best = highest
  std::map<std::int64_t, std::list<std::uint64_t>> asks;  // best = lowest
  std::vector<std::uint64_t> live;
};

}  // namespace

std::string synthetic_ticker(std::uint32_t index) {
  if (index < kShipped.size()) return kShipped[index];
  // Four letters from the index, base 26, prefixed by 'Z' so they never
  // collide with the shipped names: ZAAA, ZAAB, ...
  std::string t = "Z";
  std::uint32_t n = index - static_cast<std::uint32_t>(kShipped.size());
  for (int i = 0; i < 4; ++i) {
    t.insert(t.begin() + 1, static_cast<char>('A' + n % 26));
    n /= 26;
  }
  return t;
}

struct SyntheticFeed::State {
  explicit State(const SynthOptions& o) : options(o), rng(o.seed) {}

  SynthOptions options;
  Random rng;
  std::vector<Instrument> instruments;
  std::unordered_map<std::uint64_t, Resting> orders;
  std::uint64_t produced{0};
  std::uint64_t next_ref{0};
  std::uint64_t match{0};
  std::uint64_t now{0};
  std::uint64_t mean_gap{1000};
  std::uint64_t body_end{0};

  std::uint16_t locate(std::uint32_t s) const { return static_cast<std::uint16_t>(s + 1); }

  template <typename M>
  M stamp(std::uint32_t symbol) {
    M m;
    m.locate = symbol == UINT32_MAX ? 0 : locate(symbol);
    m.tracking = 0;
    m.timestamp_ns = now;
    return m;
  }

  std::int64_t best(const Instrument& in, Side side) const {
    if (side == Side::Buy) return in.bids.empty() ? 0 : in.bids.rbegin()->first;
    return in.asks.empty() ? 0 : in.asks.begin()->first;
  }

  // A price `ticks` away from fair on `side`'s passive side, never crossing
  // the other side's best, never below one tick.
  std::int64_t passive_price(const Instrument& in, Side side, std::int64_t ticks) const {
    if (side == Side::Buy) {
      std::int64_t p = in.fair - ticks * kTick;
      const std::int64_t ask = best(in, Side::Sell);
      if (ask > 0 && p >= ask) p = ask - kTick;
      return p < kTick ? kTick : p;
    }
    std::int64_t p = in.fair + ticks * kTick;
    const std::int64_t bid = best(in, Side::Buy);
    if (bid > 0 && p <= bid) p = bid + kTick;
    return p;
  }

  std::uint32_t lot() {
    static constexpr std::array<std::uint32_t, 8> kLots{100, 100, 100, 200, 300, 500, 1000, 2500};
    if (rng.chance(1, 12)) return static_cast<std::uint32_t>(1 + rng.below(99));  // odd lot
    return kLots[rng.below(kLots.size())];
  }

  std::map<std::int64_t, std::list<std::uint64_t>>& side_levels(Instrument& in, Side side) {
    return side == Side::Buy ? in.bids : in.asks;
  }

  void rest(std::uint64_t ref, std::uint32_t symbol, Side side, std::uint32_t shares, std::int64_t price) {
    Instrument& in = instruments[symbol];
    auto& level = side_levels(in, side)[price];
    level.push_back(ref);
    in.live.push_back(ref);
    orders.emplace(ref, Resting{symbol, side, shares, price, std::prev(level.end()), in.live.size() - 1});
  }

  void unrest(std::uint64_t ref) {
    const auto it = orders.find(ref);
    Resting& r = it->second;
    Instrument& in = instruments[r.symbol];
    auto& levels = side_levels(in, r.side);
    const auto lvl = levels.find(r.price);
    lvl->second.erase(r.in_level);
    if (lvl->second.empty()) levels.erase(lvl);
    const std::uint64_t moved = in.live.back();
    in.live[r.in_live] = moved;
    orders.find(moved)->second.in_live = r.in_live;
    in.live.pop_back();
    orders.erase(it);
  }

  std::uint32_t pick_symbol() {
    // Half the flow on the first ten names, the rest spread over all.
    const auto n = static_cast<std::uint32_t>(instruments.size());
    if (n > 10 && rng.chance(1, 2)) return static_cast<std::uint32_t>(rng.below(10));
    return static_cast<std::uint32_t>(rng.below(n));
  }

  std::size_t opening(std::uint64_t i, std::uint8_t* out, std::size_t cap) {
    const std::uint64_t k = instruments.size();
    now = 14'400'000'000'000ull + i * 1000;  // from 04:00
    if (i == 0) {
      auto m = stamp<itch::SystemEvent>(UINT32_MAX);
      m.event_code = 'O';
      return itch::encode(m, out, cap);
    }
    if (i == 1) {
      auto m = stamp<itch::SystemEvent>(UINT32_MAX);
      m.event_code = 'S';
      return itch::encode(m, out, cap);
    }
    if (i < 2 + k) {
      const auto s = static_cast<std::uint32_t>(i - 2);
      auto m = stamp<itch::StockDirectory>(s);
      m.stock = instruments[s].stock;
      m.market_category = 'Q';
      m.financial_status = 'N';
      m.round_lot_size = 100;
      m.round_lots_only = 'N';
      m.issue_classification = 'C';
      m.issue_subtype = {'Z', ' '};
      m.authenticity = 'P';
      m.short_sale_threshold = 'N';
      m.ipo_flag = 'N';
      m.luld_reference_price_tier = '1';
      m.etp_flag = 'N';
      m.inverse_indicator = 'N';
      return itch::encode(m, out, cap);
    }
    if (i < 2 + 2 * k) {
      const auto s = static_cast<std::uint32_t>(i - 2 - k);
      auto m = stamp<itch::StockTradingAction>(s);
      m.stock = instruments[s].stock;
      m.trading_state = 'T';
      m.reason = {' ', ' ', ' ', ' '};
      return itch::encode(m, out, cap);
    }
    now = kOpenNs;
    auto m = stamp<itch::SystemEvent>(UINT32_MAX);
    m.event_code = 'Q';
    return itch::encode(m, out, cap);
  }

  std::size_t closing(std::uint64_t j, std::uint8_t* out, std::size_t cap) {
    now = kOpenNs + kSessionNs + j * 1000;
    auto m = stamp<itch::SystemEvent>(UINT32_MAX);
    m.event_code = j == 0 ? 'M' : j == 1 ? 'E' : 'C';
    return itch::encode(m, out, cap);
  }

  std::size_t add(std::uint32_t s, std::uint8_t* out, std::size_t cap) {
    Instrument& in = instruments[s];
    const Side side = rng.chance(1, 2) ? Side::Buy : Side::Sell;
    // Most orders join within a few ticks of the top; a long tail builds depth.
    const auto ticks = static_cast<std::int64_t>(rng.chance(1, 10) ? 5 + rng.below(300) : rng.geometric(3, 40));
    const std::int64_t price = passive_price(in, side, ticks);
    const std::uint32_t shares = lot();
    const std::uint64_t ref = ++next_ref;
    rest(ref, s, side, shares, price);
    if (rng.chance(1, 30)) {
      auto m = stamp<itch::AddOrderMpid>(s);
      m.ref = ref;
      m.side = side;
      m.shares = shares;
      m.stock = in.stock;
      m.price = Price{price};
      m.attribution = itch::make_alpha<4>(kMpids[rng.below(kMpids.size())]);
      return itch::encode(m, out, cap);
    }
    auto m = stamp<itch::AddOrder>(s);
    m.ref = ref;
    m.side = side;
    m.shares = shares;
    m.stock = in.stock;
    m.price = Price{price};
    return itch::encode(m, out, cap);
  }

  std::uint64_t random_live(std::uint32_t s) {
    const Instrument& in = instruments[s];
    return in.live[rng.below(in.live.size())];
  }

  std::size_t execute(std::uint32_t s, std::uint8_t* out, std::size_t cap) {
    Instrument& in = instruments[s];
    Side side = rng.chance(1, 2) ? Side::Buy : Side::Sell;
    if (side_levels(in, side).empty()) side = core::opposite(side);
    auto& levels = side_levels(in, side);
    const auto& level = side == Side::Buy ? levels.rbegin()->second : levels.begin()->second;
    const std::uint64_t ref = level.front();  // time priority
    Resting& r = orders.find(ref)->second;
    const std::uint32_t shares = rng.chance(1, 3) ? r.shares : static_cast<std::uint32_t>(1 + rng.below(r.shares));
    const std::int64_t price = r.price;
    r.shares -= shares;
    if (r.shares == 0) unrest(ref);
    // The market trades through its top: fair value follows.
    in.fair = price;
    if (rng.chance(1, 15)) {
      auto m = stamp<itch::OrderExecutedWithPrice>(s);
      m.ref = ref;
      m.executed_shares = shares;
      m.match_number = ++match;
      m.printable = 'Y';
      m.execution_price = Price{price};
      return itch::encode(m, out, cap);
    }
    auto m = stamp<itch::OrderExecuted>(s);
    m.ref = ref;
    m.executed_shares = shares;
    m.match_number = ++match;
    return itch::encode(m, out, cap);
  }

  std::size_t cancel(std::uint32_t s, std::uint8_t* out, std::size_t cap) {
    const std::uint64_t ref = random_live(s);
    Resting& r = orders.find(ref)->second;
    if (r.shares < 2) return remove(ref, s, out, cap);
    const auto shares = static_cast<std::uint32_t>(1 + rng.below(r.shares - 1));
    r.shares -= shares;
    auto m = stamp<itch::OrderCancel>(s);
    m.ref = ref;
    m.cancelled_shares = shares;
    return itch::encode(m, out, cap);
  }

  std::size_t remove(std::uint64_t ref, std::uint32_t s, std::uint8_t* out, std::size_t cap) {
    unrest(ref);
    auto m = stamp<itch::OrderDelete>(s);
    m.ref = ref;
    return itch::encode(m, out, cap);
  }

  std::size_t replace(std::uint32_t s, std::uint8_t* out, std::size_t cap) {
    const std::uint64_t old_ref = random_live(s);
    const Resting old = orders.find(old_ref)->second;
    unrest(old_ref);
    Instrument& in = instruments[s];
    const auto shift = static_cast<std::int64_t>(rng.below(5)) - 2;
    std::int64_t price = old.price + shift * kTick;
    // Keep it passive after the move.
    if (old.side == Side::Buy) {
      const std::int64_t ask = best(in, Side::Sell);
      if (ask > 0 && price >= ask) price = ask - kTick;
      if (price < kTick) price = kTick;
    } else {
      const std::int64_t bid = best(in, Side::Buy);
      if (bid > 0 && price <= bid) price = bid + kTick;
    }
    const std::uint32_t shares = lot();
    const std::uint64_t ref = ++next_ref;
    rest(ref, s, old.side, shares, price);
    auto m = stamp<itch::OrderReplace>(s);
    m.original_ref = old_ref;
    m.new_ref = ref;
    m.shares = shares;
    m.price = Price{price};
    return itch::encode(m, out, cap);
  }

  std::size_t hidden_trade(std::uint32_t s, std::uint8_t* out, std::size_t cap) {
    auto m = stamp<itch::Trade>(s);
    m.ref = 0;
    m.side = Side::Buy;
    m.shares = lot();
    m.stock = instruments[s].stock;
    m.price = Price{instruments[s].fair};
    m.match_number = ++match;
    return itch::encode(m, out, cap);
  }

  std::size_t imbalance(std::uint32_t s, std::uint8_t* out, std::size_t cap) {
    const Instrument& in = instruments[s];
    auto m = stamp<itch::Noii>(s);
    m.paired_shares = 100 * (1 + rng.below(500));
    m.imbalance_shares = 100 * rng.below(100);
    m.imbalance_direction = m.imbalance_shares == 0 ? 'N' : (rng.chance(1, 2) ? 'B' : 'S');
    m.stock = in.stock;
    m.far_price = Price{in.fair};
    m.near_price = Price{in.fair};
    m.current_reference_price = Price{in.fair};
    m.cross_type = 'C';
    m.price_variation_indicator = 'L';
    return itch::encode(m, out, cap);
  }

  std::size_t body(std::uint8_t* out, std::size_t cap) {
    now += 1 + rng.below(2 * mean_gap);
    if (now >= body_end) now = body_end - 1;
    const std::uint32_t s = pick_symbol();
    Instrument& in = instruments[s];
    if (rng.chance(1, 20)) in.fair += (rng.chance(1, 2) ? kTick : -kTick);
    if (in.fair < 10 * kTick) in.fair = 10 * kTick;

    const std::size_t n = in.live.size();
    const std::size_t target = options.orders_per_symbol;
    // Adds balance removals so each book hovers around its target depth.
    std::uint64_t add_per_mille = 470;
    if (n < target * 4 / 5) add_per_mille = 620;
    if (n > target * 6 / 5) add_per_mille = 330;
    if (n < 8) return add(s, out, cap);
    const std::uint64_t dice = rng.below(1000);
    if (dice < add_per_mille) return add(s, out, cap);
    const std::uint64_t rest_dice = rng.below(1000);
    if (rest_dice < 560) return remove(random_live(s), s, out, cap);
    if (rest_dice < 730) return replace(s, out, cap);
    if (rest_dice < 870) return execute(s, out, cap);
    if (rest_dice < 930) return cancel(s, out, cap);
    if (rest_dice < 975) return hidden_trade(s, out, cap);
    return imbalance(s, out, cap);
  }
};

SyntheticFeed::SyntheticFeed(const SynthOptions& options) : s_(std::make_unique<State>(options)) {
  if (options.symbols == 0 || options.symbols > 65535) {
    throw std::invalid_argument("symbols must be 1 to 65535, got " + std::to_string(options.symbols));
  }
  const std::uint64_t fixed = kOpeningFixed + 2ull * options.symbols + kClosing;
  if (options.messages < fixed) {
    throw std::invalid_argument("messages must be at least " + std::to_string(fixed) + " for " +
                                std::to_string(options.symbols) + " symbols (directory, status, open and close)");
  }
  s_->instruments.resize(options.symbols);
  for (std::uint32_t i = 0; i < options.symbols; ++i) {
    Instrument& in = s_->instruments[i];
    in.stock = itch::make_stock(synthetic_ticker(i));
    // $10 to $500, on the tick grid.
    in.fair = static_cast<std::int64_t>(10 + s_->rng.below(490)) * 10'000;
    in.live.reserve(options.orders_per_symbol * 2);
  }
  s_->orders.reserve(static_cast<std::size_t>(options.orders_per_symbol) * options.symbols * 2);
  const std::uint64_t body = options.messages - fixed;
  s_->mean_gap = body == 0 ? 1000 : std::max<std::uint64_t>(100, kSessionNs / body);
  s_->body_end = kOpenNs + kSessionNs;
}

SyntheticFeed::~SyntheticFeed() = default;

std::size_t SyntheticFeed::next(std::uint8_t* out, std::size_t capacity) {
  State& s = *s_;
  if (s.produced == s.options.messages) return 0;
  const std::uint64_t opening = kOpeningFixed + 2ull * s.instruments.size();
  const std::uint64_t i = s.produced++;
  if (i < opening) return s.opening(i, out, capacity);
  if (i >= s.options.messages - kClosing) return s.closing(i - (s.options.messages - kClosing), out, capacity);
  if (i == opening) s.now = kOpenNs;
  return s.body(out, capacity);
}

std::uint64_t SyntheticFeed::last_timestamp_ns() const noexcept { return s_->now; }
std::uint64_t SyntheticFeed::produced() const noexcept { return s_->produced; }
const SynthOptions& SyntheticFeed::options() const noexcept { return s_->options; }

}  // namespace hft::market_data
