// The `fix` section: defaults, typed values, the rules on its keys, and the
// engine's translation into session, store and TCP settings.
#include <gtest/gtest.h>

#include "hft/config/system_config.h"
#include "hft/engine/fix_settings.h"

namespace hft::config {
namespace {

Json base() {
  return Json::parse(R"({
    "schema_version": 1,
    "network": {"kernel_bypass": "kernel", "interface": "lo"},
    "cpu": {"network_cores": [1]},
    "risk": {"max_position_size": 10000, "max_notional_exposure": 1e7,
             "max_orders_per_second": 1000, "max_daily_loss": 50000},
    "logging": {"audit_log_path": "/tmp/a.bin", "performance_log_path": "/tmp/p.jsonl"},
    "fix": {"sessions": [{"name": "venue", "host": "127.0.0.1", "port": 9878, "sender_comp_id": "HFT",
                          "target_comp_id": "VENUE", "store": {"path": "/tmp/hft-fix/venue"}}]},
    "symbols": {"AAPL": {"exchange": "NASDAQ", "tick_size": 0.01, "lot_size": 1, "max_position": 5000}}
  })");
}

SystemCheck check(const Json& doc) {
  ValidationContext ctx;
  ctx.cpu_count = 4;
  return check_system(doc, "sys.json", nullptr, "", ctx);
}

bool has_error(const SystemCheck& c, const std::string& path, const std::string& rule) {
  for (const ConfigError& e : c.errors)
    if (e.path == path && e.rule == rule) return true;
  return false;
}

TEST(FixConfig, SessionDefaultsAndTranslation) {
  const SystemCheck c = check(base());
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  ASSERT_EQ(c.config->fix_sessions.size(), 1u);
  const FixSessionConfig& f = c.config->fix_sessions[0];
  EXPECT_TRUE(f.initiator);
  EXPECT_EQ(f.heartbeat_interval_s, 30);
  EXPECT_FALSE(f.reset_on_logon);
  EXPECT_EQ(f.store_fsync, FixSessionConfig::Fsync::Interval);

  const auto s = engine::fix_session_settings(f);
  EXPECT_EQ(s.role, protocol::fix::SessionRole::Initiator);
  EXPECT_EQ(s.sender_comp_id, "HFT");
  EXPECT_EQ(s.target_comp_id, "VENUE");
  EXPECT_EQ(s.max_sending_time_skew_ms, 120000);
  const auto o = engine::fix_store_options(f);
  EXPECT_EQ(o.max_messages, 262144u);
  EXPECT_EQ(o.data_bytes, 64ull << 20);
  const auto i = engine::fix_initiator_options(f);
  EXPECT_EQ(i.host, "127.0.0.1");
  EXPECT_EQ(i.port, 9878);
  EXPECT_EQ(i.tcp.send_queue_bytes, 4096u * 1024);
  EXPECT_EQ(engine::fix_session_id(f), "FIX.4.4:HFT->VENUE");
}

TEST(FixConfig, NoSessionsIsValid) {
  Json d = base();
  d.erase("fix");
  const SystemCheck c = check(d);
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  EXPECT_TRUE(c.config->fix_sessions.empty());
}

TEST(FixConfig, BadValuesNameTheKeyAndRule) {
  Json d = base();
  Json& s = d["fix"]["sessions"][0];
  s["port"] = 70000;
  s["sender_comp_id"] = "HAS SPACE";
  s["role"] = "both";
  s["store"]["fsync"] = "sometimes";
  const SystemCheck c = check(d);
  EXPECT_FALSE(c.ok());
  EXPECT_TRUE(has_error(c, "fix.sessions[0].port", "maximum")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "fix.sessions[0].sender_comp_id", "pattern")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "fix.sessions[0].role", "enum")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "fix.sessions[0].store.fsync", "enum")) << to_string(c.errors);
}

TEST(FixConfig, StoreIsRequired) {
  Json d = base();
  d["fix"]["sessions"][0].erase("store");
  const SystemCheck c = check(d);
  EXPECT_TRUE(has_error(c, "fix.sessions[0].store", "required")) << to_string(c.errors);
}

TEST(FixConfig, SessionsMustBeDistinct) {
  Json d = base();
  d["fix"]["sessions"].push_back(d["fix"]["sessions"][0]);
  const SystemCheck c = check(d);
  EXPECT_TRUE(has_error(c, "fix.sessions[1].name", "fix.sessions_distinct")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "fix.sessions[1].target_comp_id", "fix.sessions_distinct")) << to_string(c.errors);
  EXPECT_TRUE(has_error(c, "fix.sessions[1].store", "fix.sessions_distinct")) << to_string(c.errors);
}

}  // namespace
}  // namespace hft::config
