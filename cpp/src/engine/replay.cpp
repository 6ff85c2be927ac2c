#include "hft/engine/replay.h"

#include <array>
#include <cinttypes>
#include <cstring>
#include <stdexcept>
#include <unordered_set>
#include <vector>

#include "hft/market_data/feed_handler.h"
#include "hft/market_data/itch_file.h"
#include "hft/net/pcap.h"
#include "hft/protocol/moldudp64.h"

namespace hft::engine {
namespace {

namespace md = market_data;
namespace itch = protocol::itch;

constexpr std::uint64_t kProgressEvery = 1 << 18;

// A ticker as text that is safe in JSON and in a terminal: ITCH alpha
// fields are never validated, so anything but printable ASCII (and the two
// characters JSON escapes) becomes '?'.
std::string symbol_text(const itch::Stock& stock) {
  std::string out(itch::trimmed(stock));
  for (char& c : out) {
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') c = '?';
  }
  return out;
}

// The name a locate is reported under: its ticker, or "TICKER#locate" when an
// earlier directory entry already used the ticker (two locates, one name).
std::string display_name(const md::BookManager& books, std::uint16_t locate) {
  const std::string base = symbol_text(books.instrument(locate)->stock);
  for (const std::uint16_t l : books.locates()) {
    if (l == locate) break;
    if (symbol_text(books.instrument(l)->stock) == base) return base + "#" + std::to_string(locate);
  }
  return base;
}

ReplayFormat detect(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  std::array<unsigned char, 4> magic{};
  const std::size_t n = std::fread(magic.data(), 1, magic.size(), f);
  std::fclose(f);
  std::uint32_t m = 0;
  if (n == 4) std::memcpy(&m, magic.data(), 4);
  const bool pcap = m == 0xa1b2c3d4 || m == 0xd4c3b2a1 || m == 0xa1b23c4d || m == 0x4d3cb2a1 || m == 0x0A0D0D0A;
  return pcap ? ReplayFormat::Pcap : ReplayFormat::Itch50;
}

// Writes the BBO lines; the book manager calls it on every top change.
class BboWriter final : public md::BookListener {
 public:
  BboWriter(std::FILE* out, const md::BookManager& books, std::string symbol)
      : out_(out), books_(books), symbol_(std::move(symbol)) {}
  void on_top_of_book(std::uint16_t locate, const md::Level& bid, const md::Level& ask) noexcept override {
    if (books_.instrument(locate) == nullptr) return;
    std::string& name = names_[locate];
    if (name.empty()) {
      try {
        name = display_name(books_, locate);  // once per instrument
      } catch (...) {
        return;
      }
    }
    if (!symbol_.empty() && name != symbol_) return;
    char line[256];
    int n = std::snprintf(line, sizeof line, "{\"seq\": %" PRIu64 ", \"symbol\": \"%s\", \"bid\": ", seq, name.c_str());
    n += side(line + n, sizeof line - static_cast<std::size_t>(n), bid);
    n += std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), ", \"ask\": ");
    n += side(line + n, sizeof line - static_cast<std::size_t>(n), ask);
    n += std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), "}\n");
    std::fwrite(line, 1, static_cast<std::size_t>(n), out_);
  }
  std::uint64_t seq{0};

 private:
  static int side(char* out, std::size_t room, const md::Level& l) {
    if (l.empty()) return std::snprintf(out, room, "null");
    return std::snprintf(out, room, "[\"%s\", %" PRIu64 "]", price_text(l.price).c_str(), l.shares);
  }
  std::FILE* out_;
  const md::BookManager& books_;
  std::string symbol_;
  std::vector<std::string> names_ = std::vector<std::string>(65536);
};

// The feed handler's downstream during replay: the books, and the count of
// what the handler could not deliver.
class ReplaySink final : public md::MessageSink {
 public:
  ReplaySink(md::BookManager& books, BboWriter* bbo) : books_(books), bbo_(bbo) {}
  void on_message(std::uint64_t seq, const std::uint8_t* data, std::size_t size, std::uint64_t) noexcept override {
    if (bbo_ != nullptr) bbo_->seq = seq;
    books_.apply(data, size);
  }
  void on_gap_unrecoverable(std::uint64_t, std::uint64_t) noexcept override {}
  void on_stale(bool stale) noexcept override { books_.set_all_stale(stale); }
  void on_end_of_session() noexcept override {}

 private:
  md::BookManager& books_;
  BboWriter* bbo_;
};

// Nobody answers re-requests in a replay; the handler is set never to ask.
class NoRetransmission final : public md::RetransmitRequester {
 public:
  void request(const protocol::mold::Request&) noexcept override {}
};

void put(std::map<std::string, std::uint64_t>& errors, const std::string& kind, std::uint64_t n) {
  if (n != 0) errors[kind] += n;
}

}  // namespace

std::string price_text(core::Price p) {
  const std::int64_t raw = p.raw;
  const std::uint64_t a = raw < 0 ? 0 - static_cast<std::uint64_t>(raw) : static_cast<std::uint64_t>(raw);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%" PRIu64 ".%04" PRIu64, raw < 0 ? "-" : "", a / 10000, a % 10000);
  return buf;
}

