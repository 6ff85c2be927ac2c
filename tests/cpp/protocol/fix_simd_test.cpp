// The vector and word-at-a-time parts of the FIX parser against plain
// reference code: CheckSum at every length and alignment, the field index
// (both its AVX-512 and its portable path) with SOH and '=' at every
// position modulo 64, messages that end at the last byte of a readable page,
// and the fast value readers against parse_int / parse_price.
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/mman.h>

#include "hft/protocol/fix.h"

#include "protocol/fix_reference_index.h"

namespace hft::protocol::fix {
namespace {

const std::uint8_t* bytes(const std::string& s) { return reinterpret_cast<const std::uint8_t*>(s.data()); }

// "8=FIX.4.4|9=N|" + body + "10=NNN|" with BodyLength and CheckSum computed
// here; `body` uses '|' for SOH.
std::string wire(std::string body) {
  for (char& c : body) {
    if (c == '|') c = '\x01';
  }
  std::string msg = "8=FIX.4.4\x01" + std::string("9=") + std::to_string(body.size()) + "\x01" + body;
  unsigned sum = 0;
  for (const char c : msg) sum += static_cast<unsigned char>(c);
  const std::string cs = std::to_string(1000 + sum % 256).substr(1);
  return msg + "10=" + cs + "\x01";
}

// ---------------------------------------------------------------- reference index

struct Indexed {
  ParseError error;
  std::vector<Field> fields;
};

// The shared oracle (fix_reference_index.h), in this file's shape.
Indexed reference_index(const std::uint8_t* d, std::size_t n) {
  Indexed r;
  bool indexed = false;
  r.error = reference::reference_index(d, n, r.fields, indexed);
  return r;
}

// MessageView::parse must give exactly what the reference gives: the same
// error, or the same fields.
void expect_same_index(const std::uint8_t* d, std::size_t n, const std::string& what) {
  const Indexed want = reference_index(d, n);
  auto mv = std::make_unique<MessageView>();
  const ParseError got = mv->parse(d, n);
  ASSERT_EQ(static_cast<int>(got.reason), static_cast<int>(want.error.reason)) << what;
  ASSERT_EQ(got.tag, want.error.tag) << what;
  if (!got.ok()) return;
  ASSERT_EQ(mv->size(), want.fields.size()) << what;
  for (std::size_t i = 0; i < mv->size(); ++i) {
    ASSERT_EQ(mv->field(i).tag, want.fields[i].tag) << what << " field " << i;
    ASSERT_EQ(mv->field(i).offset, want.fields[i].offset) << what << " field " << i;
    ASSERT_EQ(mv->field(i).length, want.fields[i].length) << what << " field " << i;
  }
}

void expect_same_index(const std::string& m, const std::string& what) { expect_same_index(bytes(m), m.size(), what); }

// A field with a 5-digit tag sends the whole message down the portable
// index (the AVX-512 one takes tags of up to 4 digits), so each shape below
// is checked on both paths.
std::string portable_variant(std::string body) { return body + "20001=x|"; }

// ---------------------------------------------------------------- CheckSum

TEST(FixChecksum, EveryLengthAndAlignment) {
  std::mt19937_64 rng(3);
  std::vector<std::uint8_t> buf(700 + 64);
  for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
  for (std::size_t align = 0; align < 64; align += 7) {
    for (std::size_t len = 0; len <= 700; ++len) {
      unsigned want = 0;
      for (std::size_t i = 0; i < len; ++i) want += buf[align + i];
      ASSERT_EQ(checksum(buf.data() + align, len), static_cast<std::uint8_t>(want)) << len << " at " << align;
    }
  }
}

// ---------------------------------------------------------------- index

TEST(FixIndexSimd, SeparatorsAtEveryPositionModulo64) {
  // A value whose length walks through 0..130 moves every following SOH and
  // '=' through every position of a 64-byte block (and of 16 and 32).
  for (std::size_t pad = 1; pad <= 130; ++pad) {
    const std::string body = "35=D|49=S|56=T|34=7|52=20240305-12:34:56.789|58=" + std::string(pad, 'x') +
                             "|11=A|55=IBM|54=1|60=20240305-12:34:56|38=100|40=2|44=1.5|";
    expect_same_index(wire(body), "pad " + std::to_string(pad));
    expect_same_index(wire(portable_variant(body)), "portable pad " + std::to_string(pad));
  }
}

TEST(FixIndexSimd, TagLengthsAndShapes) {
  const std::string head = "35=D|49=S|56=T|34=7|52=T|";
  const char* const shapes[] = {
      "1=a|",         "12=ab|",   "123=abc|", "1234=abcd|",    "5000=x|",
      "0012=y|",      "99999=z|",                                              // tag lengths, leading zeros
      "58=a=b|",                                                               // '=' inside a value
      "58==|",                                                                 // value is "="
      "95=3|96=a|b|",                                                          // a data field holding SOH
      "58=|",                                                                  // empty value
      "5x=1|",        "=1|",      "0=1|",     "1234567890=1|", "12345678=1|",  // bad or long tags
      "58=abc",                                                                // no SOH before 10
  };
  for (const char* shape : shapes) {
    for (std::size_t pad = 1; pad <= 70; ++pad) {
      const std::string body = head + "58=" + std::string(pad, 'p') + "|" + shape;
      expect_same_index(wire(body), std::string(shape) + " pad " + std::to_string(pad));
    }
  }
}

TEST(FixIndexSimd, ManyFieldsAndLimits) {
  for (const int extra : {0, 1, 200, 245, 246, 247, 252, 253, 300}) {
    std::string body = "35=0|49=S|56=T|34=7|52=T|";
    for (int i = 0; i < extra; ++i) body += "58=" + std::to_string(i % 10) + "|";
    expect_same_index(wire(body), "extra " + std::to_string(extra));
  }
  // Fields of exactly four bytes: 16 SOH in a 64-byte block.
  std::string body = "35=0|49=S|56=T|34=7|52=T|";
  for (int i = 0; i < 40; ++i) body += "1=" + std::string(1, static_cast<char>('a' + i % 26)) + "|";
  expect_same_index(wire(body), "four-byte fields");
}

TEST(FixIndexSimd, RandomMutationsAgreeWithReference) {
  std::mt19937_64 rng(99);
  const char alphabet[] =
      "0123456789=\x01"
      "ABCxyz.";
  const std::string base = wire(
      "35=8|49=V|56=C|34=1234|52=20240305-12:34:56.789|37=O1|11=C1|17=E1|150=F|39=1|"
      "453=2|448=P1|447=D|452=1|448=P2|447=D|452=3|55=AAPL|54=1|38=100|44=187.25|"
      "32=50|31=187.25|151=50|14=50|6=187.25|60=20240305-12:34:56.789|");
  for (int iter = 0; iter < 20000; ++iter) {
    std::string m = base;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits; ++k) {
      const std::size_t at = rng() % m.size();
      switch (rng() % 3) {
        case 0:
          m[at] = alphabet[rng() % (sizeof alphabet - 1)];
          break;
        case 1:
          m.insert(at, 1, alphabet[rng() % (sizeof alphabet - 1)]);
          break;
        default:
          m.erase(at, 1);
          break;
      }
    }
    if (m.empty()) continue;
    expect_same_index(m, "mutation " + std::to_string(iter));
    if (HasFatalFailure()) return;
  }
}

TEST(FixIndexSimd, Avx512KernelMatchesReference) {
  if (!detail::has_avx512_index()) GTEST_SKIP() << "this CPU has no AVX-512 VBMI2";
  std::mt19937_64 rng(5);
  auto out = std::make_unique<std::array<Field, kMaxFields>>();
  for (std::size_t pad = 1; pad <= 200; ++pad) {
    const std::string m = wire("35=D|49=S|56=T|34=7|52=T|58=" + std::string(pad, 'q') + "|1=ACC|11=X" +
                               std::to_string(rng() % 100000) + "|55=MSFT|54=2|60=20240305-12:34:56|38=5|40=1|");
    const Indexed want = reference_index(bytes(m), m.size());
    ASSERT_TRUE(want.error.ok());
    const std::size_t n = detail::index_fields_avx512(bytes(m), m.size(), out->data());
    ASSERT_EQ(n, want.fields.size()) << pad;
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ((*out)[i].tag, want.fields[i].tag) << pad << " field " << i;
      ASSERT_EQ((*out)[i].offset, want.fields[i].offset) << pad << " field " << i;
      ASSERT_EQ((*out)[i].length, want.fields[i].length) << pad << " field " << i;
    }
  }
  // What it must leave to the portable index.
  for (const char* body : {"35=0|58=a=b|", "35=0|20001=x|", "35=0|95=1|96=x|", "35=0|0=1|", "35=0|58=|"}) {
    const std::string m = wire(body);
    EXPECT_EQ(detail::index_fields_avx512(bytes(m), m.size(), out->data()), 0u) << body;
  }
}

