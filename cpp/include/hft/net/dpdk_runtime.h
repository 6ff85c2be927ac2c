#pragma once
/// @file
/// DPDK's Environment Abstraction Layer (EAL), started once per process.
///
/// DPDK allows one `rte_eal_init` per process, even after `rte_eal_cleanup`,
/// so a process owns at most one `DpdkRuntime`; a second `start` is an error,
/// not a silent reuse. No DPDK header is included here: the rest of the code
/// base never sees them.

#include <cstdint>
#include <string>
#include <vector>

#include "hft/net/net_result.h"

namespace hft::net {

/// EAL settings; `network.dpdk` in the configuration maps onto these
/// (engine/network_settings.h).
struct EalOptions {
  /// Logical cores (`-l`); the first is the main lcore, to which the EAL
  /// pins the calling thread. Empty: the core the caller runs on now.
  std::vector<int> cores;
  std::int64_t memory_mb{256};  ///< `-m`
  bool no_huge{true};           ///< `--no-huge`: ordinary pages (no DMA to a real NIC)
  bool no_pci{false};           ///< `--no-pci`: vdevs only
  /// `--in-memory` (with hugepages) or `--no-shconf` (with `no_huge`, which
  /// DPDK does not combine with `--in-memory`): no shared runtime files, no
  /// secondary processes. False: shared configuration under `file_prefix`.
  bool in_memory{true};
  std::string file_prefix{"hft"};       ///< `--file-prefix`: keeps several DPDK processes apart
  std::vector<std::string> vdevs;       ///< `--vdev=...` each, e.g. `net_memif0,role=server,socket=/run/x.sock`
  std::vector<std::string> extra_args;  ///< passed as they are, after everything above
  bool telemetry{false};                ///< DPDK's telemetry socket (`--no-telemetry` when false)
  std::string log_level;                ///< `--log-level`, e.g. "*:warning"; empty: DPDK's default
};

/// The EAL command line `start` passes (without the program name).
std::vector<std::string> eal_arguments(const EalOptions& options);

/// Checks what can be checked before the EAL runs: hugepages reserved and
/// mounted when `no_huge` is false, `in_memory`/`file_prefix` consistent.
/// The message names the fix (`scripts/setup_hugepages.sh`, `--no-huge`).
NetResult check_eal_preconditions(const EalOptions& options);

/// The started EAL. Destruction calls `rte_eal_cleanup`; ports must be
/// destroyed first.
class DpdkRuntime {
 public:
  /// Starts the EAL. Fails (with what failed and how to fix it) on a second
  /// start in this process, bad arguments, missing hugepages, missing
  /// permissions or drivers. Removes the stale socket file of every
  /// `net_memif` vdev in the server role first (DPDK's listener would fail
  /// with "Address already in use").
  static NetOpened<DpdkRuntime> start(const EalOptions& options);

  /// True while a runtime started by this process is alive.
  static bool running() noexcept;

  ~DpdkRuntime();
  DpdkRuntime(const DpdkRuntime&) = delete;
  DpdkRuntime& operator=(const DpdkRuntime&) = delete;

  const std::vector<std::string>& arguments() const noexcept { return arguments_; }
  /// Names of every ethdev the EAL probed (vdevs and PCI ports).
  std::vector<std::string> port_names() const;
  /// The EAL's main lcore id.
  unsigned main_lcore() const noexcept;

  /// Registers the calling (non-EAL) thread with DPDK so that it gets an
  /// lcore id and with it per-core mempool caches. Threads started with
  /// `std::thread` call this before their first burst.
  NetResult register_thread() const;
  /// Undoes `register_thread` for the calling thread.
  void unregister_thread() const noexcept;

 private:
  explicit DpdkRuntime(std::vector<std::string> arguments) : arguments_(std::move(arguments)) {}
  std::vector<std::string> arguments_;
};

}  // namespace hft::net
