#pragma once
/// @file
/// The audit log's record: one fixed 64-byte layout for every decision, so
/// the hot thread copies one cache line into the ring and a reader can seek
/// by record. On disk it is little-endian (the only byte order we build for)
/// and protected by a CRC-32 (the zlib polynomial, so any language can check
/// it). `kAuditFormatVersion` changes whenever this layout does.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace hft::trading {

inline constexpr std::uint16_t kAuditFormatVersion = 1;

/// What a record says happened. Values are on disk: append, never renumber.
///
/// Field use by type (unused fields are zero):
/// | type               | order_id     | ref_id                 | price           | qty          | reason        |
/// |--------------------|--------------|------------------------|-----------------|--------------|---------------|
/// | ConfigLoaded       | –            | config hash (FNV-1a)   | schema version  | symbols      | –             |
/// | OrderSubmitted     | cl ord id    | –                      | limit price     | quantity     | order type<<8 \| tif
/// | | RiskReject         | cl ord id    | orig cl ord id (cxl/rpl) | price         | quantity     | RejectReason  | |
/// OrderAcked         | cl ord id    | venue order id         | price           | leaves       | –             | |
/// OrderRejected      | cl ord id    | venue reject code      | price           | quantity     | –             | | Fill
/// | cl ord id    | execution id           | fill price      | fill qty     | –  (state = after) | | CancelRequested |
/// cl ord id    | –                      | –               | leaves       | –             | | Canceled           | cl
/// ord id    | venue order id         | –               | cancelled qty| –             | | CancelRejected     | cl ord
/// id    | –                      | –               | leaves       | –             | | ReplaceRequested   | cl ord id
/// | new cl ord id          | new price       | new quantity | –             | | Replaced           | new cl ord id|
/// old cl ord id          | price           | leaves       | –             | | ReplaceRejected    | cl ord id    |
/// refused new cl ord id  | –               | leaves       | –             | | Expired            | cl ord id    | – |
/// –               | expired qty  | –             | | StopTriggered      | cl ord id    | –                      |
/// trade price     | quantity     | –             | | ExecAnomaly        | cl ord id    | execution id           |
/// report price    | report qty   | Anomaly       | | KillSwitch         | –            | ns since trigger       |
/// loss/value      | new state    | KillTrigger   | | KillStep           | orders hit   | ns since trigger       | – |
/// step         | KillTrigger   | | ResumeRefused      | –            | –                      | –               |
/// state        | KillTrigger still holding | | RingOverflow       | –            | records dropped so far | – | – | –
/// |
enum class AuditType : std::uint8_t {
  Invalid = 0,
  ConfigLoaded = 1,
  OrderSubmitted = 2,
  RiskReject = 3,
  OrderAcked = 4,
  OrderRejected = 5,
  Fill = 6,
  CancelRequested = 7,
  Canceled = 8,
  CancelRejected = 9,
  ReplaceRequested = 10,
  Replaced = 11,
  ReplaceRejected = 12,
  Expired = 13,
  StopTriggered = 14,
  ExecAnomaly = 15,
  KillSwitch = 16,
  KillStep = 17,
  ResumeRefused = 18,
  RingOverflow = 19,
};
inline constexpr std::uint8_t kAuditTypeCount = 20;

/// One audit record. The hot thread fills everything except `crc` and
/// `wall_ns`, which the writer thread computes (the wall clock from the TSC
/// through the calibrated converter, so the hot path never calls the kernel).
struct AuditRecord {
  std::uint32_t crc{0};  ///< CRC-32 (zlib) of bytes [4, 64)
  AuditType type{AuditType::Invalid};
  std::uint8_t side{0};     ///< 'B', 'S', or 0
  std::uint8_t state{0};    ///< trading::OrderState after the event, or kill-switch state
  std::uint8_t flags{0};    ///< type-specific bits
  std::uint64_t seq{0};     ///< from 1, assigned by the producer; a gap means dropped records
  std::uint64_t tsc{0};     ///< TSC at the decision
  std::int64_t wall_ns{0};  ///< UNIX epoch ns, derived from `tsc` by the writer
  std::uint64_t order_id{0};
  std::uint64_t ref_id{0};
  std::int64_t price{0};  ///< `core::Price::raw` (1e-4 units) or money
  std::int32_t qty{0};
  std::uint16_t symbol{0};  ///< `core::SymbolId` (ITCH stock locate range)
  std::uint16_t reason{0};  ///< RejectReason, Anomaly or KillTrigger by type
};
static_assert(sizeof(AuditRecord) == 64, "the on-disk record is one cache line");
static_assert(std::is_trivially_copyable_v<AuditRecord>);
static_assert(offsetof(AuditRecord, type) == 4 && offsetof(AuditRecord, seq) == 8 && offsetof(AuditRecord, tsc) == 16 &&
                  offsetof(AuditRecord, wall_ns) == 24 && offsetof(AuditRecord, order_id) == 32 &&
                  offsetof(AuditRecord, ref_id) == 40 && offsetof(AuditRecord, price) == 48 &&
                  offsetof(AuditRecord, qty) == 56 && offsetof(AuditRecord, symbol) == 60 &&
                  offsetof(AuditRecord, reason) == 62,
              "layout is part of the file format");

/// Where the hot path sends records. The trading core writes through this
/// interface so it can be tested with an in-memory sink and run with the
/// real log; one virtual call per decision is a predicted indirect branch.
class AuditSink {
 public:
  virtual ~AuditSink() = default;
  /// Must not block for long, allocate or throw: called on the hot thread.
  virtual void record(const AuditRecord& r) noexcept = 0;
};

/// lower_snake_case name of a record type ("order_submitted"); "invalid" for
/// a value outside the enum.
std::string_view to_string(AuditType t) noexcept;

}  // namespace hft::trading
