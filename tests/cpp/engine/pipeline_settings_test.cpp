// The daemon's translation of a configuration into a Pipeline: options,
// units, the order session, and the market data lines it opens.
#include "hft/engine/pipeline_settings.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "hft/config/system_config.h"

namespace hft::engine {
namespace {

using config::Json;

Json base() {
  return Json::parse(R"({
    "schema_version": 1,
    "instance": {"name": "unit"},
    "network": {"kernel_bypass": "kernel", "interface": "lo", "local_ip": "127.0.0.1", "udp_port": 0},
    "market_data": {"line_b": {"ip": "127.0.0.1", "port": 0},
                    "retransmission": {"ip": "127.0.0.1", "port": 26400},
                    "gap_timeout_ms": 200, "request_delay_us": 20},
    "cpu": {"network_cores": [1]},
    "risk": {"max_position_size": 10000, "max_notional_exposure": 1e7,
             "max_orders_per_second": 1000, "max_daily_loss": 50000},
    "fix": {"sessions": [
      {"name": "drop", "role": "acceptor", "host": "0.0.0.0", "port": 9000, "sender_comp_id": "A", "target_comp_id": "B",
       "store": {"path": "/tmp/x"}},
      {"name": "venue", "role": "initiator", "host": "127.0.0.1", "port": 9878, "sender_comp_id": "HFT",
       "target_comp_id": "VENUE", "store": {"path": "/tmp/hft-unit-store"}}]},
    "strategies": [{"name": "mm", "type": "market_maker", "symbols": ["MSFT"], "market_maker": {}}],
    "logging": {"audit_log_path": "/tmp/a.bin", "performance_log_path": "/tmp/p.jsonl"},
    "symbols": {"AAPL": {"exchange": "NASDAQ", "tick_size": 0.01, "lot_size": 1, "max_position": 5000},
                "MSFT": {"exchange": "NASDAQ", "tick_size": 0.01, "lot_size": 10, "max_position": 5000}}
  })");
}

config::SystemConfig load(const Json& doc) {
  config::ValidationContext ctx;
  ctx.cpu_count = 4;
  const config::SystemCheck c = config::check_system(doc, "sys.json", nullptr, "", ctx);
  if (!c.ok()) throw std::invalid_argument(config::to_string(c.errors));
  return *c.config;
}

TEST(PipelineSettings, TranslatesTheConfiguration) {
  const config::SystemConfig c = load(base());
  core::TscCalibration clock{};
  clock.ticks_per_second = 2e9;  // 2 ticks per ns
  const PipelineOptions o = pipeline_options(c, clock, 42);
  ASSERT_EQ(o.instruments.size(), 2u);
  EXPECT_EQ(o.instruments[1].ticker, "MSFT");
  EXPECT_EQ(o.instruments[1].lot_size, 10);
  EXPECT_EQ(o.order_id_session, 42u);
  ASSERT_EQ(o.strategies.size(), 1u);
  EXPECT_EQ(o.strategies[0].symbols.at(0).value, 1u);
  EXPECT_EQ(o.feed.gap_timeout_ticks, 400'000'000u) << "200 ms at 2 GHz";
  EXPECT_EQ(o.feed.request_delay_ticks, 40'000u);
  EXPECT_EQ(o.feed.max_request_attempts, 3u);
  EXPECT_EQ(o.session.sender_comp_id, "HFT") << "the first initiator, not the acceptor";
  EXPECT_EQ(o.fix.port, 9878);
  EXPECT_EQ(o.store_directory, "/tmp/hft-unit-store");
  EXPECT_EQ(o.store_session_id, "FIX.4.4:HFT->VENUE");
  ASSERT_TRUE(o.control);
  EXPECT_EQ(o.control->instance, "unit");
}

TEST(PipelineSettings, WithoutARetransmissionServerNothingIsAskedFor) {
  Json d = base();
  d["market_data"]["retransmission"]["port"] = 0;
  const PipelineOptions o = pipeline_options(load(d), core::TscCalibration{}, 1);
  EXPECT_EQ(o.feed.max_request_attempts, 0u);
}

TEST(PipelineSettings, AnEngineNeedsAnInitiatorSession) {
  Json d = base();
  d["fix"]["sessions"].erase(1);
  const config::SystemConfig c = load(d);
  EXPECT_EQ(order_session(c), nullptr);
  EXPECT_THROW(pipeline_options(c, core::TscCalibration{}, 1), std::invalid_argument);
}

TEST(PipelineSettings, OpensTheConfiguredLines) {
  Json d = base();
  d["market_data"]["line_b"]["port"] = 0;
  auto none = open_feed_network(load(d));
  ASSERT_TRUE(none) << none.result.message;
  EXPECT_TRUE(none.value->transports.line_a);
  EXPECT_FALSE(none.value->transports.line_b);
  ASSERT_TRUE(none.value->transports.retransmission);
  EXPECT_EQ(none.value->transports.retransmission_server.port, 26400);

  // Line B on a port of its own (ephemeral ports cannot be asked for twice,
  // so take line A's and add one, which the rule allows).
  const auto a_port = none.value->transports.line_a->local_endpoint().port;
  none.value.reset();
  d["network"]["udp_port"] = a_port;
  d["market_data"]["line_b"]["port"] = a_port + 1;
  auto both = open_feed_network(load(d));
  ASSERT_TRUE(both) << both.result.message;
  EXPECT_EQ(both.value->transports.line_b->local_endpoint().port, a_port + 1);
}

TEST(PipelineSettings, ALineThatCannotOpenIsNamed) {
  Json d = base();
  d["market_data"]["line_b"] = {{"ip", "10.255.255.1"}, {"port", 26478}};  // not an address of this host
  auto opened = open_feed_network(load(d));
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.result.message.find("market_data.line_b"), std::string::npos) << opened.result.message;
}

}  // namespace
}  // namespace hft::engine
