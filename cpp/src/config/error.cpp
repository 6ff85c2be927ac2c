#include "hft/config/error.h"

namespace hft::config {

std::string ConfigError::to_string() const {
  std::string out = file.empty() ? "<memory>" : file;
  out += ": ";
  out += path.empty() ? "(document)" : path;
  out += ": ";
  out += message;
  out += " (rule: " + rule;
  if (!value.empty()) out += ", got: " + value;
  out += ")";
  return out;
}

std::string to_string(const ConfigErrors& errors) {
  std::string out;
  for (const ConfigError& e : errors) {
    out += e.to_string();
    out += '\n';
  }
  return out;
}

}  // namespace hft::config
