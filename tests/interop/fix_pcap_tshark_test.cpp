// A FIX session written by our Encoder, captured by TcpStreamCapture, read
// by tshark's FIX dissector: every message is found with the right MsgType
// (also when TCP cuts it across segments), its CheckSum and BodyLength are
// seen as good, and neither tshark's IP/TCP checksum validation nor its
// expert analysis finds anything wrong. Our own reader must agree.
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hft/net/tcp_pcap.h"
#include "hft/protocol/fix.h"

#include "child_process.h"

namespace hft {
namespace {

namespace fs = std::filesystem;
using net::TcpDirection;
using protocol::ByteView;
using protocol::fix::Encoder;

constexpr std::uint16_t kFixPort = 9878;
const net::TcpEndpoint kClient{0x0A010001, 40001, {0x02, 0, 0, 0, 1, 1}};    // 10.1.0.1, our engine
const net::TcpEndpoint kVenue{0x0A010002, kFixPort, {0x02, 0, 0, 0, 1, 2}};  // 10.1.0.2
constexpr std::int64_t kT0 = 1'704'205'800'000'000'000;                      // 2024-01-02 14:30:00 UTC

core::Price px(std::int64_t raw) { return core::Price::from_raw(raw); }

// One write on the connection: some whole messages, one direction.
struct Write {
  TcpDirection dir;
  std::string bytes;
};

// What tshark should find, in wire order.
struct Expected {
  TcpDirection dir;
  std::string msg_type;
  std::size_t body_length;
};

struct Session {
  std::vector<Write> writes;
  std::vector<Expected> messages;
};

class SessionBuilder {
 public:
  SessionBuilder() : client_("FIX.4.4", "HFT", "VENUE"), venue_("FIX.4.4", "VENUE", "HFT") {}

  Encoder& enc(TcpDirection d) { return d == TcpDirection::ClientToServer ? client_ : venue_; }
  std::uint64_t next_seq(TcpDirection d) { return d == TcpDirection::ClientToServer ? client_seq_++ : venue_seq_++; }
  std::int64_t now() { return kT0 + 1'000'000 * static_cast<std::int64_t>(++ticks_); }

  // Adds a finished message to the current write (started by flush()).
  void add(TcpDirection d, ByteView m) {
    ASSERT_FALSE(m.empty()) << "the encoder refused a message";
    if (pending_.bytes.empty()) pending_.dir = d;
    ASSERT_EQ(pending_.dir, d) << "one write holds one direction";
    const std::string s(reinterpret_cast<const char*>(m.data), m.size);
    pending_.bytes += s;
    // BodyLength: from after "9=NNN<SOH>" up to "10=".
    const std::size_t body = s.find('\x01', s.find("\x01"
                                                   "9=") +
                                                1) +
                             1;
    session_.messages.push_back({d, type_of(s),
                                 s.rfind("\x01"
                                         "10=") +
                                     1 - body});
  }
  void flush() {
    if (!pending_.bytes.empty()) session_.writes.push_back(pending_);
    pending_ = {};
  }
  Session take() {
    flush();
    return session_;
  }

 private:
  static std::string type_of(const std::string& m) {
    const std::size_t at = m.find(
                               "\x01"
                               "35=") +
                           4;
    return m.substr(at, m.find('\x01', at) - at);
  }

