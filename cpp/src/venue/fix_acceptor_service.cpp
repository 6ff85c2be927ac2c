#include "hft/venue/fix_acceptor_service.h"

#include <stdexcept>
#include <thread>

#include "hft/core/clock.h"
#include "hft/venue/fix_acceptor.h"

namespace hft::venue {

namespace fix = protocol::fix;

namespace {

std::int64_t wall_ns() { return static_cast<std::int64_t>(core::Clock::realtime_ns()); }

// Rejects every application message (the session layer's default) and
// passes events on.
class RejectingApplication final : public fix::SessionApplication {
 public:
  explicit RejectingApplication(const FixAcceptorServiceHooks& hooks) : hooks_(hooks) {}
  void on_event(const fix::SessionEvent& e) noexcept override {
    if (hooks_.on_event) hooks_.on_event(e);
  }

 private:
  const FixAcceptorServiceHooks& hooks_;
};

}  // namespace

FixAcceptorServiceSummary run_fix_acceptor_service(const FixAcceptorServiceOptions& options,
                                                   const FixAcceptorServiceHooks& hooks) {
  if (options.sender_comp_id.empty() || options.target_comp_id.empty())
    throw std::runtime_error("FIX acceptor: sender and target CompIDs are required");
  fix::StoreOptions store_options;
  store_options.max_messages = 1u << 16;
  store_options.data_bytes = 16u << 20;
  std::unique_ptr<fix::SessionStore> store;
  if (options.store_dir.empty()) {
    store = fix::SessionStore::in_memory(store_options, wall_ns());
  } else {
    std::string error;
    const std::string id = "FIX.4.4:" + options.sender_comp_id + "->" + options.target_comp_id;
    store = fix::SessionStore::open_file(options.store_dir, id, store_options, wall_ns(), error);
    if (store == nullptr) throw std::runtime_error(error);
  }
  auto opened = FixAcceptor::listen(options.host, options.port, {});
  if (!opened) throw std::runtime_error(opened.result.message);
  FixAcceptor& acceptor = *opened.value;
  RejectingApplication app(hooks);
  fix::SessionSettings settings;
  settings.role = fix::SessionRole::Acceptor;
  settings.sender_comp_id = options.sender_comp_id;
  settings.target_comp_id = options.target_comp_id;
  settings.reset_on_logon = options.reset_on_logon;
  settings.heartbeat_interval_s = options.heartbeat_interval_s;
  settings.max_sending_time_skew_ms = options.max_sending_time_skew_ms;
  fix::Session& session = acceptor.add_session(settings, *store, app);
  if (hooks.on_listening) hooks.on_listening(acceptor.port());

  constexpr std::int64_t kStopCheckNs = 50'000'000;
  std::int64_t next_check = wall_ns() + kStopCheckNs;
  for (;;) {
    const std::int64_t now = wall_ns();
    const bool work = acceptor.poll(now);
    if (now >= next_check) {
      next_check = now + kStopCheckNs;
      if (hooks.should_stop && hooks.should_stop()) break;
    }
    if (!work && options.idle_sleep_us > 0)
      std::this_thread::sleep_for(std::chrono::microseconds(options.idle_sleep_us));
  }
  // Log out whoever is connected, and give them the logout timeout to answer.
  acceptor.logout_all("acceptor shutting down", wall_ns());
  const std::int64_t give_up = wall_ns() + std::int64_t{settings.logout_timeout_s} * 1'000'000'000 + 100'000'000;
  while (acceptor.connected_sessions() > 0 && wall_ns() < give_up) {
    acceptor.poll(wall_ns());
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  FixAcceptorServiceSummary s;
  s.port = acceptor.port();
  s.next_sender_seq = session.next_sender_seq();
  s.next_target_seq = session.next_target_seq();
  s.counters = session.counters();
  s.connections_accepted = acceptor.counters().connections_accepted;
  s.connections_refused = acceptor.counters().connections_refused;
  return s;
}

}  // namespace hft::venue
