#pragma once
// Each bind_*.cpp registers one submodule of hft._core. Bindings convert
// types and release the GIL; they hold no logic.
#include <pybind11/pybind11.h>

namespace hft::bindings {
void bind_clock(pybind11::module_& m);
void bind_config(pybind11::module_& m);
void bind_cpu(pybind11::module_& m);
void bind_histogram(pybind11::module_& m);
void bind_market_data(pybind11::module_& m);
void bind_audit(pybind11::module_& m);
void bind_fix(pybind11::module_& m);
void bind_control(pybind11::module_& m);
}  // namespace hft::bindings
