#include <pybind11/chrono.h>

#include "hft/core/clock.h"

#include "bindings.h"

namespace py = pybind11;
using namespace hft::core;

namespace hft::bindings {

void bind_clock(py::module_& m) {
  py::class_<TscFeatures>(m, "TscFeatures", "What CPUID says about the timestamp counter.")
      .def_readonly("has_tsc", &TscFeatures::has_tsc)
      .def_readonly("has_rdtscp", &TscFeatures::has_rdtscp)
      .def_readonly("invariant", &TscFeatures::invariant)
      .def_readonly("nominal_hz", &TscFeatures::nominal_hz);

  py::class_<TscCalibration>(m, "TscCalibration", "TSC rate measured against CLOCK_MONOTONIC_RAW.")
      .def_readonly("ticks_per_second", &TscCalibration::ticks_per_second)
      .def_readonly("mult", &TscCalibration::mult)
      .def_readonly("shift", &TscCalibration::shift)
      .def_readonly("window_ns", &TscCalibration::window_ns)
      .def_readonly("uncertainty_ppm", &TscCalibration::uncertainty_ppm)
      .def_readonly("nominal_error_ppm", &TscCalibration::nominal_error_ppm)
      .def_readonly("features", &TscCalibration::features)
      .def("__str__", [](const TscCalibration& c) { return describe(c); });

  py::class_<TscConverter>(m, "TscConverter", "Ticks to nanoseconds with one multiply and a shift.")
      .def(py::init<const TscCalibration&>())
      .def("to_ns", &TscConverter::to_ns, py::arg("ticks"));

  m.def("detect_features", &detect_tsc_features);
  m.def(
      "calibrate",
      [](double window_ms) {
        const auto window = std::chrono::nanoseconds(static_cast<std::int64_t>(window_ms * 1e6));
        py::gil_scoped_release release;
        return calibrate_tsc(window);
      },
      py::arg("window_ms") = 50.0, "Measure the TSC rate over window_ms milliseconds (blocks, GIL released).");
  m.def(
      "conversion_error_ppm",
      [](const TscCalibration& cal, double window_ms) {
        const auto window = std::chrono::nanoseconds(static_cast<std::int64_t>(window_ms * 1e6));
        py::gil_scoped_release release;
        return conversion_error_ppm(cal, window);
      },
      py::arg("calibration"), py::arg("window_ms") = 50.0,
      "Error of converted TSC time against CLOCK_MONOTONIC_RAW over a fresh interval, in ppm.");
  m.def("now", &Clock::now, "Raw TSC read.");
  m.def("monotonic_raw_ns", &Clock::monotonic_raw_ns);
  m.def("realtime_ns", &Clock::realtime_ns);
}

}  // namespace hft::bindings
