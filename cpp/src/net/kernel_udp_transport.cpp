// UDP through the kernel with batched system calls. Every buffer the bursts
// use (datagram memory, message headers, control space) is allocated at open.
#include "hft/net/kernel_udp_transport.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "hft/net/address.h"

namespace hft::net {
namespace {

// Room for IP_PKTINFO, a timestamp (SCM_TIMESTAMPING is the largest) and
// SO_RXQ_OVFL, with alignment.
constexpr std::size_t kControlBytes = 256;

std::string errno_text(int err) { return std::string(std::strerror(err)); }

sockaddr_in to_sockaddr(std::uint32_t ip, std::uint16_t port) noexcept {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(ip);
  a.sin_port = htons(port);
  return a;
}

std::string endpoint_text(std::uint32_t ip, std::uint16_t port) {
  return std::string(ipv4_text(ip).data()) + ":" + std::to_string(port);
}

std::uint64_t to_ns(const timespec& t) noexcept {
  return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(t.tv_nsec);
}

// Closes a descriptor on every early return of open().
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
  int release() noexcept { return std::exchange(fd, -1); }
};

// Asks the NIC to stamp every received packet. Needs CAP_NET_ADMIN and a NIC
// with a clock; false otherwise (software stamps are then used).
bool enable_nic_rx_timestamps(int fd, const std::string& interface) {
  if (interface.empty() || interface.size() >= IFNAMSIZ) return false;
  hwtstamp_config config{};
  config.tx_type = HWTSTAMP_TX_OFF;
  config.rx_filter = HWTSTAMP_FILTER_ALL;
  ifreq req{};
  std::memcpy(req.ifr_name, interface.c_str(), interface.size());
  req.ifr_data = reinterpret_cast<char*>(&config);
  return ::ioctl(fd, SIOCSHWTSTAMP, &req) == 0 && config.rx_filter != HWTSTAMP_FILTER_NONE;
}

template <typename T>
NetResult set_option(int fd, int level, int name, T value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) {
    return NetResult::failure(std::string("setsockopt(") + what + "): " + errno_text(errno));
  }
  return {};
}

}  // namespace

struct KernelUdpTransport::Buffers {
  explicit Buffers(std::size_t batch, std::size_t max_datagram)
      : data(batch * max_datagram),
        messages(batch),
        iov(batch),
        addresses(batch),
        control(batch),
        tx_messages(batch),
        tx_iov(batch),
        tx_addresses(batch) {}
  std::vector<std::uint8_t> data;
  std::vector<mmsghdr> messages;
  std::vector<iovec> iov;
  std::vector<sockaddr_in> addresses;
  struct alignas(cmsghdr) Control {
    std::uint8_t bytes[kControlBytes];
  };
  std::vector<Control> control;
  std::vector<mmsghdr> tx_messages;
  std::vector<iovec> tx_iov;
  std::vector<sockaddr_in> tx_addresses;
};

KernelUdpTransport::KernelUdpTransport(int fd, const KernelUdpOptions& o)
    : fd_(fd),
      blocking_(o.blocking),
      max_datagram_(o.max_datagram),
      buffers_(std::make_unique<Buffers>(o.batch, o.max_datagram)) {}

KernelUdpTransport::~KernelUdpTransport() {
  if (fd_ >= 0) ::close(fd_);
}