  Encoder client_;
  Encoder venue_;
  std::uint64_t client_seq_{1};
  std::uint64_t venue_seq_{1};
  int ticks_{0};
  Write pending_;
  Session session_;
};

protocol::fix::NewOrderSingle order(const std::string& id) {
  protocol::fix::NewOrderSingle o;
  static std::deque<std::string> ids;  // the views point here; a deque never moves them
  ids.push_back(id);
  o.cl_ord_id = ids.back();
  o.account = "ACC-7";
  o.symbol = "AAPL";
  o.side = '1';
  o.transact_time = "20240102-14:30:00.125";
  o.order_qty = 100;
  o.ord_type = '2';
  o.price = px(1872500);
  o.has_price = true;
  o.time_in_force = '0';
  return o;
}

protocol::fix::ExecutionReport report(const std::string& cl_ord_id, char exec_type, int n) {
  static std::deque<std::string> strings;  // the views point here; a deque never moves them
  strings.push_back(cl_ord_id);
  protocol::fix::ExecutionReport r;
  r.cl_ord_id = strings.back();
  strings.push_back("EX-" + std::to_string(n));
  r.exec_id = strings.back();
  r.order_id = "VENUE-1";
  r.exec_type = exec_type;
  r.ord_status = exec_type == 'F' ? '2' : '0';
  r.symbol = "AAPL";
  r.side = '1';
  r.order_qty = 100;
  r.price = px(1872500);
  r.has_price = true;
  r.leaves_qty = exec_type == 'F' ? 0 : 100;
  r.cum_qty = exec_type == 'F' ? 100 : 0;
  r.avg_px = exec_type == 'F' ? px(1872500) : px(0);
  r.last_qty = exec_type == 'F' ? 100 : 0;
  r.last_px = exec_type == 'F' ? px(1872500) : px(0);
  r.transact_time = "20240102-14:30:00.131";
  return r;
}

// Logon both ways, an order and its ERs, TestRequest/Heartbeat, a
// ResendRequest answered by PossDup resends and a SequenceReset-GapFill, a
// Reject, a burst bigger than one segment each way, Logout both ways.
Session realistic_session() {
  constexpr auto C = TcpDirection::ClientToServer;
  constexpr auto V = TcpDirection::ServerToClient;
  SessionBuilder b;
  auto simple = [&b](TcpDirection d, const char* type, auto&& fields) {
    Encoder& e = b.enc(d);
    e.begin(type, b.next_seq(d), b.now());
    fields(e);
    b.add(d, e.finish());
    b.flush();
  };
  simple(C, "A", [](Encoder& e) {
    e.add_int(98, 0);
    e.add_int(108, 30);
    e.add_bool(141, true);
  });
  simple(V, "A", [](Encoder& e) {
    e.add_int(98, 0);
    e.add_int(108, 30);
    e.add_bool(141, true);
  });
  b.add(C, b.enc(C).encode_new_order_single(b.next_seq(C), b.now(), order("HFT-1")));
  b.flush();
  // Two messages in one write (one segment): New and Fill.
  const std::int64_t new_time = b.now();
  b.add(V, b.enc(V).encode_execution_report(b.next_seq(V), new_time, report("HFT-1", '0', 1)));
  const std::int64_t fill_time = b.now();
  b.add(V, b.enc(V).encode_execution_report(b.next_seq(V), fill_time, report("HFT-1", 'F', 2)));
  b.flush();
  simple(C, "1", [](Encoder& e) { e.add_str(112, "TEST-1"); });
  simple(V, "0", [](Encoder& e) { e.add_str(112, "TEST-1"); });
  simple(C, "2", [](Encoder& e) {
    e.add_int(7, 2);
    e.add_int(16, 0);
  });
  // The venue answers: its two ERs again as PossDup, the Heartbeat (seq 4)
  // gap-filled.
  Encoder& v = b.enc(V);
  const std::pair<std::int64_t, char> resend[] = {{new_time, '0'}, {fill_time, 'F'}};
  std::uint64_t seq = 2;
  for (const auto& [orig_time, exec_type] : resend) {
    v.begin("8", seq, b.now());
    v.add_bool(43, true);
    v.add_utc_timestamp(122, orig_time);
    const auto r = report("HFT-1", exec_type, static_cast<int>(seq - 1));
    v.add_str(37, r.order_id);
    v.add_str(11, r.cl_ord_id);
    v.add_str(17, r.exec_id);
    v.add_char(150, r.exec_type);
    v.add_char(39, r.ord_status);
    v.add_str(55, r.symbol);
    v.add_char(54, r.side);
    v.add_int(151, r.leaves_qty);
    v.add_int(14, r.cum_qty);
    v.add_price(6, r.avg_px);
    b.add(V, v.finish());
    ++seq;
  }
  v.begin("4", seq, b.now());
  v.add_bool(43, true);
  v.add_utc_timestamp(122, kT0);
  v.add_bool(123, true);
  v.add_int(36, 5);
  b.add(V, v.finish());
  b.flush();
  simple(C, "0", [](Encoder&) {});
  simple(C, "3", [](Encoder& e) {
    e.add_int(45, 3);
    e.add_int(371, 5001);
    e.add_str(372, "8");
    e.add_int(373, 0);
    e.add_str(58, "Invalid tag number");
  });
  // Bursts larger than a segment: messages cut across segment boundaries.
  for (int i = 0; i < 12; ++i)
    b.add(C, b.enc(C).encode_new_order_single(b.next_seq(C), b.now(), order("B-" + std::to_string(i))));
  b.flush();
  for (int i = 0; i < 12; ++i) {
    const std::string id = "B-" + std::to_string(i);
    b.add(V, b.enc(V).encode_execution_report(b.next_seq(V), b.now(), report(id, '0', 100 + 2 * i)));
    b.add(V, b.enc(V).encode_execution_report(b.next_seq(V), b.now(), report(id, 'F', 101 + 2 * i)));
  }
  b.flush();
  simple(C, "5", [](Encoder& e) { e.add_str(58, "end of day"); });
  simple(V, "5", [](Encoder&) {});
  return b.take();
}

class FixCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hft-fix-pcap-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    ASSERT_EQ(interop::run_command({"tshark", "--version"}, std::chrono::seconds(60)).exit_code, 0)
        << "tshark is the FIX dissector this test checks against; scripts/bootstrap.sh installs it";
  }
  void TearDown() override {
    if (HasFailure())
      std::printf("capture kept in %s\n", dir_.c_str());
    else
      fs::remove_all(dir_);
  }

