#include "hft/engine/fix_initiator.h"

#include <cstring>
#include <utility>

namespace hft::engine {

namespace fix = protocol::fix;

FixInitiator::FixInitiator(FixInitiatorOptions options, fix::SessionSettings settings, fix::SessionStore& store,
                           fix::SessionApplication& application)
    : options_(std::move(options)), session_(std::move(settings), store, *this, application) {
  reconnect_ = options_.reconnect_interval_ms > 0;
}

void FixInitiator::send_bytes(protocol::ByteView bytes) noexcept {
  // A peer too slow for the send queue: the session is broken, as a lost
  // message would leave a gap; the next poll reports it and reconnects.
  if (stages_ != nullptr) stages_->bytes_out();
  if (corked_ && stream_ != nullptr) {
    if (!stream_->enqueue(bytes.data, bytes.size)) broken_ = true;
    corked_bytes_ = true;
    return;
  }
  if (stages_ != nullptr) stages_->write_begin();
  if (stream_ == nullptr || !stream_->send(bytes.data, bytes.size)) broken_ = true;
  if (stages_ != nullptr) stages_->write_end();
}

void FixInitiator::uncork() noexcept {
  corked_ = false;
  // Only when this cork queued something: a backlog from a slow peer is
  // pushed by poll(), not by a system call per market data message.
  const bool queued = corked_bytes_;
  corked_bytes_ = false;
  if (!queued || stream_ == nullptr) return;
  if (stages_ != nullptr) stages_->write_begin();
  const net::IoResult r = stream_->flush();
  if (r.status != net::IoStatus::Ok && r.status != net::IoStatus::WouldBlock) broken_ = true;
  if (stages_ != nullptr) stages_->write_end();
}

void FixInitiator::close_connection() noexcept {
  if (stream_ == nullptr) return;
  stream_->flush();  // the Logout that preceded the close, if the kernel takes it
  stream_->close();
}

void FixInitiator::lost(std::int64_t now_ns, std::string why) {
  if (stream_ != nullptr) stream_->close();
  stream_.reset();
  broken_ = false;
  session_.disconnected(now_ns);
  last_error_ = std::move(why);
  next_attempt_ns_ = now_ns + options_.reconnect_interval_ms * 1'000'000;
}

void FixInitiator::drop_connection(std::int64_t now_ns) {
  if (stream_ != nullptr) stream_->abort();
  lost(now_ns, "connection dropped by request");
}

bool FixInitiator::poll(std::int64_t now_ns) {
  if (stream_ == nullptr || !stream_->is_open()) {
    if (stream_ != nullptr) lost(now_ns, last_error_.empty() ? "connection closed by the session" : last_error_);
    if ((attempted_ && !reconnect_) || now_ns < next_attempt_ns_) return false;
    attempted_ = true;
    next_attempt_ns_ = now_ns + options_.reconnect_interval_ms * 1'000'000;
    auto opened = net::TcpStream::connect(options_.host, options_.port, options_.tcp);
    if (!opened) {
      last_error_ = opened.result.message;
      return false;
    }
    stream_ = std::move(opened.value);
    return true;
  }
  if (stream_->connecting()) {
    const net::IoResult c = stream_->poll_connect();
    if (c.status == net::IoStatus::WouldBlock) return false;
    if (c.status != net::IoStatus::Ok) {
      lost(now_ns, "connect to " + options_.host + ":" + std::to_string(options_.port) + ": " + std::strerror(c.error));
      return true;
    }
    last_error_.clear();
    session_.connected(now_ns);  // sends Logon
  }
  bool work = false;
  // Bounded: a flood on the socket must not starve timers and sends.
  for (int i = 0; i < 16 && stream_->is_open(); ++i) {
    const fix::ReceiveSpace room = session_.receive_buffer();
    const net::IoResult r = stream_->read(room.data, room.size);
    if (r.status == net::IoStatus::WouldBlock) break;
    if (r.status != net::IoStatus::Ok) {
      lost(now_ns, r.status == net::IoStatus::Closed ? "peer closed the connection"
                                                     : std::string("receive: ") + std::strerror(r.error));
      return true;
    }
    session_.on_received(r.bytes, now_ns);
    work = true;
  }
  if (stream_->is_open()) session_.on_timer(now_ns);
  if (broken_) {
    lost(now_ns, "send queue full: peer too slow");
    return true;
  }
  if (stream_->is_open() && stream_->queued() > 0) {
    const net::IoResult f = stream_->flush();
    if (f.status == net::IoStatus::Error) {
      lost(now_ns, std::string("send: ") + std::strerror(f.error));
      return true;
    }
    work = work || f.bytes > 0;
  }
  return work;
}

}  // namespace hft::engine
