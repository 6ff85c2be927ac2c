#include "hft/trading/audit_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>
#include <tuple>
#include <utility>

#include <sys/stat.h>

namespace hft::trading {
namespace {

namespace fs = std::filesystem;
using audit_format::kRecordSize;
using audit_format::kSegmentHeaderSize;

/// Records read per pread: 1 MiB, so a large log streams without a syscall
/// per record and without holding a whole segment in memory.
constexpr std::size_t kChunkRecords = 16384;

class Fd {
 public:
  explicit Fd(const std::string& path) {
    do {
      fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    } while (fd_ < 0 && errno == EINTR);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "audit: cannot open '" + path + "'");
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const noexcept { return fd_; }

 private:
  int fd_{-1};
};

std::uint64_t file_size(const Fd& fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    throw std::system_error(errno, std::generic_category(), "audit: cannot stat '" + path + "'");
  }
  return static_cast<std::uint64_t>(st.st_size);
}

/// Reads up to `n` bytes at `offset`; fewer only at the end of the file.
std::size_t pread_up_to(const Fd& fd, const std::string& path, void* dst, std::size_t n, std::uint64_t offset) {
  auto* p = static_cast<char*>(dst);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd.get(), p + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "audit: cannot read '" + path + "'");
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

bool all_zero(const AuditRecord& r) noexcept {
  unsigned char bytes[sizeof(AuditRecord)];
  std::memcpy(bytes, &r, sizeof(bytes));
  return std::all_of(std::begin(bytes), std::end(bytes), [](unsigned char b) { return b == 0; });
}

struct NamedSegment {
  std::string stem;
  std::string extension;
  std::uint32_t index;
  std::string path;
};

/// `<stem>-NNNNNN<ext>` with any stem: how a directory's logs are found.
bool parse_segment_name(const std::string& name, NamedSegment& out) {
  const std::size_t dot = name.rfind('.');
  const bool has_ext = dot != std::string::npos && dot > 0;
  const std::string base = has_ext ? name.substr(0, dot) : name;
  const auto digits = static_cast<std::size_t>(audit_format::kIndexDigits);
  if (base.size() < digits + 2 || base[base.size() - digits - 1] != '-') return false;
  std::uint32_t index = 0;
  for (std::size_t i = base.size() - digits; i < base.size(); ++i) {
    if (base[i] < '0' || base[i] > '9') return false;
    index = index * 10 + static_cast<std::uint32_t>(base[i] - '0');
  }
  if (index == 0) return false;
  out.stem = base.substr(0, base.size() - digits - 1);
  out.extension = has_ext ? name.substr(dot) : std::string();
  out.index = index;
  return true;
}

std::vector<fs::path> list_directory(const std::string& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) out.push_back(it->path());
  }
  if (ec) throw std::system_error(ec, "audit: cannot list directory '" + dir + "'");
  return out;
}

}  // namespace

std::vector<std::string> expand_audit_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  const auto add = [&](const std::string& p) {
    if (seen.insert(p).second) out.push_back(p);
  };
  for (const std::string& input : inputs) {
    std::error_code ec;
    const fs::file_status st = fs::status(input, ec);
    if (fs::is_regular_file(st)) {
      add(input);
      continue;
    }
    std::vector<NamedSegment> found;
    if (fs::is_directory(st)) {
      for (const fs::path& p : list_directory(input)) {
        NamedSegment seg;
        if (parse_segment_name(p.filename().string(), seg)) {
          seg.path = p.string();
          found.push_back(std::move(seg));
        }
      }
      if (found.empty())
        throw AuditInputError("audit: no segment files (<name>-NNNNNN.<ext>) in directory '" + input + "'");
    } else {
      const auto naming = audit_format::SegmentNaming::from_path(input);
      if (fs::is_directory(naming.directory, ec)) {
        for (const fs::path& p : list_directory(naming.directory)) {
          const std::uint32_t index = naming.index_of(p.filename().string());
          if (index != 0) found.push_back({naming.stem, naming.extension, index, p.string()});
        }
      }
      if (found.empty()) {
        throw AuditInputError("audit: '" + input + "' is not a file, and no segments " + naming.path(1) +
                              ", ... exist");
      }
    }
    std::sort(found.begin(), found.end(), [](const NamedSegment& a, const NamedSegment& b) {
      return std::tie(a.stem, a.extension, a.index) < std::tie(b.stem, b.extension, b.index);
    });
    for (const NamedSegment& s : found) add(s.path);
  }
  return out;
}

AuditReader::AuditReader(std::vector<std::string> inputs) : inputs_(std::move(inputs)) { discover(); }

std::vector<std::string> AuditReader::files() const {
  std::vector<std::string> out;
  out.reserve(segments_.size());
  for (const Segment& s : segments_) out.push_back(s.path);
  return out;
}

void AuditReader::discover() {
  for (std::string& path : expand_audit_inputs(inputs_)) {
    const bool known =
        std::any_of(segments_.begin(), segments_.end(), [&](const Segment& s) { return s.path == path; });
    if (known) continue;
    Segment s;
    s.path = std::move(path);
    s.info = report_.segments.size();
    report_.segments.push_back({s.path, {}, 0});
    segments_.push_back(std::move(s));
  }
}

