#include "hft/core/flat_index.h"

#include <random>
#include <unordered_map>

#include <gtest/gtest.h>

namespace hft::core {
namespace {

TEST(FlatIndex, InsertFindErase) {
  FlatIndex idx(8);
  EXPECT_TRUE(idx.insert(10, 1));
  EXPECT_TRUE(idx.insert(20, 2));
  EXPECT_FALSE(idx.insert(10, 3)) << "a key is stored once";
  EXPECT_EQ(idx.find(10), 1u);
  EXPECT_EQ(idx.find(20), 2u);
  EXPECT_EQ(idx.find(30), FlatIndex::kNotFound);
  EXPECT_TRUE(idx.erase(10));
  EXPECT_FALSE(idx.erase(10));
  EXPECT_EQ(idx.find(10), FlatIndex::kNotFound);
  EXPECT_EQ(idx.size(), 1u);
}

TEST(FlatIndex, ZeroIsNotAKey) {
  FlatIndex idx(4);
  EXPECT_FALSE(idx.insert(0, 1));
  EXPECT_EQ(idx.find(0), FlatIndex::kNotFound);
}

TEST(FlatIndex, RefusesBeyondCapacity) {
  FlatIndex idx(3);
  EXPECT_TRUE(idx.insert(1, 0));
  EXPECT_TRUE(idx.insert(2, 0));
  EXPECT_TRUE(idx.insert(3, 0));
  EXPECT_TRUE(idx.full());
  EXPECT_FALSE(idx.insert(4, 0));
}

// Backward-shift deletion must keep every other key reachable, whatever the
// probe runs look like: compare with std::unordered_map over random work.
TEST(FlatIndex, AgreesWithAReferenceMapUnderRandomInsertAndErase) {
  std::mt19937_64 rng(7);
  FlatIndex idx(1000);
  std::unordered_map<std::uint64_t, std::uint32_t> ref;
  std::uniform_int_distribution<std::uint64_t> key(1, 3000);  // dense: long probe runs
  for (int step = 0; step < 200'000; ++step) {
    const std::uint64_t k = key(rng);
    if (rng() % 2 == 0 && ref.size() < 1000) {
      const auto v = static_cast<std::uint32_t>(step);
      EXPECT_EQ(idx.insert(k, v), ref.emplace(k, v).second);
    } else {
      EXPECT_EQ(idx.erase(k), ref.erase(k) == 1);
    }
    if (step % 1000 == 0) {
      for (std::uint64_t q = 1; q <= 3000; ++q) {
        const auto it = ref.find(q);
        ASSERT_EQ(idx.find(q), it == ref.end() ? FlatIndex::kNotFound : it->second) << "key " << q;
      }
    }
  }
  EXPECT_EQ(idx.size(), ref.size());
}

}  // namespace
}  // namespace hft::core