ReplayResult replay(const std::string& path, const ReplayOptions& options) {
  ReplayResult result;
  result.books = std::make_unique<md::BookManager>(options.books);
  md::BookManager& books = *result.books;
  std::unique_ptr<BboWriter> bbo;
  if (options.bbo_out != nullptr) {
    bbo = std::make_unique<BboWriter>(options.bbo_out, books, options.bbo_symbol);
    books.set_listener(bbo.get());
  }
  const ReplayFormat format = options.format == ReplayFormat::Auto ? detect(path) : options.format;

  if (format == ReplayFormat::Itch50) {
    result.format = "itch50";
    md::ItchFileReader reader(path);
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
    std::uint64_t seq = 0;
    while (reader.next(data, size)) {
      if (bbo) bbo->seq = ++seq;
      books.apply(data, size);
      if (options.progress && reader.messages() % kProgressEvery == 0) options.progress(reader.messages(), 0);
    }
    put(result.errors, "truncated_tail_bytes", reader.truncated_tail_bytes());
    put(result.errors, "gzip_truncated", reader.gzip_truncated() ? 1 : 0);
  } else {
    result.format = "pcap";
    net::PcapReader reader(path);
    md::FeedHandlerOptions fo;
    fo.max_request_attempts = 0;         // no retransmission server in a file
    fo.gap_timeout_ticks = 100'000'000;  // packet time stamps are ns: 100 ms
    ReplaySink sink(books, bbo.get());
    NoRetransmission none;
    md::FeedHandler feed(fo, sink, none);
    net::UdpDatagram d;
    net::CapturedFrame frame;
    std::uint64_t packets = 0;
    std::uint64_t last_ts = 0;
    // A capture may hold other traffic, other channels or the B line: the
    // feed is the flow (destination address and port) of the first packet
    // that carries messages; everything else is counted, not fed.
    bool locked = false;
    std::uint32_t flow_ip = 0;
    std::uint16_t flow_port = 0;
    std::uint64_t other_flows = 0;
    std::uint64_t before_data = 0;
    while (reader.next_udp(d, frame)) {
      if (!locked) {
        const protocol::mold::PacketView v = protocol::mold::decode_packet(d.payload, d.size);
        if (!v.ok() || v.count == 0 || v.is_end_of_session()) {
          ++before_data;
          continue;
        }
        locked = true;
        flow_ip = d.dst.ip;
        flow_port = d.dst.port;
      }
      if (d.dst.ip != flow_ip || d.dst.port != flow_port) {
        ++other_flows;
        continue;
      }
      last_ts = frame.timestamp_ns > last_ts ? frame.timestamp_ns : last_ts;
      feed.on_packet(md::kFeedLineA, d.payload, d.size, last_ts);
      if (options.progress && ++packets % (kProgressEvery / 32) == 0) options.progress(packets, 0);
    }
    // Give up what is still missing (saturating: a hostile time stamp must
    // not wrap the deadline into the past).
    const std::uint64_t end =
        last_ts > UINT64_MAX - fo.gap_timeout_ticks - 1 ? UINT64_MAX : last_ts + fo.gap_timeout_ticks + 1;
    feed.on_timer(end);
    put(result.errors, "pcap_other_flows", other_flows);
    put(result.errors, "pcap_packets_before_data", before_data);
    const md::FeedCounters& fc = feed.counters();
    const net::PcapCounters& pc = reader.counters();
    put(result.errors, "pcap_not_ethernet", pc.not_ethernet);
    put(result.errors, "pcap_cut_by_snaplen", pc.cut_by_snaplen);
    put(result.errors, "pcap_other_frames", pc.other_frames);
    put(result.errors, "pcap_fragments", pc.fragments);
    put(result.errors, "pcap_bad_frames", pc.bad_frames);
    put(result.errors, "pcap_truncated_tail_bytes", pc.truncated_tail_bytes);
    put(result.errors, "pcap_bad_blocks", pc.bad_blocks);
    put(result.errors, "mold_bad_packets", fc.lines[md::kFeedLineA].bad_packets);
    put(result.errors, "mold_wrong_session", fc.lines[md::kFeedLineA].wrong_session);
    put(result.errors, "mold_duplicates", fc.lines[md::kFeedLineA].duplicates);
    put(result.errors, "mold_messages_lost", fc.messages_lost);
  }

  const md::BookFeedCounters& c = books.counters();
  result.messages = c.messages;
  put(result.errors, "itch_empty", c.decode.empty);
  put(result.errors, "itch_unknown_type", c.decode.unknown_type);
  put(result.errors, "itch_bad_length", c.decode.bad_length);
  put(result.errors, "itch_bad_field", c.decode.bad_field);
  put(result.errors, "unknown_locate", c.unknown_locate);
  put(result.errors, "directory_full", c.directory_full);
  std::unordered_set<std::string> used;
  for (const std::uint16_t l : books.locates()) {
    std::string name = symbol_text(books.instrument(l)->stock);
    if (!used.insert(name).second) {
      name += "#" + std::to_string(l);
      ++result.errors["duplicate_symbol"];
    }
    result.names.emplace_back(l, std::move(name));
  }
  for (std::size_t r = 1; r < md::kBookResultCount; ++r) {
    put(result.errors, "book_" + std::string(md::to_string(static_cast<md::BookResult>(r))), c.book[r]);
  }
  if (options.bbo_out != nullptr) std::fflush(options.bbo_out);
  return result;
}

}  // namespace hft::engine
