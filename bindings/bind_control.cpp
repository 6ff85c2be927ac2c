// hft._core.control: the engine's control block from Python. A Reader maps
// a running engine's segment (numpy views over counters, histogram buckets
// and positions, no copies) and sends commands with the GIL released while
// it waits. TestWriter is a real ControlBlockWriter for pytest, so readers
// are tested against a live segment without the daemon.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "hft/core/clock.h"
#include "hft/engine/control_block_reader.h"
#include "hft/engine/control_block_writer.h"

#include "bindings.h"

namespace py = pybind11;
using namespace hft::engine;
namespace layout = hft::engine::layout;

namespace hft::bindings {
namespace {

template <class E, std::size_t N>
E parse_enum(const std::string& text, E (&all)[N], const char* what) {
  for (const E e : all) {
    if (to_string(e) == text) return e;
  }
  throw py::value_error(std::string("unknown ") + what + " '" + text + "'");
}

CommandKind kKinds[] = {CommandKind::Kill, CommandKind::Resume, CommandKind::Stop};
KillLevel kLevels[] = {KillLevel::None, KillLevel::Reduce, KillLevel::Halt};
EngineState kStates[] = {EngineState::Starting, EngineState::Running,  EngineState::Reducing,
                         EngineState::Halted,   EngineState::Stopping, EngineState::Stopped};
ExitReason kExits[] = {ExitReason::None,  ExitReason::StopCommand, ExitReason::Signal,
                       ExitReason::Fatal, ExitReason::Config,      ExitReason::SessionLost};

/// A read-only numpy view of `count` u64 at `data`, keeping `owner` alive.
py::array u64_view(const void* data, std::size_t count, py::handle owner) {
  py::array_t<std::uint64_t> view({static_cast<py::ssize_t>(count)}, {sizeof(std::uint64_t)},
                                  static_cast<const std::uint64_t*>(data), owner);
  py::detail::array_proxy(view.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return std::move(view);
}

py::dict status_dict(const StatusSnapshot& s) {
  py::dict d;
  d["state"] = std::string(to_string(s.state));
  d["kill_level"] = std::string(to_string(s.kill_level));
  d["exit_reason"] = std::string(to_string(s.exit_reason));
  d["reason"] = s.reason;
  d["changed_wall_ns"] = s.changed_wall_ns;
  d["last_command_seq"] = s.last_command_seq;
  d["heartbeat_wall_ns"] = s.heartbeat_wall_ns;
  d["heartbeat_age_ns"] = s.heartbeat_age_ns;
  d["loops"] = s.loops;
  d["commands_acked"] = s.commands_acked;
  d["owner_alive"] = s.owner_alive;
  return d;
}

py::dict ack_dict(const CommandAck& a) {
  py::dict d;
  d["status"] = std::string(to_string(a.status));
  d["result"] = std::string(to_string(a.result));
  d["detail"] = a.detail;
  d["seq"] = a.seq;
  d["state_after"] = std::string(to_string(a.state_after));
  d["round_trip_ns"] = a.round_trip_ns;
  d["engine_ns"] = a.engine_ns;
  return d;
}

py::dict totals_dict(const layout::PositionTotalsRecord& t) {
  py::dict d;
  d["realized"] = t.realized;
  d["unrealized"] = t.unrealized;
  d["fees"] = t.fees;
  d["pnl"] = t.pnl;
  d["gross_position"] = t.gross_position;
  d["net_position"] = t.net_position;
  d["gross_notional"] = t.gross_notional;
  d["net_notional"] = t.net_notional;
  return d;
}

/// The test-only writer: a ControlBlockWriter plus the position table it
/// publishes, and a loop that answers commands like the daemon will.
class TestWriter {
 public:
  TestWriter(const std::string& instance, const std::string& dir, std::vector<std::string> instruments,
             std::optional<std::vector<std::string>> stages, std::uint64_t heartbeat_interval_ns) {
    ControlBlockOptions o;
    o.instance = instance;
    o.dir = dir;
    o.instruments = std::move(instruments);
    if (stages) o.stages = *stages;
    o.heartbeat_interval_ns = heartbeat_interval_ns;
    writer_ = std::make_unique<ControlBlockWriter>(o);
    records_.resize(writer_->instrument_count());
    for (std::size_t i = 0; i < records_.size(); ++i) records_[i].symbol = static_cast<std::uint32_t>(i);
  }
  ControlBlockWriter& w() {
    if (!writer_) throw py::value_error("TestWriter is closed");
    return *writer_;
  }
  void close() { writer_.reset(); }

  void set_position(std::size_t i, std::int64_t net, std::int64_t realized, std::int64_t unrealized, std::int64_t fees,
                    std::int64_t average_cost, std::int64_t mark) {
    if (i >= records_.size()) throw py::index_error("instrument index out of range");
    auto& r = records_[i];
    r.net = net;
    r.realized = realized;
    r.unrealized = unrealized;
    r.fees = fees;
    r.average_cost = average_cost;
    r.mark = mark;
    r.last = mark;
    layout::PositionTotalsRecord t{};
    for (const auto& x : records_) {
      t.realized += x.realized;
      t.unrealized += x.unrealized;
      t.fees += x.fees;
      t.gross_position += x.net < 0 ? -x.net : x.net;
      t.net_position += x.net;
    }
    t.pnl = t.realized + t.unrealized - t.fees;
    w().publish_positions(records_.data(), records_.size(), t);
  }

  /// Beats and answers commands until `seconds` pass or a stop arrives.
  std::size_t serve(double seconds) {
    ControlBlockWriter& wr = w();
    std::size_t handled = 0;
    py::gil_scoped_release release;
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    bool stop = false;
    for (std::uint64_t i = 0; !stop; ++i) {
      wr.heartbeat(core::Clock::now());
      handled += wr.poll_commands([&](const Command& c) -> CommandReply {
        switch (c.kind) {
          case CommandKind::Kill:
            wr.set_state(c.level == KillLevel::Halt ? EngineState::Halted : EngineState::Reducing, c.reason,
                         ExitReason::None, c.seq);
            wr.add(Counter::KillTrips);
            return {};
          case CommandKind::Resume:
            wr.set_state(EngineState::Running, c.reason, ExitReason::None, c.seq);
            return {};
          case CommandKind::Stop:
            wr.set_state(EngineState::Stopping, c.reason, ExitReason::StopCommand, c.seq);
            stop = true;
            return {};
          case CommandKind::None:
            break;
        }
        return {CommandResult::Invalid, 0};
      });
      if ((i & 1023U) == 0 && std::chrono::steady_clock::now() >= end) break;
    }
    return handled;
  }

 private:
  std::unique_ptr<ControlBlockWriter> writer_;
  std::vector<layout::PositionRecord> records_;
};

}  // namespace

void bind_control(py::module_& m) {
  PYBIND11_NUMPY_DTYPE(layout::PositionRecord, symbol, reserved, net, realized, unrealized, fees, bought, sold,
                       average_cost, mark, bid, ask, last);
  py::register_exception<ControlError>(m, "ControlError", PyExc_RuntimeError);

  m.attr("LAYOUT_VERSION") = layout::kLayoutVersion;
  m.attr("COMMAND_SLOTS") = layout::kCommandSlots;
  m.def(
      "control_path", [](const std::string& instance, const std::string& dir) { return control_path(instance, dir); },
      py::arg("instance"), py::arg("dir") = "", "Segment path: <dir or $HFT_SHM_DIR or /dev/shm>/hft-<instance>.");
  m.def("default_latency_stages", &default_latency_stages);
  m.attr("POSITION_DTYPE") = py::dtype::of<layout::PositionRecord>();

  py::class_<ControlBlockReader>(m, "Reader", "A mapped control block of a running engine.")
      .def(py::init<const std::string&, const std::string&>(), py::arg("instance"), py::arg("dir") = "")
      .def_property_readonly("info",
                             [](const ControlBlockReader& r) {
                               const SegmentInfo& i = r.info();
                               py::dict d;
                               d["path"] = i.path;
                               d["instance"] = i.instance;
                               d["layout_version"] = i.layout_version;
                               d["total_bytes"] = i.total_bytes;
                               d["engine_pid"] = i.engine_pid;
                               d["start_wall_ns"] = i.start_wall_ns;
                               d["tsc_hz"] = i.tsc_hz;
                               d["heartbeat_interval_ns"] = i.heartbeat_interval_ns;
                               d["writable"] = r.writable();
                               return d;
                             })
      .def("status", [](const ControlBlockReader& r) { return status_dict(r.status()); })
      .def("heartbeat_age_ns", &ControlBlockReader::heartbeat_age_ns)
      .def("stale", &ControlBlockReader::stale, py::arg("threshold_ns"))
      .def("owner_alive", &ControlBlockReader::owner_alive)
      .def_property_readonly("counter_names", &ControlBlockReader::counter_names)
      .def_property_readonly("stage_names", &ControlBlockReader::stage_names)
      .def_property_readonly("instrument_names", &ControlBlockReader::instrument_names)
      .def_property_readonly(
          "counters",
          [](py::object self) {
            const auto& r = self.cast<const ControlBlockReader&>();
            return u64_view(r.counters(), r.info().counter_count, self);
          },
          "Counters as a read-only numpy view of the live segment (no copy).")
      .def(
          "buckets",
          [](py::object self, std::size_t stage) {
            const auto& r = self.cast<const ControlBlockReader&>();
            if (stage >= r.info().stage_count) throw py::index_error("stage out of range");
            return u64_view(r.histogram(stage).buckets, r.info().bucket_count, self);
          },
          py::arg("stage"), "Stage's histogram buckets as a read-only numpy view (LatencyHistogram layout).")
      .def(
          "histogram_summary",
          [](const ControlBlockReader& r, std::size_t stage) {
            if (stage >= r.info().stage_count) throw py::index_error("stage out of range");
            const auto& h = r.histogram(stage);
            py::dict d;
            d["count"] = h.count.load();
            d["overflow"] = h.overflow.load();
            d["sum"] = h.sum.load();
            const std::uint64_t mn = h.min.load();
            d["min"] = mn == ~std::uint64_t{0} ? 0 : mn;
            d["max"] = h.max.load();
            return d;
          },
          py::arg("stage"))
      .def(
          "positions_view",
          [](py::object self) {
            const auto& r = self.cast<const ControlBlockReader&>();
            py::array view(py::dtype::of<layout::PositionRecord>(),
                           {static_cast<py::ssize_t>(r.info().instrument_count)}, {}, r.position_records(), self);
            py::detail::array_proxy(view.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
            return view;
          },
          "Live position records (no copy; may be mid-update: use positions() for a consistent copy).")
      .def(
          "positions",
          [](const ControlBlockReader& r) {
            PositionsSnapshot p;
            {
              py::gil_scoped_release release;
              p = r.positions();
            }
            py::array_t<layout::PositionRecord> arr(static_cast<py::ssize_t>(p.instruments.size()));
            std::copy(p.instruments.begin(), p.instruments.end(), arr.mutable_data());
            return py::make_tuple(arr, totals_dict(p.totals), p.publishes);
          },
          "A consistent copy: (records, totals dict, publishes).")
      .def(
          "send_command",
          [](ControlBlockReader& r, const std::string& kind, const std::string& level, const std::string& reason,
             double timeout_s) {
            const CommandKind k = parse_enum(kind, kKinds, "command");
            const KillLevel l = parse_enum(level, kLevels, "kill level");
            const auto timeout =
                std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(timeout_s));
            CommandAck a;
            {
              py::gil_scoped_release release;
              a = r.send(k, l, reason, timeout);
            }
            return ack_dict(a);
          },
          py::arg("kind"), py::arg("level") = "none", py::arg("reason") = "", py::arg("timeout_s") = 2.0,
          "Sends kill/resume/stop and waits for the acknowledgement (GIL released).");

  py::class_<TestWriter>(m, "TestWriter", "For tests only: a real engine-side writer without the daemon.")
      .def(py::init<const std::string&, const std::string&, std::vector<std::string>,
                    std::optional<std::vector<std::string>>, std::uint64_t>(),
           py::arg("instance"), py::arg("dir") = "", py::arg("instruments") = std::vector<std::string>{},
           py::arg("stages") = py::none(), py::arg("heartbeat_interval_ns") = 100'000)
      .def_property_readonly("path", [](TestWriter& t) { return t.w().path(); })
      .def(
          "set_state",
          [](TestWriter& t, const std::string& state, const std::string& reason, const std::string& exit) {
            t.w().set_state(parse_enum(state, kStates, "state"), reason, parse_enum(exit, kExits, "exit reason"));
          },
          py::arg("state"), py::arg("reason") = "", py::arg("exit_reason") = "none")
      .def("heartbeat", [](TestWriter& t) { t.w().heartbeat(core::Clock::now()); })
      .def(
          "add", [](TestWriter& t, std::size_t index, std::uint64_t n) { t.w().add(index, n); }, py::arg("index"),
          py::arg("n") = 1)
      .def(
          "record_latency", [](TestWriter& t, std::size_t stage, std::uint64_t ns) { t.w().record_latency(stage, ns); },
          py::arg("stage"), py::arg("ns"))
      .def("set_position", &TestWriter::set_position, py::arg("index"), py::arg("net") = 0, py::arg("realized") = 0,
           py::arg("unrealized") = 0, py::arg("fees") = 0, py::arg("average_cost") = 0, py::arg("mark") = 0)
      .def("serve", &TestWriter::serve, py::arg("seconds"),
           "Beat and answer commands (GIL released) until `seconds` pass or a stop arrives.")
      .def("close", &TestWriter::close, "Remove the segment, as a clean engine exit does.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](TestWriter& t, py::args) { t.close(); });
}

}  // namespace hft::bindings
