// The audit reader after crashes and damage: torn tails, corrupted records,
// bad headers, missing segments, and incremental reading of a live log.
#include "hft/trading/audit_reader.h"

#include <zlib.h>

#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "trading/audit_test_support.h"

namespace hft::trading::test {
namespace {

TEST(AuditCrc, IsZlibCrc32) {
  std::mt19937_64 rng(6);
  std::vector<unsigned char> bytes(4096);
  for (unsigned char& b : bytes) b = static_cast<unsigned char>(rng());
  for (int trial = 0; trial < 5000; ++trial) {
    const std::size_t offset = rng() % 64;
    const std::size_t n = rng() % 300;
    const auto* p = bytes.data() + offset;
    ASSERT_EQ(audit_format::crc32(p, n), ::crc32(0L, p, static_cast<uInt>(n))) << offset << "+" << n;
  }
  EXPECT_EQ(audit_format::crc32("123456789", 9), 0xCBF43926u);  // the CRC-32 check value
  const AuditRecord r = make_record(42);
  EXPECT_EQ(audit_format::record_crc(r),
            ::crc32(0L, reinterpret_cast<const Bytef*>(&r) + 4, static_cast<uInt>(sizeof(r) - 4)));
}

TEST(AuditReader, TruncatedTailRecoversEveryCompleteRecord) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  const std::vector<AuditRecord> given = write_log(base, 100);
  const std::string seg = dir.file("audit-000001.bin");
  fs::resize_file(seg, fs::file_size(seg) - 17);  // the crash hit mid-record

  AuditReport report;
  const std::vector<AuditRecord> got = read_all({base}, report);
  ASSERT_EQ(got.size(), 99u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(same_payload(got[i], given[i]));
  EXPECT_FALSE(report.clean());
  EXPECT_EQ(report.corrupt_records, 0u);
  EXPECT_EQ(report.torn_tail_bytes, 64u - 17u);
  ASSERT_EQ(report.torn.size(), 1u);
  EXPECT_EQ(report.torn[0].file, seg);
  EXPECT_EQ(report.torn[0].offset, record_offset(99));
  EXPECT_EQ(report.torn[0].bytes, 47u);
  EXPECT_EQ(report.missing_records, 0u);
}

TEST(AuditReader, ZeroFillAtTheEndIsATornTailNotCorruption) {
  TempDir dir;
  const std::string seg = dir.file("audit-000001.bin");
  write_segment(seg, 1, 1, 10);
  const std::vector<char> zeros(3 * 64 + 10, '\0');  // size extended, data never written
  append_bytes(seg, zeros.data(), zeros.size());

  AuditReport report;
  EXPECT_EQ(read_all({seg}, report).size(), 10u);
  EXPECT_EQ(report.corrupt_records, 0u);
  EXPECT_EQ(report.torn_tail_bytes, zeros.size());
  ASSERT_EQ(report.torn.size(), 1u);
  EXPECT_EQ(report.torn[0].offset, record_offset(10));
}

TEST(AuditReader, SegmentCutInsideTheHeaderIsATornTail) {
  TempDir dir;
  const std::string seg = dir.file("audit-000001.bin");
  write_segment(seg, 1, 1, 0);
  fs::resize_file(seg, 50);
  AuditReport report;
  EXPECT_TRUE(read_all({seg}, report).empty());
  EXPECT_EQ(report.torn_tail_bytes, 50u);
  EXPECT_TRUE(report.bad_segments.empty());
}

TEST(AuditReader, CorruptedByteInTheMiddleIsReportedAndNeighboursStillRead) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  const std::vector<AuditRecord> given = write_log(base, 100);
  const std::string seg = dir.file("audit-000001.bin");
  std::vector<char> bytes = slurp(seg);
  constexpr std::uint64_t kBad = 40;
  bytes[record_offset(kBad) + 50] ^= 0x10;  // one bit of the price
  spit(seg, bytes);

