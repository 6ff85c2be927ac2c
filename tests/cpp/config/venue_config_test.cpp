// The venue simulator's configuration: the shipped file, defaults, and the
// rules that name the key.
#include "hft/config/venue_config.h"

#include <gtest/gtest.h>

#include "hft/config/system_config.h"

namespace hft::config {
namespace {

ValidationContext ctx() {
  ValidationContext c;
  c.cpu_count = 4;
  c.getenv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return c;
}

bool has_error(const VenueCheck& c, const std::string& path, const std::string& rule) {
  for (const ConfigError& e : c.errors)
    if (e.path == path && e.rule == rule) return true;
  return false;
}

TEST(VenueConfig, ShippedFileIsValid) {
  const VenueCheck c = load_venue_config(std::string(HFT_CONFIG_DIR) + "/venue.json", ctx());
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  EXPECT_EQ(c.config->instruments.size(), 10u);
  EXPECT_EQ(c.config->instruments[0].symbol, "AAPL");
  EXPECT_EQ(c.config->instruments[0].reference_price, core::Price::from_raw(1'872'500));
  EXPECT_EQ(c.config->md_lines.size(), 2u);
  EXPECT_EQ(c.config->fix_sessions.size(), 1u);
  EXPECT_EQ(c.config->fix_sessions[0].store_path, "/var/lib/hft/venue/fix/hft");
  EXPECT_EQ(detect_kind(c.normalized), "venue");
  EXPECT_NE(find_schema("venue"), nullptr);
}

TEST(VenueConfig, MinimalFileGetsDefaults) {
  const VenueCheck c =
      check_venue(Json::parse(R"({"instruments": [{"symbol": "AAPL", "reference_price": 100}]})"), "v.json", ctx());
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  EXPECT_EQ(c.config->fix_port, 9878);
  EXPECT_EQ(c.config->self_match, "cancel_resting");
  EXPECT_EQ(c.config->instruments[0].tick, core::Price::from_raw(100));
  EXPECT_TRUE(c.config->flow.enabled);
  EXPECT_EQ(c.config->retransmission_port, 0);
}

TEST(VenueConfig, RulesNameTheKey) {
  const VenueCheck c = check_venue(Json::parse(R"({
    "instruments": [{"symbol": "AAPL", "reference_price": 100.005, "tick": 0.01},
                    {"symbol": "AAPL", "reference_price": 100}],
    "order_entry": {"sessions": [{"sender_comp_id": "V", "target_comp_id": "C", "store": "/tmp/a"},
                                 {"sender_comp_id": "V", "target_comp_id": "C", "store": "/tmp/a"}]},
    "market_data": {"lines": [{"ip": "239.1.1.300", "port": 1}]},
    "flow": {"cancel_ratio": 2}
  })"),
                                   "v.json", ctx());
  EXPECT_TRUE(has_error(c, "instruments[0].reference_price", "venue.on_tick")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "instruments[1].symbol", "venue.unique_symbols")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "order_entry.sessions[1].target_comp_id", "venue.distinct_sessions")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "order_entry.sessions[1].store", "venue.distinct_sessions")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "market_data.lines[0].ip", "pattern")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "flow.cancel_ratio", "maximum")) << to_string(c.errors);
  EXPECT_FALSE(c.config.has_value());
}

}  // namespace
}  // namespace hft::config
