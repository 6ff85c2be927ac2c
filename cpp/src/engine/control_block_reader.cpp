// A client of the control block: attach, snapshot, send commands.

#include "hft/engine/control_block_reader.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cstring>

#include <sys/mman.h>
#include <sys/stat.h>

#include "hft/core/cache.h"
#include "hft/core/clock.h"
#include "hft/engine/control_block_seqlock.h"

#include "control_block_os.h"

namespace hft::engine {

namespace {

using detail::UniqueFd;
using layout::CommandSlot;
using layout::SlotPhase;

template <class T>
const T* at(const void* base, std::size_t offset) noexcept {
  return reinterpret_cast<const T*>(static_cast<const unsigned char*>(base) + offset);
}

std::vector<std::string> read_names(const void* base, std::size_t offset, std::size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(detail::fixed_string(at<char>(base, offset + i * layout::kNameBytes), layout::kNameBytes));
  }
  return out;
}

std::uint64_t monotonic_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}

/// Spins for the first few microseconds (the engine answers in about one),
/// then yields so a waiting client does not steal the engine's core.
class Backoff {
 public:
  void pause() noexcept {
    if (++spins_ < 4096) {
      core::cpu_relax();
    } else {
      ::sched_yield();
    }
  }

 private:
  unsigned spins_{0};
};

/// How long a Done slot may wait for its client to collect the answer before
/// anyone may reuse it (the client gave up, or crashed).
constexpr std::uint64_t kAbandonedDoneNs = 10'000'000'000ULL;

}  // namespace

