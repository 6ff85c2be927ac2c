#include "hft/engine/packet_relay.h"

#include <cstring>
#include <utility>

#include "hft/core/clock.h"

namespace hft::engine {

namespace {

std::size_t round_up_pow2(std::size_t n) noexcept {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

PacketRing::PacketRing(std::size_t slots, std::size_t slot_bytes)
    : mask_(round_up_pow2(slots == 0 ? 1 : slots) - 1),
      slot_bytes_(slot_bytes),
      meta_(mask_ + 1),
      data_((mask_ + 1) * slot_bytes) {}

bool PacketRing::push(const std::uint8_t* payload, std::size_t size, const net::UdpEndpoint& peer,
                      std::uint64_t rx_tsc) noexcept {
  if (size > slot_bytes_) return false;
  const std::uint64_t head = head_.load(std::memory_order_relaxed);
  if (head - cached_tail_ > mask_) {
    // Only re-read the consumer's index when the ring looks full: that
    // line then moves between cores once per lap, not once per datagram.
    cached_tail_ = tail_.load(std::memory_order_acquire);
    if (head - cached_tail_ > mask_) return false;
  }
  const std::size_t i = static_cast<std::size_t>(head) & mask_;
  std::memcpy(data_.data() + i * slot_bytes_, payload, size);
  meta_[i] = Meta{rx_tsc, static_cast<std::uint32_t>(size), peer};
  head_.store(head + 1, std::memory_order_release);
  return true;
}

std::size_t PacketRing::peek(net::RxDatagram* out, std::size_t max) noexcept {
  const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
  if (cached_head_ == tail) {
    cached_head_ = head_.load(std::memory_order_acquire);
    if (cached_head_ == tail) return 0;
  }
  std::size_t n = static_cast<std::size_t>(cached_head_ - tail);
  if (n > max) n = max;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = static_cast<std::size_t>(tail + k) & mask_;
    const Meta& m = meta_[i];
    net::RxDatagram& d = out[k];
    d = net::RxDatagram{};
    d.payload = data_.data() + i * slot_bytes_;
    d.size = m.size;
    d.source = m.peer;
    d.rx_tsc = m.rx_tsc;
  }
  return n;
}

void PacketRing::release(std::size_t n) noexcept {
  if (n == 0) return;
  tail_.store(tail_.load(std::memory_order_relaxed) + n, std::memory_order_release);
}

std::size_t RelayedLine::rx_burst(net::RxDatagram* out, std::size_t max) noexcept {
  in_.release(held_);
  held_ = in_.peek(out, max);
  for (std::size_t i = 0; i < held_; ++i) {
    out[i].destination = local_;
    counters_.rx_bytes += out[i].size;
  }
  counters_.rx_datagrams += held_;
  return held_;
}

std::size_t RelayedLine::tx_burst(const net::TxDatagram* in, std::size_t count) noexcept {
  std::size_t sent = 0;
  for (; sent < count; ++sent) {
    if (!out_.push(in[sent].payload, in[sent].size, in[sent].destination, 0)) break;
    ++counters_.tx_datagrams;
    counters_.tx_bytes += in[sent].size;
  }
  counters_.tx_queue_full += count - sent;
  return sent;
}

NetworkStage::Line::Line(std::unique_ptr<net::DatagramTransport> t, const Options& o)
    : real(std::move(t)),
      inbound(o.ring_slots, o.slot_bytes),
      // Re-requests are rare and small; a short ring is plenty.
      outbound(64, 64),
      engine(std::make_unique<RelayedLine>(inbound, outbound, real->local_endpoint())) {}

NetworkStage::NetworkStage(PipelineTransports real, const Options& options)
    : rx_(options.burst == 0 ? 1 : options.burst),
      tx_(16),
      tx_view_(16),
      retransmission_server_(real.retransmission_server) {
  std::unique_ptr<net::DatagramTransport>* given[3] = {&real.line_a, &real.line_b, &real.retransmission};
  for (std::size_t i = 0; i < 3; ++i) {
    if (*given[i]) lines_[i] = std::make_unique<Line>(std::move(*given[i]), options);
  }
}

PipelineTransports NetworkStage::engine_side() {
  PipelineTransports t;
  t.retransmission_server = retransmission_server_;
  std::unique_ptr<net::DatagramTransport>* out[3] = {&t.line_a, &t.line_b, &t.retransmission};
  for (std::size_t i = 0; i < 3; ++i) {
    if (lines_[i] && lines_[i]->engine) *out[i] = std::move(lines_[i]->engine);
  }
  return t;
}

const RelayCounters& NetworkStage::counters(std::size_t line) const noexcept {
  static const RelayCounters none;
  return line < lines_.size() && lines_[line] ? lines_[line]->counters : none;
}

bool NetworkStage::poll() noexcept {
  bool moved = false;
  for (const std::unique_ptr<Line>& l : lines_) {
    if (!l) continue;
    const std::size_t n = l->real->rx_burst(rx_.data(), rx_.size());
    if (n > 0) {
      moved = true;
      const std::uint64_t tsc = core::Clock::now();
      std::uint64_t relayed = 0, full = 0, long_ = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const net::RxDatagram& d = rx_[i];
        if (d.size > l->inbound.slot_bytes()) {
          ++long_;
        } else if (l->inbound.push(d.payload, d.size, d.source, tsc)) {
          ++relayed;
        } else {
          ++full;
        }
      }
      // Single writer: plain load-add-store, readable from any thread.
      l->counters.relayed.store(l->counters.relayed.load(std::memory_order_relaxed) + relayed,
                                std::memory_order_relaxed);
      if (full) l->counters.ring_full.store(l->counters.ring_full.load(std::memory_order_relaxed) + full);
      if (long_) l->counters.too_long.store(l->counters.too_long.load(std::memory_order_relaxed) + long_);
    }
    const std::size_t m = l->outbound.peek(tx_.data(), tx_.size());
    if (m > 0) {
      for (std::size_t i = 0; i < m; ++i) tx_view_[i] = net::TxDatagram{tx_[i].payload, tx_[i].size, tx_[i].source};
      const std::size_t sent = l->real->tx_burst(tx_view_.data(), m);
      l->outbound.release(m);  // what the socket refused is lost like a dropped packet; the feed asks again
      l->counters.sent.store(l->counters.sent.load(std::memory_order_relaxed) + sent, std::memory_order_relaxed);
      moved = true;
    }
  }
  return moved;
}

void NetworkStage::run(const std::atomic<bool>& stop) noexcept {
  while (!stop.load(std::memory_order_relaxed)) poll();
}

}  // namespace hft::engine
