// FIX stream framing: where a message starts and ends in a TCP receive
// buffer, with BeginString, BodyLength and CheckSum checked.
#include <cstring>

#include "hft/protocol/fix.h"

#if defined(__SSE2__)
// GCC 12's AVX-512 intrinsics start from _mm*_undefined_*() values that
// -Wmaybe-uninitialized reports once inlined (GCC bug 105593, fixed in 13).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#endif

namespace hft::protocol::fix {

namespace {

constexpr char kBegin[] = "8=FIX.4.4\x01";  // 10 bytes
constexpr std::size_t kBeginLen = 10;
constexpr char kMagic[] = "8=FIX";
constexpr std::size_t kMagicLen = 5;
constexpr std::size_t kTrailerLen = 7;  // "10=NNN\x01"

bool is_digit(std::uint8_t c) noexcept { return static_cast<unsigned>(c - '0') < 10u; }

// Where the stream can resume after a bad byte run starting at `from`: the
// next "8=FIX", or the end less a trailing partial "8=FI" so the rest of a
// header split across reads is not thrown away. Error path only.
std::size_t resync_offset(const std::uint8_t* data, std::size_t size, std::size_t from) noexcept {
  for (std::size_t i = from; i < size; ++i) {
    if (data[i] != '8') continue;
    const std::size_t avail = size - i;
    const std::size_t n = avail < kMagicLen ? avail : kMagicLen;
    if (std::memcmp(data + i, kMagic, n) == 0) return i;
  }
  return size;
}

#if defined(__SSE2__)
// 16 zero bytes then 16 0xFF bytes: loading 16 bytes at offset r keeps the
// last r bytes of a vector, so a tail shorter than a vector is summed from an
// overlapping load that ends at the buffer end instead of a byte loop.
alignas(64) constexpr std::uint8_t kTailMask[32] = {0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
                                                    0,    0,    0,    0,    0,    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

inline __m128i load16(const std::uint8_t* p) noexcept { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }
#endif

}  // namespace

std::uint8_t checksum(const std::uint8_t* data, std::size_t size) noexcept {
  std::size_t i = 0;
  std::uint64_t total = 0;
#if defined(__AVX512BW__)
  if (size <= 256) {
    // Four masked 64-byte loads cover any message up to 256 bytes with no
    // branch on its length (bytes outside a mask are not read): a loop
    // whose trip count changes with every message mispredicts its exit.
    const __m512i zero = _mm512_setzero_si512();
    __m512i acc = zero;
    for (std::size_t k = 0; k < 256; k += 64) {
      const std::size_t rest = size > k ? size - k : 0;
      const __mmask64 m = rest >= 64 ? ~__mmask64{0} : (__mmask64{1} << rest) - 1;
      acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_maskz_loadu_epi8(m, data + k), zero));
    }
    return static_cast<std::uint8_t>(_mm512_reduce_add_epi64(acc));
  }
#endif
#if defined(__SSE2__)
  if (size >= 16) {
    // psadbw against zero adds 8 bytes into one 64-bit lane: the whole sum
    // is a handful of vector adds, without the byte loop's dependency chain.
    const __m128i zero = _mm_setzero_si128();
    __m128i acc = zero;
#if defined(__AVX2__)
    const __m256i zero256 = _mm256_setzero_si256();
    __m256i acc256 = zero256;
    for (; size - i >= 32; i += 32) {
      const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
      acc256 = _mm256_add_epi64(acc256, _mm256_sad_epu8(v, zero256));
    }
    acc = _mm_add_epi64(_mm256_castsi256_si128(acc256), _mm256_extracti128_si256(acc256, 1));
#endif
    for (; size - i >= 16; i += 16) acc = _mm_add_epi64(acc, _mm_sad_epu8(load16(data + i), zero));
    if (i < size) {
      const __m128i tail = _mm_and_si128(load16(data + size - 16), load16(kTailMask + (size - i)));
      acc = _mm_add_epi64(acc, _mm_sad_epu8(tail, zero));
      i = size;
    }
    acc = _mm_add_epi64(acc, _mm_unpackhi_epi64(acc, acc));
    total = static_cast<std::uint64_t>(_mm_cvtsi128_si64(acc));
  }
#endif
  // Short buffers, and targets without SSE2: eight bytes per step into four
  // 16-bit lanes, flushed before a lane (at most 2 * 255 per word) overflows.
  while (size - i >= 8) {
    std::uint64_t lanes = 0;
    for (int k = 0; k < 64 && size - i >= 8; ++k, i += 8) {
      std::uint64_t w;
      std::memcpy(&w, data + i, 8);
      lanes += (w & 0x00FF00FF00FF00FFull) + ((w >> 8) & 0x00FF00FF00FF00FFull);
    }
    total += (lanes & 0xFFFF) + ((lanes >> 16) & 0xFFFF) + ((lanes >> 32) & 0xFFFF) + (lanes >> 48);
  }
  for (; i < size; ++i) total += data[i];
  return static_cast<std::uint8_t>(total);
}

