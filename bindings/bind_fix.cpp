#include <string>

#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "hft/protocol/fix_session.h"
#include "hft/venue/fix_acceptor_service.h"

#include "bindings.h"

namespace py = pybind11;

namespace hft::bindings {
namespace {

namespace fix = protocol::fix;

py::dict event_dict(const fix::SessionEvent& e) {
  py::dict d;
  d["event"] = std::string(fix::to_string(e.type));
  d["begin"] = e.begin;
  d["end"] = e.end;
  d["tag"] = e.tag;
  d["text"] = py::bytes(std::string(e.text)).attr("decode")("utf-8", "replace");
  return d;
}

py::dict summary_dict(const venue::FixAcceptorServiceSummary& s) {
  const fix::SessionCounters& c = s.counters;
  py::dict counters;
  counters["messages_received"] = c.messages_received;
  counters["messages_sent"] = c.messages_sent;
  counters["application_received"] = c.application_received;
  counters["application_sent"] = c.application_sent;
  counters["garbled"] = c.garbled;
  counters["duplicates_ignored"] = c.duplicates_ignored;
  counters["rejects_sent"] = c.rejects_sent;
  counters["rejects_received"] = c.rejects_received;
  counters["business_rejects_sent"] = c.business_rejects_sent;
  counters["resend_requests_sent"] = c.resend_requests_sent;
  counters["resend_requests_received"] = c.resend_requests_received;
  counters["messages_resent"] = c.messages_resent;
  counters["gap_fills_sent"] = c.gap_fills_sent;
  counters["heartbeats_sent"] = c.heartbeats_sent;
  counters["test_requests_sent"] = c.test_requests_sent;
  counters["logons"] = c.logons;
  py::dict d;
  d["port"] = s.port;
  d["next_sender_seq"] = s.next_sender_seq;
  d["next_target_seq"] = s.next_target_seq;
  d["connections_accepted"] = s.connections_accepted;
  d["connections_refused"] = s.connections_refused;
  d["counters"] = counters;
  return d;
}

}  // namespace

void bind_fix(py::module_& m) {
  m.def(
      "accept",
      [](const std::string& host, int port, const std::string& sender, const std::string& target, bool reset_on_logon,
         const std::string& store_dir, int heartbeat_s, py::function on_listening, py::function on_event,
         py::function should_stop) {
        venue::FixAcceptorServiceOptions o;
        o.host = host;
        o.port = static_cast<std::uint16_t>(port);
        o.sender_comp_id = sender;
        o.target_comp_id = target;
        o.reset_on_logon = reset_on_logon;
        o.store_dir = store_dir;
        o.heartbeat_interval_s = heartbeat_s;
        // The loop runs without the GIL; each callback takes it back. A
        // Python exception in a callback (Ctrl-C included) ends the run.
        bool failed = false;
        py::object error;
        venue::FixAcceptorServiceHooks hooks;
        hooks.on_listening = [&](std::uint16_t p) {
          py::gil_scoped_acquire gil;
          on_listening(p);
        };
        hooks.on_event = [&](const fix::SessionEvent& e) {
          py::gil_scoped_acquire gil;
          if (failed) return;
          try {
            on_event(event_dict(e));
          } catch (py::error_already_set&) {
            failed = true;
          }
        };
        hooks.should_stop = [&]() {
          py::gil_scoped_acquire gil;
          if (failed || PyErr_CheckSignals() != 0) return true;
          return should_stop().cast<bool>();
        };
        venue::FixAcceptorServiceSummary summary;
        {
          py::gil_scoped_release release;
          summary = venue::run_fix_acceptor_service(o, hooks);
        }
        if (PyErr_Occurred() != nullptr) throw py::error_already_set();
        return summary_dict(summary);
      },
      py::arg("host"), py::arg("port"), py::arg("sender_comp_id"), py::arg("target_comp_id"), py::arg("reset_on_logon"),
      py::arg("store_dir"), py::arg("heartbeat_interval_s"), py::arg("on_listening"), py::arg("on_event"),
      py::arg("should_stop"),
      "Runs a FIX 4.4 acceptor until should_stop() is true; returns the session's summary. Raises RuntimeError "
      "when it cannot start.");
}

}  // namespace hft::bindings
