#include <cstring>

#include "fix_session_internal.h"

namespace hft::protocol::fix {

bool is_header_tag(std::uint32_t tag) noexcept {
  switch (tag) {
    case 34:   // MsgSeqNum
    case 43:   // PossDupFlag
    case 49:   // SenderCompID
    case 50:   // SenderSubID
    case 52:   // SendingTime
    case 56:   // TargetCompID
    case 57:   // TargetSubID
    case 90:   // SecureDataLen
    case 91:   // SecureData
    case 97:   // PossResend
    case 115:  // OnBehalfOfCompID
    case 116:  // OnBehalfOfSubID
    case 122:  // OrigSendingTime
    case 128:  // DeliverToCompID
    case 129:  // DeliverToSubID
    case 142:  // SenderLocationID
    case 143:  // TargetLocationID
    case 144:  // OnBehalfOfLocationID
    case 145:  // DeliverToLocationID
    case 212:  // XmlDataLen
    case 213:  // XmlData
    case 347:  // MessageEncoding
    case 369:  // LastMsgSeqNumProcessed
    case 627:  // NoHops
    case 628:  // HopCompID
    case 629:  // HopSendingTime
    case 630:  // HopRefID
      return true;
    default:
      return false;
  }
}

ParseError read_header(const MessageView& m, Header& h) noexcept {
  h = Header{};
  ParseError error{};
  auto fail = [&](SessionRejectReason r, std::uint32_t tag) {
    if (error.ok()) error = {r, tag};
  };
  bool seen_sender = false, seen_target = false, seen_seq = false, seen_time = false, seen_dup = false,
       seen_orig = false;
  auto once = [&](bool& seen, std::uint32_t tag) {
    if (seen) fail(SessionRejectReason::TagAppearsMoreThanOnce, tag);
    seen = true;
  };
  const std::size_t last = m.size() - 1;  // CheckSum
  std::size_t i = 3;
  for (; i < last; ++i) {
    const std::uint32_t tag = m.field(i).tag;
    if (!is_header_tag(tag)) break;
    const std::string_view v = m.value(i);
    switch (tag) {
      case 49:
        once(seen_sender, tag);
        h.sender_comp_id = v;
        break;
      case 56:
        once(seen_target, tag);
        h.target_comp_id = v;
        break;
      case 34: {
        once(seen_seq, tag);
        std::int64_t seq = 0;
        if (parse_int(v, seq) != ValueStatus::Ok || seq <= 0) {
          // An unreadable MsgSeqNum is as bad as none: report tag 34.
          error = {SessionRejectReason::IncorrectDataFormat, 34};
          h.msg_seq_num = 0;
          return error;
        }
        h.msg_seq_num = seq;
        break;
      }
      case 52:
        once(seen_time, tag);
        h.sending_time = v;
        break;
      case 43:
        once(seen_dup, tag);
        if (v == "Y")
          h.poss_dup = true;
        else if (v != "N")
          fail(SessionRejectReason::ValueIncorrect, 43);
        break;
      case 122:
        once(seen_orig, tag);
        h.orig_sending_time = v;
        break;
      default:
        break;
    }
  }
  if (!seen_seq) return {SessionRejectReason::RequiredTagMissing, 34};
  for (; i < last; ++i) {
    if (is_header_tag(m.field(i).tag)) fail(SessionRejectReason::TagSpecifiedOutOfOrder, m.field(i).tag);
  }
  if (!seen_sender) fail(SessionRejectReason::RequiredTagMissing, 49);
  if (!seen_target) fail(SessionRejectReason::RequiredTagMissing, 56);
  if (!seen_time) fail(SessionRejectReason::RequiredTagMissing, 52);
  return error;
}

namespace {

// Value of the first "<SOH>tag=" field in raw bytes; empty when absent.
std::string_view scan_field(const std::uint8_t* data, std::size_t size, const char* key, std::size_t key_len) noexcept {
  const auto* text = reinterpret_cast<const char*>(data);
  const std::string_view all(text, size);
  const std::size_t at = all.find(std::string_view(key, key_len));
  if (at == std::string_view::npos) return {};
  const std::size_t start = at + key_len;
  const std::size_t end = all.find('\x01', start);
  if (end == std::string_view::npos) return {};
  return all.substr(start, end - start);
}

}  // namespace

std::int64_t scan_msg_seq_num(const std::uint8_t* data, std::size_t size) noexcept {
  std::int64_t seq = 0;
  if (parse_int(scan_field(data, size,
                           "\x01"
                           "34=",
                           4),
                seq) != ValueStatus::Ok)
    return 0;
  return seq > 0 ? seq : 0;
}

std::string_view scan_msg_type(const std::uint8_t* data, std::size_t size) noexcept {
  return scan_field(data, size,
                    "\x01"
                    "35=",
                    4);
}

}  // namespace hft::protocol::fix
