#include "hft/market_data/itch_file.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace hft::market_data {
namespace {

constexpr std::size_t kBuffer = 1 << 20;

gzFile as_gz(void* p) noexcept { return static_cast<gzFile>(p); }

std::string gz_error(void* gz) {
  int code = 0;
  const char* text = gzerror(as_gz(gz), &code);
  if (code == Z_ERRNO) return std::strerror(errno);
  return text != nullptr ? text : "unknown zlib error";
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

ItchFileReader::ItchFileReader(const std::string& path) : path_(path), buffer_(kBuffer) {
  // gzread reads plain files through unchanged, so one path serves both.
  gz_ = gzopen(path.c_str(), "rb");
  if (gz_ == nullptr) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  gzbuffer(as_gz(gz_), 1 << 18);
  compressed_ = gzdirect(as_gz(gz_)) == 0;
}

ItchFileReader::~ItchFileReader() {
  if (gz_ != nullptr) gzclose(as_gz(gz_));
}

bool ItchFileReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const int n = gzread(as_gz(gz_), buffer_.data() + end_, static_cast<unsigned>(buffer_.size() - end_));
  if (n < 0) throw std::runtime_error(path_ + ": read failed: " + gz_error(gz_));
  if (n == 0) {
    eof_ = true;
    // gzread reports a gzip stream that ends early as a plain end of file;
    // only the error state tells the two apart.
    int code = Z_OK;
    gzerror(as_gz(gz_), &code);
    if (code == Z_BUF_ERROR) gzip_truncated_ = true;
    return false;
  }
  end_ += static_cast<std::size_t>(n);
  return true;
}

bool ItchFileReader::next(const std::uint8_t*& data, std::size_t& size) {
  for (;;) {
    const std::size_t have = end_ - begin_;
    if (have >= 2) {
      const std::size_t len = static_cast<std::size_t>(buffer_[begin_]) << 8 | buffer_[begin_ + 1];
      if (have >= 2 + len) {
        data = buffer_.data() + begin_ + 2;
        size = len;
        begin_ += 2 + len;
        ++messages_;
        return true;
      }
    }
    if (!fill()) {
      truncated_ += end_ - begin_;
      begin_ = end_;
      return false;
    }
  }
}

ItchFileWriter::ItchFileWriter(const std::string& path) : path_(path) {
  gz_ = gzopen(path.c_str(), ends_with(path, ".gz") ? "wb6" : "wbT");
  if (gz_ == nullptr) throw std::runtime_error(path + ": cannot create: " + std::strerror(errno));
  buffer_.reserve(kBuffer);
}

ItchFileWriter::~ItchFileWriter() {
  if (gz_ != nullptr) {
    try {
      close();
    } catch (const std::exception&) {
      // A destructor cannot report; close() explicitly to see the error.
      if (gz_ != nullptr) gzclose(as_gz(gz_));
    }
  }
}

void ItchFileWriter::write(const std::uint8_t* data, std::size_t size) {
  if (gz_ == nullptr) throw std::runtime_error(path_ + ": written after close");
  if (size > 0xffff) throw std::runtime_error(path_ + ": message of " + std::to_string(size) + " bytes is too long");
  if (buffer_.size() + 2 + size > kBuffer) flush_buffer();
  buffer_.push_back(static_cast<std::uint8_t>(size >> 8));
  buffer_.push_back(static_cast<std::uint8_t>(size));
  buffer_.insert(buffer_.end(), data, data + size);
  ++messages_;
}

void ItchFileWriter::flush_buffer() {
  if (buffer_.empty()) return;
  const int n = gzwrite(as_gz(gz_), buffer_.data(), static_cast<unsigned>(buffer_.size()));
  if (n <= 0 || static_cast<std::size_t>(n) != buffer_.size()) {
    throw std::runtime_error(path_ + ": write failed: " + gz_error(gz_));
  }
  buffer_.clear();
}

void ItchFileWriter::close() {
  if (gz_ == nullptr) return;
  flush_buffer();
  void* gz = gz_;
  gz_ = nullptr;
  if (gzclose(as_gz(gz)) != Z_OK) throw std::runtime_error(path_ + ": close failed (disk full?)");
}

}  // namespace hft::market_data