// A page followed by an unreadable one: a message that ends on the last
// readable byte must be framed, indexed and read without touching the next
// page (a read past the end would fault).
class GuardedPage {
 public:
  GuardedPage() {
    page_ = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    void* p = mmap(nullptr, 2 * page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    base_ = static_cast<std::uint8_t*>(p);
    if (mprotect(base_ + page_, page_, PROT_NONE) != 0) base_ = nullptr;
  }
  ~GuardedPage() {
    if (base_ != nullptr) munmap(base_, 2 * page_);
  }
  GuardedPage(const GuardedPage&) = delete;
  GuardedPage& operator=(const GuardedPage&) = delete;

  bool ok() const { return base_ != nullptr; }
  /// `m` copied so its last byte is the page's last readable byte.
  const std::uint8_t* place(const std::string& m) {
    std::uint8_t* at = base_ + page_ - m.size();
    std::memcpy(at, m.data(), m.size());
    return at;
  }

 private:
  std::size_t page_{0};
  std::uint8_t* base_{nullptr};
};

TEST(FixIndexSimd, MessagesEndingAtAPageBoundary) {
  GuardedPage page;
  ASSERT_TRUE(page.ok());
  auto mv = std::make_unique<MessageView>();
  for (std::size_t pad = 1; pad <= 140; ++pad) {
    for (const bool portable : {false, true}) {
      std::string body = "35=D|49=S|56=T|34=7|52=20240305-12:34:56.789|11=" + std::string(pad, 'c') +
                         "|1=A|55=IBM|54=1|60=20240305-12:34:56|38=100|40=2|44=187.25|59=0|";
      if (portable) body = portable_variant(body);
      const std::string m = wire(body);
      const std::uint8_t* p = page.place(m);
      const FrameResult f = find_message(p, m.size());
      ASSERT_EQ(f.status, FrameStatus::Complete) << pad;
      ASSERT_EQ(checksum(p, m.size()), checksum(bytes(m), m.size()));
      expect_same_index(p, m.size(), "page pad " + std::to_string(pad));
      ASSERT_TRUE(mv->parse(p, m.size()).ok());
      NewOrderSingle nos;
      ASSERT_TRUE(nos.parse(*mv).ok()) << pad;
      EXPECT_EQ(nos.price.raw, 1'872'500);
      // Each value read on its own at the very end of the page too.
      for (std::size_t i = 0; i < mv->size(); ++i) {
        std::int64_t a = 0;
        std::int64_t b = 0;
        EXPECT_EQ(mv->int_value(i, a), parse_int(mv->value(i), b));
        core::Price pa;
        core::Price pb;
        EXPECT_EQ(mv->price_value(i, pa), parse_price(mv->value(i), pb));
      }
    }
  }
  // Cut short at the page end: still only NeedMore, never a read past it.
  const std::string m = wire("35=0|49=S|56=T|34=7|52=T|");
  for (std::size_t cut = 1; cut < m.size(); ++cut) {
    const std::string part = m.substr(0, cut);
    EXPECT_EQ(find_message(page.place(part), part.size()).status, FrameStatus::NeedMore) << cut;
  }
}

// ---------------------------------------------------------------- values

TEST(FixValues, FastReadersMatchParseFunctions) {
  std::mt19937_64 rng(11);
  const std::string fixed[] = {"0",
                               "7",
                               "42",
                               "00042",
                               "12345678",
                               "123456789",
                               "99999999",
                               "100000000",
                               "-5",
                               "+5",
                               "1a",
                               "a1",
                               "9223372036854775807",
                               "9223372036854775808",
                               "1.5",
                               "187.25",
                               "0.0001",
                               "1.23456",
                               "1.23450",
                               ".5",
                               "5.",
                               ".",
                               "-1.5",
                               "12345678.1234",
                               "123456789.5",
                               "1.2.3",
                               "1e5",
                               "00.50",
                               "4500",
                               "4500.00",
                               " 1",
                               "1 "};
  std::vector<std::string> values(std::begin(fixed), std::end(fixed));
  const char digits[] = "0123456789";
  for (int i = 0; i < 3000; ++i) {
    std::string v;
    const int len = 1 + static_cast<int>(rng() % 16);
    for (int k = 0; k < len; ++k) v += digits[rng() % 10];
    if (rng() % 2) v.insert(rng() % (v.size() + 1), 1, '.');
    if (rng() % 8 == 0) v[rng() % v.size()] = "-.x "[rng() % 4];
    values.push_back(v);
  }
  auto mv = std::make_unique<MessageView>();
  for (const std::string& v : values) {
    // The value last in the body (the shortest tail behind it) and first.
    for (const bool last : {true, false}) {
      const std::string body = last ? "35=0|49=S|56=T|34=1|52=T|58=" + v + "|" : "35=0|58=" + v + "|49=S|56=T|";
      const std::string m = wire(body);
      ASSERT_TRUE(mv->parse(bytes(m), m.size()).ok()) << v;
      const std::size_t i = mv->find(58);
      std::int64_t a = -1;
      std::int64_t b = -1;
      const ValueStatus sa = mv->int_value(i, a);
      ASSERT_EQ(sa, parse_int(v, b)) << v;
      if (sa == ValueStatus::Ok) {
        EXPECT_EQ(a, b) << v;
      }
      core::Price pa;
      core::Price pb;
      const ValueStatus qa = mv->price_value(i, pa);
      ASSERT_EQ(qa, parse_price(v, pb)) << v;
      if (qa == ValueStatus::Ok) {
        EXPECT_EQ(pa.raw, pb.raw) << v;
      }
    }
  }
}

// ---------------------------------------------------------------- views

TEST(FixViews, RepeatedTagAndGroupErrorsKeepFieldOrder) {
  auto mv = std::make_unique<MessageView>();
  const std::string hdr = "49=S|56=T|34=7|52=T|";
  // A repeat before a bad group reports the repeat; a bad group before a
  // repeat reports the group.
  std::string m = wire("35=D|" + hdr + "11=A|11=B|453=2|448=X|55=IBM|54=1|60=20240305-12:34:56|38=1|40=1|");
  ASSERT_TRUE(mv->parse(bytes(m), m.size()).ok());
  NewOrderSingle nos;
  ParseError e = nos.parse(*mv);
  EXPECT_EQ(e.reason, SessionRejectReason::TagAppearsMoreThanOnce);
  EXPECT_EQ(e.tag, 11u);
  m = wire("35=D|" + hdr + "11=A|453=2|448=X|55=IBM|55=IBM|54=1|60=20240305-12:34:56|38=1|40=1|");
  ASSERT_TRUE(mv->parse(bytes(m), m.size()).ok());
  e = nos.parse(*mv);
  EXPECT_EQ(e.reason, SessionRejectReason::IncorrectNumInGroupCount);
  EXPECT_EQ(e.tag, 453u);
  // A slot tag inside a group is the group's, not a repeat: 372 in
  // MsgTypes (384) of a Logon, and 372 of the Reject body after it.
  m = wire("35=3|" + hdr + "384=1|372=D|385=S|45=9|372=D|");
  ASSERT_TRUE(mv->parse(bytes(m), m.size()).ok());
  Reject rj;
  ASSERT_TRUE(rj.parse(*mv).ok());
  EXPECT_EQ(rj.ref_msg_type, "D");
  // Account (1) is read by NewOrderSingle and ExecutionReport.
  m = wire("35=D|" + hdr + "1=ACC9|11=A|55=IBM|54=1|60=20240305-12:34:56|38=1|40=1|");
  ASSERT_TRUE(mv->parse(bytes(m), m.size()).ok());
  ASSERT_TRUE(nos.parse(*mv).ok());
  EXPECT_EQ(nos.account, "ACC9");
  m = wire("35=D|" + hdr + "1=A|1=B|11=A|55=IBM|54=1|60=20240305-12:34:56|38=1|40=1|");
  ASSERT_TRUE(mv->parse(bytes(m), m.size()).ok());
  EXPECT_EQ(nos.parse(*mv).reason, SessionRejectReason::TagAppearsMoreThanOnce);
}

}  // namespace
}  // namespace hft::protocol::fix