std::size_t AuditReader::read(std::vector<AuditRecord>& out, bool at_end) {
  discover();
  const std::size_t before = out.size();
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    Segment& s = segments_[i];
    if (s.finished) continue;
    // Only the newest segment can still be growing: the writer moves on to
    // the next one after finishing the last write of the previous.
    read_segment(s, at_end || i + 1 < segments_.size(), out);
  }
  return out.size() - before;
}

void AuditReader::read_segment(Segment& s, bool final_tail, std::vector<AuditRecord>& out) {
  const Fd fd(s.path);
  const std::uint64_t size = file_size(fd, s.path);

  if (!s.header_read) {
    audit_format::SegmentHeader h{};
    if (size < kSegmentHeaderSize) {
      if (!final_tail) return;  // the writer may be writing the header now
      s.finished = true;
      const std::size_t got = pread_up_to(fd, s.path, &h, static_cast<std::size_t>(size), 0);
      const std::size_t cmp = std::min(got, sizeof(audit_format::kMagic));
      if (std::memcmp(h.magic, audit_format::kMagic, cmp) != 0) {
        report_.bad_segments.push_back({s.path, "not an audit segment (the file does not start with \"HFTAUDIT\")"});
      } else {
        torn_at(s, 0, size);  // created, then the crash came before the header was complete
      }
      return;
    }
    pread_up_to(fd, s.path, &h, sizeof(h), 0);
    if (std::string why = audit_format::check_header(h); !why.empty()) {
      report_.bad_segments.push_back({s.path, std::move(why)});
      s.finished = true;
      return;
    }
    s.header_read = true;
    s.offset = kSegmentHeaderSize;
    report_.segments[s.info].header = h;
    if (!in_run_ || h.anchor_tsc != run_anchor_tsc_ || h.anchor_wall_ns != run_anchor_wall_) {
      // A new writer run: sequence numbers start again. Counting from the
      // header's first_seq means a run read from a later segment onward
      // does not look like millions of missing records.
      in_run_ = true;
      run_anchor_tsc_ = h.anchor_tsc;
      run_anchor_wall_ = h.anchor_wall_ns;
      last_seq_ = h.first_seq > 0 ? h.first_seq - 1 : 0;
      run_dropped_ = 0;
      ++report_.runs;
    }
  }

  std::vector<AuditRecord> chunk(static_cast<std::size_t>(
      std::min<std::uint64_t>(kChunkRecords, size > s.offset ? (size - s.offset) / kRecordSize : 0)));
  std::uint64_t off = s.offset;
  std::uint64_t end = size;
  std::uint64_t zero_start = 0;
  std::uint64_t zeros = 0;
  while (off + kRecordSize <= end) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), (end - off) / kRecordSize));
    const std::size_t got = pread_up_to(fd, s.path, chunk.data(), want * kRecordSize, off);
    const std::size_t n = got / kRecordSize;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t at = off + i * kRecordSize;
      const AuditRecord& r = chunk[i];
      if (all_zero(r)) {
        // Possibly the zero fill of a crash; decided by what follows.
        if (zeros++ == 0) zero_start = at;
        continue;
      }
      for (; zeros > 0; --zeros, zero_start += kRecordSize) corrupt_at(s, zero_start);
      if (audit_format::intact(r)) {
        accept(s, at, r, out);
      } else {
        corrupt_at(s, at);
      }
    }
    off += n * kRecordSize;
    if (got < want * kRecordSize) {
      end = off + (got - n * kRecordSize);  // the file shrank while we read: stop here
      break;
    }
  }

  const std::uint64_t tail_start = zeros > 0 ? zero_start : off;
  if (final_tail) {
    if (end > tail_start) torn_at(s, tail_start, end - tail_start);
    s.offset = end;
    s.finished = true;
  } else {
    s.offset = tail_start;  // partial or zero records: look again next time
  }
}

void AuditReader::accept(const Segment& s, std::uint64_t offset, const AuditRecord& r, std::vector<AuditRecord>& out) {
  if (r.seq == audit_format::kWriterSeq) {
    if (r.type == AuditType::RingOverflow && r.ref_id > run_dropped_) {
      report_.ring_dropped += r.ref_id - run_dropped_;
      run_dropped_ = r.ref_id;
    }
  } else if (r.seq == last_seq_ + 1) {
    last_seq_ = r.seq;
  } else if (r.seq > last_seq_) {
    const std::uint64_t missing = r.seq - last_seq_ - 1;
    report_.missing_records += missing;
    if (report_.gaps.size() < AuditReport::kMaxListed) report_.gaps.push_back({s.path, offset, last_seq_, missing});
    last_seq_ = r.seq;
  } else {
    ++report_.out_of_order;
  }
  out.push_back(r);
  ++report_.records;
  ++report_.segments[s.info].records;
}

void AuditReader::corrupt_at(const Segment& s, std::uint64_t offset) {
  ++report_.corrupt_records;
  if (report_.corrupt.size() < AuditReport::kMaxListed) report_.corrupt.push_back({s.path, offset});
}

void AuditReader::torn_at(const Segment& s, std::uint64_t offset, std::uint64_t bytes) {
  report_.torn_tail_bytes += bytes;
  if (report_.torn.size() < AuditReport::kMaxListed) report_.torn.push_back({s.path, offset, bytes});
}

std::vector<AuditRecord> read_audit(const std::vector<std::string>& inputs, AuditReport& report) {
  AuditReader reader(inputs);
  std::vector<AuditRecord> out;
  reader.read(out, true);
  report = reader.report();
  return out;
}

}  // namespace hft::trading
