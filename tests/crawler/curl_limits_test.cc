// The libcurl client's limits against a hostile server: response heads over
// kMaxResponseHeaderBytes, header lines over libcurl's 100 KiB, a gzip bomb
// (the decoded size is capped), a dripping body (the low-speed limit and the
// total deadline). Traffic goes to a raw listener on 127.0.0.1 only, named in
// the policy as the fixture configs name it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "crawler/crawl_env.h"

namespace pressarc {
namespace {

// Answers each connection on 127.0.0.1 by calling `serve` with the socket
// (after reading the request head); the connection is closed afterwards.
class RawListener {
 public:
  explicit RawListener(std::function<void(int)> serve) : serve_(std::move(serve)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
      return;
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~RawListener() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  void Run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(c, buf, sizeof(buf));
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      serve_(c);
      close(c);
    }
  }
  std::function<void(int)> serve_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Writes all of `data`; false once the peer has gone.
bool Send(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

struct Timed {
  FetchResponse response;
  double seconds = 0;
};

Timed Fetch(const RawListener& server, int timeout_s, std::int64_t max_body_bytes) {
  CurlClientOptions options;
  options.address_policy = AddressPolicy::FromConfigText({server.Url()}, {});
  auto client = NewCurlHttpClient(options);
  FetchRequest request;
  request.id = 1;
  request.url = server.Url();
  request.timeout_s = timeout_s;
  request.connect_timeout_s = 2;
  request.max_body_bytes = max_body_bytes;
  auto start = std::chrono::steady_clock::now();
  client->Start(request);
  Timed out;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
    std::vector<FetchResponse> done = client->Wait(500);
    if (done.empty()) continue;
    out.response = std::move(done.front());
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
  }
  ADD_FAILURE() << "no response";
  return out;
}

std::string GzipOfZeros(std::size_t n) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  std::string zeros(1 << 20, '\0'), out(1 << 20, '\0'), result;
  for (std::size_t left = n; left > 0 || z.avail_in > 0;) {
    if (z.avail_in == 0) {
      std::size_t take = std::min(left, zeros.size());
      z.next_in = reinterpret_cast<Bytef*>(zeros.data());
      z.avail_in = static_cast<uInt>(take);
      left -= take;
    }
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, left == 0 ? Z_FINISH : Z_NO_FLUSH);
    result.append(out.data(), out.size() - z.avail_out);
    if (left == 0 && z.avail_in == 0) break;
  }
  for (int rc = Z_OK; rc == Z_OK;) {
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    rc = deflate(&z, Z_FINISH);
    result.append(out.data(), out.size() - z.avail_out);
  }
  deflateEnd(&z);
  return result;
}

TEST(CurlLimitsTest, MoreThan256KiBOfResponseHeadersEndTheTransfer) {
  RawListener server([](int fd) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n";
    for (int i = 0; i < 1024; ++i)
      head += "X-Pad-" + std::to_string(i) + ": " + std::string(1000, 'a') + "\r\n";
    Send(fd, head + "Content-Length: 2\r\nConnection: close\r\n\r\nok");
  });
  Timed t = Fetch(server, 5, 1 << 20);
  EXPECT_EQ(t.response.error, FetchError::kHeadersTooLarge);
  EXPECT_EQ(t.response.error_message, "over 256 KiB");
  EXPECT_LE(t.response.headers.size(), 500u);
}

TEST(CurlLimitsTest, AHeaderLineOver100KiBEndsTheTransfer) {
  RawListener server([](int fd) {
    Send(fd, "HTTP/1.1 200 OK\r\nX-Long: " + std::string(1 << 20, 'b') +
                 "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  });
  Timed t = Fetch(server, 5, 1 << 20);
  EXPECT_EQ(t.response.error, FetchError::kHeadersTooLarge) << t.response.error_message;
}

TEST(CurlLimitsTest, HeadersUnderTheCapAreKept) {
  RawListener server([](int fd) {
    std::string head = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 100; ++i)
      head += "X-Pad-" + std::to_string(i) + ": " + std::string(1000, 'a') + "\r\n";
    Send(fd, head + "Content-Length: 2\r\nConnection: close\r\n\r\nok");
  });
  Timed t = Fetch(server, 5, 1 << 20);
  EXPECT_EQ(t.response.error, FetchError::kNone) << t.response.error_message;
  EXPECT_EQ(t.response.body, "ok");
  EXPECT_EQ(t.response.headers.size(), 102u);
}

TEST(CurlLimitsTest, GzipBombStopsAtMaxBodyBytesDecoded) {
  std::string bomb = GzipOfZeros(std::size_t{32} << 20);  // 32 MiB of zeros, ~32 KB
  RawListener server([&bomb](int fd) {
    Send(fd, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " +
                 std::to_string(bomb.size()) + "\r\nConnection: close\r\n\r\n" + bomb);
  });
  Timed t = Fetch(server, 10, 1 << 20);
  EXPECT_EQ(t.response.error, FetchError::kTooLarge);
  EXPECT_EQ(t.response.body.size(), std::size_t{1} << 20);
}

TEST(CurlLimitsTest, DrippedBodyEndsAtTheDeadline) {
  std::atomic<bool> done{false};
  RawListener server([&done](int fd) {
    if (!Send(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")) return;
    for (int i = 0; i < 1000 && !done; ++i) {
      if (!Send(fd, "x")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    }
  });
  Timed t = Fetch(server, 2, 1 << 20);
  done = true;
  EXPECT_EQ(t.response.error, FetchError::kTimeout) << t.response.error_message;
  EXPECT_LT(t.seconds, 5.0);
}

}  // namespace
}  // namespace pressarc
