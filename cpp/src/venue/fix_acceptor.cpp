#include "hft/venue/fix_acceptor.h"

#include <algorithm>
#include <cstring>

namespace hft::venue {

namespace fix = protocol::fix;

namespace {
// Connections that have not logged on: bounded, so a port scan or a flood
// of idle connections cannot grow memory.
constexpr std::size_t kMaxPending = 64;
constexpr std::int64_t kPendingTimeoutNs = 10'000'000'000;
}  // namespace

net::NetOpened<FixAcceptor> FixAcceptor::listen(const std::string& ip, std::uint16_t port, const net::TcpOptions& tcp) {
  auto l = net::TcpListener::listen(ip, port);
  if (!l) return net::NetOpened<FixAcceptor>::failure("FIX acceptor: " + l.result.message);
  return {std::make_unique<FixAcceptor>(std::move(l.value), tcp), net::NetResult::success()};
}

FixAcceptor::FixAcceptor(std::unique_ptr<net::TcpListener> listener, const net::TcpOptions& tcp)
    : listener_(std::move(listener)), tcp_(tcp) {}

FixAcceptor::~FixAcceptor() = default;

fix::Session& FixAcceptor::add_session(fix::SessionSettings settings, fix::SessionStore& store,
                                       fix::SessionApplication& application) {
  settings.role = fix::SessionRole::Acceptor;
  links_.push_back(std::make_unique<Link>(std::move(settings), store, application));
  return links_.back()->session;
}

void FixAcceptor::Link::send_bytes(protocol::ByteView bytes) noexcept {
  if (stream == nullptr || !stream->send(bytes.data, bytes.size)) broken = true;
}

void FixAcceptor::Link::close_connection() noexcept {
  if (stream == nullptr) return;
  stream->flush();
  stream->close();
}

std::size_t FixAcceptor::connected_sessions() const noexcept {
  return static_cast<std::size_t>(std::count_if(
      links_.begin(), links_.end(), [](const auto& l) { return l->stream != nullptr && l->stream->is_open(); }));
}

void FixAcceptor::logout_all(std::string_view text, std::int64_t now_ns) {
  for (auto& l : links_) l->session.logout(text, now_ns);
}

FixAcceptor::Link* FixAcceptor::route(const std::uint8_t* data, std::size_t size) {
  // Only the first message's CompIDs are read here; the session checks the
  // rest (Logon or not, sequence numbers, times) as for any message.
  fix::MessageView mv;
  if (!mv.parse(data, size).ok()) return nullptr;
  const std::string_view sender = mv.get(49);
  const std::string_view target = mv.get(56);
  for (auto& l : links_) {
    const fix::SessionSettings& s = l->session.settings();
    if (s.target_comp_id == sender && s.sender_comp_id == target) return l.get();
  }
  return nullptr;
}

bool FixAcceptor::poll_pending(Pending& p, std::int64_t now_ns) {
  const net::IoResult r = p.stream->read(p.buffer.data() + p.length, p.buffer.size() - p.length);
  if (r.status == net::IoStatus::WouldBlock) {
    if (now_ns >= p.deadline_ns) {
      ++counters_.connections_refused;
      p.stream->close();
    }
    return false;
  }
  if (r.status != net::IoStatus::Ok) {
    p.stream->close();
    return true;
  }
  p.length += r.bytes;
  const fix::FrameResult f = fix::find_message(p.buffer.data(), p.length);
  if (f.status == fix::FrameStatus::NeedMore && p.length < p.buffer.size()) return true;
  Link* link = f.status == fix::FrameStatus::Complete ? route(p.buffer.data(), f.length) : nullptr;
  if (link == nullptr || (link->stream != nullptr && link->stream->is_open())) {
    // Not FIX, CompIDs we do not serve, or a session already connected
    // (1b: a second connection for a logged-on identity is refused).
    ++counters_.connections_refused;
    p.stream->close();
    return true;
  }
  link->stream = std::move(p.stream);
  link->broken = false;
  link->session.connected(now_ns);
  // Everything read so far goes to the session as if it had just arrived.
  std::size_t at = 0;
  while (at < p.length) {
    const fix::ReceiveSpace room = link->session.receive_buffer();
    const std::size_t n = std::min(room.size, p.length - at);
    std::memcpy(room.data, p.buffer.data() + at, n);
    link->session.on_received(n, now_ns);
    at += n;
  }
  return true;
}

bool FixAcceptor::poll_link(Link& link, std::int64_t now_ns) {
  if (link.stream == nullptr) return false;
  if (!link.stream->is_open()) {
    link.stream.reset();
    link.session.disconnected(now_ns);
    return true;
  }
  bool work = false;
  for (int i = 0; i < 16 && link.stream->is_open(); ++i) {
    const fix::ReceiveSpace room = link.session.receive_buffer();
    const net::IoResult r = link.stream->read(room.data, room.size);
    if (r.status == net::IoStatus::WouldBlock) break;
    if (r.status != net::IoStatus::Ok) {
      link.stream.reset();
      link.session.disconnected(now_ns);
      return true;
    }
    link.session.on_received(r.bytes, now_ns);
    work = true;
  }
  if (link.stream->is_open()) link.session.on_timer(now_ns);
  if (link.broken) {
    link.stream->close();
    return true;
  }
  if (link.stream->is_open() && link.stream->queued() > 0) {
    const net::IoResult f = link.stream->flush();
    if (f.status == net::IoStatus::Error) link.stream->close();
    work = true;
  }
  return work;
}

bool FixAcceptor::poll(std::int64_t now_ns) {
  bool work = false;
  for (;;) {
    auto a = listener_->accept(tcp_);
    if (!a) break;
    ++counters_.connections_accepted;
    work = true;
    if (pending_.size() >= kMaxPending) {
      ++counters_.connections_refused;
      continue;  // closed by going out of scope
    }
    auto p = std::make_unique<Pending>();
    p->stream = std::move(a.value);
    p->deadline_ns = now_ns + kPendingTimeoutNs;
    pending_.push_back(std::move(p));
  }
  for (auto& p : pending_) work = poll_pending(*p, now_ns) || work;
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [](const auto& p) { return p->stream == nullptr || !p->stream->is_open(); }),
                 pending_.end());
  for (auto& l : links_) {
    work = poll_link(*l, now_ns) || work;
    // A session that is not connected still has timers (store flushes).
    if (l->stream == nullptr) l->session.on_timer(now_ns);
  }
  return work;
}

}  // namespace hft::venue