  std::string write_capture(const Session& s, std::uint16_t mss) {
    const std::string path = (dir_ / ("session-mss" + std::to_string(mss) + ".pcap")).string();
    net::PcapWriter file(path);
    net::TcpStreamCapture::Options o;
    o.mss = mss;
    net::TcpStreamCapture tcp(file, kClient, kVenue, o);
    std::int64_t t = kT0;
    tcp.open(static_cast<std::uint64_t>(t));
    for (const Write& w : s.writes) {
      t += 1'000'000;
      tcp.write(w.dir, reinterpret_cast<const std::uint8_t*>(w.bytes.data()), w.bytes.size(),
                static_cast<std::uint64_t>(t));
    }
    tcp.close(TcpDirection::ClientToServer, static_cast<std::uint64_t>(t + 1'000'000));
    file.close();
    return path;
  }

  fs::path dir_;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

// tshark's view of every frame: which FIX messages it dissected there and
// what it thought of them and of the packet.
struct TsharkFrame {
  int number{0};
  std::uint16_t src_port{0};
  std::vector<std::string> msg_types;
  std::vector<std::string> checksum_good;
  std::vector<std::string> body_lengths;
  std::string malformed;
  std::string tcp_checksum_status;
  std::string ip_checksum_status;
};

std::vector<std::string> tshark_args(const std::string& pcap) {
  return {"tshark",
          "-r",
          pcap,
          "-d",
          "tcp.port==" + std::to_string(kFixPort) + ",fix",
          "-o",
          "tcp.check_checksum:TRUE",
          "-o",
          "ip.check_checksum:TRUE"};
}

std::vector<TsharkFrame> run_tshark(const std::string& pcap) {
  std::vector<std::string> args = tshark_args(pcap);
  for (const char* a :
       {"-T", "fields",        "-E", "occurrence=a",        "-E", "aggregator=,",      "-e", "frame.number",
        "-e", "tcp.srcport",   "-e", "fix.MsgType",         "-e", "fix.checksum_good", "-e", "fix.BodyLength",
        "-e", "_ws.malformed", "-e", "tcp.checksum.status", "-e", "ip.checksum.status"}) {
    args.emplace_back(a);
  }
  const interop::CommandResult r = interop::run_command(args, std::chrono::seconds(120));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::vector<TsharkFrame> frames;
  for (const std::string& line : split(r.out, '\n')) {
    if (line.empty()) continue;
    const std::vector<std::string> f = split(line, '\t');
    if (f.size() < 8) {
      ADD_FAILURE() << "unexpected tshark line: " << line;
      continue;
    }
    TsharkFrame t;
    t.number = std::stoi(f[0]);
    t.src_port = static_cast<std::uint16_t>(std::stoi(f[1]));
    if (!f[2].empty()) t.msg_types = split(f[2], ',');
    if (!f[3].empty()) t.checksum_good = split(f[3], ',');
    if (!f[4].empty()) t.body_lengths = split(f[4], ',');
    t.malformed = f[5];
    t.tcp_checksum_status = f[6];
    t.ip_checksum_status = f[7];
    frames.push_back(t);
  }
  return frames;
}

// The frames tshark finds fault with: TCP analysis (retransmission, lost
// or out-of-order segment, ACK of unseen data, window problems...), a
// malformed packet, or expert info worse than a note (Wireshark's severities:
// chat 0x200000, note 0x400000, warn 0x600000, error 0x800000; SYN and FIN
// carry chats and notes).
std::string frames_tshark_faults(const std::string& pcap) {
  std::vector<std::string> args = tshark_args(pcap);
  args.insert(args.end(), {"-Y", "tcp.analysis.flags || _ws.malformed || _ws.expert.severity > 4194304"});
  const interop::CommandResult r = interop::run_command(args, std::chrono::seconds(120));
  EXPECT_EQ(r.exit_code, 0);
  return r.out;
}

void check_with_tshark(const Session& s, const std::string& pcap) {
  const std::vector<TsharkFrame> frames = run_tshark(pcap);
  ASSERT_FALSE(frames.empty());
  std::vector<Expected> seen;
  EXPECT_EQ(frames_tshark_faults(pcap), "");
  for (const TsharkFrame& f : frames) {
    EXPECT_EQ(f.malformed, "") << "frame " << f.number << " is malformed";
    EXPECT_EQ(f.tcp_checksum_status, "1") << "frame " << f.number << ": TCP checksum not good";
    EXPECT_EQ(f.ip_checksum_status, "1") << "frame " << f.number << ": IPv4 checksum not good";
    ASSERT_EQ(f.checksum_good.size(), f.msg_types.size()) << "frame " << f.number;
    ASSERT_EQ(f.body_lengths.size(), f.msg_types.size()) << "frame " << f.number;
    for (std::size_t i = 0; i < f.msg_types.size(); ++i) {
      EXPECT_TRUE(f.checksum_good[i] == "1" || f.checksum_good[i] == "True")
          << "frame " << f.number << ": FIX CheckSum not good (" << f.checksum_good[i] << ")";
      const TcpDirection d = f.src_port == kClient.port ? TcpDirection::ClientToServer : TcpDirection::ServerToClient;
      seen.push_back({d, f.msg_types[i], static_cast<std::size_t>(std::stoul(f.body_lengths[i]))});
    }
  }
  ASSERT_EQ(seen.size(), s.messages.size()) << "tshark found a different number of FIX messages";
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].dir, s.messages[i].dir) << "message " << i;
    EXPECT_EQ(seen[i].msg_type, s.messages[i].msg_type) << "message " << i;
    EXPECT_EQ(seen[i].body_length, s.messages[i].body_length) << "message " << i;
  }
}