FrameResult find_message(const std::uint8_t* data, std::size_t size) noexcept {
  if (size == 0) return {FrameStatus::NeedMore, 0};
  // Fast path: a whole "8=FIX.4.4<SOH>" is here (fixed-size compare, inlined).
  if (size < kBeginLen || std::memcmp(data, kBegin, kBeginLen) != 0) {
    // Not at a message start: drop up to the next "8=FIX".
    const std::size_t n = size < kMagicLen ? size : kMagicLen;
    if (std::memcmp(data, kMagic, n) != 0) return {FrameStatus::Garbage, resync_offset(data, size, 1)};
    if (n < kMagicLen) return {FrameStatus::NeedMore, 0};
    const std::size_t m = size < kBeginLen ? size : kBeginLen;
    if (std::memcmp(data, kBegin, m) != 0) return {FrameStatus::BadBeginString, resync_offset(data, size, 1)};
    return {FrameStatus::NeedMore, 0};
  }
  // "9=" then at most 5 digits (kMaxMessageSize) then SOH. The resync
  // offset is computed only on error: it scans ahead.
  std::size_t p = kBeginLen;
  const auto bad_length = [&]() noexcept {
    return FrameResult{FrameStatus::BadBodyLength, resync_offset(data, size, 1)};
  };
  if (p < size && data[p] != '9') return bad_length();
  if (p + 1 < size && data[p + 1] != '=') return bad_length();
  p += 2;
  std::size_t body_len = 0;
  std::size_t digits = 0;
  bool read = false;
  if (p + 8 <= size) {
    // The usual case, whole: 1..5 digits and SOH within 8 bytes, read at
    // once (no loop exit to mispredict when the length's digit count
    // changes from one message to the next).
    std::uint64_t x;
    std::memcpy(&x, data + p, 8);
    const unsigned n = detail::leading_digits(x);
    if (n >= 1 && n <= 5 && ((x >> (8 * n)) & 0xFF) == kSoh) {
      body_len = detail::digits_value(x, n);
      digits = n;
      p += n;  // at the SOH, as the loop below leaves it
      read = true;
    }
  }
  for (; !read; ++p, ++digits) {
    if (p >= size) return digits <= 5 ? FrameResult{FrameStatus::NeedMore, 0} : bad_length();
    const std::uint8_t c = data[p];
    if (c == kSoh) break;
    if (!is_digit(c) || digits == 5) return bad_length();
    body_len = body_len * 10 + static_cast<std::size_t>(c - '0');
  }
  if (digits == 0 || body_len == 0) return bad_length();
  const std::size_t body_start = p + 1;
  const std::size_t checksum_at = body_start + body_len;
  const std::size_t total = checksum_at + kTrailerLen;
  if (total > kMaxMessageSize) return bad_length();
  if (size < total) return {FrameStatus::NeedMore, 0};
  const std::uint8_t* t = data + checksum_at;
  if (data[checksum_at - 1] != kSoh || t[0] != '1' || t[1] != '0' || t[2] != '=' || !is_digit(t[3]) ||
      !is_digit(t[4]) || !is_digit(t[5]) || t[6] != kSoh) {
    return bad_length();
  }
  const unsigned stated = static_cast<unsigned>((t[3] - '0') * 100 + (t[4] - '0') * 10 + (t[5] - '0'));
  if (stated != checksum(data, checksum_at)) return {FrameStatus::BadChecksum, total};
  return {FrameStatus::Complete, total};
}

}  // namespace hft::protocol::fix
