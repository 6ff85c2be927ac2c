#pragma once
// Helpers for the network tests: a private temporary folder and EAL options
// that no other test process shares (parallel ctest runs must not collide on
// file prefixes or memif sockets).

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "hft/net/dpdk_runtime.h"

namespace hft::net::testing {

/// A folder under $TMPDIR (or /tmp) removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/hft-net-XXXXXX";
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const noexcept { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// EAL options for a test: no hugepages, no PCI, in memory, a file prefix of
/// its own, the core it runs on.
inline EalOptions test_eal(std::vector<std::string> vdevs = {}) {
  EalOptions o;
  o.no_huge = true;
  o.no_pci = true;
  o.in_memory = true;
  o.memory_mb = 128;
  o.file_prefix = "hft-test-" + std::to_string(::getpid());
  o.vdevs = std::move(vdevs);
  o.log_level = "*:error";
  return o;
}

}  // namespace hft::net::testing
