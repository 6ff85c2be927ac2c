#pragma once
/// @file
/// A seeded corpus of FIX 4.4 NewOrderSingle and ExecutionReport messages as
/// venues and their clients send them: the full standard header, optional
/// header fields some firms set (SenderSubID, OnBehalfOf, PossDup resends,
/// ...), Account, Parties groups, varied symbols, prices, quantities, ids and
/// times, different field orders and id formats per firm. Every message is
/// different, so neither the branch predictor nor any value length settles.
///
/// The wire text is written here from the values, BodyLength and CheckSum
/// included, by code independent of the encoder under test; the values are
/// kept beside it so encoders (ours and QuickFIX) build the same messages.
///
/// This header is C++14 on purpose: the QuickFIX baseline, which must be
/// built as C++14, reads it too.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hft {
namespace bench {
namespace fix_corpus {

/// Header fields both message types carry.
struct Header {
  std::string sender_comp_id;        ///< 49
  std::string target_comp_id;        ///< 56
  std::uint64_t msg_seq_num = 0;     ///< 34
  std::string sending_time;          ///< 52, as on the wire
  std::int64_t sending_time_ns = 0;  ///< 52 as ns since the epoch (ms precision)
};

/// What one NewOrderSingle says. Prices are in 1e-4 units.
struct Order {
  Header header;
  std::string cl_ord_id;       ///< 11
  std::string account;         ///< 1
  std::string symbol;          ///< 55
  char side = '1';             ///< 54
  std::string transact_time;   ///< 60
  std::int64_t order_qty = 0;  ///< 38
  char ord_type = '2';         ///< 40
  bool has_price = false;
  std::int64_t price = 0;  ///< 44
  bool has_stop_px = false;
  std::int64_t stop_px = 0;  ///< 99
  char time_in_force = '0';  ///< 59
};

/// What one ExecutionReport says. Empty strings and zero quantities are
/// fields the message does not carry (as the encoders treat them).
struct Report {
  Header header;
  std::string order_id;        ///< 37
  std::string cl_ord_id;       ///< 11
  std::string orig_cl_ord_id;  ///< 41
  std::string exec_id;         ///< 17
  char exec_type = '0';        ///< 150
  char ord_status = '0';       ///< 39
  std::string account;         ///< 1
  std::string symbol;          ///< 55
  char side = '1';             ///< 54
  std::int64_t order_qty = 0;  ///< 38
  bool has_price = false;
  std::int64_t price = 0;            ///< 44
  std::int64_t last_qty = 0;         ///< 32
  std::int64_t last_px = 0;          ///< 31
  std::int64_t leaves_qty = 0;       ///< 151
  std::int64_t cum_qty = 0;          ///< 14
  std::int64_t avg_px = 0;           ///< 6
  std::string transact_time;         ///< 60
  std::string text;                  ///< 58
  std::int64_t ord_rej_reason = -1;  ///< 103, -1 when absent
};

/// The corpus: values and wire text, index for index.
struct Corpus {
  std::vector<Order> orders;
  std::vector<std::string> order_wire;
  std::vector<Report> reports;
  std::vector<std::string> report_wire;
};

/// `count` NewOrderSingles (client to venue) and `count` ExecutionReports
/// (venue to client), the same for the same `seed`.
Corpus make_corpus(std::size_t count, std::uint64_t seed);

/// "123.45" from 1e-4 units: the shortest exact decimal.
std::string price_text(std::int64_t raw);

}  // namespace fix_corpus
}  // namespace bench
}  // namespace hft
