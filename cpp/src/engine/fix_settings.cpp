#include "hft/engine/fix_settings.h"

namespace hft::engine {

namespace fix = protocol::fix;

fix::SessionSettings fix_session_settings(const config::FixSessionConfig& c) {
  fix::SessionSettings s;
  s.role = c.initiator ? fix::SessionRole::Initiator : fix::SessionRole::Acceptor;
  s.sender_comp_id = c.sender_comp_id;
  s.target_comp_id = c.target_comp_id;
  s.heartbeat_interval_s = static_cast<std::int32_t>(c.heartbeat_interval_s);
  s.reset_on_logon = c.reset_on_logon;
  s.max_sending_time_skew_ms = c.max_sending_time_skew_ms;
  s.logon_timeout_s = static_cast<std::int32_t>(c.logon_timeout_s);
  s.logout_timeout_s = static_cast<std::int32_t>(c.logout_timeout_s);
  return s;
}

fix::StoreOptions fix_store_options(const config::FixSessionConfig& c) {
  fix::StoreOptions o;
  o.max_messages = static_cast<std::uint32_t>(c.store_max_messages);
  o.data_bytes = static_cast<std::uint64_t>(c.store_size_mb) << 20;
  o.fsync = c.store_fsync == config::FixSessionConfig::Fsync::Never        ? fix::StoreFsync::Never
            : c.store_fsync == config::FixSessionConfig::Fsync::EveryWrite ? fix::StoreFsync::EveryWrite
                                                                           : fix::StoreFsync::Interval;
  o.fsync_interval_ms = static_cast<std::uint32_t>(c.store_fsync_interval_ms);
  return o;
}

net::TcpOptions fix_tcp_options(const config::FixSessionConfig& c) {
  net::TcpOptions t;
  t.no_delay = c.tcp_no_delay;
  t.busy_poll_us = static_cast<int>(c.tcp_busy_poll_us);
  t.send_queue_bytes = static_cast<std::size_t>(c.send_queue_kb) * 1024;
  return t;
}

FixInitiatorOptions fix_initiator_options(const config::FixSessionConfig& c) {
  FixInitiatorOptions o;
  o.host = c.host;
  o.port = static_cast<std::uint16_t>(c.port);
  o.tcp = fix_tcp_options(c);
  o.reconnect_interval_ms = c.reconnect_interval_ms;
  return o;
}

std::string fix_session_id(const config::FixSessionConfig& c) {
  return "FIX.4.4:" + c.sender_comp_id + "->" + c.target_comp_id;
}

}  // namespace hft::engine