NetOpened<KernelUdpTransport> KernelUdpTransport::open(const KernelUdpOptions& o) {
  using Opened = NetOpened<KernelUdpTransport>;
  if (o.batch == 0 || o.batch > 1024) return Opened::failure("kernel UDP batch must be 1..1024");
  if (o.max_datagram < 64 || o.max_datagram > 65536)
    return Opened::failure("kernel UDP max_datagram must be 64..65536");

  unsigned ifindex = 0;
  if (!o.interface.empty()) {
    ifindex = ::if_nametoindex(o.interface.c_str());
    if (ifindex == 0) {
      return Opened::failure("network interface '" + o.interface +
                             "' does not exist (see `ip link`): set network.interface to one that does");
    }
  }
  const int type = SOCK_DGRAM | SOCK_CLOEXEC | (o.blocking ? 0 : SOCK_NONBLOCK);
  FdGuard fd{::socket(AF_INET, type, 0)};
  if (fd.fd < 0) return Opened::failure("socket(AF_INET, SOCK_DGRAM): " + errno_text(errno));

  std::vector<NetResult> steps;
  if (!o.multicast_groups.empty()) steps.push_back(set_option(fd.fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR"));
  if (o.receive_buffer_bytes > 0) {
    steps.push_back(set_option(fd.fd, SOL_SOCKET, SO_RCVBUF, o.receive_buffer_bytes, "SO_RCVBUF"));
  }
  if (o.send_buffer_bytes > 0) {
    steps.push_back(set_option(fd.fd, SOL_SOCKET, SO_SNDBUF, o.send_buffer_bytes, "SO_SNDBUF"));
  }
  steps.push_back(set_option(fd.fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO"));
  steps.push_back(set_option(fd.fd, SOL_SOCKET, SO_RXQ_OVFL, 1, "SO_RXQ_OVFL"));
  for (const NetResult& r : steps) {
    if (!r) return {nullptr, r};
  }

  if (o.busy_poll_us > 0 && ::setsockopt(fd.fd, SOL_SOCKET, SO_BUSY_POLL, &o.busy_poll_us, sizeof(int)) != 0) {
    const int err = errno;
    return Opened::failure("setsockopt(SO_BUSY_POLL, " + std::to_string(o.busy_poll_us) + " us): " + errno_text(err) +
                           (err == EPERM ? ": raising it needs CAP_NET_ADMIN; run as root, grant the capability, "
                                           "raise net.core.busy_read instead, or set network.kernel.busy_poll_us: 0"
                                         : std::string{}));
  }

  bool hardware = false;
  if (o.timestamps == RxTimestamps::Hardware) {
    hardware = enable_nic_rx_timestamps(fd.fd, o.interface);
    const int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE |
                      (hardware ? SOF_TIMESTAMPING_RX_HARDWARE | SOF_TIMESTAMPING_RAW_HARDWARE : 0);
    if (NetResult r = set_option(fd.fd, SOL_SOCKET, SO_TIMESTAMPING, flags, "SO_TIMESTAMPING"); !r) {
      return {nullptr, r};
    }
  } else if (o.timestamps == RxTimestamps::Software) {
    if (NetResult r = set_option(fd.fd, SOL_SOCKET, SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS"); !r) return {nullptr, r};
  }

  const sockaddr_in bind_to = to_sockaddr(o.local.ip, o.local.port);
  if (::bind(fd.fd, reinterpret_cast<const sockaddr*>(&bind_to), sizeof bind_to) != 0) {
    const int err = errno;
    return Opened::failure("bind(" + endpoint_text(o.local.ip, o.local.port) + "): " + errno_text(err) +
                           (err == EADDRINUSE      ? ": another socket has this port; pick another"
                            : err == EADDRNOTAVAIL ? ": no interface has this address; check network.local_ip"
                            : err == EACCES        ? ": ports below 1024 need root or CAP_NET_BIND_SERVICE"
                                                   : ""));
  }

  for (const std::uint32_t group : o.multicast_groups) {
    if (!is_multicast_ipv4(group)) {
      return Opened::failure(endpoint_text(group, 0) + " is not a multicast group (224.0.0.0/4)");
    }
    ip_mreqn join{};
    join.imr_multiaddr.s_addr = htonl(group);
    join.imr_ifindex = static_cast<int>(ifindex);
    if (::setsockopt(fd.fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof join) != 0) {
      const int err = errno;
      return Opened::failure(
          "cannot join multicast group " + std::string(ipv4_text(group).data()) + " on interface '" +
          (o.interface.empty() ? std::string("(by route)") : o.interface) + "': " + errno_text(err) +
          (err == ENODEV ? ": the kernel has no multicast route for it; name the interface in network.interface, "
                           "or add one (`ip route add 224.0.0.0/4 dev <if>`) and enable multicast on it "
                           "(`ip link set <if> multicast on`)"
                         : std::string{}));
    }
  }
  if (ifindex != 0) {
    ip_mreqn out_if{};
    out_if.imr_ifindex = static_cast<int>(ifindex);
    if (NetResult r = set_option(fd.fd, IPPROTO_IP, IP_MULTICAST_IF, out_if, "IP_MULTICAST_IF"); !r) {
      return {nullptr, r};
    }
  }
  if (NetResult r = set_option(fd.fd, IPPROTO_IP, IP_MULTICAST_LOOP, o.multicast_loop ? 1 : 0, "IP_MULTICAST_LOOP");
      !r) {
    return {nullptr, r};
  }
  if (NetResult r =
          set_option(fd.fd, IPPROTO_IP, IP_MULTICAST_TTL, static_cast<int>(o.multicast_ttl), "IP_MULTICAST_TTL");
      !r) {
    return {nullptr, r};
  }

  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd.fd, reinterpret_cast<sockaddr*>(&bound), &len);

  std::unique_ptr<KernelUdpTransport> t(new KernelUdpTransport(fd.release(), o));
  t->hardware_timestamps_ = hardware;
  t->local_.ip = ntohl(bound.sin_addr.s_addr);
  t->local_.port = ntohs(bound.sin_port);

  // The receive headers point at fixed buffers; only lengths are reset per call.
  Buffers& b = *t->buffers_;
  for (std::size_t i = 0; i < o.batch; ++i) {
    b.iov[i] = {b.data.data() + i * o.max_datagram, o.max_datagram};
    msghdr& h = b.messages[i].msg_hdr;
    h.msg_name = &b.addresses[i];
    h.msg_iov = &b.iov[i];
    h.msg_iovlen = 1;
    h.msg_control = b.control[i].bytes;
    msghdr& th = b.tx_messages[i].msg_hdr;
    th.msg_name = &b.tx_addresses[i];
    th.msg_namelen = sizeof(sockaddr_in);
    th.msg_iov = &b.tx_iov[i];
    th.msg_iovlen = 1;
  }
  return {std::move(t), {}};
}

std::size_t KernelUdpTransport::rx_burst(RxDatagram* out, std::size_t max) noexcept {
  Buffers& b = *buffers_;
  const std::size_t n = std::min(max, b.messages.size());
  if (n == 0) return 0;
  for (std::size_t i = 0; i < n; ++i) {
    msghdr& h = b.messages[i].msg_hdr;
    h.msg_namelen = sizeof(sockaddr_in);
    h.msg_controllen = kControlBytes;
    h.msg_flags = 0;
    b.iov[i].iov_len = max_datagram_;
  }
  const int rc =
      ::recvmmsg(fd_, b.messages.data(), static_cast<unsigned>(n), blocking_ ? MSG_WAITFORONE : MSG_DONTWAIT, nullptr);
  if (rc <= 0) {
    if (rc < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++counters_.rx_errors;
    return 0;
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(rc); ++i) {
    msghdr& h = b.messages[i].msg_hdr;
    if ((h.msg_flags & MSG_TRUNC) != 0) {
      ++counters_.rx_truncated;
      continue;
    }
    RxDatagram& r = out[kept++];
    r.payload = static_cast<const std::uint8_t*>(b.iov[i].iov_base);
    r.size = b.messages[i].msg_len;
    r.source = {ntohl(b.addresses[i].sin_addr.s_addr), ntohs(b.addresses[i].sin_port), {}};
    r.destination = {local_.ip, local_.port, {}};
    r.timestamp_ns = 0;
    r.timestamp_source = RxTimestampSource::None;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        r.destination.ip = ntohl(info.ipi_addr.s_addr);
      } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec t;
        std::memcpy(&t, CMSG_DATA(c), sizeof t);
        r.timestamp_ns = to_ns(t);
        r.timestamp_source = RxTimestampSource::Software;
      } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
        scm_timestamping ts;
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        if (ts.ts[2].tv_sec != 0 || ts.ts[2].tv_nsec != 0) {
          r.timestamp_ns = to_ns(ts.ts[2]);
          r.timestamp_source = RxTimestampSource::Hardware;
        } else if (ts.ts[0].tv_sec != 0 || ts.ts[0].tv_nsec != 0) {
          r.timestamp_ns = to_ns(ts.ts[0]);
          r.timestamp_source = RxTimestampSource::Software;
        }
      } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
        std::memcpy(&socket_drops_, CMSG_DATA(c), sizeof socket_drops_);
      }
    }
    counters_.rx_bytes += r.size;
  }
  counters_.rx_datagrams += kept;
  return kept;
}

std::size_t KernelUdpTransport::tx_burst(const TxDatagram* in, std::size_t count) noexcept {
  Buffers& b = *buffers_;
  const std::size_t n = std::min(count, b.tx_messages.size());
  std::size_t ready = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (in[i].size > 65507) {  // the largest UDP payload over IPv4
      ++counters_.tx_too_large;
      continue;
    }
    b.tx_addresses[ready] = to_sockaddr(in[i].destination.ip, in[i].destination.port);
    b.tx_iov[ready] = {const_cast<std::uint8_t*>(in[i].payload), in[i].size};  // sendmmsg only reads it
    ++ready;
  }
  if (ready == 0) return 0;
  const int rc = ::sendmmsg(fd_, b.tx_messages.data(), static_cast<unsigned>(ready), MSG_DONTWAIT);
  if (rc < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
      counters_.tx_queue_full += ready;
    } else {
      counters_.tx_errors += ready;
    }
    return 0;
  }
  const auto sent = static_cast<std::size_t>(rc);
  counters_.tx_queue_full += ready - sent;
  counters_.tx_datagrams += sent;
  for (std::size_t i = 0; i < sent; ++i) counters_.tx_bytes += b.tx_iov[i].iov_len;
  return sent;
}

