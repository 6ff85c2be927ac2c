#include "peer_events.h"

#include <cstdio>
#include <cstdlib>

namespace hft {
namespace interop {
namespace {

enum class Kind { Text, Integer, Flag };

struct FieldKey {
  int tag;
  const char* key;
  Kind kind;
};

// Header fields first, then the body fields of the 13 message types a
// session test checks. Values stay text unless they are sequence numbers,
// counts or reason codes a test compares as numbers.
const FieldKey kHeader[] = {
    {122, "orig_sending_time", Kind::Text},
    {52, "sending_time", Kind::Text},
};

const FieldKey kBody[] = {
    {11, "cl_ord_id", Kind::Text},
    {41, "orig_cl_ord_id", Kind::Text},
    {37, "order_id", Kind::Text},
    {17, "exec_id", Kind::Text},
    {150, "exec_type", Kind::Text},
    {39, "ord_status", Kind::Text},
    {55, "symbol", Kind::Text},
    {54, "side", Kind::Text},
    {40, "ord_type", Kind::Text},
    {38, "order_qty", Kind::Text},
    {44, "price", Kind::Text},
    {32, "last_qty", Kind::Text},
    {31, "last_px", Kind::Text},
    {14, "cum_qty", Kind::Text},
    {151, "leaves_qty", Kind::Text},
    {6, "avg_px", Kind::Text},
    {103, "ord_rej_reason", Kind::Integer},
    {434, "cxl_rej_response_to", Kind::Text},
    {102, "cxl_rej_reason", Kind::Integer},
    {58, "text", Kind::Text},
    {98, "encrypt_method", Kind::Integer},
    {108, "heart_bt_int", Kind::Integer},
    {141, "reset_seq_num", Kind::Flag},
    {112, "test_req_id", Kind::Text},
    {7, "begin_seq_no", Kind::Integer},
    {16, "end_seq_no", Kind::Integer},
    {36, "new_seq_no", Kind::Integer},
    {123, "gap_fill", Kind::Flag},
    {45, "ref_seq_num", Kind::Integer},
    {371, "ref_tag_id", Kind::Integer},
    {372, "ref_msg_type", Kind::Text},
    {373, "session_reject_reason", Kind::Integer},
    {380, "business_reject_reason", Kind::Integer},
};

void add(JsonEvent& e, const FIX::FieldMap& map, const FieldKey& f) {
  if (!map.isSetField(f.tag)) return;
  const std::string v = map.getField(f.tag);
  switch (f.kind) {
    case Kind::Text:
      e.str(f.key, v);
      return;
    case Kind::Flag:
      e.boolean(f.key, v == "Y");
      return;
    case Kind::Integer: {
      char* end = nullptr;
      const long long n = std::strtoll(v.c_str(), &end, 10);
      // QuickFIX validated the message, but without a dictionary it does
      // not check formats: keep a malformed number as text, never drop it.
      if (!v.empty() && end != nullptr && *end == '\0')
        e.num(f.key, n);
      else
        e.str(f.key, v);
      return;
    }
  }
}

}  // namespace

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

JsonEvent::JsonEvent(const std::string& event) : line_("{\"event\":" + json_quote(event)) {}

void JsonEvent::key(const std::string& k) { line_ += "," + json_quote(k) + ":"; }

JsonEvent& JsonEvent::str(const std::string& k, const std::string& value) {
  key(k);
  line_ += json_quote(value);
  return *this;
}

JsonEvent& JsonEvent::num(const std::string& k, long long value) {
  key(k);
  line_ += std::to_string(value);
  return *this;
}

JsonEvent& JsonEvent::boolean(const std::string& k, bool value) {
  key(k);
  line_ += value ? "true" : "false";
  return *this;
}

JsonEvent& JsonEvent::message(const FIX::Message& m) {
  describe_message(*this, m);
  return *this;
}

void JsonEvent::emit() {
  line_ += "}\n";
  // One fwrite per line: a reader never sees half an event. A reader that
  // went away (EPIPE, SIGPIPE ignored) is noticed through stdin's EOF.
  std::fwrite(line_.data(), 1, line_.size(), stdout);
  std::fflush(stdout);
  line_.clear();
}

void describe_message(JsonEvent& e, const FIX::Message& m) {
  const FIX::Header& h = m.getHeader();
  e.str("msg_type", h.isSetField(35) ? h.getField(35) : std::string());
  add(e, h, FieldKey{34, "seq", Kind::Integer});
  e.boolean("poss_dup", h.isSetField(43) && h.getField(43) == "Y");
  for (const FieldKey& f : kHeader) add(e, h, f);
  for (const FieldKey& f : kBody) add(e, m, f);
  std::string raw = m.toString();
  for (char& c : raw) {
    if (c == '\x01') c = '|';
  }
  e.str("raw", raw);
}

}  // namespace interop
}  // namespace hft
