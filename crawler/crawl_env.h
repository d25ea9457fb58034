// The crawler's outside world behind small interfaces, so that tests run in
// memory with injected faults: a Clock (time, sleeping) and an HttpClient
// (asynchronous transfers). The production implementations are RealClock()
// and NewCurlHttpClient() (libcurl multi, curl_client.cc).
//
// Internal to the crawler (tests include it directly).
// Thread safety: one crawl job uses one Clock and one HttpClient from one
// thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "archive/archive.h"
#include "config/iso_time.h"
#include "crawler/address_policy.h"

namespace pressarc {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic milliseconds, for delays, backoff and timeouts.
  virtual std::int64_t NowMs() = 0;
  // Wall-clock seconds since the epoch (UTC), for WARC dates and state.
  virtual std::int64_t UnixSeconds() = 0;
  virtual void SleepMs(std::int64_t ms) = 0;
};

// The process clock (steady_clock + system_clock). Never null; not owned.
Clock* RealClock();

struct FetchRequest {
  std::uint64_t id = 0;  // chosen by the caller, echoed in the response
  std::string url;
  HeaderList headers;  // extra request headers (If-None-Match, ...)
  std::string user_agent;
  std::int64_t max_body_bytes = 10485760;  // decoded bytes; more aborts the transfer (kTooLarge)
  int timeout_s = 30;
  int connect_timeout_s = 10;
  bool verify_tls = true;
};

enum class FetchError {
  kNone,
  kTimeout,          // connect, total or low-speed timeout
  kConnect,          // DNS or TCP connect failure
  kReset,            // connection reset, empty reply, truncated body
  kTooLarge,         // body beyond max_body_bytes (the received part is in body)
  kHeadersTooLarge,  // response head beyond kMaxResponseHeaderBytes, or a header line
                     // beyond libcurl's 100 KiB (never retried)
  kNotAllowed,       // the address refused by the AddressPolicy (never retried)
  kOther,            // anything else (bad encoding, TLS, protocol)
};
const char* FetchErrorName(FetchError error);

struct FetchResponse {
  std::uint64_t id = 0;
  std::string url;
  FetchError error = FetchError::kNone;
  std::string error_message;
  int status = 0;               // 0 when no response was received
  std::string status_line;      // "HTTP/1.1 200 OK"
  HeaderList headers;           // as received (the final response; interim 1xx dropped)
  std::string body;             // decoded from any Content-Encoding
  bool body_decoded = false;    // true when the transfer had a Content-Encoding that was undone
  std::string request_headers;  // raw request head as sent
  std::string ip;               // remote IP, "" when unknown
};

// The most bytes of response head (status line and header lines, interim
// responses and trailers included) a transfer takes before it is aborted.
inline constexpr std::size_t kMaxResponseHeaderBytes = 256 * 1024;

// Asynchronous HTTP GETs. Redirects are never followed (the caller does it).
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual void Start(FetchRequest request) = 0;
  // Runs transfers for at most max_wait_ms (returns early when one finishes)
  // and returns the finished ones.
  virtual std::vector<FetchResponse> Wait(std::int64_t max_wait_ms) = 0;
  virtual std::size_t InFlight() const = 0;
};

// libcurl multi; the transfers run on a thread of the client's own, so that
// responses arrive while the job processes earlier ones.
struct CurlClientOptions {
  int max_connections = 16;
  // Checked on every address before a socket is opened for it; a refusal
  // ends the transfer with kNotAllowed and the reason in error_message.
  AddressPolicy address_policy;
  // CURLOPT_RESOLVE entries "HOST:PORT:ADDRESS" (tests give names loopback
  // addresses with it).
  std::vector<std::string> resolve;
};
std::unique_ptr<HttpClient> NewCurlHttpClient(const CurlClientOptions& options);

}  // namespace pressarc
