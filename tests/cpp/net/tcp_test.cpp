// Kernel TCP over loopback: connect and accept, ordered delivery through the
// send queue when the peer does not read, close and reset detection, and
// clear errors for what cannot work.
#include "hft/net/tcp.h"

#include <chrono>
#include <functional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace hft::net {
namespace {

bool wait_for(const std::function<bool()>& done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  return true;
}

struct Pair {
  std::unique_ptr<TcpListener> listener;
  std::unique_ptr<TcpStream> client;
  std::unique_ptr<TcpStream> server;
};

Pair connect_pair(const TcpOptions& options = {}) {
  Pair p;
  auto l = TcpListener::listen("127.0.0.1", 0);
  EXPECT_TRUE(l) << l.result.message;
  p.listener = std::move(l.value);
  auto c = TcpStream::connect("127.0.0.1", p.listener->port(), options);
  EXPECT_TRUE(c) << c.result.message;
  p.client = std::move(c.value);
  EXPECT_TRUE(wait_for([&] {
    auto a = p.listener->accept(options);
    if (a) p.server = std::move(a.value);
    return p.server != nullptr;
  }));
  EXPECT_TRUE(wait_for([&] { return p.client->poll_connect().status == IoStatus::Ok; }));
  return p;
}

TEST(Tcp, BytesArriveInOrder) {
  Pair p = connect_pair();
  ASSERT_NE(p.server, nullptr);
  EXPECT_FALSE(p.client->connecting());
  const std::string msg = "8=FIX.4.4 hello";
  ASSERT_TRUE(p.client->send(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()));
  std::string got;
  ASSERT_TRUE(wait_for([&] {
    std::uint8_t buf[64];
    const IoResult r = p.server->read(buf, sizeof buf);
    if (r.status == IoStatus::Ok) got.append(reinterpret_cast<const char*>(buf), r.bytes);
    return got.size() == msg.size();
  }));
  EXPECT_EQ(got, msg);
  EXPECT_FALSE(p.server->peer().empty());
}

TEST(Tcp, SendQueueKeepsOrderWhenThePeerDoesNotRead) {
  TcpOptions o;
  o.send_buffer_bytes = 4096;
  o.send_queue_bytes = 8 << 20;
  Pair p = connect_pair(o);
  ASSERT_NE(p.server, nullptr);
  // Far more than the kernel buffers hold: the rest waits in our queue.
  std::vector<std::uint8_t> data(4 << 20);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 131u);
  ASSERT_TRUE(p.client->send(data.data(), data.size()));
  EXPECT_GT(p.client->queued(), 0u);
  std::vector<std::uint8_t> got;
  got.reserve(data.size());
  ASSERT_TRUE(wait_for([&] {
    p.client->flush();
    std::uint8_t buf[65536];
    for (;;) {
      const IoResult r = p.server->read(buf, sizeof buf);
      if (r.status != IoStatus::Ok) break;
      got.insert(got.end(), buf, buf + r.bytes);
    }
    return got.size() == data.size();
  }));
  EXPECT_EQ(got, data);
  EXPECT_EQ(p.client->queued(), 0u);
}

TEST(Tcp, QueueOverflowIsRefusedNotTruncated) {
  TcpOptions o;
  o.send_buffer_bytes = 4096;
  o.send_queue_bytes = 64 * 1024;
  Pair p = connect_pair(o);
  std::vector<std::uint8_t> chunk(32 * 1024, 0x5a);
  bool refused = false;
  for (int i = 0; i < 200 && !refused; ++i) refused = !p.client->send(chunk.data(), chunk.size());
  EXPECT_TRUE(refused);
  EXPECT_LE(p.client->queued(), o.send_queue_bytes);
}

TEST(Tcp, OrderlyCloseIsSeenAsClosed) {
  Pair p = connect_pair();
  p.client->close();
  IoStatus st = IoStatus::WouldBlock;
  ASSERT_TRUE(wait_for([&] {
    std::uint8_t buf[16];
    st = p.server->read(buf, sizeof buf).status;
    return st != IoStatus::WouldBlock;
  }));
  EXPECT_EQ(st, IoStatus::Closed);
}

TEST(Tcp, ResetIsSeenAsAnError) {
  Pair p = connect_pair();
  p.client->abort();
  IoResult r;
  ASSERT_TRUE(wait_for([&] {
    std::uint8_t buf[16];
    r = p.server->read(buf, sizeof buf);
    return r.status != IoStatus::WouldBlock;
  }));
  EXPECT_EQ(r.status, IoStatus::Error);
  EXPECT_EQ(r.error, ECONNRESET);
}

TEST(Tcp, ConnectionRefusedIsReported) {
  auto l = TcpListener::listen("127.0.0.1", 0);
  ASSERT_TRUE(l);
  const std::uint16_t port = l.value->port();
  l.value.reset();  // nobody listens there now
  auto c = TcpStream::connect("127.0.0.1", port, {});
  ASSERT_TRUE(c) << c.result.message;
  IoResult r;
  ASSERT_TRUE(wait_for([&] {
    r = c.value->poll_connect();
    return r.status != IoStatus::WouldBlock;
  }));
  EXPECT_EQ(r.status, IoStatus::Error);
  EXPECT_EQ(r.error, ECONNREFUSED);
}

TEST(Tcp, ClearErrorsForBadAddressesAndBusyPorts) {
  auto bad = TcpListener::listen("not-an-ip", 0);
  EXPECT_FALSE(bad);
  EXPECT_NE(bad.result.message.find("not-an-ip"), std::string::npos);
  auto first = TcpListener::listen("127.0.0.1", 0);
  ASSERT_TRUE(first);
  auto second = TcpListener::listen("127.0.0.1", first.value->port());
  EXPECT_FALSE(second);
  EXPECT_NE(second.result.message.find("another process listens there"), std::string::npos) << second.result.message;
  auto unresolvable = TcpStream::connect("no-such-host.invalid", 1, {});
  EXPECT_FALSE(unresolvable);
  EXPECT_NE(unresolvable.result.message.find("cannot resolve"), std::string::npos);
}

TEST(Tcp, HostNamesResolve) {
  auto l = TcpListener::listen("127.0.0.1", 0);
  ASSERT_TRUE(l);
  auto c = TcpStream::connect("localhost", l.value->port(), {});
  ASSERT_TRUE(c) << c.result.message;
  ASSERT_TRUE(wait_for([&] { return c.value->poll_connect().status == IoStatus::Ok; }));
}

}  // namespace
}  // namespace hft::net
