// The engine's side of the control block: creating and owning the segment,
// the hot-path updates, and answering commands.

#include "hft/engine/control_block_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <new>

#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "hft/engine/control_block_seqlock.h"
#include "hft/trading/position_book.h"

#include "control_block_os.h"

namespace hft::engine {

namespace {

using detail::UniqueFd;
using layout::CommandSlot;
using layout::SlotPhase;

template <class T>
T* at(void* base, std::size_t offset) noexcept {
  return reinterpret_cast<T*>(static_cast<unsigned char*>(base) + offset);
}

bool same_file(int fd, const std::string& path) noexcept {
  struct stat a {};
  struct stat b {};
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/// The pid recorded in an existing segment's header (0 when unreadable).
long recorded_pid(int fd) noexcept {
  layout::SegmentHeader h{};
  const ssize_t n = ::pread(fd, &h, sizeof h, 0);
  if (n != static_cast<ssize_t>(sizeof h) || h.magic != layout::kMagic) return 0;
  return h.engine_pid;
}

bool valid_kind(std::uint8_t k) noexcept { return k > 0 && k < kCommandKindCount; }

}  // namespace

ControlBlockWriter::ControlBlockWriter(const ControlBlockOptions& options)
    : path_(control_path(options.instance, options.dir)) {
  const std::size_t counters = kCounterCount + options.extra_counters.size();
  if (options.stages.size() > layout::kMaxStages || options.instruments.size() > layout::kMaxInstruments ||
      counters > layout::kMaxCounters) {
    throw ControlError("control block " + path_ + ": too many stages, instruments or counters (limits " +
                       std::to_string(layout::kMaxStages) + ", " + std::to_string(layout::kMaxInstruments) + ", " +
                       std::to_string(layout::kMaxCounters) + ")");
  }
  const layout::Geometry g = layout::compute_geometry(counters, options.stages.size(), options.instruments.size());
  const core::TscCalibration cal =
      options.calibration ? *options.calibration : core::calibrate_tsc(std::chrono::milliseconds(10));
  tsc_ = core::TscConverter(cal);

  // Build the whole segment under a private name, locked, then link it into
  // place: the public name never shows a half-built or unlocked segment, and
  // link() fails when the name exists, which is the O_EXCL we need.
  const std::string tmp = path_ + ".init." + std::to_string(::getpid());
  ::unlink(tmp.c_str());  // our own leftover from a crash under the same pid
  UniqueFd fd(::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
  if (!fd) {
    throw ControlError("control block: cannot create " + tmp + ": " + detail::errno_text(errno) +
                       " (set HFT_SHM_DIR to a writable directory?)");
  }
  struct TmpGuard {
    const std::string& p;
    bool armed{true};
    ~TmpGuard() {
      if (armed) ::unlink(p.c_str());
    }
  } guard{tmp};
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    throw ControlError("control block: cannot lock " + tmp + ": " + detail::errno_text(errno));
  }
  if (::ftruncate(fd.get(), static_cast<off_t>(g.total_bytes)) != 0) {
    throw ControlError("control block: cannot size " + tmp + ": " + detail::errno_text(errno));
  }
  void* base = ::mmap(nullptr, g.total_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (base == MAP_FAILED) {
    throw ControlError("control block: cannot map " + tmp + ": " + detail::errno_text(errno));
  }
  base_ = base;
  size_ = g.total_bytes;

  // ftruncate gave zeroed pages, which is every atomic's initial value.
  header_ = at<layout::SegmentHeader>(base_, 0);
  status_ = at<layout::StatusBlock>(base_, g.status_offset);
  hb_ = at<layout::HeartbeatBlock>(base_, g.heartbeat_offset);
  commands_ = at<layout::CommandBlock>(base_, g.commands_offset);
  counters_ = at<layout::AtomicU64>(base_, g.counters_offset);
  histograms_ = at<unsigned char>(base_, g.histograms_offset);
  histogram_stride_ = sizeof(layout::HistogramBlock);
  positions_ = at<layout::PositionsBlock>(base_, g.positions_offset);
  counter_count_ = counters;
  stage_count_ = options.stages.size();
  instrument_count_ = options.instruments.size();

  auto& h = *header_;
  h.magic = layout::kMagic;
  h.layout_version = layout::kLayoutVersion;
  h.header_bytes = static_cast<std::uint32_t>(sizeof(layout::SegmentHeader));
  h.total_bytes = g.total_bytes;
  h.engine_pid = static_cast<std::int32_t>(::getpid());
  h.start_wall_ns = core::Clock::realtime_ns();
  h.start_tsc = core::Clock::now();
  h.tsc_hz = static_cast<std::uint64_t>(std::llround(cal.ticks_per_second));
  h.heartbeat_interval_ns = options.heartbeat_interval_ns;
  detail::put_fixed(h.instance, sizeof h.instance, options.instance.data(), options.instance.size());
  h.counter_count = static_cast<std::uint32_t>(counters);
  h.stage_count = static_cast<std::uint32_t>(stage_count_);
  h.bucket_count = static_cast<std::uint32_t>(core::LatencyHistogram::kBucketCount);
  h.sub_bucket_bits = core::LatencyHistogram::kSubBucketBits;
  h.max_value_bits = core::LatencyHistogram::kMaxValueBits;
  h.instrument_count = static_cast<std::uint32_t>(instrument_count_);
  h.command_slot_count = static_cast<std::uint32_t>(layout::kCommandSlots);
  h.name_bytes = static_cast<std::uint32_t>(layout::kNameBytes);
  h.status_offset = g.status_offset;
  h.heartbeat_offset = g.heartbeat_offset;
  h.commands_offset = g.commands_offset;
  h.commands_bytes = sizeof(layout::CommandBlock);
  h.counter_names_offset = g.counter_names_offset;
  h.counters_offset = g.counters_offset;
  h.stage_names_offset = g.stage_names_offset;
  h.histograms_offset = g.histograms_offset;
  h.histogram_stride = histogram_stride_;
  h.instrument_names_offset = g.instrument_names_offset;
  h.positions_offset = g.positions_offset;
  h.position_stride = sizeof(layout::PositionRecord);

  auto name_at = [&](std::size_t offset, std::size_t i, const std::string& name) {
    detail::put_fixed(at<char>(base_, offset + i * layout::kNameBytes), layout::kNameBytes, name.data(), name.size());
  };
  for (std::size_t i = 0; i < kCounterCount; ++i) name_at(g.counter_names_offset, i, counter_name(i));
  for (std::size_t i = 0; i < options.extra_counters.size(); ++i) {
    name_at(g.counter_names_offset, kCounterCount + i, options.extra_counters[i]);
  }
  for (std::size_t i = 0; i < stage_count_; ++i) {
    name_at(g.stage_names_offset, i, options.stages[i]);
    at<layout::HistogramBlock>(histograms_, i * histogram_stride_)->min.store(~std::uint64_t{0});
  }
  for (std::size_t i = 0; i < instrument_count_; ++i) {
    name_at(g.instrument_names_offset, i, options.instruments[i]);
    at<layout::PositionRecord>(positions_ + 1, i * sizeof(layout::PositionRecord))->symbol =
        static_cast<std::uint32_t>(i);
  }

  const double ticks_per_ns = cal.ticks_per_second > 0 ? cal.ticks_per_second / 1e9 : 1.0;
  wall_interval_ticks_ = static_cast<std::uint64_t>(static_cast<double>(options.heartbeat_interval_ns) * ticks_per_ns);
  refresh_wall(core::Clock::now());
  set_state(EngineState::Starting);
  h.ready.store(1, std::memory_order_release);

  // Claim the public name. An existing segment whose lock we can take was
  // left by a dead engine: remove it (if the name still points at it) and
  // retry; one whose lock is held belongs to a live engine.
  for (int attempt = 0;; ++attempt) {
    if (::link(tmp.c_str(), path_.c_str()) == 0) break;
    const int err = errno;
    if (err != EEXIST || attempt >= 8) {
      release();
      throw ControlError("control block: cannot create " + path_ + ": " + detail::errno_text(err));
    }
    UniqueFd other(::open(path_.c_str(), O_RDWR | O_CLOEXEC));
    if (!other) continue;  // removed meanwhile: try again
    if (::flock(other.get(), LOCK_EX | LOCK_NB) != 0) {
      const long pid = recorded_pid(other.get());
      release();
      throw ControlError("control block: engine instance '" + options.instance + "' is already running (pid " +
                         std::to_string(pid) + ", " + path_ + "); stop it or choose another instance.name");
    }
    if (same_file(other.get(), path_)) ::unlink(path_.c_str());
  }
  fd_ = fd.release();
}

ControlBlockWriter::~ControlBlockWriter() {
  if (base_ == nullptr) return;
  if (state_ != EngineState::Stopped)
    set_state(EngineState::Stopped, {}, static_cast<ExitReason>(status_record_.exit_reason));
  // Remove the name only if it is still ours (never a successor's segment).
  if (fd_ >= 0 && same_file(fd_, path_)) ::unlink(path_.c_str());
  release();
}

void ControlBlockWriter::release() noexcept {
  if (base_ != nullptr) ::munmap(base_, size_);
  base_ = nullptr;
  if (fd_ >= 0) ::close(fd_);  // drops the lock
  fd_ = -1;
}

void ControlBlockWriter::refresh_wall(std::uint64_t now_tsc) noexcept {
  last_wall_tsc_ = now_tsc;
  hb_->tsc.store(now_tsc, std::memory_order_relaxed);
  hb_->wall_ns.store(core::Clock::realtime_ns(), std::memory_order_release);
}

std::size_t ControlBlockWriter::drain(std::uint64_t rung, Thunk thunk, void* handler) noexcept {
  // Everything posted before the doorbell value we read is visible now; a
  // post racing with this scan rings again and is handled next time.
  seen_doorbell_ = rung;
  struct Posted {
    std::uint64_t word;
    std::size_t slot;
  };
  Posted posted[layout::kCommandSlots];
  std::size_t n = 0;
  for (std::size_t i = 0; i < layout::kCommandSlots; ++i) {
    const std::uint64_t w = commands_->slots[i].word.load(std::memory_order_acquire);
    if (layout::slot_phase(w) != SlotPhase::Posted) continue;
    // Oldest first (by sequence, wrap-safe): a kill then a resume from two
    // clients must be applied in that order.
    std::size_t j = n++;
    while (j > 0 && static_cast<std::int32_t>(layout::slot_seq(posted[j - 1].word) - layout::slot_seq(w)) > 0) {
      posted[j] = posted[j - 1];
      --j;
    }
    posted[j] = Posted{w, i};
  }

  std::size_t handled = 0;
  for (std::size_t k = 0; k < n; ++k) {
    CommandSlot& slot = commands_->slots[posted[k].slot];
    std::uint64_t w = posted[k].word;
    const std::uint32_t seq = layout::slot_seq(w);
    const std::uint32_t pid = layout::slot_pid(w);
    // Taking it is a CAS so a client withdrawing at the same moment either
    // wins (never executed) or loses (executed and answered exactly once).
    if (!slot.word.compare_exchange_strong(w, layout::slot_word(seq, pid, SlotPhase::Taken), std::memory_order_acq_rel,
                                           std::memory_order_acquire)) {
      continue;
    }
    Command cmd;
    cmd.seq = seq;
    cmd.kind = static_cast<CommandKind>(slot.kind);
    cmd.level = static_cast<KillLevel>(slot.level);
    cmd.client_pid = pid;
    cmd.posted_tsc = slot.posted_tsc;
    cmd.reason = std::string_view(slot.reason, ::strnlen(slot.reason, sizeof slot.reason));
    CommandReply reply{CommandResult::Invalid, 0};
    const bool level_ok =
        cmd.kind != CommandKind::Kill || (cmd.level == KillLevel::Reduce || cmd.level == KillLevel::Halt);
    if (valid_kind(slot.kind) && level_ok) reply = thunk(handler, cmd);

    const std::uint64_t now = core::Clock::now();
    slot.result.store(static_cast<std::uint32_t>(reply.result), std::memory_order_relaxed);
    slot.detail.store(reply.detail, std::memory_order_relaxed);
    slot.state_after.store(static_cast<std::uint32_t>(state_), std::memory_order_relaxed);
    slot.ack_tsc.store(now, std::memory_order_relaxed);
    slot.ack_wall_ns.store(hb_->wall_ns.load(std::memory_order_relaxed) + tsc_.to_ns(now - last_wall_tsc_),
                           std::memory_order_relaxed);
    slot.word.store(layout::slot_word(seq, pid, SlotPhase::Done), std::memory_order_release);
    commands_->acked.store(commands_->acked.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    commands_->last_ack_seq.store(seq, std::memory_order_relaxed);
    add(Counter::CommandsHandled);
    ++handled;
  }
  return handled;
}

void ControlBlockWriter::record_latency(std::size_t stage, std::uint64_t ns) noexcept {
  auto& h = *at<layout::HistogramBlock>(histograms_, stage * histogram_stride_);
  auto bump = [](layout::AtomicU64& a, std::uint64_t n) {
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  };
  if (ns > core::LatencyHistogram::kMaxTrackable) {
    bump(h.overflow, 1);
  } else {
    bump(h.buckets[core::LatencyHistogram::bucket_index(ns)], 1);
  }
  bump(h.count, 1);
  bump(h.sum, ns);
  if (ns < h.min.load(std::memory_order_relaxed)) h.min.store(ns, std::memory_order_relaxed);
  if (ns > h.max.load(std::memory_order_relaxed)) h.max.store(ns, std::memory_order_relaxed);
}

void ControlBlockWriter::publish_histogram(std::size_t stage, const core::LatencyHistogram& src) noexcept {
  auto& h = *at<layout::HistogramBlock>(histograms_, stage * histogram_stride_);
  const std::uint64_t* b = src.buckets();
  for (std::size_t i = 0; i < core::LatencyHistogram::kBucketCount; ++i) {
    h.buckets[i].store(b[i], std::memory_order_relaxed);
  }
  h.overflow.store(src.overflow_count(), std::memory_order_relaxed);
  h.sum.store(static_cast<std::uint64_t>(std::llround(src.mean() * static_cast<double>(src.count()))),
              std::memory_order_relaxed);
  h.min.store(src.count() ? src.min() : ~std::uint64_t{0}, std::memory_order_relaxed);
  h.max.store(src.max(), std::memory_order_relaxed);
  h.count.store(src.count(), std::memory_order_release);
}

void ControlBlockWriter::set_state(EngineState state, std::string_view reason, ExitReason exit,
                                   std::uint64_t command_seq) noexcept {
  state_ = state;
  if (state == EngineState::Reducing) kill_level_ = KillLevel::Reduce;
  if (state == EngineState::Halted) kill_level_ = KillLevel::Halt;
  if (state == EngineState::Running) kill_level_ = KillLevel::None;
  auto& r = status_record_;
  r.state = static_cast<std::uint8_t>(state);
  r.kill_level = static_cast<std::uint8_t>(kill_level_);
  r.exit_reason = static_cast<std::uint16_t>(exit);
  const std::uint64_t now = core::Clock::now();
  r.changed_wall_ns = hb_->wall_ns.load(std::memory_order_relaxed) + tsc_.to_ns(now - last_wall_tsc_);
  if (command_seq != 0) r.last_command_seq = command_seq;
  detail::put_fixed(r.reason, sizeof r.reason, reason.data(), reason.size());
  seqlock::begin_write(status_->seq);
  seqlock::store_words(status_->words, &r, sizeof r);
  seqlock::end_write(status_->seq);
}

void ControlBlockWriter::publish_positions(const layout::PositionRecord* records, std::size_t count,
                                           const layout::PositionTotalsRecord& totals) noexcept {
  if (count > instrument_count_) count = instrument_count_;
  auto* words = reinterpret_cast<layout::AtomicU64*>(positions_ + 1);
  seqlock::begin_write(positions_->seq);
  seqlock::store_words(positions_->totals, &totals, sizeof totals);
  seqlock::store_words(words, records, count * sizeof(layout::PositionRecord));
  seqlock::end_write(positions_->seq);
  positions_->publishes.store(positions_->publishes.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void ControlBlockWriter::publish_positions(const trading::PositionBook& book) noexcept {
  const std::size_t count = book.symbols() < instrument_count_ ? book.symbols() : instrument_count_;
  const auto& t = book.totals();
  const layout::PositionTotalsRecord totals{t.realized,       t.unrealized,   t.fees,           t.pnl(),
                                            t.gross_position, t.net_position, t.gross_notional, t.net_notional};
  auto* words = reinterpret_cast<layout::AtomicU64*>(positions_ + 1);
  seqlock::begin_write(positions_->seq);
  seqlock::store_words(positions_->totals, &totals, sizeof totals);
  for (std::size_t i = 0; i < count; ++i) {
    const auto& p = book.at(core::SymbolId{static_cast<std::uint32_t>(i)});
    const layout::PositionRecord r{
        static_cast<std::uint32_t>(i), 0,          p.net,     p.realized, p.unrealized, p.fees, p.bought, p.sold,
        p.average_cost().raw,          p.mark.raw, p.bid.raw, p.ask.raw,  p.last.raw};
    seqlock::store_words(words + i * (sizeof r / 8), &r, sizeof r);
  }
  seqlock::end_write(positions_->seq);
  positions_->publishes.store(positions_->publishes.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

}  // namespace hft::engine
