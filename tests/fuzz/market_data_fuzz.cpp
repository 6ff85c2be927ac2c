// libFuzzer target for everything that reads bytes off the wire in the
// market data path: the MoldUDP64 packet decoder, the ITCH decoder (one
// message and length-prefixed streams), and the books those messages drive.
// Properties: no crash, no out-of-bounds read (ASan), no undefined behaviour
// (UBSan); every message that decodes re-encodes to the same bytes; the
// books' internal invariants always hold. The books persist across inputs
// so sequences of messages are explored, not only single ones.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "hft/market_data/book_manager.h"
#include "hft/protocol/itch.h"
#include "hft/protocol/moldudp64.h"

namespace {

namespace itch = hft::protocol::itch;
namespace mold = hft::protocol::mold;

struct Reencode {
  const std::uint8_t* data{nullptr};
  std::size_t size{0};
  template <typename M>
  void on(const M& m) {
    std::uint8_t out[itch::kMaxMessageSize];
    const std::size_t n = itch::encode(m, out, sizeof out);
    if (n != size || std::memcmp(out, data, n) != 0) std::abort();
  }
};

hft::market_data::BookManager& books() {
  hft::market_data::BookManagerOptions o;
  o.order_capacity = 4096;
  o.max_levels_per_side = 256;
  static hft::market_data::BookManager b(o);
  return b;
}

void check_books() {
  auto& b = books();
  for (const std::uint16_t l : b.locates()) {
    if (!b.book(l)->check_invariants()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // As one ITCH message: decoding must agree with encoding.
  Reencode r{data, size};
  itch::decode(data, size, r);

  // As a MoldUDP64 packet whose blocks drive the books.
  const mold::PacketView v = mold::decode_packet(data, size);
  for (const mold::MessageBlock& block : v) books().apply(block.data, block.size);

  // As a length-prefixed stream (a binary ITCH file chunk).
  books().apply_stream(data, size);
  check_books();
  return 0;
}
