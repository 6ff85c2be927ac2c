// The MessageView field index for CPUs with AVX-512 VBMI2 (Ice Lake and
// later, Zen 4): separators found 64 message bytes per step, then fields
// checked, converted and written 16 per step, with no per-field branch.
// Chosen at run time, so a portable build uses it too where the CPU has it;
// anything it does not accept goes to the portable index, which defines the
// results.
#include "hft/protocol/fix.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// GCC 12's AVX-512 intrinsics start from _mm*_undefined_*() values that
// -Wmaybe-uninitialized reports once inlined (GCC bug 105593, fixed in 13);
// the state that counts is the one where the header's lines are read.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#define HFT_FIX_HAVE_AVX512_INDEX 1
#endif

namespace hft::protocol::fix::detail {

#if defined(HFT_FIX_HAVE_AVX512_INDEX)

namespace {

#define HFT_FIX_AVX512 \
  __attribute__((target("avx512f,avx512bw,avx512vl,avx512cd,avx512vbmi,avx512vbmi2,popcnt,bmi,bmi2")))

// Length fields whose data field may hold SOH (the portable index reads
// those by length), and tag 0: one bit per tag below 1024, looked up for 16
// tags at once.
struct CarefulBits {
  alignas(64) std::uint32_t words[32]{};
};

constexpr CarefulBits make_careful_bits() noexcept {
  CarefulBits b{};
  b.words[0] = 1;  // tag 0
  for (const std::uint32_t t : kLengthTags) b.words[t / 32] |= std::uint32_t{1} << (t % 32);
  return b;
}
constexpr CarefulBits kCarefulBits = make_careful_bits();

// Dword indices that interleave 16 tags (T), value offsets (O) and lengths
// (L) into 16 Field structs (48 dwords, three vectors): a first permute
// places T and O (O as 16 + i), a second drops L (16 + i) into the gaps.
struct Interleave {
  alignas(64) std::uint32_t to[3][16]{};
  alignas(64) std::uint32_t l[3][16]{};
};

constexpr Interleave make_interleave() noexcept {
  Interleave x{};
  for (std::uint32_t v = 0; v < 3; ++v) {
    for (std::uint32_t k = 0; k < 16; ++k) {
      const std::uint32_t d = 16 * v + k;  // output dword
      const std::uint32_t field = d / 3;
      switch (d % 3) {
        case 0:
          x.to[v][k] = field;
          x.l[v][k] = k;
          break;
        case 1:
          x.to[v][k] = 16 + field;
          x.l[v][k] = k;
          break;
        default:
          x.to[v][k] = 0;
          x.l[v][k] = 16 + field;
          break;
      }
    }
  }
  return x;
}
constexpr Interleave kInterleave = make_interleave();

HFT_FIX_AVX512 inline __m512i bytes_iota() noexcept {
  return _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40,
                         39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
                         15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
}

// Four bytes at each offset into `base`, for the lanes in `m` (others 0).
// The push/pop: without optimisation GCC takes its macro form of the
// intrinsic, which converts the mask to short.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
HFT_FIX_AVX512 inline __m512i gather_dwords(__mmask16 m, __m512i offsets, const std::uint8_t* base) noexcept {
  return _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, offsets, base, 1);
}
#pragma GCC diagnostic pop

// Separators of one kind taken from a 64-byte block: a valid message has
// at most 16 (a field is at least "t=v<SOH>", four bytes).
constexpr unsigned kPerBlock = 16;

}  // namespace

