#pragma once
/// @file
/// Turns a validated `fix.sessions[]` entry into the session layer's and
/// the transport's settings (protocol and net do not see the config format).

#include "hft/config/system_config.h"
#include "hft/engine/fix_initiator.h"
#include "hft/protocol/fix_session.h"
#include "hft/protocol/fix_store.h"

namespace hft::engine {

protocol::fix::SessionSettings fix_session_settings(const config::FixSessionConfig& c);
protocol::fix::StoreOptions fix_store_options(const config::FixSessionConfig& c);
net::TcpOptions fix_tcp_options(const config::FixSessionConfig& c);
FixInitiatorOptions fix_initiator_options(const config::FixSessionConfig& c);
/// "FIX.4.4:SENDER->TARGET": what a store records to refuse another session's file.
std::string fix_session_id(const config::FixSessionConfig& c);

}  // namespace hft::engine
