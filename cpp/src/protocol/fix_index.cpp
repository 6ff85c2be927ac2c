// MessageView: the zero-copy field index of one framed message, its lookups
// and repeating-group walks.
#include <array>
#include <cstring>

#include "hft/protocol/fix.h"

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace hft::protocol::fix {

namespace {

bool is_digit(std::uint8_t c) noexcept { return static_cast<unsigned>(c - '0') < 10u; }

constexpr std::size_t kMaxWords = kMaxMessageSize / 64;

// One bit per byte of a message, set where the byte is SOH. Built up front
// with vector compares, so the index walks field ends with tzcnt instead of
// a byte loop whose exit mispredicts on every value length.
class SohBits {
 public:
  SohBits(const std::uint8_t* data, std::size_t size) noexcept : size_(size), words_((size + 63) / 64) {
    std::size_t i = 0;
    std::size_t w = 0;
    std::size_t count = 0;
#if defined(__SSE2__)
    if (size >= kChunk) {
      // Each word is built in a register and stored once (or-ing chunks
      // into memory made every chunk wait on the previous store), and
      // counted while it is there.
      for (; size - i >= 64; i += 64) {
        std::uint64_t word = 0;
        for (std::size_t k = 0; k < 64; k += kChunk) word |= std::uint64_t{mask_at(data + i + k)} << k;
        bits_[w++] = word;
        count += static_cast<std::size_t>(__builtin_popcountll(word));
      }
      if (i < size) {
        std::uint64_t word = 0;
        std::size_t k = 0;
        for (; size - i - k >= kChunk; k += kChunk) word |= std::uint64_t{mask_at(data + i + k)} << k;
        if (i + k < size) {
          // The tail: one load that ends at the last byte (never past it,
          // so a message at the end of a page is safe), less the bytes
          // already counted.
          const std::size_t rest = size - i - k;
          word |= std::uint64_t{mask_at(data + size - kChunk) >> (kChunk - rest)} << k;
        }
        bits_[w++] = word;
        count += static_cast<std::size_t>(__builtin_popcountll(word));
      }
      count_ = count;
      return;
    }
#endif
    for (; w < words_; ++w) bits_[w] = 0;
    for (; i < size; ++i) {
      const bool soh = data[i] == kSoh;
      bits_[i / 64] |= std::uint64_t{soh} << (i % 64);
      count += soh;
    }
    count_ = count;
  }

  /// Number of SOH bytes: an upper bound on the number of fields.
  std::size_t count() const noexcept { return count_; }

  /// Writes the position of every SOH to `out` (count() entries, and up to
  /// kFlattenSlack scratch entries past them). A fixed number of positions
  /// is extracted per word whether or not the word has that many, so no
  /// branch depends on how many fields a word holds (a mispredicted loop
  /// exit per 64 bytes cost more than the extraction).
  void flatten(std::uint16_t* out) const noexcept {
    std::size_t n = 0;
    for (std::size_t w = 0; w < words_; ++w) {
      std::uint64_t m = bits_[w];
      const auto base = static_cast<unsigned>(w * 64);
      const auto cnt = static_cast<std::size_t>(__builtin_popcountll(m));
#if defined(__AVX512VBMI2__) && defined(__AVX512BW__)
      // The positions of the set bits of each half word in one compress
      // instruction each, written whole (32 entries) and advanced by count.
      const __m512i iota = _mm512_set_epi16(31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13,
                                            12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
      const __m512i lo = _mm512_add_epi16(iota, _mm512_set1_epi16(static_cast<short>(base)));
      const __m512i hi = _mm512_add_epi16(lo, _mm512_set1_epi16(32));
      const auto lo_bits = static_cast<__mmask32>(m);
      _mm512_storeu_si512(out + n, _mm512_maskz_compress_epi16(lo_bits, lo));
      _mm512_storeu_si512(out + n + static_cast<std::size_t>(__builtin_popcount(lo_bits)),
                          _mm512_maskz_compress_epi16(static_cast<__mmask32>(m >> 32), hi));
#else
      for (std::size_t k = 0; k < 8; ++k) {
        // | bit 63: defined for an empty word; a real lowest bit wins.
        out[n + k] = static_cast<std::uint16_t>(base + static_cast<unsigned>(__builtin_ctzll(m | kTop)));
        m &= m - 1;
      }
      for (std::size_t k = 8; k < cnt; ++k) {
        out[n + k] = static_cast<std::uint16_t>(base + static_cast<unsigned>(__builtin_ctzll(m)));
        m &= m - 1;
      }
#endif
      n += cnt;
    }
  }

#if defined(__AVX512VBMI2__) && defined(__AVX512BW__)
  static constexpr std::size_t kFlattenSlack = 64;
#else
  static constexpr std::size_t kFlattenSlack = 8;
#endif

  /// First SOH at or after `p`, or the message size.
  std::size_t next(std::size_t p) const noexcept {
    std::size_t word = p / 64;
    if (word >= words_) return size_;
    std::uint64_t m = bits_[word] & (~std::uint64_t{0} << (p % 64));
    while (m == 0) {
      if (++word == words_) return size_;
      m = bits_[word];
    }
    return word * 64 + static_cast<std::size_t>(__builtin_ctzll(m));
  }

 private:
#if defined(__AVX2__)
  static constexpr std::size_t kChunk = 32;
  static std::uint32_t mask_at(const std::uint8_t* p) noexcept {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(kSoh))));
  }
#elif defined(__SSE2__)
  static constexpr std::size_t kChunk = 16;
  static std::uint32_t mask_at(const std::uint8_t* p) noexcept {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(kSoh))));
  }
