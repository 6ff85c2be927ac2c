// Order ids: unique within a session, and across restarts through the
// persisted session number.
#include "hft/trading/order_id.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace hft::trading {
namespace {

namespace fs = std::filesystem;

class OrderIdFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("hft-order-id-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    path = (dir / "order_id.state").string();
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
  std::string path;
};

TEST(OrderIdGenerator, IdsAreSessionPrefixPlusCounter) {
  OrderIdGenerator g(5);
  const core::OrderId a = g.next();
  const core::OrderId b = g.next();
  EXPECT_EQ(a.value, (std::uint64_t{5} << 40) | 1);
  EXPECT_EQ(b.value, a.value + 1);
  EXPECT_EQ(OrderIdGenerator::session_of(b), 5u);
  EXPECT_EQ(g.issued(), 2u);
}

TEST(OrderIdGenerator, RefusesSessionsOutOfRange) {
  EXPECT_THROW(OrderIdGenerator(0), std::invalid_argument);
  EXPECT_THROW(OrderIdGenerator(OrderIdGenerator::kMaxSession + 1), std::invalid_argument);
}

TEST_F(OrderIdFile, EachOpenStartsANewSessionSoRestartsNeverRepeatAnId) {
  std::set<std::uint64_t> ids;
  for (std::uint32_t run = 1; run <= 3; ++run) {
    OrderIdGenerator g = OrderIdGenerator::open(path);
    EXPECT_EQ(g.session(), run);
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(ids.insert(g.next().value).second);
  }
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "session 3\n");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

TEST_F(OrderIdFile, AMalformedStateFileIsAnErrorNotAReset) {
  std::ofstream(path) << "garbage\n";
  try {
    OrderIdGenerator::open(path);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("malformed"), std::string::npos);
  }
}

TEST_F(OrderIdFile, AnUnwritableFolderIsReported) {
  EXPECT_THROW(OrderIdGenerator::open((dir / "missing" / "state").string()), std::runtime_error);
}

TEST_F(OrderIdFile, TheLastSessionIsRefused) {
  std::ofstream(path) << "session " << OrderIdGenerator::kMaxSession << "\n";
  EXPECT_THROW(OrderIdGenerator::open(path), std::runtime_error);
}

}  // namespace
}  // namespace hft::trading
