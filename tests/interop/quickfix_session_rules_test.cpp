// What QuickFIX, as a live counterparty, does with what our Encoder sends
// over a raw TCP connection: the session rules our session layer must
// respect, measured rather than read from QuickFIX's source. Each test logs
// on with a hand-driven socket, sends one thing, and reads the answer from
// quickfix_peer's events.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "hft/protocol/fix.h"

#include "peer_process.h"

namespace hft::interop {
namespace {

namespace fs = std::filesystem;
using protocol::ByteView;
using protocol::fix::Encoder;
using Event = PeerProcess::Event;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A blocking loopback TCP client; only sends (QuickFIX's answers are read
// from the peer's events, which say more than the wire would).
class Socket {
 public:
  explicit Socket(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
      const std::string why = std::strerror(errno);
      ::close(fd_);
      throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + why);
    }
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void send(const std::string& bytes) {
    for (std::size_t off = 0; off < bytes.size();) {
      const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
      off += static_cast<std::size_t>(n);
    }
  }
  void send(ByteView m) {
    ASSERT_FALSE(m.empty()) << "the encoder refused the message";
    send(std::string(reinterpret_cast<const char*>(m.data), m.size));
  }

 private:
  int fd_;
};

protocol::fix::NewOrderSingle order(std::string_view id) {
  protocol::fix::NewOrderSingle o;
  o.cl_ord_id = id;
  o.symbol = "AAPL";
  o.side = '1';
  o.transact_time = "20240102-14:30:00.125";
  o.order_qty = 100;
  o.ord_type = '2';
  o.price = core::Price::from_raw(1872500);
  o.has_price = true;
  return o;
}

class QuickfixSessionRules : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hft-qfrules-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    PeerConfig c;
    c.mode = "acceptor";
    c.sender_comp_id = "VENUE";
    c.target_comp_id = "HFT";
    c.store_dir = (dir_ / "venue").string();
    venue_ = std::make_unique<PeerProcess>(c);
    socket_ = std::make_unique<Socket>(venue_->port());
    // Logon with our encoder; QuickFIX answers and both are at seq 2.
    enc_.begin("A", 1, now_ns());
    enc_.add_int(98, 0);
    enc_.add_int(108, 30);
    socket_->send(enc_.finish());
    venue_->wait_for_event("logon");
  }
  void TearDown() override {
    socket_.reset();
    venue_.reset();
    if (HasFailure())
      std::printf("quickfix_peer store and log kept in %s\n", dir_.c_str());
    else
      fs::remove_all(dir_);
  }

  // The Reject QuickFIX answers message `seq` with.
  Event reject_of(int seq) {
    return venue_->wait_for([seq](const Event& e) {
      return e.value("event", "") == "admin_out" && e.value("msg_type", "") == "3" && e.value("ref_seq_num", 0) == seq;
    });
  }

  fs::path dir_;
  Encoder enc_{"FIX.4.4", "HFT", "VENUE"};
  std::unique_ptr<PeerProcess> venue_;
  std::unique_ptr<Socket> socket_;
};

TEST_F(QuickfixSessionRules, OurLogonAndOrderAreAcceptedAndFilled) {
  socket_->send(enc_.encode_new_order_single(2, now_ns(), order("R-1")));
  const Event d = venue_->wait_for(is_message("app_in", "D"));
  EXPECT_EQ(d["cl_ord_id"], "R-1");
  EXPECT_EQ(d["seq"], 2);
  venue_->wait_for([](const Event& e) {
    return e.value("event", "") == "app_out" && e.value("exec_type", "") == "F" && e.value("cl_ord_id", "") == "R-1";
  });
  EXPECT_EQ(venue_->status()["next_target_seq"], 3);
}

