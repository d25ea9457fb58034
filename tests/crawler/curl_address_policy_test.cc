// The libcurl client checks the address a name resolves to before it
// connects. Traffic goes to loopback only: a one-response HTTP listener on
// 127.0.0.1, test host names given loopback addresses with CURLOPT_RESOLVE,
// and the policy told to refuse one of them (127.0.0.2, where nothing
// listens: a client that connected anyway would fail differently).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "crawler/crawl_env.h"

namespace pressarc {
namespace {

// Answers every connection on 127.0.0.1 with one fixed 200 response.
class LoopbackListener {
 public:
  LoopbackListener() {
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
    thread_ = std::thread([this] { Serve(); });
  }
  ~LoopbackListener() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++accepted_;
      std::string request;
      char buf[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(c, buf, sizeof(buf));
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      const char kResponse[] =
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
      (void)!write(c, kResponse, sizeof(kResponse) - 1);
      close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

FetchResponse Fetch(const CurlClientOptions& options, const std::string& url) {
  auto client = NewCurlHttpClient(options);
  FetchRequest request;
  request.id = 1;
  request.url = url;
  request.timeout_s = 5;
  request.connect_timeout_s = 2;
  client->Start(request);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<FetchResponse> done = client->Wait(500);
    if (!done.empty()) return done.front();
  }
  ADD_FAILURE() << "no response for " << url;
  return {};
}

std::string Url(const std::string& host, int port) {
  return "http://" + host + ":" + std::to_string(port) + "/";
}

std::string Resolve(const std::string& host, int port, const std::string& address) {
  return host + ":" + std::to_string(port) + ":" + address;
}

TEST(CurlAddressPolicyTest, RefusesAResolvedAddressTheConfigDoesNotName) {
  LoopbackListener server;
  CurlClientOptions options;
  options.address_policy = AddressPolicy::FromConfigText({Url("127.0.0.1", server.port())}, {});
  options.resolve = {Resolve("blocked.test", server.port(), "127.0.0.2")};

  FetchResponse ok = Fetch(options, Url("127.0.0.1", server.port()));
  EXPECT_EQ(ok.error, FetchError::kNone) << ok.error_message;
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "ok");
  EXPECT_EQ(ok.ip, "127.0.0.1");
  EXPECT_EQ(server.accepted(), 1);

  FetchResponse refused = Fetch(options, Url("blocked.test", server.port()));
  EXPECT_EQ(refused.error, FetchError::kNotAllowed);
  EXPECT_EQ(refused.error_message, "address not allowed: 127.0.0.2 (loopback)");
  EXPECT_EQ(refused.status, 0);
  EXPECT_EQ(server.accepted(), 1);
}

TEST(CurlAddressPolicyTest, NamedAddressIsNotReachedThroughANameThatResolvesToIt) {
  LoopbackListener server;
  CurlClientOptions options;
  options.address_policy = AddressPolicy::FromConfigText({Url("127.0.0.1", server.port())}, {});
  options.resolve = {Resolve("rebind.test", server.port(), "127.0.0.1")};
  FetchResponse r = Fetch(options, Url("rebind.test", server.port()));
  EXPECT_EQ(r.error, FetchError::kNotAllowed);
  EXPECT_EQ(r.error_message, "address not allowed: 127.0.0.1 (loopback)");
  EXPECT_EQ(server.accepted(), 0);
}

TEST(CurlAddressPolicyTest, DefaultPolicyRefusesLoopbackGivenLiterally) {
  LoopbackListener server;
  FetchResponse r = Fetch(CurlClientOptions{}, Url("127.0.0.1", server.port()));
  EXPECT_EQ(r.error, FetchError::kNotAllowed);
  EXPECT_EQ(r.error_message, "address not allowed: 127.0.0.1 (loopback)");
  EXPECT_EQ(server.accepted(), 0);
}

TEST(CurlAddressPolicyTest, NamedHostMayResolveToAnInternalAddress) {
  LoopbackListener server;
  CurlClientOptions options;
  options.address_policy = AddressPolicy::FromConfigText({}, {"^http://named\\.test:\\d+/"});
  options.resolve = {Resolve("named.test", server.port(), "127.0.0.1"),
                     Resolve("other.test", server.port(), "127.0.0.1")};

  FetchResponse named = Fetch(options, Url("named.test", server.port()));
  EXPECT_EQ(named.error, FetchError::kNone) << named.error_message;
  EXPECT_EQ(named.status, 200);

  FetchResponse other = Fetch(options, Url("other.test", server.port()));
  EXPECT_EQ(other.error, FetchError::kNotAllowed);
  EXPECT_EQ(other.error_message, "address not allowed: 127.0.0.1 (loopback)");
  EXPECT_EQ(server.accepted(), 1);
}

}  // namespace
}  // namespace pressarc
