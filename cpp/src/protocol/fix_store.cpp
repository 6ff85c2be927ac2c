#include "hft/protocol/fix_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <sys/mman.h>
#include <sys/stat.h>

namespace hft::protocol::fix {

// Layout version 1. Written in native byte order: a store is read back by the
// machine that wrote it.
struct SessionStore::Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t max_messages;
  std::uint64_t data_bytes;
  std::uint64_t next_sender;
  std::uint64_t next_target;
  std::int64_t creation_ns;
  std::uint64_t head;  // absolute write position in the data ring
  std::uint32_t session_id_len;
  char session_id[196];
};

struct SessionStore::Slot {
  std::uint64_t seq;  // 0: empty
  std::uint64_t at;   // absolute position of the message in the data ring
  std::uint32_t length;
  std::uint32_t reserved;
};

namespace {

constexpr char kMagic[8] = {'H', 'F', 'T', 'F', 'I', 'X', 'S', '\0'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 4096;
constexpr std::size_t kPage = 4096;
constexpr const char* kFileName = "session.store";

std::size_t index_bytes(const StoreOptions& o) noexcept {
  const std::size_t raw = std::size_t{o.max_messages} * 24;
  return (raw + kPage - 1) / kPage * kPage;
}

std::size_t total_bytes(const StoreOptions& o) noexcept {
  return kHeaderBytes + index_bytes(o) + static_cast<std::size_t>(o.data_bytes);
}

std::string errno_text(int e) { return std::strerror(e); }

}  // namespace

static_assert(sizeof(SessionStore::Header) <= kHeaderBytes);
static_assert(sizeof(SessionStore::Slot) == 24);

// The mapped region: anonymous memory or a shared file mapping. Owns the
// mapping and the file descriptor.
class SessionStore::Region {
 public:
  Region(void* base, std::size_t size, int fd) noexcept
      : base_(static_cast<std::uint8_t*>(base)), size_(size), fd_(fd) {}
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;
  ~Region() {
    if (base_ != nullptr) {
      if (fd_ >= 0) ::msync(base_, size_, MS_SYNC);
      ::munmap(base_, size_);
    }
    if (fd_ >= 0) ::close(fd_);
  }
  std::uint8_t* base() const noexcept { return base_; }
  bool file_backed() const noexcept { return fd_ >= 0; }

 private:
  std::uint8_t* base_;
  std::size_t size_;
  int fd_;
};

SessionStore::SessionStore(Private, std::unique_ptr<Region> region, const StoreOptions& options,
                           std::string path) noexcept
    : region_(std::move(region)), options_(options), path_(std::move(path)) {}

SessionStore::~SessionStore() = default;

SessionStore::Header& SessionStore::header() const noexcept { return *reinterpret_cast<Header*>(region_->base()); }
SessionStore::Slot* SessionStore::slots() const noexcept {
  return reinterpret_cast<Slot*>(region_->base() + kHeaderBytes);
}
std::uint8_t* SessionStore::data() const noexcept { return region_->base() + kHeaderBytes + index_bytes(options_); }

namespace {

void init_header(void* base, const StoreOptions& o, std::string_view session_id, std::int64_t now_ns) noexcept {
  auto* raw = static_cast<std::uint8_t*>(base);
  std::memset(raw, 0, kHeaderBytes);
  SessionStore::Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.max_messages = o.max_messages;
  h.data_bytes = o.data_bytes;
  h.next_sender = 1;
  h.next_target = 1;
  h.creation_ns = now_ns;
  h.head = 0;
  h.session_id_len = static_cast<std::uint32_t>(session_id.size());
  std::memcpy(h.session_id, session_id.data(), session_id.size());
  std::memcpy(raw, &h, sizeof h);
}

std::string check_options(const StoreOptions& o) {
  if (o.max_messages < 16) return "max_messages must be at least 16";
  if (o.data_bytes < 64 * 1024) return "data_bytes must be at least 64 KiB";
  if (o.data_bytes % kPage != 0) return "data_bytes must be a multiple of 4096";
  return {};
}

}  // namespace

std::unique_ptr<SessionStore> SessionStore::in_memory(const StoreOptions& options, std::int64_t now_ns) {
  StoreOptions o = options;
  o.fsync = StoreFsync::Never;
  if (!check_options(o).empty()) return nullptr;
  const std::size_t size = total_bytes(o);
  void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (base == MAP_FAILED) return nullptr;
  init_header(base, o, "", now_ns);
  return std::make_unique<SessionStore>(Private{}, std::make_unique<Region>(base, size, -1), o, std::string{});
}

std::unique_ptr<SessionStore> SessionStore::open_file(const std::string& directory, std::string_view session_id,
                                                      const StoreOptions& options, std::int64_t now_ns,
                                                      std::string& error) {
  if (std::string bad = check_options(options); !bad.empty()) {
    error = "FIX store: " + bad;
    return nullptr;
  }
  if (session_id.size() > sizeof(Header::session_id)) {
    error = "FIX store: session id longer than " + std::to_string(sizeof(Header::session_id)) + " bytes";
    return nullptr;
  }
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    error = "FIX store: cannot create directory " + directory + ": " + ec.message();
    return nullptr;
  }
  const std::string path = (std::filesystem::path(directory) / kFileName).string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "FIX store: cannot open " + path + ": " + errno_text(errno);
    return nullptr;
  }
  auto fail = [&](std::string why) {
    ::close(fd);
    error = "FIX store " + path + ": " + std::move(why);
    return nullptr;
  };
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail("fstat: " + errno_text(errno));
  const std::size_t size = total_bytes(options);
  const bool fresh = st.st_size == 0;
  if (fresh) {
    // Allocate every block now, so a full disk shows at start-up and not as
    // a SIGBUS on a later message.
    const int rc = ::posix_fallocate(fd, 0, static_cast<off_t>(size));
    if (rc != 0 && rc != EOPNOTSUPP && rc != EINVAL)
      return fail("cannot allocate " + std::to_string(size) + " bytes: " + errno_text(rc));
    if (rc != 0 && ::ftruncate(fd, static_cast<off_t>(size)) != 0) return fail("ftruncate: " + errno_text(errno));
  } else if (static_cast<std::size_t>(st.st_size) != size) {
    return fail("file is " + std::to_string(st.st_size) + " bytes but the store options need " + std::to_string(size) +
                " (max_messages and data size changed?): restore the settings it was created with, or remove the "
                "file to start the session afresh at sequence number 1");
  }
  void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
  if (base == MAP_FAILED) return fail("mmap: " + errno_text(errno));
  auto region = std::make_unique<Region>(base, size, fd);
  if (fresh) {
    init_header(base, options, session_id, now_ns);
    ::msync(base, kHeaderBytes, MS_SYNC);
  } else {
    Header h{};
    std::memcpy(&h, base, sizeof h);
    if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.version != kVersion) {
      error = "FIX store " + path + ": not a session store of this version (bad magic or version)";
      return nullptr;
    }
    if (h.max_messages != options.max_messages || h.data_bytes != options.data_bytes) {
      error = "FIX store " + path + ": created with max_messages " + std::to_string(h.max_messages) + " and " +
              std::to_string(h.data_bytes) + " data bytes, the options now say " +
              std::to_string(options.max_messages) + " and " + std::to_string(options.data_bytes) +
              ": restore the settings or remove the file";
      return nullptr;
    }
    const std::string_view stored(h.session_id, std::min<std::size_t>(h.session_id_len, sizeof h.session_id));
    if (stored != session_id) {
      error = "FIX store " + path + ": belongs to session '" + std::string(stored) + "', not '" +
              std::string(session_id) + "': give each session its own store directory";
      return nullptr;
    }
  }
  return std::make_unique<SessionStore>(Private{}, std::move(region), options, path);
}

