#pragma once
/// @file
/// The configuration schema language. Every configuration file is described
/// once, with these builders; the same description validates files for the
/// C++ daemons, validates them for Python (through `hft._core`), fills in
/// defaults, and exports a JSON Schema document for editors and docs.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hft/config/error.h"

namespace hft::config {

using Json = nlohmann::json;

struct Node;
using NodePtr = std::shared_ptr<const Node>;

/// A key of an object node.
struct Field {
  std::string name;
  NodePtr node;
  bool required{false};
  std::optional<Json> default_value;  ///< filled in when the key is absent
  std::string description;
};

/// One node of the schema tree. Built with the functions below, not by hand.
struct Node {
  enum class Kind { Object, Map, Array, Integer, Number, String, Boolean };
  Kind kind{Kind::Object};
  std::string description;

  // Integer and Number bounds (inclusive unless exclusive_minimum).
  std::optional<double> minimum, maximum;
  bool exclusive_minimum{false};
  /// Number only: the value must be exact in 1e-4 units (it becomes a Price).
  bool fixed_point{false};

  // String
  std::vector<std::string> enum_values;
  std::string pattern;          ///< ECMAScript regex the whole string must match
  std::string pattern_meaning;  ///< what the pattern means, for error messages
  std::size_t min_length{0};
  /// Expands `${NAME}` and `${NAME:-default}` from the environment.
  bool expand_env{false};

  // Array
  NodePtr items;
  std::size_t min_items{0};
  std::optional<std::size_t> max_items;
  bool unique_items{false};

  // Object
  std::vector<Field> fields;

  // Map: free keys matching key_pattern, each value a `values` node.
  NodePtr values;
  std::string key_pattern;
  std::string key_meaning;
};

/// Chainable builder for a node; converts to NodePtr where a node is needed.
class NodeBuilder {
 public:
  explicit NodeBuilder(Node::Kind kind);
  NodeBuilder& doc(std::string text);
  NodeBuilder& min(double v);
  NodeBuilder& max(double v);
  NodeBuilder& greater_than(double v);  ///< exclusive minimum
  NodeBuilder& pattern(std::string regex, std::string meaning);
  NodeBuilder& min_length(std::size_t n);
  NodeBuilder& min_items(std::size_t n);
  NodeBuilder& max_items(std::size_t n);
  NodeBuilder& unique();
  operator NodePtr() const { return node_; }  // NOLINT(google-explicit-constructor): builder reads as a node
  NodePtr build() const { return node_; }

 private:
  std::shared_ptr<Node> node_;
};

NodeBuilder integer();
NodeBuilder number();
/// A decimal amount held as a fixed-point `Price` (at most 4 decimals).
NodeBuilder money();
NodeBuilder string();
NodeBuilder one_of(std::vector<std::string> values);
NodeBuilder boolean();
/// A filesystem path; `${VAR}` and `${VAR:-default}` are expanded.
NodeBuilder path();
NodeBuilder array(NodePtr items);
NodeBuilder object(std::vector<Field> fields);
NodeBuilder map(std::string key_pattern, std::string key_meaning, NodePtr values);

Field required(std::string name, NodePtr node, std::string description);
Field optional(std::string name, NodePtr node, Json default_value, std::string description);
/// An optional key with no default: absent stays absent.
Field optional(std::string name, NodePtr node, std::string description);

/// What validation may look at beyond the document itself. Injected so tests
/// can pretend to be another machine.
struct ValidationContext {
  int cpu_count{0};  ///< cores this machine has; 0 means "read from the OS"
  std::function<std::optional<std::string>(const std::string&)> getenv;  ///< empty means ::getenv
  static ValidationContext from_machine();
};

/// Collects errors for one file during validation.
class Reporter {
 public:
  explicit Reporter(std::string file) : file_(std::move(file)) {}
  void add(std::string path, std::string rule, std::string message, const Json* value = nullptr);
  void add_error(ConfigError e);
  const ConfigErrors& errors() const noexcept { return errors_; }
  ConfigErrors take() { return std::move(errors_); }
  const std::string& file() const noexcept { return file_; }

 private:
  std::string file_;
  ConfigErrors errors_;
};

/// A rule that spans several keys (a core in two roles, a limit larger than
/// the limit it sits under). It sees the document with defaults filled in.
/// It reads keys with `.at()` and typed gets: when a key it needs is missing
/// or of the wrong type (already reported by the key's own node), the
/// nlohmann exception skips the rule instead of reporting noise.
struct CrossRule {
  std::string name;         ///< reported as the error's rule
  std::string description;  ///< exported with the schema
  std::function<void(const Json& doc, const ValidationContext& ctx, Reporter& out)> check;
};

/// A whole configuration document: its tree and its cross-field rules.
struct DocumentSchema {
  std::string name;   ///< "system", "symbols"
  std::string title;  ///< one line for humans
  NodePtr root;
  std::vector<CrossRule> rules;
};

/// Outcome of validating one document.
struct Validation {
  /// The input with defaults filled in and paths expanded; keys whose values
  /// have errors are left out.
  Json normalized;
  ConfigErrors errors;
  bool ok() const noexcept { return errors.empty(); }
};

/// Validates `doc` against `schema`. Never throws on bad input: every problem
/// becomes a ConfigError naming `file`.
Validation validate(const DocumentSchema& schema, const Json& doc, const std::string& file,
                    const ValidationContext& ctx);

/// Runs one cross-field rule, skipping it when its inputs are malformed.
void run_rule(const CrossRule& rule, const Json& doc, const ValidationContext& ctx, Reporter& out);

/// Validates one value against one node (used by cross-document checks).
Json validate_node(const Node& node, const Json& value, const std::string& path, const ValidationContext& ctx,
                   Reporter& out);

/// Exports the schema as a JSON Schema (draft 2020-12) document. Cross-field
/// rules, which JSON Schema cannot express, are listed under `x-hft-rules`.
Json to_json_schema(const DocumentSchema& schema);

/// Formats a key path segment: `.name` for identifier-like keys,
/// `["BRK.A"]` otherwise.
std::string join_path(const std::string& parent, const std::string& key);
std::string join_path(const std::string& parent, std::size_t index);

}  // namespace hft::config
