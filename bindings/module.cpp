#include <pybind11/stl.h>

#include "hft/core/version.h"

#include "bindings.h"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "hft native core: clock, latency histograms, configuration schema, CPU placement";
  m.attr("__version__") = hft::core::version();
  m.def("build_description", &hft::core::build_description, "Compiler, build type and performance-relevant flags.");

  auto clock = m.def_submodule("clock", "TSC clock and calibration");
  hft::bindings::bind_clock(clock);
  auto config = m.def_submodule("config", "configuration schema and validation");
  hft::bindings::bind_config(config);
  auto cpu = m.def_submodule("cpu", "CPU placement");
  hft::bindings::bind_cpu(cpu);
  hft::bindings::bind_histogram(m);
  auto audit = m.def_submodule("audit", "audit log: segment reader, writer, name tables");
  hft::bindings::bind_audit(audit);
  auto market_data = m.def_submodule("market_data", "ITCH feeds: synthetic generation and replay into books");
  hft::bindings::bind_market_data(market_data);
  auto fix = m.def_submodule("fix", "FIX 4.4 sessions: the standalone acceptor");
  hft::bindings::bind_fix(fix);
  auto control = m.def_submodule("control", "the engine's shared-memory control block: status, telemetry, commands");
  hft::bindings::bind_control(control);
}
