#pragma once
// Helpers the session's receive and send sides share: the standard header
// and the few facts that can be read from a message the field index refused.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hft/protocol/fix.h"

namespace hft::protocol::fix {

/// True for the tags of the FIX 4.4 standard header after 8, 9 and 35.
bool is_header_tag(std::uint32_t tag) noexcept;

/// Reads the standard header of an indexed message. The header must come
/// first: a header tag after the first body tag is TagSpecifiedOutOfOrder
/// (14g), a repeated one TagAppearsMoreThanOnce (14h). Missing 34 gives tag
/// 34 so the caller can tell that case (Logout) from the others (Reject).
/// `h` holds what could be read even on error.
ParseError read_header(const MessageView& m, Header& h) noexcept;

/// MsgSeqNum found by scanning raw bytes for "<SOH>34=", for a message the
/// field index refused; 0 when absent or not a number.
std::int64_t scan_msg_seq_num(const std::uint8_t* data, std::size_t size) noexcept;
/// MsgType found the same way; empty when absent.
std::string_view scan_msg_type(const std::uint8_t* data, std::size_t size) noexcept;

}  // namespace hft::protocol::fix
