#pragma once
/// @file
/// The persistent part of a FIX session: both sequence numbers and the
/// application messages sent, kept so a ResendRequest can be answered and a
/// restarted process resumes the same session without loss or duplicates.
///
/// One store is one fixed-size region, allocated in full when it is opened
/// and never grown: a header page, an index of `max_messages` slots (slot =
/// seq % max_messages) and a data ring of `data_bytes`. A message stays
/// retrievable until the ring or its index slot is reused; an older one is
/// answered with a GapFill, as FIX allows. On disk the region is one file,
/// mapped shared, so every update is a store to memory and survives a crash
/// of the process; `fsync` decides how much survives a crash of the machine.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hft/protocol/byte_order.h"

namespace hft::protocol::fix {

/// When a file store forces its changes to disk.
enum class StoreFsync : std::uint8_t {
  Never,       ///< the page cache writes back when it likes (survives a process crash only)
  Interval,    ///< on flush() calls at least `fsync_interval_ms` apart
  EveryWrite,  ///< after every message and sequence number change (a syscall per message)
};

/// Sizes and durability of a store.
struct StoreOptions {
  std::uint32_t max_messages{1u << 18};    ///< index slots: the resend window in messages
  std::uint64_t data_bytes{64ull << 20};   ///< data ring: the resend window in bytes
  StoreFsync fsync{StoreFsync::Interval};  ///< file stores only
  std::uint32_t fsync_interval_ms{100};    ///< with StoreFsync::Interval
};

/// Sequence numbers and sent messages of one session (identified by its
/// BeginString and comp IDs, which a file store records and checks).
class SessionStore {
 public:
  /// A store in process memory: nothing survives the process (tests,
  /// benchmarks, sessions that reset on every logon).
  static std::unique_ptr<SessionStore> in_memory(const StoreOptions& options, std::int64_t now_ns);

  /// Opens or creates the store file `session.store` in `directory`
  /// (created if missing). A new store starts at sequence numbers 1/1. An
  /// existing one must belong to the same session and have the same sizes:
  /// otherwise, or when the file cannot be created, mapped or allocated,
  /// returns nullptr and sets `error` to what failed and what to do.
  static std::unique_ptr<SessionStore> open_file(const std::string& directory, std::string_view session_id,
                                                 const StoreOptions& options, std::int64_t now_ns, std::string& error);

  /// Built by in_memory() and open_file() only.
  struct Private {
    explicit Private() = default;
  };
  class Region;
  /// On-disk layout, defined where it is read and written.
  struct Header;
  struct Slot;
  SessionStore(Private, std::unique_ptr<Region> region, const StoreOptions& options, std::string path) noexcept;

  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;
  ~SessionStore();

  /// MsgSeqNum the next message we send will carry.
  std::uint64_t next_sender_seq() const noexcept;
  /// MsgSeqNum we expect next from the peer.
  std::uint64_t next_target_seq() const noexcept;
  void set_next_sender_seq(std::uint64_t seq) noexcept;
  void set_next_target_seq(std::uint64_t seq) noexcept;

  /// Keeps `message` (one whole encoded message) as MsgSeqNum `seq` for
  /// resend. False, and nothing kept, when it is larger than a quarter of
  /// the data ring; the session then answers a resend of it with a GapFill.
  bool save(std::uint64_t seq, ByteView message) noexcept;
  /// The message saved as `seq`, or an empty view when it was never saved
  /// or has since been overwritten. Valid until the next save().
  ByteView load(std::uint64_t seq) const noexcept;

  /// Starts a new session: sequence numbers 1/1, every message forgotten,
  /// creation time `now_ns`.
  void reset(std::int64_t now_ns) noexcept;
  /// When the current session (sequence numbers from 1) began.
  std::int64_t creation_time_ns() const noexcept;

  /// Gives the fsync policy its chance to run (called from the session's
  /// timer). A no-op in memory and with StoreFsync::Never.
  void flush(std::int64_t now_ns) noexcept;

  /// Where the store lives; empty in memory.
  const std::string& path() const noexcept { return path_; }
  const StoreOptions& options() const noexcept { return options_; }

 private:
  Header& header() const noexcept;
  Slot* slots() const noexcept;
  std::uint8_t* data() const noexcept;
  void sync(const void* at, std::size_t size) noexcept;
  void sync_header() noexcept;

  std::unique_ptr<Region> region_;
  StoreOptions options_;
  std::string path_;
  std::int64_t last_flush_ns_{0};
};

}  // namespace hft::protocol::fix