ControlBlockReader::ControlBlockReader(const std::string& instance, const std::string& dir) {
  info_.path = control_path(instance, dir);
  bool rw = true;
  UniqueFd fd(::open(info_.path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd && (errno == EACCES || errno == EROFS || errno == EPERM)) {
    rw = false;
    fd.reset(::open(info_.path.c_str(), O_RDONLY | O_CLOEXEC));
  }
  if (!fd) {
    const int err = errno;
    if (err == ENOENT) {
      throw ControlError("no engine is running as instance '" + instance + "' (no control block at " + info_.path +
                         ")");
    }
    throw ControlError("control block " + info_.path + ": cannot open: " + detail::errno_text(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || static_cast<std::size_t>(st.st_size) < sizeof(layout::SegmentHeader)) {
    throw ControlError("control block " + info_.path + ": not a control block (too small)");
  }
  size_ = static_cast<std::size_t>(st.st_size);
  void* base = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd.get(), 0);
  if (base == MAP_FAILED)
    throw ControlError("control block " + info_.path + ": cannot map: " + detail::errno_text(errno));
  base_ = base;

  const auto& h = *at<layout::SegmentHeader>(base_, 0);
  auto fail = [&](const std::string& why) {
    release();
    throw ControlError("control block " + info_.path + ": " + why);
  };
  if (h.magic != layout::kMagic) fail("not a control block (bad magic)");
  if (h.layout_version != layout::kLayoutVersion) {
    fail("layout version " + std::to_string(h.layout_version) + ", this client reads version " +
         std::to_string(layout::kLayoutVersion) + " (upgrade the client or the engine)");
  }
  if (h.ready.load(std::memory_order_acquire) != 1) fail("the engine is still initialising it");
  if (h.total_bytes > size_ || h.bucket_count != core::LatencyHistogram::kBucketCount ||
      h.command_slot_count != layout::kCommandSlots || h.name_bytes != layout::kNameBytes ||
      h.counter_count > layout::kMaxCounters || h.stage_count > layout::kMaxStages ||
      h.instrument_count > layout::kMaxInstruments || h.commands_offset % layout::kPage != 0) {
    fail("inconsistent header (truncated or from an incompatible build)");
  }
  const layout::Geometry g = layout::compute_geometry(h.counter_count, h.stage_count, h.instrument_count);
  if (g.total_bytes != h.total_bytes || g.positions_offset != h.positions_offset) {
    fail("inconsistent geometry (from an incompatible build)");
  }

  info_.instance = detail::fixed_string(h.instance, sizeof h.instance);
  info_.layout_version = h.layout_version;
  info_.total_bytes = h.total_bytes;
  info_.engine_pid = h.engine_pid;
  info_.start_wall_ns = h.start_wall_ns;
  info_.tsc_hz = h.tsc_hz;
  info_.heartbeat_interval_ns = h.heartbeat_interval_ns;
  info_.counter_count = h.counter_count;
  info_.stage_count = h.stage_count;
  info_.bucket_count = h.bucket_count;
  info_.instrument_count = h.instrument_count;
  ns_per_tick_ = h.tsc_hz ? 1e9 / static_cast<double>(h.tsc_hz) : 1.0;

  status_ = at<layout::StatusBlock>(base_, h.status_offset);
  hb_ = at<layout::HeartbeatBlock>(base_, h.heartbeat_offset);
  commands_ro_ = at<layout::CommandBlock>(base_, h.commands_offset);
  counters_ = at<layout::AtomicU64>(base_, h.counters_offset);
  histograms_ = at<unsigned char>(base_, h.histograms_offset);
  histogram_stride_ = h.histogram_stride;
  positions_ = at<layout::PositionsBlock>(base_, h.positions_offset);
  position_stride_ = h.position_stride;
  counter_names_ = read_names(base_, h.counter_names_offset, h.counter_count);
  stage_names_ = read_names(base_, h.stage_names_offset, h.stage_count);
  instrument_names_ = read_names(base_, h.instrument_names_offset, h.instrument_count);

  if (rw) {
    // Only the command page is writable from a client.
    void* cmd = ::mmap(nullptr, h.commands_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(),
                       static_cast<off_t>(h.commands_offset));
    if (cmd != MAP_FAILED) {
      cmd_base_ = cmd;
      cmd_size_ = h.commands_bytes;
      commands_ = static_cast<layout::CommandBlock*>(cmd);
    }
  }
}

ControlBlockReader::ControlBlockReader(ControlBlockReader&& o) noexcept
    : info_(std::move(o.info_)),
      base_(o.base_),
      size_(o.size_),
      cmd_base_(o.cmd_base_),
      cmd_size_(o.cmd_size_),
      status_(o.status_),
      hb_(o.hb_),
      commands_(o.commands_),
      commands_ro_(o.commands_ro_),
      counters_(o.counters_),
      histograms_(o.histograms_),
      histogram_stride_(o.histogram_stride_),
      positions_(o.positions_),
      position_stride_(o.position_stride_),
      counter_names_(std::move(o.counter_names_)),
      stage_names_(std::move(o.stage_names_)),
      instrument_names_(std::move(o.instrument_names_)),
      ns_per_tick_(o.ns_per_tick_) {
  o.base_ = nullptr;
  o.cmd_base_ = nullptr;
}

ControlBlockReader::~ControlBlockReader() { release(); }

void ControlBlockReader::release() noexcept {
  if (cmd_base_ != nullptr) ::munmap(cmd_base_, cmd_size_);
  if (base_ != nullptr) ::munmap(base_, size_);
  cmd_base_ = nullptr;
  base_ = nullptr;
}

bool ControlBlockReader::owner_alive() const noexcept { return detail::process_alive(info_.engine_pid); }

std::uint64_t ControlBlockReader::heartbeat_age_ns() const noexcept {
  const std::uint64_t beat = hb_->wall_ns.load(std::memory_order_acquire);
  const std::uint64_t now = core::Clock::realtime_ns();
  return now > beat ? now - beat : 0;
}

bool ControlBlockReader::stale(std::uint64_t threshold_ns) const noexcept {
  return heartbeat_age_ns() > threshold_ns || !owner_alive();
}

StatusSnapshot ControlBlockReader::status() const {
  layout::StatusRecord r{};
  seqlock::read(status_->seq, [&] { seqlock::load_words(status_->words, &r, sizeof r); });
  StatusSnapshot s;
  s.state = static_cast<EngineState>(r.state);
  s.kill_level = static_cast<KillLevel>(r.kill_level);
  s.exit_reason = static_cast<ExitReason>(r.exit_reason);
  s.changed_wall_ns = r.changed_wall_ns;
  s.last_command_seq = r.last_command_seq;
  s.reason = detail::fixed_string(r.reason, sizeof r.reason);
  s.heartbeat_wall_ns = hb_->wall_ns.load(std::memory_order_acquire);
  s.loops = hb_->loops.load(std::memory_order_relaxed);
  s.heartbeat_age_ns = heartbeat_age_ns();
  s.commands_acked = commands_ro_->acked.load(std::memory_order_relaxed);
  s.owner_alive = owner_alive();
  return s;
}

std::size_t ControlBlockReader::counter_index_of(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < counter_names_.size(); ++i) {
    if (counter_names_[i] == name) return i;
  }
  return counter_names_.size();
}

const layout::HistogramBlock& ControlBlockReader::histogram(std::size_t s) const noexcept {
  return *at<layout::HistogramBlock>(histograms_, s * histogram_stride_);
}

core::LatencyHistogram ControlBlockReader::histogram_copy(std::size_t s) const {
  core::LatencyHistogram out;
  const auto& h = histogram(s);
  for (std::size_t i = 0; i < core::LatencyHistogram::kBucketCount; ++i) {
    const std::uint64_t n = h.buckets[i].load(std::memory_order_relaxed);
    if (n) out.record_n(core::LatencyHistogram::bucket_lower(i), n);
  }
  return out;
}

const layout::PositionRecord* ControlBlockReader::position_records() const noexcept {
  return reinterpret_cast<const layout::PositionRecord*>(positions_ + 1);
}

PositionsSnapshot ControlBlockReader::positions() const {
  PositionsSnapshot out;
  out.instruments.resize(info_.instrument_count);
  const auto* words = reinterpret_cast<const layout::AtomicU64*>(positions_ + 1);
  seqlock::read(positions_->seq, [&] {
    seqlock::load_words(positions_->totals, &out.totals, sizeof out.totals);
    seqlock::load_words(words, out.instruments.data(), out.instruments.size() * sizeof(layout::PositionRecord));
  });
  out.publishes = positions_->publishes.load(std::memory_order_relaxed);
  return out;
}

PendingCommand ControlBlockReader::post(CommandKind kind, KillLevel level, std::string_view reason,
                                        std::chrono::nanoseconds timeout) {
  PendingCommand p;
  if (commands_ == nullptr) {
    p.status = CommandStatus::ReadOnly;
    return p;
  }
  if (!owner_alive()) {
    p.status = CommandStatus::NoEngine;
    return p;
  }
  std::uint32_t seq = commands_->next_seq.fetch_add(1, std::memory_order_relaxed) + 1;
  if (seq == 0) seq = commands_->next_seq.fetch_add(1, std::memory_order_relaxed) + 1;  // 0 means "none"
  const auto pid = static_cast<std::uint32_t>(::getpid());
  const std::uint64_t deadline = monotonic_ns() + static_cast<std::uint64_t>(timeout.count());
  Backoff backoff;
  for (;;) {
    for (std::size_t i = 0; i < layout::kCommandSlots; ++i) {
      CommandSlot& slot = commands_->slots[i];
      std::uint64_t w = slot.word.load(std::memory_order_acquire);
      const SlotPhase ph = layout::slot_phase(w);
      // A slot is ours to take when free, or when its client is gone:
      // died while filling it in or before collecting the answer, or left
      // an answer uncollected for longer than any client waits.
      bool take = ph == SlotPhase::Free;
      if (!take && (ph == SlotPhase::Claimed || ph == SlotPhase::Done)) {
        take = !detail::process_alive(layout::slot_pid(w));
      }
      if (!take && ph == SlotPhase::Done) {
        const std::uint64_t acked = slot.ack_wall_ns.load(std::memory_order_relaxed);
        take = core::Clock::realtime_ns() > acked + kAbandonedDoneNs;
      }
      if (!take) continue;
      if (!slot.word.compare_exchange_strong(w, layout::slot_word(seq, pid, SlotPhase::Claimed),
                                             std::memory_order_acq_rel, std::memory_order_relaxed)) {
        continue;
      }
      slot.kind = static_cast<std::uint8_t>(kind);
      slot.level = static_cast<std::uint8_t>(level);
      detail::put_fixed(slot.reason, sizeof slot.reason, reason.data(), reason.size());
      slot.posted_wall_ns = core::Clock::realtime_ns();
      p.slot = i;
      p.seq = seq;
      p.posted_ns = monotonic_ns();
      p.posted_tsc = core::Clock::now();
      slot.posted_tsc = p.posted_tsc;
      slot.word.store(layout::slot_word(seq, pid, SlotPhase::Posted), std::memory_order_release);
      commands_->doorbell.fetch_add(1, std::memory_order_release);
      p.status = CommandStatus::Acknowledged;
      return p;
    }
    // Every slot busy: the engine is not polling, or 16 clients are ahead.
    if (monotonic_ns() > deadline) {
      p.status = CommandStatus::NotDelivered;
      return p;
    }
    backoff.pause();
  }
}

CommandAck ControlBlockReader::wait(const PendingCommand& p, std::chrono::nanoseconds timeout) {
  CommandAck ack;
  ack.seq = p.seq;
  if (p.status != CommandStatus::Acknowledged) {
    ack.status = p.status;
    return ack;
  }
  CommandSlot& slot = commands_->slots[p.slot];
  const auto pid = static_cast<std::uint32_t>(::getpid());
  const std::uint64_t done = layout::slot_word(p.seq, pid, SlotPhase::Done);
  const std::uint64_t posted = layout::slot_word(p.seq, pid, SlotPhase::Posted);
  const std::uint64_t deadline = monotonic_ns() + static_cast<std::uint64_t>(timeout.count());
  Backoff backoff;
  for (unsigned spins = 0;; ++spins) {
    std::uint64_t w = slot.word.load(std::memory_order_acquire);
    if (w == done) {
      ack.result = static_cast<CommandResult>(slot.result.load(std::memory_order_relaxed));
      ack.detail = slot.detail.load(std::memory_order_relaxed);
      ack.state_after = static_cast<EngineState>(slot.state_after.load(std::memory_order_relaxed));
      const std::uint64_t ack_tsc = slot.ack_tsc.load(std::memory_order_relaxed);
      ack.round_trip_ns = monotonic_ns() - p.posted_ns;
      ack.engine_ns = ack_tsc > p.posted_tsc
                          ? static_cast<std::uint64_t>(static_cast<double>(ack_tsc - p.posted_tsc) * ns_per_tick_)
                          : 0;
      // Free the slot; if it was reclaimed meanwhile the answer we read may
      // belong to someone else, so it only counts when the CAS succeeds.
      if (slot.word.compare_exchange_strong(w, layout::slot_word(0, 0, SlotPhase::Free), std::memory_order_acq_rel,
                                            std::memory_order_relaxed)) {
        ack.status = CommandStatus::Acknowledged;
      } else {
        ack.status = CommandStatus::Timeout;
      }
      return ack;
    }
    if (layout::slot_seq(w) != p.seq) {  // reclaimed after we gave up on it
      ack.status = CommandStatus::Timeout;
      return ack;
    }
    if ((spins & 1023U) == 0) {
      const bool expired = monotonic_ns() > deadline;
      const bool gone = !owner_alive();
      if (expired || gone) {
        // A kill stays posted: an engine that was only slow applies it as
        // soon as it polls again (fail safe). Anything else is withdrawn,
        // so a late resume or stop never surprises anyone.
        const auto kind = static_cast<CommandKind>(slot.kind);
        if (gone || kind != CommandKind::Kill) {
          std::uint64_t expected = posted;  // only a command the engine has not taken
          if (slot.word.compare_exchange_strong(expected, layout::slot_word(0, 0, SlotPhase::Free),
                                                std::memory_order_acq_rel, std::memory_order_relaxed)) {
            ack.status = gone ? CommandStatus::NoEngine : CommandStatus::NotDelivered;
            return ack;
          }
        }
        ack.status = gone ? CommandStatus::NoEngine : CommandStatus::Timeout;
        return ack;
      }
    }
    backoff.pause();
  }
}

CommandAck ControlBlockReader::send(CommandKind kind, KillLevel level, std::string_view reason,
                                    std::chrono::nanoseconds timeout) {
  const PendingCommand p = post(kind, level, reason, timeout);
  return wait(p, timeout);
}

}  // namespace hft::engine