// Our own reading of the same file: reassemble each direction from the
// segments, then frame it with find_message.
void check_with_our_reader(const Session& s, const std::string& pcap) {
  net::PcapReader r(pcap);
  net::CapturedFrame cf;
  std::map<bool, std::string> streams;
  while (r.next_frame(cf)) {
    net::TcpSegment seg;
    ASSERT_EQ(net::parse_tcp_frame(cf.data, cf.size, seg), net::TcpFrameStatus::Ok);
    streams[seg.src.port == kClient.port].append(reinterpret_cast<const char*>(seg.payload), seg.size);
  }
  std::map<bool, std::vector<std::string>> types;
  for (auto& [from_client, bytes] : streams) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    for (std::size_t off = 0; off < bytes.size();) {
      const protocol::fix::FrameResult f = protocol::fix::find_message(data + off, bytes.size() - off);
      ASSERT_EQ(f.status, protocol::fix::FrameStatus::Complete) << "at byte " << off;
      protocol::fix::MessageView v;
      ASSERT_TRUE(v.parse(data + off, f.length).ok());
      types[from_client].emplace_back(v.msg_type());
      off += f.length;
    }
  }
  std::map<bool, std::vector<std::string>> expected;
  for (const Expected& e : s.messages) expected[e.dir == TcpDirection::ClientToServer].push_back(e.msg_type);
  EXPECT_EQ(types, expected);
}

