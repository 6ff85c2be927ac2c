#pragma once
/// @file
/// Reads audit log segments back: validates each header, checks every
/// record's CRC and reports what a crash or a bad disk left behind. A record
/// is returned only when its CRC matches, so nothing is ever read back wrong;
/// everything else is counted and located in the report.
///
///   AuditReader reader({"/var/lib/hft/audit.bin"});  // the configured path
///   std::vector<AuditRecord> records;
///   reader.read(records);                           // everything, tails final
///   if (!reader.report().clean()) ...
///
/// For following a live log, call `read(records, /*at_end=*/false)` in a
/// loop: each call returns only what was appended since the previous one.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "hft/trading/audit_format.h"
#include "hft/trading/audit_record.h"

namespace hft::trading {

/// An input names no file, directory or log with segments.
class AuditInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A record whose CRC does not match (its bytes are not returned).
struct AuditCorruptRecord {
  std::string file;
  std::uint64_t offset{0};  ///< byte offset of the record in the file
};

/// Bytes at the end of a segment that do not form a complete, valid record:
/// a partial record (the writer or the machine stopped mid-write), or
/// zero-filled records a crash can leave where the file size was extended
/// before the data reached the disk.
struct AuditTornTail {
  std::string file;
  std::uint64_t offset{0};  ///< first byte of the torn tail
  std::uint64_t bytes{0};
};

/// Sequence numbers missing between two valid records of one run: records
/// the hot thread dropped (ring full under the Drop policy), records lost to
/// corruption, or a segment that was not given.
struct AuditSeqGap {
  std::string file;
  std::uint64_t offset{0};     ///< offset of the record after the gap
  std::uint64_t after_seq{0};  ///< last seq before the gap
  std::uint64_t missing{0};
};

/// A file whose header is not a segment this build can read.
struct AuditBadSegment {
  std::string file;
  std::string reason;
};

struct AuditSegmentInfo {
  std::string file;
  audit_format::SegmentHeader header{};
  std::uint64_t records{0};  ///< valid records read from it so far
};

/// Totals are exact; the lists keep the first `kMaxListed` entries each.
struct AuditReport {
  static constexpr std::size_t kMaxListed = 1000;

  std::uint64_t records{0};          ///< valid records returned
  std::uint64_t corrupt_records{0};  ///< CRC mismatches
  std::uint64_t torn_tail_bytes{0};
  std::uint64_t missing_records{0};  ///< sum of all seq gaps
  std::uint64_t out_of_order{0};     ///< records whose seq did not increase within a run
  std::uint64_t runs{0};             ///< writer runs (engine starts) seen
  std::uint64_t ring_dropped{0};     ///< drops the logs reported (RingOverflow), summed over runs
  std::vector<AuditCorruptRecord> corrupt;
  std::vector<AuditTornTail> torn;
  std::vector<AuditSeqGap> gaps;
  std::vector<AuditBadSegment> bad_segments;
  std::vector<AuditSegmentInfo> segments;

  /// Nothing corrupt, torn or unreadable (gaps alone are not damage: a log
  /// under the Drop policy has them by design, and says so).
  bool clean() const noexcept {
    return corrupt_records == 0 && torn_tail_bytes == 0 && torn.empty() && bad_segments.empty();
  }
};

/// Segment files named by `inputs`, in reading order. Each input is a
/// segment file, a directory (every `<stem>-NNNNNN<ext>` file in it, by stem
/// then index) or a configured log path such as `dir/audit.bin` that is not
/// itself a file (its segments). Throws AuditInputError for an input that
/// names nothing and std::system_error when a directory cannot be listed.
std::vector<std::string> expand_audit_inputs(const std::vector<std::string>& inputs);

/// Incremental reader over one log (or several, read one after another).
class AuditReader {
 public:
  /// Expands `inputs` at once (so a wrong path fails here) and again on
  /// every read, picking up segments created since.
  explicit AuditReader(std::vector<std::string> inputs);

  /// Appends to `out` every valid record not returned before and returns
  /// how many. `at_end` says no more bytes will come: a partial record (or
  /// zero fill) at the end of the newest segment is then a torn tail. With
  /// `at_end` false it is left for the next call, since a live writer may be
  /// in the middle of it; tails of older segments are always final. Throws
  /// std::system_error when a file cannot be opened or read.
  std::size_t read(std::vector<AuditRecord>& out, bool at_end = true);

  const AuditReport& report() const noexcept { return report_; }
  /// Segment files known so far, in reading order.
  std::vector<std::string> files() const;

 private:
  struct Segment {
    std::string path;
    std::uint64_t offset{0};  ///< next unread byte
    bool header_read{false};
    bool finished{false};  ///< read to a final end, or unreadable
    std::size_t info{0};   ///< index into report_.segments
  };

  void discover();
  void read_segment(Segment& s, bool final_tail, std::vector<AuditRecord>& out);
  void accept(const Segment& s, std::uint64_t offset, const AuditRecord& r, std::vector<AuditRecord>& out);
  void corrupt_at(const Segment& s, std::uint64_t offset);
  void torn_at(const Segment& s, std::uint64_t offset, std::uint64_t bytes);

  std::vector<std::string> inputs_;
  std::vector<Segment> segments_;
  AuditReport report_;
  // Sequence tracking of the current run (identified by its anchor pair).
  bool in_run_{false};
  std::uint64_t run_anchor_tsc_{0};
  std::int64_t run_anchor_wall_{0};
  std::uint64_t last_seq_{0};
  std::uint64_t run_dropped_{0};  ///< highest RingOverflow count in this run
};

/// Reads `inputs` to the end in one go.
std::vector<AuditRecord> read_audit(const std::vector<std::string>& inputs, AuditReport& report);

}  // namespace hft::trading
