#pragma once
// The matching rules written the obvious way, for the property test: per
// instrument a std::map of price levels, each a std::deque FIFO. Limit,
// market, IOC and FOK orders, cancel and cancel/replace with the engine's
// priority rules, self-match prevention by cancelling the resting order.
// Ids come from the engine (the model checks rules, not id assignment).

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <vector>

#include "hft/venue/matching_types.h"

namespace hft::venue::test {

class NaiveMatcher {
 public:
  struct Order {
    VenueOrderId id;
    ParticipantId participant;
    std::int64_t leaves;
    std::int64_t executed;
  };
  struct Resting {
    VenueOrderId id;
    std::int64_t price;
    std::int64_t leaves;
  };

  explicit NaiveMatcher(std::size_t instruments) : books_(instruments) {}

  /// `executed` > 0 only for a replaced order re-entering.
  void submit(VenueOrderId id, ParticipantId who, InstrumentId ins, core::Side side, OrderType type, TimeInForce tif,
              std::int64_t price, std::int64_t qty, std::int64_t executed = 0) {
    Book& b = books_[ins];
    const bool buy = side == core::Side::Buy;
    const bool market = type == OrderType::Market;
    const auto crosses = [&](std::int64_t level) { return market || (buy ? level <= price : level >= price); };
    if (tif == TimeInForce::Fok) {
      std::int64_t available = 0;
      const auto count = [&](const auto& ladder) {
        for (const auto& [p, q] : ladder) {
          if (!crosses(p)) break;
          for (const Order& o : q) {
            if (o.participant != who) available += o.leaves;
          }
        }
      };
      if (buy) {
        count(b.asks);
      } else {
        count(b.bids);
      }
      if (available < qty) return;
    }
    std::int64_t leaves = qty;
    const auto sweep = [&](auto& ladder) {
      while (leaves > 0 && !ladder.empty() && crosses(ladder.begin()->first)) {
        std::deque<Order>& q = ladder.begin()->second;
        for (auto it = q.begin(); it != q.end() && leaves > 0;) {
          if (it->participant == who) {
            index_.erase(it->id);
            it = q.erase(it);
            continue;
          }
          const std::int64_t n = leaves < it->leaves ? leaves : it->leaves;
          leaves -= n;
          it->leaves -= n;
          it->executed += n;
          traded += n;
          if (it->leaves == 0) {
            index_.erase(it->id);
            it = q.erase(it);
          } else {
            ++it;
          }
        }
        if (q.empty()) ladder.erase(ladder.begin());
      }
    };
    if (buy) {
      sweep(b.asks);
    } else {
      sweep(b.bids);
    }
    if (leaves > 0 && !market && tif == TimeInForce::Day) {
      Order o{id, who, leaves, executed + qty - leaves};
      if (buy) {
        b.bids[price].push_back(o);
      } else {
        b.asks[price].push_back(o);
      }
      index_[id] = Where{ins, side, price};
    }
  }

  /// False when the engine must reject it (unknown or not the owner's).
  bool cancel(VenueOrderId id, ParticipantId who) {
    Order* o = find(id);
    if (o == nullptr || o->participant != who) return false;
    erase(id);
    return true;
  }

  /// `new_id` is what the engine returned (the same id when priority is kept).
  bool replace(VenueOrderId id, ParticipantId who, VenueOrderId new_id, std::int64_t price, std::int64_t qty) {
    Order* o = find(id);
    if (o == nullptr || o->participant != who) return false;
    const Where w = index_.at(id);
    if (qty <= o->executed) {
      erase(id);
      return true;
    }
    const std::int64_t leaves = qty - o->executed;
    if (price == w.price && leaves <= o->leaves) {
      o->leaves = leaves;
      return true;
    }
    const std::int64_t executed = o->executed;
    erase(id);
    submit(new_id, who, w.ins, w.side, OrderType::Limit, TimeInForce::Day, price, leaves, executed);
    return true;
  }

  /// Resting orders of a side, best price first, time priority within.
  std::vector<Resting> side(InstrumentId ins, core::Side s) const {
    std::vector<Resting> out;
    const auto put = [&out](const auto& ladder) {
      for (const auto& [p, q] : ladder) {
        for (const Order& o : q) out.push_back(Resting{o.id, p, o.leaves});
      }
    };
    if (s == core::Side::Buy) {
      put(books_[ins].bids);
    } else {
      put(books_[ins].asks);
    }
    return out;
  }

  std::int64_t traded{0};  ///< shares executed in total (each trade counted once)

 private:
  struct Book {
    std::map<std::int64_t, std::deque<Order>, std::greater<>> bids;
    std::map<std::int64_t, std::deque<Order>> asks;
  };
  struct Where {
    InstrumentId ins;
    core::Side side;
    std::int64_t price;
  };

  template <typename Ladder>
  static Order* find_in(Ladder& ladder, std::int64_t price, VenueOrderId id) {
    const auto level = ladder.find(price);
    if (level == ladder.end()) return nullptr;
    for (Order& o : level->second) {
      if (o.id == id) return &o;
    }
    return nullptr;
  }
  Order* find(VenueOrderId id) {
    const auto w = index_.find(id);
    if (w == index_.end()) return nullptr;
    Book& b = books_[w->second.ins];
    return w->second.side == core::Side::Buy ? find_in(b.bids, w->second.price, id)
                                             : find_in(b.asks, w->second.price, id);
  }
  template <typename Ladder>
  static void erase_in(Ladder& ladder, std::int64_t price, VenueOrderId id) {
    const auto level = ladder.find(price);
    std::deque<Order>& q = level->second;
    for (auto it = q.begin(); it != q.end(); ++it) {
      if (it->id == id) {
        q.erase(it);
        break;
      }
    }
    if (q.empty()) ladder.erase(level);
  }
  void erase(VenueOrderId id) {
    const Where w = index_.at(id);
    Book& b = books_[w.ins];
    if (w.side == core::Side::Buy) {
      erase_in(b.bids, w.price, id);
    } else {
      erase_in(b.asks, w.price, id);
    }
    index_.erase(id);
  }

  std::vector<Book> books_;
  std::map<VenueOrderId, Where> index_;
};

}  // namespace hft::venue::test
