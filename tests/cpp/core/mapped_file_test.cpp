#include "hft/core/mapped_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <utility>

#include <gtest/gtest.h>

namespace hft::core {
namespace {

namespace fs = std::filesystem;

TEST(MappedFile, MapsTheWholeFileAndMoves) {
  const fs::path p = fs::temp_directory_path() / ("hft-mapped-" + std::to_string(::getpid()));
  std::ofstream(p, std::ios::binary) << "abcdef";
  MappedFile a(p.string());
  ASSERT_EQ(a.size(), 6u);
  EXPECT_EQ(a.data()[0], 'a');
  EXPECT_EQ(a.data()[5], 'f');
  MappedFile b(std::move(a));
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(b.size(), 6u);
  EXPECT_EQ(b.path(), p.string());
  fs::remove(p);
}

TEST(MappedFile, EmptyFileMapsToNothing) {
  const fs::path p = fs::temp_directory_path() / ("hft-mapped-empty-" + std::to_string(::getpid()));
  std::ofstream(p).close();
  MappedFile m(p.string());
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.data(), nullptr);
  fs::remove(p);
}

TEST(MappedFile, ErrorsNameThePath) {
  try {
    MappedFile m("/nonexistent/hft/file");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/hft/file"), std::string::npos);
  }
  EXPECT_THROW(MappedFile(fs::temp_directory_path().string()), std::runtime_error) << "a directory";
}

}  // namespace
}  // namespace hft::core
