#include "support/fix_corpus.h"

#include <cstdio>
#include <random>
#include <utility>

namespace hft {
namespace bench {
namespace fix_corpus {

namespace {

constexpr std::int64_t kDayStartNs = 1'709'596'800'000'000'000;  // 2024-03-05 00:00:00 UTC
constexpr std::int64_t kOpenNs = kDayStartNs + (13 * 3600 + 30 * 60) * std::int64_t{1'000'000'000};
constexpr char kVenue[] = "HFTVENUE";

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : g_(seed) {}
  /// Uniform in [0, n).
  std::uint64_t below(std::uint64_t n) { return g_() % n; }
  /// Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  bool chance(double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(g_) < p; }
  template <typename T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  std::mt19937_64 g_;
};

struct Instrument {
  const char* symbol;
  std::int64_t price;  // 1e-4 units, the day's reference
};

// Listed names of every price range: sub-dollar names trade in 1e-4, the
// rest in cents.
constexpr Instrument kInstruments[] = {
    {"AAPL", 1'872'500}, {"MSFT", 4'051'200}, {"NVDA", 8'520'100},  {"AMZN", 1'745'300}, {"GOOGL", 1'337'800},
    {"META", 4'981'900}, {"TSLA", 1'804'400}, {"BRK.B", 4'112'300}, {"JPM", 1'840'600},  {"V", 2'799'900},
    {"UNH", 5'023'100},  {"XOM", 1'058'800},  {"JNJ", 1'577'400},   {"WMT", 601'200},    {"PG", 1'600'300},
    {"MA", 4'698'800},   {"HD", 3'702'500},   {"CVX", 1'514'400},   {"ABBV", 1'780'900}, {"KO", 600'700},
    {"PEP", 1'671'300},  {"COST", 7'121'800}, {"AVGO", 12'881'000}, {"ADBE", 5'512'300}, {"CRM", 3'051'500},
    {"NFLX", 6'055'600}, {"AMD", 2'047'800},  {"INTC", 431'200},    {"CSCO", 489'900},   {"ORCL", 1'147'300},
    {"BAC", 344'100},    {"WFC", 553'800},    {"T", 168'200},       {"VZ", 402'800},     {"PFE", 272'100},
    {"F", 121'300},      {"GE", 1'561'200},   {"BA", 2'034'400},    {"CAT", 3'373'000},  {"DIS", 1'112'300},
    {"SPY", 5'123'700},  {"QQQ", 4'391'200},  {"IWM", 2'045'500},   {"GLD", 1'891'100},  {"SOFI", 78'300},
    {"PLTR", 243'500},   {"NIO", 56'100},     {"SNDL", 18'700},     {"MULN", 2'345},     {"GNS", 8'812},
    {"BF.B", 492'700},   {"LCID", 31'900},
};

// A client firm: how it names things and which optional fields it sets.
struct Firm {
  const char* comp_id;
  const char* sub_id_prefix;  // SenderSubID 50 on orders (TargetSubID 57 back), or null
  const char* on_behalf;      // OnBehalfOfCompID 115 (DeliverToCompID 128 back), or null
  int id_style;               // ClOrdID format
  bool numeric_header;        // header tags in number order (QuickFIX style) or 49, 56, 34, 52
  bool account_first;         // body starts 1, 11 rather than 11, 1
  bool micros;                // times with microseconds
  bool pad_cents;             // prices padded to 2 decimals ("187.20")
  double parties;             // share of orders with a Parties group
};

constexpr Firm kFirms[] = {
    {"BANKCLIENT01", "DESK", nullptr, 0, false, false, false, false, 0.30},
    {"HEDGEFUND7", nullptr, nullptr, 1, true, true, true, true, 0.10},
    {"PROPDESK", "TRDR", nullptr, 2, false, false, false, false, 0.50},
    {"BROKERX", "SALES", "CLIENTFUND22", 0, true, false, false, true, 0.80},
    {"MMAKER3", nullptr, nullptr, 2, false, true, true, false, 0.05},
};
constexpr std::size_t kFirmCount = sizeof kFirms / sizeof kFirms[0];

std::string two(unsigned v) {
  char b[3] = {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10), 0};
  return b;
}

// "YYYYMMDD-HH:MM:SS.sss" (or .ssssss) for an instant of the corpus day.
std::string timestamp(std::int64_t ns, bool micros) {
  const std::int64_t of_day = ns - kDayStartNs;
  const auto secs = static_cast<unsigned>(of_day / 1'000'000'000);
  const auto sub = static_cast<unsigned>(of_day % 1'000'000'000);
  char frac[8];
  if (micros) {
    std::snprintf(frac, sizeof frac, "%06u", sub / 1000);
  } else {
    std::snprintf(frac, sizeof frac, "%03u", sub / 1'000'000);
  }
  return "20240305-" + two(secs / 3600) + ":" + two(secs / 60 % 60) + ":" + two(secs % 60) + "." + frac;
}

std::string hex(Rng& rng, int digits) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < digits; ++i) s += kHex[rng.below(16)];
  return s;
}

std::string cl_ord_id(Rng& rng, const Firm& f, std::uint64_t n) {
  switch (f.id_style) {
    case 0:
      return "ORD-20240305-" + std::to_string(100000 + n);
    case 1:
      return hex(rng, 8) + "-" + hex(rng, 4) + "-" + hex(rng, 4);
    default:
      return std::to_string(7'000'000'000ULL + n * 13 + rng.below(13));
  }
}

// Round lots mostly, odd lots and blocks sometimes.
std::int64_t quantity(Rng& rng) {
  const std::uint64_t r = rng.below(100);
  if (r < 65) return 100 * rng.between(1, 50);
  if (r < 85) return rng.between(1, 99);
  if (r < 97) return 100 * rng.between(51, 500);
  return rng.between(1, 250'000);
}

// A price near the reference, on the instrument's tick.
std::int64_t near(Rng& rng, const Instrument& ins) {
  const std::int64_t tick = ins.price < 10'000 ? 1 : 100;
  const std::int64_t span = ins.price / 50 / tick + 1;  // +-2 %
  const std::int64_t p = ins.price + tick * rng.between(-span, span);
  return p < tick ? tick : p;
}

std::string padded_price(std::int64_t raw, bool pad_cents) {
  std::string s = price_text(raw);
  if (!pad_cents) return s;
  const std::size_t dot = s.find('.');
  if (dot == std::string::npos) return s + ".00";
  if (s.size() - dot == 2) s += '0';
  return s;
}

using Fields = std::vector<std::pair<int, std::string>>;

// "8=FIX.4.4|9=N|" + fields + "10=NNN|", BodyLength and CheckSum computed
// here, not by the code under test.
std::string wire(const Fields& fields) {
  std::string body;
  for (const auto& f : fields) {
    body += std::to_string(f.first);
    body += '=';
    body += f.second;
    body += '\x01';
  }
  std::string msg =
      "8=FIX.4.4\x01"
      "9=" +
      std::to_string(body.size()) + '\x01' + body;
  unsigned sum = 0;
  for (const char c : msg) sum += static_cast<unsigned char>(c);
  char trailer[8];
  std::snprintf(trailer, sizeof trailer, "10=%03u", sum % 256);
  return msg + trailer + '\x01';
}

void add_parties(Rng& rng, Fields& f, const char* firm) {
  const int n = 1 + static_cast<int>(rng.below(3));
  f.emplace_back(453, std::to_string(n));
  static const char* const kTraders[] = {"JSMITH", "TRADER42", "AKUMAR", "MLOPEZ", "ZHANGW"};
  static const char* const kRoles[] = {"11", "1", "3", "12"};
  for (int i = 0; i < n; ++i) {
    f.emplace_back(448, i == 1 ? std::string(firm) : std::string(rng.pick(kTraders)));
    f.emplace_back(447, "D");
    f.emplace_back(452, kRoles[static_cast<std::size_t>(i) % 4]);
  }
}

struct State {
  std::int64_t now = kOpenNs;
  std::uint64_t seq_in[kFirmCount] = {};   // client -> venue
  std::uint64_t seq_out[kFirmCount] = {};  // venue -> client
  std::uint64_t orders = 0;
  std::uint64_t execs = 0;
};

void tick(Rng& rng, State& st) {
  // Gaps of microseconds to a few milliseconds, kept on whole ms so the
  // text and the ns value say the same instant.
  st.now += 1'000'000 * (1 + static_cast<std::int64_t>(rng.below(rng.chance(0.9) ? 3 : 40)));
}

Fields header_fields(Rng& rng, const Firm& f, bool to_venue, const Header& h, bool micros) {
  Fields out;
  out.emplace_back(35, to_venue ? "D" : "8");
  const bool resend = rng.chance(0.02);
  const std::string orig = timestamp(h.sending_time_ns - 1'500'000'000, micros);
  std::string sub = f.sub_id_prefix ? std::string(f.sub_id_prefix) + std::to_string(1 + rng.below(9)) : "";
  const int sub_tag = to_venue ? 50 : 57;
  const int route_tag = to_venue ? 115 : 128;
  if (f.numeric_header) {
    out.emplace_back(34, std::to_string(h.msg_seq_num));
    if (resend) out.emplace_back(43, "Y");
    out.emplace_back(49, h.sender_comp_id);
    if (to_venue && !sub.empty()) out.emplace_back(sub_tag, sub);
    out.emplace_back(52, h.sending_time);
    out.emplace_back(56, h.target_comp_id);
    if (!to_venue && !sub.empty()) out.emplace_back(sub_tag, sub);
    if (f.on_behalf) out.emplace_back(route_tag, f.on_behalf);
    if (resend) out.emplace_back(122, orig);
  } else {
    out.emplace_back(49, h.sender_comp_id);
    out.emplace_back(56, h.target_comp_id);
    if (f.on_behalf) out.emplace_back(route_tag, f.on_behalf);
    out.emplace_back(34, std::to_string(h.msg_seq_num));
    if (!sub.empty()) out.emplace_back(sub_tag, sub);
    if (resend) out.emplace_back(43, "Y");
    out.emplace_back(52, h.sending_time);
    if (resend) out.emplace_back(122, orig);
  }
  return out;
}

void make_order(Rng& rng, State& st, Order& o, std::string& text) {
  const std::size_t fi = rng.below(kFirmCount);
  const Firm& f = kFirms[fi];
  const Instrument& ins = rng.pick(kInstruments);
  tick(rng, st);
  o.header.sender_comp_id = f.comp_id;
  o.header.target_comp_id = kVenue;
  o.header.msg_seq_num = ++st.seq_in[fi] + 1000 * (fi + 1);
  o.header.sending_time_ns = st.now;
  o.header.sending_time = timestamp(st.now, f.micros);
  o.cl_ord_id = cl_ord_id(rng, f, ++st.orders);
  o.account = rng.chance(0.5) ? "ACC" + std::to_string(10'000 + rng.below(90'000))
                              : std::string(f.comp_id) + "-" + two(static_cast<unsigned>(rng.below(100)));
  o.symbol = ins.symbol;
  const std::uint64_t side = rng.below(100);
  o.side = side < 48 ? '1' : side < 93 ? '2' : '5';
  o.transact_time = timestamp(st.now - 1'000'000 * static_cast<std::int64_t>(rng.below(3)), f.micros);
  o.order_qty = quantity(rng);
  const std::uint64_t type = rng.below(100);
  o.ord_type = type < 75 ? '2' : type < 90 ? '1' : type < 94 ? '3' : '4';
  o.has_price = o.ord_type == '2' || o.ord_type == '4';
  o.price = o.has_price ? near(rng, ins) : 0;
  o.has_stop_px = o.ord_type == '3' || o.ord_type == '4';
  o.stop_px = o.has_stop_px ? near(rng, ins) : 0;
  const std::uint64_t tif = rng.below(100);
  o.time_in_force = o.ord_type == '1' ? (tif < 70 ? '0' : '3')
                    : tif < 60        ? '0'
                    : tif < 80        ? '3'
                    : tif < 90        ? '1'
                    : tif < 95        ? '4'
                                      : '6';

  Fields fields = header_fields(rng, f, true, o.header, f.micros);
  if (f.account_first) {
    fields.emplace_back(1, o.account);
    fields.emplace_back(11, o.cl_ord_id);
  } else {
    fields.emplace_back(11, o.cl_ord_id);
    fields.emplace_back(1, o.account);
  }
  if (rng.chance(f.parties)) add_parties(rng, fields, f.comp_id);
  fields.emplace_back(21, "1");
  if (rng.chance(0.1)) fields.emplace_back(18, rng.chance(0.5) ? "6" : "M");
  fields.emplace_back(55, o.symbol);
  if (rng.chance(0.1)) {
    fields.emplace_back(48, "US" + std::to_string(100'000'000 + rng.below(900'000'000)) + "0");
    fields.emplace_back(22, "4");
  }
  fields.emplace_back(54, std::string(1, o.side));
  fields.emplace_back(60, o.transact_time);
  fields.emplace_back(38, std::to_string(o.order_qty));
  fields.emplace_back(40, std::string(1, o.ord_type));
  if (o.has_price) fields.emplace_back(44, padded_price(o.price, f.pad_cents));
  if (o.has_stop_px) fields.emplace_back(99, padded_price(o.stop_px, f.pad_cents));
  fields.emplace_back(59, std::string(1, o.time_in_force));
  if (o.time_in_force == '6') fields.emplace_back(126, timestamp(st.now + 3'600'000'000'000, false));
  if (rng.chance(0.1)) fields.emplace_back(100, rng.chance(0.5) ? "XNAS" : "ARCX");
  if (rng.chance(0.03)) fields.emplace_back(58, "algo slice " + std::to_string(rng.below(40)) + " of 40");
  text = wire(fields);
}

void make_report(Rng& rng, State& st, Report& r, std::string& text) {
  const std::size_t fi = rng.below(kFirmCount);
  const Firm& f = kFirms[fi];
  const Instrument& ins = rng.pick(kInstruments);
  tick(rng, st);
  r.header.sender_comp_id = kVenue;
  r.header.target_comp_id = f.comp_id;
  r.header.msg_seq_num = ++st.seq_out[fi] + 5000 * (fi + 1);
  r.header.sending_time_ns = st.now;
  r.header.sending_time = timestamp(st.now, false);
  r.order_id = rng.chance(0.5) ? "OID" + std::to_string(1'000'000'000 + st.execs * 7) : hex(rng, 16);
  r.cl_ord_id = cl_ord_id(rng, f, st.orders + rng.below(5000));
  r.exec_id = "X20240305-" + std::to_string(++st.execs);
  r.account = rng.chance(0.8) ? "ACC" + std::to_string(10'000 + rng.below(90'000)) : "";
  r.symbol = ins.symbol;
  r.side = rng.below(100) < 50 ? '1' : '2';
  r.order_qty = quantity(rng);
  const bool limit = rng.chance(0.85);
  r.has_price = limit;
  r.price = limit ? near(rng, ins) : 0;
  const std::int64_t px = limit ? r.price : near(rng, ins);
  const std::uint64_t kind = rng.below(100);
  r.last_qty = 0;
  r.last_px = 0;
  r.ord_rej_reason = -1;
  r.text.clear();
  r.orig_cl_ord_id.clear();
  if (kind < 35) {  // New
    r.exec_type = '0';
    r.ord_status = '0';
    r.cum_qty = 0;
  } else if (kind < 75) {  // Trade: partial or full
    r.exec_type = 'F';
    const bool full = kind >= 60 || r.order_qty == 1;
    const std::int64_t before = full ? rng.between(0, r.order_qty - 1) : rng.between(0, r.order_qty - 1) / 2;
    r.last_qty = full ? r.order_qty - before : rng.between(1, (r.order_qty - before + 1) / 2);
    r.cum_qty = before + r.last_qty;
    r.ord_status = r.cum_qty == r.order_qty ? '2' : '1';
    r.last_px = px;
  } else if (kind < 87) {  // Canceled, maybe after fills
    r.exec_type = '4';
    r.ord_status = '4';
    r.cum_qty = rng.chance(0.3) ? rng.between(0, r.order_qty - 1) : 0;
    r.orig_cl_ord_id = r.cl_ord_id;
    r.cl_ord_id = cl_ord_id(rng, f, st.orders + 7000 + rng.below(5000));
  } else if (kind < 92) {  // Replaced
    r.exec_type = '5';
    r.ord_status = '5';
    r.cum_qty = 0;
    r.orig_cl_ord_id = r.cl_ord_id;
    r.cl_ord_id = cl_ord_id(rng, f, st.orders + 9000 + rng.below(5000));
  } else if (kind < 97) {  // Rejected
    r.exec_type = '8';
    r.ord_status = '8';
    r.cum_qty = 0;
    static const char* const kWhy[] = {"Unknown symbol", "Price outside limits", "Exceeds order size limit",
                                       "Duplicate ClOrdID", "Too late to enter"};
    const std::size_t why = rng.below(5);
    r.ord_rej_reason = static_cast<std::int64_t>(why == 0 ? 1 : why == 3 ? 6 : why == 4 ? 4 : 3);
    r.text = kWhy[why];
  } else {  // Pending new
    r.exec_type = 'A';
    r.ord_status = 'A';
    r.cum_qty = 0;
  }
  const bool done = r.ord_status == '2' || r.ord_status == '4' || r.ord_status == '8';
  r.leaves_qty = done ? 0 : r.order_qty - r.cum_qty;
  // Average of the fills so far: near the last fill, to 4 decimals.
  r.avg_px = r.cum_qty == 0 ? 0 : (r.last_px != 0 ? r.last_px : px) + rng.between(-90, 90);
  if (r.avg_px < 0) r.avg_px = 0;
  r.transact_time = timestamp(st.now - 1'000'000 * static_cast<std::int64_t>(rng.below(2)), false);
  if (r.text.empty() && rng.chance(0.05)) r.text = "ok";

  Fields fields = header_fields(rng, f, false, r.header, false);
  fields.emplace_back(37, r.order_id);
  fields.emplace_back(11, r.cl_ord_id);
  if (!r.orig_cl_ord_id.empty()) fields.emplace_back(41, r.orig_cl_ord_id);
  fields.emplace_back(17, r.exec_id);
  fields.emplace_back(150, std::string(1, r.exec_type));
  fields.emplace_back(39, std::string(1, r.ord_status));
  if (!r.account.empty()) fields.emplace_back(1, r.account);
  if (rng.chance(0.2)) add_parties(rng, fields, f.comp_id);
  fields.emplace_back(55, r.symbol);
  fields.emplace_back(54, std::string(1, r.side));
  fields.emplace_back(38, std::to_string(r.order_qty));
  fields.emplace_back(40, limit ? "2" : "1");
  if (r.has_price) fields.emplace_back(44, price_text(r.price));
  if (r.last_qty != 0) {
    fields.emplace_back(32, std::to_string(r.last_qty));
    fields.emplace_back(31, price_text(r.last_px));
    if (rng.chance(0.5)) fields.emplace_back(30, rng.chance(0.5) ? "XNAS" : "XNYS");
  }
  fields.emplace_back(151, std::to_string(r.leaves_qty));
  fields.emplace_back(14, std::to_string(r.cum_qty));
  fields.emplace_back(6, price_text(r.avg_px));
  if (r.ord_rej_reason >= 0) fields.emplace_back(103, std::to_string(r.ord_rej_reason));
  fields.emplace_back(60, r.transact_time);
  if (!r.text.empty()) fields.emplace_back(58, r.text);
  text = wire(fields);
}

}  // namespace

std::string price_text(std::int64_t raw) {
  const bool neg = raw < 0;
  const std::uint64_t mag = neg ? 0 - static_cast<std::uint64_t>(raw) : static_cast<std::uint64_t>(raw);
  std::string s = (neg ? "-" : "") + std::to_string(mag / 10'000);
  unsigned frac = static_cast<unsigned>(mag % 10'000);
  if (frac != 0) {
    char d[6];
    std::snprintf(d, sizeof d, ".%04u", frac);
    std::string f = d;
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  return s;
}

Corpus make_corpus(std::size_t count, std::uint64_t seed) {
  Rng rng(seed);
  State st;
  Corpus c;
  c.orders.resize(count);
  c.order_wire.resize(count);
  c.reports.resize(count);
  c.report_wire.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    make_order(rng, st, c.orders[i], c.order_wire[i]);
    make_report(rng, st, c.reports[i], c.report_wire[i]);
  }
  return c;
}

}  // namespace fix_corpus
}  // namespace bench
}  // namespace hft
