// HttpClient on the libcurl multi interface: HTTP/1.1 only (so archived
// messages are what went over the wire), no automatic redirects (and, were
// one ever followed, at most 0 of them and only to http or https), only http
// and https, any Content-Encoding accepted and decoded, the decoded size
// capped while receiving (so a gzip bomb stops at max_body_bytes), the
// response head capped at kMaxResponseHeaderBytes, a total deadline
// (timeout_s) and a low-speed limit (a dripping body ends within
// min(timeout_s, 15) seconds), the request head recorded as sent, and every
// address checked against the AddressPolicy before a socket is opened for it
// (CURLOPT_OPENSOCKETFUNCTION: after DNS, before connect).
//
// Transfers run on a thread of their own, which alone uses the multi handle:
// the next response arrives while the crawler archives and extracts the
// previous one. Start and Wait hand requests and responses over under a mutex;
// curl_multi_wakeup interrupts the thread's poll when a request comes.
#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "crawler/crawl_env.h"

namespace pressarc {
namespace {

struct Transfer {
  FetchRequest request;
  FetchResponse response;
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  bool too_large = false;
  bool headers_too_large = false;
  bool body_started = false;
  std::size_t header_bytes = 0;
  char error_buffer[CURL_ERROR_SIZE] = {};
  const AddressPolicy* policy = nullptr;
  std::string host;     // the URL's host, for the policy's host exceptions
  std::string refused;  // why the policy refused an address, "" when none was
};

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n'))
    --e;
  return std::string(s.substr(b, e - b));
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  t->header_bytes += line.size();
  if (t->header_bytes > kMaxResponseHeaderBytes) {
    t->headers_too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
    // A new response head (an interim 1xx is replaced by the final one).
    t->response.headers.clear();
    t->response.status_line = Trim(line);
    std::size_t sp = t->response.status_line.find(' ');
    t->response.status =
        sp == std::string::npos ? 0 : std::atoi(t->response.status_line.c_str() + sp + 1);
    return size * n;
  }
  std::size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0 && t->response.headers.size() < 500) {
    t->response.headers.emplace_back(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }
  return size * n;
}

std::size_t OnBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::size_t len = size * n;
  t->body_started = true;
  std::int64_t room =
      t->request.max_body_bytes - static_cast<std::int64_t>(t->response.body.size());
  if (static_cast<std::int64_t>(len) > room) {
    if (room > 0) t->response.body.append(data, static_cast<std::size_t>(room));
    t->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, len);
  return len;
}

int OnDebug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  if (type == CURLINFO_HEADER_OUT) {
    auto* t = static_cast<Transfer*>(user);
    if (t->response.request_headers.size() < 65536) t->response.request_headers.append(data, size);
  }
  return 0;
}

// Opens a socket only for an address the policy allows; libcurl tries the
// next address, or fails the transfer with CURLE_COULDNT_CONNECT.
curl_socket_t OnOpenSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  std::string why = t->policy->Check(t->host, &address->addr);
  if (!why.empty()) {
    if (t->refused.empty()) t->refused = why;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

std::string UrlHost(const std::string& url) {
  std::string host;
  CURLU* u = curl_url();
  char* h = nullptr;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK && h) {
    host = h;
  }
  curl_free(h);
  curl_url_cleanup(u);
  return host;
}

