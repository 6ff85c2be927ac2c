#include "hft/config/env_expand.h"

#include <map>

#include <gtest/gtest.h>

namespace hft::config {
namespace {

EnvLookup fake(std::map<std::string, std::string> vars) {
  return [vars](const std::string& n) -> std::optional<std::string> {
    const auto it = vars.find(n);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(EnvExpand, ReplacesSetVariables) {
  std::string err;
  EXPECT_EQ(expand_env("${A}/x/${B}", fake({{"A", "/srv"}, {"B", "y"}}), err), "/srv/x/y");
}

TEST(EnvExpand, UsesDefaultWhenUnsetOrEmpty) {
  std::string err;
  EXPECT_EQ(expand_env("${A:-/var/lib/hft}/a", fake({}), err), "/var/lib/hft/a");
  EXPECT_EQ(expand_env("${A:-d}", fake({{"A", ""}}), err), "d");
  EXPECT_EQ(expand_env("${A:-d}", fake({{"A", "set"}}), err), "set");
}

TEST(EnvExpand, KeepsLoneDollar) {
  std::string err;
  EXPECT_EQ(expand_env("cost$5 and $HOME", fake({}), err), "cost$5 and $HOME");
}

TEST(EnvExpand, UnsetWithoutDefaultNamesTheVariable) {
  std::string err;
  EXPECT_FALSE(expand_env("${MISSING}/a", fake({}), err));
  EXPECT_NE(err.find("MISSING"), std::string::npos);
}

TEST(EnvExpand, RejectsMalformedReferences) {
  std::string err;
  EXPECT_FALSE(expand_env("${A", fake({{"A", "x"}}), err));
  EXPECT_NE(err.find("unterminated"), std::string::npos);
  EXPECT_FALSE(expand_env("${1A}", fake({}), err));
  EXPECT_FALSE(expand_env("${}", fake({}), err));
  EXPECT_FALSE(expand_env("${A B}", fake({}), err));
}

}  // namespace
}  // namespace hft::config
