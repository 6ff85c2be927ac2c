#pragma once
/// @file
/// On-disk layout of audit log segments, shared by the writer (`AuditLog`)
/// and the reader (`AuditReader`); `docs/audit_log.md` describes the same
/// bytes for other languages.
///
/// A log is a series of segment files `<stem>-<index>.<ext>` next to the
/// configured path (`dir/audit.bin` gives `dir/audit-000001.bin`, ...). Each
/// segment is one 128-byte `SegmentHeader` followed by 64-byte `AuditRecord`s
/// back to back, so record k starts at `kSegmentHeaderSize + k * 64` and a
/// reader never has to search for a record boundary, even after corruption.
/// All integers are little-endian. Both the header and every record carry a
/// CRC-32 (zlib polynomial, as Python's `zlib.crc32`).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "hft/trading/audit_record.h"

namespace hft::trading::audit_format {

/// First 8 bytes of every segment.
inline constexpr char kMagic[8] = {'H', 'F', 'T', 'A', 'U', 'D', 'I', 'T'};
inline constexpr std::size_t kSegmentHeaderSize = 128;
inline constexpr std::size_t kRecordSize = sizeof(AuditRecord);
/// Bytes of the instance name in the header (NUL-padded, not terminated when full).
inline constexpr std::size_t kInstanceNameSize = 32;
/// Digits of the segment index in file names.
inline constexpr int kIndexDigits = 6;
/// The largest segment index a name can hold.
inline constexpr std::uint32_t kMaxSegmentIndex = 999'999;

/// Bytes [0, 128) of a segment. The wall clock of a record was derived as
/// `anchor_wall_ns + (tsc - anchor_tsc) / tsc_hz`; the anchor pair is taken
/// once when the log starts, so every segment of one run carries the same
/// pair and a reader can tell runs apart by it.
struct SegmentHeader {
  char magic[8];                     ///< kMagic
  std::uint16_t format_version;      ///< kAuditFormatVersion of the records
  std::uint16_t header_size;         ///< kSegmentHeaderSize
  std::uint16_t record_size;         ///< kRecordSize
  std::uint16_t flags;               ///< reserved, 0
  std::uint32_t segment_index;       ///< the number in the file name
  std::uint32_t reserved0;           ///< 0
  std::int64_t created_wall_ns;      ///< CLOCK_REALTIME when the segment was opened
  std::uint64_t first_seq;           ///< seq the writer expected next when it opened the segment
  double tsc_hz;                     ///< calibrated TSC rate of the run
  std::uint64_t anchor_tsc;          ///< TSC of the run's (tsc, wall) anchor pair
  std::int64_t anchor_wall_ns;       ///< CLOCK_REALTIME of the anchor pair
  std::uint64_t reserved1;           ///< 0
  char instance[kInstanceNameSize];  ///< engine instance name, NUL-padded
  std::uint8_t reserved2[20];        ///< 0
  std::uint32_t crc;                 ///< CRC-32 (zlib) of bytes [0, 124)
};
static_assert(sizeof(SegmentHeader) == kSegmentHeaderSize);
static_assert(std::is_trivially_copyable_v<SegmentHeader>);
static_assert(offsetof(SegmentHeader, format_version) == 8 && offsetof(SegmentHeader, segment_index) == 16 &&
                  offsetof(SegmentHeader, created_wall_ns) == 24 && offsetof(SegmentHeader, first_seq) == 32 &&
                  offsetof(SegmentHeader, tsc_hz) == 40 && offsetof(SegmentHeader, anchor_tsc) == 48 &&
                  offsetof(SegmentHeader, anchor_wall_ns) == 56 && offsetof(SegmentHeader, instance) == 72 &&
                  offsetof(SegmentHeader, crc) == 124,
              "layout is part of the file format");
static_assert(kSegmentHeaderSize % kRecordSize == 0, "records stay aligned to their size in the file");

/// `seq` of records the writer itself adds (RingOverflow): they were never
/// in the hot thread's sequence, so they do not count in gap detection.
inline constexpr std::uint64_t kWriterSeq = 0;

/// CRC-32 of `n` bytes, the same function as zlib's `crc32(0, data, n)`
/// and Python's `zlib.crc32(data)`.
std::uint32_t crc32(const void* data, std::size_t n) noexcept;

/// The CRC a record must carry: bytes [4, 64), everything but the CRC itself.
std::uint32_t record_crc(const AuditRecord& r) noexcept;

/// The CRC a header must carry: bytes [0, 124).
std::uint32_t header_crc(const SegmentHeader& h) noexcept;

/// Stamps `r.crc`.
inline void seal(AuditRecord& r) noexcept { r.crc = record_crc(r); }
inline bool intact(const AuditRecord& r) noexcept { return r.crc == record_crc(r); }

/// What is wrong with a header, or empty when it is a valid segment header
/// this build can read.
std::string check_header(const SegmentHeader& h);

/// How a configured log path splits into segment names: `dir/audit.bin` has
/// directory `dir`, stem `audit` and extension `.bin`.
struct SegmentNaming {
  std::string directory;  ///< "." when the path has none
  std::string stem;
  std::string extension;  ///< with the dot, or empty

  static SegmentNaming from_path(std::string_view log_path);
  /// `dir/stem-000042.ext`.
  std::string path(std::uint32_t index) const;
  /// The index when `file_name` (no directory) is one of this log's
  /// segments, else 0 (indices start at 1).
  std::uint32_t index_of(std::string_view file_name) const noexcept;
};

}  // namespace hft::trading::audit_format
