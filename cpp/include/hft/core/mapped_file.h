#pragma once
/// @file
/// A read-only memory mapping of a whole file: replay inputs are read at
/// memory speed with no copy and no buffer management.

#include <cstddef>
#include <cstdint>
#include <string>

namespace hft::core {

class MappedFile {
 public:
  /// Maps `path` read-only. Throws std::runtime_error naming the path and
  /// the reason (missing, unreadable, a directory). An empty file maps to
  /// size 0.
  explicit MappedFile(const std::string& path);
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  ~MappedFile();

  const std::uint8_t* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  const std::string& path() const noexcept { return path_; }

 private:
  void release() noexcept;
  std::string path_;
  const std::uint8_t* data_{nullptr};
  std::size_t size_{0};
};

}  // namespace hft::core