  AuditReport report;
  const std::vector<AuditRecord> got = read_all({base}, report);
  ASSERT_EQ(got.size(), 99u);
  EXPECT_EQ(report.corrupt_records, 1u);
  ASSERT_EQ(report.corrupt.size(), 1u);
  EXPECT_EQ(report.corrupt[0].file, seg);
  EXPECT_EQ(report.corrupt[0].offset, record_offset(kBad));
  EXPECT_EQ(report.torn_tail_bytes, 0u);
  EXPECT_FALSE(report.clean());
  // Never read back wrong: every returned record is one that was written.
  for (const AuditRecord& r : got) {
    ASSERT_NE(r.seq, kBad + 1);
    EXPECT_TRUE(same_payload(r, given[r.seq - 1]));
  }
  EXPECT_EQ(got[kBad - 1].seq, kBad);
  EXPECT_EQ(got[kBad].seq, kBad + 2);
  // The lost record also shows as a one-record gap.
  ASSERT_EQ(report.gaps.size(), 1u);
  EXPECT_EQ(report.gaps[0].after_seq, kBad);
  EXPECT_EQ(report.gaps[0].missing, 1u);
}

TEST(AuditReader, EveryCorruptedByteIsCaught) {
  TempDir dir;
  const std::string seg = dir.file("audit-000001.bin");
  write_segment(seg, 1, 1, 3);
  const std::vector<char> clean = slurp(seg);
  for (std::size_t at = record_offset(1); at < record_offset(2); ++at) {
    std::vector<char> bytes = clean;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
    spit(seg, bytes);
    AuditReport report;
    EXPECT_EQ(read_all({seg}, report).size(), 2u) << "byte " << at;
    EXPECT_EQ(report.corrupt_records, 1u) << "byte " << at;
  }
}

TEST(AuditReader, ZeroedRecordInTheMiddleIsCorruption) {
  TempDir dir;
  const std::string seg = dir.file("audit-000001.bin");
  write_segment(seg, 1, 1, 10);
  std::vector<char> bytes = slurp(seg);
  std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(record_offset(3)),
            bytes.begin() + static_cast<std::ptrdiff_t>(record_offset(5)), '\0');
  spit(seg, bytes);
  AuditReport report;
  EXPECT_EQ(read_all({seg}, report).size(), 8u);
  EXPECT_EQ(report.corrupt_records, 2u);
  EXPECT_EQ(report.torn_tail_bytes, 0u);
  EXPECT_EQ(report.missing_records, 2u);
}

TEST(AuditReader, WrongFileGivesAClearError) {
  TempDir dir;
  const std::string other = dir.file("notes.txt");
  spit(other, std::vector<char>(300, 'a'));
  AuditReport report;
  EXPECT_TRUE(read_all({other}, report).empty());
  ASSERT_EQ(report.bad_segments.size(), 1u);
  EXPECT_EQ(report.bad_segments[0].file, other);
  EXPECT_NE(report.bad_segments[0].reason.find("not an audit segment"), std::string::npos);
  EXPECT_FALSE(report.clean());
}

TEST(AuditReader, HeaderProblemsAreNamed) {
  TempDir dir;
  const std::string seg = dir.file("audit-000001.bin");
  const auto with_header = [&](audit_format::SegmentHeader h, bool reseal) {
    if (reseal) h.crc = audit_format::header_crc(h);
    write_segment(seg, 1, 1, 2);
    std::vector<char> bytes = slurp(seg);
    std::memcpy(bytes.data(), &h, sizeof(h));
    spit(seg, bytes);
    AuditReport report;
    EXPECT_TRUE(read_all({seg}, report).empty());
    return report.bad_segments.empty() ? std::string() : report.bad_segments[0].reason;
  };
  audit_format::SegmentHeader h = make_header(1, 1);
  h.format_version = 99;
  EXPECT_NE(with_header(h, true).find("version 99"), std::string::npos);
  h = make_header(1, 1);
  h.record_size = 32;
  EXPECT_NE(with_header(h, true).find("record size 32"), std::string::npos);
  h = make_header(1, 1);
  h.first_seq = 5;  // changed without resealing
  EXPECT_NE(with_header(h, false).find("header CRC mismatch"), std::string::npos);
}

TEST(AuditReader, BadSegmentDoesNotStopTheOthers) {
  TempDir dir;
  write_segment(dir.file("audit-000001.bin"), 1, 1, 5);
  spit(dir.file("audit-000002.bin"), std::vector<char>(200, 'z'));
  write_segment(dir.file("audit-000003.bin"), 3, 11, 5);
  AuditReport report;
  EXPECT_EQ(read_all({dir.file("audit.bin")}, report).size(), 10u);
  EXPECT_EQ(report.bad_segments.size(), 1u);
  EXPECT_EQ(report.missing_records, 5u);  // seqs 6..10 were in the bad one
}

TEST(AuditReader, MissingMiddleSegmentShowsAsAGap) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  AuditLogOptions o = options();
  o.segment_bytes = audit_format::kSegmentHeaderSize + 10 * sizeof(AuditRecord);
  write_log(base, 30, o);
  fs::remove(dir.file("audit-000002.bin"));
  AuditReport report;
  EXPECT_EQ(read_all({base}, report).size(), 20u);
  ASSERT_EQ(report.gaps.size(), 1u);
  EXPECT_EQ(report.gaps[0].after_seq, 10u);
  EXPECT_EQ(report.gaps[0].missing, 10u);
  EXPECT_EQ(report.gaps[0].file, dir.file("audit-000003.bin"));
  EXPECT_TRUE(report.clean());  // a gap alone is not damage
}

TEST(AuditReader, ALaterSegmentAloneIsNotAGap) {
  TempDir dir;
  write_segment(dir.file("audit-000005.bin"), 5, 1001, 3);
  AuditReport report;
  EXPECT_EQ(read_all({dir.file("audit-000005.bin")}, report).size(), 3u);
  EXPECT_EQ(report.missing_records, 0u);
}