#endif

  static constexpr std::uint64_t kTop = std::uint64_t{1} << 63;

  std::size_t size_;
  std::size_t words_;
  std::size_t count_{0};
  std::uint64_t bits_[kMaxWords];  // filled up to words_ only: no zeroing cost
};

// Tags that need more than "tag=value<SOH>": 0 (invalid) and the length
// fields whose data field may hold SOH. Indexed by tag mod 1024, so a hit
// is only a hint and the careful path decides.

constexpr std::array<std::uint8_t, 1024> make_careful() noexcept {
  std::array<std::uint8_t, 1024> t{};
  t[0] = 1;
  for (const std::uint32_t tag : detail::kLengthTags) t[tag] = 1;
  return t;
}
constexpr std::array<std::uint8_t, 1024> kCareful = make_careful();

// Length field -> the data field it sizes (FIX "data" type values may hold SOH).
constexpr std::uint32_t data_tag_for(std::uint32_t length_tag) noexcept {
  switch (length_tag) {
    case 90:
      return 91;
    case 93:
      return 89;
    case 95:
      return 96;
    case 212:
      return 213;
    case 348:
      return 349;
    case 350:
      return 351;
    case 352:
      return 353;
    case 354:
      return 355;
    case 356:
      return 357;
    case 358:
      return 359;
    case 360:
      return 361;
    case 362:
      return 363;
    case 364:
      return 365;
    case 445:
      return 446;
    case 618:
      return 619;
    case 621:
      return 622;
    default:
      return 0;
  }
}

// The list and the switch name the same length fields.
constexpr bool length_tags_agree() noexcept {
  std::size_t listed = 0;
  for (const std::uint32_t tag : detail::kLengthTags) {
    if (data_tag_for(tag) == 0) return false;
    ++listed;
  }
  std::size_t mapped = 0;
  for (std::uint32_t tag = 0; tag < 1024; ++tag) mapped += data_tag_for(tag) != 0;
  return listed == mapped;
}
static_assert(length_tags_agree(), "detail::kLengthTags and data_tag_for must name the same tags");