std::uint64_t SessionStore::next_sender_seq() const noexcept { return header().next_sender; }
std::uint64_t SessionStore::next_target_seq() const noexcept { return header().next_target; }

void SessionStore::set_next_sender_seq(std::uint64_t seq) noexcept {
  header().next_sender = seq;
  sync_header();
}

void SessionStore::set_next_target_seq(std::uint64_t seq) noexcept {
  header().next_target = seq;
  sync_header();
}

bool SessionStore::save(std::uint64_t seq, ByteView message) noexcept {
  const std::uint64_t ring = options_.data_bytes;
  if (seq == 0 || message.size == 0 || message.size > ring / 4) return false;
  Header& h = header();
  std::uint64_t at = h.head;
  // A message never wraps: one that does not fit before the end starts at 0.
  if (at % ring + message.size > ring) at = (at / ring + 1) * ring;
  std::uint8_t* dst = data() + at % ring;
  std::memcpy(dst, message.data, message.size);
  // Data first, then the slot that points at it, then the head: a crash in
  // between leaves at worst a message that load() does not return.
  Slot& s = slots()[seq % options_.max_messages];
  s.seq = seq;
  s.at = at;
  s.length = static_cast<std::uint32_t>(message.size);
  h.head = at + message.size;
  sync(dst, message.size);
  sync(&s, sizeof s);
  return true;
}

ByteView SessionStore::load(std::uint64_t seq) const noexcept {
  if (seq == 0) return {};
  const Slot& s = slots()[seq % options_.max_messages];
  if (s.seq != seq || s.length == 0) return {};
  // Still intact while the writer has not come round to it again.
  if (header().head > s.at + options_.data_bytes) return {};
  return {data() + s.at % options_.data_bytes, s.length};
}

void SessionStore::reset(std::int64_t now_ns) noexcept {
  Header& h = header();
  h.next_sender = 1;
  h.next_target = 1;
  h.creation_ns = now_ns;
  // Clearing the slots is enough: data is only reachable through a slot.
  std::memset(slots(), 0, std::size_t{options_.max_messages} * sizeof(Slot));
  sync(slots(), std::size_t{options_.max_messages} * sizeof(Slot));
  sync_header();
}

std::int64_t SessionStore::creation_time_ns() const noexcept { return header().creation_ns; }

void SessionStore::flush(std::int64_t now_ns) noexcept {
  if (!region_->file_backed() || options_.fsync != StoreFsync::Interval) return;
  if (now_ns - last_flush_ns_ < std::int64_t{options_.fsync_interval_ms} * 1'000'000) return;
  last_flush_ns_ = now_ns;
  ::msync(region_->base(), total_bytes(options_), MS_SYNC);
}

void SessionStore::sync(const void* at, std::size_t size) noexcept {
  if (!region_->file_backed() || options_.fsync != StoreFsync::EveryWrite) return;
  const auto start = reinterpret_cast<std::uintptr_t>(at) & ~(std::uintptr_t{kPage} - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(at) + size;
  ::msync(reinterpret_cast<void*>(start), end - start, MS_SYNC);
}

void SessionStore::sync_header() noexcept { sync(region_->base(), sizeof(Header)); }

}  // namespace hft::protocol::fix
