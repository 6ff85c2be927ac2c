// Starting DPDK's EAL once per process, and turning its failures into
// messages that say what to do. DPDK headers stay in this file.
#include "hft/net/dpdk_runtime.h"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "hft/core/cpu.h"
#include "hft/net/devargs.h"

#include "dpdk_port_impl.h"

namespace hft::net {
namespace {

enum class EalState : int { NotStarted, Running, Ended };
std::atomic<EalState> g_state{EalState::NotStarted};

std::string joined(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

// /proc/meminfo value of `key` (the number before "kB" or the bare count).
long long meminfo(const char* key) {
  std::ifstream in("/proc/meminfo");
  std::string name;
  long long value = 0;
  std::string unit;
  while (in >> name >> value) {
    std::getline(in, unit);
    if (name == std::string(key) + ":") return value;
  }
  return -1;
}

std::string hugetlbfs_mount() {
  std::ifstream in("/proc/mounts");
  std::string device;
  std::string mount;
  std::string type;
  std::string rest;
  while (in >> device >> mount >> type) {
    std::getline(in, rest);
    if (type == "hugetlbfs") return mount;
  }
  return {};
}

// A memif server listens on a Unix socket file; one left by a crashed run
// makes the listener fail with "Address already in use". A file nobody
// accepts on is stale and removed; one with a live listener is an error.
NetResult clear_stale_memif_socket(const std::string& vdev) {
  if (vdev.rfind("net_memif", 0) != 0) return {};
  const DevArgs args = parse_devargs(vdev);
  if (args.get("role", "server") != "server") return {};
  if (args.get("socket-abstract", "yes") != "no") return {};  // abstract sockets leave no file
  const std::string path = args.get("socket", "/run/memif.sock");
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  if (!S_ISSOCK(st.st_mode)) {
    return NetResult::failure("memif socket path " + path + " exists and is not a socket: choose another socket=");
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return NetResult::failure("memif socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET, 0);
  if (fd < 0) return {};
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  ::close(fd);
  if (rc == 0) {
    return NetResult::failure("memif socket " + path +
                              " has a live server (another process): give this one its own socket= path");
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return NetResult::failure("cannot remove stale memif socket " + path + ": " + std::strerror(errno));
  }
  return {};
}

// What the EAL logged while failing: the lines worth showing the user.
std::string eal_log_excerpt(std::FILE* log) {
  if (log == nullptr) return {};
  std::fflush(log);
  std::rewind(log);
  std::vector<std::string> lines;
  char buf[512];
  while (std::fgets(buf, sizeof buf, log) != nullptr) {
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  std::string out;
  const std::size_t first = lines.size() > 6 ? lines.size() - 6 : 0;
  for (std::size_t i = first; i < lines.size(); ++i) out += "\n  " + lines[i];
  return out;
}

std::string hint_for(int err, const EalOptions& o) {
  switch (err) {
    case EALREADY:
      return "the EAL is already initialised in this process; DPDK allows one rte_eal_init per process";
    case EACCES:
    case EPERM:
      return "permission denied: run as root or with CAP_SYS_ADMIN/CAP_IPC_LOCK and access to /dev/hugepages "
             "and /dev/vfio, or run vdevs only without privileges (--no-huge --no-pci --in-memory)";
    case ENOMEM:
      return o.no_huge ? "could not allocate " + std::to_string(o.memory_mb) + " MB: lower network.dpdk.memory_mb (-m)"
                       : "could not reserve hugepage memory: run scripts/setup_hugepages.sh, lower "
                         "network.dpdk.memory_mb (-m), or use --no-huge (network.dpdk.no_huge: true)";
    case EINVAL:
      return "invalid EAL arguments (the EAL printed its usage): check network.dpdk.extra_eal_args and the "
             "core list";
    case ENODEV:
    case ENOTSUP:
    case ENOENT:
      return "a device could not be created or probed: check the vdev names and arguments, and that DPDK's "
             "drivers are installed (Debian: the dpdk / librte-net-* packages)";
    case EFAULT:
    case EAGAIN:
      return "EAL resources (memory, bus, tailqs) could not be set up: check hugepages "
             "(scripts/setup_hugepages.sh --check) or use --no-huge";
    default:
      return "see the EAL log below";
  }
}

}  // namespace

std::vector<std::string> eal_arguments(const EalOptions& o) {
  std::vector<std::string> a;
  std::string cores;
  if (o.cores.empty()) {
    cores = std::to_string(core::current_cpu());
  } else {
    for (const int c : o.cores) cores += (cores.empty() ? "" : ",") + std::to_string(c);
  }
  a.push_back("-l");
  a.push_back(cores);
  a.push_back("-m");
  a.push_back(std::to_string(o.memory_mb));
  if (o.no_huge) a.emplace_back("--no-huge");
  if (o.no_pci) a.emplace_back("--no-pci");
  // --no-huge implies legacy memory, which --in-memory refuses; --no-shconf
  // gives the same "no shared runtime files" without hugepages.
  if (o.in_memory) a.emplace_back(o.no_huge ? "--no-shconf" : "--in-memory");
  a.push_back("--file-prefix=" + o.file_prefix);
  if (!o.telemetry) a.emplace_back("--no-telemetry");
  if (!o.log_level.empty()) a.push_back("--log-level=" + o.log_level);
  for (const std::string& v : o.vdevs) a.push_back("--vdev=" + v);
  for (const std::string& x : o.extra_args) a.push_back(x);
  return a;
}

NetResult check_eal_preconditions(const EalOptions& o) {
  if (o.file_prefix.empty()) return NetResult::failure("EAL file prefix is empty: set network.dpdk.file_prefix");
  if (o.no_huge) return {};
  const long long total = meminfo("HugePages_Total");
  const long long free_pages = meminfo("HugePages_Free");
  const long long page_kb = meminfo("Hugepagesize");
  if (total <= 0) {
    return NetResult::failure(
        "DPDK is configured to use hugepages but none are reserved (HugePages_Total is 0 in /proc/meminfo): "
        "run `sudo scripts/setup_hugepages.sh` to reserve and mount them, or run without hugepages with "
        "network.dpdk.no_huge: true and network.hugepages_gb: 0 (--no-huge)");
  }
  const long long free_mb = free_pages * page_kb / 1024;
  if (free_mb < o.memory_mb) {
    return NetResult::failure("only " + std::to_string(free_mb) + " MB of hugepages are free but the EAL asks for " +
                              std::to_string(o.memory_mb) +
                              " MB (-m): reserve more with scripts/setup_hugepages.sh or lower "
                              "network.dpdk.memory_mb");
  }
  if (!o.in_memory) {
    const std::string mount = hugetlbfs_mount();
    if (mount.empty()) {
      return NetResult::failure(
          "no hugetlbfs is mounted, which the EAL needs outside --in-memory: run scripts/setup_hugepages.sh "
          "(mounts /dev/hugepages) or set network.dpdk.in_memory: true");
    }
    if (::access(mount.c_str(), W_OK) != 0) {
      return NetResult::failure("hugetlbfs at " + mount + " is not writable by this user: run as root, chown the " +
                                "mount to the engine's user, or set network.dpdk.in_memory: true");
    }
  }
  return {};
}

NetOpened<DpdkRuntime> DpdkRuntime::start(const EalOptions& options) {
  const EalState state = g_state.load();
  if (state == EalState::Running) {
    return NetOpened<DpdkRuntime>::failure(
        "DPDK's EAL is already running in this process: DPDK allows one rte_eal_init per process, so share the "
        "one DpdkRuntime instead of starting a second");
  }
  if (state == EalState::Ended) {
    return NetOpened<DpdkRuntime>::failure(
        "DPDK's EAL was started and cleaned up earlier in this process and cannot start again (rte_eal_init "
        "fails with EALREADY even after rte_eal_cleanup): start a new process");
  }
  if (NetResult pre = check_eal_preconditions(options); !pre) return {nullptr, std::move(pre)};
  for (const std::string& vdev : options.vdevs) {
    if (NetResult r = clear_stale_memif_socket(vdev); !r) return {nullptr, std::move(r)};
  }

  std::vector<std::string> args = eal_arguments(options);
  std::vector<std::string> argv_storage;
  argv_storage.reserve(args.size() + 1);
  argv_storage.emplace_back("hft");
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_storage) argv.push_back(s.data());
  argv.push_back(nullptr);

  // The EAL explains its failures only in its log: capture it so that the
  // reason reaches the caller, not just stderr.
  std::FILE* log = std::tmpfile();
  if (log != nullptr) rte_openlog_stream(log);
  const int rc = rte_eal_init(static_cast<int>(argv.size() - 1), argv.data());
  const int err = rte_errno;
  const std::string excerpt = rc < 0 ? eal_log_excerpt(log) : std::string{};
  rte_openlog_stream(nullptr);
  if (log != nullptr) std::fclose(log);

  if (rc < 0) {
    return NetOpened<DpdkRuntime>::failure("DPDK EAL start failed (" + std::string(rte_strerror(err)) +
                                           "): " + hint_for(err, options) + ".\n  EAL arguments: " + joined(args) +
                                           (excerpt.empty() ? "" : "\n  EAL log:" + excerpt));
  }
  g_state.store(EalState::Running);
  return {std::unique_ptr<DpdkRuntime>(new DpdkRuntime(std::move(args))), {}};
}

bool DpdkRuntime::running() noexcept { return g_state.load() == EalState::Running; }

DpdkRuntime::~DpdkRuntime() {
  rte_eal_cleanup();
  g_state.store(EalState::Ended);
}

std::vector<std::string> DpdkRuntime::port_names() const { return ethdev_names(); }

unsigned DpdkRuntime::main_lcore() const noexcept { return rte_get_main_lcore(); }

NetResult DpdkRuntime::register_thread() const {
  if (rte_lcore_id() != LCORE_ID_ANY) return {};  // an EAL thread, or already registered
  if (rte_thread_register() != 0) {
    return NetResult::failure(std::string("rte_thread_register failed: ") + rte_strerror(rte_errno) +
                              " (all RTE_MAX_LCORE lcore ids in use?)");
  }
  return {};
}

void DpdkRuntime::unregister_thread() const noexcept { rte_thread_unregister(); }

}  // namespace hft::net
