// The schema language itself, on a small schema built for the test.
#include "hft/config/schema.h"

#include <gtest/gtest.h>

namespace hft::config {
namespace {

DocumentSchema test_schema() {
  DocumentSchema s;
  s.name = "test";
  s.title = "test";
  s.root = object({
      required("count", integer().min(1).max(10), "a count"),
      optional("ratio", number().greater_than(0).max(1), 0.5, "a ratio"),
      optional("price", money().min(0), "a price"),
      optional("mode", one_of({"fast", "safe"}), "safe", "a mode"),
      optional("name", string().pattern("[a-z]+", "lower-case letters"), "a name"),
      optional("flag", boolean(), false, "a flag"),
      optional("dir", path(), "a path"),
      optional("cores", array(integer().min(0)).unique().min_items(1).max_items(3), "cores"),
      optional("nested", object({optional("depth", integer().min(0), 3, "depth")}), Json::object(), "nested"),
      optional("items", map("[A-Z]+", "upper-case letters", integer()), "map"),
  });
  s.rules = {
      {"test.count_vs_cores", "count >= number of cores", [](const Json& doc, const ValidationContext&, Reporter& out) {
         if (doc.contains("cores") && doc["count"].get<std::size_t>() < doc["cores"].size()) {
           out.add("count", "test.count_vs_cores", "must be at least the number of cores", &doc["count"]);
         }
       }}};
  return s;
}

ValidationContext ctx() {
  ValidationContext c;
  c.cpu_count = 4;
  c.getenv = [](const std::string& n) -> std::optional<std::string> {
    if (n == "HOME_DIR") return std::string("/home/op");
    return std::nullopt;
  };
  return c;
}

Validation run(const std::string& text) { return validate(test_schema(), Json::parse(text), "t.json", ctx()); }

/// The single error's rule and path, or a description of what came instead.
std::string only_error(const Validation& v) {
  if (v.errors.size() != 1)
    return "expected one error, got " + std::to_string(v.errors.size()) + ": " + to_string(v.errors);
  return v.errors[0].path + " " + v.errors[0].rule;
}

TEST(Schema, ValidDocumentGetsDefaults) {
  const Validation v = run(R"({"count": 3})");
  ASSERT_TRUE(v.ok()) << to_string(v.errors);
  EXPECT_EQ(v.normalized["ratio"], 0.5);
  EXPECT_EQ(v.normalized["mode"], "safe");
  EXPECT_EQ(v.normalized["flag"], false);
  EXPECT_EQ(v.normalized["nested"]["depth"], 3);
  EXPECT_FALSE(v.normalized.contains("name")) << "optional without default stays absent";
}

TEST(Schema, MissingRequiredKey) { EXPECT_EQ(only_error(run("{}")), "count required"); }

TEST(Schema, UnknownKeySuggestsTheNearKey) {
  const Validation v = run(R"({"count": 1, "ratoi": 0.1})");
  ASSERT_EQ(only_error(v), "ratoi unknown_key");
  EXPECT_NE(v.errors[0].message.find("did you mean 'ratio'"), std::string::npos);
}

TEST(Schema, UnknownKeyFarFromAnyListsTheKnownKeys) {
  const Validation v = run(R"({"count": 1, "zzzzzz": 0})");
  ASSERT_EQ(only_error(v), "zzzzzz unknown_key");
  EXPECT_NE(v.errors[0].message.find("count, ratio"), std::string::npos);
}

TEST(Schema, WrongTypes) {
  EXPECT_EQ(only_error(run(R"({"count": "3"})")), "count type");
  EXPECT_EQ(only_error(run(R"({"count": true})")), "count type");
  EXPECT_EQ(only_error(run(R"({"count": 2.5})")), "count type");
  EXPECT_EQ(only_error(run(R"({"count": 1, "flag": 1})")), "flag type");
  EXPECT_EQ(only_error(run(R"({"count": 1, "nested": []})")), "nested type");
  EXPECT_EQ(only_error(run(R"({"count": 1, "cores": 1})")), "cores type");
  EXPECT_EQ(only_error(run(R"([1])")), " type");
}

TEST(Schema, IntegralFloatIsAcceptedAsInteger) {
  const Validation v = run(R"({"count": 4.0})");
  ASSERT_TRUE(v.ok()) << to_string(v.errors);
  EXPECT_TRUE(v.normalized["count"].is_number_integer());
}

TEST(Schema, Bounds) {
  EXPECT_EQ(only_error(run(R"({"count": 0})")), "count minimum");
  EXPECT_EQ(only_error(run(R"({"count": 11})")), "count maximum");
  EXPECT_EQ(only_error(run(R"({"count": 1, "ratio": 0})")), "ratio minimum") << "exclusive minimum";
  EXPECT_TRUE(run(R"({"count": 10, "ratio": 1})").ok()) << "inclusive maximum";
}

TEST(Schema, MoneyNeedsAtMostFourDecimals) {
  EXPECT_TRUE(run(R"({"count": 1, "price": 101.2345})").ok());
  EXPECT_EQ(only_error(run(R"({"count": 1, "price": 101.23456})")), "price fixed_point");
}

TEST(Schema, EnumAndPattern) {
  const Validation e = run(R"({"count": 1, "mode": "turbo"})");
  ASSERT_EQ(only_error(e), "mode enum");
  EXPECT_NE(e.errors[0].message.find("fast, safe"), std::string::npos);
  EXPECT_EQ(e.errors[0].value, "\"turbo\"");
  EXPECT_EQ(only_error(run(R"({"count": 1, "name": "Abc"})")), "name pattern");
}

TEST(Schema, ArrayRules) {
  EXPECT_EQ(only_error(run(R"({"count": 3, "cores": []})")), "cores min_items");
  EXPECT_EQ(only_error(run(R"({"count": 5, "cores": [0,1,2,3]})")), "cores max_items");
  EXPECT_EQ(only_error(run(R"({"count": 3, "cores": [0, 2, 0]})")), "cores[2] unique_items");
  EXPECT_EQ(only_error(run(R"({"count": 3, "cores": [0, -1]})")), "cores[1] minimum");
}

TEST(Schema, MapKeysAndValues) {
  EXPECT_TRUE(run(R"({"count": 1, "items": {"AB": 1}})").ok());
  EXPECT_EQ(only_error(run(R"({"count": 1, "items": {"ab": 1}})")), "items.ab key_pattern");
  EXPECT_EQ(only_error(run(R"({"count": 1, "items": {"AB": "x"}})")), "items.AB type");
}

TEST(Schema, PathsAreExpanded) {
  const Validation v = run(R"({"count": 1, "dir": "${HOME_DIR}/logs"})");
  ASSERT_TRUE(v.ok()) << to_string(v.errors);
  EXPECT_EQ(v.normalized["dir"], "/home/op/logs");
  EXPECT_EQ(only_error(run(R"({"count": 1, "dir": "${NOT_SET}/logs"})")), "dir env");
  EXPECT_EQ(only_error(run(R"({"count": 1, "dir": ""})")), "dir min_length");
}

TEST(Schema, CrossRulesRunBesideUnrelatedErrors) {
  EXPECT_EQ(only_error(run(R"({"count": 1, "cores": [0, 1]})")), "count test.count_vs_cores");
  const Validation v = run(R"({"count": 1, "cores": [0, 1], "flag": "no"})");
  ASSERT_EQ(v.errors.size(), 2u) << to_string(v.errors);
  EXPECT_EQ(v.errors[0].rule, "type");
  EXPECT_EQ(v.errors[1].rule, "test.count_vs_cores");
}

TEST(Schema, CrossRuleIsSkippedWhenItsInputIsMalformed) {
  // The rule would read "count" as a number; its own type error is enough.
  EXPECT_EQ(only_error(run(R"({"count": "x", "cores": [0, 1]})")), "count type");
}

TEST(Schema, ReportsEveryProblemAtOnce) {
  const Validation v = run(R"({"count": 0, "ratio": 7, "mode": "x", "extra": 1})");
  EXPECT_EQ(v.errors.size(), 4u) << to_string(v.errors);
}

TEST(Schema, ErrorTextNamesFilePathRuleAndValue) {
  const Validation v = run(R"({"count": 42})");
  ASSERT_EQ(v.errors.size(), 1u);
  EXPECT_EQ(v.errors[0].to_string(), "t.json: count: must be at most 10 (rule: maximum, got: 42)");
}

TEST(Schema, PathSegmentsQuoteUnusualKeys) {
  EXPECT_EQ(join_path("symbols", "AAPL"), "symbols.AAPL");
  EXPECT_EQ(join_path("symbols", "BRK.B"), "symbols[\"BRK.B\"]");
  EXPECT_EQ(join_path("cores", std::size_t{2}), "cores[2]");
  EXPECT_EQ(join_path("", "risk"), "risk");
}

TEST(Schema, ExportsJsonSchema) {
  const Json js = to_json_schema(test_schema());
  EXPECT_EQ(js["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(js["additionalProperties"], false);
  EXPECT_EQ(js["required"], Json::array({"count"}));
  EXPECT_EQ(js["properties"]["count"]["maximum"], 10.0);
  EXPECT_EQ(js["properties"]["ratio"]["exclusiveMinimum"], 0.0);
  EXPECT_EQ(js["properties"]["ratio"]["default"], 0.5);
  EXPECT_EQ(js["properties"]["mode"]["enum"], Json::array({"fast", "safe"}));
  EXPECT_EQ(js["properties"]["cores"]["uniqueItems"], true);
  EXPECT_EQ(js["properties"]["items"]["propertyNames"]["pattern"], "^(?:[A-Z]+)$");
  EXPECT_EQ(js["x-hft-rules"][0]["rule"], "test.count_vs_cores");
}

}  // namespace
}  // namespace hft::config