std::vector<NamedCounter> KernelUdpTransport::device_counters() const {
  int rcvbuf = 0;
  socklen_t len = sizeof rcvbuf;
  ::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);
  return {{"socket_rx_queue_overflow", socket_drops_},
          {"socket_rcvbuf_bytes", static_cast<std::uint64_t>(rcvbuf < 0 ? 0 : rcvbuf)},
          {"nic_rx_timestamps", hardware_timestamps_ ? 1u : 0u}};
}

NetResult probe_multicast_loopback(const std::string& interface, std::uint32_t group, std::uint16_t port) {
  KernelUdpOptions rx;
  rx.local = {0, port, {}};
  rx.multicast_groups = {group};
  rx.interface = interface;
  NetOpened<KernelUdpTransport> receiver = KernelUdpTransport::open(rx);
  if (!receiver) return receiver.result;
  KernelUdpOptions tx;
  tx.interface = interface;
  tx.multicast_loop = true;
  NetOpened<KernelUdpTransport> sender = KernelUdpTransport::open(tx);
  if (!sender) return sender.result;

  const std::uint8_t probe[] = {'p', 'r', 'o', 'b', 'e'};
  const TxDatagram d{probe, sizeof probe, {group, receiver.value->local_endpoint().port, {}}};
  const std::string fix = "multicast sent on '" + interface + "' does not come back to a member on this host; " +
                          "enable it with `ip link set " + interface + " multicast on` and a route " +
                          "(`ip route add 224.0.0.0/4 dev " + interface + "`), as root";
  if (sender.value->tx_burst(&d, 1) != 1) return NetResult::failure(fix + " (the send itself failed)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  RxDatagram got[4];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{receiver.value->fd(), POLLIN, 0};
    ::poll(&p, 1, 50);
    if (receiver.value->rx_burst(got, 4) != 0) return {};
  }
  return NetResult::failure(fix);
}

}  // namespace hft::net