FetchError MapError(CURLcode code, const Transfer& t) {
  if (t.headers_too_large) return FetchError::kHeadersTooLarge;
  switch (code) {
    case CURLE_OK:
      return FetchError::kNone;
    case CURLE_WRITE_ERROR:
      return t.too_large ? FetchError::kTooLarge : FetchError::kOther;
    case CURLE_OUT_OF_MEMORY:
      // What libcurl reports for a header line over its 100 KiB limit.
      return t.response.status > 0 && !t.body_started ? FetchError::kHeadersTooLarge
                                                      : FetchError::kOther;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchError::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return FetchError::kConnect;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2_STREAM:
      return FetchError::kReset;
    default:
      return FetchError::kOther;
  }
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

class CurlHttpClient : public HttpClient {
 public:
  explicit CurlHttpClient(const CurlClientOptions& options) : options_(options) {
    GlobalInit();
    for (const std::string& r : options_.resolve) resolve_ = curl_slist_append(resolve_, r.c_str());
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      static_cast<long>(std::max(1, options.max_connections)));
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, 2L);
    share_ = curl_share_init();
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    thread_ = std::thread([this] { Run(); });
  }
  ~CurlHttpClient() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    curl_multi_wakeup(multi_);
    thread_.join();
    for (auto& [easy, t] : transfers_) Finish(t.get());
    transfers_.clear();
    curl_multi_cleanup(multi_);
    curl_share_cleanup(share_);
    curl_slist_free_all(resolve_);
  }
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  void Start(FetchRequest request) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      incoming_.push_back(std::move(request));
      ++in_flight_;
    }
    curl_multi_wakeup(multi_);
  }

  std::vector<FetchResponse> Wait(std::int64_t max_wait_ms) override {
    std::unique_lock<std::mutex> lock(mu_);
    if (done_.empty() && in_flight_ > 0) {
      cv_.wait_for(lock, std::chrono::milliseconds(std::clamp<std::int64_t>(max_wait_ms, 0, 1000)),
                   [this] { return !done_.empty(); });
    }
    std::vector<FetchResponse> out = std::move(done_);
    done_.clear();
    in_flight_ -= out.size();
    return out;
  }

  std::size_t InFlight() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return in_flight_;
  }

 private:
  // The transfer thread.
  void Run() {
    for (;;) {
      std::vector<FetchRequest> requests;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) return;
        requests.swap(incoming_);
      }
      std::vector<FetchResponse> finished;
      for (FetchRequest& r : requests) Add(std::move(r), &finished);
      int running = 0;
      curl_multi_perform(multi_, &running);
      Collect(&finished);
      if (!finished.empty()) {
        std::lock_guard<std::mutex> lock(mu_);
        for (FetchResponse& r : finished) done_.push_back(std::move(r));
        cv_.notify_all();
      }
      // Returns on socket activity, a timeout of libcurl's, or curl_multi_wakeup.
      curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
  }

  void Add(FetchRequest request, std::vector<FetchResponse>* finished) {
    auto t = std::make_unique<Transfer>();
    t->request = std::move(request);
    t->response.id = t->request.id;
    t->response.url = t->request.url;
    t->policy = &options_.address_policy;
    t->host = UrlHost(t->request.url);
    CURL* e = curl_easy_init();
    t->easy = e;
    curl_easy_setopt(e, CURLOPT_URL, t->request.url.c_str());
    curl_easy_setopt(e, CURLOPT_SHARE, share_);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 0L);
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error_buffer);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &OnOpenSocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
    if (resolve_) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve_);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, t->request.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_TIMEOUT, static_cast<long>(std::max(1, t->request.timeout_s)));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT,
                     static_cast<long>(std::max(1, t->request.connect_timeout_s)));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 64L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
                     static_cast<long>(std::clamp(t->request.timeout_s, 1, 15)));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, t->request.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, t->request.verify_tls ? 2L : 0L);
    for (const auto& [k, v] : t->request.headers) {
      std::string line = k + ": " + v;
      t->header_list = curl_slist_append(t->header_list, line.c_str());
    }
    if (t->header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &OnDebug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, t.get());
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);  // needed for the debug callback (request head)
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    CURLMcode rc = curl_multi_add_handle(multi_, e);
    if (rc != CURLM_OK) {
      t->response.error = FetchError::kOther;
      t->response.error_message = curl_multi_strerror(rc);
      finished->push_back(std::move(t->response));
      Finish(t.get());
      return;
    }
    transfers_.emplace(e, std::move(t));
  }

  void Collect(std::vector<FetchResponse>* done) {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      auto it = transfers_.find(e);
      if (it == transfers_.end()) continue;
      Transfer* t = it->second.get();
      CURLcode code = msg->data.result;
      t->response.error = MapError(code, *t);
      if (code != CURLE_OK) {
        t->response.error_message =
            t->error_buffer[0] != '\0' ? t->error_buffer : curl_easy_strerror(code);
      }
      if (t->headers_too_large) {
        t->response.error_message =
            "over " + std::to_string(kMaxResponseHeaderBytes / 1024) + " KiB";
      } else if (t->response.error == FetchError::kHeadersTooLarge) {
        t->response.error_message =
            "a header line over libcurl's 100 KiB: " + t->response.error_message;
      }
      if (code != CURLE_OK && !t->refused.empty()) {
        t->response.error = FetchError::kNotAllowed;
        t->response.error_message = t->refused;
      }
      char* ip = nullptr;
      if (curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip) t->response.ip = ip;
      std::string enc = FindHeader(t->response.headers, "Content-Encoding");
      t->response.body_decoded = !enc.empty() && enc != "identity";
      done->push_back(std::move(t->response));
      Finish(t);
      transfers_.erase(it);
    }
  }

  void Finish(Transfer* t) {
    if (t->easy) {
      curl_multi_remove_handle(multi_, t->easy);
      curl_easy_cleanup(t->easy);
      t->easy = nullptr;
    }
    if (t->header_list) curl_slist_free_all(t->header_list);
    t->header_list = nullptr;
  }

  const CurlClientOptions options_;
  curl_slist* resolve_ = nullptr;

  // Used by the transfer thread only.
  CURLM* multi_ = nullptr;
  CURLSH* share_ = nullptr;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers_;

  // Shared, under mu_.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<FetchRequest> incoming_;
  std::vector<FetchResponse> done_;
  std::size_t in_flight_ = 0;  // started and not yet returned by Wait
  bool stop_ = false;

  std::thread thread_;  // last: started once the members above exist
};

}  // namespace

std::unique_ptr<HttpClient> NewCurlHttpClient(const CurlClientOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

}  // namespace pressarc
