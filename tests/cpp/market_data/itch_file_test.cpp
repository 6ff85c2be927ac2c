#include "hft/market_data/itch_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace hft::market_data {
namespace {

namespace fs = std::filesystem;

class ItchFiles : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("hft-itch-file-" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

std::vector<std::vector<std::uint8_t>> messages(std::size_t n) {
  std::mt19937 rng(3);
  std::vector<std::vector<std::uint8_t>> out;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::uint8_t> m(1 + rng() % 60);
    for (auto& b : m) b = static_cast<std::uint8_t>(rng());
    out.push_back(m);
  }
  out.push_back(std::vector<std::uint8_t>(65535, 7));  // the largest a prefix can say
  return out;
}

// Enough messages to cross the reader's 1 MiB buffer several times.
TEST_P(ItchFiles, WrittenMessagesReadBackInOrder) {
  const std::string path = (dir / ("feed.itch" + GetParam())).string();
  const auto msgs = messages(100'000);
  {
    ItchFileWriter w(path);
    for (const auto& m : msgs) w.write(m.data(), m.size());
    w.close();
    EXPECT_EQ(w.messages(), msgs.size());
  }
  ItchFileReader r(path);
  EXPECT_EQ(r.compressed(), GetParam() == ".gz");
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  for (const auto& m : msgs) {
    ASSERT_TRUE(r.next(data, size));
    ASSERT_EQ(size, m.size());
    ASSERT_TRUE(std::equal(m.begin(), m.end(), data));
  }
  EXPECT_FALSE(r.next(data, size));
  EXPECT_EQ(r.messages(), msgs.size());
  EXPECT_EQ(r.truncated_tail_bytes(), 0u);
}

INSTANTIATE_TEST_SUITE_P(PlainAndGzip, ItchFiles, ::testing::Values(std::string(""), std::string(".gz")));

TEST(ItchFile, AMessageCutOffAtTheEndIsCounted) {
  const fs::path p = fs::temp_directory_path() / ("hft-itch-torn-" + std::to_string(::getpid()));
  std::ofstream(p, std::ios::binary).write("\x00\x02\x41\x42\x00\x09\x41", 7);
  ItchFileReader r(p.string());
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;
  ASSERT_TRUE(r.next(data, size));
  EXPECT_EQ(size, 2u);
  EXPECT_FALSE(r.next(data, size));
  EXPECT_EQ(r.truncated_tail_bytes(), 3u);
  fs::remove(p);
}

TEST(ItchFile, ErrorsNameTheFile) {
  EXPECT_THROW(ItchFileReader("/nonexistent/feed.itch"), std::runtime_error);
  EXPECT_THROW(ItchFileWriter("/nonexistent/dir/feed.itch"), std::runtime_error);
}

}  // namespace
}  // namespace hft::market_data