TEST_F(FixCapture, TsharkDissectsEveryMessageOfASession) {
  const Session s = realistic_session();
  ASSERT_GT(s.messages.size(), 40u);
  const std::string pcap = write_capture(s, 1460);
  check_with_tshark(s, pcap);
  check_with_our_reader(s, pcap);
}

TEST_F(FixCapture, TsharkReassemblesMessagesCutIntoSmallSegments) {
  // 64-byte segments: almost every message spans several of them.
  const Session s = realistic_session();
  const std::string pcap = write_capture(s, 64);
  check_with_tshark(s, pcap);
  check_with_our_reader(s, pcap);
}

// The checks above are live: a damaged FIX CheckSum and a retransmitted
// segment are both caught.
TEST_F(FixCapture, TsharkNoticesABadFixChecksum) {
  Session s = realistic_session();
  std::string& nos = s.writes[2].bytes;  // the first NewOrderSingle
  ASSERT_EQ(s.messages[2].msg_type, "D");
  char& digit = nos[nos.size() - 2];
  digit = digit == '0' ? '1' : '0';
  const std::string pcap = write_capture(s, 1460);
  int bad = 0;
  for (const TsharkFrame& f : run_tshark(pcap)) {
    for (std::size_t i = 0; i < f.msg_types.size(); ++i) {
      if (f.checksum_good[i] == "0" || f.checksum_good[i] == "False") {
        ++bad;
        EXPECT_EQ(f.msg_types[i], "D");
      }
    }
  }
  EXPECT_EQ(bad, 1);
  EXPECT_NE(frames_tshark_faults(pcap), "") << "a bad FIX CheckSum is an expert error";
}

TEST_F(FixCapture, TsharkNoticesARetransmittedSegment) {
  const Session s = realistic_session();
  const std::string clean = write_capture(s, 1460);
  ASSERT_EQ(frames_tshark_faults(clean), "");
  // The same file with the client's first data segment sent again at the end.
  const std::string dup = (dir_ / "with-retransmission.pcap").string();
  {
    net::PcapReader in(clean);
    net::PcapWriter out(dup);
    net::CapturedFrame f;
    std::vector<std::uint8_t> first_data;
    std::uint64_t last_ts = 0;
    while (in.next_frame(f)) {
      net::TcpSegment seg;
      ASSERT_EQ(net::parse_tcp_frame(f.data, f.size, seg), net::TcpFrameStatus::Ok);
      if (first_data.empty() && seg.size != 0) first_data.assign(f.data, f.data + f.size);
      out.write_frame(f.data, f.size, f.timestamp_ns);
      last_ts = f.timestamp_ns;
    }
    ASSERT_FALSE(first_data.empty());
    out.write_frame(first_data.data(), first_data.size(), last_ts + 1'000'000);
    out.close();
  }
  EXPECT_NE(frames_tshark_faults(dup), "");
}

}  // namespace
}  // namespace hft