// Indexes plain "tag=value<SOH>" fields from the start of the message, one
// per SOH (`ends`, `n_ends` of them). Tag bytes are checked and converted
// in a register. Stops (and returns the start of the field it could not
// take, or `size` when done) at anything unusual: a malformed or 8+ digit
// tag, an empty value, tag 0, a length field (its data field may hold SOH);
// the careful loop then takes over from there with the exact error handling.
std::size_t index_plain(const std::uint8_t* data, std::size_t size, const std::uint16_t* ends, std::size_t n_ends,
                        Field* out, std::size_t& count) noexcept {
  std::size_t p = 0;
  Field* f = out + count;
  const std::size_t last_load = size - 8;
  for (std::size_t k = 0; k < n_ends; ++k) {
    const std::size_t end = ends[k];
    std::uint64_t x;
    if (p <= last_load) {
      std::memcpy(&x, data + p, 8);
    } else {
      // The trailer: load the last 8 bytes instead of reading past the
      // end; the zeros shifted in are non-digits.
      std::memcpy(&x, data + last_load, 8);
      x >>= 8 * (p - last_load);
    }
    // Tags of 1..3 digits (nearly all) are checked and converted in 32
    // bits, where every constant is an immediate; longer ones take the
    // 64-bit path.
    const std::uint32_t t = static_cast<std::uint32_t>(x) ^ 0x30303030u;
    const std::uint32_t non_digit = (((t & 0x7F7F7F7Fu) + 0x76767676u) | t) & 0x80808080u;
    unsigned len;
    std::uint32_t tag;
    if (non_digit != 0) {
      len = static_cast<unsigned>(__builtin_ctz(non_digit)) >> 3;
      // Digits moved to the top, then pairs and the whole in one multiply
      // each (see detail::digits_value).
      std::uint32_t v = t << ((32 - 8 * len) & 31);
      v = ((v * (10 * 256 + 1)) >> 8) & 0x00FF00FFu;
      tag = (v * (100 * 65536 + 1)) >> 16;
    } else {
      len = detail::leading_digits(x);
      if (len == 8) break;
      tag = detail::digits_value(x, len);
    }
    const std::size_t value = p + len + 1;
    // 1..7 digits, then '=', then a value that is not empty.
    if (len == 0 || ((x >> (8 * len)) & 0xFF) != '=' || value == end) break;
    if (kCareful[tag & 1023] != 0) break;
    *f++ = Field{tag, static_cast<std::uint32_t>(value), static_cast<std::uint32_t>(end - value)};
    p = end + 1;
  }
  count = static_cast<std::size_t>(f - out);
  return p;
}

}  // namespace

// ---------------------------------------------------------------- message index

ParseError MessageView::parse(const std::uint8_t* data, std::size_t size) noexcept {
  data_ = data;
  size_ = size;
  count_ = 0;
  if (size > kMaxMessageSize) return {SessionRejectReason::Other, 0};
  // A message ends in SOH (find_message checked it; a direct caller may not
  // have): with that, the tag loop below needs no end-of-buffer test.
  if (size == 0 || data[size - 1] != kSoh) return {SessionRejectReason::IncorrectDataFormat, 10};
  // Asked once: what the CPU has does not change.
  static const bool avx512 = detail::has_avx512_index();
  if (avx512) {
    if (const std::size_t n = detail::index_fields_avx512(data, size, fields_.data()); n != 0) {
      count_ = n;
      return check_structure();
    }
  }
  const SohBits soh(data, size);
  std::size_t p = 0;
  // More SOH than kMaxFields may still be few enough fields (data values
  // hold SOH): the careful loop counts exactly.
  if (const std::size_t n_ends = soh.count(); size >= 8 && n_ends <= kMaxFields) {
    std::uint16_t ends[kMaxFields + SohBits::kFlattenSlack];
    soh.flatten(ends);
    p = index_plain(data, size, ends, n_ends, fields_.data(), count_);
  }
  std::uint32_t pending_data_tag = 0;  // set after a length field
  std::size_t pending_data_len = 0;
  while (p < size) {
    // Tag: 1..9 digits then '='.
    std::uint32_t tag = 0;
    const std::size_t tag_start = p;
    while (is_digit(data[p]) && p - tag_start < 9) tag = tag * 10 + static_cast<std::uint32_t>(data[p++] - '0');
    if (p == tag_start || p >= size || data[p] != '=' || tag == 0) {
      return {SessionRejectReason::InvalidTagNumber, tag};
    }
    ++p;
    const std::size_t v = p;
    if (pending_data_tag != 0 && tag == pending_data_tag) {
      if (pending_data_len > size - v || v + pending_data_len >= size || data[v + pending_data_len] != kSoh) {
        return {SessionRejectReason::IncorrectDataFormat, tag};
      }
      p = v + pending_data_len;
    } else {
      p = soh.next(v);
      if (p == size) return {SessionRejectReason::IncorrectDataFormat, tag};
    }
    if (p == v) return {SessionRejectReason::TagSpecifiedWithoutValue, tag};
    if (count_ == kMaxFields) return {SessionRejectReason::Other, tag};
    fields_[count_++] = Field{tag, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(p - v)};
    // Length fields are 90..621: most tags skip the table.
    pending_data_tag = (tag >= 90 && tag <= 621) ? data_tag_for(tag) : 0;
    if (pending_data_tag != 0) {
      std::int64_t len = 0;
      if (parse_int(value(count_ - 1), len) != ValueStatus::Ok || len < 0) {
        return {SessionRejectReason::IncorrectDataFormat, tag};
      }
      pending_data_len = static_cast<std::size_t>(len);
    }
    ++p;  // SOH
  }
  return check_structure();
}

