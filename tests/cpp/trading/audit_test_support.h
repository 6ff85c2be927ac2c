#pragma once
// Shared by the audit log and reader tests: a temporary directory per test,
// one TSC calibration per process, realistic records, and helpers that
// build or damage segment files byte by byte.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hft/core/clock.h"
#include "hft/trading/audit_format.h"
#include "hft/trading/audit_log.h"
#include "hft/trading/audit_reader.h"
#include "hft/trading/audit_record.h"

namespace hft::trading::test {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "hft_audit_";
    if (info != nullptr) name += std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name)
      if (c == '/') c = '_';
    std::random_device rd;
    path_ = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + "_" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const noexcept { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

/// Calibrated once per process (each test case runs in its own process).
inline const core::TscCalibration& calibration() {
  static const core::TscCalibration cal = core::calibrate_tsc(std::chrono::milliseconds(20));
  return cal;
}

/// A record of `type` whose every field depends on `i`, so a mix-up of
/// records or fields shows in a comparison.
inline AuditRecord make_record(std::uint64_t i, AuditType type) {
  AuditRecord r;
  r.type = type;
  r.side = i % 2 == 0 ? 'B' : 'S';
  r.state = static_cast<std::uint8_t>(1 + i % 10);
  r.flags = static_cast<std::uint8_t>(i * 7);
  r.tsc = core::Clock::now();
  r.order_id = 1'000'000 + i;
  r.ref_id = 0xABCD'0000'0000ull + i * 3;
  r.price = 1'234'500 + static_cast<std::int64_t>(i) * 100 - (i % 3 == 0 ? 5'000'000 : 0);
  r.qty = static_cast<std::int32_t>(100 + i % 1000);
  r.symbol = static_cast<std::uint16_t>(i % 8000);
  r.reason = static_cast<std::uint16_t>(i % 29);
  return r;
}

/// Cycles through every record type but Invalid.
inline AuditRecord make_record(std::uint64_t i) {
  return make_record(i, static_cast<AuditType>(1 + i % (kAuditTypeCount - 1)));
}

inline bool same_payload(const AuditRecord& a, const AuditRecord& b) {
  return a.type == b.type && a.side == b.side && a.state == b.state && a.flags == b.flags && a.tsc == b.tsc &&
         a.order_id == b.order_id && a.ref_id == b.ref_id && a.price == b.price && a.qty == b.qty &&
         a.symbol == b.symbol && a.reason == b.reason;
}

inline AuditLogOptions options(AuditLogOptions::Fsync fsync = AuditLogOptions::Fsync::Never,
                               AuditLogOptions::RingFull full = AuditLogOptions::RingFull::Block) {
  AuditLogOptions o;
  o.fsync = fsync;
  o.fsync_interval = std::chrono::milliseconds(1);
  o.on_ring_full = full;
  o.instance_name = "test";
  return o;
}

/// Writes `n` records through a real log at `base` and returns what was given.
inline std::vector<AuditRecord> write_log(const std::string& base, std::uint64_t n, AuditLogOptions opts = options()) {
  std::vector<AuditRecord> given;
  given.reserve(n);
  AuditLog log(base, opts, calibration());
  log.start();
  for (std::uint64_t i = 0; i < n; ++i) {
    given.push_back(make_record(i));
    log.record(given.back());
  }
  log.stop();
  return given;
}

inline std::vector<AuditRecord> read_all(const std::vector<std::string>& inputs, AuditReport& report) {
  return read_audit(inputs, report);
}

/// Records read back without the writer's own (RingOverflow) records.
inline std::vector<AuditRecord> hot_records(const std::vector<AuditRecord>& all) {
  std::vector<AuditRecord> out;
  for (const AuditRecord& r : all)
    if (r.seq != audit_format::kWriterSeq) out.push_back(r);
  return out;
}

inline std::vector<char> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void spit(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline void append_bytes(const std::string& path, const void* data, std::size_t n) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
}

/// A valid header as the writer makes it, for hand-built segments.
inline audit_format::SegmentHeader make_header(std::uint32_t index, std::uint64_t first_seq,
                                               std::uint64_t anchor_tsc = 1000) {
  audit_format::SegmentHeader h{};
  std::memcpy(h.magic, audit_format::kMagic, sizeof(h.magic));
  h.format_version = kAuditFormatVersion;
  h.header_size = static_cast<std::uint16_t>(audit_format::kSegmentHeaderSize);
  h.record_size = static_cast<std::uint16_t>(audit_format::kRecordSize);
  h.segment_index = index;
  h.created_wall_ns = 1'700'000'000'000'000'000;
  h.first_seq = first_seq;
  h.tsc_hz = 1e9;
  h.anchor_tsc = anchor_tsc;
  h.anchor_wall_ns = 1'700'000'000'000'000'000;
  h.crc = audit_format::header_crc(h);
  return h;
}

/// Writes a segment by hand: header, then records `first_seq`, ... sealed.
inline void write_segment(const std::string& path, std::uint32_t index, std::uint64_t first_seq, std::uint64_t n) {
  const audit_format::SegmentHeader h = make_header(index, first_seq);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(&h), sizeof(h));
  for (std::uint64_t i = 0; i < n; ++i) {
    AuditRecord r = make_record(first_seq + i);
    r.seq = first_seq + i;
    r.wall_ns = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(r.seq);
    audit_format::seal(r);
    out.write(reinterpret_cast<const char*>(&r), sizeof(r));
  }
}

inline std::uint64_t record_offset(std::uint64_t k) {
  return audit_format::kSegmentHeaderSize + k * audit_format::kRecordSize;
}

}  // namespace hft::trading::test