HFT_FIX_AVX512 std::size_t index_fields_avx512(const std::uint8_t* data, std::size_t size, Field* out) noexcept {
  // Fields are counted by their SOH: bytes after the last one would be a
  // field nobody sees. Four bytes at least: a tag window is read whole.
  if (size < 4 || size > kMaxMessageSize || data[size - 1] != kSoh) return 0;
  // Per field, in message order: '=' position, SOH position. Every block
  // stores whole vectors (16 entries of slack); ends[-1] = -1 is the SOH
  // "before" the first field.
  alignas(64) std::uint32_t eqs[kMaxFields + kPerBlock];
  alignas(64) std::uint32_t ends_buf[kMaxFields + kPerBlock + 16];
  std::uint32_t* const ends = ends_buf + 16;
  ends[-1] = ~std::uint32_t{0};
  std::size_t n_eq = 0;
  std::size_t n_soh = 0;

  // Separators, 64 bytes per step: where the '=' and SOH are, nothing else
  // (the fewer vector shuffles here, the sooner the next block starts).
  const __m512i v_soh = _mm512_set1_epi8(static_cast<char>(kSoh));
  const __m512i v_eq = _mm512_set1_epi8('=');
  const __m512i iota = bytes_iota();
  for (std::size_t base = 0; base < size; base += 64) {
    const std::size_t rest = size - base;
    const __mmask64 valid = rest >= 64 ? ~__mmask64{0} : (__mmask64{1} << rest) - 1;
    // Masked load: bytes past the end are never touched (no fault).
    const __m512i z = _mm512_maskz_loadu_epi8(valid, data + base);
    const __mmask64 soh = _mm512_mask_cmpeq_epi8_mask(valid, z, v_soh);
    const __mmask64 eq = _mm512_mask_cmpeq_epi8_mask(valid, z, v_eq);
    const auto c_soh = static_cast<unsigned>(__builtin_popcountll(soh));
    const auto c_eq = static_cast<unsigned>(__builtin_popcountll(eq));
    if (c_soh > kPerBlock || c_eq > kPerBlock) return 0;
    const __m512i v_base = _mm512_set1_epi32(static_cast<int>(base));
    const __m512i eq_pos = _mm512_maskz_compress_epi8(eq, iota);
    const __m512i soh_pos = _mm512_maskz_compress_epi8(soh, iota);
    _mm512_storeu_si512(eqs + n_eq, _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(eq_pos)), v_base));
    _mm512_storeu_si512(ends + n_soh, _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm512_castsi512_si128(soh_pos)), v_base));
    n_eq += c_eq;
    n_soh += c_soh;
    if (n_eq > kMaxFields || n_soh > kMaxFields) return 0;
  }
  // One '=' per field (a value holding '=' goes the portable way).
  if (n_eq != n_soh || n_eq == 0) return 0;

  // Then 16 fields per step. Per field: the '=' between the previous SOH
  // and its own, a tag of 1..4 digits, a value that is not empty, a tag
  // that needs no special reading; all checked before any field is
  // written. The tag is the last tag_len bytes of the four before the '='
  // (gathered from the message: the load ports are idle, the shuffle port
  // is not), then 10a + b and 100ab + cd.
  const __m512i v_zero = _mm512_set1_epi8('0');
  const __m512i v_nine = _mm512_set1_epi8(9);
  const __m512i ones = _mm512_set1_epi32(-1);
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i three = _mm512_set1_epi32(3);
  const __m512i four = _mm512_set1_epi32(4);
  const __m512i thirty_two = _mm512_set1_epi32(32);
  const __m512i zero = _mm512_setzero_si512();
  const __m512i ten_one = _mm512_set1_epi16(0x010A);          // bytes 10, 1
  const __m512i hundred_one = _mm512_set1_epi32(0x00010064);  // words 100, 1
  const __m512i careful_lo = _mm512_load_si512(kCarefulBits.words);
  const __m512i careful_hi = _mm512_load_si512(kCarefulBits.words + 16);
  const __m512i thirty_one = _mm512_set1_epi32(31);
  const __m512i below_1024 = _mm512_set1_epi32(1024);
  __m512i tags[(kMaxFields + 15) / 16];
  for (std::size_t k = 0; k < n_eq; k += 16) {
    const __mmask16 lanes = n_eq - k >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << (n_eq - k)) - 1);
    const __m512i e = _mm512_load_si512(eqs + k);
    const __m512i tag_len = _mm512_sub_epi32(_mm512_sub_epi32(e, _mm512_loadu_si512(ends + k - 1)), one);
    const __m512i value_len = _mm512_sub_epi32(_mm512_sub_epi32(_mm512_load_si512(ends + k), e), one);
    __mmask16 ok = _mm512_mask_cmple_epu32_mask(lanes, _mm512_sub_epi32(tag_len, one), three);
    ok = _mm512_mask_cmpgt_epi32_mask(ok, value_len, zero);
    // A window starting before the message (the first field's '=' is at
    // 1) is read from the message start and shifted into place.
    const __m512i from = _mm512_max_epi32(_mm512_sub_epi32(e, four), zero);
    const __m512i shift = _mm512_slli_epi32(_mm512_sub_epi32(_mm512_add_epi32(from, four), e), 3);
    const __m512i text = _mm512_sllv_epi32(gather_dwords(ok, from, data), shift);
    const __m512i keep = _mm512_sllv_epi32(ones, _mm512_sub_epi32(thirty_two, _mm512_slli_epi32(tag_len, 3)));
    const __m512i digits = _mm512_and_si512(_mm512_sub_epi8(text, v_zero), keep);
    const __m512i t = _mm512_madd_epi16(_mm512_maddubs_epi16(digits, ten_one), hundred_one);
    const __m512i word = _mm512_permutex2var_epi32(careful_lo, _mm512_srli_epi32(t, 5), careful_hi);
    const __m512i bit = _mm512_srlv_epi32(word, _mm512_and_si512(t, thirty_one));
    // A tag is at most 9999 here; those of 1024 and up are never careful.
    const __mmask16 careful = _mm512_mask_test_epi32_mask(_mm512_cmplt_epu32_mask(t, below_1024), bit, one);
    const __mmask64 digit_bytes = _cvtu64_mask64(_pdep_u64(ok, 0x1111111111111111ull) * 0xF);
    if (ok != lanes || (careful & lanes) != 0 ||
        _mm512_mask_cmpgt_epu8_mask(digit_bytes & _mm512_movepi8_mask(keep), digits, v_nine) != 0) {
      return 0;
    }
    tags[k / 16] = t;
  }
  for (std::size_t k = 0; k < n_eq; k += 16) {
    const __m512i t = tags[k / 16];
    const __m512i off = _mm512_add_epi32(_mm512_load_si512(eqs + k), one);
    const __m512i len = _mm512_sub_epi32(_mm512_load_si512(ends + k), off);
    auto* dst = reinterpret_cast<std::uint32_t*>(out + k);
    // Whole-vector stores where the output has room for 16 more fields
    // (entries past the count are scratch): the caller's loads of single
    // fields can then be served from the store buffer, which a masked
    // store does not do.
    const bool whole = k + 16 <= kMaxFields;
    const std::size_t dwords = 3 * (n_eq - k >= 16 ? 16 : n_eq - k);
    for (unsigned v = 0; v < 3; ++v) {
      const __m512i to = _mm512_permutex2var_epi32(t, _mm512_load_si512(kInterleave.to[v]), off);
      const __m512i all = _mm512_permutex2var_epi32(to, _mm512_load_si512(kInterleave.l[v]), len);
      if (whole) {
        _mm512_storeu_si512(dst + 16 * v, all);
      } else {
        const std::size_t have = dwords > 16 * v ? dwords - 16 * v : 0;
        const __mmask16 m = have >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << have) - 1);
        _mm512_mask_storeu_epi32(dst + 16 * v, m, all);
      }
    }
  }
  return n_eq;
}

bool has_avx512_index() noexcept {
  // Reads what libgcc / compiler-rt found at start-up; before that (a static
  // initialiser) it says no, and the portable index is used.
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd") &&
         __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vbmi2") &&
         __builtin_cpu_supports("bmi2");
}

#else

std::size_t index_fields_avx512(const std::uint8_t*, std::size_t, Field*) noexcept { return 0; }
bool has_avx512_index() noexcept { return false; }

#endif

}  // namespace hft::protocol::fix::detail
