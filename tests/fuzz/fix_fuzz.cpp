// libFuzzer target for the FIX 4.4 receive path and encoder: framing as a
// session's read loop does it (resynchronising after every error), the field
// index, every typed view, and the encoder's round trip of the
// NewOrderSingles and ExecutionReports that parse.
//
// Properties: no crash, no out-of-bounds read (ASan), no undefined
// behaviour (UBSan); the framer always makes progress and never claims more
// bytes than it has; CheckSum agrees with a plain byte sum; the index (its
// AVX-512 path where the CPU has one, else the portable one) agrees field
// for field with a plain reference; the fast value readers agree with
// parse_int / parse_price; a parsed NewOrderSingle or ExecutionReport,
// re-encoded, frames as one Complete message and parses back to the same
// values.
//
// Random bytes rarely carry a right BodyLength and CheckSum, so the first
// input byte picks how the rest is used: as a raw stream, or as a message
// body that this target frames itself, optionally behind a valid header of
// one of the engine's message types ('|' stands for SOH there too).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "hft/protocol/fix.h"

#include "protocol/fix_reference_index.h"

namespace {

namespace fix = hft::protocol::fix;
using fix::Field;
using fix::FrameStatus;
using fix::MessageView;
using fix::ParseError;
using fix::SessionRejectReason;

[[noreturn]] void fail() { std::abort(); }

using fix::reference::reference_index;

MessageView& view() {
  static MessageView mv;
  return mv;
}

// The index against the reference, and the value readers against the
// parse functions; true when the message indexed.
bool check_index(const std::uint8_t* d, std::size_t n) {
  static std::vector<Field> want;
  bool indexed = false;
  const ParseError ref = reference_index(d, n, want, indexed);
  MessageView& mv = view();
  const ParseError got = mv.parse(d, n);
  if (got.reason != ref.reason || got.tag != ref.tag) fail();
  if (fix::detail::has_avx512_index()) {
    // Where the AVX-512 index takes a message, it must read every field
    // right (which fields must be where is checked after it); where it
    // declines, the portable index above decided.
    static std::vector<Field> fast(fix::kMaxFields);
    const std::size_t k = fix::detail::index_fields_avx512(d, n, fast.data());
    if (k != 0 && (!indexed || k != want.size())) fail();
    for (std::size_t i = 0; i < k; ++i) {
      if (fast[i].tag != want[i].tag || fast[i].offset != want[i].offset || fast[i].length != want[i].length) fail();
    }
  }
  if (!got.ok()) return false;
  if (mv.size() != want.size()) fail();
  for (std::size_t i = 0; i < mv.size(); ++i) {
    const Field& f = mv.field(i);
    if (f.tag != want[i].tag || f.offset != want[i].offset || f.length != want[i].length) fail();
    std::int64_t a = 0;
    std::int64_t b = 0;
    const fix::ValueStatus sa = mv.int_value(i, a);
    if (sa != fix::parse_int(mv.value(i), b) || (sa == fix::ValueStatus::Ok && a != b)) fail();
    hft::core::Price pa;
    hft::core::Price pb;
    const fix::ValueStatus qa = mv.price_value(i, pa);
    if (qa != fix::parse_price(mv.value(i), pb) || (qa == fix::ValueStatus::Ok && pa != pb)) fail();
  }
  return true;
}

// ---------------------------------------------------------------- round trips

fix::Encoder& encoder() {
  static fix::Encoder enc("FIX.4.4", "FUZZ", "PEER");
  return enc;
}

template <typename T>
bool reparse(hft::protocol::ByteView out, T& back) {
  const fix::FrameResult f = fix::find_message(out.data, out.size);
  if (f.status != FrameStatus::Complete || f.length != out.size) fail();
  static MessageView mv2;
  if (!mv2.parse(out.data, out.size).ok()) fail();
  return back.parse(mv2).ok();
}

void round_trip(const fix::NewOrderSingle& a) {
  const hft::protocol::ByteView out = encoder().encode_new_order_single(1, 0, a);
  if (out.empty()) return;  // a value too long for the encoder's buffer
  fix::NewOrderSingle b;
  if (!reparse(out, b)) fail();
  if (b.cl_ord_id != a.cl_ord_id || b.account != a.account || b.symbol != a.symbol || b.side != a.side ||
      b.transact_time != a.transact_time || b.order_qty != a.order_qty || b.ord_type != a.ord_type ||
      b.has_price != a.has_price || (a.has_price && b.price != a.price) || b.has_stop_px != a.has_stop_px ||
      (a.has_stop_px && b.stop_px != a.stop_px) || b.time_in_force != a.time_in_force) {
    fail();
  }
}

void round_trip(const fix::ExecutionReport& a) {
  const hft::protocol::ByteView out = encoder().encode_execution_report(1, 0, a);
  if (out.empty()) return;
  fix::ExecutionReport b;
  if (!reparse(out, b)) fail();
  // What the encoder leaves out reads back as absent: 38 and 32/31 when
  // zero, 103 when negative.
  if (b.order_id != a.order_id || b.exec_id != a.exec_id || b.exec_type != a.exec_type ||
      b.ord_status != a.ord_status || b.symbol != a.symbol || b.side != a.side || b.leaves_qty != a.leaves_qty ||
      b.cum_qty != a.cum_qty || b.avg_px != a.avg_px || b.cl_ord_id != a.cl_ord_id ||
      b.orig_cl_ord_id != a.orig_cl_ord_id || b.account != a.account || b.order_qty != a.order_qty ||
      b.has_price != a.has_price || (a.has_price && b.price != a.price) || b.last_qty != a.last_qty ||
      (a.last_qty != 0 && b.last_px != a.last_px) || b.transact_time != a.transact_time || b.text != a.text ||
      b.ord_rej_reason != (a.ord_rej_reason < 0 ? -1 : a.ord_rej_reason)) {
    fail();
  }
}

// Every typed view on the indexed message; the two the engine encodes go
// round the encoder.
void check_views(const MessageView& mv) {
  fix::Logon lo;
  (void)lo.parse(mv);
  fix::Heartbeat hb;
  (void)hb.parse(mv);
  fix::TestRequest tr;
  (void)tr.parse(mv);
  fix::ResendRequest rr;
  (void)rr.parse(mv);
  fix::Reject rj;
  (void)rj.parse(mv);
  fix::SequenceReset sr;
  (void)sr.parse(mv);
  fix::Logout lg;
  (void)lg.parse(mv);
  fix::OrderCancelRequest cr;
  (void)cr.parse(mv);
  fix::OrderCancelReplaceRequest rp;
  (void)rp.parse(mv);
  fix::OrderCancelReject cj;
  (void)cj.parse(mv);
  fix::BusinessMessageReject bj;
  (void)bj.parse(mv);
  fix::NewOrderSingle nos;
  if (nos.parse(mv).ok()) round_trip(nos);
  fix::ExecutionReport er;
  if (er.parse(mv).ok()) round_trip(er);
  (void)fix::msg_type_of(mv.msg_type());
}

void check_message(const std::uint8_t* d, std::size_t n) {
  if (check_index(d, n)) check_views(view());
}

// A session's read loop: frame, hand over or drop what the framer says,
// go on from there.
void drain(const std::uint8_t* d, std::size_t n) {
  std::size_t off = 0;
  while (off < n) {
    const fix::FrameResult f = fix::find_message(d + off, n - off);
    if (f.status == FrameStatus::NeedMore) break;
    if (f.length == 0 || f.length > n - off) fail();
    if (f.status == FrameStatus::Complete) {
      unsigned sum = 0;
      for (std::size_t i = 0; i + 7 < f.length; ++i) sum += d[off + i];
      if (fix::checksum(d + off, f.length - 7) != static_cast<std::uint8_t>(sum)) fail();
      check_message(d + off, f.length);
    }
    off += f.length;
  }
}

// Header prefixes for framed bodies: one per message type the views read.
constexpr const char* kHeaders[] = {
    "35=D|49=S|56=T|34=1|52=20240305-12:34:56.789|",
    "35=8|49=S|56=T|34=2|52=20240305-12:34:56.789|",
    "35=A|49=S|56=T|34=3|52=T|98=0|108=30|",
    "35=0|49=S|56=T|34=4|52=T|",
    "35=1|49=S|56=T|34=5|52=T|112=X|",
    "35=2|49=S|56=T|34=6|52=T|7=1|16=0|",
    "35=3|49=S|56=T|34=7|52=T|45=1|",
    "35=4|49=S|56=T|34=8|52=T|36=9|",
    "35=5|49=S|56=T|34=9|52=T|",
    "35=F|49=S|56=T|34=10|52=T|41=A|11=B|55=X|54=1|60=20240305-12:34:56|",
    "35=G|49=S|56=T|34=11|52=T|41=A|11=B|",
    "35=9|49=S|56=T|34=12|52=T|37=O|11=C|41=D|39=0|434=1|",
    "35=j|49=S|56=T|34=13|52=T|372=D|380=3|",
    "",
};
constexpr std::size_t kHeaderCount = sizeof kHeaders / sizeof kHeaders[0];

// Whole NewOrderSingle and ExecutionReport bodies whose values ('%') come
// from the input, one '|'-separated piece each (a default where the input
// runs out): the value conversions, the checks and the encoder round trip
// get inputs that pass the structure checks.
struct Template {
  const char* fields;
  const char* defaults;
};
constexpr Template kTemplates[] = {
    {"35=D|49=%|56=%|34=%|52=%|11=%|1=%|55=%|54=%|60=%|38=%|40=%|44=%|99=%|59=%|",
     "S|T|1|T|C1|A1|IBM|1|T|100|4|1.5|1.25|0"},
    {"35=8|49=%|56=%|34=%|52=%|37=%|11=%|41=%|17=%|150=%|39=%|1=%|55=%|54=%|38=%|44=%|32=%|31=%|151=%|14=%|6=%|"
     "103=%|60=%|58=%|",
     "S|T|1|T|O1|C2|C1|E1|F|1|A1|IBM|2|100|1.5|10|1.5|90|10|1.5|0|T|x"},
};

std::vector<std::string> pieces(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '|' || text[i] == '\x01') {
      out.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string fill(const Template& t, std::string_view input) {
  const std::vector<std::string> given = pieces(input);
  const std::vector<std::string> fallback = pieces(t.defaults);
  std::string body;
  std::size_t k = 0;
  for (const char* c = t.fields; *c != 0; ++c) {
    if (*c != '%') {
      body += *c;
      continue;
    }
    body += k < given.size() ? given[k] : fallback[k < fallback.size() ? k : 0];
    ++k;
  }
  return body;
}

// "8=FIX.4.4|9=N|" + body + "10=NNN|" with the right BodyLength and CheckSum.
std::string framed(std::string body) {
  for (char& c : body) {
    if (c == '|') c = '\x01';
  }
  std::string msg = "8=FIX.4.4\x01" + std::string("9=") + std::to_string(body.size()) + "\x01" + body;
  unsigned sum = 0;
  for (const char c : msg) sum += static_cast<unsigned char>(c);
  return msg + "10=" + std::to_string(1000 + sum % 256).substr(1) + "\x01";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::uint8_t* rest = data + 1;
  const std::size_t n = size - 1;
  if (mode % 2 == 0) {
    // Raw bytes: a TCP stream, and the whole input as one unframed message.
    drain(rest, n);
    check_message(rest, n);
    return 0;
  }
  // A body framed here: behind one of the headers, or a whole template
  // filled from the input.
  const std::size_t pick = (mode / 2) % (kHeaderCount + 2);
  const std::string_view input(reinterpret_cast<const char*>(rest), n);
  const std::string body = pick < kHeaderCount ? std::string(kHeaders[pick]) + std::string(input)
                                               : fill(kTemplates[pick - kHeaderCount], input);
  // Twice in a row, so the framer also sees a message follow another.
  const std::string one = framed(body);
  if (one.size() > fix::kMaxMessageSize) return 0;
  const std::string two = one + one;
  drain(reinterpret_cast<const std::uint8_t*>(two.data()), two.size());
  return 0;
}
