#include <cstdlib>

#include <pybind11/stl.h>

#include "hft/config/env_expand.h"
#include "hft/config/system_config.h"

#include "bindings.h"

namespace py = pybind11;
using namespace hft::config;

namespace hft::bindings {
namespace {

ValidationContext context(int cpu_count) {
  ValidationContext ctx = ValidationContext::from_machine();
  if (cpu_count > 0) ctx.cpu_count = cpu_count;
  return ctx;
}

const DocumentSchema& schema_named(const std::string& kind) {
  const DocumentSchema* s = find_schema(kind);
  if (s == nullptr) throw py::value_error("unknown configuration kind '" + kind + "' (expected system or symbols)");
  return *s;
}

}  // namespace

void bind_config(py::module_& m) {
  py::class_<ConfigError>(m, "ConfigError", "One configuration problem: file, key path, rule, message, value.")
      .def_readonly("file", &ConfigError::file)
      .def_readonly("path", &ConfigError::path)
      .def_readonly("rule", &ConfigError::rule)
      .def_readonly("message", &ConfigError::message)
      .def_readonly("value", &ConfigError::value)
      .def("__str__", &ConfigError::to_string)
      .def("__repr__", [](const ConfigError& e) { return "<ConfigError " + e.to_string() + ">"; });

  m.attr("SCHEMA_VERSION") = kSchemaVersion;
  m.def("kinds", [] { return std::vector<std::string>{"system", "symbols"}; });

  m.def(
      "validate",
      [](const std::string& kind, const std::string& document_json, const std::string& file, int cpu_count) {
        const DocumentSchema& schema = schema_named(kind);
        const Json doc = Json::parse(document_json);
        Validation v = validate(schema, doc, file, context(cpu_count));
        return py::make_tuple(v.normalized.dump(), v.errors);
      },
      py::arg("kind"), py::arg("document_json"), py::arg("file"), py::arg("cpu_count") = 0,
      "Validate one document (JSON text). Returns (normalized JSON text, errors).");

  m.def(
      "check_system",
      [](const std::string& system_json, const std::string& system_file, const std::optional<std::string>& symbols_json,
         const std::string& symbols_file, int cpu_count) {
        const Json system = Json::parse(system_json);
        std::optional<Json> symbols;
        if (symbols_json) symbols = Json::parse(*symbols_json);
        SystemCheck c =
            check_system(system, system_file, symbols ? &*symbols : nullptr, symbols_file, context(cpu_count));
        return py::make_tuple(c.normalized.dump(), c.errors);
      },
      py::arg("system_json"), py::arg("system_file"), py::arg("symbols_json"), py::arg("symbols_file"),
      py::arg("cpu_count") = 0,
      "Validate a system document and the symbol document it names. Returns (normalized JSON text, errors).");

  m.def(
      "json_schema", [](const std::string& kind) { return to_json_schema(schema_named(kind)).dump(2); },
      py::arg("kind"), "The schema as a JSON Schema (draft 2020-12) document.");

  m.def(
      "detect_kind", [](const std::string& document_json) { return detect_kind(Json::parse(document_json)); },
      py::arg("document_json"));

  m.def(
      "expand_env",
      [](const std::string& text) {
        std::string error;
        const auto out = expand_env(
            text,
            [](const std::string& n) -> std::optional<std::string> {
              const char* v = std::getenv(n.c_str());
              return v ? std::optional<std::string>(v) : std::nullopt;
            },
            error);
        if (!out) throw py::value_error(error);
        return *out;
      },
      py::arg("text"), "Expand ${NAME} and ${NAME:-default} as path values are expanded.");

  m.def("resolve_relative", &resolve_relative, py::arg("base_file"), py::arg("target"));
}

}  // namespace hft::bindings
