#include "hft/config/env_expand.h"

namespace hft::config {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> expand_env(const std::string& text, const EnvLookup& lookup, std::string& error) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
      out += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      error = "unterminated '${' at offset " + std::to_string(i);
      return std::nullopt;
    }
    const std::string body = text.substr(i + 2, close - i - 2);
    const std::size_t sep = body.find(":-");
    const std::string name = body.substr(0, sep);
    if (!valid_name(name)) {
      error = "'${" + body + "}' does not name an environment variable";
      return std::nullopt;
    }
    const std::optional<std::string> value = lookup(name);
    if (sep != std::string::npos) {
      out += (value && !value->empty()) ? *value : body.substr(sep + 2);
    } else if (value) {
      out += *value;
    } else {
      error = "environment variable " + name + " is not set (write ${" + name + ":-default} to give a default)";
      return std::nullopt;
    }
    i = close + 1;
  }
  return out;
}

}  // namespace hft::config
