#include <pybind11/stl.h>

#include "hft/core/cpu.h"

#include "bindings.h"

namespace py = pybind11;

namespace hft::bindings {

void bind_cpu(py::module_& m) {
  m.def("allowed_cpus", &core::allowed_cpus, "Cores this process may run on.");
  m.def("isolated_cpus", &core::isolated_cpus, "Cores isolated by the kernel (isolcpus).");
  m.def("configured_cpu_count", &core::configured_cpu_count);
  m.def("parse_cpu_list", &core::parse_cpu_list, py::arg("text"));
}

}  // namespace hft::bindings
