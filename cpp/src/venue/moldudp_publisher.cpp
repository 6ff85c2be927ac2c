#include "hft/venue/moldudp_publisher.h"

#include <algorithm>
#include <cstring>

namespace hft::venue {

namespace mold = protocol::mold;

namespace {

bool listed(const std::vector<std::uint64_t>& sorted, std::uint64_t ordinal) {
  return std::binary_search(sorted.begin(), sorted.end(), ordinal);
}

std::size_t round_up_pow2(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

MoldUdpPublisher::MoldUdpPublisher(const PublisherOptions& options, net::DatagramTransport& transport)
    : options_(options),
      transport_(transport),
      packet_(options.max_packet_bytes),
      builder_(packet_.data(), packet_.size()),
      history_(std::max<std::size_t>(options.history_bytes, 4096)),
      index_(round_up_pow2(std::max<std::size_t>(options.history_messages, 16))),
      reply_packet_(options.max_packet_bytes) {
  for (std::size_t i = 0; i < options_.lines.size(); ++i) {
    LineState line;
    line.endpoint = options_.lines[i];
    if (i < options_.faults.size()) line.faults = options_.faults[i];
    for (auto* v : {&line.faults.drop, &line.faults.duplicate, &line.faults.reorder}) std::sort(v->begin(), v->end());
    line.held.bytes.resize(options_.max_packet_bytes);
    line.rng.seed(line.faults.seed);
    lines_.push_back(std::move(line));
  }
}

bool MoldUdpPublisher::publish(const std::uint8_t* message, std::size_t size, std::int64_t now_ns) noexcept {
  if (ended_ || size == 0 || size + mold::kHeaderSize + mold::kBlockPrefixSize > packet_.size()) return false;
  if (builder_.empty()) {
    builder_.start(options_.session, next_seq_);
    batch_started_ns_ = now_ns;
  }
  if (!builder_.add(message, size)) {
    flush(now_ns);
    builder_.start(options_.session, next_seq_);
    batch_started_ns_ = now_ns;
    if (!builder_.add(message, size)) return false;
  }
  remember(next_seq_ + builder_.count() - 1, message, size);
  ++counters_.messages;
  return true;
}

void MoldUdpPublisher::flush(std::int64_t now_ns) noexcept {
  if (builder_.empty()) return;
  const std::uint16_t count = builder_.count();
  const std::size_t size = builder_.finish();
  send_packet(packet_.data(), size, now_ns);
  ++counters_.packets;
  next_seq_ += count;
  builder_.start(options_.session, next_seq_);  // empty until the next add
}

void MoldUdpPublisher::on_timer(std::int64_t now_ns) noexcept {
  if (ended_) return;
  if (!builder_.empty() && now_ns - batch_started_ns_ >= options_.max_batch_delay_ns) flush(now_ns);
  if (builder_.empty() && options_.heartbeat_interval_ns > 0 &&
      now_ns - last_sent_ns_ >= options_.heartbeat_interval_ns) {
    std::uint8_t hb[mold::kHeaderSize];
    const std::size_t n = mold::encode_heartbeat(options_.session, next_seq_, hb, sizeof hb);
    send_packet(hb, n, now_ns);
    ++counters_.heartbeats;
  }
}

void MoldUdpPublisher::end_of_session(std::int64_t now_ns) noexcept {
  if (ended_) return;
  flush(now_ns);
  std::uint8_t eos[mold::kHeaderSize];
  const std::size_t n = mold::encode_end_of_session(options_.session, next_seq_, eos, sizeof eos);
  send_packet(eos, n, now_ns);
  // A reordered packet still held back goes out now: the session is over.
  for (LineState& line : lines_) {
    if (line.held.full && transmit(line.endpoint, line.held.bytes.data(), line.held.size)) line.held.full = false;
  }
  ended_ = true;
}

void MoldUdpPublisher::send_packet(const std::uint8_t* data, std::size_t size, std::int64_t now_ns) noexcept {
  last_sent_ns_ = now_ns;
  for (LineState& line : lines_) send_on_line(line, data, size);
}

void MoldUdpPublisher::send_on_line(LineState& line, const std::uint8_t* data, std::size_t size) noexcept {
  const std::uint64_t ordinal = line.ordinal++;
  const LineFaults& f = line.faults;
  const bool random_drop =
      f.drop_probability > 0 && std::uniform_real_distribution<double>(0, 1)(line.rng) < f.drop_probability;
  if (listed(f.drop, ordinal) || random_drop) {
    ++counters_.faults_dropped;
    return;
  }
  if (listed(f.reorder, ordinal) && !line.held.full) {
    std::memcpy(line.held.bytes.data(), data, size);
    line.held.size = size;
    line.held.full = true;
    ++counters_.faults_reordered;
    return;
  }
  transmit(line.endpoint, data, size);
  if (listed(f.duplicate, ordinal)) {
    transmit(line.endpoint, data, size);
    ++counters_.faults_duplicated;
  }
  if (line.held.full) {
    transmit(line.endpoint, line.held.bytes.data(), line.held.size);
    line.held.full = false;
  }
}

bool MoldUdpPublisher::transmit(const net::UdpEndpoint& to, const std::uint8_t* data, std::size_t size) noexcept {
  const net::TxDatagram d{data, size, to};
  if (transport_.tx_burst(&d, 1) == 1) {
    ++counters_.datagrams_sent;
    return true;
  }
  ++counters_.send_failures;
  return false;
}

// ---------------------------------------------------------------- history

void MoldUdpPublisher::remember(std::uint64_t seq, const std::uint8_t* message, std::size_t size) noexcept {
  const std::uint64_t ring = history_.size();
  std::uint64_t at = history_head_;
  if (at % ring + size > ring) at = (at / ring + 1) * ring;  // a message never wraps
  std::memcpy(history_.data() + at % ring, message, size);
  index_[seq & (index_.size() - 1)] = {seq, at, static_cast<std::uint32_t>(size)};
  history_head_ = at + size;
}

const MoldUdpPublisher::HistoryEntry* MoldUdpPublisher::recall(std::uint64_t seq) const noexcept {
  const HistoryEntry& e = index_[seq & (index_.size() - 1)];
  if (e.seq != seq || e.size == 0) return nullptr;
  if (history_head_ > e.at + history_.size()) return nullptr;  // overwritten since
  return &e;
}

std::size_t MoldUdpPublisher::answer(const net::RxDatagram& request, net::DatagramTransport& reply) noexcept {
  ++counters_.requests;
  mold::Request r;
  if (!mold::decode_request(request.payload, request.size, r) || r.session != options_.session || r.sequence == 0) {
    ++counters_.bad_requests;
    return 0;
  }
  // Only what has been sent can be re-sent: not the packet being built.
  const std::uint64_t end = std::min<std::uint64_t>(r.sequence + r.count, next_seq_);
  mold::PacketBuilder b(reply_packet_.data(), reply_packet_.size());
  std::size_t sent = 0;
  auto send = [&] {
    if (b.empty()) return;
    const std::size_t n = b.finish();
    const net::TxDatagram d{reply_packet_.data(), n, request.source};
    if (reply.tx_burst(&d, 1) != 1) ++counters_.send_failures;
  };
  bool open = false;
  for (std::uint64_t seq = r.sequence; seq < end; ++seq) {
    const HistoryEntry* e = recall(seq);
    if (e == nullptr) {
      // A packet's messages must be consecutive: close it at a hole.
      ++counters_.messages_unavailable;
      send();
      open = false;
      continue;
    }
    const std::uint8_t* bytes = history_.data() + e->at % history_.size();
    if (!open || !b.add(bytes, e->size)) {
      send();
      b.start(options_.session, seq);
      open = b.add(bytes, e->size);
      if (!open) continue;
    }
    ++sent;
  }
  send();
  if (r.sequence + r.count > end) counters_.messages_unavailable += r.sequence + r.count - std::max(end, r.sequence);
  counters_.messages_retransmitted += sent;
  return sent;
}

}  // namespace hft::venue