ParseError MessageView::check_structure() const noexcept {
  if (count_ < 4 || fields_[0].tag != 8 || fields_[1].tag != 9) return {SessionRejectReason::TagSpecifiedOutOfOrder, 8};
  if (fields_[2].tag != 35) return {SessionRejectReason::RequiredTagMissing, 35};
  if (fields_[count_ - 1].tag != 10) return {SessionRejectReason::TagSpecifiedOutOfOrder, 10};
  return {};
}

std::size_t MessageView::find(std::uint32_t tag, std::size_t from) const noexcept {
  for (std::size_t i = from; i < count_; ++i) {
    if (fields_[i].tag == tag) return i;
  }
  return count_;
}

std::string_view MessageView::get(std::uint32_t tag) const noexcept {
  const std::size_t i = find(tag);
  return i == count_ ? std::string_view{} : value(i);
}

ValueStatus MessageView::get_int(std::uint32_t tag, std::int64_t& out) const noexcept {
  const std::size_t i = find(tag);
  return i == count_ ? ValueStatus::Missing : int_value(i, out);
}

ValueStatus MessageView::get_price(std::uint32_t tag, core::Price& out) const noexcept {
  const std::size_t i = find(tag);
  return i == count_ ? ValueStatus::Missing : price_value(i, out);
}

ValueStatus MessageView::get_char(std::uint32_t tag, char& out) const noexcept {
  const std::string_view v = get(tag);
  if (v.empty()) return ValueStatus::Missing;
  if (v.size() != 1) return ValueStatus::BadFormat;
  out = v[0];
  return ValueStatus::Ok;
}

// ---------------------------------------------------------------- groups

