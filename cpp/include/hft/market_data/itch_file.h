#pragma once
/// @file
/// NASDAQ binary ITCH files: each message preceded by its length as a
/// 2-byte big-endian integer, plain or gzip-compressed (as NASDAQ publishes
/// its sample days). The reader yields message bytes; decoding them is the
/// protocol room's job.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hft::market_data {

class ItchFileReader {
 public:
  /// Opens `path`, plain or gzip (recognised by content, not name). Throws
  /// std::runtime_error naming the file on failure.
  explicit ItchFileReader(const std::string& path);
  ItchFileReader(const ItchFileReader&) = delete;
  ItchFileReader& operator=(const ItchFileReader&) = delete;
  ~ItchFileReader();

  /// The next message, without its length prefix; valid until the next
  /// call. False at the end; a message cut off by the end of the file (a
  /// capture that stopped mid-write) is counted in truncated_tail_bytes.
  /// Throws std::runtime_error on a read error or corrupt gzip data.
  bool next(const std::uint8_t*& data, std::size_t& size);

  std::uint64_t messages() const noexcept { return messages_; }
  std::uint64_t truncated_tail_bytes() const noexcept { return truncated_; }
  bool compressed() const noexcept { return compressed_; }
  /// The gzip stream ended before its end marker (a recorder that died):
  /// what was read is good, but the file is incomplete.
  bool gzip_truncated() const noexcept { return gzip_truncated_; }
  const std::string& path() const noexcept { return path_; }

 private:
  bool fill();

  std::string path_;
  void* gz_{nullptr};  // gzFile; opaque here so zlib.h stays out of the header
  bool compressed_{false};
  bool eof_{false};
  bool gzip_truncated_{false};
  std::vector<std::uint8_t> buffer_;
  std::size_t begin_{0};
  std::size_t end_{0};
  std::uint64_t messages_{0};
  std::uint64_t truncated_{0};
};

class ItchFileWriter {
 public:
  /// Creates `path`, gzip-compressed when it ends in ".gz". Throws on failure.
  explicit ItchFileWriter(const std::string& path);
  ItchFileWriter(const ItchFileWriter&) = delete;
  ItchFileWriter& operator=(const ItchFileWriter&) = delete;
  ~ItchFileWriter();

  /// Appends one message (at most 65535 bytes) with its length prefix.
  void write(const std::uint8_t* data, std::size_t size);
  /// Flushes and closes; throws on a write error.
  void close();
  std::uint64_t messages() const noexcept { return messages_; }

 private:
  void flush_buffer();
  std::string path_;
  void* gz_{nullptr};
  std::vector<std::uint8_t> buffer_;
  std::uint64_t messages_{0};
};

}  // namespace hft::market_data
