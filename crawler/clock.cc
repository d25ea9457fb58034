#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "crawler/crawl_env.h"

namespace pressarc {
namespace {

class SystemClock : public Clock {
 public:
  std::int64_t NowMs() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t UnixSeconds() override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  void SleepMs(std::int64_t ms) override {
    if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
};

}  // namespace

Clock* RealClock() {
  static SystemClock clock;
  return &clock;
}

const char* FetchErrorName(FetchError error) {
  switch (error) {
    case FetchError::kNone:
      return "ok";
    case FetchError::kTimeout:
      return "timeout";
    case FetchError::kConnect:
      return "connection failed";
    case FetchError::kReset:
      return "connection reset or truncated body";
    case FetchError::kTooLarge:
      return "too large";
    case FetchError::kHeadersTooLarge:
      return "response headers too large";
    case FetchError::kNotAllowed:
      return "address not allowed";
    case FetchError::kOther:
      return "transfer error";
  }
  return "transfer error";
}

}  // namespace pressarc