TEST_F(QuickfixSessionRules, ASendingTimeMoreThan120SecondsOffIsRejectedThenLoggedOut) {
  socket_->send(enc_.encode_new_order_single(2, now_ns() - 121'000'000'000, order("R-1")));
  const Event r = reject_of(2);
  EXPECT_EQ(r["session_reject_reason"], 10);  // SendingTimeAccuracyProblem
  venue_->wait_for(is_message("admin_out", "5"));
  EXPECT_TRUE(venue_->find_all(is_message("app_in", "D")).empty());
}

TEST_F(QuickfixSessionRules, AHeaderFieldAfterTheBodyIsRejectedAndTheSeqNumConsumed) {
  // PossDup written after the body, as a careless resend would.
  enc_.begin("D", 2, now_ns());
  enc_.add_str(11, "R-1");
  enc_.add_str(55, "AAPL");
  enc_.add_char(54, '1');
  enc_.add_utc_timestamp(60, now_ns());
  enc_.add_int(38, 100);
  enc_.add_char(40, '1');
  enc_.add_bool(43, true);
  socket_->send(enc_.finish());
  const Event r = reject_of(2);
  EXPECT_EQ(r["session_reject_reason"], 14);  // TagSpecifiedOutOfRequiredOrder
  EXPECT_EQ(r["ref_tag_id"], 43);
  EXPECT_EQ(venue_->status()["next_target_seq"], 3) << "a rejected message still uses its seq number";
}

TEST_F(QuickfixSessionRules, AResendBelowTheExpectedSeqNeedsOrigSendingTimeAndIsThenIgnored) {
  const std::int64_t t1 = now_ns();
  socket_->send(enc_.encode_new_order_single(2, t1, order("R-1")));
  venue_->wait_for(is_message("app_in", "D"));
  // The same message again, PossDup but without OrigSendingTime: Reject.
  enc_.begin("D", 2, now_ns());
  enc_.add_bool(43, true);
  enc_.add_str(11, "R-1");
  enc_.add_str(55, "AAPL");
  enc_.add_char(54, '1');
  enc_.add_utc_timestamp(60, t1);
  enc_.add_int(38, 100);
  enc_.add_char(40, '1');
  socket_->send(enc_.finish());
  const Event r = reject_of(2);
  EXPECT_EQ(r["session_reject_reason"], 1);  // RequiredTagMissing
  EXPECT_EQ(r["ref_tag_id"], 122);
  // With OrigSendingTime it is dropped without a word: no Reject, no app_in.
  enc_.begin("D", 2, now_ns());
  enc_.add_bool(43, true);
  enc_.add_utc_timestamp(122, t1);
  enc_.add_str(11, "R-1");
  enc_.add_str(55, "AAPL");
  enc_.add_char(54, '1');
  enc_.add_utc_timestamp(60, t1);
  enc_.add_int(38, 100);
  enc_.add_char(40, '1');
  socket_->send(enc_.finish());
  // A heartbeat after it is the sync point: once it is in, so is the resend.
  enc_.begin("0", 3, now_ns());
  socket_->send(enc_.finish());
  venue_->wait_for(is_message("admin_in", "0"));
  EXPECT_EQ(venue_->find_all(is_message("app_in", "D")).size(), 1u);
  EXPECT_EQ(venue_->find_all(is_message("admin_out", "3")).size(), 1u);
  EXPECT_EQ(venue_->status()["next_target_seq"], 4);
}

TEST_F(QuickfixSessionRules, ASeqNumTooLowWithoutPossDupEndsTheSession) {
  socket_->send(enc_.encode_new_order_single(2, now_ns(), order("R-1")));
  venue_->wait_for(is_message("app_in", "D"));
  socket_->send(enc_.encode_new_order_single(2, now_ns(), order("R-2")));
  const Event logout = venue_->wait_for(is_message("admin_out", "5"));
  EXPECT_EQ(logout["text"], "MsgSeqNum too low, expecting 3 but received 2");
  venue_->wait_for_event("logout");
}

TEST_F(QuickfixSessionRules, AGarbledMessageIsDroppedAndItsSeqNumNotUsed) {
  const ByteView m = enc_.encode_new_order_single(2, now_ns(), order("R-1"));
  std::string bad(reinterpret_cast<const char*>(m.data), m.size);
  bad[bad.size() - 2] = bad[bad.size() - 2] == '0' ? '1' : '0';  // CheckSum
  socket_->send(bad);
  // The same seq number again, intact: QuickFIX takes it as the next one.
  socket_->send(enc_.encode_new_order_single(2, now_ns(), order("R-2")));
  const Event d = venue_->wait_for(is_message("app_in", "D"));
  EXPECT_EQ(d["cl_ord_id"], "R-2");
  EXPECT_TRUE(venue_->find_all(is_message("admin_out", "3")).empty());
  EXPECT_TRUE(venue_->find_all(is_message("admin_out", "2")).empty()) << "no gap was seen";
}

}  // namespace
}  // namespace hft::interop