TEST(AuditReader, ExpandsDirectoriesBasePathsAndFiles) {
  TempDir dir;
  write_segment(dir.file("audit-000002.bin"), 2, 11, 1);
  write_segment(dir.file("audit-000001.bin"), 1, 1, 1);
  write_segment(dir.file("audit-000010.bin"), 10, 12, 1);
  write_segment(dir.file("other-000001.log"), 1, 1, 1);
  spit(dir.file("README"), {'x'});

  EXPECT_EQ(expand_audit_inputs({dir.file("audit.bin")}),
            (std::vector<std::string>{dir.file("audit-000001.bin"), dir.file("audit-000002.bin"),
                                      dir.file("audit-000010.bin")}));
  EXPECT_EQ(expand_audit_inputs({dir.path().string()}),
            (std::vector<std::string>{dir.file("audit-000001.bin"), dir.file("audit-000002.bin"),
                                      dir.file("audit-000010.bin"), dir.file("other-000001.log")}));
  // Named twice: read once.
  EXPECT_EQ(expand_audit_inputs({dir.file("other-000001.log"), dir.file("other.log")}),
            std::vector<std::string>{dir.file("other-000001.log")});

  try {
    expand_audit_inputs({dir.file("nothing.bin")});
    FAIL() << "expected AuditInputError";
  } catch (const AuditInputError& e) {
    EXPECT_NE(std::string(e.what()).find("nothing.bin"), std::string::npos) << e.what();
  }
  TempDir empty;
  EXPECT_THROW(expand_audit_inputs({empty.path().string()}), AuditInputError);
}

TEST(AuditReader, FollowLeavesAPartialRecordForLater) {
  TempDir dir;
  const std::string seg = dir.file("audit-000001.bin");
  write_segment(seg, 1, 1, 5);
  AuditReader reader({seg});
  std::vector<AuditRecord> out;
  EXPECT_EQ(reader.read(out, false), 5u);

  // The writer is half-way through record 6.
  AuditRecord r = make_record(6);
  r.seq = 6;
  audit_format::seal(r);
  append_bytes(seg, &r, 20);
  EXPECT_EQ(reader.read(out, false), 0u);
  EXPECT_EQ(reader.report().torn_tail_bytes, 0u);

  append_bytes(seg, reinterpret_cast<const char*>(&r) + 20, sizeof(r) - 20);
  EXPECT_EQ(reader.read(out, false), 1u);
  EXPECT_EQ(out.back().seq, 6u);
  EXPECT_EQ(reader.read(out, false), 0u);

  // At the end, what is still partial is torn.
  append_bytes(seg, &r, 10);
  EXPECT_EQ(reader.read(out, true), 0u);
  EXPECT_EQ(reader.report().torn_tail_bytes, 10u);
  EXPECT_EQ(reader.report().records, 6u);
}

TEST(AuditReader, FollowPicksUpNewSegmentsAndFinalisesOlderTails) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  write_segment(dir.file("audit-000001.bin"), 1, 1, 3);
  AuditReader reader({base});
  std::vector<AuditRecord> out;
  EXPECT_EQ(reader.read(out, false), 3u);
  append_bytes(dir.file("audit-000001.bin"), "abc", 3);  // a crash left this
  EXPECT_EQ(reader.read(out, false), 0u);
  EXPECT_EQ(reader.report().torn_tail_bytes, 0u);

  write_segment(dir.file("audit-000002.bin"), 2, 4, 2);  // the restart
  EXPECT_EQ(reader.read(out, false), 2u);
  EXPECT_EQ(reader.report().torn_tail_bytes, 3u);  // no longer the newest: final
  EXPECT_EQ(reader.files().size(), 2u);
  ASSERT_EQ(out.size(), 5u);
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i].seq, i + 1);
}

TEST(AuditReader, FollowsALiveLog) {
  TempDir dir;
  const std::string base = dir.file("audit.bin");
  AuditLogOptions o = options();
  o.segment_bytes = audit_format::kSegmentHeaderSize + 500 * sizeof(AuditRecord);
  AuditLog log(base, o, calibration());
  log.start();
  AuditReader reader({base});
  std::vector<AuditRecord> out;
  constexpr std::uint64_t kTotal = 20'000;
  for (std::uint64_t i = 0; i < kTotal; ++i) {
    log.record(make_record(i));
    if (i % 1000 == 999) reader.read(out, false);
  }
  log.stop();
  reader.read(out, true);
  ASSERT_EQ(out.size(), kTotal);
  for (std::size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i].seq, i + 1);
  EXPECT_TRUE(reader.report().clean());
  EXPECT_EQ(reader.report().segments.size(), kTotal / 500);
}

}  // namespace
}  // namespace hft::trading::test
