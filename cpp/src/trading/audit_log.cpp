#include "hft/trading/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <sys/stat.h>

#include "hft/core/cpu.h"

namespace hft::trading {
namespace {

namespace fs = std::filesystem;
using audit_format::kRecordSize;
using audit_format::kSegmentHeaderSize;

/// How long the writer sleeps between empty polls, growing from the first to
/// the last value while the ring stays empty. The cap bounds both the delay
/// before a burst is picked up (the ring absorbs it) and how much a process
/// killed with SIGKILL can lose: only what arrived during the last nap.
constexpr std::chrono::microseconds kIdleFirst{10};
constexpr std::chrono::microseconds kIdleMax{200};
/// Pause between retries of a failed write, and how many retries stop()
/// allows before it gives up on a disk that keeps failing.
constexpr std::chrono::milliseconds kRetryPause{10};
constexpr int kRetriesWhenStopping = 100;
/// Segment names taken by someone else that start() or a rotation skips.
constexpr int kMaxNameCollisions = 16;

int open_exclusive(const std::string& path) noexcept {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

/// Writes all of `n` bytes at `offset`; 0 or the errno of the failure.
int pwrite_all(int fd, const void* data, std::size_t n, std::uint64_t offset) noexcept {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (w == 0) return EIO;
    p += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
  return 0;
}

/// Makes a new directory entry durable (the file's own fsync does not).
int fsync_directory(const std::string& dir) noexcept {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int rc = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return rc;
}

std::string resolve_log_path(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return (fs::path(path) / "audit.bin").string();
  return path;
}

}  // namespace

AuditLog::AuditLog(std::string path, AuditLogOptions options, const core::TscCalibration& clock)
    : path_(std::move(path)),
      naming_(audit_format::SegmentNaming::from_path(resolve_log_path(path_))),
      options_(std::move(options)),
      converter_(clock),
      tsc_hz_(clock.ticks_per_second) {
  if (path_.empty()) throw std::invalid_argument("audit log: empty path");
  if (!(clock.ticks_per_second > 0.0) || clock.mult == 0) {
    throw std::invalid_argument("audit log: the TSC calibration is empty (run core::calibrate_tsc first)");
  }
  if (options_.segment_bytes < kSegmentHeaderSize + kRecordSize) {
    throw std::invalid_argument("audit log: segment size " + std::to_string(options_.segment_bytes) +
                                " bytes is smaller than a header and one record");
  }
  if (options_.fsync_interval.count() < 0) throw std::invalid_argument("audit log: negative fsync interval");
  records_per_segment_ = (options_.segment_bytes - kSegmentHeaderSize) / kRecordSize;
  // Value-initialised: the ring (1 MiB) is written once here, so the hot thread
  // never takes a first-touch page fault on a slot.
  ring_ = std::make_unique<Ring>();
  hot_.ring = ring_.get();
}

AuditLog::~AuditLog() { stop(); }

// ---- hot thread ------------------------------------------------------------------

void AuditLog::record(const AuditRecord& r) noexcept {
  // Only this thread writes next_seq: a relaxed load and store, no lock prefix.
  const std::uint64_t seq = hot_.next_seq.load(std::memory_order_relaxed);
  hot_.next_seq.store(seq + 1, std::memory_order_relaxed);
  AuditRecord copy = r;
  copy.seq = seq;
  if (__builtin_expect(copy.tsc == 0, 0)) copy.tsc = core::Clock::now();
  if (__builtin_expect(!hot_.closed.load(std::memory_order_relaxed) && hot_.ring->try_push(copy), 1)) return;
  record_slow(copy);
}

// Kept out of line so the fast path above stays a handful of instructions.
__attribute__((noinline, cold)) void AuditLog::record_slow(const AuditRecord& r) noexcept {
  const auto drop = [this] {
    hot_slow_.dropped.store(hot_slow_.dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  };
  if (hot_.closed.load(std::memory_order_relaxed) || options_.on_ring_full == AuditLogOptions::RingFull::Drop) {
    drop();
    return;
  }
  hot_slow_.block_events.store(hot_slow_.block_events.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  while (!ring_->try_push(r)) {
    // With no writer (not started, or stopped) nobody will ever make room:
    // waiting would hang the hot thread, so the record counts as dropped.
    if (!writer_alive_.load(std::memory_order_acquire)) {
      drop();
      return;
    }
    core::cpu_relax();
  }
}

// ---- start / stop ----------------------------------------------------------------

void AuditLog::start() {
  if (started_) throw std::logic_error("audit log: start() called twice for " + path_);

  std::error_code ec;
  fs::create_directories(naming_.directory, ec);
  if (ec) throw std::system_error(ec, "audit log: cannot create directory '" + naming_.directory + "'");

  // Continue after the highest index present: a restart never overwrites.
  std::uint32_t highest = 0;
  for (fs::directory_iterator it(naming_.directory, ec), end; !ec && it != end; it.increment(ec)) {
    highest = std::max(highest, naming_.index_of(it->path().filename().string()));
  }
  if (ec) throw std::system_error(ec, "audit log: cannot list directory '" + naming_.directory + "'");

  // The anchor pair: the tightest of several (tsc, realtime, tsc) brackets,
  // so one preempted read does not shift every wall-clock stamp of the run.
  std::uint64_t best = ~std::uint64_t{0};
  for (int i = 0; i < 16; ++i) {
    const std::uint64_t t0 = core::Clock::now_ordered();
    const auto wall = static_cast<std::int64_t>(core::Clock::realtime_ns());
    const std::uint64_t t1 = core::Clock::now_ordered();
    if (t1 - t0 < best) {
      best = t1 - t0;
      anchor_tsc_ = t0 + (t1 - t0) / 2;
      anchor_wall_ns_ = wall;
    }
  }

  std::string failed_path;
  const int err = open_segment(highest + 1, failed_path);
  if (err != 0) {
    throw std::system_error(err, std::generic_category(), "audit log: cannot create segment '" + failed_path + "'");
  }
  if (options_.fsync != AuditLogOptions::Fsync::Never) {
    if (const int derr = fsync_directory(naming_.directory); derr != 0) note_error(derr);
  }
  last_sync_mono_ns_ = core::Clock::monotonic_raw_ns();
  batch_.resize(kBatch + 1);  // one spare slot for a RingOverflow record

  if (options_.writer_cpu >= 0) {
    const std::vector<int> allowed = core::allowed_cpus();
    if (std::find(allowed.begin(), allowed.end(), options_.writer_cpu) == allowed.end()) {
      close_segment();
      throw std::invalid_argument("audit log: writer_cpu " + std::to_string(options_.writer_cpu) +
                                  " is not one of this process's allowed cores");
    }
  }

  writer_alive_.store(true, std::memory_order_release);
  try {
    writer_ = std::thread([this] { writer_main(); });
  } catch (...) {
    writer_alive_.store(false, std::memory_order_release);
    close_segment();
    throw;
  }
  started_ = true;
}

void AuditLog::stop() noexcept {
  hot_.closed.store(true, std::memory_order_release);
  stop_requested_.store(true, std::memory_order_release);
  if (writer_.joinable()) {
    writer_.join();
  } else if (const std::size_t stranded = ring_->size(); stranded > 0) {
    // Never started (or start failed): what waits in the ring can no longer
    // be written, and a loss is never silent.
    hot_slow_.dropped.fetch_add(stranded, std::memory_order_relaxed);
    while (ring_->front() != nullptr) ring_->pop();
  }
}

AuditLogStats AuditLog::stats() const noexcept {
  constexpr auto r = std::memory_order_relaxed;
  AuditLogStats s;
  s.dropped = hot_slow_.dropped.load(r);
  s.appended = hot_.next_seq.load(r) - 1 - s.dropped;
  s.block_events = hot_slow_.block_events.load(r);
  s.records_written = out_.records_written.load(r);
  s.overflow_records = out_.overflow_records.load(r);
  s.bytes_written = out_.bytes_written.load(r);
  s.segments = out_.segments.load(r);
  s.segment_index = out_.segment_index.load(r);
  s.fsyncs = out_.fsyncs.load(r);
  s.last_fsync_wall_ns = out_.last_fsync_wall_ns.load(r);
  s.write_errors = out_.write_errors.load(r);
  s.last_errno = out_.last_errno.load(r);
  s.lost_on_error = out_.lost_on_error.load(r);
  return s;
}

// ---- writer thread ---------------------------------------------------------------

void AuditLog::writer_main() noexcept {
  if (options_.writer_cpu >= 0) (void)core::pin_current_thread(options_.writer_cpu);
  (void)core::set_current_thread_name("hft-audit");
  std::chrono::microseconds idle = kIdleFirst;
  for (;;) {
    // Read the flag before polling: when it was set, everything recorded
    // before stop() is already visible, so an empty poll after it means
    // there is nothing left to write.
    const bool stopping = stop_requested_.load(std::memory_order_acquire);
    std::size_t n = ring_->pop_batch(batch_.data(), kBatch);
    if (n > 0) {
      idle = kIdleFirst;
      process_batch(n);
      continue;
    }
    // Drops while the ring is empty (the writer was slow, then caught up)
    // still reach the file.
    append_overflow_record(n);
    if (n > 0) {
      write_records(batch_.data(), n);
      sync(options_.fsync == AuditLogOptions::Fsync::EveryBatch);
    }
    if (stopping) break;
    sync(false);
    std::this_thread::sleep_for(idle);
    idle = std::min(idle * 2, kIdleMax);
  }
  sync(true);
  close_segment();
  writer_alive_.store(false, std::memory_order_release);
}

std::int64_t AuditLog::wall_ns(std::uint64_t tsc) const noexcept {
  if (tsc >= anchor_tsc_) return anchor_wall_ns_ + static_cast<std::int64_t>(converter_.to_ns(tsc - anchor_tsc_));
  return anchor_wall_ns_ - static_cast<std::int64_t>(converter_.to_ns(anchor_tsc_ - tsc));
}

void AuditLog::process_batch(std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    AuditRecord& r = batch_[i];
    r.wall_ns = wall_ns(r.tsc);
    audit_format::seal(r);
  }
  append_overflow_record(n);
  write_records(batch_.data(), n);
  sync(options_.fsync == AuditLogOptions::Fsync::EveryBatch);
}

void AuditLog::append_overflow_record(std::size_t& n) noexcept {
  const std::uint64_t dropped = hot_slow_.dropped.load(std::memory_order_relaxed);
  if (dropped == reported_dropped_) return;
  reported_dropped_ = dropped;
  AuditRecord& r = batch_[n++];
  r = AuditRecord{};
  r.type = AuditType::RingOverflow;
  r.seq = audit_format::kWriterSeq;
  r.tsc = core::Clock::now();
  r.wall_ns = wall_ns(r.tsc);
  r.ref_id = dropped;
  audit_format::seal(r);
  out_.overflow_records.fetch_add(1, std::memory_order_relaxed);
}

bool AuditLog::write_records(const AuditRecord* recs, std::size_t n) noexcept {
  std::size_t done = 0;
  while (done < n) {
    if (segment_records_ >= records_per_segment_) {
      const std::uint64_t first = recs[done].seq != audit_format::kWriterSeq ? recs[done].seq : last_seq_written_ + 1;
      // A failed rotation keeps appending to the full segment: a larger file
      // is better than a lost record. The next batch tries again.
      rotate(first);
    }
    std::size_t k = n - done;
    if (segment_records_ < records_per_segment_) {
      k = std::min<std::size_t>(k, static_cast<std::size_t>(records_per_segment_ - segment_records_));
    }
    if (!write_fully(recs + done, k * kRecordSize)) {
      out_.lost_on_error.fetch_add(n - done, std::memory_order_relaxed);
      return false;
    }
    for (std::size_t i = done + k; i > done; --i) {
      if (recs[i - 1].seq != audit_format::kWriterSeq) {
        last_seq_written_ = recs[i - 1].seq;
        break;
      }
    }
    segment_records_ += k;
    done += k;
    out_.records_written.fetch_add(k, std::memory_order_relaxed);
  }
  return true;
}

bool AuditLog::write_fully(const void* data, std::size_t n) noexcept {
  if (abandoned_) return false;
  const auto* p = static_cast<const char*>(data);
  int failures = 0;
  while (n > 0) {
    const ssize_t w = ::pwrite(fd_, p, n, static_cast<off_t>(file_offset_));
    if (w > 0) {
      // Advance by what was written: a retry continues at the right offset,
      // so a failure in the middle never shifts later records.
      const auto wrote = static_cast<std::size_t>(w);
      p += wrote;
      n -= wrote;
      file_offset_ += wrote;
      out_.bytes_written.fetch_add(wrote, std::memory_order_relaxed);
      dirty_ = true;
      failures = 0;
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    note_error(w < 0 ? errno : EIO);
    // A full or failing disk: keep retrying (the ring-full policy decides
    // what the hot thread does meanwhile) until stop() asks to finish.
    if (stop_requested_.load(std::memory_order_acquire) && ++failures >= kRetriesWhenStopping) {
      abandoned_ = true;
      return false;
    }
    std::this_thread::sleep_for(kRetryPause);
  }
  return true;
}

int AuditLog::open_segment(std::uint32_t index, std::string& failed_path) noexcept {
  int fd = -1;
  for (int collisions = 0;; ++collisions, ++index) {
    if (index > audit_format::kMaxSegmentIndex) {
      failed_path = naming_.path(index);
      return EOVERFLOW;
    }
    failed_path = naming_.path(index);
    fd = open_exclusive(failed_path);
    if (fd >= 0) break;
    if (errno != EEXIST || collisions + 1 >= kMaxNameCollisions) return errno;
  }
  const audit_format::SegmentHeader h = make_header(index);
  if (const int err = pwrite_all(fd, &h, sizeof(h), 0); err != 0) {
    ::close(fd);
    ::unlink(failed_path.c_str());
    return err;
  }
  close_segment();
  fd_ = fd;
  segment_index_ = index;
  segment_records_ = 0;
  file_offset_ = kSegmentHeaderSize;
  dirty_ = true;
  out_.bytes_written.fetch_add(kSegmentHeaderSize, std::memory_order_relaxed);
  out_.segments.fetch_add(1, std::memory_order_relaxed);
  out_.segment_index.store(index, std::memory_order_relaxed);
  failed_path.clear();
  return 0;
}

bool AuditLog::rotate(std::uint64_t first_seq) noexcept {
  if (options_.fsync != AuditLogOptions::Fsync::Never) sync(true);
  next_first_seq_ = first_seq;
  std::string failed_path;
  if (const int err = open_segment(segment_index_ + 1, failed_path); err != 0) {
    note_error(err);
    return false;
  }
  if (options_.fsync != AuditLogOptions::Fsync::Never) {
    if (const int err = fsync_directory(naming_.directory); err != 0) note_error(err);
  }
  return true;
}

void AuditLog::sync(bool force) noexcept {
  if (!dirty_ || fd_ < 0) return;
  const std::uint64_t now = core::Clock::monotonic_raw_ns();
  if (!force) {
    if (options_.fsync != AuditLogOptions::Fsync::Interval) return;
    const auto interval = static_cast<std::uint64_t>(options_.fsync_interval.count()) * 1'000'000u;
    if (now - last_sync_mono_ns_ < interval) return;
  }
  if (::fdatasync(fd_) != 0) {
    note_error(errno);
    return;  // still dirty: the next call tries again
  }
  last_sync_mono_ns_ = now;
  dirty_ = false;
  out_.fsyncs.fetch_add(1, std::memory_order_relaxed);
  out_.last_fsync_wall_ns.store(static_cast<std::int64_t>(core::Clock::realtime_ns()), std::memory_order_relaxed);
}

void AuditLog::close_segment() noexcept {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
}

void AuditLog::note_error(int err) noexcept {
  out_.write_errors.fetch_add(1, std::memory_order_relaxed);
  out_.last_errno.store(err, std::memory_order_relaxed);
}

audit_format::SegmentHeader AuditLog::make_header(std::uint32_t index) const noexcept {
  audit_format::SegmentHeader h{};
  std::memcpy(h.magic, audit_format::kMagic, sizeof(h.magic));
  h.format_version = kAuditFormatVersion;
  h.header_size = static_cast<std::uint16_t>(kSegmentHeaderSize);
  h.record_size = static_cast<std::uint16_t>(kRecordSize);
  h.segment_index = index;
  h.created_wall_ns = static_cast<std::int64_t>(core::Clock::realtime_ns());
  h.first_seq = next_first_seq_;
  h.tsc_hz = tsc_hz_;
  h.anchor_tsc = anchor_tsc_;
  h.anchor_wall_ns = anchor_wall_ns_;
  std::memcpy(h.instance, options_.instance_name.data(), std::min(options_.instance_name.size(), sizeof(h.instance)));
  h.crc = audit_format::header_crc(h);
  return h;
}

}  // namespace hft::trading
