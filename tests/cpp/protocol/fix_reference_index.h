#pragma once
// The FIX field-index rules written plainly, one byte at a time: the oracle
// that both paths of MessageView::parse (portable and AVX-512) must agree
// with, used by fix_simd_test and the fix fuzzer. Written apart from the
// parser on purpose, so a mistake is not shared.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hft/protocol/fix.h"

namespace hft::protocol::fix::reference {

inline std::uint32_t data_tag_for(std::uint32_t length_tag) {
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

// The index rules written plainly, one byte at a time. `indexed` tells
// whether every field was read (the error, if any, is then about which
// fields are where).
inline ParseError reference_index(const std::uint8_t* d, std::size_t n, std::vector<Field>& out, bool& indexed) {
  out.clear();
  indexed = false;
  if (n > kMaxMessageSize) return {SessionRejectReason::Other, 0};
  if (n == 0 || d[n - 1] != kSoh) return {SessionRejectReason::IncorrectDataFormat, 10};
  std::size_t p = 0;
  std::uint32_t data_tag = 0;
  std::size_t data_len = 0;
  while (p < n) {
    std::uint32_t tag = 0;
    std::size_t digits = 0;
    while (d[p] >= '0' && d[p] <= '9' && digits < 9) {
      tag = tag * 10 + static_cast<std::uint32_t>(d[p] - '0');
      ++p;
      ++digits;
    }
    if (digits == 0 || d[p] != '=' || tag == 0) return {SessionRejectReason::InvalidTagNumber, tag};
    const std::size_t v = ++p;
    if (data_tag != 0 && tag == data_tag) {
      if (v + data_len >= n || d[v + data_len] != kSoh) return {SessionRejectReason::IncorrectDataFormat, tag};
      p = v + data_len;
    } else {
      while (p < n && d[p] != kSoh) ++p;
      if (p == n) return {SessionRejectReason::IncorrectDataFormat, tag};
    }
    if (p == v) return {SessionRejectReason::TagSpecifiedWithoutValue, tag};
    if (out.size() == kMaxFields) return {SessionRejectReason::Other, tag};
    out.push_back(Field{tag, static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(p - v)});
    data_tag = data_tag_for(tag);
    if (data_tag != 0) {
      std::int64_t len = 0;
      const std::string_view text(reinterpret_cast<const char*>(d) + v, p - v);
      if (parse_int(text, len) != ValueStatus::Ok || len < 0) {
        return {SessionRejectReason::IncorrectDataFormat, tag};
      }
      data_len = static_cast<std::size_t>(len);
    }
    ++p;
  }
  indexed = true;
  if (out.size() < 4 || out[0].tag != 8 || out[1].tag != 9) return {SessionRejectReason::TagSpecifiedOutOfOrder, 8};
  if (out[2].tag != 35) return {SessionRejectReason::RequiredTagMissing, 35};
  if (out.back().tag != 10) return {SessionRejectReason::TagSpecifiedOutOfOrder, 10};
  return {};
}

}  // namespace hft::protocol::fix::reference
