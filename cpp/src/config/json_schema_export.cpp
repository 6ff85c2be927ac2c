#include "hft/config/schema.h"

namespace hft::config {
namespace {

Json export_node(const Node& node) {
  Json out = Json::object();
  if (!node.description.empty()) out["description"] = node.description;
  switch (node.kind) {
    case Node::Kind::Object: {
      out["type"] = "object";
      out["additionalProperties"] = false;
      Json props = Json::object();
      Json required = Json::array();
      for (const Field& f : node.fields) {
        Json p = export_node(*f.node);
        if (!f.description.empty()) p["description"] = f.description;
        if (f.default_value) p["default"] = *f.default_value;
        props[f.name] = std::move(p);
        if (f.required) required.push_back(f.name);
      }
      out["properties"] = std::move(props);
      if (!required.empty()) out["required"] = std::move(required);
      break;
    }
    case Node::Kind::Map:
      out["type"] = "object";
      if (!node.key_pattern.empty()) out["propertyNames"] = Json{{"pattern", "^(?:" + node.key_pattern + ")$"}};
      out["additionalProperties"] = export_node(*node.values);
      break;
    case Node::Kind::Array:
      out["type"] = "array";
      out["items"] = export_node(*node.items);
      if (node.min_items) out["minItems"] = node.min_items;
      if (node.max_items) out["maxItems"] = *node.max_items;
      if (node.unique_items) out["uniqueItems"] = true;
      break;
    case Node::Kind::Integer:
    case Node::Kind::Number:
      out["type"] = node.kind == Node::Kind::Integer ? "integer" : "number";
      if (node.minimum) out[node.exclusive_minimum ? "exclusiveMinimum" : "minimum"] = *node.minimum;
      if (node.maximum) out["maximum"] = *node.maximum;
      if (node.fixed_point) out["multipleOf"] = 0.0001;
      break;
    case Node::Kind::String:
      out["type"] = "string";
      if (!node.enum_values.empty()) out["enum"] = node.enum_values;
      // Env references are expanded before the pattern applies, so a path
      // with ${VAR} cannot be checked by a plain JSON Schema validator.
      if (!node.pattern.empty() && !node.expand_env) out["pattern"] = "^(?:" + node.pattern + ")$";
      if (node.min_length) out["minLength"] = node.min_length;
      if (node.expand_env) out["x-hft-expands-env"] = true;
      break;
    case Node::Kind::Boolean:
      out["type"] = "boolean";
      break;
  }
  return out;
}

}  // namespace

Json to_json_schema(const DocumentSchema& schema) {
  Json out = export_node(*schema.root);
  out["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  out["$id"] = "hft:" + schema.name;
  out["title"] = schema.title;
  Json rules = Json::array();
  for (const CrossRule& r : schema.rules) rules.push_back(Json{{"rule", r.name}, {"description", r.description}});
  out["x-hft-rules"] = std::move(rules);
  return out;
}

}  // namespace hft::config
