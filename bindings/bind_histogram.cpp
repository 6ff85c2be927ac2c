#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "hft/core/latency_histogram.h"

#include "bindings.h"

namespace py = pybind11;
using hft::core::LatencyHistogram;

namespace hft::bindings {
namespace {

py::array_t<std::uint64_t> bucket_bounds(bool upper) {
  py::array_t<std::uint64_t> out(LatencyHistogram::kBucketCount);
  auto v = out.mutable_unchecked<1>();
  for (std::size_t i = 0; i < LatencyHistogram::kBucketCount; ++i) {
    v(static_cast<py::ssize_t>(i)) = upper ? LatencyHistogram::bucket_upper(i) : LatencyHistogram::bucket_lower(i);
  }
  return out;
}

}  // namespace

void bind_histogram(py::module_& m) {
  py::class_<LatencyHistogram>(m, "LatencyHistogram",
                               "Log-linear latency histogram (values in ns, <= 0.79 % relative error to 17 s).")
      .def(py::init<>())
      .def("record", &LatencyHistogram::record, py::arg("value"))
      .def("record_n", &LatencyHistogram::record_n, py::arg("value"), py::arg("count"))
      .def(
          "record_array",
          [](LatencyHistogram& h, py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast> values) {
            const auto v = values.unchecked<1>();
            py::gil_scoped_release release;
            for (py::ssize_t i = 0; i < v.shape(0); ++i) h.record(v(i));
          },
          py::arg("values"), "Record every value of a 1-D array.")
      .def("merge", &LatencyHistogram::merge, py::arg("other"))
      .def("reset", &LatencyHistogram::reset)
      .def("percentile", &LatencyHistogram::percentile, py::arg("p"))
      .def_property_readonly("count", &LatencyHistogram::count)
      .def_property_readonly("overflow_count", &LatencyHistogram::overflow_count)
      .def_property_readonly("min", &LatencyHistogram::min)
      .def_property_readonly("max", &LatencyHistogram::max)
      .def_property_readonly("mean", &LatencyHistogram::mean)
      .def_property_readonly(
          "buckets",
          [](py::object self) {
            const auto& h = self.cast<const LatencyHistogram&>();
            // A read-only view over the live counts: no copy, and `self` is
            // kept alive for as long as the array is.
            py::array_t<std::uint64_t> view({static_cast<py::ssize_t>(LatencyHistogram::kBucketCount)},
                                            {sizeof(std::uint64_t)}, h.buckets(), self);
            py::detail::array_proxy(view.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
            return view;
          },
          "Bucket counts as a read-only numpy view (no copy).")
      .def_static(
          "bucket_lower_bounds", [] { return bucket_bounds(false); }, "Smallest value of each bucket.")
      .def_static(
          "bucket_upper_bounds", [] { return bucket_bounds(true); }, "Largest value of each bucket.")
      .def_property_readonly_static("bucket_count", [](py::object) { return LatencyHistogram::kBucketCount; })
      .def_property_readonly_static("max_trackable", [](py::object) { return LatencyHistogram::kMaxTrackable; });
}

}  // namespace hft::bindings
