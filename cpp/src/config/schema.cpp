#include "hft/config/schema.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>
#include <set>

#include "hft/config/env_expand.h"

namespace hft::config {
namespace {

std::string value_text(const Json& v) {
  std::string s = v.dump();
  constexpr std::size_t kMax = 80;
  if (s.size() > kMax) s = s.substr(0, kMax - 3) + "...";
  return s;
}

std::string format_number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

/// Levenshtein distance, to suggest the key that was probably meant.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string known_keys(const Node& node) {
  std::string out;
  for (const Field& f : node.fields) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

bool full_match(const std::string& pattern, const std::string& text) {
  return std::regex_match(text, std::regex(pattern, std::regex::ECMAScript));
}

bool is_identifier(const std::string& key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void check_bounds(const Node& node, double v, const Json& value, const std::string& path, Reporter& out) {
  if (node.minimum) {
    if (node.exclusive_minimum && !(v > *node.minimum)) {
      out.add(path, "minimum", "must be greater than " + format_number(*node.minimum), &value);
    } else if (!node.exclusive_minimum && v < *node.minimum) {
      out.add(path, "minimum", "must be at least " + format_number(*node.minimum), &value);
    }
  }
  if (node.maximum && v > *node.maximum) {
    out.add(path, "maximum", "must be at most " + format_number(*node.maximum), &value);
  }
}

/// Objects and maps drop their own bad members, so they are kept themselves.
bool is_container(const Node& n) { return n.kind == Node::Kind::Object || n.kind == Node::Kind::Map; }

/// Validates `value` into `result[key]`. A value with an error of its own is
/// left out (an array with one bad item, as a whole), so cross-field rules
/// never reason from it.
void put_checked(Json& result, const std::string& key, const Node& node, const Json& value, const std::string& path,
                 const ValidationContext& ctx, Reporter& out) {
  const std::size_t before = out.errors().size();
  Json checked = validate_node(node, value, path, ctx, out);
  if (out.errors().size() == before || is_container(node)) result[key] = std::move(checked);
}

Json validate_object(const Node& node, const Json& value, const std::string& path, const ValidationContext& ctx,
                     Reporter& out) {
  Json result = Json::object();
  for (const auto& [key, child] : value.items()) {
    const auto it = std::find_if(node.fields.begin(), node.fields.end(), [&](const Field& f) { return f.name == key; });
    if (it == node.fields.end()) {
      std::string message = "unknown key";
      const Field* best = nullptr;
      std::size_t best_distance = 3;  // suggest only near misses
      for (const Field& f : node.fields) {
        const std::size_t d = edit_distance(key, f.name);
        if (d < best_distance) best_distance = d, best = &f;
      }
      message += best ? "; did you mean '" + best->name + "'?" : "; expected one of: " + known_keys(node);
      out.add(join_path(path, key), "unknown_key", message);
      continue;
    }
    put_checked(result, key, *it->node, child, join_path(path, key), ctx, out);
  }
  for (const Field& f : node.fields) {
    if (value.contains(f.name)) continue;
    if (f.required) {
      out.add(join_path(path, f.name), "required", "is required: " + f.description);
    } else if (f.default_value) {
      put_checked(result, f.name, *f.node, *f.default_value, join_path(path, f.name), ctx, out);
    }
  }
  return result;
}

Json validate_string(const Node& node, const Json& value, const std::string& path, const ValidationContext& ctx,
                     Reporter& out) {
  std::string s = value.get<std::string>();
  if (node.expand_env) {
    std::string error;
    const EnvLookup lookup = ctx.getenv ? EnvLookup(ctx.getenv) : EnvLookup([](const std::string& n) {
      const char* v = std::getenv(n.c_str());
      return v ? std::optional<std::string>(v) : std::nullopt;
    });
    const std::optional<std::string> expanded = expand_env(s, lookup, error);
    if (!expanded) {
      out.add(path, "env", error, &value);
      return value;
    }
    s = *expanded;
  }
  if (s.size() < node.min_length) {
    out.add(path, "min_length",
            node.min_length == 1 ? "must not be empty"
                                 : "must be at least " + std::to_string(node.min_length) + " characters",
            &value);
  }
  if (!node.enum_values.empty() &&
      std::find(node.enum_values.begin(), node.enum_values.end(), s) == node.enum_values.end()) {
    std::string allowed;
    for (const std::string& e : node.enum_values) allowed += (allowed.empty() ? "" : ", ") + e;
    out.add(path, "enum", "must be one of: " + allowed, &value);
  }
  if (!node.pattern.empty() && !full_match(node.pattern, s))
    out.add(path, "pattern", "must be " + node.pattern_meaning, &value);
  return Json(s);
}

}  // namespace

// ---- builders ---------------------------------------------------------------

NodeBuilder::NodeBuilder(Node::Kind kind) : node_(std::make_shared<Node>()) { node_->kind = kind; }
NodeBuilder& NodeBuilder::doc(std::string text) {
  node_->description = std::move(text);
  return *this;
}
NodeBuilder& NodeBuilder::min(double v) {
  node_->minimum = v;
  node_->exclusive_minimum = false;
  return *this;
}
NodeBuilder& NodeBuilder::max(double v) {
  node_->maximum = v;
  return *this;
}
NodeBuilder& NodeBuilder::greater_than(double v) {
  node_->minimum = v;
  node_->exclusive_minimum = true;
  return *this;
}
NodeBuilder& NodeBuilder::pattern(std::string regex, std::string meaning) {
  node_->pattern = std::move(regex);
  node_->pattern_meaning = std::move(meaning);
  return *this;
}
NodeBuilder& NodeBuilder::min_length(std::size_t n) {
  node_->min_length = n;
  return *this;
}
NodeBuilder& NodeBuilder::min_items(std::size_t n) {
  node_->min_items = n;
  return *this;
}
NodeBuilder& NodeBuilder::max_items(std::size_t n) {
  node_->max_items = n;
  return *this;
}
NodeBuilder& NodeBuilder::unique() {
  node_->unique_items = true;
  return *this;
}

NodeBuilder integer() { return NodeBuilder(Node::Kind::Integer); }
NodeBuilder number() { return NodeBuilder(Node::Kind::Number); }
NodeBuilder money() {
  NodeBuilder b(Node::Kind::Number);
  std::const_pointer_cast<Node>(b.build())->fixed_point = true;
  return b;
}
NodeBuilder string() { return NodeBuilder(Node::Kind::String); }
NodeBuilder one_of(std::vector<std::string> values) {
  NodeBuilder b(Node::Kind::String);
  std::const_pointer_cast<Node>(b.build())->enum_values = std::move(values);
  return b;
}
NodeBuilder boolean() { return NodeBuilder(Node::Kind::Boolean); }
NodeBuilder path() {
  NodeBuilder b(Node::Kind::String);
  std::const_pointer_cast<Node>(b.build())->expand_env = true;
  b.min_length(1);
  return b;
}
NodeBuilder array(NodePtr items) {
  NodeBuilder b(Node::Kind::Array);
  std::const_pointer_cast<Node>(b.build())->items = std::move(items);
  return b;
}
NodeBuilder object(std::vector<Field> fields) {
  NodeBuilder b(Node::Kind::Object);
  std::const_pointer_cast<Node>(b.build())->fields = std::move(fields);
  return b;
}
NodeBuilder map(std::string key_pattern, std::string key_meaning, NodePtr values) {
  NodeBuilder b(Node::Kind::Map);
  auto n = std::const_pointer_cast<Node>(b.build());
  n->key_pattern = std::move(key_pattern);
  n->key_meaning = std::move(key_meaning);
  n->values = std::move(values);
  return b;
}

Field required(std::string name, NodePtr node, std::string description) {
  return Field{std::move(name), std::move(node), true, std::nullopt, std::move(description)};
}
Field optional(std::string name, NodePtr node, Json default_value, std::string description) {
  return Field{std::move(name), std::move(node), false, std::move(default_value), std::move(description)};
}
Field optional(std::string name, NodePtr node, std::string description) {
  return Field{std::move(name), std::move(node), false, std::nullopt, std::move(description)};
}

// ---- validation ---------------------------------------------------------------

ValidationContext ValidationContext::from_machine() {
  ValidationContext ctx;
  ctx.cpu_count = static_cast<int>(sysconf(_SC_NPROCESSORS_CONF));
  return ctx;
}

void Reporter::add(std::string path, std::string rule, std::string message, const Json* value) {
  errors_.push_back(ConfigError{file_, std::move(path), std::move(rule), std::move(message),
                                value ? value_text(*value) : std::string{}});
}

void Reporter::add_error(ConfigError e) { errors_.push_back(std::move(e)); }

std::string join_path(const std::string& parent, const std::string& key) {
  if (!is_identifier(key)) return parent + "[" + Json(key).dump() + "]";
  return parent.empty() ? key : parent + "." + key;
}
std::string join_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

Json validate_node(const Node& node, const Json& value, const std::string& path, const ValidationContext& ctx,
                   Reporter& out) {
  switch (node.kind) {
    case Node::Kind::Object:
      if (!value.is_object()) break;
      return validate_object(node, value, path, ctx, out);
    case Node::Kind::Map: {
      if (!value.is_object()) break;
      Json result = Json::object();
      for (const auto& [key, child] : value.items()) {
        if (!node.key_pattern.empty() && !full_match(node.key_pattern, key)) {
          out.add(join_path(path, key), "key_pattern", "key must be " + node.key_meaning, nullptr);
          continue;
        }
        put_checked(result, key, *node.values, child, join_path(path, key), ctx, out);
      }
      return result;
    }
    case Node::Kind::Array: {
      if (!value.is_array()) break;
      if (value.size() < node.min_items) {
        out.add(path, "min_items",
                node.min_items == 1 ? "must not be empty"
                                    : "must have at least " + std::to_string(node.min_items) + " items",
                &value);
      }
      if (node.max_items && value.size() > *node.max_items) {
        out.add(path, "max_items", "must have at most " + std::to_string(*node.max_items) + " items", &value);
      }
      Json result = Json::array();
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (node.unique_items) {
          for (std::size_t j = 0; j < i; ++j) {
            if (value[j] == value[i]) {
              out.add(join_path(path, i), "unique_items", "repeats item " + std::to_string(j), &value[i]);
              break;
            }
          }
        }
        result.push_back(validate_node(*node.items, value[i], join_path(path, i), ctx, out));
      }
      return result;
    }
    case Node::Kind::Integer: {
      if (!value.is_number()) break;
      const double v = value.get<double>();
      // 1e4 in a file is a float to the parser but an integer to its writer.
      if (value.is_number_float() && (std::floor(v) != v || std::fabs(v) > 9007199254740992.0)) {
        out.add(path, "type", "must be a whole number", &value);
        return value;
      }
      check_bounds(node, v, value, path, out);
      return value.is_number_float() ? Json(static_cast<std::int64_t>(v)) : value;
    }
    case Node::Kind::Number: {
      if (!value.is_number()) break;
      const double v = value.get<double>();
      if (!std::isfinite(v)) {
        out.add(path, "type", "must be a finite number", &value);
        return value;
      }
      check_bounds(node, v, value, path, out);
      if (node.fixed_point) {
        const double scaled = v * 1e4;
        // The product carries the rounding of both factors: allow a few ulps,
        // no more, so 101.23456 is caught and 0.01 (not exact in binary) is not.
        const double tolerance = 1e-9 + std::fabs(scaled) * 8 * std::numeric_limits<double>::epsilon();
        if (std::fabs(scaled) > 9.2e18 || std::fabs(scaled - std::round(scaled)) > tolerance) {
          out.add(path, "fixed_point", "must have at most 4 decimal places (prices are fixed-point 1e-4 units)",
                  &value);
        }
      }
      return value;
    }
    case Node::Kind::String:
      if (!value.is_string()) break;
      return validate_string(node, value, path, ctx, out);
    case Node::Kind::Boolean:
      if (!value.is_boolean()) break;
      return value;
  }
  static const char* const kTypeNames[] = {"an object", "an object", "a list",       "an integer",
                                           "a number",  "a string",  "true or false"};
  out.add(path, "type", std::string("must be ") + kTypeNames[static_cast<int>(node.kind)], &value);
  return value;
}

void run_rule(const CrossRule& rule, const Json& doc, const ValidationContext& ctx, Reporter& out) {
  // A rule reads the keys it spans with .at() and typed gets; when one of them
  // is missing or of the wrong type, that key's own error is already reported
  // and the rule has nothing sound to say, so it is skipped.
  Reporter local(out.file());
  try {
    rule.check(doc, ctx, local);
  } catch (const Json::exception&) {
    return;
  }
  for (const ConfigError& e : local.errors()) out.add_error(e);
}

Validation validate(const DocumentSchema& schema, const Json& doc, const std::string& file,
                    const ValidationContext& ctx) {
  ValidationContext effective = ctx;
  if (effective.cpu_count <= 0) effective.cpu_count = ValidationContext::from_machine().cpu_count;
  Reporter out(file);
  Validation v;
  v.normalized = validate_node(*schema.root, doc, "", effective, out);
  if (v.normalized.is_object()) {
    for (const CrossRule& rule : schema.rules) run_rule(rule, v.normalized, effective, out);
  }
  v.errors = out.take();
  return v;
}

}  // namespace hft::config