namespace {
constexpr std::uint32_t kParties[] = {448, 447, 452, 802, 523, 803};
constexpr std::uint32_t kPartySubs[] = {523, 803};
constexpr std::uint32_t kMiscFees[] = {137, 138, 139, 891};
constexpr std::uint32_t kContraBrokers[] = {375, 337, 437, 438, 655};
constexpr std::uint32_t kTradingSessions[] = {336, 625};
constexpr std::uint32_t kMsgTypes[] = {372, 385};
constexpr std::uint32_t kHops[] = {628, 629, 630};
constexpr std::uint32_t kSecAltIds[] = {455, 456};
constexpr std::uint32_t kStipulations[] = {233, 234};
constexpr std::uint32_t kEvents[] = {865, 866, 867, 868};

template <std::size_t N>
constexpr GroupSpec spec(std::uint32_t count, const std::uint32_t (&m)[N]) noexcept {
  return GroupSpec{count, m[0], m, N};
}

constexpr GroupSpec kGroups[] = {
    spec(453, kParties),         spec(802, kPartySubs), spec(136, kMiscFees), spec(382, kContraBrokers),
    spec(386, kTradingSessions), spec(384, kMsgTypes),  spec(627, kHops),     spec(454, kSecAltIds),
    spec(232, kStipulations),    spec(864, kEvents),
};

constexpr std::size_t kGroupCount = sizeof kGroups / sizeof kGroups[0];

constexpr bool same_count_tags() noexcept {
  if (kGroupCount != sizeof detail::kGroupCountTags / sizeof detail::kGroupCountTags[0]) return false;
  for (std::size_t g = 0; g < kGroupCount; ++g) {
    if (kGroups[g].count_tag != detail::kGroupCountTags[g]) return false;
  }
  return true;
}
static_assert(same_count_tags(), "detail::kGroupCountTags must list kGroups' count tags in order");
static_assert(kGroupCount <= 16, "membership is one bit per known group");
constexpr std::size_t kMemberTableSize = 1024;

// Bit g of kMemberOf[tag]: tag is a member of kGroups[g]. Every known
// member tag is below 1024.
constexpr std::array<std::uint16_t, kMemberTableSize> make_member_of() noexcept {
  std::array<std::uint16_t, kMemberTableSize> t{};
  for (std::size_t g = 0; g < kGroupCount; ++g) {
    for (std::size_t k = 0; k < kGroups[g].member_count; ++k) {
      t[kGroups[g].members[k]] = static_cast<std::uint16_t>(t[kGroups[g].members[k]] | (1u << g));
    }
  }
  return t;
}
constexpr std::array<std::uint16_t, kMemberTableSize> kMemberOf = make_member_of();

// Which of kGroups `g` is, or kGroupCount for a caller's own spec.
// Addresses as integers: comparing pointers into different arrays is
// unspecified.
std::size_t known_group(const GroupSpec& g) noexcept {
  const auto at = reinterpret_cast<std::uintptr_t>(&g);
  const auto first = reinterpret_cast<std::uintptr_t>(kGroups);
  return at >= first && at < first + sizeof kGroups ? (at - first) / sizeof(GroupSpec) : kGroupCount;
}

// A table lookup for the groups above, the member list for a caller's own.
bool is_member(const GroupSpec& g, std::size_t known, std::uint32_t tag) noexcept {
  if (known < kGroupCount) return tag < kMemberTableSize && ((unsigned{kMemberOf[tag]} >> known) & 1u) != 0;
  for (std::size_t k = 0; k < g.member_count; ++k) {
    if (g.members[k] == tag) return true;
  }
  return false;
}
}  // namespace

const GroupSpec* find_group_spec(std::uint32_t count_tag) noexcept {
  for (const GroupSpec& g : kGroups) {
    if (g.count_tag == count_tag) return &g;
  }
  return nullptr;
}

GroupWalk MessageView::walk_group(std::size_t count_index, const GroupSpec& spec, std::size_t* starts,
                                  std::size_t max_starts) const noexcept {
  GroupWalk w;
  std::int64_t n = 0;
  const ValueStatus st = int_value(count_index, n);
  if (st != ValueStatus::Ok || n < 0) {
    w.error = {st == ValueStatus::BadFormat ? SessionRejectReason::IncorrectDataFormat
                                            : SessionRejectReason::IncorrectNumInGroupCount,
               spec.count_tag};
    w.end = count_index + 1;
    return w;
  }
  const std::size_t known = known_group(spec);
  std::size_t i = count_index + 1;
  std::size_t seen = 0;
  // The trailer (10) is never a member, so the walk stops before it.
  while (i < count_ && fields_[i].tag == spec.delimiter_tag) {
    if (seen < max_starts && starts != nullptr) starts[seen] = i;
    ++seen;
    ++i;
    while (i < count_ && fields_[i].tag != spec.delimiter_tag && is_member(spec, known, fields_[i].tag)) ++i;
  }
  w.instances = seen;
  w.end = i;
  if (seen != static_cast<std::uint64_t>(n)) {
    const bool member_first = seen == 0 && i < count_ && is_member(spec, known, fields_[i].tag);
    w.error = {member_first ? SessionRejectReason::RepeatingGroupFieldsOutOfOrder
                            : SessionRejectReason::IncorrectNumInGroupCount,
               spec.count_tag};
  }
  return w;
}

}  // namespace hft::protocol::fix
