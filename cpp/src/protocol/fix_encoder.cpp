// Encoder: FIX messages written into a preallocated buffer, BodyLength and
// CheckSum included. Every write also adds its bytes to a running sum, so
// CheckSum needs no second pass over the message: reading back bytes just
// written in pieces (masked and 8-byte stores) waits for those stores to
// reach the cache, which cost more than the sum itself.
#include <cstring>

#include "hft/protocol/fix.h"

#if defined(__AVX512BW__) && defined(__AVX512VL__)
#include <immintrin.h>
#endif

namespace hft::protocol::fix {

namespace {

constexpr std::size_t kTrailerLen = 7;  // "10=NNN\x01"

// Days since 1970-01-01 -> civil date (H. Hinnant's algorithm).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

// "00".."99", two digits per lookup.
constexpr std::array<char, 200> make_pairs() noexcept {
  std::array<char, 200> t{};
  for (std::size_t i = 0; i < 100; ++i) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}
constexpr std::array<char, 200> kPairs = make_pairs();

inline std::uint16_t pair(unsigned v) noexcept {
  std::uint16_t p;
  std::memcpy(&p, &kPairs[2 * v], 2);
  return p;
}

inline void put2(std::uint8_t* p, unsigned v) noexcept { std::memcpy(p, &kPairs[2 * v], 2); }

// Sum of the eight bytes of `w`: pairs into 16-bit lanes, then one
// multiply adds the lanes into the top one.
inline std::uint32_t byte_sum(std::uint64_t w) noexcept {
  const std::uint64_t pairs = (w & 0x00FF00FF00FF00FFull) + ((w >> 8) & 0x00FF00FF00FF00FFull);
  return static_cast<std::uint32_t>((pairs * 0x0001000100010001ull) >> 48);
}

// Sum of the bytes of a literal; folded to a constant once inlined.
template <std::size_t N>
constexpr std::uint32_t literal_sum(const char (&s)[N]) noexcept {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < N; ++i) sum += static_cast<unsigned char>(s[i]);
  return sum;
}

// Sum of `n` bytes mod 256, which is all CheckSum keeps.
std::uint32_t bytes_sum(const char* s, std::size_t n) noexcept {
  return checksum(reinterpret_cast<const std::uint8_t*>(s), n);
}

inline std::size_t digits10(std::uint64_t v) noexcept {
  std::size_t n = 1;
  while (v >= 10'000) {
    v /= 10'000;
    n += 4;
  }
  return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

// `v` (below 10^8) as eight ASCII digits with leading zeros, first digit in
// the lowest byte. Split into two 4-digit halves, then pairs, then digits,
// every step on all lanes of one register with multiply-shift divisions
// (x * 5243 >> 19 is x / 100 for x < 43699, x * 103 >> 10 is x / 10 for
// x < 179): no loop, no branch on the number of digits.
inline std::uint64_t ascii8(std::uint64_t v) noexcept {
  const std::uint64_t hi = v / 10'000;
  std::uint64_t x = hi | ((v - hi * 10'000) << 32);
  const std::uint64_t hundreds = ((x * 5243) >> 19) & 0x0000007F0000007Full;
  x = hundreds | ((x - hundreds * 100) << 16);
  const std::uint64_t tens = ((x * 103) >> 10) & 0x000F000F000F000Full;
  x = tens | ((x - tens * 10) << 8);
  return x | 0x3030303030303030ull;
}

// Leading '0' digits of an ascii8() value, keeping at least one digit.
inline unsigned leading_zeros8(std::uint64_t ascii) noexcept {
  const std::uint64_t digits = ascii & 0x0F0F0F0F0F0F0F0Full;
  return digits == 0 ? 7u : static_cast<unsigned>(__builtin_ctzll(digits)) >> 3;
}

// Writes `v` at `out` (which has 20 bytes of room), adds its bytes to
// `sum`, returns the digit count. Up to 8 digits (nearly every quantity,
// sequence number and price) take one 8-byte store.
inline std::size_t write_uint(std::uint8_t* out, std::uint64_t v, std::uint32_t& sum) noexcept {
  if (v < 100'000'000) {
    const std::uint64_t a = ascii8(v);
    const unsigned lead = leading_zeros8(a);
    const std::uint64_t digits = a >> (8 * lead);
    std::memcpy(out, &digits, 8);
    sum += byte_sum(digits);
    return 8 - lead;
  }
  const std::size_t n = digits10(v);
  std::uint8_t* p = out + n;
  while (v >= 100) {
    const auto r = static_cast<unsigned>(v % 100);
    v /= 100;
    p -= 2;
    put2(p, r);
  }
  if (v >= 10) {
    put2(p - 2, static_cast<unsigned>(v));
  } else {
    p[-1] = static_cast<std::uint8_t>('0' + v);
  }
  sum += bytes_sum(reinterpret_cast<const char*>(out), n);
  return n;
}

// Copies a value and returns the sum of its bytes, without a library call
// for the usual few to few dozen bytes (ids, symbols, times). With AVX-512
// one masked load and store take any length up to 32 (bytes outside the
// mask are neither read nor written) and psadbw sums them from the
// register; otherwise overlapping fixed-size moves, which never read
// outside the source either, summed without the overlap.
inline std::uint32_t copy_value(std::uint8_t* d, const char* s, std::size_t n) noexcept {
#if defined(__AVX512BW__) && defined(__AVX512VL__)
  if (n <= 32) {
    const auto m = static_cast<__mmask32>(n == 32 ? ~0u : (1u << n) - 1);
    const __m256i v = _mm256_maskz_loadu_epi8(m, s);
    _mm256_mask_storeu_epi8(d, m, v);
    const __m256i sad = _mm256_sad_epu8(v, _mm256_setzero_si256());
    const __m128i x = _mm_add_epi64(_mm256_castsi256_si128(sad), _mm256_extracti128_si256(sad, 1));
    return static_cast<std::uint32_t>(_mm_cvtsi128_si64(_mm_add_epi64(x, _mm_unpackhi_epi64(x, x))));
  }
#else
  if (n >= 8 && n <= 16) {
    std::uint64_t a;
    std::uint64_t b;
    std::memcpy(&a, s, 8);
    std::memcpy(&b, s + n - 8, 8);
    std::memcpy(d, &a, 8);
    std::memcpy(d + n - 8, &b, 8);
    // The bytes b shares with a are its low 16 - n (all of it when n is 8).
    return byte_sum(a) + (n == 8 ? 0 : byte_sum(b >> (8 * (16 - n))));
  }
  if (n >= 4 && n < 8) {
    std::uint32_t a;
    std::uint32_t b;
    std::memcpy(&a, s, 4);
    std::memcpy(&b, s + n - 4, 4);
    std::memcpy(d, &a, 4);
    std::memcpy(d + n - 4, &b, 4);
    return byte_sum(a) + byte_sum(std::uint64_t{b} >> (8 * (8 - n)));
  }
  if (n < 4) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      d[i] = static_cast<std::uint8_t>(s[i]);
      sum += static_cast<unsigned char>(s[i]);
    }
    return sum;
  }
#endif
  std::memcpy(d, s, n);
  return bytes_sum(s, n);
}

// A write position inside the encoder's buffer and the sum of the bytes
// written through it, for runs of fields whose total size was checked once
// up front.
struct Cursor {
  std::uint8_t* p;
  std::uint32_t sum{0};

  /// A literal such as "\x01" "55=": separator and tag in one fixed-size copy.
  template <std::size_t N>
  void lit(const char (&s)[N]) noexcept {
    std::memcpy(p, s, N - 1);
    p += N - 1;
    sum += literal_sum(s);
  }
  void tag(std::uint32_t t) noexcept {
    p += write_uint(p, t, sum);
    *p++ = '=';
    sum += '=';
  }
  void str(std::string_view v) noexcept {
    sum += copy_value(p, v.data(), v.size());
    p += v.size();
  }
  void ch(char c) noexcept {
    *p++ = static_cast<std::uint8_t>(c);
    sum += static_cast<unsigned char>(c);
  }
  void soh() noexcept {
    *p++ = kSoh;
    sum += kSoh;
  }
  void uint(std::uint64_t v) noexcept { p += write_uint(p, v, sum); }
  void integer(std::int64_t v) noexcept {
    if (v < 0) ch('-');
    uint(v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v));
  }
  /// Shortest exact decimal: 123.45, 100, -0.0001.
  void price(core::Price px) noexcept {
    if (px.raw < 0) ch('-');
    const std::uint64_t mag = px.raw < 0 ? 0 - static_cast<std::uint64_t>(px.raw) : static_cast<std::uint64_t>(px.raw);
    uint(mag / 10'000);
    const auto frac = static_cast<unsigned>(mag % 10'000);
    if (frac != 0) {
      // ".dddd" always written (one store), then the cursor stops after the
      // last non-zero digit: no loop over trailing zeros.
      const std::uint64_t text = '.' | (std::uint64_t{pair(frac / 100)} << 8) | (std::uint64_t{pair(frac % 100)} << 24);
      std::memcpy(p, &text, 8);
      const unsigned keep = 5 - (unsigned{frac % 10 == 0} + unsigned{frac % 100 == 0} + unsigned{frac % 1000 == 0});
      sum += byte_sum(text & ((std::uint64_t{1} << (8 * keep)) - 1));
      p += keep;
    }
  }
};

// Upper bounds for one field with a tag of up to 3 digits, '=' and SOH
// included, used to check room once for a whole message. Numbers get 8
// bytes more than they print: write_uint stores 8 bytes at a time.
constexpr std::size_t kTagRoom = 3 + 1 + 1;
constexpr std::size_t kCharRoom = kTagRoom + 1;
constexpr std::size_t kIntRoom = kTagRoom + 20 + 8;        // "-" and 19 digits
constexpr std::size_t kPriceRoom = kTagRoom + 20 + 5 + 8;  // "-", 15 digits, "." and 4 digits

}  // namespace

Encoder::Encoder(std::string_view begin_string, std::string_view sender_comp_id,
                 std::string_view target_comp_id) noexcept {
  if (begin_string.size() > 16 || sender_comp_id.size() > 64 || target_comp_id.size() > 64 || begin_string.empty()) {
    bad_config_ = true;
    return;
  }
  // "8=<begin><SOH>9=", everything in front of BodyLength, right-aligned
  // in prefix_ so finish() copies it with one fixed-size move.
  prefix_len_ = begin_string.size() + 5;
  char* b = prefix_.data() + prefix_.size() - prefix_len_;
  std::memcpy(b, "8=", 2);
  std::memcpy(b + 2, begin_string.data(), begin_string.size());
  std::memcpy(b + 2 + begin_string.size(),
              "\x01"
              "9=",
              3);
  prefix_sum_ = bytes_sum(b, prefix_len_);
  char* p = comp_ids_.data();
  std::memcpy(p, "49=", 3);
  std::memcpy(p + 3, sender_comp_id.data(), sender_comp_id.size());
  p += 3 + sender_comp_id.size();
  *p++ = '\x01';
  std::memcpy(p, "56=", 3);
  std::memcpy(p + 3, target_comp_id.data(), target_comp_id.size());
  p += 3 + target_comp_id.size();
  *p++ = '\x01';
  comp_ids_len_ = static_cast<std::size_t>(p - comp_ids_.data());
  comp_ids_sum_ = bytes_sum(comp_ids_.data(), comp_ids_len_);
}

bool Encoder::room(std::size_t n) noexcept {
  // Keep space for the trailer so finish() never needs to check.
  if (overflow_ || n > kCapacity - kTrailerLen - pos_) {
    overflow_ = true;
    return false;
  }
  return true;
}

void Encoder::put_tag(std::uint32_t tag) noexcept {
  Cursor c{buf_.data() + pos_};
  c.tag(tag);
  pos_ = static_cast<std::size_t>(c.p - buf_.data());
  sum_ += c.sum;
}

bool Encoder::put_timestamp(std::int64_t ns) noexcept {
  constexpr std::int64_t kNsPerSec = 1'000'000'000;
  std::int64_t sec = ns / kNsPerSec;
  std::int64_t sub = ns % kNsPerSec;
  if (sub < 0) {
    sub += kNsPerSec;
    --sec;
  }
  if (sec != cached_second_) {
    // "YYYYMMDD-HH:MM:SS." changes once a second: build it then, not per
    // message; only the milliseconds are written every time.
    std::int64_t day = sec / 86'400;
    std::int64_t sod = sec % 86'400;
    if (sod < 0) {
      sod += 86'400;
      --day;
    }
    std::int64_t y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civil_from_days(day, y, m, d);
    if (y < 0 || y > 9999) return false;
    const auto yy = static_cast<unsigned>(y);
    const auto s = static_cast<unsigned>(sod);
    std::uint8_t* t = cached_time_.data();
    put2(t, yy / 100);
    put2(t + 2, yy % 100);
    put2(t + 4, m);
    put2(t + 6, d);
    t[8] = '-';
    put2(t + 9, s / 3600);
    t[11] = ':';
    put2(t + 12, (s / 60) % 60);
    t[14] = ':';
    put2(t + 15, s % 60);
    t[17] = '.';
    cached_time_sum_ = bytes_sum(reinterpret_cast<const char*>(t), cached_time_.size());
    cached_second_ = sec;
  }
  std::uint8_t* p = buf_.data() + pos_;
  std::memcpy(p, cached_time_.data(), cached_time_.size());
  const auto ms = static_cast<unsigned>(sub / 1'000'000);
  p[18] = static_cast<std::uint8_t>('0' + ms / 100);
  put2(p + 19, ms % 100);
  sum_ += cached_time_sum_ + '0' + ms / 100 + ms % 100 / 10 + '0' + ms % 10 + '0';
  pos_ += 21;
  return true;
}

void Encoder::begin(std::string_view msg_type, std::uint64_t seq_num, std::int64_t sending_time_ns) noexcept {
  pos_ = kBodyStart;
  sum_ = 0;
  overflow_ = bad_config_;
  // 35, 49, 56, 34, 52: checked once; a MsgType is 1 or 2 bytes in practice.
  if (!room(kTagRoom + msg_type.size() + comp_ids_len_ + kIntRoom + kTagRoom + 21 + 1)) return;
  Cursor c{buf_.data() + pos_};
  c.lit("35=");
  c.str(msg_type);
  c.soh();
  copy_value(c.p, comp_ids_.data(), comp_ids_len_);
  c.p += comp_ids_len_;
  c.sum += comp_ids_sum_;
  c.lit("34=");
  c.uint(seq_num);
  c.lit(
      "\x01"
      "52=");
  pos_ = static_cast<std::size_t>(c.p - buf_.data());
  sum_ = c.sum;
  if (!put_timestamp(sending_time_ns)) {
    overflow_ = true;
    return;
  }
  buf_[pos_++] = kSoh;
  sum_ += kSoh;
}

void Encoder::add_int(std::uint32_t tag, std::int64_t v) noexcept {
  if (!room(10 + 1 + 21 + 8 + 1)) return;
  Cursor c{buf_.data() + pos_};
  c.tag(tag);
  c.integer(v);
  c.soh();
  pos_ = static_cast<std::size_t>(c.p - buf_.data());
  sum_ += c.sum;
}

void Encoder::add_price(std::uint32_t tag, core::Price p) noexcept {
  if (!room(10 + 1 + 21 + 5 + 8 + 1)) return;
  Cursor c{buf_.data() + pos_};
  c.tag(tag);
  c.price(p);
  c.soh();
  pos_ = static_cast<std::size_t>(c.p - buf_.data());
  sum_ += c.sum;
}

void Encoder::add_str(std::uint32_t tag, std::string_view v) noexcept {
  if (!room(10 + 1 + 8 + v.size() + 1)) return;
  Cursor c{buf_.data() + pos_};
  c.tag(tag);
  c.str(v);
  c.soh();
  pos_ = static_cast<std::size_t>(c.p - buf_.data());
  sum_ += c.sum;
}

void Encoder::add_char(std::uint32_t tag, char ch) noexcept {
  if (!room(10 + 1 + 8 + 1 + 1)) return;
  Cursor c{buf_.data() + pos_};
  c.tag(tag);
  c.ch(ch);
  c.soh();
  pos_ = static_cast<std::size_t>(c.p - buf_.data());
  sum_ += c.sum;
}

void Encoder::add_utc_timestamp(std::uint32_t tag, std::int64_t ns) noexcept {
  if (!room(10 + 1 + 8 + 21 + 1)) return;
  put_tag(tag);
  if (!put_timestamp(ns)) {
    overflow_ = true;
    return;
  }
  buf_[pos_++] = kSoh;
  sum_ += kSoh;
}

ByteView Encoder::finish() noexcept {
  if (overflow_) return {};
  // The body is at most kCapacity bytes, so BodyLength has at most 5
  // digits and the room in front of the body always holds the header:
  // the digits (with leading zeros) end at the SOH before the body, then
  // "8=...|9=" (a fixed-size copy of its right-aligned form) overwrites
  // the zeros in front of them.
  const std::size_t body_len = pos_ - kBodyStart;
  const std::uint64_t digits = ascii8(body_len);
  const unsigned lead = leading_zeros8(digits);
  const std::size_t n = 8 - lead;
  std::memcpy(buf_.data() + kBodyStart - 1 - 8, &digits, 8);
  buf_[kBodyStart - 1] = kSoh;
  std::memcpy(buf_.data() + kBodyStart - 1 - n - prefix_.size(), prefix_.data(), prefix_.size());
  const std::size_t h = kBodyStart - 1 - n - prefix_len_;
  const unsigned sum = (prefix_sum_ + byte_sum(digits >> (8 * lead)) + kSoh + sum_) % 256;
  std::uint8_t* t = buf_.data() + pos_;
  std::memcpy(t, "10=", 3);
  t[3] = static_cast<std::uint8_t>('0' + sum / 100);
  put2(t + 4, sum % 100);
  t[6] = kSoh;
  return {buf_.data() + h, pos_ + kTrailerLen - h};
}

ByteView Encoder::encode_new_order_single(std::uint64_t seq_num, std::int64_t sending_time_ns,
                                          const NewOrderSingle& m) noexcept {
  begin("D", seq_num, sending_time_ns);
  // One room check for the whole body instead of one per field.
  const std::size_t need = 4 * kTagRoom + m.cl_ord_id.size() + m.account.size() + m.symbol.size() +
                           m.transact_time.size() + 3 * kCharRoom + kIntRoom + 2 * kPriceRoom + 1;
  if (!room(need)) return finish();
  Cursor c{buf_.data() + pos_};
  c.lit("11=");
  c.str(m.cl_ord_id);
  if (!m.account.empty()) {
    c.lit(
        "\x01"
        "1=");
    c.str(m.account);
  }
  c.lit(
      "\x01"
      "55=");
  c.str(m.symbol);
  c.lit(
      "\x01"
      "54=");
  c.ch(m.side);
  c.lit(
      "\x01"
      "60=");
  c.str(m.transact_time);
  c.lit(
      "\x01"
      "38=");
  c.integer(m.order_qty);
  c.lit(
      "\x01"
      "40=");
  c.ch(m.ord_type);
  if (m.has_price) {
    c.lit(
        "\x01"
        "44=");
    c.price(m.price);
  }
  if (m.has_stop_px) {
    c.lit(
        "\x01"
        "99=");
    c.price(m.stop_px);
  }
  c.lit(
      "\x01"
      "59=");
  c.ch(m.time_in_force);
  c.soh();
  pos_ = static_cast<std::size_t>(c.p - buf_.data());
  sum_ += c.sum;
  return finish();
}

ByteView Encoder::encode_execution_report(std::uint64_t seq_num, std::int64_t sending_time_ns,
                                          const ExecutionReport& m) noexcept {
  begin("8", seq_num, sending_time_ns);
  const std::size_t need = 8 * kTagRoom + m.order_id.size() + m.cl_ord_id.size() + m.orig_cl_ord_id.size() +
                           m.exec_id.size() + m.account.size() + m.symbol.size() + m.transact_time.size() +
                           m.text.size() + 3 * kCharRoom + 6 * kIntRoom + 3 * kPriceRoom + 1;
  if (!room(need)) return finish();
  Cursor c{buf_.data() + pos_};
  c.lit("37=");
  c.str(m.order_id);
  if (!m.cl_ord_id.empty()) {
    c.lit(
        "\x01"
        "11=");
    c.str(m.cl_ord_id);
  }
  if (!m.orig_cl_ord_id.empty()) {
    c.lit(
        "\x01"
        "41=");
    c.str(m.orig_cl_ord_id);
  }
  c.lit(
      "\x01"
      "17=");
  c.str(m.exec_id);
  c.lit(
      "\x01"
      "150=");
  c.ch(m.exec_type);
  c.lit(
      "\x01"
      "39=");
  c.ch(m.ord_status);
  if (!m.account.empty()) {
    c.lit(
        "\x01"
        "1=");
    c.str(m.account);
  }
  c.lit(
      "\x01"
      "55=");
  c.str(m.symbol);
  c.lit(
      "\x01"
      "54=");
  c.ch(m.side);
  if (m.order_qty != 0) {
    c.lit(
        "\x01"
        "38=");
    c.integer(m.order_qty);
  }
  if (m.has_price) {
    c.lit(
        "\x01"
        "44=");
    c.price(m.price);
  }
  if (m.last_qty != 0) {
    c.lit(
        "\x01"
        "32=");
    c.integer(m.last_qty);
    c.lit(
        "\x01"
        "31=");
    c.price(m.last_px);
  }
  c.lit(
      "\x01"
      "151=");
  c.integer(m.leaves_qty);
  c.lit(
      "\x01"
      "14=");
  c.integer(m.cum_qty);
  c.lit(
      "\x01"
      "6=");
  c.price(m.avg_px);
  if (m.ord_rej_reason >= 0) {
    c.lit(
        "\x01"
        "103=");
    c.integer(m.ord_rej_reason);
  }
  if (!m.transact_time.empty()) {
    c.lit(
        "\x01"
        "60=");
    c.str(m.transact_time);
  }
  if (!m.text.empty()) {
    c.lit(
        "\x01"
        "58=");
    c.str(m.text);
  }
  c.soh();
  pos_ = static_cast<std::size_t>(c.p - buf_.data());
  sum_ += c.sum;
  return finish();
}

}  // namespace hft::protocol::fix
